/* agent.c: the agents table, its JSON keys, heartbeats and staleness */
#include "libcc/agent.h"
#include "libcc/err.h"
#include "libcc/banned.h"

static const struct cc_field fields[] = {
	CC_FIELD(struct cc_agent, id, "id", TEXT, CC_F_PK),
	CC_FIELD(struct cc_agent, name, "name", TEXT, 0),
	CC_FIELD(struct cc_agent, hostname, "hostname", TEXT, 0),
	CC_FIELD(struct cc_agent, status, "status", TEXT, CC_F_RO),
	CC_FIELD(struct cc_agent, last_heartbeat_at, "last_heartbeat_at", TIME,
		 CC_F_OMIT | CC_F_RO),
	CC_FIELD(struct cc_agent, registered_at, "registered_at", TIME, CC_F_RO | CC_F_CREATED),
	CC_FIELD(struct cc_agent, api_key_hash, "api_key_hash", TEXT, CC_F_HIDDEN),
	CC_FIELD(struct cc_agent, os, "os", TEXT, 0),
	CC_FIELD(struct cc_agent, architecture, "architecture", TEXT, 0),
	CC_FIELD(struct cc_agent, ip_address, "ip_address", TEXT, 0),
	CC_FIELD(struct cc_agent, version, "version", TEXT, 0),
};

static const struct cc_filter filters[] = {
	{ "status", "status = $?", CC_FT_TEXT },
	{ "os", "os = $?", CC_FT_TEXT },
	{ "architecture", "architecture = $?", CC_FT_TEXT },
	{ "version", "version = $?", CC_FT_TEXT },
	{ "hostname", "hostname = $?", CC_FT_TEXT },
	{ NULL, NULL, 0 },
};

const struct cc_entity cc_agent_entity = {
	.name = "agent",
	.table = "agents",
	.id_prefix = "agent",
	.size = sizeof(struct cc_agent),
	.fields = fields,
	.nfields = sizeof(fields) / sizeof(fields[0]),
	.default_sort = "registered_at",
	.default_desc = true,
	.filters = filters,
};

/* an empty or NULL metadata value keeps the stored one */
static const char sql_heartbeat[] = "UPDATE agents SET last_heartbeat_at = $2, status = 'Online', "
				    "os = COALESCE(NULLIF($3, ''), os), "
				    "architecture = COALESCE(NULLIF($4, ''), architecture), "
				    "ip_address = COALESCE(NULLIF($5, ''), ip_address), "
				    "version = COALESCE(NULLIF($6, ''), version), "
				    "hostname = COALESCE(NULLIF($7, ''), hostname) "
				    "WHERE id = $1";

static const char sql_mark_stale[] =
	"UPDATE agents SET status = 'Offline' "
	"WHERE status = 'Online' AND (last_heartbeat_at IS NULL OR last_heartbeat_at < $1)";

int cc_agent_heartbeat(struct cc_dbc *c, const char *id, const struct cc_agent *meta, int64_t now,
		       struct cc_err *err)
{
	const struct cc_agent none = { 0 };
	struct cc_dbres r = CC_DBRES_INIT;
	int rc = -1;

	if (!meta)
		meta = &none;
	if (cc_db_exec(c, sql_heartbeat,
		       CC_DB_ARGS(CC_DB_TEXT(id), CC_DB_TIME(now), CC_DB_TEXT(meta->os),
				  CC_DB_TEXT(meta->architecture), CC_DB_TEXT(meta->ip_address),
				  CC_DB_TEXT(meta->version), CC_DB_TEXT(meta->hostname)),
		       &r, err) < 0)
		goto out;
	if (!r.changes) {
		cc_err_set(err, CC_E_NOT_FOUND, "agent '%s' not found", id);
		goto out;
	}
	rc = 0;
out:
	cc_dbres_release(&r);
	return rc;
}

int cc_agent_mark_stale(struct cc_dbc *c, int64_t older_than, int *changed, struct cc_err *err)
{
	struct cc_dbres r = CC_DBRES_INIT;
	int rc;

	rc = cc_db_exec(c, sql_mark_stale, CC_DB_ARGS(CC_DB_TIME(older_than)), &r, err);
	if (rc == 0 && changed)
		*changed = (int)r.changes;
	cc_dbres_release(&r);
	return rc;
}
