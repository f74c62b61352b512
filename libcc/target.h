/* target.h: deployment targets (where an agent installs certificates) */
#ifndef CC_TARGET_H
#define CC_TARGET_H

#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>
#include "libcc/entity.h"

struct cc_target {
	char *id;
	char *name;
	char *type; /* NGINX, Apache, HAProxy, ... */
	char *agent_id;
	json_t *config; /* redacted copy shown to clients */
	bool enabled;
	struct cc_bytes encrypted_config; /* full config; never in JSON */
	int64_t last_tested_at;
	char *test_status; /* untested | success | failed */
	char *source;	   /* env | database */
	int64_t created_at;
	int64_t updated_at;
};

extern const struct cc_entity cc_target_entity;

#endif
