/* first-boot.c: what an empty database gets so that a fresh server is useful at once */
#include <stdlib.h>
#include "daemon/first-boot.h"
#include "daemon/app.h"
#include "libcc/cfg.h"
#include "libcc/db.h"
#include "libcc/err.h"
#include "libcc/issuer.h"
#include "libcc/repo.h"
#include "libcc/secretbox.h"
#include "libcc/banned.h"

/* the Local CA row "iss-local" (source env) when there is no issuer at all */
static int seed_issuer(struct api_app *app, struct cc_dbc *c, struct cc_err *err)
{
	const char *pass = cc_cfg_str(app->cfg, CC_CFG_config_encryption_key);
	const char *cert = cc_cfg_str(app->cfg, CC_CFG_ca_cert_path);
	const char *key = cc_cfg_str(app->cfg, CC_CFG_ca_key_path);
	struct cc_issuer row = { 0 };
	struct cc_dbres r = CC_DBRES_INIT;
	json_t *cfg = json_object();
	int rc = -1;

	if (cc_db_exec(c, "SELECT COUNT(*) FROM issuers", NULL, 0, &r, err) < 0)
		goto out;
	if (cc_dbres_int(&r, 0, 0) > 0) {
		rc = 0;
		goto out;
	}
	if (cert && *cert)
		json_object_set_new(cfg, "ca_cert_path", json_string(cert));
	if (key && *key)
		json_object_set_new(cfg, "ca_key_path", json_string(key));
	row.id = cc_xstrdup("iss-local");
	row.name = cc_xstrdup("Local CA");
	row.type = cc_xstrdup("GenericCA");
	row.enabled = true;
	row.test_status = cc_xstrdup("untested");
	row.source = cc_xstrdup("env");
	if (cc_secretbox_store_config(pass, &cfg, NULL, &row.encrypted_config, err) < 0)
		goto out;
	row.config = cfg;
	cfg = NULL;
	/* a concurrent replica may seed first: its row wins */
	rc = cc_repo_insert(c, &cc_issuer_entity, &row, err);
	if (rc < 0 && err->code == CC_E_CONFLICT)
		rc = 0, cc_err_clear(err);
out:
	json_decref(cfg);
	cc_dbres_release(&r);
	cc_obj_release(&cc_issuer_entity, &row);
	return rc;
}

/* certificates need a renewal policy and the API has no route to create one (v2.1) */
static const char sql_default_policy[] =
	"INSERT INTO renewal_policies (id, name, renewal_window_days, auto_renew, max_retries, "
	"retry_interval_minutes, alert_thresholds_days) "
	"SELECT 'rp-default', 'default', 30, $1, 3, 60, '[30,14,7,0]' "
	"WHERE NOT EXISTS (SELECT 1 FROM renewal_policies)";

/* each step commits alone: a replica starting at the same moment may win either row */
int api_first_boot(struct api_app *app, struct cc_err *err)
{
	struct cc_dbc *c = cc_db_get(app->db, err);
	int rc = -1;

	if (!c)
		return -1;
	if (seed_issuer(app, c, err) < 0)
		goto out;
	if (cc_db_exec(c, sql_default_policy, CC_DB_ARGS(CC_DB_BOOL(true)), NULL, err) < 0) {
		if (err->code != CC_E_CONFLICT)
			goto out;
		cc_err_clear(err);
	}
	rc = 0;
out:
	cc_db_put(app->db, c);
	return rc;
}
