/* audit.c: the audit_events table (append-only) and its JSON keys */
#include "libcc/audit.h"
#include <stdlib.h>
#include "libcc/db.h"
#include "libcc/id.h"
#include "libcc/time.h"

static const struct cc_field fields[] = {
	CC_FIELD(struct cc_audit_event, id, "id", TEXT, CC_F_PK),
	CC_FIELD(struct cc_audit_event, actor, "actor", TEXT, 0),
	CC_FIELD(struct cc_audit_event, actor_type, "actor_type", TEXT, 0),
	CC_FIELD(struct cc_audit_event, action, "action", TEXT, 0),
	CC_FIELD(struct cc_audit_event, resource_type, "resource_type", TEXT, 0),
	CC_FIELD(struct cc_audit_event, resource_id, "resource_id", TEXT, 0),
	CC_FIELD(struct cc_audit_event, details, "details", JSON, 0),
	CC_FIELD(struct cc_audit_event, timestamp, "timestamp", TIME, CC_F_RO | CC_F_CREATED),
};

static const struct cc_filter filters[] = {
	{ "actor", "actor = $?", CC_FT_TEXT },
	{ "action", "action = $?", CC_FT_TEXT },
	{ "resource_type", "resource_type = $?", CC_FT_TEXT },
	{ "resource_id", "resource_id = $?", CC_FT_TEXT },
	{ "actor_type", "actor_type = $?", CC_FT_TEXT },
	{ "after", "timestamp > $?", CC_FT_TIME },
	{ "before", "timestamp < $?", CC_FT_TIME },
	{ NULL, NULL, 0 },
};

const struct cc_entity cc_audit_event_entity = {
	.name = "audit event",
	.table = "audit_events",
	.id_prefix = "audit",
	.size = sizeof(struct cc_audit_event),
	.fields = fields,
	.nfields = sizeof(fields) / sizeof(fields[0]),
	.default_sort = "timestamp",
	.default_desc = true,
	.filters = filters,
	.flags = CC_E_APPEND_ONLY,
};

int cc_audit_record(struct cc_dbc *c, const char *actor, const char *actor_type, const char *action,
		    const char *resource_type, const char *resource_id, json_t *details,
		    struct cc_err *err)
{
	char *id = cc_id_new("audit");
	char *d = details ? json_dumps(details, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	int rc = cc_db_exec(
		c,
		"INSERT INTO audit_events (id, actor, actor_type, action, resource_type, "
		"resource_id, details, timestamp) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
		CC_DB_ARGS(CC_DB_TEXT(id), CC_DB_TEXT(actor), CC_DB_TEXT(actor_type),
			   CC_DB_TEXT(action), CC_DB_TEXT(resource_type), CC_DB_TEXT(resource_id),
			   CC_DB_JSON(d), CC_DB_TIME(cc_time_now())),
		NULL, err);

	free(id);
	free(d);
	json_decref(details);
	return rc;
}
