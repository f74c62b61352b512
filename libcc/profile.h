/* profile.h: certificate profiles (key algorithms, EKUs and lifetime a certificate may use) */
#ifndef CC_PROFILE_H
#define CC_PROFILE_H

#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>
#include "libcc/entity.h"

struct cc_profile {
	char *id;
	char *name;
	char *description;
	json_t *allowed_key_algorithms; /* [{"algorithm": "RSA", "min_size": 2048}, ...] */
	int64_t max_ttl_seconds;	/* 0 = no cap */
	json_t *allowed_ekus;		/* ["serverAuth", ...] */
	json_t *required_san_patterns;	/* [string, ...] */
	char *spiffe_uri_pattern;
	bool allow_short_lived;
	bool requires_approval; /* issuance and renewal jobs wait in AwaitingApproval */
	bool enabled;
	int64_t created_at;
	int64_t updated_at;
};

extern const struct cc_entity cc_profile_entity;

#endif
