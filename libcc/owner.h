/* owner.h: owners (the people notified about their certificates; each belongs to a team) */
#ifndef CC_OWNER_H
#define CC_OWNER_H

#include <stdint.h>
#include "libcc/entity.h"

struct cc_owner {
	char *id;
	char *name;
	char *email;
	char *team_id;
	int64_t created_at;
	int64_t updated_at;
};

extern const struct cc_entity cc_owner_entity;

#endif
