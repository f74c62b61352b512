/* policy.h: policy rules and the violations recorded against certificates */
#ifndef CC_POLICY_H
#define CC_POLICY_H

#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>
#include "libcc/entity.h"

struct cc_policy_rule {
	char *id;
	char *name;
	char *type;	      /* libcc/policy-eval.c: the rule types and their config */
	json_t *config;	      /* object */
	char *severity;	      /* of its violations: Warning | Error | Critical */
	char *agent_group_id; /* NULL: every certificate; else only those deployed by the
			       * agents of this group */
	bool enabled;
	int64_t created_at;
	int64_t updated_at;
};

struct cc_policy_violation {
	char *id;
	char *certificate_id;
	char *rule_id;
	char *message;
	char *severity; /* Warning | Error | Critical */
	int64_t created_at;
};

extern const struct cc_entity cc_policy_rule_entity;
extern const struct cc_entity cc_policy_violation_entity;

#endif
