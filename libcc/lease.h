/* lease.h: named leases in scheduler_leases, so that one process at a time runs a
 * periodic loop when several serve replicas share a database */
#ifndef CC_LEASE_H
#define CC_LEASE_H

#include <stdbool.h>
#include <stdint.h>

struct cc_dbc;
struct cc_err;

#define CC_LEASE_HOLDER_MAX 128

/* takes the lease name for holder until now + ttl (µs) when it is free, expired
 * (expires_at < now) or already holder's, in one atomic statement; *got tells whether
 * holder has it now */
int cc_lease_acquire(struct cc_dbc *c, const char *name, const char *holder, int64_t now,
		     int64_t ttl, bool *got, struct cc_err *err);
/* gives the lease back if holder has it (nothing happens otherwise) */
int cc_lease_release(struct cc_dbc *c, const char *name, const char *holder, struct cc_err *err);
/* a new holder id for this process: "<host>:<pid>:<16 random hex digits>" */
int cc_lease_holder_new(char out[CC_LEASE_HOLDER_MAX], struct cc_err *err);

#endif
