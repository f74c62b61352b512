/* owner.c: the owners table and its JSON keys */
#include "libcc/owner.h"

static const struct cc_field fields[] = {
	CC_FIELD(struct cc_owner, id, "id", TEXT, CC_F_PK),
	CC_FIELD(struct cc_owner, name, "name", TEXT, 0),
	CC_FIELD(struct cc_owner, email, "email", TEXT, 0),
	CC_FIELD(struct cc_owner, team_id, "team_id", TEXT, 0),
	CC_FIELD(struct cc_owner, created_at, "created_at", TIME, CC_F_RO | CC_F_CREATED),
	CC_FIELD(struct cc_owner, updated_at, "updated_at", TIME, CC_F_RO | CC_F_UPDATED),
};

static const struct cc_filter filters[] = {
	{ "team_id", "team_id = $?", CC_FT_TEXT },
	{ "email", "email = $?", CC_FT_TEXT },
	{ NULL, NULL, 0 },
};

const struct cc_entity cc_owner_entity = {
	.name = "owner",
	.table = "owners",
	.id_prefix = "owner",
	.size = sizeof(struct cc_owner),
	.fields = fields,
	.nfields = sizeof(fields) / sizeof(fields[0]),
	.default_sort = "created_at",
	.default_desc = true,
	.filters = filters,
};
