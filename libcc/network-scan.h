/* network-scan.h: network scan targets (CIDR ranges and ports probed for TLS certificates) */
#ifndef CC_NETWORK_SCAN_H
#define CC_NETWORK_SCAN_H

#include <stdbool.h>
#include <stdint.h>
#include "libcc/db.h"
#include "libcc/entity.h"

struct cc_err;

struct cc_network_scan_target {
	char *id;
	char *name;
	struct cc_strv cidrs; /* CIDRs or bare IPs */
	struct cc_intv ports;
	bool enabled;
	int64_t scan_interval_hours; /* stored, not used for scheduling */
	int64_t timeout_ms;
	int64_t last_scan_at;
	int64_t last_scan_duration_ms;
	int64_t last_scan_certs_found;
	int64_t created_at;
	int64_t updated_at;
	bool health_check_enabled;	       /* never in JSON */
	int64_t health_check_interval_seconds; /* never in JSON */
};

extern const struct cc_entity cc_network_scan_target_entity;

/* stores the outcome of a scan that started at `at`; CC_E_NOT_FOUND for an unknown id */
int cc_network_scan_record_result(struct cc_dbc *c, const char *id, int64_t at, int64_t duration_ms,
				  int64_t certs_found, struct cc_err *err);

#endif
