/* audit.h: the append-only audit trail */
#ifndef CC_AUDIT_H
#define CC_AUDIT_H

#include <stdint.h>
#include <jansson.h>
#include "libcc/entity.h"

struct cc_audit_event {
	char *id;
	char *actor;
	char *actor_type; /* User | System | Agent */
	char *action;
	char *resource_type;
	char *resource_id;
	json_t *details; /* object or NULL */
	int64_t timestamp;
};

/* CC_E_APPEND_ONLY: cc_repo_update and cc_repo_delete refuse it, and so does the
 * database (triggers of migration 0012) */
extern const struct cc_entity cc_audit_event_entity;

struct cc_dbc;
struct cc_err;

/* appends one event in the caller's transaction; takes details (may be NULL).
 * actor_type: "User", "Agent" or "System" */
int cc_audit_record(struct cc_dbc *c, const char *actor, const char *actor_type, const char *action,
		    const char *resource_type, const char *resource_id, json_t *details,
		    struct cc_err *err);

#endif
