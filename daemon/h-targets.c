/* h-targets.c: /api/v1/targets (configs sealed at rest, shown redacted) and their test */
#include <stdlib.h>
#include <string.h>
#include "daemon/app.h"
#include "daemon/resource.h"
#include "daemon/routes.h"
#include "libcc/agent.h"
#include "libcc/cfg.h"
#include "libcc/db.h"
#include "libcc/id.h"
#include "libcc/secretbox.h"
#include "libcc/target.h"
#include "libcc/time.h"
#include "libcc/banned.h"

#define E (&cc_target_entity)
/* an agent that has not sent a heartbeat for this long is not reachable */
#define HEARTBEAT_MAX_AGE (5 * 60 * CC_USEC_PER_SEC)

static const char sql_tested[] =
	"UPDATE deployment_targets SET test_status = $2, last_tested_at = $3 WHERE id = $1";

static const char *const types[] = {
	"NGINX", "Apache",  "HAProxy", "F5",  "IIS",	      "Traefik",      "Caddy",
	"Envoy", "Postfix", "Dovecot", "SSH", "WinCertStore", "JavaKeystore", "KubernetesSecrets",
};

static const char *passphrase(const struct api_req *rq)
{
	return cc_cfg_str(rq->app->cfg, CC_CFG_config_encryption_key);
}

static int check_type(const char *t, struct cc_err *err)
{
	for (size_t i = 0; i < CC_ARRAY_SIZE(types); i++)
		if (!strcmp(t, types[i]))
			return 0;
	return cc_err_set(err, CC_E_INVALID,
			  "unsupported target type: %.64s (use NGINX, Apache, HAProxy, F5, IIS, "
			  "Traefik, Caddy, Envoy, Postfix, Dovecot, SSH, WinCertStore, "
			  "JavaKeystore or KubernetesSecrets)",
			  t);
}

static int validate(struct cc_dbc *c, const struct cc_target *t, struct cc_err *err)
{
	bool found;

	if (!t->name || !*t->name)
		return cc_err_set(err, CC_E_INVALID, "name is required");
	if (strlen(t->name) > 255)
		return cc_err_set(err, CC_E_INVALID, "name must be 255 characters or fewer");
	if (!t->type || !*t->type)
		return cc_err_set(err, CC_E_INVALID, "type is required");
	if (check_type(t->type, err) < 0)
		return -1;
	if (!t->agent_id || !*t->agent_id)
		return cc_err_set(err, CC_E_INVALID, "agent_id is required");
	if (cc_repo_exists(c, &cc_agent_entity, t->agent_id, &found, err) < 0)
		return -1;
	if (!found)
		return cc_err_set(err, CC_E_INVALID, "agent_id '%.200s' does not exist",
				  t->agent_id);
	return 0;
}

static void write_failed(struct api_req *rq, struct api_resp *rs, const struct cc_err *err)
{
	if (err->code == CC_E_CONFLICT && strstr(err->msg, "already exists"))
		api_reply_error(rs, rq, 409,
				"A target with this id, or this name on the same agent, already "
				"exists");
	else if (err->code == CC_E_NOT_FOUND)
		api_reply_error(rs, rq, 404, "Target not found: %s",
				rq->nparams ? rq->params[0] : "");
	else
		api_reply_err(rs, rq, err);
}

static int decode_new(struct api_req *rq, struct cc_dbc *c, json_t *body, struct cc_target *t,
		      struct cc_err *err)
{
	struct cc_strv present = CC_STRV_INIT;
	int rc = -1;

	if (cc_obj_from_json(E, body, t, &present, err) < 0)
		goto out;
	if (t->id && !cc_id_valid(t->id)) {
		cc_err_set(err, CC_E_INVALID,
			   "id: use 1 to 128 letters, digits, '.', '_', ':' "
			   "or '-' (not starting with '.' or '-')");
		goto out;
	}
	if (!cc_strv_has(&present, "enabled"))
		t->enabled = true;
	if (!t->config)
		t->config = json_object();
	if (validate(c, t, err) < 0)
		goto out;
	rc = cc_secretbox_store_config(passphrase(rq), &t->config, NULL, &t->encrypted_config, err);
out:
	cc_strv_release(&present);
	return rc;
}

void h_targets_create(struct api_req *rq, struct api_resp *rs)
{
	struct cc_err err = CC_ERR_INIT;
	json_t *body = api_body_json(rq, rs, false);
	struct cc_target *t = cc_obj_new(E);
	struct cc_dbc *c;

	if (!body || !(c = api_db(rq, rs)))
		goto out;
	if (cc_db_begin(c, &err) < 0 || decode_new(rq, c, body, t, &err) < 0 ||
	    cc_repo_insert(c, E, t, &err) < 0 || cc_db_commit(c, &err) < 0) {
		cc_db_rollback(c);
		write_failed(rq, rs, &err);
		goto out;
	}
	api_reply_json(rs, 201, cc_obj_to_json(E, t));
out:
	json_decref(body);
	cc_obj_free(E, t);
}

/* merges the body into the stored target; a new config is sealed again */
static int update(struct api_req *rq, struct cc_dbc *c, json_t *body, struct cc_target *t,
		  struct cc_err *err)
{
	struct cc_strv present = CC_STRV_INIT;
	int rc = -1;

	if (cc_repo_get(c, E, rq->params[0], t, err) < 0 ||
	    cc_obj_from_json(E, body, t, &present, err) < 0 || validate(c, t, err) < 0)
		goto out;
	if (cc_strv_has(&present, "config") &&
	    cc_secretbox_store_config(passphrase(rq), &t->config, &t->encrypted_config,
				      &t->encrypted_config, err) < 0)
		goto out;
	rc = cc_repo_update(c, E, t, err);
out:
	cc_strv_release(&present);
	return rc;
}

void h_targets_update(struct api_req *rq, struct api_resp *rs)
{
	struct cc_err err = CC_ERR_INIT;
	json_t *body = api_body_json(rq, rs, false), *id;
	struct cc_target *t = cc_obj_new(E);
	struct cc_dbc *c;

	if (!body || !(c = api_db(rq, rs)))
		goto out;
	id = json_object_get(body, "id");
	if (id && (!json_is_string(id) || strcmp(json_string_value(id), rq->params[0]))) {
		api_reply_error(rs, rq, 400, "id: cannot be changed");
		goto out;
	}
	if (cc_db_begin(c, &err) < 0 || update(rq, c, body, t, &err) < 0 ||
	    cc_db_commit(c, &err) < 0) {
		cc_db_rollback(c);
		write_failed(rq, rs, &err);
		goto out;
	}
	api_reply_json(rs, 200, cc_obj_to_json(E, t));
out:
	json_decref(body);
	cc_obj_free(E, t);
}

static const struct api_resource targets = {
	.e = E,
	.label = "Target",
	.flags = RES_CLIENT_ID,
};

void h_targets_list(struct api_req *rq, struct api_resp *rs)
{
	api_res_list(rq, rs, &targets);
}

void h_targets_get(struct api_req *rq, struct api_resp *rs)
{
	api_res_get(rq, rs, &targets);
}

void h_targets_delete(struct api_req *rq, struct api_resp *rs)
{
	api_res_delete(rq, rs, &targets);
}

/* why the target's agent cannot be reached, or NULL when it can; *why is freed by caller */
static int agent_problem(struct cc_dbc *c, const struct cc_target *t, char **why,
			 struct cc_err *err)
{
	struct cc_agent *a = cc_obj_new(&cc_agent_entity);
	char ts[CC_TIME_BUFSZ];
	int rc = 0;

	*why = NULL;
	if (!t->agent_id || !*t->agent_id) {
		*why = cc_xstrdup("Target has no agent");
	} else if (cc_repo_get(c, &cc_agent_entity, t->agent_id, a, err) < 0) {
		if (err->code == CC_E_NOT_FOUND)
			*why = cc_xasprintf("Agent %s not found", t->agent_id);
		else
			rc = -1;
	} else if (!a->status || strcmp(a->status, "Online")) {
		*why = cc_xasprintf("Agent is %s", a->status ? a->status : "in an unknown state");
	} else if (!a->last_heartbeat_at) {
		*why = cc_xstrdup("Agent has never sent a heartbeat");
	} else if (cc_time_now() - a->last_heartbeat_at > HEARTBEAT_MAX_AGE) {
		*why = cc_xasprintf("Agent heartbeat is stale (last seen %s)",
				    cc_time_format(a->last_heartbeat_at, ts));
	}
	cc_obj_free(&cc_agent_entity, a);
	return rc;
}

static int run_test(struct api_req *rq, struct cc_dbc *c, char **why, struct cc_err *err)
{
	struct cc_target *t = cc_obj_new(E);
	const char *result;
	int rc = -1;

	if (cc_repo_get(c, E, rq->params[0], t, err) < 0 || agent_problem(c, t, why, err) < 0)
		goto out;
	result = *why ? "failed" : "success";
	if (cc_db_exec(c, sql_tested,
		       CC_DB_ARGS(CC_DB_TEXT(t->id), CC_DB_TEXT(result), CC_DB_TIME(cc_time_now())),
		       NULL, err) < 0 ||
	    api_audit_event(c, rq,
			    *why ? "target_test_connection_failed"
				 : "target_test_connection_success",
			    "target", t->id,
			    json_pack("{s:s, s:s, s:s}", "target_type", t->type ? t->type : "",
				      "result", result, "agent_id", t->agent_id ? t->agent_id : ""),
			    err) < 0)
		goto out;
	rc = 0;
out:
	cc_obj_free(E, t);
	return rc;
}

void h_targets_test(struct api_req *rq, struct api_resp *rs)
{
	struct cc_err err = CC_ERR_INIT;
	struct cc_dbc *c;
	char *why = NULL;

	if (!(c = api_db(rq, rs)))
		return;
	if (cc_db_begin(c, &err) < 0 || run_test(rq, c, &why, &err) < 0 ||
	    cc_db_commit(c, &err) < 0) {
		cc_db_rollback(c);
		write_failed(rq, rs, &err);
	} else {
		api_reply_json(rs, 200,
			       json_pack("{s:s, s:s}", "status", why ? "failed" : "success",
					 "message", why ? why : "Agent is online and reachable"));
	}
	free(why);
}
