/* h-agent-groups.c: /api/v1/agent-groups — groups, their dynamic criteria and manual
 * include/exclude members */
#include <stdlib.h>
#include <string.h>
#include "daemon/resource.h"
#include "daemon/routes.h"
#include "libcc/agent.h"
#include "libcc/agent-group.h"
#include "libcc/agent-match.h"
#include "libcc/db.h"
#include "libcc/id.h"
#include "libcc/banned.h"

#define E (&cc_agent_group_entity)

static int max_len(const char *key, const char *v, size_t max, struct cc_err *err)
{
	if (v && strlen(v) > max)
		return cc_err_set(err, CC_E_INVALID, "%s must be %zu characters or fewer", key,
				  max);
	return 0;
}

static int validate(struct cc_dbc *c, void *obj, bool create, struct cc_err *err)
{
	struct cc_agent_group *g = obj;
	struct cc_cidr net;

	(void)c;
	(void)create;
	if (!g->name || !*g->name)
		return cc_err_set(err, CC_E_INVALID, "name is required");
	if (max_len("name", g->name, 255, err) < 0 ||
	    max_len("match_os", g->match_os, 100, err) < 0 ||
	    max_len("match_architecture", g->match_architecture, 100, err) < 0 ||
	    max_len("match_version", g->match_version, 50, err) < 0)
		return -1;
	if (g->match_ip_cidr && *g->match_ip_cidr &&
	    cc_agent_match_parse_cidr(g->match_ip_cidr, &net) < 0)
		return cc_err_set(err, CC_E_INVALID,
				  "match_ip_cidr: '%.64s' is not an IPv4 or IPv6 CIDR "
				  "(e.g. 10.0.0.0/8, 2001:db8::/32)",
				  g->match_ip_cidr);
	return 0;
}

/* enabled defaults to true (the generic insert writes booleans as given) */
static void defaults(void *obj)
{
	((struct cc_agent_group *)obj)->enabled = true;
}

static const struct api_resource groups = {
	.e = E,
	.label = "Agent group",
	.flags = RES_CLIENT_ID | RES_UNPAGED,
	.validate = validate,
	.defaults = defaults,
	.audit_create = "create_agent_group",
	.audit_update = "update_agent_group",
	.audit_delete = "delete_agent_group",
	.audit_resource_type = "agent_group",
};

API_RESOURCE_HANDLERS(agent_groups, &groups);

/* ---- members ---- */

/* the group of the path into *g (may be NULL: existence only); 404 answered otherwise */
static bool load_group(struct api_req *rq, struct api_resp *rs, struct cc_dbc *c,
		       struct cc_agent_group *g)
{
	struct cc_err err = CC_ERR_INIT;
	bool found = false;
	int rc = g ? cc_repo_get(c, E, rq->params[0], g, &err)
		   : cc_repo_exists(c, E, rq->params[0], &found, &err);

	if (rc == 0 && (g || found))
		return true;
	if (rc == 0 || err.code == CC_E_NOT_FOUND)
		api_reply_error(rs, rq, 404, "Agent group not found: %s", rq->params[0]);
	else
		api_reply_err(rs, rq, &err);
	return false;
}

static bool agent_exists(struct api_req *rq, struct api_resp *rs, struct cc_dbc *c, const char *id)
{
	struct cc_err err = CC_ERR_INIT;
	bool found = false;

	if (cc_repo_exists(c, &cc_agent_entity, id, &found, &err) < 0)
		api_reply_err(rs, rq, &err);
	else if (!found)
		api_reply_error(rs, rq, 404, "Agent not found: %s", id);
	return !err.code && found;
}

/* manual includes, plus agents matching the criteria, minus manual excludes; by name.
 * Disabled groups list their members the same way: enabled only says whether the group is
 * in use */
static int members(struct cc_dbc *c, const struct cc_agent_group *g, struct cc_list *out,
		   struct cc_err *err)
{
	struct cc_strv inc = CC_STRV_INIT, exc = CC_STRV_INIT;
	struct cc_list all = CC_LIST_INIT;
	int rc = -1;

	*out = (struct cc_list)CC_LIST_INIT;
	if (cc_agent_group_members(c, g->id, "include", &inc, err) < 0 ||
	    cc_agent_group_members(c, g->id, "exclude", &exc, err) < 0 ||
	    cc_repo_select(c, &cc_agent_entity, "ORDER BY name, id", NULL, 0, &all, err) < 0)
		goto out;
	out->items = cc_xcalloc(all.n + 1, sizeof(void *));
	for (size_t i = 0; i < all.n; i++) {
		struct cc_agent *a = all.items[i];
		if (cc_strv_has(&exc, a->id) ||
		    (!cc_strv_has(&inc, a->id) && !cc_agent_group_matches_agent(g, a)))
			continue;
		out->items[out->n++] = a;
		all.items[i] = NULL;
	}
	out->total = (int64_t)out->n;
	rc = 0;
out:
	for (size_t i = 0; i < all.n; i++)
		cc_obj_free(&cc_agent_entity, all.items[i]);
	free(all.items);
	cc_strv_release(&inc);
	cc_strv_release(&exc);
	return rc;
}

static const struct api_resource agents = {
	.e = &cc_agent_entity,
	.label = "Agent",
	.flags = RES_UNPAGED_COUNT, /* the members' list reply: per_page = count, as in v2.1 */
};

/* page mode only: membership is computed, so neither cursors nor filters apply; without
 * page or per_page, every member */
void h_agent_groups_members(struct api_req *rq, struct api_resp *rs)
{
	struct cc_agent_group *g = cc_obj_new(E);
	struct cc_err err = CC_ERR_INIT;
	struct cc_list l = CC_LIST_INIT, page = CC_LIST_INIT;
	struct cc_query q;
	struct cc_dbc *c;
	size_t per, first;

	if (api_parse_query(rq, &cc_agent_entity, &q, &err) < 0) {
		api_reply_err(rs, rq, &err);
		goto out;
	}
	if (q.cursor_mode || q.nfilt || q.sort) {
		api_reply_error(rs, rq, 400, "members: only page and per_page are supported");
		goto out;
	}
	if (!(c = api_db(rq, rs)) || !load_group(rq, rs, c, g))
		goto out;
	if (members(c, g, &l, &err) < 0) {
		api_reply_err(rs, rq, &err);
		goto out;
	}
	/* v2.1 listed every member: so does a request without page or per_page */
	q.all = api_query_unpaged(rq);
	per = q.all ? l.n : (size_t)(q.per_page ? q.per_page : CC_PAGE_DEFAULT);
	first = (size_t)(q.page ? q.page - 1 : 0) * per;
	page.items = first < l.n ? l.items + first : NULL;
	page.n = first < l.n ? (l.n - first < per ? l.n - first : per) : 0;
	page.total = l.total;
	api_list_reply(rq, rs, &agents, &q, &page, c);
out:
	cc_list_release(&cc_agent_entity, &l);
	cc_obj_free(E, g);
}

/* body {"membership": "include" | "exclude"}, optional (include) */
static int membership_of(json_t *body, const char **out, struct cc_err *err)
{
	const char *k;
	json_t *v;

	*out = "include";
	json_object_foreach (body, k, v) {
		if (strcmp(k, "membership"))
			return cc_err_set(err, CC_E_INVALID, "unknown field '%s'", k);
		if (json_is_null(v))
			continue;
		*out = json_string_value(v);
		if (!*out || (strcmp(*out, "include") && strcmp(*out, "exclude")))
			return cc_err_set(err, CC_E_INVALID,
					  "membership: must be include or exclude");
	}
	return 0;
}

void h_agent_groups_member_set(struct api_req *rq, struct api_resp *rs)
{
	struct cc_err err = CC_ERR_INIT;
	json_t *body = api_body_json(rq, rs, true);
	const char *group = rq->params[0], *agent = rq->params[1], *m;
	struct cc_dbc *c;

	if (!body)
		return;
	if (membership_of(body, &m, &err) < 0) {
		api_reply_err(rs, rq, &err);
		goto out;
	}
	if (!(c = api_db(rq, rs)))
		goto out;
	if (cc_db_begin(c, &err) < 0) {
		api_reply_err(rs, rq, &err);
		goto out;
	}
	if (!load_group(rq, rs, c, NULL) || !agent_exists(rq, rs, c, agent)) {
		cc_db_rollback(c);
		goto out;
	}
	if (cc_agent_group_set_member(c, group, agent, m, &err) < 0 ||
	    api_audit_event(c, rq, "agent_group_member_set", "agent_group", group,
			    json_pack("{s:s, s:s}", "agent_id", agent, "membership", m),
			    &err) < 0 ||
	    cc_db_commit(c, &err) < 0) {
		cc_db_rollback(c);
		api_reply_err(rs, rq, &err);
		goto out;
	}
	api_reply_json(rs, 200,
		       json_pack("{s:s, s:s, s:s}", "agent_group_id", group, "agent_id", agent,
				 "membership", m));
out:
	json_decref(body);
}

void h_agent_groups_member_remove(struct api_req *rq, struct api_resp *rs)
{
	struct cc_err err = CC_ERR_INIT;
	const char *group = rq->params[0], *agent = rq->params[1];
	struct cc_dbc *c;

	if (!(c = api_db(rq, rs)))
		return;
	if (cc_db_begin(c, &err) < 0) {
		api_reply_err(rs, rq, &err);
		return;
	}
	if (!load_group(rq, rs, c, NULL)) {
		cc_db_rollback(c);
		return;
	}
	if (cc_agent_group_remove_member(c, group, agent, &err) < 0 ||
	    api_audit_event(c, rq, "agent_group_member_removed", "agent_group", group,
			    json_pack("{s:s}", "agent_id", agent), &err) < 0 ||
	    cc_db_commit(c, &err) < 0) {
		cc_db_rollback(c);
		api_reply_err(rs, rq, &err);
		return;
	}
	api_reply_empty(rs, 204);
}
