/* issuer.c: the issuers table and its JSON keys */
#include "libcc/issuer.h"

static const struct cc_field fields[] = {
	CC_FIELD(struct cc_issuer, id, "id", TEXT, CC_F_PK),
	CC_FIELD(struct cc_issuer, name, "name", TEXT, 0),
	CC_FIELD(struct cc_issuer, type, "type", TEXT, 0),
	CC_FIELD(struct cc_issuer, config, "config", JSON, 0),
	CC_FIELD(struct cc_issuer, enabled, "enabled", BOOL, 0),
	CC_FIELD(struct cc_issuer, encrypted_config, "encrypted_config", BLOB, CC_F_HIDDEN),
	CC_FIELD(struct cc_issuer, last_tested_at, "last_tested_at", TIME, CC_F_OMIT | CC_F_RO),
	CC_FIELD(struct cc_issuer, test_status, "test_status", TEXT, CC_F_OMIT | CC_F_RO),
	CC_FIELD(struct cc_issuer, source, "source", TEXT, CC_F_OMIT | CC_F_RO),
	CC_FIELD(struct cc_issuer, created_at, "created_at", TIME, CC_F_RO | CC_F_CREATED),
	CC_FIELD(struct cc_issuer, updated_at, "updated_at", TIME, CC_F_RO | CC_F_UPDATED),
};

static const struct cc_filter filters[] = {
	{ "type", "type = $?", CC_FT_TEXT },
	{ "enabled", "enabled = $?", CC_FT_BOOL },
	{ "source", "source = $?", CC_FT_TEXT },
	{ NULL, NULL, 0 },
};

const struct cc_entity cc_issuer_entity = {
	.name = "issuer",
	.table = "issuers",
	.id_prefix = "issuer",
	.size = sizeof(struct cc_issuer),
	.fields = fields,
	.nfields = sizeof(fields) / sizeof(fields[0]),
	.default_sort = "created_at",
	.default_desc = true,
	.filters = filters,
};
