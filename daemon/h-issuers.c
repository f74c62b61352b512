/* h-issuers.c: /api/v1/issuers (configs sealed at rest, shown redacted) and their test */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "daemon/connector-config.h"
#include "daemon/resource.h"
#include "daemon/routes.h"
#include "libcc/db.h"
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

/* name and type rules; the type is rewritten to its canonical spelling */
static int validate(struct cc_dbc *c CC_UNUSED, void *obj, bool create CC_UNUSED,
		    struct cc_err *err)
{
	struct cc_issuer *is = obj;
	const char *t;

	if (api_check_name(is->name, 255, err) < 0)
		return -1;
	if (!is->type || !*is->type)
		return cc_err_set(err, CC_E_INVALID, "type is required");
	if (!(t = canonical_type(is->type)))
		return cc_err_set(err, CC_E_INVALID, "unsupported issuer type: %.64s", is->type);
	free(is->type);
	is->type = cc_xstrdup(t);
	return 0;
}

static int prepare(struct api_req *rq, struct cc_dbc *c CC_UNUSED, void *obj,
		   const struct cc_strv *present, bool create, struct cc_err *err)
{
	return api_connector_config(rq, E, obj, present, create, err);
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
	.flags = RES_CLIENT_ID | RES_REFS_CHECKED | RES_UNPAGED,
	.conflict = "An issuer with this id or name already exists",
	.validate = validate,
	.prepare = prepare,
	.before_delete = before_delete,
};

API_RESOURCE_HANDLERS(issuers, &issuers);

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
	*ok = cc_secretbox_open_json(api_config_passphrase(rq), &is->encrypted_config, &cfg,
				     reason) == 0;
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
		api_res_fail(rq, rs, &issuers, &err);
		return;
	}
	if (ok)
		api_reply_status(rs, 200, "status", "connection_successful");
	else
		api_reply_error(rs, rq, 422, "Connection test failed: %s", reason.msg);
}
