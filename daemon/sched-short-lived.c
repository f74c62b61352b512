/* sched-short-lived.c: short-lived certificate expiry (resources.md §7.5) — Active or
 * Expiring certificates of a short-lived profile (allow_short_lived, 0 < max TTL < 1 h)
 * become Expired as soon as they expire, with a short_lived_cert_expired audit event */
#include <jansson.h>
#include "daemon/sched.h"
#include "daemon/app.h"
#include "libcc/audit.h"
#include "libcc/db.h"
#include "libcc/err.h"
#include "libcc/log.h"
#include "libcc/time.h"
#include "libcc/banned.h"

/* from the short-lived profiles to their certificates (index 0021): as a join, SQLite read
 * every Active certificate each time */
static const char sql_due[] =
	"SELECT c.id, c.certificate_profile_id, c.expires_at FROM managed_certificates c "
	"WHERE c.certificate_profile_id IN (SELECT p.id FROM certificate_profiles p "
	"WHERE p.allow_short_lived AND p.max_ttl_seconds > 0 AND p.max_ttl_seconds < 3600) "
	"AND c.status IN ('Active', 'Expiring') AND c.expires_at < $1 "
	"ORDER BY c.expires_at, c.id";
/* a concurrent writer (renewal, revocation) wins */
static const char sql_expire[] =
	"UPDATE managed_certificates SET status = 'Expired', "
	"updated_at = $2 WHERE id = $1 AND status IN ('Active', 'Expiring')";

/* 1 when expired here, 0 when someone else changed the certificate first */
static int expire_one(const struct api_tick *t, struct cc_dbc *c, const struct cc_dbres *r, int row,
		      struct cc_err *err)
{
	const char *id = cc_dbres_str(r, row, 0);
	char at[CC_TIME_BUFSZ];
	struct cc_dbres u = CC_DBRES_INIT;
	int rc = -1;

	if (cc_db_begin(c, err) < 0)
		return -1;
	if (cc_db_exec(c, sql_expire, CC_DB_ARGS(CC_DB_TEXT(id), CC_DB_TIME(t->now)), &u, err) < 0)
		goto undo;
	if (!u.changes) {
		rc = 0;
		goto undo;
	}
	cc_time_format(cc_dbres_time(r, row, 2), at);
	if (cc_audit_record(c, "system", "System", "short_lived_cert_expired", "certificate", id,
			    json_pack("{s:s, s:s}", "profile_id", cc_dbres_str(r, row, 1),
				      "expired_at", at),
			    err) < 0 ||
	    cc_db_commit(c, err) < 0)
		goto undo;
	cc_dbres_release(&u);
	cc_info(t->app->log, "short-lived expiry: cert=%s expired at %s", id, at);
	return 1;
undo:
	cc_db_rollback(c);
	cc_dbres_release(&u);
	return rc;
}

int api_short_lived_tick(const struct api_tick *t, struct cc_err *err)
{
	struct cc_dbres r = CC_DBRES_INIT;
	struct cc_dbc *c = cc_db_get(t->app->db, err);
	int done = 0, rc;

	if (!c)
		return -1;
	if (cc_db_exec(c, sql_due, CC_DB_ARGS(CC_DB_TIME(t->now)), &r, err) < 0) {
		done = -1;
		goto out;
	}
	for (int i = 0; i < r.nrows && !api_tick_over(t); i++) {
		struct cc_err e = CC_ERR_INIT;

		if ((rc = expire_one(t, c, &r, i, &e)) < 0)
			cc_warn(t->app->log, "short-lived expiry: cert=%s: %s",
				cc_dbres_str(&r, i, 0), e.msg);
		else
			done += rc;
	}
out:
	cc_dbres_release(&r);
	cc_db_put(t->app->db, c);
	return done;
}
