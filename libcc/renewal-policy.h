/* renewal-policy.h: renewal policies (alert thresholds used by the scheduler; no REST route) */
#ifndef CC_RENEWAL_POLICY_H
#define CC_RENEWAL_POLICY_H

#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>
#include "libcc/entity.h"

struct cc_renewal_policy {
	char *id;
	char *name;
	int64_t renewal_window_days;
	bool auto_renew;
	int64_t max_retries;
	/* minutes, under its true name (v2.1 called it retry_interval_seconds) */
	int64_t retry_interval_minutes;
	json_t *alert_thresholds_days; /* JSON array of integers; DB default [30, 14, 7, 0] */
	char *certificate_profile_id;
	char *agent_group_id; /* stored, not in JSON (v2.1 never exposed it) */
	int64_t created_at;
	int64_t updated_at;
};

extern const struct cc_entity cc_renewal_policy_entity;

#endif
