/* h-cert-views.c: a certificate's versions and deployment targets, and renewal requests */
#include <string.h>
#include "daemon/app.h"
#include "daemon/issuance.h"
#include "daemon/policy-check.h"
#include "daemon/resource.h"
#include "daemon/routes.h"
#include "libcc/cert-version.h"
#include "libcc/certificate.h"
#include "libcc/cfg.h"
#include "libcc/db.h"
#include "libcc/job.h"
#include "libcc/target.h"
#include "libcc/time.h"
#include "libcc/banned.h"

/* jobs that already work on the certificate's next version */
static const char sql_active_jobs[] =
	"SELECT COUNT(*) FROM jobs WHERE certificate_id = $1 AND type IN ('Renewal', 'Issuance') "
	"AND status IN ('Pending', 'AwaitingCSR', 'AwaitingApproval', 'Running')";
static const char tail_deployments[] =
	"WHERE id IN (SELECT target_id FROM certificate_target_mappings WHERE certificate_id = $1) "
	"ORDER BY created_at DESC, id DESC";

/* 2000-01-01T00:00:00Z: an expiry before it means "never issued" */
#define Y2K (INT64_C(946684800) * CC_USEC_PER_SEC)

static const struct api_resource versions = {
	.e = &cc_cert_version_entity,
	.label = "Certificate version",
};

/* 0 when the certificate exists; otherwise a 404 (or the error) is the reply */
static int cert_exists(struct api_req *rq, struct api_resp *rs, struct cc_dbc *c)
{
	struct cc_err err = CC_ERR_INIT;
	bool found;

	if (cc_repo_exists(c, &cc_certificate_entity, rq->params[0], &found, &err) < 0) {
		api_reply_err(rs, rq, &err);
		return -1;
	}
	if (!found) {
		api_reply_error(rs, rq, 404, "Certificate not found: %s", rq->params[0]);
		return -1;
	}
	return 0;
}

/* a failed transaction: rolled back; the reply is a 404 when the certificate is missing,
 * otherwise the error */
static void rollback_reply(struct api_req *rq, struct api_resp *rs, struct cc_dbc *c,
			   const struct cc_err *err)
{
	cc_db_rollback(c);
	if (err->code == CC_E_NOT_FOUND)
		api_reply_error(rs, rq, 404, "Certificate not found: %s", rq->params[0]);
	else
		api_reply_err(rs, rq, err);
}

void h_certificates_versions(struct api_req *rq, struct api_resp *rs)
{
	struct cc_err err = CC_ERR_INIT;
	struct cc_list l = CC_LIST_INIT;
	struct cc_query q;
	struct cc_dbc *c;

	if (api_parse_query(rq, versions.e, &q, &err) < 0 ||
	    cc_query_filter(&q, "certificate_id", rq->params[0], &err) < 0) {
		api_reply_err(rs, rq, &err);
		return;
	}
	if (!(c = api_db(rq, rs)) || cert_exists(rq, rs, c) < 0)
		return;
	if (cc_repo_list(c, versions.e, &q, &l, &err) < 0) {
		api_reply_err(rs, rq, &err);
		return;
	}
	api_list_reply(rq, rs, &versions, &q, &l, c);
	cc_list_release(versions.e, &l);
}

void h_certificates_deployments(struct api_req *rq, struct api_resp *rs)
{
	struct cc_err err = CC_ERR_INIT;
	struct cc_list l = CC_LIST_INIT;
	struct cc_dbc *c;
	json_t *data;

	if (!(c = api_db(rq, rs)) || cert_exists(rq, rs, c) < 0)
		return;
	if (cc_repo_select(c, &cc_target_entity, tail_deployments,
			   CC_DB_ARGS(CC_DB_TEXT(rq->params[0])), &l, &err) < 0) {
		api_reply_err(rs, rq, &err);
		return;
	}
	data = json_array();
	/* the config column holds the redacted copy; the sealed one is hidden */
	for (size_t i = 0; i < l.n; i++)
		json_array_append_new(data, cc_obj_to_json(&cc_target_entity, l.items[i]));
	api_reply_json(rs, 200, json_pack("{s:o, s:I}", "data", data, "total", (json_int_t)l.n));
	cc_list_release(&cc_target_entity, &l);
}

static int count_active_jobs(struct cc_dbc *c, const char *cert_id, int64_t *n, struct cc_err *err)
{
	struct cc_dbres r = CC_DBRES_INIT;
	int rc = cc_db_exec(c, sql_active_jobs, CC_DB_ARGS(CC_DB_TEXT(cert_id)), &r, err);

	*n = rc == 0 && r.nrows ? cc_dbres_int(&r, 0, 0) : 0;
	cc_dbres_release(&r);
	return rc;
}

/* queues the job and marks the certificate; job->id is set on success */
static int queue_renewal(struct api_req *rq, struct cc_dbc *c, const struct cc_certificate *m,
			 struct cc_job *job, struct cc_err *err)
{
	bool agent_keygen = !strcmp(cc_cfg_str(rq->app->cfg, CC_CFG_keygen_mode), "agent");
	const char *st = m->status ? m->status : "", *start;
	int64_t active;

	if (!strcmp(st, "Archived"))
		return cc_err_set(err, CC_E_INVALID, "cannot renew archived certificate");
	if (!strcmp(st, "Expired"))
		return cc_err_set(err, CC_E_INVALID,
				  "cannot renew expired certificate; reissue instead");
	/* the status write locks the row first, so concurrent requests queue one job */
	if (cc_certificate_set_status(c, m->id, "RenewalInProgress", err) < 0 ||
	    count_active_jobs(c, m->id, &active, err) < 0)
		return -1;
	if (active)
		return cc_err_set(err, CC_E_CONFLICT, "certificate renewal already in progress");
	if (api_policy_job_status(c, m->id, agent_keygen ? "AwaitingCSR" : "Pending", &start, err) <
	    0)
		return -1;
	job->type = cc_xstrdup(m->expires_at < Y2K ? "Issuance" : "Renewal");
	job->certificate_id = cc_xstrdup(m->id);
	job->status = cc_xstrdup(start);
	job->max_attempts = 3;
	job->scheduled_at = cc_time_now();
	if (cc_repo_insert(c, &cc_job_entity, job, err) < 0)
		return -1;
	return api_audit_event(c, rq, "renewal_triggered", "certificate", m->id,
			       json_pack("{s:s, s:s, s:s}", "common_name",
					 m->common_name ? m->common_name : "", "job_id", job->id,
					 "job_status", job->status),
			       err);
}

void h_certificates_renew(struct api_req *rq, struct api_resp *rs)
{
	struct cc_err err = CC_ERR_INIT;
	struct cc_certificate *m = cc_obj_new(&cc_certificate_entity);
	struct cc_job *job = cc_obj_new(&cc_job_entity);
	struct cc_dbc *c;

	if (!(c = api_db(rq, rs)))
		goto out;
	if (cc_db_begin(c, &err) < 0 ||
	    cc_repo_get(c, &cc_certificate_entity, rq->params[0], m, &err) < 0 ||
	    queue_renewal(rq, c, m, job, &err) < 0 || cc_db_commit(c, &err) < 0) {
		rollback_reply(rq, rs, c, &err);
		goto out;
	}
	api_reply_json(rs, 202,
		       json_pack("{s:s, s:s, s:s}", "status", "renewal_triggered", "job_id",
				 job->id, "job_status", job->status));
out:
	cc_obj_free(&cc_certificate_entity, m);
	cc_obj_free(&cc_job_entity, job);
}

/* POST /certificates/{id}/deploy: one deployment job per mapped target (or the one named
 * by target_id) for the newest version; v2.1 only wrote an audit event */
static const char sql_has_version[] = "SELECT COUNT(*) FROM certificate_versions "
				      "WHERE certificate_id = $1";

static int queue_deployments(struct api_req *rq, struct cc_dbc *c, const struct cc_certificate *m,
			     const char *target_id, int *n, struct cc_err *err)
{
	struct cc_dbres r = CC_DBRES_INIT;
	int64_t nversions;

	if (!strcmp(m->status, "Archived") || !strcmp(m->status, "Revoked"))
		return cc_err_set(err, CC_E_INVALID, "cannot deploy a %s certificate", m->status);
	if (cc_db_exec(c, sql_has_version, CC_DB_ARGS(CC_DB_TEXT(m->id)), &r, err) < 0)
		return -1;
	nversions = cc_dbres_int(&r, 0, 0);
	cc_dbres_release(&r);
	if (!nversions)
		return cc_err_set(err, CC_E_CONFLICT,
				  "certificate '%s' has no issued version to deploy yet", m->id);
	if ((*n = api_deployment_jobs(c, m->id, target_id, cc_time_now(), err)) < 0)
		return -1;
	if (!*n)
		return target_id
			       ? cc_err_set(err, CC_E_INVALID,
					    "target_id: '%s' is not an enabled target of "
					    "certificate '%s', or already has a pending deployment",
					    target_id, m->id)
			       : cc_err_set(err, CC_E_CONFLICT,
					    "certificate '%s' has no enabled target without a "
					    "pending deployment",
					    m->id);
	return api_audit_event(c, rq, "deployment_triggered", "certificate", m->id,
			       json_pack("{s:s?, s:i}", "target_id", target_id, "jobs", *n), err);
}

void h_certificates_deploy(struct api_req *rq, struct api_resp *rs)
{
	struct cc_err err = CC_ERR_INIT;
	struct cc_certificate *m = cc_obj_new(&cc_certificate_entity);
	json_t *body = NULL, *t;
	const char *target_id = NULL;
	struct cc_dbc *c;
	int n = 0;

	if (!(body = api_body_json(rq, rs, true)))
		goto out;
	if (json_object_size(body) > 1 ||
	    (json_object_size(body) == 1 && !json_object_get(body, "target_id"))) {
		api_reply_error(rs, rq, 400, "only target_id may be given");
		goto out;
	}
	/* "" means every target, as in v2.1 (which ignored target_id) */
	if ((t = json_object_get(body, "target_id")) && !json_is_null(t)) {
		if (!json_is_string(t)) {
			api_reply_error(rs, rq, 400, "target_id: must be a string");
			goto out;
		}
		if (json_string_length(t))
			target_id = json_string_value(t);
	}
	if (!(c = api_db(rq, rs)))
		goto out;
	if (cc_db_begin(c, &err) < 0 ||
	    cc_repo_get(c, &cc_certificate_entity, rq->params[0], m, &err) < 0 ||
	    queue_deployments(rq, c, m, target_id, &n, &err) < 0 || cc_db_commit(c, &err) < 0) {
		rollback_reply(rq, rs, c, &err);
		goto out;
	}
	api_reply_json(rs, 202,
		       json_pack("{s:s, s:i}", "status", "deployment_triggered", "jobs", n));
out:
	json_decref(body);
	cc_obj_free(&cc_certificate_entity, m);
}
