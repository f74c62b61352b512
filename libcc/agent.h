/* agent.h: agents (processes on managed hosts that deploy certificates and send heartbeats) */
#ifndef CC_AGENT_H
#define CC_AGENT_H

#include <stdint.h>
#include "libcc/db.h"
#include "libcc/entity.h"

struct cc_err;

struct cc_agent {
	char *id;
	char *name;
	char *hostname;
	char *status; /* Online | Offline | Degraded */
	int64_t last_heartbeat_at;
	int64_t registered_at;
	char *api_key_hash; /* never in JSON */
	char *os;
	char *architecture;
	char *ip_address;
	char *version;
};

extern const struct cc_entity cc_agent_entity;

/* records a heartbeat at now: status Online, and meta's non-empty os, architecture,
 * ip_address, version and hostname replace the stored ones (meta may be NULL);
 * CC_E_NOT_FOUND for an unknown id */
int cc_agent_heartbeat(struct cc_dbc *c, const char *id, const struct cc_agent *meta, int64_t now,
		       struct cc_err *err);
/* Online agents whose last heartbeat is older than older_than (or missing) become Offline;
 * *changed (may be NULL) receives how many */
int cc_agent_mark_stale(struct cc_dbc *c, int64_t older_than, int *changed, struct cc_err *err);

#endif
