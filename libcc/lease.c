/* lease.c: named leases in scheduler_leases, taken and renewed by one atomic upsert */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "libcc/lease.h"
#include "libcc/db.h"
#include "libcc/err.h"
#include "libcc/hash.h"
#include "libcc/banned.h"

/* $1 name, $2 holder, $3 new expiry, $4 now. The row comes back only when it was
 * inserted or updated, i.e. when holder has the lease now. Both engines lock the row
 * for the upsert, so two callers cannot both see an expired lease and take it. */
static const char sql_acquire[] =
	"INSERT INTO scheduler_leases (name, holder, expires_at) VALUES ($1, $2, $3) "
	"ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, "
	"expires_at = excluded.expires_at "
	"WHERE scheduler_leases.expires_at < $4 OR scheduler_leases.holder = excluded.holder "
	"RETURNING holder";
static const char sql_release[] = "DELETE FROM scheduler_leases WHERE name = $1 AND holder = $2";

int cc_lease_acquire(struct cc_dbc *c, const char *name, const char *holder, int64_t now,
		     int64_t ttl, bool *got, struct cc_err *err)
{
	struct cc_dbres r = CC_DBRES_INIT;
	int rc;

	*got = false;
	if (ttl <= 0)
		return cc_err_set(err, CC_E_INVALID, "lease '%s': length must be positive", name);
	rc = cc_db_exec(c, sql_acquire,
			CC_DB_ARGS(CC_DB_TEXT(name), CC_DB_TEXT(holder), CC_DB_TIME(now + ttl),
				   CC_DB_TIME(now)),
			&r, err);
	if (rc == 0)
		*got = r.nrows > 0 && !strcmp(cc_dbres_str(&r, 0, 0), holder);
	cc_dbres_release(&r);
	return rc;
}

int cc_lease_release(struct cc_dbc *c, const char *name, const char *holder, struct cc_err *err)
{
	struct cc_dbres r = CC_DBRES_INIT;
	int rc = cc_db_exec(c, sql_release, CC_DB_ARGS(CC_DB_TEXT(name), CC_DB_TEXT(holder)), &r,
			    err);

	cc_dbres_release(&r);
	return rc;
}

int cc_lease_holder_new(char out[CC_LEASE_HOLDER_MAX], struct cc_err *err)
{
	char host[64] = "", rnd[17];

	if (cc_random_hex(8, rnd) < 0)
		return cc_err_set(err, CC_E_CRYPTO, "cannot draw a random lease holder id");
	if (gethostname(host, sizeof(host) - 1) < 0 || !host[0])
		snprintf(host, sizeof(host), "localhost");
	snprintf(out, CC_LEASE_HOLDER_MAX, "%.63s:%ld:%s", host, (long)getpid(), rnd);
	return 0;
}
