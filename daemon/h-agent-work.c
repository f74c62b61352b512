/* h-agent-work.c: what an agent does besides heartbeats — poll work, submit CSRs, pick up
 * issued certificates and report job status (/api/v1/agents/{id}/...) */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include "daemon/resource.h"
#include "daemon/routes.h"
#include "libcc/agent.h"
#include "libcc/cert-version.h"
#include "libcc/certificate.h"
#include "libcc/db.h"
#include "libcc/job.h"
#include "libcc/time.h"
#include "libcc/banned.h"

#define CSR_PEM_MAX (64 * 1024)
#define CSR_RSA_MAX_BITS 16384

/* resources.md §9: one query, oldest first. The AwaitingCSR branch comes first so that
 * PostgreSQL types the sans column as an array before meeting the NULLs. */
static const char sql_work[] =
	"SELECT j.id AS id, j.type AS type, j.certificate_id, j.target_id, j.status, "
	"j.created_at AS created_at, t.type AS target_type, t.config AS target_config, "
	"c.common_name AS common_name, c.sans AS sans "
	"FROM jobs j JOIN managed_certificates c ON c.id = j.certificate_id "
	"LEFT JOIN deployment_targets t ON t.id = j.target_id "
	"WHERE j.status = 'AwaitingCSR' AND j.type IN ('Renewal', 'Issuance') AND EXISTS ("
	"SELECT 1 FROM certificate_target_mappings m "
	"JOIN deployment_targets mt ON mt.id = m.target_id "
	"WHERE m.certificate_id = j.certificate_id AND mt.agent_id = $1) "
	"UNION ALL "
	"SELECT j.id, j.type, j.certificate_id, j.target_id, j.status, j.created_at, t.type, "
	"t.config, NULL, NULL "
	"FROM jobs j LEFT JOIN deployment_targets t ON t.id = j.target_id "
	"WHERE j.agent_id = $1 AND j.status = 'Pending' AND j.type = 'Deployment' "
	"UNION ALL "
	"SELECT j.id, j.type, j.certificate_id, j.target_id, j.status, j.created_at, t.type, "
	"t.config, NULL, NULL "
	"FROM jobs j JOIN deployment_targets t ON t.id = j.target_id "
	"WHERE j.agent_id IS NULL AND j.status = 'Pending' AND j.type = 'Deployment' "
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

static const char sql_cert_mapped[] = "SELECT COUNT(*) FROM certificate_target_mappings m "
				      "JOIN deployment_targets t ON t.id = m.target_id "
				      "WHERE m.certificate_id = $1 AND t.agent_id = $2";

/* ---- shared checks ---- */

/* the agent of the path into *a; 404 answered otherwise */
static bool load_agent(struct api_req *rq, struct api_resp *rs, struct cc_dbc *c,
		       struct cc_agent *a)
{
	struct cc_err err = CC_ERR_INIT;

	if (cc_repo_get(c, &cc_agent_entity, rq->params[0], a, &err) == 0)
		return true;
	if (err.code == CC_E_NOT_FOUND)
		api_reply_error(rs, rq, 404, "Agent not found: %s", rq->params[0]);
	else
		api_reply_err(rs, rq, &err);
	return false;
}

/* certificate must exist (404); an agent key may only touch certificates deployed to one
 * of its own targets (403) */
static bool check_cert(struct api_req *rq, struct api_resp *rs, struct cc_dbc *c,
		       const char *cert_id)
{
	struct cc_err err = CC_ERR_INIT;
	struct cc_dbres r = CC_DBRES_INIT;
	bool ok = false, found;

	if (cc_repo_exists(c, &cc_certificate_entity, cert_id, &found, &err) < 0) {
		api_reply_err(rs, rq, &err);
		return false;
	}
	if (!found) {
		api_reply_error(rs, rq, 404, "Certificate not found: %s", cert_id);
		return false;
	}
	if (rq->actor_type != API_ACTOR_AGENT)
		return true;
	if (cc_db_exec(c, sql_cert_mapped,
		       CC_DB_ARGS(CC_DB_TEXT(cert_id), CC_DB_TEXT(rq->params[0])), &r, &err) < 0)
		api_reply_err(rs, rq, &err);
	else if (!(ok = cc_dbres_int(&r, 0, 0) > 0))
		api_reply_error(rs, rq, 403,
				"certificate '%s' is not deployed to a target of agent '%s'",
				cert_id, rq->params[0]);
	cc_dbres_release(&r);
	return ok;
}

struct str_key {
	const char *key;
	bool required;
	const char **out; /* borrowed from the body */
};

/* a body of string members only: unknown keys, wrong types and missing required ones
 * are CC_E_INVALID naming the key */
static int body_strings(json_t *body, const struct str_key *keys, size_t n, struct cc_err *err)
{
	const char *k;
	json_t *v;

	json_object_foreach (body, k, v) {
		size_t i;
		for (i = 0; i < n && strcmp(keys[i].key, k); i++)
			;
		if (i == n)
			return cc_err_set(err, CC_E_INVALID, "unknown field '%s'", k);
		if (json_is_null(v))
			continue;
		if (!json_is_string(v) || strlen(json_string_value(v)) != json_string_length(v))
			return cc_err_set(err, CC_E_INVALID, "%s: must be a string", k);
		*keys[i].out = json_string_value(v);
	}
	for (size_t i = 0; i < n; i++)
		if (keys[i].required && (!*keys[i].out || !**keys[i].out))
			return cc_err_set(err, CC_E_INVALID, "%s is required", keys[i].key);
	return 0;
}

/* ---- GET /agents/{id}/work ---- */

static void set_str(json_t *o, const char *k, const char *v)
{
	json_object_set_new(o, k, json_string(v ? v : ""));
}

static json_t *work_item(const struct cc_dbres *r, int i) /* new ref */
{
	json_t *o = json_object(), *sans = cc_dbres_json(r, i, 9), *cfg = cc_dbres_json(r, i, 7);
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
		json_object_set(o, "target_config", cfg); /* the stored, redacted copy */
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

	if (!(c = api_db(rq, rs)) || !load_agent(rq, rs, c, a))
		goto out;
	if (cc_db_exec(c, sql_work, CC_DB_ARGS(CC_DB_TEXT(a->id)), &r, &err) < 0) {
		api_reply_err(rs, rq, &err);
		goto out;
	}
	jobs = json_array();
	for (int i = 0; i < r.nrows; i++)
		json_array_append_new(jobs, work_item(&r, i));
	api_reply_json(rs, 200, json_pack("{s:o, s:i}", "jobs", jobs, "count", r.nrows));
out:
	cc_dbres_release(&r);
	cc_obj_free(&cc_agent_entity, a);
}

/* ---- POST /agents/{id}/csr ---- */

struct csr_info {
	const char *key_algorithm;
	int key_size;
};

static int no_password(char *buf, int size, int rwflag, void *u)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	(void)u;
	return -1; /* never prompt: encrypted PEM is refused */
}

static bool only_space(const char *p, long n)
{
	for (long i = 0; i < n; i++)
		if (!isspace((unsigned char)p[i]))
			return false;
	return true;
}

static int csr_key(X509_REQ *req, struct csr_info *out, struct cc_err *err)
{
	EVP_PKEY *pk = X509_REQ_get0_pubkey(req);

	if (!pk)
		return cc_err_set(err, CC_E_INVALID, "csr_pem: the public key cannot be read");
	out->key_size = EVP_PKEY_get_bits(pk);
	switch (EVP_PKEY_get_base_id(pk)) {
	case EVP_PKEY_RSA:
		out->key_algorithm = "RSA";
		if (out->key_size > CSR_RSA_MAX_BITS)
			return cc_err_set(err, CC_E_INVALID,
					  "csr_pem: RSA keys over %d bits are refused",
					  CSR_RSA_MAX_BITS);
		break;
	case EVP_PKEY_EC:
		out->key_algorithm = "ECDSA";
		break;
	case EVP_PKEY_ED25519:
		out->key_algorithm = "Ed25519";
		out->key_size = 256;
		break;
	default:
		return cc_err_set(err, CC_E_INVALID,
				  "csr_pem: unsupported key type (use RSA, ECDSA or Ed25519)");
	}
	if (X509_REQ_verify(req, pk) != 1)
		return cc_err_set(err, CC_E_INVALID, "csr_pem: the signature does not verify");
	return 0;
}

/* exactly one PEM "CERTIFICATE REQUEST" block with a valid self-signature */
static int csr_parse(const char *pem, struct csr_info *out, struct cc_err *err)
{
	static const char begin[] = "-----BEGIN CERTIFICATE REQUEST-----",
			  begin_new[] = "-----BEGIN NEW CERTIFICATE REQUEST-----";
	const char *p = pem, *rest;
	X509_REQ *req = NULL;
	BIO *b = NULL;
	long left;
	int rc = -1;

	if (strlen(pem) > CSR_PEM_MAX)
		return cc_err_set(err, CC_E_INVALID, "csr_pem: larger than %d bytes", CSR_PEM_MAX);
	while (isspace((unsigned char)*p))
		p++;
	if (strncmp(p, begin, strlen(begin)) && strncmp(p, begin_new, strlen(begin_new)))
		return cc_err_set(err, CC_E_INVALID,
				  "csr_pem must be a valid PEM-encoded certificate request");
	b = BIO_new_mem_buf(p, (int)strlen(p));
	if (!b || !(req = PEM_read_bio_X509_REQ(b, NULL, no_password, NULL))) {
		cc_err_set(err, CC_E_INVALID, "csr_pem: not a readable PKCS#10 request");
		goto out;
	}
	left = BIO_get_mem_data(b, &rest);
	if (!only_space(rest, left)) {
		cc_err_set(err, CC_E_INVALID, "csr_pem: only one PEM block is allowed");
		goto out;
	}
	rc = csr_key(req, out, err);
out:
	ERR_clear_error();
	X509_REQ_free(req);
	BIO_free(b);
	return rc;
}

void h_agents_csr(struct api_req *rq, struct api_resp *rs)
{
	struct cc_err err = CC_ERR_INIT;
	json_t *body = api_body_json(rq, rs, false);
	struct cc_agent *a = cc_obj_new(&cc_agent_entity);
	const char *csr = NULL, *cert_id = NULL;
	const struct str_key keys[] = { { "csr_pem", true, &csr },
					{ "certificate_id", false, &cert_id } };
	struct csr_info info = { 0 };
	struct cc_dbc *c;

	if (!body)
		goto out;
	if (body_strings(body, keys, CC_ARRAY_SIZE(keys), &err) < 0 ||
	    csr_parse(csr, &info, &err) < 0) {
		api_reply_err(rs, rq, &err);
		goto out;
	}
	if (cert_id && !*cert_id)
		cert_id = NULL;
	if (!(c = api_db(rq, rs)) || !load_agent(rq, rs, c, a) ||
	    (cert_id && !check_cert(rq, rs, c, cert_id)))
		goto out;
	/* signing arrives with the certificate lifecycle; for now the submission is audited */
	if (cc_db_begin(c, &err) < 0 ||
	    api_audit_event(c, rq, "csr_submitted", "certificate", cert_id ? cert_id : "",
			    json_pack("{s:s, s:s?, s:s, s:i}", "agent_hostname", a->hostname,
				      "certificate_id", cert_id, "key_algorithm",
				      info.key_algorithm, "key_size", info.key_size),
			    &err) < 0 ||
	    cc_db_commit(c, &err) < 0) {
		cc_db_rollback(c);
		api_reply_err(rs, rq, &err);
		goto out;
	}
	api_reply_status(rs, 202, "status", "csr_accepted");
out:
	json_decref(body);
	cc_obj_free(&cc_agent_entity, a);
}

/* ---- GET /agents/{id}/certificates/{cert_id} ---- */

void h_agents_certificate(struct api_req *rq, struct api_resp *rs)
{
	struct cc_err err = CC_ERR_INIT;
	struct cc_agent *a = cc_obj_new(&cc_agent_entity);
	struct cc_cert_version v = { 0 };
	const char *cert_id = rq->params[1];
	struct cc_dbc *c;

	if (!(c = api_db(rq, rs)) || !load_agent(rq, rs, c, a) || !check_cert(rq, rs, c, cert_id))
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
	api_reply_json(rs, 200,
		       json_pack("{s:s}", "certificate_pem", v.pem_chain ? v.pem_chain : ""));
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

	if (!body)
		goto out;
	if (body_strings(body, keys, CC_ARRAY_SIZE(keys), &err) < 0) {
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
	if (!load_agent(rq, rs, c, a) || !check_job(rq, rs, c, status, &cur)) {
		cc_db_rollback(c);
		goto out;
	}
	if (cc_job_set_status(c, rq->params[1], cur, status, error, cc_time_now(), &err) < 0 ||
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
