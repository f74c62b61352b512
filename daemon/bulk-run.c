/* bulk-run.c: running a bulk revocation job — batches of items through the single
 * revocation path, leases so that one runner works on a job at a time and a dead
 * runner's job is taken over, and the final result */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "daemon/bulk-revoke.h"
#include "daemon/app.h"
#include "daemon/revoke.h"
#include "libcc/audit.h"
#include "libcc/db.h"
#include "libcc/err.h"
#include "libcc/job.h"
#include "libcc/log.h"
#include "libcc/mem.h"
#include "libcc/notify.h"
#include "libcc/repo.h"
#include "libcc/time.h"
#include "libcc/banned.h"

#define BATCH 500
#define ERRORS_LISTED 10000

static const char sql_items[] =
	"SELECT i.seq, i.certificate_id, " API_REVOKE_COLUMNS " FROM bulk_revocation_items i "
	"LEFT JOIN managed_certificates m ON m.id = i.certificate_id "
	"WHERE i.job_id = $1 AND i.state = 'pending' ORDER BY i.seq LIMIT 500";
static const char sql_item_set[] = "UPDATE bulk_revocation_items SET state = $3, error = $4 "
				   "WHERE job_id = $1 AND seq = $2";
static const char sql_items_revoked[] =
	"UPDATE bulk_revocation_items SET state = 'revoked' "
	"WHERE job_id = $1 AND seq >= $2 AND seq <= $3 AND state = 'pending'";
static const char sql_item_note[] = "UPDATE bulk_revocation_items SET error = $3 "
				    "WHERE job_id = $1 AND seq = $2";
/* the lease guard: a cancelled job, or one another runner took over, stops here */
static const char sql_progress[] =
	"UPDATE jobs SET progress_done = progress_done + $2, scheduled_at = $3 "
	"WHERE id = $1 AND status = 'Running' AND lease_owner = $4";
static const char sql_counts[] = "SELECT state, COUNT(*) FROM bulk_revocation_items "
				 "WHERE job_id = $1 GROUP BY state";
static const char sql_problems[] =
	"SELECT certificate_id, state, error FROM bulk_revocation_items WHERE job_id = $1 "
	"AND error IS NOT NULL AND state IN ('failed', 'revoked') ORDER BY seq LIMIT 10000";
static const char sql_finish[] =
	"UPDATE jobs SET status = $2, result = $3, completed_at = $4, last_error = $5, "
	"progress_done = progress_total, scheduled_at = NULL, lease_owner = NULL "
	"WHERE id = $1 AND status = 'Running' AND lease_owner = $6";
static const char sql_owners[] =
	"SELECT MIN(i.certificate_id), COUNT(*) FROM bulk_revocation_items i "
	"JOIN managed_certificates m ON m.id = i.certificate_id "
	"WHERE i.job_id = $1 AND i.state = 'revoked' GROUP BY m.owner_id";
static const char sql_release[] =
	"UPDATE jobs SET status = 'Pending', scheduled_at = NULL, lease_owner = NULL "
	"WHERE id = $1 AND status = 'Running' AND lease_owner = $2";
static const char *const sql_claim[] = {
	[CC_DB_SQLITE] = "UPDATE jobs SET status = 'Running', lease_owner = $2, scheduled_at = $3, "
			 "started_at = COALESCE(started_at, $1) WHERE id = (SELECT id FROM jobs "
			 "WHERE type = 'BulkRevocation' AND (status = 'Pending' OR "
			 "(status = 'Running' AND scheduled_at < $1)) ORDER BY created_at, id "
			 "LIMIT 1) AND (status = 'Pending' OR (status = 'Running' AND "
			 "scheduled_at < $1)) RETURNING id",
	[CC_DB_PG] = "UPDATE jobs SET status = 'Running', lease_owner = $2, scheduled_at = $3, "
		     "started_at = COALESCE(started_at, $1) WHERE id = (SELECT id FROM jobs "
		     "WHERE type = 'BulkRevocation' AND (status = 'Pending' OR "
		     "(status = 'Running' AND scheduled_at < $1)) ORDER BY created_at, id "
		     "LIMIT 1 FOR UPDATE SKIP LOCKED) AND (status = 'Pending' OR "
		     "(status = 'Running' AND scheduled_at < $1)) RETURNING id",
};

/* what the job was asked: reason and actor, from its payload */
struct run {
	struct api_app *app;
	struct cc_dbc *c;
	const char *job_id, *owner;
	struct cc_job job;
	struct api_revoke_opts o;
};

static int load(struct run *r, struct cc_err *err)
{
	json_t *p;

	if (cc_repo_get(r->c, &cc_job_entity, r->job_id, &r->job, err) < 0)
		return -1;
	p = r->job.payload;
	r->o.reason = json_string_value(json_object_get(p, "reason"));
	r->o.actor = json_string_value(json_object_get(p, "actor"));
	r->o.actor_type = json_string_value(json_object_get(p, "actor_type"));
	if (!r->o.reason || !r->o.actor || !r->o.actor_type)
		return cc_err_set(err, CC_E_INTERNAL, "job %s is not a bulk revocation", r->job_id);
	r->o.notify = false; /* the owners get one summary each at the end */
	return 0;
}

static int item_set(struct cc_dbc *c, const char *job, int64_t seq, const char *state,
		    const char *error, struct cc_err *err)
{
	return cc_db_exec(
		c, sql_item_set,
		CC_DB_ARGS(CC_DB_TEXT(job), CC_DB_INT(seq), CC_DB_TEXT(state), CC_DB_TEXT(error)),
		NULL, err);
}

/* one certificate inside the batch transaction; a failure is undone alone */
static int revoke_item(struct run *r, int64_t seq, const struct api_revoke_row *row, bool *revoked,
		       struct cc_err *err)
{
	struct cc_err why = CC_ERR_INIT;
	enum api_revoke_verdict v = api_revoke_check(row, &why);

	*revoked = false;
	if (v == API_REVOKE_ALREADY_REVOKED || v == API_REVOKE_ARCHIVED)
		return item_set(r->c, r->job_id, seq, "skipped", why.msg, err);
	if (v != API_REVOKE_OK)
		return item_set(r->c, r->job_id, seq, "failed", why.msg, err);
	if (cc_db_exec(r->c, "SAVEPOINT bulk_one", NULL, 0, NULL, err) < 0)
		return -1;
	if (api_revoke_apply(r->c, row, &r->o, &why) == 0) {
		*revoked = true;
		return cc_db_exec(r->c, "RELEASE SAVEPOINT bulk_one", NULL, 0, NULL, err);
	}
	if (cc_db_exec(r->c, "ROLLBACK TO SAVEPOINT bulk_one", NULL, 0, NULL, err) < 0 ||
	    cc_db_exec(r->c, "RELEASE SAVEPOINT bulk_one", NULL, 0, NULL, err) < 0)
		return -1;
	return item_set(r->c, r->job_id, seq, "failed", why.msg, err);
}

/* after the batch committed: each issuer is told of its serials; refusals are noted on
 * the items (the revocations stand) */
static void tell_issuers(struct run *r, const struct cc_dbres *res, const bool *revoked)
{
	const char **serials = cc_xcalloc((size_t)res->nrows + 1, sizeof(*serials));
	int64_t *seqs = cc_xcalloc((size_t)res->nrows + 1, sizeof(*seqs));
	bool *done = cc_xcalloc((size_t)res->nrows + 1, sizeof(*done)),
	     *told = cc_xcalloc((size_t)res->nrows + 1, sizeof(*told));

	for (int i = 0; i < res->nrows; i++) {
		const char *issuer = cc_dbres_str(res, i, 3);
		struct cc_err err = CC_ERR_INIT;
		size_t n = 0;

		if (!revoked[i] || done[i])
			continue;
		for (int j = i; j < res->nrows; j++) { /* every revoked row of this issuer */
			const char *other = cc_dbres_str(res, j, 3);
			if (!revoked[j] || done[j] ||
			    (issuer ? !other || strcmp(issuer, other) : other != NULL))
				continue;
			done[j] = true;
			serials[n] = cc_dbres_str(res, j, 5);
			seqs[n++] = cc_dbres_int(res, j, 0);
		}
		api_revoke_tell_issuer(r->app, r->c, issuer, serials, n, r->o.reason, told, &err);
		for (size_t k = 0; k < n; k++) {
			char note[300];
			if (told[k])
				continue;
			snprintf(note, sizeof(note), "revoked, but the issuer was not told: %s",
				 err.msg[0] ? err.msg : "unknown error");
			cc_db_exec(r->c, sql_item_note,
				   CC_DB_ARGS(CC_DB_TEXT(r->job_id), CC_DB_INT(seqs[k]),
					      CC_DB_TEXT(note)),
				   NULL, NULL);
		}
	}
	free(serials);
	free(seqs);
	free(done);
	free(told);
}

/* the eligible rows of the batch revoked together (api_revoke_apply_many); those revoked
 * or archived meanwhile fail as they would one by one. -1: the caller rolls back */
static int revoke_together(struct run *r, const struct cc_dbres *res, bool *revoked,
			   struct cc_err *err)
{
	struct api_revoke_row *rows = cc_xcalloc((size_t)res->nrows + 1, sizeof(*rows));
	bool *applied = cc_xcalloc((size_t)res->nrows + 1, sizeof(*applied));
	int *at = cc_xcalloc((size_t)res->nrows + 1, sizeof(*at)), rc = 0;
	size_t n = 0;

	for (int i = 0; i < res->nrows && rc == 0; i++) {
		struct cc_err why = CC_ERR_INIT;
		int64_t seq = cc_dbres_int(res, i, 0);
		enum api_revoke_verdict v;

		api_revoke_row_at(res, i, 2, cc_dbres_str(res, i, 1), &rows[n]);
		v = api_revoke_check(&rows[n], &why);
		if (v == API_REVOKE_OK)
			at[n++] = i;
		else
			rc = item_set(r->c, r->job_id, seq,
				      v == API_REVOKE_ALREADY_REVOKED || v == API_REVOKE_ARCHIVED
					      ? "skipped"
					      : "failed",
				      why.msg, err);
	}
	if (rc == 0)
		rc = api_revoke_apply_many(r->c, rows, n, &r->o, applied, err);
	for (size_t k = 0; rc == 0 && k < n; k++) {
		char msg[300];

		revoked[at[k]] = applied[k];
		if (applied[k])
			continue;
		snprintf(msg, sizeof(msg), "certificate %s was revoked or archived meanwhile",
			 rows[k].cert_id);
		rc = item_set(r->c, r->job_id, cc_dbres_int(res, at[k], 0), "failed", msg, err);
	}
	free(rows);
	free(applied);
	free(at);
	return rc;
}

/* 1: a batch was done, 0: nothing was left, 2: the job is no longer ours, -1: failure.
 * The batch's certificates are revoked together; when that fails, the batch is redone one
 * certificate at a time (one_by_one), each in a savepoint, so that a failure is undone
 * alone and recorded on its item. */
static int batch(struct run *r, bool one_by_one, struct cc_err *err)
{
	struct cc_dbres res = CC_DBRES_INIT, up = CC_DBRES_INIT;
	bool *revoked = NULL;
	int rc = -1;

	r->o.now = cc_time_now();
	if (cc_db_begin(r->c, err) < 0)
		return -1;
	if (cc_db_exec(r->c, sql_items, CC_DB_ARGS(CC_DB_TEXT(r->job_id)), &res, err) < 0)
		goto fail;
	if (!res.nrows) {
		cc_db_rollback(r->c);
		rc = 0;
		goto out;
	}
	revoked = cc_xcalloc((size_t)res.nrows, sizeof(*revoked));
	if (!one_by_one && revoke_together(r, &res, revoked, err) < 0) {
		cc_db_rollback(r->c);
		cc_log_kv(r->app->log, CC_LOG_WARN, "bulk revocation batch redone one by one",
			  "job", r->job_id, "error", err->msg, (const char *)NULL);
		cc_err_clear(err);
		free(revoked);
		cc_dbres_release(&res);
		return batch(r, true, err);
	}
	for (int i = 0; one_by_one && i < res.nrows; i++) {
		struct api_revoke_row row;

		api_revoke_row_at(&res, i, 2, cc_dbres_str(&res, i, 1), &row);
		if (revoke_item(r, cc_dbres_int(&res, i, 0), &row, &revoked[i], err) < 0)
			goto fail;
	}
	if (cc_db_exec(r->c, sql_items_revoked,
		       CC_DB_ARGS(CC_DB_TEXT(r->job_id), CC_DB_INT(cc_dbres_int(&res, 0, 0)),
				  CC_DB_INT(cc_dbres_int(&res, res.nrows - 1, 0))),
		       NULL, err) < 0 ||
	    cc_db_exec(r->c, sql_progress,
		       CC_DB_ARGS(CC_DB_TEXT(r->job_id), CC_DB_INT(res.nrows),
				  CC_DB_TIME(r->o.now + API_BULK_LEASE), CC_DB_TEXT(r->owner)),
		       &up, err) < 0)
		goto fail;
	if (!up.changes) {
		cc_db_rollback(r->c);
		rc = 2;
		goto out;
	}
	if (cc_db_commit(r->c, err) < 0)
		goto fail;
	tell_issuers(r, &res, revoked);
	rc = 1;
	goto out;
fail:
	cc_db_rollback(r->c);
out:
	free(revoked);
	cc_dbres_release(&up);
	cc_dbres_release(&res);
	return rc;
}

/* totals from the items: {"total_matched", "total_revoked", …} */
static int totals(struct cc_dbc *c, const char *job_id, json_t *o, struct cc_err *err)
{
	static const char *const states[] = { "revoked", "skipped", "failed", "pending" };
	static const char *const keys[] = { "total_revoked", "total_skipped", "total_failed",
					    "pending" };
	struct cc_dbres r = CC_DBRES_INIT;
	json_int_t n[4] = { 0 }, all = 0;

	if (cc_db_exec(c, sql_counts, CC_DB_ARGS(CC_DB_TEXT(job_id)), &r, err) < 0)
		return -1;
	for (int i = 0; i < r.nrows; i++) {
		json_int_t v = cc_dbres_int(&r, i, 1);
		all += v;
		for (size_t k = 0; k < CC_ARRAY_SIZE(states); k++)
			if (!strcmp(cc_dbres_str(&r, i, 0), states[k]))
				n[k] = v;
	}
	cc_dbres_release(&r);
	json_object_set_new(o, "total_matched", json_integer(all));
	for (size_t k = 0; k < CC_ARRAY_SIZE(keys); k++)
		json_object_set_new(o, keys[k], json_integer(n[k]));
	return 0;
}

/* errors: [{certificate_id, error}] of failed items; issuer_errors: revoked ones whose
 * issuer was not told */
static int problems(struct cc_dbc *c, const char *job_id, json_t *o, struct cc_err *err)
{
	struct cc_dbres r = CC_DBRES_INIT;
	json_t *errors = json_array(), *issuer = json_array();

	if (cc_db_exec(c, sql_problems, CC_DB_ARGS(CC_DB_TEXT(job_id)), &r, err) < 0) {
		json_decref(errors);
		json_decref(issuer);
		return -1;
	}
	for (int i = 0; i < r.nrows; i++)
		json_array_append_new(strcmp(cc_dbres_str(&r, i, 1), "failed") ? issuer : errors,
				      json_pack("{s:s, s:s}", "certificate_id",
						cc_dbres_str(&r, i, 0), "error",
						cc_dbres_str(&r, i, 2)));
	json_object_set_new(o, "errors", errors);
	json_object_set_new(o, "issuer_errors", issuer);
	cc_dbres_release(&r);
	return 0;
}

/* one Revocation notification per owner, with the count */
static int notify_owners(struct run *r, struct cc_err *err)
{
	struct cc_dbres res = CC_DBRES_INIT;
	int rc = cc_db_exec(r->c, sql_owners, CC_DB_ARGS(CC_DB_TEXT(r->job_id)), &res, err);

	for (int i = 0; rc == 0 && i < res.nrows; i++) {
		char *who = NULL, *msg;
		const char *cert = cc_dbres_str(&res, i, 0);

		if ((rc = cc_notify_recipient(r->c, cert, &who, err)) < 0)
			break;
		msg = cc_xasprintf("%lld certificate(s) were revoked (%s) by %s in bulk revocation "
				   "job %s",
				   (long long)cc_dbres_int(&res, i, 1), r->o.reason, r->o.actor,
				   r->job_id);
		rc = cc_notify_create(r->c, CC_NOTIFY_REVOCATION,
				      cc_dbres_int(&res, i, 1) == 1 ? cert : NULL, "Email", who,
				      msg, r->o.now, err);
		free(msg);
		free(who);
	}
	cc_dbres_release(&res);
	return rc;
}

static const char *const total_keys[] = { "total_matched", "total_revoked", "total_skipped",
					  "total_failed" };

/* the job's result, status, audit event and notifications, in one transaction */
static int finish(struct run *r, struct cc_err *err)
{
	json_t *res = json_object(), *details;
	struct cc_dbres up = CC_DBRES_INIT;
	const char *status;
	char *text = NULL;
	json_int_t revoked, failed;
	int rc = -1;

	r->o.now = cc_time_now();
	if (cc_db_begin(r->c, err) < 0)
		goto out;
	if (totals(r->c, r->job_id, res, err) < 0 || problems(r->c, r->job_id, res, err) < 0)
		goto fail;
	json_object_del(res, "pending");
	json_object_set(res, "not_found", json_object_get(r->job.payload, "not_found"));
	revoked = json_integer_value(json_object_get(res, "total_revoked"));
	failed = json_integer_value(json_object_get(res, "total_failed"));
	status = !revoked && failed ? "Failed" : "Completed";
	text = json_dumps(res, JSON_COMPACT);
	if (cc_db_exec(r->c, sql_finish,
		       CC_DB_ARGS(CC_DB_TEXT(r->job_id), CC_DB_TEXT(status), CC_DB_JSON(text),
				  CC_DB_TIME(r->o.now),
				  CC_DB_TEXT(*status == 'F' ? "no certificate could be revoked"
							    : NULL),
				  CC_DB_TEXT(r->owner)),
		       &up, err) < 0)
		goto fail;
	if (!up.changes) { /* cancelled, or taken over */
		cc_db_rollback(r->c);
		rc = 0;
		goto out;
	}
	details = json_deep_copy(json_object_get(r->job.payload, "criteria"));
	json_object_set_new(details, "job_id", json_string(r->job_id));
	for (size_t i = 0; i < CC_ARRAY_SIZE(total_keys); i++)
		json_object_set(details, total_keys[i], json_object_get(res, total_keys[i]));
	if (cc_audit_record(r->c, r->o.actor, r->o.actor_type, "bulk_revocation_initiated",
			    "certificate", "bulk", details, err) < 0 ||
	    notify_owners(r, err) < 0 || cc_db_commit(r->c, err) < 0)
		goto fail;
	rc = 0;
	goto out;
fail:
	cc_db_rollback(r->c);
out:
	free(text);
	cc_dbres_release(&up);
	json_decref(res);
	return rc;
}

int api_bulk_run(struct api_app *app, struct cc_dbc *c, const char *job_id, const char *owner,
		 int64_t deadline, struct cc_err *err)
{
	struct run r = { .app = app, .c = c, .job_id = job_id, .owner = owner };
	int rc = load(&r, err), b = 1;

	while (rc == 0 && (b = batch(&r, false, err)) == 1) {
		if (deadline && cc_time_now() > deadline)
			break;
		cc_db_let_writers_in(c);
	}
	if (rc == 0 && b < 0)
		rc = -1;
	else if (rc == 0 && b == 0)
		rc = finish(&r, err) < 0 ? -1 : 1;
	else if (rc == 0 && b == 2)
		rc = 1; /* not ours any more: nothing left to do here */
	cc_obj_release(&cc_job_entity, &r.job);
	return rc;
}

int api_bulk_release(struct cc_dbc *c, const char *job_id, const char *owner, struct cc_err *err)
{
	return cc_db_exec(c, sql_release, CC_DB_ARGS(CC_DB_TEXT(job_id), CC_DB_TEXT(owner)), NULL,
			  err);
}

int api_bulk_claim(struct cc_dbc *c, const char *owner, int64_t now, char **job_id,
		   struct cc_err *err)
{
	struct cc_dbres r = CC_DBRES_INIT;
	int rc = cc_db_exec(
		c, sql_claim[cc_dbc_engine(c)],
		CC_DB_ARGS(CC_DB_TIME(now), CC_DB_TEXT(owner), CC_DB_TIME(now + API_BULK_LEASE)),
		&r, err);

	if (rc == 0 && !r.nrows)
		rc = cc_err_set(err, CC_E_NOTHING, "no bulk revocation is waiting");
	else if (rc == 0)
		*job_id = cc_dbres_dup(&r, 0, 0);
	cc_dbres_release(&r);
	return rc;
}

int api_bulk_status(struct cc_dbc *c, const char *job_id, json_t **out, struct cc_err *err)
{
	struct cc_job j = { 0 };
	json_t *o;

	*out = NULL;
	if (cc_repo_get(c, &cc_job_entity, job_id, &j, err) < 0)
		return -1;
	o = json_pack("{s:s, s:O, s:I, s:s, s:{s:I, s:I}}", "job_id", j.id, "criteria",
		      json_object_get(j.payload, "criteria"), "affected_count",
		      (json_int_t)j.progress_total, "status", j.status, "progress", "done",
		      (json_int_t)j.progress_done, "total", (json_int_t)j.progress_total);
	if (j.result) {
		json_object_update(o, j.result);
	} else if (totals(c, job_id, o, err) < 0) {
		json_decref(o);
		cc_obj_release(&cc_job_entity, &j);
		return -1;
	} else {
		json_object_set(o, "not_found", json_object_get(j.payload, "not_found"));
	}
	cc_obj_release(&cc_job_entity, &j);
	*out = o;
	return 0;
}
