/* team.c: the teams table and its JSON keys */
#include "libcc/team.h"

static const struct cc_field fields[] = {
	CC_FIELD(struct cc_team, id, "id", TEXT, CC_F_PK),
	CC_FIELD(struct cc_team, name, "name", TEXT, 0),
	CC_FIELD(struct cc_team, description, "description", TEXT, 0),
	CC_FIELD(struct cc_team, created_at, "created_at", TIME, CC_F_RO | CC_F_CREATED),
	CC_FIELD(struct cc_team, updated_at, "updated_at", TIME, CC_F_RO | CC_F_UPDATED),
};

static const struct cc_filter filters[] = {
	{ "name", "name = $?", CC_FT_TEXT },
	{ "created_after", "created_at > $?", CC_FT_TIME },
	{ "updated_after", "updated_at > $?", CC_FT_TIME },
	{ NULL, NULL, 0 },
};

const struct cc_entity cc_team_entity = {
	.name = "team",
	.table = "teams",
	.id_prefix = "team",
	.size = sizeof(struct cc_team),
	.fields = fields,
	.nfields = sizeof(fields) / sizeof(fields[0]),
	.default_sort = "created_at",
	.default_desc = true,
	.filters = filters,
};
