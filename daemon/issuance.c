/* issuance.c: sign a CSR for a managed certificate and record the outcome atomically */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "daemon/issuance.h"
#include "daemon/app.h"
#include "daemon/issuers.h"
#include "daemon/policy-check.h"
#include "connectors/issuer/issuer.h"
#include "libcc/audit.h"
#include "libcc/buf.h"
#include "libcc/cert-version.h"
#include "libcc/certificate.h"
#include "libcc/cfg.h"
#include "libcc/db.h"
#include "libcc/err.h"
#include "libcc/id.h"
#include "libcc/job.h"
#include "libcc/notify.h"
#include "libcc/profile.h"
#include "libcc/repo.h"
#include "libcc/secretbox.h"
#include "libcc/time.h"
#include "libcc/x509.h"
#include "libcc/banned.h"

#define MAX_EKUS 8

/* what the profile asks of a request: its EKUs, its TTL cap, and the key rules */
struct wanted {
	const char *ekus[MAX_EKUS];
	size_t nekus;
	int64_t max_ttl_s;
};

/* the CSR key must match one {algorithm, min_size} rule of the profile, when it has any;
 * a refusal names the rule and what it permits */
static int check_key(const struct cc_profile *p, const struct api_issuance *in, struct cc_err *err)
{
	json_t *rules = p->allowed_key_algorithms, *r;
	struct cc_buf allowed = CC_BUF_INIT;
	size_t i;

	if (!json_is_array(rules) || !json_array_size(rules))
		return 0;
	json_array_foreach (rules, i, r) {
		const char *alg = json_string_value(json_object_get(r, "algorithm"));
		json_int_t min = json_integer_value(json_object_get(r, "min_size"));

		if (alg && !strcasecmp(alg, in->key_algorithm) && in->key_size >= min) {
			cc_buf_release(&allowed);
			return 0;
		}
		cc_buf_addf(&allowed, "%s%s >= %lld", i ? ", " : "", alg ? alg : "?",
			    (long long)min);
	}
	cc_err_set(err, CC_E_INVALID,
		   "the request's %s-%d key is not allowed by profile '%s': "
		   "allowed_key_algorithms permits %s",
		   in->key_algorithm, in->key_size, p->id, allowed.buf);
	cc_buf_release(&allowed);
	return -1;
}

static int load_profile(struct cc_dbc *c, const struct cc_certificate *m,
			const struct api_issuance *in, struct cc_profile *p, struct wanted *w,
			struct cc_err *err)
{
	json_t *e;
	size_t i;

	if (!m->certificate_profile_id || !*m->certificate_profile_id)
		return 0;
	if (cc_repo_get(c, &cc_profile_entity, m->certificate_profile_id, p, err) < 0)
		return cc_err_prefix(err, "certificate profile");
	if (!p->enabled)
		return cc_err_set(err, CC_E_CONFLICT, "certificate profile '%s' is disabled",
				  p->id);
	if (check_key(p, in, err) < 0)
		return -1;
	w->max_ttl_s = p->max_ttl_seconds;
	json_array_foreach (p->allowed_ekus, i, e) {
		if (json_is_string(e) && w->nekus < MAX_EKUS)
			w->ekus[w->nekus++] = json_string_value(e); /* lent by p */
	}
	return 0;
}

static int sign(struct api_app *app, struct cc_dbc *c, const struct cc_certificate *m,
		const struct api_issuance *in, const struct wanted *w, struct cc_issue_res *res,
		struct cc_err *err)
{
	struct cc_issuer_conn *iss;
	struct cc_issue_req req = {
		.common_name = m->common_name,
		.sans = (const char *const *)m->sans.v,
		.nsans = m->sans.n,
		.csr_pem = in->csr_pem,
		.csr = in->csr,
		.csr_key = in->csr_key,
		.ekus = w->ekus,
		.nekus = w->nekus,
		.max_ttl_s = w->max_ttl_s,
	};

	if (api_issuer_get(app, c, m->issuer_id, &iss, err) < 0)
		return -1;
	/* an ad-hoc CSR is an issue; anything replacing a version is a renewal */
	if ((in->job_id ? cc_issuer_renew(iss, &req, res, err)
			: cc_issuer_issue(iss, &req, res, err)) < 0)
		return cc_err_prefix(err, "issuer '%s'", m->issuer_id);
	return 0;
}

static const char sql_targets[] =
	"SELECT t.id, t.agent_id FROM certificate_target_mappings m "
	"JOIN deployment_targets t ON t.id = m.target_id "
	"WHERE m.certificate_id = $1 AND t.enabled AND (CAST($2 AS TEXT) IS NULL OR t.id = CAST($2 "
	"AS TEXT)) "
	/* a Pending deployment fetches the newest version anyway: never queue a second */
	"AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.certificate_id = m.certificate_id "
	"AND j.target_id = t.id AND j.type = 'Deployment' AND j.status = 'Pending') "
	"ORDER BY t.id";

int api_deployment_jobs(struct cc_dbc *c, const char *cert_id, const char *only_target_id,
			int64_t now, struct cc_err *err)
{
	struct cc_dbres r = CC_DBRES_INIT;
	int n = -1;

	if (cc_db_exec(c, sql_targets,
		       CC_DB_ARGS(CC_DB_TEXT(cert_id),
				  only_target_id ? CC_DB_TEXT(only_target_id) : CC_DB_NULL()),
		       &r, err) < 0)
		goto out;
	for (n = 0; n < r.nrows; n++) {
		struct cc_job *j = cc_obj_new(&cc_job_entity);
		int rc;

		j->type = cc_xstrdup("Deployment");
		j->certificate_id = cc_xstrdup(cert_id);
		j->target_id = cc_xstrdup(cc_dbres_str(&r, n, 0));
		j->agent_id = cc_xstrdup(cc_dbres_str(&r, n, 1));
		j->status = cc_xstrdup("Pending");
		j->max_attempts = 3;
		j->scheduled_at = now;
		rc = cc_repo_insert(c, &cc_job_entity, j, err);
		cc_obj_free(&cc_job_entity, j);
		if (rc < 0) {
			n = -1;
			goto out;
		}
	}
out:
	cc_dbres_release(&r);
	return n;
}

/* server keygen: the key is kept for the agent that deploys it, sealed when possible */
static int keep_key(struct api_app *app, struct cc_dbc *c, const char *version_id,
		    const char *key_pem, struct cc_err *err)
{
	const char *pass = cc_cfg_str(app->cfg, CC_CFG_config_encryption_key);
	struct cc_bytes sealed = { 0 };
	int rc;

	if (*pass) {
		if (cc_secretbox_seal(pass, key_pem, strlen(key_pem), &sealed, err) < 0)
			return -1;
	} else {
		sealed.n = strlen(key_pem);
		sealed.p = (unsigned char *)cc_xstrdup(key_pem);
	}
	rc = cc_db_exec(c,
			"INSERT INTO server_keys (certificate_version_id, key_sealed) "
			"VALUES ($1, $2)",
			CC_DB_ARGS(CC_DB_TEXT(version_id), CC_DB_BLOB(sealed.p, sealed.n)), NULL,
			err);
	cc_bytes_release(&sealed);
	return rc;
}

/* leaf then chain, one newline between */
static char *pem_join(const char *leaf, const char *chain)
{
	size_t n = strlen(leaf);
	bool nl = n && leaf[n - 1] == '\n';

	if (!chain || !*chain)
		return cc_xstrdup(leaf);
	return cc_xasprintf("%s%s%s", leaf, nl ? "" : "\n", chain);
}

static int store_version(struct cc_dbc *c, const struct cc_certificate *m,
			 const struct api_issuance *in, const struct cc_issue_res *res,
			 const struct cc_cert_info *ci, struct api_issued *out, struct cc_err *err)
{
	struct cc_cert_version *v = cc_obj_new(&cc_cert_version_entity);
	int rc;

	v->certificate_id = cc_xstrdup(m->id);
	v->serial_number = cc_xstrdup(ci->serial_hex); /* canonical, as read back */
	v->not_before = res->not_before ? res->not_before : ci->not_before;
	v->not_after = res->not_after ? res->not_after : ci->not_after;
	v->fingerprint_sha256 = cc_xstrdup(ci->fingerprint_sha256);
	v->pem_chain = pem_join(res->cert_pem, res->chain_pem);
	v->csr_pem = cc_xstrdup(in->csr_pem);
	v->key_algorithm = cc_xstrdup(in->key_algorithm);
	v->key_size = in->key_size;
	rc = cc_repo_insert(c, &cc_cert_version_entity, v, err);
	if (rc == 0) {
		snprintf(out->version_id, sizeof(out->version_id), "%s", v->id);
		out->not_after = v->not_after;
	}
	cc_obj_free(&cc_cert_version_entity, v);
	return rc;
}

static int record(struct api_app *app, struct cc_dbc *c, const struct cc_certificate *m,
		  const struct api_issuance *in, const struct cc_issue_res *res,
		  const struct cc_cert_info *ci, struct api_issued *out, struct cc_err *err)
{
	int64_t now = cc_time_now();
	char *who = NULL, *msg;
	int rc = -1;

	if ((in->in_tx && in->in_tx(c, in->in_tx_ud, err) < 0) ||
	    store_version(c, m, in, res, ci, out, err) < 0 ||
	    (in->key_pem && keep_key(app, c, out->version_id, in->key_pem, err) < 0) ||
	    cc_db_exec(c,
		       "UPDATE managed_certificates SET status = 'Active', expires_at = $2, "
		       "last_renewal_at = $3, updated_at = $3 WHERE id = $1",
		       CC_DB_ARGS(CC_DB_TEXT(m->id), CC_DB_TIME(out->not_after), CC_DB_TIME(now)),
		       NULL, err) < 0 ||
	    (in->job_id &&
	     cc_job_set_status(c, in->job_id, "Running", "Completed", NULL, now, err) < 0) ||
	    (out->deployments = api_deployment_jobs(c, m->id, NULL, now, err)) < 0 ||
	    cc_notify_recipient(c, m->id, &who, err) < 0)
		goto out;
	msg = cc_xasprintf("Certificate %s (%s) was issued: serial %s, %d deployment(s) queued",
			   m->common_name, m->id, res->serial, out->deployments);
	rc = cc_notify_create(c, CC_NOTIFY_RENEWAL_SUCCESS, m->id, "Email", who, msg, now, err);
	free(msg);
	if (rc < 0)
		goto out;
	rc = cc_audit_record(c, in->actor, in->actor_type,
			     in->job_id ? "renewal_job_completed" : "certificate_issued",
			     "certificate", m->id,
			     json_pack("{s:s, s:s, s:s?, s:i}", "serial", res->serial, "version_id",
				       out->version_id, "job_id", in->job_id, "deployment_jobs",
				       out->deployments),
			     err);
out:
	free(who);
	return rc;
}

int api_issue_sign(struct api_app *app, struct cc_dbc *c, const struct cc_certificate *m,
		   const struct api_issuance *in, struct api_signed *sg, struct api_issued *out,
		   struct cc_err *err)
{
	struct cc_profile p = { 0 };
	struct wanted w = { 0 };
	int rc = -1;

	memset(out, 0, sizeof(*out));
	memset(sg, 0, sizeof(*sg));
	if (load_profile(c, m, in, &p, &w, err) < 0 ||
	    api_policy_issuance(app, c, m, in, &p, &w.max_ttl_s, err) < 0 ||
	    sign(app, c, m, in, &w, &sg->res, err) < 0)
		goto out;
	if (sg->res.cert_pem && sg->res.serial && *sg->res.fingerprint_sha256 &&
	    sg->res.not_after) {
		/* the issuer told us what store_version needs: no second parse of the leaf */
		snprintf(sg->ci.serial_hex, sizeof(sg->ci.serial_hex), "%s", sg->res.serial);
		memcpy(sg->ci.fingerprint_sha256, sg->res.fingerprint_sha256,
		       sizeof(sg->ci.fingerprint_sha256));
		sg->ci.not_before = sg->res.not_before;
		sg->ci.not_after = sg->res.not_after;
	} else if (!sg->res.cert_pem ||
		   cc_cert_info_from_pem(sg->res.cert_pem, strlen(sg->res.cert_pem), &sg->ci, err) <
			   0) {
		cc_err_set(err, CC_E_INTERNAL, "issuer '%s' returned no readable certificate",
			   m->issuer_id);
		goto out;
	}
	snprintf(out->serial, sizeof(out->serial), "%s", sg->res.serial ? sg->res.serial : "");
	snprintf(out->fingerprint, sizeof(out->fingerprint), "%s", sg->ci.fingerprint_sha256);
	rc = 0;
out:
	if (rc < 0)
		api_signed_release(sg);
	cc_obj_release(&cc_profile_entity, &p);
	return rc;
}

int api_issue_record(struct api_app *app, struct cc_dbc *c, const struct cc_certificate *m,
		     const struct api_issuance *in, const struct api_signed *sg,
		     struct api_issued *out, struct cc_err *err)
{
	return record(app, c, m, in, &sg->res, &sg->ci, out, err);
}

void api_signed_release(struct api_signed *sg)
{
	cc_cert_info_release(&sg->ci);
	cc_issue_res_release(&sg->res);
	memset(sg, 0, sizeof(*sg)); /* released twice is released once */
}
