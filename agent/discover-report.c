/* discover-report.c: a discovery run — scan, then POST /api/v1/agents/{id}/discoveries, in
 * several reports when the certificates would make one body too large for the server */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "agent/agent.h"
#include "libcc/err.h"
#include "libcc/banned.h"

#define BATCH_BYTES (512 * 1024) /* serve's default body limit is 1 MiB */
#define BATCH_ENTRY_OVERHEAD 1024

static bool stop_cb(void *arg)
{
	return agent_stopping(arg);
}

static json_t *dirs_json(const struct cc_strv *dirs) /* new ref */
{
	json_t *a = json_array();

	for (size_t i = 0; i < dirs->n; i++)
		json_array_append_new(a, json_string(dirs->v[i]));
	return a;
}

/* the entries [from, *next) fitting in one body */
static json_t *batch(json_t *certs, size_t from, size_t *next) /* new ref */
{
	json_t *out = json_array();
	size_t bytes = 0, i;

	for (i = from; i < json_array_size(certs); i++) {
		json_t *e = json_array_get(certs, i);
		size_t sz =
			BATCH_ENTRY_OVERHEAD + json_string_length(json_object_get(e, "pem_data"));
		if (i > from && bytes + sz > BATCH_BYTES)
			break;
		bytes += sz;
		json_array_append(out, e);
	}
	*next = i;
	return out;
}

static int post(struct agent *a, json_t *body, struct cc_err *err)
{
	char *path = agent_path(a, "/discoveries"), n[24], fresh[24];
	json_t *reply = NULL;
	int rc = agent_http(a, "POST", path, body, &reply, err);

	if (rc == 0) {
		snprintf(n, sizeof(n), "%zu",
			 json_array_size(json_object_get(body, "certificates")));
		snprintf(fresh, sizeof(fresh), "%lld",
			 (long long)json_integer_value(json_object_get(reply, "certificates_new")));
		cc_log_kv(a->log, CC_LOG_INFO, "discovery report accepted", "scan",
			  json_string_value(json_object_get(reply, "id")), "certificates", n, "new",
			  fresh, (const char *)NULL);
	}
	json_decref(reply);
	free(path);
	return rc;
}

static void log_scan(struct agent *a, const struct agent_scan *s)
{
	char files[24], certs[24], errs[24], ms[24];

	snprintf(files, sizeof(files), "%zu", s->files);
	snprintf(certs, sizeof(certs), "%zu", json_array_size(s->certificates));
	snprintf(errs, sizeof(errs), "%zu", json_array_size(s->errors));
	snprintf(ms, sizeof(ms), "%lld", (long long)s->duration_ms);
	cc_log_kv(a->log, json_array_size(s->errors) ? CC_LOG_WARN : CC_LOG_INFO,
		  "discovery scan finished", "files", files, "certificates", certs, "errors", errs,
		  "duration_ms", ms, (const char *)NULL);
	for (size_t i = 0; i < json_array_size(s->errors) && i < 10; i++)
		cc_log_kv(a->log, CC_LOG_WARN, "discovery error", "error",
			  json_string_value(json_array_get(s->errors, i)), (const char *)NULL);
}

int agent_discover(struct agent *a, struct cc_err *err)
{
	struct agent_scan s;
	size_t from = 0, next;
	int rc = 0;

	agent_discover_scan(&a->o->discovery_dirs, a->log, stop_cb, a, &s);
	if (s.stopped) {
		cc_info(a->log, "discovery scan interrupted: nothing reported");
		goto out;
	}
	log_scan(a, &s);
	if (!json_array_size(s.certificates) && !json_array_size(s.errors))
		goto out;
	do {
		json_t *body = json_pack("{s:s, s:o, s:o, s:o, s:I}", "agent_id", a->id,
					 "directories", dirs_json(&a->o->discovery_dirs),
					 "certificates", batch(s.certificates, from, &next),
					 "errors", from ? json_array() : json_incref(s.errors),
					 "scan_duration_ms", (json_int_t)s.duration_ms);
		rc = post(a, body, err);
		json_decref(body);
		from = next;
	} while (rc == 0 && from < json_array_size(s.certificates));
	if (rc < 0 && !agent_err_retry(err)) {
		cc_log_kv(a->log, CC_LOG_ERROR, "discovery report refused", "reason", err->msg,
			  (const char *)NULL);
		a->failed++;
		rc = 0; /* not retried before the next discovery interval */
	}
out:
	agent_scan_release(&s);
	return rc;
}
