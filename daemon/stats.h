/* stats.h: the counts behind /stats/summary, /metrics and /metrics/prometheus */
#ifndef CC_STATS_H
#define CC_STATS_H

#include <stdint.h>

struct cc_dbc;
struct cc_err;

struct api_counts {
	int64_t certs_total, certs_active, certs_expiring, certs_expired, certs_revoked;
	int64_t agents_total, agents_online;
	int64_t jobs_pending, jobs_completed, jobs_failed;
};

/* one consistent snapshot; expiring = within 30 days, online = heartbeat within 5 minutes */
int api_counts_get(struct cc_dbc *c, int64_t now, struct api_counts *out, struct cc_err *err);

#endif
