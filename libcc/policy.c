/* policy.c: the policy_rules and policy_violations tables and their JSON keys */
#include "libcc/policy.h"

static const struct cc_field rule_fields[] = {
	CC_FIELD(struct cc_policy_rule, id, "id", TEXT, CC_F_PK),
	CC_FIELD(struct cc_policy_rule, name, "name", TEXT, 0),
	CC_FIELD(struct cc_policy_rule, type, "type", TEXT, 0),
	CC_FIELD(struct cc_policy_rule, config, "config", JSON, 0),
	CC_FIELD(struct cc_policy_rule, severity, "severity", TEXT, 0),
	CC_FIELD(struct cc_policy_rule, agent_group_id, "agent_group_id", TEXT, CC_F_OMIT),
	CC_FIELD(struct cc_policy_rule, enabled, "enabled", BOOL, 0),
	CC_FIELD(struct cc_policy_rule, created_at, "created_at", TIME, CC_F_RO | CC_F_CREATED),
	CC_FIELD(struct cc_policy_rule, updated_at, "updated_at", TIME, CC_F_RO | CC_F_UPDATED),
};

static const struct cc_filter rule_filters[] = {
	{ "type", "type = $?", CC_FT_TEXT },
	{ "enabled", "enabled = $?", CC_FT_BOOL },
	{ "severity", "severity = $?", CC_FT_TEXT },
	{ "agent_group_id", "agent_group_id = $?", CC_FT_TEXT },
	{ NULL, NULL, 0 },
};

const struct cc_entity cc_policy_rule_entity = {
	.name = "policy rule",
	.table = "policy_rules",
	.id_prefix = "rule",
	.size = sizeof(struct cc_policy_rule),
	.fields = rule_fields,
	.nfields = sizeof(rule_fields) / sizeof(rule_fields[0]),
	.default_sort = "created_at",
	.default_desc = true,
	.filters = rule_filters,
};

static const struct cc_field violation_fields[] = {
	CC_FIELD(struct cc_policy_violation, id, "id", TEXT, CC_F_PK),
	CC_FIELD(struct cc_policy_violation, certificate_id, "certificate_id", TEXT, 0),
	CC_FIELD(struct cc_policy_violation, rule_id, "rule_id", TEXT, 0),
	CC_FIELD(struct cc_policy_violation, message, "message", TEXT, 0),
	CC_FIELD(struct cc_policy_violation, severity, "severity", TEXT, 0),
	CC_FIELD(struct cc_policy_violation, created_at, "created_at", TIME,
		 CC_F_RO | CC_F_CREATED),
};

static const struct cc_filter violation_filters[] = {
	{ "certificate_id", "certificate_id = $?", CC_FT_TEXT },
	{ "rule_id", "rule_id = $?", CC_FT_TEXT },
	{ "severity", "severity = $?", CC_FT_TEXT },
	{ NULL, NULL, 0 },
};

const struct cc_entity cc_policy_violation_entity = {
	.name = "policy violation",
	.table = "policy_violations",
	.id_prefix = "violation",
	.size = sizeof(struct cc_policy_violation),
	.fields = violation_fields,
	.nfields = sizeof(violation_fields) / sizeof(violation_fields[0]),
	.default_sort = "created_at",
	.default_desc = true,
	.filters = violation_filters,
};
