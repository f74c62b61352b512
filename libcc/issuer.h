/* issuer.h: issuers (certificate authorities a certificate is issued by) */
#ifndef CC_ISSUER_H
#define CC_ISSUER_H

#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>
#include "libcc/entity.h"

struct cc_issuer {
	char *id;
	char *name;
	char *type;
	json_t *config; /* redacted copy shown to clients */
	bool enabled;
	struct cc_bytes encrypted_config; /* full config; never in JSON */
	int64_t last_tested_at;
	char *test_status; /* untested | success | failed */
	char *source;	   /* env | database */
	int64_t created_at;
	int64_t updated_at;
};

extern const struct cc_entity cc_issuer_entity;

#endif
