/* h-targets.c: /api/v1/targets (configs sealed at rest, shown redacted) and their test */
#include <stdlib.h>
#include <string.h>
#include "daemon/connector-config.h"
#include "daemon/resource.h"
#include "daemon/routes.h"
#include "libcc/agent.h"
#include "libcc/db.h"
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

static int validate(struct cc_dbc *c, void *obj, bool create CC_UNUSED, struct cc_err *err)
{
	const struct cc_target *t = obj;
	bool found;

	if (api_check_name(t->name, 255, err) < 0)
		return -1;
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

static int prepare(struct api_req *rq, struct cc_dbc *c CC_UNUSED, void *obj,
		   const struct cc_strv *present, bool create, struct cc_err *err)
{
	return api_connector_config(rq, E, obj, present, create, err);
}

static const struct api_resource targets = {
	.e = E,
	.label = "Target",
	.flags = RES_CLIENT_ID | RES_REFS_CHECKED | RES_UNPAGED,
	.conflict = "A target with this id, or this name on the same agent, already exists",
	.validate = validate,
	.prepare = prepare,
};

API_RESOURCE_HANDLERS(targets, &targets);

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
		api_res_fail(rq, rs, &targets, &err);
	} else {
		api_reply_json(rs, 200,
			       json_pack("{s:s, s:s}", "status", why ? "failed" : "success",
					 "message", why ? why : "Agent is online and reachable"));
	}
	free(why);
}
