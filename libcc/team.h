/* team.h: teams (owners belong to one) */
#ifndef CC_TEAM_H
#define CC_TEAM_H

#include <stdint.h>
#include "libcc/entity.h"

struct cc_team {
	char *id;
	char *name;
	char *description;
	int64_t created_at;
	int64_t updated_at;
};

extern const struct cc_entity cc_team_entity;

#endif
