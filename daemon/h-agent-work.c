/* h-agent-work.c: what an agent does besides heartbeats and CSRs — poll work, pick up
 * issued certificates and report job status (/api/v1/agents/{id}/...) */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include "daemon/agent-checks.h"
#include "daemon/app.h"
#include "daemon/connector-config.h"
#include "daemon/job-outcome.h"
#include "daemon/resource.h"
#include "daemon/routes.h"
#include "libcc/agent.h"
#include "libcc/cert-version.h"
#include "libcc/certificate.h"
#include "libcc/db.h"
#include "libcc/job.h"
#include "libcc/time.h"
#include "libcc/log.h"
#include "libcc/secretbox.h"
#include "libcc/banned.h"

#define CSR_PEM_MAX (64 * 1024)
#define CSR_RSA_MAX_BITS 16384

/* resources.md §9: one query, oldest first. The AwaitingCSR branch comes first so that
 * PostgreSQL types the sans column as an array before meeting the NULLs. *//* resources.md §9: one query, oldest first. The AwaitingCSR branch comes first so that
 * PostgreSQL types the sans column as an array before meeting the NULLs. */
static const char sql_work[] =
	"SELECT j.id AS id, j.type AS type, j.certificate_id, j.target_id, j.status, "
	"j.created_at AS created_at, t.type AS target_type, t.config AS target_config, "
	"c.common_name AS common_name, c.sans AS sans, t.encrypted_config AS sealed "
	"FROM jobs j JOIN managed_certificates c ON c.id = j.certificate_id "
	"LEFT JOIN deployment_targets t ON t.id = j.target_id "
	"WHERE j.status = 'AwaitingCSR' AND j.type IN ('Renewal', 'Issuance') AND EXISTS ("
	"SELECT 1 FROM certificate_target_mappings m "
	"JOIN deployment_targets mt ON mt.id = m.target_id "
	"WHERE m.certificate_id = j.certificate_id AND mt.agent_id = $1) "
	"UNION ALL "
	"SELECT j.id, j.type, j.certificate_id, j.target_id, j.status, j.created_at, t.type, "
	"t.config, NULL, NULL, t.encrypted_config "
	"FROM jobs j LEFT JOIN deployment_targets t ON t.id = j.target_id "
	"WHERE j.agent_id = $1 AND j.status = 'Pending' AND j.type = 'Deployment' "
	"AND (j.scheduled_at IS NULL OR j.scheduled_at <= $2) "
	"UNION ALL "
	"SELECT j.id, j.type, j.certificate_id, j.target_id, j.status, j.created_at, t.type, "
	"t.config, NULL, NULL, t.encrypted_config "
	"FROM jobs j JOIN deployment_targets t ON t.id = j.target_id "
	"WHERE j.agent_id IS NULL AND j.status = 'Pending' AND j.type = 'Deployment' "
	"AND (j.scheduled_at IS NULL OR j.scheduled_at <= $2) "
	"AND t.agent_id = $1 "
	"ORDER BY created_at, id";

/* a job is the agent's when the work query would route it there (whatever its status) */
static const char sql_job_owner[] =
	"SELECT j.status, CASE WHEN j.agent_id = $2 OR (j.agent_id IS NULL AND ("
	"EXISTS (SELECT 1 FROM deployment_targets t WHERE t.id = j.target_id AND t.agent_id = $2) "
	"OR (j.target_id IS NULL AND j.type IN ('Renewal', 'Issuance') AND EXISTS ("
	"SELECT 1 FROM certificate_target_mappings m "
	"JOIN deployment_targets mt ON mt.id = m.target_id "
	"WHERE m.certificate_id = j.certificate_id AND mt.agent_id = $2)))) "
	"THEN 1 ELSE 0 END FROM jobs j WHERE j.id = $1";

/* ---- GET /agents/{id}/work ---- */

static void set_str(json_t *o, const char *k, const char *v)
{
	json_object_set_new(o, k, json_string(v ? v : ""));
}

/* the full config of the row's target, for the agent that deploys to it (new ref): the
 * stored copy is redacted, and a key path of "********" would be of no use to anyone */
static json_t *target_config(const struct api_req *rq, const struct cc_dbres *r, int i)
{
	struct cc_err err = CC_ERR_INIT;
	const char *p = cc_dbres_str(r, i, 10);
	/* borrowed from the result */
	struct cc_bytes sealed = { (unsigned char *)p, p ? r->lens[i * r->ncols + 10] : 0 };
	json_t *cfg = NULL;

	if (sealed.n && cc_secretbox_open_json(api_config_passphrase(rq), &sealed, &cfg, &err) < 0)
		cc_log_kv(rq->app->log, CC_LOG_WARN, "target config cannot be opened", "req",
			  rq->request_id, "job", cc_dbres_str(r, i, 0), "error", err.msg,
			  (const char *)NULL);
	return cfg ? cfg : cc_dbres_json(r, i, 7);
}

static json_t *work_item(const struct api_req *rq, const struct cc_dbres *r, int i) /* new ref */
{
	json_t *o = json_object(), *sans = cc_dbres_json(r, i, 9), *cfg = target_config(rq, r, i);
	const char *v;

	set_str(o, "id", cc_dbres_str(r, i, 0));
	set_str(o, "type", cc_dbres_str(r, i, 1));
	set_str(o, "certificate_id", cc_dbres_str(r, i, 2));
	if ((v = cc_dbres_str(r, i, 8)) && *v)
		set_str(o, "common_name", v);
	if (json_is_array(sans) && json_array_size(sans))
		json_object_set(o, "sans", sans);
	if ((v = cc_dbres_str(r, i, 3)) && *v)
		set_str(o, "target_id", v);
	if ((v = cc_dbres_str(r, i, 6)) && *v)
		set_str(o, "target_type", v);
	if (json_is_object(cfg))
		json_object_set(o, "target_config", cfg);
	set_str(o, "status", cc_dbres_str(r, i, 4));
	json_decref(sans);
	json_decref(cfg);
	return o;
}

void h_agents_work(struct api_req *rq, struct api_resp *rs)
{
	struct cc_err err = CC_ERR_INIT;
	struct cc_dbres r = CC_DBRES_INIT;
	struct cc_agent *a = cc_obj_new(&cc_agent_entity);
	struct cc_dbc *c;
	json_t *jobs;

	if (!(c = api_db(rq, rs)) || !api_agent_load(rq, rs, c, a))
		goto out;
	if (cc_db_exec(c, sql_work, CC_DB_ARGS(CC_DB_TEXT(a->id), CC_DB_TIME(cc_time_now())), &r,
		       &err) < 0) {
		api_reply_err(rs, rq, &err);
		goto out;
	}
	jobs = json_array();
	for (int i = 0; i < r.nrows; i++)
		json_array_append_new(jobs, work_item(rq, &r, i));
	api_reply_json(rs, 200, json_pack("{s:o, s:i}", "jobs", jobs, "count", r.nrows));
out:
	cc_dbres_release(&r);
	cc_obj_free(&cc_agent_entity, a);
}

/* ---- GET /agents/{id}/certificates/{cert_id} ---- */

/* server keygen: the key kept with the version (plain PEM, or sealed), new string or NULL */
static char *server_key(struct api_req *rq, struct cc_dbc *c, const char *version_id,
			struct cc_err *err)
{
	struct cc_dbres r = CC_DBRES_INIT;
	struct cc_bytes plain = { 0 };
	const char *p;
	size_t n;
	char *key = NULL;

	if (cc_db_exec(c, "SELECT key_sealed FROM server_keys WHERE certificate_version_id = $1",
		       CC_DB_ARGS(CC_DB_TEXT(version_id)), &r, err) < 0 ||
	    !r.nrows || !(p = cc_dbres_str(&r, 0, 0)))
		goto out;
	n = r.lens[0];
	if (n > 10 && !memcmp(p, "-----BEGIN", 10)) {
		key = cc_xstrndup(p, n);
	} else if (cc_secretbox_open(api_config_passphrase(rq), p, n, &plain, err) == 0) {
		key = cc_xstrndup((const char *)plain.p, plain.n);
		OPENSSL_cleanse(plain.p, plain.n);
	}
out:
	cc_bytes_release(&plain);
	cc_dbres_release(&r);
	return key;
}

static void reply_certificate(struct api_req *rq, struct api_resp *rs, struct cc_dbc *c,
			      const struct cc_cert_version *v)
{
	struct cc_err err = CC_ERR_INIT;
	char *key = server_key(rq, c, v->id, &err);

	if (err.code) {
		api_reply_err(rs, rq, &err);
		return;
	}
	api_reply_json(rs, 200,
		       json_pack("{s:s, s:s?}", "certificate_pem", v->pem_chain ? v->pem_chain : "",
				 "private_key_pem", key));
	if (key)
		OPENSSL_cleanse(key, strlen(key));
	free(key);
}

void h_agents_certificate(struct api_req *rq, struct api_resp *rs)
{
	struct cc_err err = CC_ERR_INIT;
	struct cc_agent *a = cc_obj_new(&cc_agent_entity);
	struct cc_cert_version v = { 0 };
	const char *cert_id = rq->params[1];
	struct cc_dbc *c;

	if (!(c = api_db(rq, rs)) || !api_agent_load(rq, rs, c, a) ||
	    !api_agent_cert_check(rq, rs, c, cert_id))
		goto out;
	if (cc_cert_version_latest(c, cert_id, &v, &err) < 0) {
		if (err.code == CC_E_NOT_FOUND)
			api_reply_error(rs, rq, 404, "certificate '%s' has no issued version yet",
					cert_id);
		else
			api_reply_err(rs, rq, &err);
		goto out;
	}
	if (cc_db_begin(c, &err) < 0 ||
	    api_audit_event(c, rq, "certificate_retrieved", "certificate", cert_id,
			    json_pack("{s:s}", "version", v.serial_number ? v.serial_number : ""),
			    &err) < 0 ||
	    cc_db_commit(c, &err) < 0) {
		cc_db_rollback(c);
		api_reply_err(rs, rq, &err);
		goto out;
	}
	reply_certificate(rq, rs, c, &v);
out:
	cc_obj_release(&cc_cert_version_entity, &v);
	cc_obj_free(&cc_agent_entity, a);
}

/* ---- POST /agents/{id}/jobs/{job_id}/status ---- */

static bool is_final(const char *status)
{
	return !strcmp(status, "Completed") || !strcmp(status, "Failed") ||
	       !strcmp(status, "Cancelled");
}

/* the job's current status into *cur (caller frees); 404 / 403 / 409 answered otherwise */
static bool check_job(struct api_req *rq, struct api_resp *rs, struct cc_dbc *c, const char *status,
		      char **cur)
{
	struct cc_err err = CC_ERR_INIT;
	struct cc_dbres r = CC_DBRES_INIT;
	const char *job = rq->params[1];
	bool ok = false;

	if (cc_db_exec(c, sql_job_owner, CC_DB_ARGS(CC_DB_TEXT(job), CC_DB_TEXT(rq->params[0])), &r,
		       &err) < 0)
		api_reply_err(rs, rq, &err);
	else if (!r.nrows)
		api_reply_error(rs, rq, 404, "Job not found: %s", job);
	else if (!cc_dbres_int(&r, 0, 1))
		api_reply_error(rs, rq, 403, "job '%s' does not belong to agent '%s'", job,
				rq->params[0]);
	else if (is_final(cc_dbres_str(&r, 0, 0)))
		api_reply_error(rs, rq, 409, "job '%s' is already %s", job, cc_dbres_str(&r, 0, 0));
	else if (!strcmp(cc_dbres_str(&r, 0, 0), "AwaitingCSR") && strcmp(status, "Failed"))
		api_reply_error(rs, rq, 409,
				"job '%s' awaits a CSR: submit it, or report the job Failed", job);
	else
		ok = (*cur = cc_dbres_dup(&r, 0, 0)) != NULL;
	cc_dbres_release(&r);
	return ok;
}

static bool valid_report(const char *status)
{
	return !strcmp(status, "Running") || !strcmp(status, "Completed") ||
	       !strcmp(status, "Failed");
}

void h_agents_job_status(struct api_req *rq, struct api_resp *rs)
{
	struct cc_err err = CC_ERR_INIT;
	json_t *body = api_body_json(rq, rs, false);
	struct cc_agent *a = cc_obj_new(&cc_agent_entity);
	const char *status = NULL, *error = NULL;
	const struct str_key keys[] = { { "status", true, &status }, { "error", false, &error } };
	struct cc_dbc *c;
	char *cur = NULL;
	int64_t now = cc_time_now();

	if (!body)
		goto out;
	if (api_body_strings(body, keys, CC_ARRAY_SIZE(keys), &err) < 0) {
		api_reply_err(rs, rq, &err);
		goto out;
	}
	if (!valid_report(status)) {
		api_reply_error(rs, rq, 400, "status: must be one of Running, Completed, Failed");
		goto out;
	}
	if (error && !*error)
		error = NULL;
	if (!(c = api_db(rq, rs)))
		goto out;
	if (cc_db_begin(c, &err) < 0) {
		api_reply_err(rs, rq, &err);
		goto out;
	}
	if (!api_agent_load(rq, rs, c, a) || !check_job(rq, rs, c, status, &cur)) {
		cc_db_rollback(c);
		goto out;
	}
	if (cc_job_set_status(c, rq->params[1], cur, status, error, now, &err) < 0 ||
	    api_deployment_reported(c, rq->params[1], status, error, now, &err) < 0 ||
	    api_audit_event(c, rq, "job_status_reported", "job", rq->params[1],
			    json_pack("{s:s, s:s}", "status", status, "error", error ? error : ""),
			    &err) < 0 ||
	    cc_db_commit(c, &err) < 0) {
		cc_db_rollback(c);
		api_reply_err(rs, rq, &err);
		goto out;
	}
	api_reply_status(rs, 200, "status", "updated");
out:
	free(cur);
	json_decref(body);
	cc_obj_free(&cc_agent_entity, a);
}
