/* h-agents.c: /api/v1/agents — list, read, registration (with the agent's own API key)
 * and heartbeats */
#include <stdlib.h>
#include <string.h>
#include "daemon/resource.h"
#include "daemon/routes.h"
#include "daemon/app.h"
#include "daemon/auth.h"
#include "libcc/agent.h"
#include "libcc/db.h"
#include "libcc/hash.h"
#include "libcc/log.h"
#include "libcc/time.h"
#include "libcc/banned.h"

/* the metadata an agent reports: request key, column limit, member */
static const struct meta_key {
	const char *key;
	size_t max;
	size_t off;
} meta_keys[] = {
	{ "hostname", 255, offsetof(struct cc_agent, hostname) },
	{ "os", 100, offsetof(struct cc_agent, os) },
	{ "architecture", 100, offsetof(struct cc_agent, architecture) },
	{ "ip_address", 45, offsetof(struct cc_agent, ip_address) },
	{ "version", 50, offsetof(struct cc_agent, version) },
};

#define META(a, m) (*(char **)((char *)(a) + (m)->off))

static int check_lengths(const struct cc_agent *a, struct cc_err *err)
{
	for (size_t i = 0; i < CC_ARRAY_SIZE(meta_keys); i++) {
		const char *v = META(a, &meta_keys[i]);
		if (v && strlen(v) > meta_keys[i].max)
			return cc_err_set(err, CC_E_INVALID, "%s must be %zu characters or fewer",
					  meta_keys[i].key, meta_keys[i].max);
	}
	return 0;
}

static int validate(struct cc_dbc *c CC_UNUSED, void *obj, bool create CC_UNUSED,
		    struct cc_err *err)
{
	const struct cc_agent *a = obj;

	if (api_check_name(a->name, 128, err) < 0)
		return -1;
	if (!a->hostname || !*a->hostname)
		return cc_err_set(err, CC_E_INVALID, "hostname is required");
	return check_lengths(a, err);
}

static const struct api_resource agents = {
	.e = &cc_agent_entity,
	.label = "Agent",
	.validate = validate,
};

API_RESOURCE_READERS(agents, &agents);

/* the agent, its key and the key's hash on the agent row: one transaction */
static int insert_agent(struct cc_dbc *c, struct cc_agent *a, char **key, struct cc_err *err)
{
	char hash[CC_SHA256_HEX];

	if (cc_db_begin(c, err) < 0)
		return -1;
	if (cc_repo_insert(c, &cc_agent_entity, a, err) < 0 ||
	    api_auth_create_key_on(c, a->name, "agent", a->id, key, NULL, err) < 0 ||
	    cc_db_exec(c, "UPDATE agents SET api_key_hash = $1 WHERE id = $2",
		       CC_DB_ARGS(CC_DB_TEXT(cc_sha256_hex(*key, strlen(*key), hash)),
				  CC_DB_TEXT(a->id)),
		       NULL, err) < 0 ||
	    cc_db_commit(c, err) < 0) {
		cc_db_rollback(c);
		cc_freep(key);
		return -1;
	}
	return 0;
}

static void fill_new_agent(struct cc_agent *a)
{
	int64_t now = cc_time_now();

	cc_freep(&a->id); /* always named by the server */
	free(a->status);
	a->status = cc_xstrdup("Online");
	a->registered_at = a->last_heartbeat_at = now;
	a->api_key_hash = cc_xstrdup(""); /* until the key exists */
}

void h_agents_register(struct api_req *rq, struct api_resp *rs)
{
	struct cc_err err = CC_ERR_INIT;
	json_t *body = api_body_json(rq, rs, false), *reply;
	struct cc_agent *a = cc_obj_new(&cc_agent_entity);
	struct cc_dbc *c;
	char *key = NULL;

	if (!body)
		goto out;
	if (cc_obj_from_json(&cc_agent_entity, body, a, NULL, &err) < 0 ||
	    validate(NULL, a, true, &err) < 0) {
		api_reply_err(rs, rq, &err);
		goto out;
	}
	fill_new_agent(a);
	if (!(c = api_db(rq, rs)))
		goto out;
	if (insert_agent(c, a, &key, &err) < 0) {
		if (err.code == CC_E_CONFLICT && strstr(err.msg, "already exists"))
			api_reply_error(rs, rq, 409, "Agent with this name already exists");
		else
			api_reply_err(rs, rq, &err);
		goto out;
	}
	reply = cc_obj_to_json(&cc_agent_entity, a);
	json_object_set_new(reply, "api_key", json_string(key)); /* shown this once */
	api_reply_json(rs, 201, reply);
	memset(key, 0, strlen(key));
out:
	free(key);
	json_decref(body);
	cc_obj_free(&cc_agent_entity, a);
}

/* the optional heartbeat body: only the metadata keys, each a string (or null) */
static int heartbeat_meta(json_t *body, struct cc_agent *meta, struct cc_err *err)
{
	const char *k;
	json_t *v;

	json_object_foreach (body, k, v) {
		const struct meta_key *m = NULL;
		for (size_t i = 0; i < CC_ARRAY_SIZE(meta_keys) && !m; i++)
			if (!strcmp(meta_keys[i].key, k))
				m = &meta_keys[i];
		if (!m)
			return cc_err_set(err, CC_E_INVALID, "unknown field '%s'", k);
		if (json_is_null(v))
			continue;
		if (!json_is_string(v) || strlen(json_string_value(v)) != json_string_length(v))
			return cc_err_set(err, CC_E_INVALID, "%s: must be a string", k);
		META(meta, m) = cc_xstrdup(json_string_value(v));
	}
	return check_lengths(meta, err);
}

void h_agents_heartbeat(struct api_req *rq, struct api_resp *rs)
{
	struct cc_err err = CC_ERR_INIT;
	json_t *body = api_body_json(rq, rs, true);
	struct cc_agent meta = { 0 };
	struct cc_dbc *c;

	if (!body)
		return;
	if (heartbeat_meta(body, &meta, &err) < 0) {
		api_reply_err(rs, rq, &err);
		goto out;
	}
	if (!(c = api_db(rq, rs)))
		goto out;
	if (cc_db_begin(c, &err) < 0 ||
	    cc_agent_heartbeat(c, rq->params[0], &meta, cc_time_now(), &err) < 0 ||
	    cc_db_commit(c, &err) < 0) {
		cc_db_rollback(c);
		if (err.code == CC_E_NOT_FOUND)
			api_reply_error(rs, rq, 404, "Agent not found: %s", rq->params[0]);
		else
			api_reply_err(rs, rq, &err);
		goto out;
	}
	api_reply_status(rs, 200, "status", "heartbeat_recorded");
out:
	cc_obj_release(&cc_agent_entity, &meta);
	json_decref(body);
}
