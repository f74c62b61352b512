/* agent-group.h: agent groups and their manual include/exclude members */
#ifndef CC_AGENT_GROUP_H
#define CC_AGENT_GROUP_H

#include <stdbool.h>
#include <stdint.h>
#include "libcc/db.h"
#include "libcc/entity.h"

struct cc_err;

struct cc_agent_group {
	char *id;
	char *name;
	char *description;
	char *match_os;
	char *match_architecture;
	char *match_ip_cidr;
	char *match_version;
	bool enabled;
	int64_t created_at;
	int64_t updated_at;
};

extern const struct cc_entity cc_agent_group_entity;

/* adds agent_id to the group, or changes its membership ("include" or "exclude", else
 * CC_E_INVALID); CC_E_CONFLICT when the group or the agent does not exist */
int cc_agent_group_set_member(struct cc_dbc *c, const char *group_id, const char *agent_id,
			      const char *membership, struct cc_err *err);
/* CC_E_NOT_FOUND when agent_id is not a member */
int cc_agent_group_remove_member(struct cc_dbc *c, const char *group_id, const char *agent_id,
				 struct cc_err *err);
/* replaces *agent_ids with the member agent ids (of membership_or_NULL, NULL: both kinds),
 * sorted in byte order; CC_E_NOT_FOUND for an unknown group */
int cc_agent_group_members(struct cc_dbc *c, const char *group_id, const char *membership_or_NULL,
			   struct cc_strv *agent_ids, struct cc_err *err);

#endif
