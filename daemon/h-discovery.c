/* h-discovery.c: discovery reports from agents (/api/v1/agents/{id}/discoveries) and the
 * triage of what they found (/api/v1/discovered-certificates, /discovery-scans,
 * /discovery-summary) */
#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "daemon/resource.h"
#include "daemon/routes.h"
#include "libcc/agent.h"
#include "libcc/certificate.h"
#include "libcc/db.h"
#include "libcc/discovery.h"
#include "libcc/time.h"
#include "libcc/banned.h"

#define MAX_SCAN_MS (INT64_C(30) * 86400 * 1000) /* a report claiming more is bogus */

static const struct api_resource discovered = {
	.e = &cc_discovered_cert_entity,
	.label = "Discovered certificate",
};

static const struct api_resource scans = {
	.e = &cc_discovery_scan_entity,
	.label = "Discovery scan",
};

/* ---- POST /agents/{id}/discoveries ---- */

static const char *const entry_keys[] = {
	"fingerprint_sha256", "common_name",   "sans",	     "serial_number",
	"issuer_dn",	      "subject_dn",    "not_before", "not_after",
	"key_algorithm",      "key_size",      "is_ca",	     "pem_data",
	"source_path",	      "source_format",
};

struct report {
	struct cc_discovery_scan scan;
	struct cc_discovered_cert *certs;
	size_t n;
};

static bool known_key(const char *const *keys, size_t n, const char *k)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(keys[i], k))
			return true;
	return false;
}

/* 64 hex digits, stored lower-case */
static bool fingerprint_ok(char *fp)
{
	size_t i;

	for (i = 0; fp && fp[i]; i++) {
		if (!isxdigit((unsigned char)fp[i]))
			return false;
		fp[i] = (char)tolower((unsigned char)fp[i]);
	}
	return i == 64;
}

static int decode_entry(size_t i, json_t *in, struct cc_discovered_cert *d, struct cc_err *err)
{
	const char *k;
	json_t *v;

	if (!json_is_object(in))
		return cc_err_set(err, CC_E_INVALID, "certificates[%zu]: must be an object", i);
	json_object_foreach (in, k, v) {
		if (!known_key(entry_keys, CC_ARRAY_SIZE(entry_keys), k))
			return cc_err_set(err, CC_E_INVALID,
					  "certificates[%zu]: unknown field '%s'", i, k);
	}
	/* "" is an unknown date (stored NULL, as v2.1 did); other text must be RFC 3339 */
	api_body_unset(in, "not_before", API_UNSET_EMPTY);
	api_body_unset(in, "not_after", API_UNSET_EMPTY);
	if (cc_obj_from_json(&cc_discovered_cert_entity, in, d, NULL, err) < 0)
		return cc_err_prefix(err, "certificates[%zu]", i);
	if (!fingerprint_ok(d->fingerprint_sha256))
		return cc_err_set(err, CC_E_INVALID,
				  "certificates[%zu].fingerprint_sha256: must be 64 hex digits", i);
	if (!d->source_path || !*d->source_path)
		return cc_err_set(err, CC_E_INVALID, "certificates[%zu].source_path is required",
				  i);
	if (d->key_size < 0)
		return cc_err_set(err, CC_E_INVALID, "certificates[%zu].key_size: must be >= 0", i);
	return 0;
}

/* null or an array of strings; *n receives the count */
static int string_array(json_t *v, const char *key, struct cc_strv *out, size_t *n,
			struct cc_err *err)
{
	size_t i;
	json_t *s;

	*n = 0;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_array(v))
		return cc_err_set(err, CC_E_INVALID, "%s: must be an array of strings", key);
	json_array_foreach (v, i, s) {
		if (!json_is_string(s))
			return cc_err_set(err, CC_E_INVALID, "%s: must be an array of strings",
					  key);
		if (out)
			cc_strv_push(out, json_string_value(s));
	}
	*n = json_array_size(v);
	return 0;
}

static int decode_head(json_t *body, const char *agent, struct report *rep, size_t *nerrors,
		       struct cc_err *err)
{
	static const char *const keys[] = { "agent_id", "directories", "certificates", "errors",
					    "scan_duration_ms" };
	json_t *v;
	const char *k;
	size_t ndirs;

	json_object_foreach (body, k, v) {
		if (!known_key(keys, CC_ARRAY_SIZE(keys), k))
			return cc_err_set(err, CC_E_INVALID, "unknown field '%s'", k);
	}
	/* v2.1 took the agent from the path; "" names none, another agent is refused */
	v = json_object_get(body, "agent_id");
	if (v && !json_is_null(v) &&
	    (!json_is_string(v) || (json_string_length(v) && strcmp(json_string_value(v), agent))))
		return cc_err_set(err, CC_E_INVALID,
				  "agent_id: must be the agent of the path ('%s')", agent);
	if (string_array(json_object_get(body, "directories"), "directories",
			 &rep->scan.directories, &ndirs, err) < 0 ||
	    string_array(json_object_get(body, "errors"), "errors", NULL, nerrors, err) < 0)
		return -1;
	v = json_object_get(body, "scan_duration_ms");
	if (v && !json_is_null(v) &&
	    (!json_is_integer(v) || json_integer_value(v) < 0 ||
	     json_integer_value(v) > MAX_SCAN_MS))
		return cc_err_set(err, CC_E_INVALID,
				  "scan_duration_ms: must be an integer from 0 to %" PRId64,
				  MAX_SCAN_MS);
	rep->scan.scan_duration_ms = json_integer_value(v);
	v = json_object_get(body, "certificates");
	if (v && !json_is_null(v) && !json_is_array(v))
		return cc_err_set(err, CC_E_INVALID, "certificates: must be an array");
	return 0;
}

static int decode_report(json_t *body, const char *agent, struct report *rep, struct cc_err *err)
{
	json_t *certs = json_object_get(body, "certificates"), *v;
	size_t nerrors, i;
	int64_t now = cc_time_now();

	if (decode_head(body, agent, rep, &nerrors, err) < 0)
		return -1;
	rep->n = json_is_array(certs) ? json_array_size(certs) : 0;
	if (!rep->n && !nerrors)
		return cc_err_set(err, CC_E_INVALID,
				  "the report is empty: it has no certificates and no errors");
	rep->certs = cc_xcalloc(rep->n + 1, sizeof(*rep->certs));
	json_array_foreach (certs, i, v) {
		if (decode_entry(i, v, &rep->certs[i], err) < 0)
			return -1;
	}
	rep->scan.agent_id = cc_xstrdup(agent);
	rep->scan.certificates_found = (int64_t)rep->n;
	rep->scan.errors_count = (int64_t)nerrors;
	rep->scan.completed_at = now;
	rep->scan.started_at = now - rep->scan.scan_duration_ms * 1000;
	return 0;
}

static void report_release(struct report *rep)
{
	for (size_t i = 0; i < rep->n && rep->certs; i++)
		cc_obj_release(&cc_discovered_cert_entity, &rep->certs[i]);
	free(rep->certs);
	cc_obj_release(&cc_discovery_scan_entity, &rep->scan);
}

static json_t *strv_json(const struct cc_strv *sv) /* new ref */
{
	json_t *a = json_array();

	for (size_t i = 0; i < sv->n; i++)
		json_array_append_new(a, json_string(sv->v[i]));
	return a;
}

/* inside the caller's transaction: the scan row, every entry, the count of new ones */
static int store_report(struct api_req *rq, struct cc_dbc *c, struct report *rep,
			struct cc_err *err)
{
	struct cc_discovery_scan *s = &rep->scan;
	int64_t fresh = 0;

	if (cc_repo_insert(c, &cc_discovery_scan_entity, s, err) < 0)
		return -1;
	for (size_t i = 0; i < rep->n; i++) {
		struct cc_discovered_cert *d = &rep->certs[i];
		bool inserted;

		d->agent_id = cc_xstrdup(s->agent_id);
		d->discovery_scan_id = cc_xstrdup(s->id);
		if (cc_discovered_upsert(c, d, &inserted, err) < 0)
			return -1;
		fresh += inserted;
	}
	s->certificates_new = fresh;
	if (cc_db_exec(c, "UPDATE discovery_scans SET certificates_new = $1 WHERE id = $2",
		       CC_DB_ARGS(CC_DB_INT(fresh), CC_DB_TEXT(s->id)), NULL, err) < 0)
		return -1;
	return api_audit_event(c, rq, "discovery_scan_completed", "discovery_scan", s->id,
			       json_pack("{s:s, s:o, s:I, s:I, s:I}", "agent_id", s->agent_id,
					 "directories", strv_json(&s->directories),
					 "certificates_found", (json_int_t)s->certificates_found,
					 "certificates_new", (json_int_t)fresh, "errors_count",
					 (json_int_t)s->errors_count),
			       err);
}

void h_agents_discoveries(struct api_req *rq, struct api_resp *rs)
{
	struct cc_err err = CC_ERR_INIT;
	json_t *body = api_body_json(rq, rs, false);
	struct report rep = { 0 };
	struct cc_dbc *c;
	bool found;

	if (!body)
		return;
	if (decode_report(body, rq->params[0], &rep, &err) < 0) {
		api_reply_err(rs, rq, &err);
		goto out;
	}
	if (!(c = api_db(rq, rs)))
		goto out;
	if (cc_db_begin(c, &err) < 0 ||
	    cc_repo_exists(c, &cc_agent_entity, rq->params[0], &found, &err) < 0)
		goto fail;
	if (!found) {
		cc_db_rollback(c);
		api_reply_error(rs, rq, 404, "Agent not found: %s", rq->params[0]);
		goto out;
	}
	if (store_report(rq, c, &rep, &err) < 0 || cc_db_commit(c, &err) < 0)
		goto fail;
	api_reply_json(rs, 202, cc_obj_to_json(&cc_discovery_scan_entity, &rep.scan));
	goto out;
fail:
	cc_db_rollback(c);
	api_reply_err(rs, rq, &err);
out:
	report_release(&rep);
	json_decref(body);
}

/* ---- discovered certificates, scans, summary ---- */

API_RESOURCE_READERS(discovered, &discovered);

API_RESOURCE_HANDLER(discovery_scans, list, &scans);

void h_discovery_summary(struct api_req *rq, struct api_resp *rs)
{
	struct cc_err err = CC_ERR_INIT;
	struct cc_dbc *c;
	json_t *sum;

	if (!(c = api_db(rq, rs)))
		return;
	if (cc_discovered_summary(c, &sum, &err) < 0)
		api_reply_err(rs, rq, &err);
	else
		api_reply_json(rs, 200, sum);
}

/* the managed_certificate_id of a claim body */
static const char *claim_target(json_t *body, struct cc_err *err)
{
	const char *k;
	json_t *v;

	json_object_foreach (body, k, v) {
		if (strcmp(k, "managed_certificate_id"))
			return cc_err_set(err, CC_E_INVALID, "unknown field '%s'", k), NULL;
	}
	v = json_object_get(body, "managed_certificate_id");
	if (v && !json_is_null(v) && !json_is_string(v))
		return cc_err_set(err, CC_E_INVALID, "managed_certificate_id: must be a string"),
		       NULL;
	if (!json_string_value(v) || !*json_string_value(v))
		return cc_err_set(err, CC_E_INVALID, "managed_certificate_id is required"), NULL;
	return json_string_value(v);
}

/* the discovered certificate of the path into d (404 answered otherwise) */
static bool load_discovered(struct api_req *rq, struct api_resp *rs, struct cc_dbc *c,
			    struct cc_discovered_cert *d)
{
	struct cc_err err = CC_ERR_INIT;

	if (cc_repo_get(c, &cc_discovered_cert_entity, rq->params[0], d, &err) == 0)
		return true;
	if (err.code == CC_E_NOT_FOUND)
		api_reply_error(rs, rq, 404, "Discovered certificate not found: %s", rq->params[0]);
	else
		api_reply_err(rs, rq, &err);
	return false;
}

static int claim(struct api_req *rq, struct cc_dbc *c, const struct cc_discovered_cert *d,
		 const char *managed, struct cc_err *err)
{
	if (cc_discovered_claim(c, d->id, managed, err) < 0)
		return -1;
	return api_audit_event(c, rq, "discovery_cert_claimed", "discovered_certificate", d->id,
			       json_pack("{s:s, s:s, s:s}", "managed_certificate_id", managed,
					 "fingerprint",
					 d->fingerprint_sha256 ? d->fingerprint_sha256 : "",
					 "common_name", d->common_name ? d->common_name : ""),
			       err);
}

void h_discovered_claim(struct api_req *rq, struct api_resp *rs)
{
	struct cc_err err = CC_ERR_INIT;
	json_t *body = api_body_json(rq, rs, false);
	struct cc_discovered_cert d = { 0 };
	const char *managed;
	struct cc_dbc *c;
	bool found;

	if (!body)
		return;
	if (!(managed = claim_target(body, &err))) {
		api_reply_err(rs, rq, &err);
		goto out;
	}
	if (!(c = api_db(rq, rs)))
		goto out;
	if (cc_db_begin(c, &err) < 0) {
		api_reply_err(rs, rq, &err);
		goto out;
	}
	if (!load_discovered(rq, rs, c, &d)) {
		cc_db_rollback(c);
		goto out;
	}
	if (cc_repo_exists(c, &cc_certificate_entity, managed, &found, &err) == 0 && !found) {
		cc_db_rollback(c);
		api_reply_error(rs, rq, 404, "managed certificate '%s' not found", managed);
		goto out;
	}
	if (err.code || claim(rq, c, &d, managed, &err) < 0 || cc_db_commit(c, &err) < 0) {
		cc_db_rollback(c);
		api_reply_err(rs, rq, &err);
		goto out;
	}
	api_reply_json(rs, 200,
		       json_pack("{s:s, s:s}", "status", "claimed", "message",
				 "Discovered certificate linked to managed certificate"));
out:
	cc_obj_release(&cc_discovered_cert_entity, &d);
	json_decref(body);
}

void h_discovered_dismiss(struct api_req *rq, struct api_resp *rs)
{
	struct cc_err err = CC_ERR_INIT;
	json_t *body = api_body_json(rq, rs, true); /* nothing to say, but no garbage either */
	struct cc_dbc *c;

	if (!body)
		return;
	if (json_object_size(body)) {
		api_reply_error(rs, rq, 400, "unknown field '%s'",
				json_object_iter_key(json_object_iter(body)));
		goto out;
	}
	if (!(c = api_db(rq, rs)))
		goto out;
	if (cc_db_begin(c, &err) < 0 || cc_discovered_dismiss(c, rq->params[0], &err) < 0 ||
	    api_audit_event(c, rq, "discovery_cert_dismissed", "discovered_certificate",
			    rq->params[0], NULL, &err) < 0 ||
	    cc_db_commit(c, &err) < 0) {
		cc_db_rollback(c);
		if (err.code == CC_E_NOT_FOUND)
			api_reply_error(rs, rq, 404, "Discovered certificate not found: %s",
					rq->params[0]);
		else
			api_reply_err(rs, rq, &err);
		goto out;
	}
	api_reply_json(rs, 200,
		       json_pack("{s:s, s:s}", "status", "dismissed", "message",
				 "Discovered certificate dismissed"));
out:
	json_decref(body);
}
