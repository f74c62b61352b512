/* h-agent-csr.c: POST /api/v1/agents/{id}/csr — an agent's certificate request, signed
 * for the certificate's waiting issuance or renewal job (or ad hoc) */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include "daemon/agent-checks.h"
#include "daemon/app.h"
#include "daemon/issuance.h"
#include "daemon/resource.h"
#include "daemon/routes.h"
#include "libcc/agent.h"
#include "libcc/audit.h"
#include "libcc/certificate.h"
#include "libcc/csr.h"
#include "libcc/db.h"
#include "libcc/job.h"
#include "libcc/log.h"
#include "libcc/notify.h"
#include "libcc/repo.h"
#include "libcc/time.h"
#include "libcc/banned.h"

/* the newest AwaitingCSR issuance/renewal job of the certificate moves to Running; only
 * one concurrent submission wins it */
static const char sql_waiting_job[] =
	"SELECT id FROM jobs WHERE certificate_id = $1 AND status = 'AwaitingCSR' "
	"AND type IN ('Issuance', 'Renewal') ORDER BY created_at DESC, id DESC LIMIT 1";
static const char sql_take_job[] =
	"UPDATE jobs SET status = 'Running', started_at = $2 WHERE id = $1 "
	"AND status = 'AwaitingCSR' RETURNING id";

/* the waiting job, taken: *job_id "" when there is none (most submissions have none, and
 * a read does not wait for SQLite's write lock); a job another submission took in between
 * counts as none */
static int take_job(struct cc_dbc *c, const char *cert_id, char *job_id, size_t len,
		    struct cc_err *err)
{
	struct cc_dbres r = CC_DBRES_INIT;
	int rc = -1;

	*job_id = 0;
	if (cc_db_exec(c, sql_waiting_job, CC_DB_ARGS(CC_DB_TEXT(cert_id)), &r, err) < 0)
		goto out;
	if (r.nrows) {
		char id[64];

		snprintf(id, sizeof(id), "%s", cc_dbres_str(&r, 0, 0));
		cc_dbres_release(&r);
		if (cc_db_exec(c, sql_take_job,
			       CC_DB_ARGS(CC_DB_TEXT(id), CC_DB_TIME(cc_time_now())), &r, err) < 0)
			goto out;
		if (r.nrows)
			snprintf(job_id, len, "%s", id);
	}
	rc = 0;
out:
	cc_dbres_release(&r);
	return rc;
}

/* a refused request fails the job for good; anything else gives it back to the agent */
static void job_not_done(struct api_req *rq, struct cc_dbc *c, const char *job_id,
			 const char *cert_id, const struct cc_err *why)
{
	struct cc_err err = CC_ERR_INIT;
	bool refused = why->code == CC_E_INVALID;
	int64_t now = cc_time_now();
	char *who = NULL;

	if (cc_db_begin(c, &err) < 0)
		goto out;
	if (cc_job_set_status(c, job_id, "Running", refused ? "Failed" : "AwaitingCSR", why->msg,
			      now, &err) < 0 ||
	    (refused && (cc_notify_recipient(c, cert_id, &who, &err) < 0 ||
			 cc_notify_create(c, CC_NOTIFY_RENEWAL_FAILURE, cert_id, "Email", who,
					  why->msg, now, &err) < 0)) ||
	    api_audit_event(c, rq, refused ? "renewal_job_failed" : "csr_not_signed", "certificate",
			    cert_id, json_pack("{s:s, s:s}", "job_id", job_id, "error", why->msg),
			    &err) < 0 ||
	    cc_db_commit(c, &err) < 0)
		cc_db_rollback(c);
out:
	if (err.code)
		cc_log_kv(rq->app->log, CC_LOG_ERROR, "job state not recorded", "req",
			  rq->request_id, "job", job_id, "error", err.msg, (const char *)NULL);
	free(who);
}

/* the submission's audit event: in the issuance's transaction when it signs, on its own
 * otherwise */
struct submission {
	struct api_req *rq;
	const struct cc_agent *a;
	const char *cert_id;
	const struct cc_csr_key *key;
};

static int audit_submission_in_tx(struct cc_dbc *c, void *ud, struct cc_err *err)
{
	const struct submission *s = ud;

	return api_audit_event(c, s->rq, "csr_submitted", "certificate",
			       s->cert_id ? s->cert_id : "",
			       json_pack("{s:s, s:s?, s:s, s:i}", "agent_hostname", s->a->hostname,
					 "certificate_id", s->cert_id, "key_algorithm",
					 s->key->algorithm, "key_size", s->key->bits),
			       err);
}

static int audit_submission(struct cc_dbc *c, struct submission *s, struct cc_err *err)
{
	return cc_db_write_tx(c, audit_submission_in_tx, s, err);
}

/* the server's CSR cache, made by the first submission */
static struct cc_csr_cache *csr_cache(struct api_app *app)
{
	struct cc_csr_cache *c = atomic_load(&app->csrs), *none = NULL;

	if (c)
		return c;
	c = cc_csr_cache_new();
	if (!atomic_compare_exchange_strong(&app->csrs, &none, c)) {
		cc_csr_cache_free(c); /* another request made one first */
		c = none;
	}
	return c;
}

/* a signed submission on its way to the database: everything its write and its answer
 * need, off the handler's stack */
struct signed_csr {
	json_t *body; /* csr_pem and certificate_id live in it */
	struct cc_agent *a;
	struct cc_certificate *m;
	struct cc_csr_key key;
	struct submission sub;
	struct api_issuance in;
	struct api_signed sg;
	struct api_issued out;
	char job_id[64];
};

static void signed_free(struct signed_csr *sc)
{
	api_signed_release(&sc->sg);
	cc_obj_free(&cc_certificate_entity, sc->m);
	cc_obj_free(&cc_agent_entity, sc->a);
	json_decref(sc->body);
	free(sc);
}

/* nothing signed or nothing recorded: the submission is still on record (its own failure is
 * not the news), and a job taken for it goes back to the agent or fails */
static void not_signed(struct cc_dbc *c, struct submission *s, const char *job_id,
		       const struct cc_err *why)
{
	audit_submission(c, s, &(struct cc_err)CC_ERR_INIT);
	if (*job_id)
		job_not_done(s->rq, c, job_id, s->cert_id, why);
}

static int write_signed(struct cc_dbc *c, void *ud, struct cc_err *err)
{
	struct signed_csr *sc = ud;

	return api_issue_record(sc->sub.rq->app, c, sc->m, &sc->in, &sc->sg, &sc->out, err);
}

static void reply_signed(struct api_req *rq, struct api_resp *rs, void *ud, int rc,
			 const struct cc_err *err)
{
	struct signed_csr *sc = ud;
	struct cc_dbc *c;

	if (rc < 0) {
		if ((c = api_db(rq, rs)))
			not_signed(c, &sc->sub, sc->job_id, err);
		api_reply_err(rs, rq, err);
	} else {
		api_reply_json(rs, 202,
			       json_pack("{s:s, s:s, s:s, s:s, s:s?, s:i}", "status", "csr_signed",
					 "certificate_id", sc->sub.cert_id, "serial_number",
					 sc->out.serial, "fingerprint_sha256", sc->out.fingerprint,
					 "job_id", *sc->job_id ? sc->job_id : NULL,
					 "deployment_jobs", sc->out.deployments));
	}
	signed_free(sc);
}

/* signs for sc->sub.cert_id and hands the record to the group-commit writer; a refusal is
 * answered here, with the submission audited on its own */
static void sign_for(struct api_req *rq, struct api_resp *rs, struct cc_dbc *c,
		     struct signed_csr *sc, const char *csr_pem, const struct cc_csr *csr)
{
	struct cc_err err = CC_ERR_INIT;

	sc->m = cc_obj_new(&cc_certificate_entity);
	sc->in = (struct api_issuance){
		.actor = rq->actor,
		.actor_type = rq->actor_type == API_ACTOR_AGENT ? "Agent" : "User",
		.csr_pem = csr_pem,
		.csr = csr,
		.csr_key = &sc->key,
		.key_algorithm = sc->key.algorithm,
		.key_size = sc->key.bits,
		.in_tx = audit_submission_in_tx,
		.in_tx_ud = &sc->sub,
	};
	if (cc_repo_get(c, &cc_certificate_entity, sc->sub.cert_id, sc->m, &err) < 0 ||
	    take_job(c, sc->sub.cert_id, sc->job_id, sizeof(sc->job_id), &err) < 0)
		goto failed;
	if (*sc->job_id)
		sc->in.job_id = sc->job_id;
	if (api_issue_sign(rq->app, c, sc->m, &sc->in, &sc->sg, &sc->out, &err) < 0)
		goto failed;
	sc->in.csr = NULL; /* freed with the request; the record needs only the PEM */
	api_defer_write(rq, rs, write_signed, reply_signed, sc);
	return;
failed:
	not_signed(c, &sc->sub, sc->job_id, &err);
	api_reply_err(rs, rq, &err);
	signed_free(sc);
}

void h_agents_csr(struct api_req *rq, struct api_resp *rs)
{
	struct cc_err err = CC_ERR_INIT;
	struct signed_csr *sc = cc_xcalloc(1, sizeof(*sc));
	const char *csr_pem = NULL, *cert_id = NULL;
	const struct str_key keys[] = { { "csr_pem", true, &csr_pem },
					{ "certificate_id", false, &cert_id } };
	struct cc_csr *csr = NULL;
	struct cc_dbc *c;

	sc->a = cc_obj_new(&cc_agent_entity);
	sc->sub = (struct submission){ .rq = rq, .a = sc->a, .key = &sc->key };
	if (!(sc->body = api_body_json(rq, rs, false)))
		goto out;
	if (api_body_strings(sc->body, keys, CC_ARRAY_SIZE(keys), &err) < 0 ||
	    !(csr = cc_csr_read(csr_pem, csr_cache(rq->app), &sc->key, &err))) {
		api_reply_err(rs, rq, &err);
		goto out;
	}
	if (cert_id && !*cert_id)
		cert_id = NULL;
	sc->sub.cert_id = cert_id;
	if (!(c = api_db(rq, rs)) || !api_agent_load(rq, rs, c, sc->a) ||
	    (cert_id && !api_agent_cert_check(rq, rs, c, cert_id)))
		goto out;
	if (!cert_id) { /* nothing to sign for: v2.1 only records the submission */
		if (audit_submission(c, &sc->sub, &err) < 0)
			api_reply_err(rs, rq, &err);
		else
			api_reply_status(rs, 202, "status", "csr_accepted");
		goto out;
	}
	sign_for(rq, rs, c, sc, csr_pem, csr);
	sc = NULL; /* sign_for's now */
out:
	cc_csr_free(csr);
	if (sc)
		signed_free(sc);
}
