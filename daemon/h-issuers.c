/* h-issuers.c: /api/v1/issuers (configs sealed at rest, shown redacted) and their test */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "daemon/app.h"
#include "daemon/resource.h"
#include "daemon/routes.h"
#include "libcc/cfg.h"
#include "libcc/db.h"
#include "libcc/id.h"
#include "libcc/issuer.h"
#include "libcc/secretbox.h"
#include "libcc/time.h"
#include "libcc/banned.h"

#define E (&cc_issuer_entity)

static const char sql_uses[] =
	"SELECT (SELECT COUNT(*) FROM managed_certificates WHERE issuer_id = $1), "
	"(SELECT COUNT(*) FROM certificate_revocations WHERE issuer_id = $1)";
static const char sql_tested[] =
	"UPDATE issuers SET test_status = $2, last_tested_at = $3 WHERE id = $1";

/* accepted spellings (compared without case) → canonical type */
static const struct {
	const char *alias, *type;
} types[] = {
	{ "GenericCA", "GenericCA" },	{ "local", "GenericCA" },
	{ "local_ca", "GenericCA" },	{ "ACME", "ACME" },
	{ "StepCA", "StepCA" },		{ "OpenSSL", "OpenSSL" },
	{ "VaultPKI", "VaultPKI" },	{ "DigiCert", "DigiCert" },
	{ "Sectigo", "Sectigo" },	{ "GoogleCAS", "GoogleCAS" },
	{ "AWSACMPCA", "AWSACMPCA" },	{ "Entrust", "Entrust" },
	{ "GlobalSign", "GlobalSign" }, { "EJBCA", "EJBCA" },
};

static const char *canonical_type(const char *t)
{
	for (size_t i = 0; i < CC_ARRAY_SIZE(types); i++)
		if (!strcasecmp(t, types[i].alias))
			return types[i].type;
	return NULL;
}

static const char *passphrase(const struct api_req *rq)
{
	return cc_cfg_str(rq->app->cfg, CC_CFG_config_encryption_key);
}

/* name and type rules; the type is rewritten to its canonical spelling */
static int validate(struct cc_issuer *is, struct cc_err *err)
{
	const char *t;

	if (!is->name || !*is->name)
		return cc_err_set(err, CC_E_INVALID, "name is required");
	if (strlen(is->name) > 255)
		return cc_err_set(err, CC_E_INVALID, "name must be 255 characters or fewer");
	if (!is->type || !*is->type)
		return cc_err_set(err, CC_E_INVALID, "type is required");
	if (!(t = canonical_type(is->type)))
		return cc_err_set(err, CC_E_INVALID, "unsupported issuer type: %.64s", is->type);
	free(is->type);
	is->type = cc_xstrdup(t);
	return 0;
}

static void write_failed(struct api_req *rq, struct api_resp *rs, const struct cc_err *err)
{
	if (err->code == CC_E_CONFLICT && strstr(err->msg, "already exists"))
		api_reply_error(rs, rq, 409, "An issuer with this id or name already exists");
	else if (err->code == CC_E_NOT_FOUND)
		api_reply_error(rs, rq, 404, "Issuer not found: %s",
				rq->nparams ? rq->params[0] : "");
	else
		api_reply_err(rs, rq, err);
}

static int decode_new(struct api_req *rq, json_t *body, struct cc_issuer *is, struct cc_err *err)
{
	struct cc_strv present = CC_STRV_INIT;
	int rc = -1;

	if (cc_obj_from_json(E, body, is, &present, err) < 0)
		goto out;
	if (is->id && !cc_id_valid(is->id)) {
		cc_err_set(err, CC_E_INVALID,
			   "id: use 1 to 128 letters, digits, '.', '_', ':' "
			   "or '-' (not starting with '.' or '-')");
		goto out;
	}
	if (!cc_strv_has(&present, "enabled"))
		is->enabled = true;
	if (!is->config)
		is->config = json_object();
	if (validate(is, err) < 0 || cc_secretbox_store_config(passphrase(rq), &is->config, NULL,
							       &is->encrypted_config, err) < 0)
		goto out;
	rc = 0;
out:
	cc_strv_release(&present);
	return rc;
}

void h_issuers_create(struct api_req *rq, struct api_resp *rs)
{
	struct cc_err err = CC_ERR_INIT;
	json_t *body = api_body_json(rq, rs, false);
	struct cc_issuer *is = cc_obj_new(E);
	struct cc_dbc *c;

	if (!body)
		goto out;
	if (decode_new(rq, body, is, &err) < 0) {
		api_reply_err(rs, rq, &err);
		goto out;
	}
	if (!(c = api_db(rq, rs)))
		goto out;
	if (cc_db_begin(c, &err) < 0 || cc_repo_insert(c, E, is, &err) < 0 ||
	    cc_db_commit(c, &err) < 0) {
		cc_db_rollback(c);
		write_failed(rq, rs, &err);
		goto out;
	}
	api_reply_json(rs, 201, cc_obj_to_json(E, is));
out:
	json_decref(body);
	cc_obj_free(E, is);
}

/* merges the body into the stored issuer; a new config is sealed again */
static int update(struct api_req *rq, struct cc_dbc *c, json_t *body, struct cc_issuer *is,
		  struct cc_err *err)
{
	struct cc_strv present = CC_STRV_INIT;
	int rc = -1;

	if (cc_repo_get(c, E, rq->params[0], is, err) < 0 ||
	    cc_obj_from_json(E, body, is, &present, err) < 0 || validate(is, err) < 0)
		goto out;
	if (cc_strv_has(&present, "config") &&
	    cc_secretbox_store_config(passphrase(rq), &is->config, &is->encrypted_config,
				      &is->encrypted_config, err) < 0)
		goto out;
	rc = cc_repo_update(c, E, is, err);
out:
	cc_strv_release(&present);
	return rc;
}

void h_issuers_update(struct api_req *rq, struct api_resp *rs)
{
	struct cc_err err = CC_ERR_INIT;
	json_t *body = api_body_json(rq, rs, false), *id;
	struct cc_issuer *is = cc_obj_new(E);
	struct cc_dbc *c;

	if (!body || !(c = api_db(rq, rs)))
		goto out;
	id = json_object_get(body, "id");
	if (id && (!json_is_string(id) || strcmp(json_string_value(id), rq->params[0]))) {
		api_reply_error(rs, rq, 400, "id: cannot be changed");
		goto out;
	}
	if (cc_db_begin(c, &err) < 0 || update(rq, c, body, is, &err) < 0 ||
	    cc_db_commit(c, &err) < 0) {
		cc_db_rollback(c);
		write_failed(rq, rs, &err);
		goto out;
	}
	api_reply_json(rs, 200, cc_obj_to_json(E, is));
out:
	json_decref(body);
	cc_obj_free(E, is);
}

static int before_delete(struct cc_dbc *c, const char *id, struct cc_err *err)
{
	struct cc_dbres r = CC_DBRES_INIT;
	int64_t certs = 0, revocations = 0;

	if (cc_db_exec(c, sql_uses, CC_DB_ARGS(CC_DB_TEXT(id)), &r, err) < 0) {
		cc_dbres_release(&r);
		return -1;
	}
	if (r.nrows) {
		certs = cc_dbres_int(&r, 0, 0);
		revocations = cc_dbres_int(&r, 0, 1);
	}
	cc_dbres_release(&r);
	if (certs)
		return cc_err_set(err, CC_E_CONFLICT,
				  "Cannot delete issuer: certificates are still using this issuer");
	if (revocations)
		return cc_err_set(err, CC_E_CONFLICT,
				  "Cannot delete issuer: revocation records refer to this issuer");
	return 0;
}

static const struct api_resource issuers = {
	.e = E,
	.label = "Issuer",
	.flags = RES_CLIENT_ID,
	.before_delete = before_delete,
};

void h_issuers_list(struct api_req *rq, struct api_resp *rs)
{
	api_res_list(rq, rs, &issuers);
}

void h_issuers_get(struct api_req *rq, struct api_resp *rs)
{
	api_res_get(rq, rs, &issuers);
}

void h_issuers_delete(struct api_req *rq, struct api_resp *rs)
{
	api_res_delete(rq, rs, &issuers);
}

/* Until the issuer connectors exist, the test checks that the stored config can be read
 * back (decrypted) as a JSON object. *ok tells the outcome; reason says why it failed. */
static int run_test(struct api_req *rq, struct cc_dbc *c, bool *ok, struct cc_err *reason,
		    struct cc_err *err)
{
	struct cc_issuer *is = cc_obj_new(E);
	json_t *cfg = NULL;
	int rc = -1;

	if (cc_repo_get(c, E, rq->params[0], is, err) < 0)
		goto out;
	*ok = cc_secretbox_open_json(passphrase(rq), &is->encrypted_config, &cfg, reason) == 0;
	/* nothing sealed (seeded rows): the config column is all there is; none is {} */
	if (*ok && !cfg && is->config && !json_is_object(is->config)) {
		*ok = false;
		cc_err_set(reason, CC_E_UNPROCESSABLE, "the stored config is not a JSON object");
	}
	if (cc_db_exec(c, sql_tested,
		       CC_DB_ARGS(CC_DB_TEXT(is->id), CC_DB_TEXT(*ok ? "success" : "failed"),
				  CC_DB_TIME(cc_time_now())),
		       NULL, err) < 0 ||
	    api_audit_event(
		    c, rq, *ok ? "issuer_test_connection_success" : "issuer_test_connection_failed",
		    "issuer", is->id,
		    json_pack("{s:s, s:s}", "issuer_type", is->type ? is->type : "", "result",
			      *ok ? "success" : "failed"),
		    err) < 0)
		goto out;
	rc = 0;
out:
	json_decref(cfg);
	cc_obj_free(E, is);
	return rc;
}

void h_issuers_test(struct api_req *rq, struct api_resp *rs)
{
	struct cc_err err = CC_ERR_INIT, reason = CC_ERR_INIT;
	struct cc_dbc *c;
	bool ok = false;

	if (!(c = api_db(rq, rs)))
		return;
	if (cc_db_begin(c, &err) < 0 || run_test(rq, c, &ok, &reason, &err) < 0 ||
	    cc_db_commit(c, &err) < 0) {
		cc_db_rollback(c);
		write_failed(rq, rs, &err);
		return;
	}
	if (ok)
		api_reply_status(rs, 200, "status", "connection_successful");
	else
		api_reply_error(rs, rq, 422, "Connection test failed: %s", reason.msg);
}
