/* jobs.c: the agent's work — poll, dispatch, the CSR job (agent-side key generation) and
 * job status reports, with final reports kept until the server takes them */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "agent/agent.h"
#include "libcc/csr.h"
#include "libcc/err.h"
#include "libcc/banned.h"

#define PENDING_MAX 256
#define CSR_SENT_MAX 1024

/* ---- status reports ---- */

static void report_free(struct agent_report *r)
{
	free(r->job_id);
	free(r->status);
	free(r->error);
}

void agent_reports_release(struct agent *a)
{
	for (size_t i = 0; i < a->npending; i++)
		report_free(&a->pending[i]);
	free(a->pending);
	a->pending = NULL;
	a->npending = 0;
}

static bool is_pending(const struct agent *a, const char *job)
{
	for (size_t i = 0; i < a->npending; i++)
		if (!strcmp(a->pending[i].job_id, job))
			return true;
	return false;
}

static void keep(struct agent *a, const char *job, const char *status, const char *error)
{
	struct agent_report *r = NULL;

	for (size_t i = 0; i < a->npending && !r; i++)
		if (!strcmp(a->pending[i].job_id, job))
			r = &a->pending[i];
	if (!r) {
		if (a->npending == PENDING_MAX) {
			cc_log_kv(a->log, CC_LOG_ERROR, "too many undelivered job reports: dropped",
				  "job", a->pending[0].job_id, "status", a->pending[0].status,
				  (const char *)NULL);
			report_free(&a->pending[0]);
			memmove(a->pending, a->pending + 1, --a->npending * sizeof(*a->pending));
		}
		a->pending = cc_xrealloc(a->pending, (a->npending + 1) * sizeof(*a->pending));
		r = &a->pending[a->npending++];
	} else {
		report_free(r);
	}
	r->job_id = cc_xstrdup(job);
	r->status = cc_xstrdup(status);
	r->error = error ? cc_xstrdup(error) : NULL;
}

static int post_status(struct agent *a, const char *job, const char *status, const char *error,
		       struct cc_err *err)
{
	char *esc = cc_url_escape(job), *path = agent_path(a, "/jobs/%s/status", esc);
	json_t *body = json_pack("{s:s}", "status", status);
	int rc;

	if (error && *error)
		json_object_set_new(body, "error", json_string(error));
	rc = agent_http(a, "POST", path, body, NULL, err);
	json_decref(body);
	free(path);
	free(esc);
	return rc;
}

int agent_report(struct agent *a, const char *job, const char *status, const char *error)
{
	struct cc_err err = CC_ERR_INIT;
	bool final = strcmp(status, "Running") != 0;

	if (post_status(a, job, status, error, &err) == 0) {
		cc_log_kv(a->log, !strcmp(status, "Failed") ? CC_LOG_WARN : CC_LOG_INFO,
			  "job status reported", "job", job, "status", status, "error", error,
			  (const char *)NULL);
		return 0;
	}
	a->failed++;
	if (final && agent_err_retry(&err)) {
		keep(a, job, status, error);
		cc_log_kv(a->log, CC_LOG_WARN, "job status not delivered, kept for the next cycle",
			  "job", job, "status", status, "reason", err.msg, (const char *)NULL);
	} else {
		cc_log_kv(a->log, CC_LOG_WARN, "job status not accepted", "job", job, "status",
			  status, "reason", err.msg, (const char *)NULL);
	}
	return -1;
}

int agent_reports_flush(struct agent *a, struct cc_err *err)
{
	while (a->npending) {
		struct agent_report *r = &a->pending[0];
		struct cc_err e = CC_ERR_INIT;

		if (post_status(a, r->job_id, r->status, r->error, &e) < 0 && agent_err_retry(&e)) {
			*err = e;
			return -1;
		}
		cc_log_kv(a->log, e.msg[0] ? CC_LOG_WARN : CC_LOG_INFO,
			  e.msg[0] ? "kept job status not accepted" : "kept job status delivered",
			  "job", r->job_id, "status", r->status, "reason", e.msg[0] ? e.msg : NULL,
			  (const char *)NULL);
		report_free(r);
		memmove(a->pending, a->pending + 1, --a->npending * sizeof(*a->pending));
	}
	return 0;
}

/* ---- the CSR job ---- */

static const char *str(const json_t *o, const char *k)
{
	const char *v = json_string_value(json_object_get(o, k));
	return v ? v : "";
}

/* the item's sans as a NULL-terminated vector of borrowed strings (caller frees the array) */
static const char **item_sans(const json_t *item, size_t *n)
{
	const json_t *sans = json_object_get(item, "sans"), *v;
	const char **out = cc_xcalloc(json_array_size(sans) + 1, sizeof(*out));
	size_t i;

	*n = 0;
	json_array_foreach (sans, i, v)
		if (json_string_value(v) && *json_string_value(v))
			out[(*n)++] = json_string_value(v);
	return out;
}

static int submit_csr(struct agent *a, const char *cert, const char *csr, struct cc_err *err)
{
	char *path = agent_path(a, "/csr");
	json_t *body = json_pack("{s:s, s:s}", "csr_pem", csr, "certificate_id", cert);
	int rc = agent_http(a, "POST", path, body, NULL, err);

	json_decref(body);
	free(path);
	return rc;
}

/* a CSR the server took is not redone (with a new key) while the job is still offered */
static void csr_sent(struct agent *a, const char *job, const char *cert)
{
	struct cc_strv *sv = &a->csr_sent;

	cc_log_kv(a->log, CC_LOG_INFO, "CSR submitted", "job", job, "cert", cert,
		  (const char *)NULL);
	if (sv->n == CSR_SENT_MAX) {
		free(sv->v[0]);
		memmove(sv->v, sv->v + 1, (sv->n - 1) * sizeof(*sv->v));
		sv->v[--sv->n] = NULL;
	}
	cc_strv_push(sv, job);
}

static void job_csr(struct agent *a, const json_t *item)
{
	struct cc_err err = CC_ERR_INIT;
	const char *job = str(item, "id"), *cert = str(item, "certificate_id"),
		   *cn = str(item, "common_name");
	size_t nsans;
	const char **sans = item_sans(item, &nsans);
	char *key = NULL, *csr = NULL, *why = NULL;

	cc_log_kv(a->log, CC_LOG_INFO, "CSR job", "job", job, "cert", cert, "common_name", cn,
		  (const char *)NULL);
	if (!*cn)
		why = cc_xstrdup("empty common name");
	else if (!agent_id_safe(cert))
		why = cc_xasprintf("invalid certificate id '%.64s'", cert);
	else if (cc_csr_generate(NULL, cn, sans, nsans, &key, &csr, &err) < 0)
		why = cc_xasprintf("key generation failed: %s", err.msg);
	else if (agent_key_write(a->o->key_dir, cert, key, &err) < 0)
		why = cc_xasprintf("key storage failed: %s", err.msg);
	else if (submit_csr(a, cert, csr, &err) == 0)
		csr_sent(a, job, cert);
	else if (!agent_err_retry(&err))
		why = cc_xasprintf("CSR rejected: %s", err.msg);
	else { /* the server is away: the job stays AwaitingCSR for the next poll */
		cc_log_kv(a->log, CC_LOG_WARN, "CSR not delivered, retried at the next poll", "job",
			  job, "reason", err.msg, (const char *)NULL);
		a->failed++;
	}
	if (why) {
		a->failed++;
		agent_report(a, job, "Failed", why);
	}
	if (key)
		memset(key, 0, strlen(key));
	free(key);
	free(csr);
	free(why);
	free(sans);
}

/* ---- polling ---- */

static void run_item(struct agent *a, const json_t *item)
{
	const char *id = str(item, "id"), *type = str(item, "type"), *status = str(item, "status");

	if (!*id)
		return;
	if (is_pending(a, id)) {
		cc_log_kv(a->log, CC_LOG_DEBUG, "job has an undelivered report: skipped", "job", id,
			  (const char *)NULL);
		return;
	}
	if (!strcmp(status, "AwaitingCSR") && cc_strv_has(&a->csr_sent, id))
		cc_log_kv(a->log, CC_LOG_DEBUG, "CSR already submitted: waiting for the server",
			  "job", id, (const char *)NULL);
	else if (!strcmp(status, "AwaitingCSR"))
		job_csr(a, item);
	else if (!strcmp(type, "Deployment"))
		agent_job_deploy(a, item);
	else
		cc_log_kv(a->log, CC_LOG_DEBUG, "job ignored", "job", id, "type", type, "status",
			  status, (const char *)NULL);
}

int agent_poll(struct agent *a, struct cc_err *err)
{
	char *path = agent_path(a, "/work");
	json_t *reply = NULL, *jobs, *item;
	size_t i;
	int rc = agent_http(a, "GET", path, NULL, &reply, err);

	free(path);
	if (rc < 0)
		return -1;
	jobs = json_object_get(reply, "jobs");
	if (!json_is_array(jobs)) {
		json_decref(reply);
		return cc_err_set(err, CC_E_UNAVAILABLE, "the work reply has no jobs array");
	}
	if (json_array_size(jobs)) {
		char n[24];
		snprintf(n, sizeof(n), "%zu", json_array_size(jobs));
		cc_log_kv(a->log, CC_LOG_INFO, "work received", "jobs", n, (const char *)NULL);
	}
	json_array_foreach (jobs, i, item) {
		if (agent_stopping(a))
			break;
		if (json_is_object(item))
			run_item(a, item);
	}
	json_decref(reply);
	return 0;
}
