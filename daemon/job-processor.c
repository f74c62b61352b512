/* job-processor.c: issuance and renewal jobs — handed to an agent for its CSR (agent
 * keygen) or signed here (server keygen) — with retries and crash recovery */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/crypto.h>
#include "daemon/job-processor.h"
#include "daemon/app.h"
#include "daemon/issuance.h"
#include "libcc/audit.h"
#include "libcc/certificate.h"
#include "libcc/cfg.h"
#include "libcc/csr.h"
#include "libcc/db.h"
#include "libcc/err.h"
#include "libcc/job.h"
#include "libcc/log.h"
#include "libcc/notify.h"
#include "libcc/profile.h"
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

/* the key the profile prefers: its first rule, else ECDSA P-256 */
static const char *key_type_for(struct cc_dbc *c, const struct cc_certificate *m, int *bits)
{
	struct cc_err err = CC_ERR_INIT;
	struct cc_profile p = { 0 };
	const char *type = "ECDSA-P256";
	json_t *rule;

	*bits = 256;
	if (m->certificate_profile_id && *m->certificate_profile_id &&
	    cc_repo_get(c, &cc_profile_entity, m->certificate_profile_id, &p, &err) == 0 &&
	    (rule = json_array_get(p.allowed_key_algorithms, 0))) {
		const char *alg = json_string_value(json_object_get(rule, "algorithm"));
		json_int_t min = json_integer_value(json_object_get(rule, "min_size"));

		if (alg && !strcasecmp(alg, "RSA")) {
			*bits = min > 3072 ? 4096 : min > 2048 ? 3072 : 2048;
			type = *bits == 4096 ? "RSA-4096" : *bits == 3072 ? "RSA-3072" : "RSA-2048";
		} else if (alg && !strcasecmp(alg, "ECDSA") && min > 256) {
			*bits = 384;
			type = "ECDSA-P384";
		} else if (alg && !strcasecmp(alg, "Ed25519")) {
			*bits = 256;
			type = "Ed25519";
		}
	}
	cc_obj_release(&cc_profile_entity, &p);
	return type;
}

/* server keygen: key, CSR and signature here, all recorded by api_issue */
static int sign_here(struct api_app *app, struct cc_dbc *c, const struct cc_certificate *m,
		     const struct cc_job *j, struct cc_err *err)
{
	char *key = NULL, *csr = NULL;
	int bits, rc = -1;
	const char *type = key_type_for(c, m, &bits);
	struct api_issuance in = { .actor = "system", .actor_type = "System", .job_id = j->id };
	struct api_issued out;
	struct cc_csr *own = NULL;
	struct cc_csr_key facts;

	/* the issuer takes the request as made: not parsed and verified a second time */
	if (cc_csr_generate_own(type, m->common_name, (const char *const *)m->sans.v, m->sans.n,
				&key, &csr, &own, &facts, err) < 0)
		goto out;
	in.csr_pem = csr;
	in.csr = own;
	in.csr_key = &facts;
	in.key_pem = key;
	in.key_algorithm = !strncmp(type, "RSA", 3)	? "RSA"
			   : !strncmp(type, "ECDSA", 5) ? "ECDSA"
							: "Ed25519";
	in.key_size = bits;
	rc = api_issue(app, c, m, &in, &out, err);
out:
	if (key)
		OPENSSL_cleanse(key, strlen(key));
	free(key);
	free(csr);
	cc_csr_free(own);
	return rc;
}

static int run_job(struct api_app *app, struct cc_dbc *c, struct cc_job *j, int64_t now)
{
	struct cc_err why = CC_ERR_INIT, err = CC_ERR_INIT;
	struct cc_certificate *m = cc_obj_new(&cc_certificate_entity);
	bool agent_keygen = !strcmp(cc_cfg_str(app->cfg, CC_CFG_keygen_mode), "agent");
	int rc = 0;

	if (cc_repo_get(c, &cc_certificate_entity, j->certificate_id, m, &why) < 0 ||
	    (agent_keygen ? await_csr(c, j, now, &why) : sign_here(app, c, m, j, &why)) < 0) {
		cc_log_kv(app->log, CC_LOG_WARN, "job failed", "job", j->id, "cert",
			  j->certificate_id, "error", why.msg, (const char *)NULL);
		if (why.code == CC_E_DB || job_failed(c, j, &why, now, &err) < 0)
			rc = -1;
	}
	cc_obj_free(&cc_certificate_entity, m);
	return rc;
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
