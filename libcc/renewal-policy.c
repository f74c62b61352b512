/* renewal-policy.c: the renewal_policies table and its JSON keys */
#include "libcc/renewal-policy.h"

static const struct cc_field fields[] = {
	CC_FIELD(struct cc_renewal_policy, id, "id", TEXT, CC_F_PK),
	CC_FIELD(struct cc_renewal_policy, name, "name", TEXT, 0),
	CC_FIELD(struct cc_renewal_policy, renewal_window_days, "renewal_window_days", INT, 0),
	CC_FIELD(struct cc_renewal_policy, auto_renew, "auto_renew", BOOL, 0),
	CC_FIELD(struct cc_renewal_policy, max_retries, "max_retries", INT, 0),
	CC_FIELD(struct cc_renewal_policy, retry_interval_minutes, "retry_interval_minutes", INT,
		 0),
	CC_FIELD(struct cc_renewal_policy, alert_thresholds_days, "alert_thresholds_days", JSON, 0),
	CC_FIELD(struct cc_renewal_policy, certificate_profile_id, "certificate_profile_id", TEXT,
		 CC_F_OMIT),
	CC_FIELD(struct cc_renewal_policy, agent_group_id, "agent_group_id", TEXT, CC_F_HIDDEN),
	CC_FIELD(struct cc_renewal_policy, created_at, "created_at", TIME, CC_F_RO | CC_F_CREATED),
	CC_FIELD(struct cc_renewal_policy, updated_at, "updated_at", TIME, CC_F_RO | CC_F_UPDATED),
};

const struct cc_entity cc_renewal_policy_entity = {
	.name = "renewal policy",
	.table = "renewal_policies",
	.id_prefix = "rp",
	.size = sizeof(struct cc_renewal_policy),
	.fields = fields,
	.nfields = sizeof(fields) / sizeof(fields[0]),
	.default_sort = "created_at",
	.default_desc = true,
	.filters = NULL,
};
