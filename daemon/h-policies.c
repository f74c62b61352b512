/* h-policies.c: /api/v1/policies — policy rules and the violations recorded against them.
 *
 * A rule is {name, type, config, severity, agent_group_id, enabled}: the types and the
 * shape of their config are in libcc/policy-eval.h; severity (Warning, the default, Error
 * or Critical) is that of the violations the rule produces, and Error or Critical ones
 * refuse an issuance; agent_group_id limits the rule to certificates deployed by the
 * agents of that group. An absent or null config is {}.
 */
#include <stdlib.h>
#include <string.h>
#include "daemon/resource.h"
#include "daemon/routes.h"
#include "libcc/agent-group.h"
#include "libcc/db.h"
#include "libcc/id.h"
#include "libcc/policy.h"
#include "libcc/policy-eval.h"
#include "libcc/banned.h"

#define E (&cc_policy_rule_entity)

static int check_group(struct cc_dbc *c, struct cc_policy_rule *r, struct cc_err *err)
{
	bool found;

	if (r->agent_group_id && !*r->agent_group_id) {
		free(r->agent_group_id);
		r->agent_group_id = NULL; /* "" clears the scope, like null */
	}
	if (!r->agent_group_id)
		return 0;
	if (cc_repo_exists(c, &cc_agent_group_entity, r->agent_group_id, &found, err) < 0)
		return -1;
	if (!found)
		return cc_err_set(err, CC_E_INVALID, "agent_group_id '%.128s' does not exist",
				  r->agent_group_id);
	return 0;
}

static int validate(struct cc_dbc *c, void *obj, bool create, struct cc_err *err)
{
	struct cc_policy_rule *r = obj;

	(void)create;
	if (!r->name || !*r->name)
		return cc_err_set(err, CC_E_INVALID, "name is required");
	if (strlen(r->name) > 255)
		return cc_err_set(err, CC_E_INVALID, "name must be 255 characters or fewer");
	if (!r->type || !*r->type)
		return cc_err_set(err, CC_E_INVALID, "type is required");
	if (!r->config || json_is_null(r->config)) {
		json_decref(r->config);
		r->config = json_object();
	}
	if (!r->severity)
		r->severity = cc_xstrdup("Warning");
	if (!cc_policy_severity_valid(r->severity))
		return cc_err_set(err, CC_E_INVALID,
				  "severity: must be Warning, Error or Critical");
	if (cc_policy_config_check(r->type, r->config, err) < 0)
		return -1;
	return check_group(c, r, err);
}

/* enabled defaults to true (the generic insert writes booleans as given) */
static void defaults(void *obj)
{
	((struct cc_policy_rule *)obj)->enabled = true;
}

static const struct api_resource policies = {
	.e = E,
	.label = "Policy",
	.flags = RES_CLIENT_ID | RES_REFS_CHECKED,
	.validate = validate,
	.defaults = defaults,
};

API_RESOURCE_HANDLERS(policies, &policies);

/* ---- GET /policies/{id}/violations ---- */

static const struct api_resource violations = {
	.e = &cc_policy_violation_entity,
	.label = "Policy violation",
};

void h_policies_violations(struct api_req *rq, struct api_resp *rs)
{
	struct cc_err err = CC_ERR_INIT;
	struct cc_list l = CC_LIST_INIT;
	struct cc_query q;
	struct cc_dbc *c;
	bool found;

	if (api_parse_query(rq, violations.e, &q, &err) < 0 ||
	    cc_query_filter(&q, "rule_id", rq->params[0], &err) < 0) {
		api_reply_err(rs, rq, &err);
		return;
	}
	if (!(c = api_db(rq, rs)))
		return;
	if (cc_repo_exists(c, E, rq->params[0], &found, &err) < 0 ||
	    (found && cc_repo_list(c, violations.e, &q, &l, &err) < 0)) {
		api_reply_err(rs, rq, &err);
		return;
	}
	if (!found)
		api_reply_error(rs, rq, 404, "Policy not found: %s", rq->params[0]);
	else
		api_list_reply(rq, rs, &violations, &q, &l, c);
	cc_list_release(violations.e, &l);
}
