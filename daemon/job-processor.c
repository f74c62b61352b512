/* job-processor.c: issuance and renewal jobs — handed to an agent for its CSR (agent
 * keygen) or signed here (server keygen) — with retries and crash recovery */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "daemon/job-processor.h"
#include "daemon/app.h"
#include "daemon/issuance.h"
#include "daemon/job-keygen.h"
#include "libcc/audit.h"
#include "libcc/certificate.h"
#include "libcc/cfg.h"
#include "libcc/csr.h"
#include "libcc/db.h"
#include "libcc/db-group.h"
#include "libcc/err.h"
#include "libcc/job.h"
#include "libcc/log.h"
#include "libcc/notify.h"
#include "libcc/repo.h"
#include "libcc/time.h"
#include "libcc/banned.h"

#define SEC INT64_C(1000000)
/* a Running issuance older than this was left by a server that died mid-job */
#define STALE_ISSUANCE (5 * 60 * SEC)
/* a Running deployment older than this was left by an agent that died mid-job */
#define STALE_DEPLOYMENT (30 * 60 * SEC)
#define BACKOFF_BASE (30 * SEC)
#define BACKOFF_MAX (3600 * SEC)

static const char sql_requeue_stale[] =
	"UPDATE jobs SET status = 'Pending', scheduled_at = $1, "
	"last_error = 'requeued: the previous run did not finish' "
	"WHERE status = 'Running' AND ((type IN ('Issuance', 'Renewal') AND started_at < $2) "
	"OR (type = 'Deployment' AND started_at < $3))";

static const char sql_retry[] =
	"UPDATE jobs SET status = 'Pending', attempts = attempts + 1, last_error = $2, "
	"scheduled_at = $3 WHERE id = $1 AND status = 'Running'";

static const char sql_fail[] =
	"UPDATE jobs SET status = 'Failed', attempts = attempts + 1, last_error = $2, "
	"completed_at = $3 WHERE id = $1 AND status = 'Running'";

/* a renewal that failed for good gives the certificate back to the renewal check, which
 * queues a new attempt on its next run (RenewalInProgress would block it forever) */
static const char sql_release_cert[] =
	"UPDATE managed_certificates SET status = CASE WHEN expires_at IS NULL THEN 'Pending' "
	"WHEN expires_at <= $2 THEN 'Expired' ELSE 'Active' END, updated_at = $2 "
	"WHERE id = $1 AND status = 'RenewalInProgress'";

static const char sql_agent_targets[] = "SELECT COUNT(*) FROM certificate_target_mappings m "
					"JOIN deployment_targets t ON t.id = m.target_id "
					"WHERE m.certificate_id = $1 AND t.enabled";

/* 30 s, 60 s, 120 s, … capped at an hour */
static int64_t backoff(int64_t attempts)
{
	int64_t d = BACKOFF_BASE;

	for (int64_t i = 1; i < attempts && d < BACKOFF_MAX; i++)
		d *= 2;
	return d < BACKOFF_MAX ? d : BACKOFF_MAX;
}

static bool retryable(enum cc_errc code)
{
	return code != CC_E_INVALID && code != CC_E_NOT_FOUND && code != CC_E_UNSUPPORTED &&
	       code != CC_E_UNPROCESSABLE;
}

/* the job failed: back to Pending later while attempts remain, else Failed with a
 * notification and an audit event */
static int job_failed(struct cc_dbc *c, const struct cc_job *j, const struct cc_err *why,
		      int64_t now, struct cc_err *err)
{
	int64_t attempts = j->attempts + 1;
	char *who = NULL, *msg;
	int rc;

	if (retryable(why->code) && attempts < j->max_attempts)
		return cc_db_exec(c, sql_retry,
				  CC_DB_ARGS(CC_DB_TEXT(j->id), CC_DB_TEXT(why->msg),
					     CC_DB_TIME(now + backoff(attempts))),
				  NULL, err);
	if (cc_db_begin(c, err) < 0)
		return -1;
	msg = cc_xasprintf("%s of certificate %s failed: %s", j->type, j->certificate_id, why->msg);
	rc = -1;
	if (cc_db_exec(c, sql_fail,
		       CC_DB_ARGS(CC_DB_TEXT(j->id), CC_DB_TEXT(why->msg), CC_DB_TIME(now)), NULL,
		       err) == 0 &&
	    api_job_release_cert(c, j->certificate_id, now, err) == 0 &&
	    cc_notify_recipient(c, j->certificate_id, &who, err) == 0 &&
	    cc_notify_create(c, CC_NOTIFY_RENEWAL_FAILURE, j->certificate_id, "Email", who, msg,
			     now, err) == 0 &&
	    cc_audit_record(c, "system", "System", "renewal_job_failed", "certificate",
			    j->certificate_id,
			    json_pack("{s:s, s:s, s:I}", "job_id", j->id, "error", why->msg,
				      "attempts", (json_int_t)attempts),
			    err) == 0 &&
	    cc_db_commit(c, err) == 0)
		rc = 0;
	else
		cc_db_rollback(c);
	free(msg);
	free(who);
	return rc;
}

int api_job_release_cert(struct cc_dbc *c, const char *cert_id, int64_t now, struct cc_err *err)
{
	return cc_db_exec(c, sql_release_cert, CC_DB_ARGS(CC_DB_TEXT(cert_id), CC_DB_TIME(now)),
			  NULL, err);
}

/* agent keygen: the job waits for the agent of a mapped target to send a CSR */
static int await_csr(struct cc_dbc *c, const struct cc_job *j, int64_t now, struct cc_err *err)
{
	struct cc_dbres r = CC_DBRES_INIT;
	const char *note = NULL;
	int rc = -1;

	if (cc_db_exec(c, sql_agent_targets, CC_DB_ARGS(CC_DB_TEXT(j->certificate_id)), &r, err) <
	    0)
		goto out;
	if (!cc_dbres_int(&r, 0, 0))
		note = "waiting for a CSR: map the certificate to a target whose agent generates "
		       "the key, submit a CSR, or use CERTCTL_KEYGEN_MODE=server";
	if (cc_db_begin(c, err) < 0)
		goto out;
	if (cc_job_set_status(c, j->id, "Running", "AwaitingCSR", note, now, err) < 0 ||
	    cc_certificate_set_status(c, j->certificate_id, "RenewalInProgress", err) < 0 ||
	    cc_audit_record(c, "system", "System", "renewal_awaiting_csr", "certificate",
			    j->certificate_id, json_pack("{s:s}", "job_id", j->id), err) < 0 ||
	    cc_db_commit(c, err) < 0) {
		cc_db_rollback(c);
		goto out;
	}
	rc = 0;
out:
	cc_dbres_release(&r);
	return rc;
}

/* a job that did not complete: logged, then retried later or failed for good (a database
 * error leaves it Running, for the stale-job requeue) */
static int not_done(struct api_app *app, struct cc_dbc *c, const struct cc_job *j,
		    const struct cc_err *why, int64_t now)
{
	struct cc_err err = CC_ERR_INIT;

	cc_log_kv(app->log, CC_LOG_WARN, "job failed", "job", j->id, "cert", j->certificate_id,
		  "error", why->msg, (const char *)NULL);
	return why->code == CC_E_DB || job_failed(c, j, why, now, &err) < 0 ? -1 : 0;
}

/* agent keygen: the job is handed to the agent that will send a CSR */
static int run_job(struct api_app *app, struct cc_dbc *c, struct cc_job *j, int64_t now)
{
	struct cc_err why = CC_ERR_INIT;
	int rc = 0;

	if (await_csr(c, j, now, &why) < 0)
		rc = not_done(app, c, j, &why, now);
	return rc;
}

/* ---- server keygen ----
 * The pass signs job after job on its own thread (key, request, certificate: most of the
 * CPU) and hands each record to the group writer, which commits what has queued up in one
 * transaction meanwhile: signing and recording overlap on two cores, and a commit serves
 * many jobs. At most WINDOW records wait at once; the pass ends when all are written, and
 * only then are the failed ones retried or failed, on the pass's connection. Without a
 * writer (unit tests of handlers) each record is written at once on that connection. */
#define WINDOW 64

struct flight {
	struct api_app *app;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int outstanding;
};

struct signed_job {
	struct cc_db_group_item item;
	struct flight *f;
	struct cc_job j;
	struct cc_certificate *m;
	struct api_keygen kg;
	int rc;
	struct cc_err err;
	struct signed_job *next;
};

static int write_signed(struct cc_dbc *c, void *ud, struct cc_err *err)
{
	struct signed_job *s = ud;

	return api_keygen_record(s->f->app, c, &s->kg, err);
}

static void written(void *ud, int rc, const struct cc_err *err)
{
	struct signed_job *s = ud;
	struct flight *f = s->f;

	s->rc = rc;
	if (rc < 0)
		s->err = *err;
	pthread_mutex_lock(&f->mu);
	f->outstanding--;
	pthread_cond_broadcast(&f->cv);
	pthread_mutex_unlock(&f->mu);
}

static void wait_below(struct flight *f, int n)
{
	pthread_mutex_lock(&f->mu);
	while (f->outstanding > n)
		pthread_cond_wait(&f->cv, &f->mu);
	pthread_mutex_unlock(&f->mu);
}

/* signs the claimed job and queues its record; a job refused before that is handled here */
static void sign_and_queue(struct flight *f, struct cc_dbc *c, struct signed_job *s, int64_t now)
{
	struct cc_err why = CC_ERR_INIT;

	s->f = f;
	s->m = cc_obj_new(&cc_certificate_entity);
	if (cc_repo_get(c, &cc_certificate_entity, s->j.certificate_id, s->m, &why) < 0 ||
	    api_keygen_sign(f->app, c, s->m, &s->j, &s->kg, &why) < 0) {
		s->rc = 1; /* not queued */
		if (not_done(f->app, c, &s->j, &why, now) < 0)
			cc_log_kv(f->app->log, CC_LOG_ERROR, "job left Running", "job", s->j.id,
				  (const char *)NULL);
		return;
	}
	wait_below(f, WINDOW - 1);
	pthread_mutex_lock(&f->mu);
	f->outstanding++;
	pthread_mutex_unlock(&f->mu);
	if (!f->app->group) {
		written(s, cc_db_write_tx(c, write_signed, s, &why), &why);
		return;
	}
	s->item = (struct cc_db_group_item){ .write = write_signed, .done = written, .ud = s };
	cc_db_group_submit(f->app->group, &s->item);
}

/* after the writer is done with the pass: failures are retried or failed, all freed */
static void settle(struct flight *f, struct cc_dbc *c, struct signed_job *list, int64_t now)
{
	wait_below(f, 0);
	while (list) {
		struct signed_job *s = list;

		list = s->next;
		if (s->rc < 0 && not_done(f->app, c, &s->j, &s->err, now) < 0)
			cc_log_kv(f->app->log, CC_LOG_ERROR, "job left Running", "job", s->j.id,
				  (const char *)NULL);
		api_keygen_release(&s->kg);
		cc_obj_free(&cc_certificate_entity, s->m);
		cc_obj_release(&cc_job_entity, &s->j);
		free(s);
	}
}

/* claims up to n jobs of a type in one transaction (one write lock for all of them);
 * returns how many, -1 on a database error */
static int claim_some(struct cc_dbc *c, const char *type, int64_t now, struct signed_job **out,
		      int n, struct cc_err *err)
{
	int got = 0;

	if (cc_db_begin(c, err) < 0)
		return -1;
	while (got < n) {
		struct signed_job *s = cc_xcalloc(1, sizeof(*s));

		if (cc_job_claim(c, "Pending", "Running", type, now, &s->j, err) < 0) {
			free(s);
			if (err->code != CC_E_NOTHING)
				goto fail;
			cc_err_clear(err);
			break;
		}
		out[got++] = s;
	}
	if (cc_db_commit(c, err) == 0)
		return got;
fail:
	cc_db_rollback(c);
	while (got--) { /* their claims were rolled back too */
		cc_obj_release(&cc_job_entity, &out[got]->j);
		free(out[got]);
	}
	return -1;
}

#define CLAIM_CHUNK 32

static int keygen_pass(struct api_app *app, struct cc_dbc *c, int64_t now, struct cc_err *err)
{
	static const char *const types[] = { "Issuance", "Renewal" };
	struct flight f = { .app = app };
	struct signed_job *list = NULL, *chunk[CLAIM_CHUNK];
	int n = 0;

	pthread_mutex_init(&f.mu, NULL);
	pthread_cond_init(&f.cv, NULL);
	for (size_t t = 0; t < CC_ARRAY_SIZE(types) && n >= 0 && n < API_JOB_BATCH; t++) {
		int got;

		do {
			int want =
				API_JOB_BATCH - n < CLAIM_CHUNK ? API_JOB_BATCH - n : CLAIM_CHUNK;

			if ((got = claim_some(c, types[t], now, chunk, want, err)) < 0) {
				n = -1;
				break;
			}
			n += got;
			for (int i = 0; i < got; i++) {
				chunk[i]->next = list;
				list = chunk[i];
				sign_and_queue(&f, c, chunk[i], now);
			}
		} while (got == CLAIM_CHUNK && n < API_JOB_BATCH);
	}
	settle(&f, c, list, now);
	pthread_cond_destroy(&f.cv);
	pthread_mutex_destroy(&f.mu);
	return n;
}

int api_job_processor_tick(struct api_app *app, int64_t now, struct cc_err *err)
{
	static const char *const types[] = { "Issuance", "Renewal" };
	struct cc_dbc *c = cc_db_get(app->db, err);
	int n = 0;

	if (!c)
		return -1;
	if (cc_db_exec(c, sql_requeue_stale,
		       CC_DB_ARGS(CC_DB_TIME(now), CC_DB_TIME(now - STALE_ISSUANCE),
				  CC_DB_TIME(now - STALE_DEPLOYMENT)),
		       NULL, err) < 0) {
		n = -1;
		goto out;
	}
	if (strcmp(cc_cfg_str(app->cfg, CC_CFG_keygen_mode), "agent")) {
		n = keygen_pass(app, c, now, err);
		goto out;
	}
	for (size_t t = 0; t < CC_ARRAY_SIZE(types) && n < API_JOB_BATCH; t++) {
		while (n < API_JOB_BATCH) {
			struct cc_job j = { 0 };

			if (cc_job_claim(c, "Pending", "Running", types[t], now, &j, err) < 0) {
				if (err->code != CC_E_NOTHING)
					n = -1;
				else
					cc_err_clear(err);
				break;
			}
			n++;
			if (run_job(app, c, &j, now) < 0)
				cc_log_kv(app->log, CC_LOG_ERROR, "job left Running", "job", j.id,
					  (const char *)NULL);
			cc_obj_release(&cc_job_entity, &j);
		}
		if (n < 0)
			break;
	}
out:
	cc_db_put(app->db, c);
	return n;
}
