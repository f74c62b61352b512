/* target.c: the deployment_targets table and its JSON keys */
#include "libcc/target.h"

static const struct cc_field fields[] = {
	CC_FIELD(struct cc_target, id, "id", TEXT, CC_F_PK),
	CC_FIELD(struct cc_target, name, "name", TEXT, 0),
	CC_FIELD(struct cc_target, type, "type", TEXT, 0),
	CC_FIELD(struct cc_target, agent_id, "agent_id", TEXT, 0),
	CC_FIELD(struct cc_target, config, "config", JSON, 0),
	CC_FIELD(struct cc_target, enabled, "enabled", BOOL, 0),
	CC_FIELD(struct cc_target, encrypted_config, "encrypted_config", BLOB, CC_F_HIDDEN),
	CC_FIELD(struct cc_target, last_tested_at, "last_tested_at", TIME, CC_F_OMIT | CC_F_RO),
	CC_FIELD(struct cc_target, test_status, "test_status", TEXT, CC_F_OMIT | CC_F_RO),
	CC_FIELD(struct cc_target, source, "source", TEXT, CC_F_OMIT | CC_F_RO),
	CC_FIELD(struct cc_target, created_at, "created_at", TIME, CC_F_RO | CC_F_CREATED),
	CC_FIELD(struct cc_target, updated_at, "updated_at", TIME, CC_F_RO | CC_F_UPDATED),
};

static const struct cc_filter filters[] = {
	{ "agent_id", "agent_id = $?", CC_FT_TEXT },
	{ "type", "type = $?", CC_FT_TEXT },
	{ "enabled", "enabled = $?", CC_FT_BOOL },
	{ NULL, NULL, 0 },
};

const struct cc_entity cc_target_entity = {
	.name = "target",
	.table = "deployment_targets",
	.id_prefix = "target",
	.size = sizeof(struct cc_target),
	.fields = fields,
	.nfields = sizeof(fields) / sizeof(fields[0]),
	.default_sort = "created_at",
	.default_desc = true,
	.filters = filters,
};
