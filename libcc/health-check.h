/* health-check.h: endpoint TLS health checks and their probe history */
#ifndef CC_HEALTH_CHECK_H
#define CC_HEALTH_CHECK_H

#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>
#include "libcc/db.h"
#include "libcc/entity.h"

struct cc_err;
struct cc_list;

struct cc_health_check {
	char *id;
	char *endpoint; /* host:port */
	char *certificate_id;
	char *network_scan_target_id;
	char *expected_fingerprint;
	char *observed_fingerprint;
	char *status; /* healthy | degraded | down | cert_mismatch | unknown */
	int64_t consecutive_failures;
	int64_t response_time_ms;
	char *tls_version;
	char *cipher_suite;
	char *cert_subject;
	char *cert_issuer;
	int64_t cert_expiry;
	int64_t last_checked_at;
	int64_t last_success_at;
	int64_t last_failure_at;
	int64_t last_transition_at;
	char *failure_reason;
	int64_t degraded_threshold;
	int64_t down_threshold;
	int64_t check_interval_seconds;
	bool enabled;
	bool acknowledged;
	char *acknowledged_by;
	int64_t acknowledged_at;
	int64_t created_at;
	int64_t updated_at;
};

struct cc_health_history {
	char *id;
	char *health_check_id;
	char *status;
	int64_t response_time_ms;
	char *fingerprint;
	char *failure_reason;
	int64_t checked_at;
};

extern const struct cc_entity cc_health_check_entity;
extern const struct cc_entity cc_health_history_entity;

/* *out = {"healthy","degraded","down","cert_mismatch","unknown","total"}, every key present
 * (new reference); total counts every check */
int cc_health_check_summary(struct cc_dbc *c, json_t **out, struct cc_err *err);
/* enabled checks never probed or last probed check_interval_seconds or more before now,
 * oldest first (never probed first); at most limit (< 1: all) */
int cc_health_check_due(struct cc_dbc *c, int64_t now, int limit, struct cc_list *out,
			struct cc_err *err);

/* inserts a probe result: fills an empty id ("hh-...") and an unset checked_at (now) */
int cc_health_history_add(struct cc_dbc *c, struct cc_health_history *h, struct cc_err *err);
/* newest first, at most limit (< 1: all) */
int cc_health_history_list(struct cc_dbc *c, const char *check_id, int limit, struct cc_list *out,
			   struct cc_err *err);
/* deletes entries checked before older_than; *deleted (may be NULL) receives how many */
int cc_health_history_prune(struct cc_dbc *c, int64_t older_than, int64_t *deleted,
			    struct cc_err *err);

#endif
