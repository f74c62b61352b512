/* profile.c: the certificate_profiles table and its JSON keys */
#include "libcc/profile.h"

static const struct cc_field fields[] = {
	CC_FIELD(struct cc_profile, id, "id", TEXT, CC_F_PK),
	CC_FIELD(struct cc_profile, name, "name", TEXT, 0),
	CC_FIELD(struct cc_profile, description, "description", TEXT, 0),
	CC_FIELD(struct cc_profile, allowed_key_algorithms, "allowed_key_algorithms", JSON, 0),
	CC_FIELD(struct cc_profile, max_ttl_seconds, "max_ttl_seconds", INT, 0),
	CC_FIELD(struct cc_profile, allowed_ekus, "allowed_ekus", JSON, 0),
	CC_FIELD(struct cc_profile, required_san_patterns, "required_san_patterns", JSON, 0),
	CC_FIELD(struct cc_profile, spiffe_uri_pattern, "spiffe_uri_pattern", TEXT, 0),
	CC_FIELD(struct cc_profile, allow_short_lived, "allow_short_lived", BOOL, 0),
	CC_FIELD(struct cc_profile, requires_approval, "requires_approval", BOOL, 0),
	CC_FIELD(struct cc_profile, enabled, "enabled", BOOL, 0),
	CC_FIELD(struct cc_profile, created_at, "created_at", TIME, CC_F_RO | CC_F_CREATED),
	CC_FIELD(struct cc_profile, updated_at, "updated_at", TIME, CC_F_RO | CC_F_UPDATED),
};

static const struct cc_filter filters[] = {
	{ "enabled", "enabled = $?", CC_FT_BOOL },
	{ NULL, NULL, 0 },
};

const struct cc_entity cc_profile_entity = {
	.name = "certificate profile",
	.table = "certificate_profiles",
	.id_prefix = "prof",
	.size = sizeof(struct cc_profile),
	.fields = fields,
	.nfields = sizeof(fields) / sizeof(fields[0]),
	.default_sort = "created_at",
	.default_desc = true,
	.filters = filters,
};
