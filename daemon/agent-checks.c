/* agent-checks.c: the agent, certificate and body checks of the agent handlers */
#include <string.h>
#include "daemon/agent-checks.h"
#include "libcc/agent.h"
#include "libcc/certificate.h"
#include "libcc/db.h"
#include "libcc/repo.h"
#include "libcc/banned.h"

static const char sql_cert_mapped[] = "SELECT COUNT(*) FROM certificate_target_mappings m "
				      "JOIN deployment_targets t ON t.id = m.target_id "
				      "WHERE m.certificate_id = $1 AND t.agent_id = $2";

bool api_agent_load(struct api_req *rq, struct api_resp *rs, struct cc_dbc *c, struct cc_agent *a)
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

bool api_agent_cert_check(struct api_req *rq, struct api_resp *rs, struct cc_dbc *c,
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

int api_body_strings(json_t *body, const struct str_key *keys, size_t n, struct cc_err *err)
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
