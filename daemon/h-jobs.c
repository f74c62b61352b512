/* h-jobs.c: /api/v1/jobs — list, read, cancel/approve/reject transitions and the TLS
 * verification an agent reports after a deployment */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "daemon/job-processor.h"
#include "daemon/resource.h"
#include "daemon/routes.h"
#include "libcc/db.h"
#include "libcc/job.h"
#include "libcc/notify.h"
#include "libcc/time.h"
#include "libcc/banned.h"

#define REASON_MAX 1024
#define FINGERPRINT_LEN 64

/* bulk revocation jobs show how far they are: "progress": {"done", "total"} */
static json_t *job_json(struct cc_dbc *c, const void *obj)
{
	const struct cc_job *j = obj;
	json_t *o = cc_obj_to_json(&cc_job_entity, obj);

	(void)c;
	if (j->type && !strcmp(j->type, CC_JOB_BULK_REVOCATION))
		json_object_set_new(o, "progress",
				    json_pack("{s:I, s:I}", "done", (json_int_t)j->progress_done,
					      "total", (json_int_t)j->progress_total));
	return o;
}

static const struct api_resource jobs = {
	.e = &cc_job_entity,
	.label = "Job",
	.to_json = job_json,
};

API_RESOURCE_READERS(jobs, &jobs);

/* ---- request bodies ---- */

/* every key of body must be in allowed (NULL-terminated) */
static int only_keys(json_t *body, const char *const *allowed, struct cc_err *err)
{
	const char *k;
	json_t *v;

	json_object_foreach (body, k, v) {
		size_t i;
		for (i = 0; allowed[i] && strcmp(allowed[i], k); i++)
			;
		if (!allowed[i])
			return cc_err_set(err, CC_E_INVALID, "unknown field '%s'", k);
	}
	return 0;
}

/* *out = the string member key (NULL when absent or null); "" counts as absent for
 * required members */
static int str_member(json_t *body, const char *key, bool required, size_t max, const char **out,
		      struct cc_err *err)
{
	json_t *v = json_object_get(body, key);

	*out = NULL;
	if (v && !json_is_null(v)) {
		if (!json_is_string(v) || strlen(json_string_value(v)) != json_string_length(v))
			return cc_err_set(err, CC_E_INVALID, "%s: must be a string", key);
		if (json_string_length(v) > max)
			return cc_err_set(err, CC_E_INVALID, "%s: longer than %zu characters", key,
					  max);
		*out = json_string_value(v);
	}
	if (required && (!*out || !**out))
		return cc_err_set(err, CC_E_INVALID, "%s is required", key);
	return 0;
}

/* ---- cancel, approve, reject ---- */

struct transition {
	const char *verb;	 /* "cancel": in messages */
	const char *const *from; /* statuses that allow it, NULL-terminated */
	const char *must;	 /* appended to the 409 message */
	const char *to;
	const char *last_error; /* NULL clears it */
	bool rejects;		/* last_error "rejected: <reason>" or "rejected by user" */
	const char *action;	/* audit */
	const char *reply;	/* {"status": reply} */
};

static const char *const cancellable[] = { "Pending", "AwaitingCSR", "AwaitingApproval", "Running",
					   NULL };
static const char *const awaiting_approval[] = { "AwaitingApproval", NULL };

static const struct transition t_cancel = {
	.verb = "cancel",
	.from = cancellable,
	.must = "",
	.to = "Cancelled",
	.last_error = "cancelled by user",
	.action = "job_cancelled",
	.reply = "job_cancelled",
};
static const struct transition t_approve = {
	.verb = "approve",
	.from = awaiting_approval,
	.must = " (must be AwaitingApproval)",
	.to = "Pending",
	.action = "job_approved",
	.reply = "job_approved",
};
static const struct transition t_reject = {
	.verb = "reject",
	.from = awaiting_approval,
	.must = " (must be AwaitingApproval)",
	.to = "Failed",
	.rejects = true,
	.action = "job_rejected",
	.reply = "job_rejected",
};

static bool in_list(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(s, *list))
			return true;
	return false;
}

/* an issuance or renewal job that ends here gives its certificate back to the renewal
 * check; a rejected one also tells the owner why */
static int ended(struct cc_dbc *c, const struct cc_job *j, const struct transition *t,
		 const char *last_error, int64_t now, struct cc_err *err)
{
	char *who = NULL, *msg;
	int rc;

	if (!t->last_error && !t->rejects)
		return 0;
	if (!j->certificate_id || (strcmp(j->type, "Issuance") && strcmp(j->type, "Renewal")))
		return 0;
	if (api_job_release_cert(c, j->certificate_id, now, err) < 0)
		return -1;
	if (!t->rejects)
		return 0;
	if (cc_notify_recipient(c, j->certificate_id, &who, err) < 0)
		return -1;
	msg = cc_xasprintf("%s of certificate %s was not approved: %s", j->type, j->certificate_id,
			   last_error);
	rc = cc_notify_create(c, CC_NOTIFY_RENEWAL_FAILURE, j->certificate_id, "Email", who, msg,
			      now, err);
	free(msg);
	free(who);
	return rc;
}

/* loads the job, moves it (only from the status just read) and audits, in one transaction;
 * CC_E_NOT_FOUND for an unknown job, CC_E_CONFLICT for a job in another status */
static int transition(struct api_req *rq, struct cc_dbc *c, const struct transition *t,
		      const char *reason, struct cc_err *err)
{
	struct cc_job *j = cc_obj_new(&cc_job_entity);
	char *last_error = NULL;
	int64_t now = cc_time_now();
	int rc = -1;

	if (cc_repo_get(c, &cc_job_entity, rq->params[0], j, err) < 0)
		goto out;
	if (!in_list(j->status, t->from)) {
		cc_err_set(err, CC_E_CONFLICT, "cannot %s job with status %s%s", t->verb, j->status,
			   t->must);
		goto out;
	}
	if (t->last_error)
		last_error = cc_xstrdup(t->last_error);
	else if (t->rejects)
		last_error = reason ? cc_xasprintf("rejected: %s", reason)
				    : cc_xstrdup("rejected by user");
	if (cc_job_set_status(c, j->id, j->status, t->to, last_error, now, err) < 0 ||
	    ended(c, j, t, last_error, now, err) < 0 ||
	    api_audit_event(c, rq, t->action, "job", j->id,
			    json_pack("{s:s, s:s, s:s, s:s}", "reason", reason ? reason : "",
				      "previous_status", j->status, "status", t->to,
				      "certificate_id", j->certificate_id ? j->certificate_id : ""),
			    err) < 0)
		goto out;
	rc = 0;
out:
	free(last_error);
	cc_obj_free(&cc_job_entity, j);
	return rc;
}

static void move(struct api_req *rq, struct api_resp *rs, const struct transition *t)
{
	static const char *const keys[] = { "reason", NULL };
	struct cc_err err = CC_ERR_INIT;
	json_t *body = api_body_json(rq, rs, true);
	const char *reason = NULL;
	struct cc_dbc *c;

	if (!body)
		return;
	if (only_keys(body, keys, &err) < 0 ||
	    str_member(body, "reason", false, REASON_MAX, &reason, &err) < 0) {
		api_reply_err(rs, rq, &err);
		goto out;
	}
	if (reason && !*reason)
		reason = NULL;
	if (!(c = api_db(rq, rs)))
		goto out;
	if (cc_db_begin(c, &err) < 0 || transition(rq, c, t, reason, &err) < 0 ||
	    cc_db_commit(c, &err) < 0) {
		cc_db_rollback(c);
		if (err.code == CC_E_NOT_FOUND)
			api_reply_error(rs, rq, 404, "Job not found: %s", rq->params[0]);
		else
			api_reply_err(rs, rq, &err);
		goto out;
	}
	api_reply_status(rs, 200, "status", t->reply);
out:
	json_decref(body);
}

void h_jobs_cancel(struct api_req *rq, struct api_resp *rs)
{
	move(rq, rs, &t_cancel);
}

void h_jobs_approve(struct api_req *rq, struct api_resp *rs)
{
	move(rq, rs, &t_approve);
}

void h_jobs_reject(struct api_req *rq, struct api_resp *rs)
{
	move(rq, rs, &t_reject);
}

/* ---- verification ---- */

struct verification {
	const char *target_id, *expected, *actual, *error, *status;
	bool verified, skipped;
	char expected_lc[FINGERPRINT_LEN + 1], actual_lc[FINGERPRINT_LEN + 1];
};

/* 64 hexadecimal digits, copied in lower case */
static int fingerprint(const char *key, const char *v, char out[FINGERPRINT_LEN + 1],
		       struct cc_err *err)
{
	size_t n = strlen(v);

	for (size_t i = 0; i < n; i++)
		if (!isxdigit((unsigned char)v[i]))
			n = 0;
	if (n != FINGERPRINT_LEN)
		return cc_err_set(err, CC_E_INVALID,
				  "%s: must be a SHA-256 fingerprint (64 hexadecimal digits)", key);
	for (size_t i = 0; i < n; i++)
		out[i] = (char)tolower((unsigned char)v[i]);
	out[n] = '\0';
	return 0;
}

/* v2.1's body, plus: "status":"skipped" (nothing to probe) and, when the probe itself
 * failed, an empty actual_fingerprint with the error */
static int verification_body(json_t *body, struct verification *v, struct cc_err *err)
{
	static const char *const keys[] = { "target_id",
					    "expected_fingerprint",
					    "actual_fingerprint",
					    "verified",
					    "error",
					    "status",
					    NULL };
	json_t *verified = json_object_get(body, "verified");

	if (only_keys(body, keys, err) < 0 ||
	    str_member(body, "target_id", true, 255, &v->target_id, err) < 0 ||
	    str_member(body, "expected_fingerprint", true, 255, &v->expected, err) < 0 ||
	    str_member(body, "actual_fingerprint", false, 255, &v->actual, err) < 0 ||
	    str_member(body, "error", false, REASON_MAX, &v->error, err) < 0 ||
	    str_member(body, "status", false, 32, &v->status, err) < 0 ||
	    fingerprint("expected_fingerprint", v->expected, v->expected_lc, err) < 0)
		return -1;
	if (v->status && strcmp(v->status, "skipped") && strcmp(v->status, "success") &&
	    strcmp(v->status, "failed"))
		return cc_err_set(err, CC_E_INVALID, "status: must be success, failed or skipped");
	v->skipped = v->status && !strcmp(v->status, "skipped");
	if (v->error && !*v->error)
		v->error = NULL;
	if (v->actual && *v->actual) {
		if (fingerprint("actual_fingerprint", v->actual, v->actual_lc, err) < 0)
			return -1;
	} else if (!v->error && !v->skipped) {
		return cc_err_set(err, CC_E_INVALID,
				  "actual_fingerprint is required (unless error says why the "
				  "probe failed, or status is skipped)");
	}
	if (verified && !json_is_null(verified) && !json_is_boolean(verified))
		return cc_err_set(err, CC_E_INVALID, "verified: must be true or false");
	v->verified = json_is_true(verified) && !v->skipped;
	if (v->verified && strcmp(v->expected_lc, v->actual_lc))
		return cc_err_set(err, CC_E_INVALID,
				  "verified is true but actual_fingerprint differs from "
				  "expected_fingerprint");
	return 0;
}

static const char sql_target_agent[] = "SELECT agent_id FROM deployment_targets WHERE id = $1";
static const char sql_record[] =
	"UPDATE jobs SET verification_status = $2, verified_at = $3, "
	"verification_fingerprint = $4, verification_error = $5 WHERE id = $1";

/* an agent key reports only for its own jobs: the job's agent, or its target's agent */
static int check_owner(struct api_req *rq, struct cc_dbc *c, const struct cc_job *j,
		       struct cc_err *err)
{
	struct cc_dbres r = CC_DBRES_INIT;
	const char *ta;
	bool ok;

	if (rq->actor_type != API_ACTOR_AGENT ||
	    (j->agent_id && !strcmp(j->agent_id, rq->agent_id)))
		return 0;
	if (j->target_id &&
	    cc_db_exec(c, sql_target_agent, CC_DB_ARGS(CC_DB_TEXT(j->target_id)), &r, err) < 0)
		return -1;
	ta = r.nrows ? cc_dbres_str(&r, 0, 0) : NULL;
	ok = ta && !strcmp(ta, rq->agent_id);
	cc_dbres_release(&r);
	if (!ok)
		return cc_err_set(err, CC_E_FORBIDDEN, "job '%s' does not belong to agent '%s'",
				  j->id, rq->agent_id);
	return 0;
}

static json_t *verification_details(const struct cc_job *j, const struct verification *v)
{
	json_t *d = json_pack("{s:s, s:s, s:s, s:s, s:b}", "job_id", j->id, "target_id",
			      v->target_id, "expected_fingerprint", v->expected_lc,
			      "actual_fingerprint", v->actual_lc, "verified", v->verified);

	if (v->error)
		json_object_set_new(d, "error", json_string(v->error));
	return d;
}

static int record(struct api_req *rq, struct cc_dbc *c, const struct verification *v, int64_t now,
		  struct cc_err *err)
{
	struct cc_job *j = cc_obj_new(&cc_job_entity);
	bool ok = v->verified && !v->error;
	const char *status = v->skipped ? "skipped" : ok ? "success" : "failed";
	int rc = -1;

	if (cc_repo_get(c, &cc_job_entity, rq->params[0], j, err) < 0 ||
	    check_owner(rq, c, j, err) < 0)
		goto out;
	if (j->target_id && strcmp(j->target_id, v->target_id)) {
		cc_err_set(err, CC_E_INVALID, "target_id: job '%s' deploys to target '%s'", j->id,
			   j->target_id);
		goto out;
	}
	if (cc_db_exec(c, sql_record,
		       CC_DB_ARGS(CC_DB_TEXT(j->id), CC_DB_TEXT(status), CC_DB_TIME(now),
				  *v->actual_lc ? CC_DB_TEXT(v->actual_lc) : CC_DB_NULL(),
				  CC_DB_TEXT(v->error)),
		       NULL, err) < 0 ||
	    api_audit_event(c, rq,
			    v->skipped ? "job_verification_skipped"
			    : ok       ? "job_verification_success"
				       : "job_verification_failed",
			    "job", j->id, verification_details(j, v), err) < 0)
		goto out;
	rc = 0;
out:
	cc_obj_free(&cc_job_entity, j);
	return rc;
}

void h_jobs_verify(struct api_req *rq, struct api_resp *rs)
{
	struct cc_err err = CC_ERR_INIT;
	json_t *body = api_body_json(rq, rs, false);
	struct verification v = { 0 };
	int64_t now = cc_time_now();
	char ts[CC_TIME_BUFSZ];
	struct cc_dbc *c;

	if (!body)
		return;
	if (verification_body(body, &v, &err) < 0) {
		api_reply_err(rs, rq, &err);
		goto out;
	}
	if (!(c = api_db(rq, rs)))
		goto out;
	if (cc_db_begin(c, &err) < 0 || record(rq, c, &v, now, &err) < 0 ||
	    cc_db_commit(c, &err) < 0) {
		cc_db_rollback(c);
		if (err.code == CC_E_NOT_FOUND)
			api_reply_error(rs, rq, 404, "Job not found: %s", rq->params[0]);
		else
			api_reply_err(rs, rq, &err);
		goto out;
	}
	/* verified as recorded: a report with an error is a failure */
	api_reply_json(rs, 200,
		       json_pack("{s:s, s:b, s:s}", "job_id", rq->params[0], "verified",
				 v.verified && !v.error, "verified_at", cc_time_format(now, ts)));
out:
	json_decref(body);
}

/* the expected fingerprint has no column: the latest verification event carries it */
static const char sql_last_event[] =
	"SELECT details FROM audit_events WHERE resource_type = 'job' AND resource_id = $1 "
	"AND action IN ('job_verification_success', 'job_verification_failed') "
	"ORDER BY timestamp DESC, id DESC LIMIT 1";

/* VerificationResult: zero values until an agent reports */
static json_t *verification_json(struct cc_dbc *c, const struct cc_job *j) /* new ref */
{
	struct cc_err err = CC_ERR_INIT;
	struct cc_dbres r = CC_DBRES_INIT;
	const char *st = j->verification_status, *expected = NULL;
	bool done = st && (!strcmp(st, "success") || !strcmp(st, "failed"));
	json_t *d = NULL, *o;
	char ts[CC_TIME_BUFSZ];

	if (done && cc_db_exec(c, sql_last_event, CC_DB_ARGS(CC_DB_TEXT(j->id)), &r, &err) == 0 &&
	    r.nrows)
		d = cc_dbres_json(&r, 0, 0);
	expected = json_string_value(json_object_get(d, "expected_fingerprint"));
	o = json_pack("{s:s, s:s, s:s, s:s, s:b, s:s, s:s}", "job_id", j->id, "target_id",
		      j->target_id ? j->target_id : "", "expected_fingerprint",
		      expected ? expected : "", "actual_fingerprint",
		      done && j->verification_fingerprint ? j->verification_fingerprint : "",
		      "verified", done && !strcmp(st, "success"), "verified_at",
		      cc_time_format(done ? j->verified_at : 0, ts), "verification_status",
		      done ? st : "pending");
	if (done && j->verification_error && *j->verification_error)
		json_object_set_new(o, "error", json_string(j->verification_error));
	json_decref(d);
	cc_dbres_release(&r);
	return o;
}

void h_jobs_verification(struct api_req *rq, struct api_resp *rs)
{
	struct cc_err err = CC_ERR_INIT;
	struct cc_job *j = cc_obj_new(&cc_job_entity);
	struct cc_dbc *c;

	if (!(c = api_db(rq, rs)))
		;
	else if (cc_repo_get(c, &cc_job_entity, rq->params[0], j, &err) < 0)
		err.code == CC_E_NOT_FOUND
			? api_reply_error(rs, rq, 404, "Job not found: %s", rq->params[0])
			: api_reply_err(rs, rq, &err);
	else
		api_reply_json(rs, 200, verification_json(c, j));
	cc_obj_free(&cc_job_entity, j);
}
