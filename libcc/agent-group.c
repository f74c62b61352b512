/* agent-group.c: the agent_groups table, its JSON keys and agent_group_members rows */
#include <stdlib.h>
#include <string.h>
#include "libcc/agent-group.h"
#include "libcc/err.h"
#include "libcc/repo.h"
#include "libcc/banned.h"

static const struct cc_field fields[] = {
	CC_FIELD(struct cc_agent_group, id, "id", TEXT, CC_F_PK),
	CC_FIELD(struct cc_agent_group, name, "name", TEXT, 0),
	CC_FIELD(struct cc_agent_group, description, "description", TEXT, 0),
	CC_FIELD(struct cc_agent_group, match_os, "match_os", TEXT, 0),
	CC_FIELD(struct cc_agent_group, match_architecture, "match_architecture", TEXT, 0),
	CC_FIELD(struct cc_agent_group, match_ip_cidr, "match_ip_cidr", TEXT, 0),
	CC_FIELD(struct cc_agent_group, match_version, "match_version", TEXT, 0),
	CC_FIELD(struct cc_agent_group, enabled, "enabled", BOOL, 0),
	CC_FIELD(struct cc_agent_group, created_at, "created_at", TIME, CC_F_RO | CC_F_CREATED),
	CC_FIELD(struct cc_agent_group, updated_at, "updated_at", TIME, CC_F_RO | CC_F_UPDATED),
};

static const struct cc_filter filters[] = {
	{ "name", "name = $?", CC_FT_TEXT },
	{ "enabled", "enabled = $?", CC_FT_BOOL },
	{ NULL, NULL, 0 },
};

const struct cc_entity cc_agent_group_entity = {
	.name = "agent group",
	.table = "agent_groups",
	.id_prefix = "ag",
	.size = sizeof(struct cc_agent_group),
	.fields = fields,
	.nfields = sizeof(fields) / sizeof(fields[0]),
	.default_sort = "name",
	.default_desc = false,
	.filters = filters,
};

/* ON CONFLICT ... DO UPDATE: both engines */
static const char sql_set_member[] =
	"INSERT INTO agent_group_members (agent_group_id, agent_id, membership_type) "
	"VALUES ($1, $2, $3) ON CONFLICT (agent_group_id, agent_id) "
	"DO UPDATE SET membership_type = excluded.membership_type";
static const char sql_remove_member[] =
	"DELETE FROM agent_group_members WHERE agent_group_id = $1 AND agent_id = $2";
static const char sql_members[] =
	"SELECT agent_id FROM agent_group_members WHERE agent_group_id = $1 "
	"AND membership_type = COALESCE($2, membership_type)";

int cc_agent_group_set_member(struct cc_dbc *c, const char *group_id, const char *agent_id,
			      const char *membership, struct cc_err *err)
{
	if (!membership || (strcmp(membership, "include") && strcmp(membership, "exclude")))
		return cc_err_set(err, CC_E_INVALID, "membership '%s' must be include or exclude",
				  membership ? membership : "");
	if (cc_db_exec(
		    c, sql_set_member,
		    CC_DB_ARGS(CC_DB_TEXT(group_id), CC_DB_TEXT(agent_id), CC_DB_TEXT(membership)),
		    NULL, err) < 0)
		return cc_err_prefix(err, "agent group '%s', agent '%s'", group_id, agent_id);
	return 0;
}

int cc_agent_group_remove_member(struct cc_dbc *c, const char *group_id, const char *agent_id,
				 struct cc_err *err)
{
	struct cc_dbres r = CC_DBRES_INIT;
	int rc = -1;

	if (cc_db_exec(c, sql_remove_member, CC_DB_ARGS(CC_DB_TEXT(group_id), CC_DB_TEXT(agent_id)),
		       &r, err) < 0)
		goto out;
	if (!r.changes) {
		cc_err_set(err, CC_E_NOT_FOUND, "agent '%s' is not a member of agent group '%s'",
			   agent_id, group_id);
		goto out;
	}
	rc = 0;
out:
	cc_dbres_release(&r);
	return rc;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int cc_agent_group_members(struct cc_dbc *c, const char *group_id, const char *membership_or_NULL,
			   struct cc_strv *agent_ids, struct cc_err *err)
{
	struct cc_dbres r = CC_DBRES_INIT;
	bool found = true;
	int rc = -1;

	cc_strv_release(agent_ids);
	if (cc_db_exec(c, sql_members,
		       CC_DB_ARGS(CC_DB_TEXT(group_id), CC_DB_TEXT(membership_or_NULL)), &r,
		       err) < 0)
		goto out;
	/* no rows: an empty group, or no group at all */
	if (!r.nrows && cc_repo_exists(c, &cc_agent_group_entity, group_id, &found, err) < 0)
		goto out;
	if (!found) {
		cc_err_set(err, CC_E_NOT_FOUND, "agent group '%s' not found", group_id);
		goto out;
	}
	for (int i = 0; i < r.nrows; i++)
		cc_strv_push(agent_ids, cc_dbres_str(&r, i, 0));
	/* sorted here, not by ORDER BY: PostgreSQL collations differ from byte order */
	if (agent_ids->n > 1)
		qsort(agent_ids->v, agent_ids->n, sizeof(char *), cmp_str);
	rc = 0;
out:
	cc_dbres_release(&r);
	return rc;
}
