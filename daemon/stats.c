/* stats.c: dashboard and metrics counts, each a single aggregate query (no row limits) */
#include "daemon/stats.h"
#include "libcc/db.h"
#include "libcc/err.h"
#include "libcc/time.h"
#include "libcc/banned.h"

#define DAY (86400 * CC_USEC_PER_SEC)

static const char sql_certs[] =
	"SELECT COUNT(*),"
	" SUM(CASE WHEN status = 'Active' AND (expires_at IS NULL OR expires_at >= $2)"
	" THEN 1 ELSE 0 END),"
	" SUM(CASE WHEN status NOT IN ('Revoked', 'Archived', 'Expired') AND expires_at > $1"
	" AND expires_at < $2 THEN 1 ELSE 0 END),"
	" SUM(CASE WHEN status = 'Expired' OR (status NOT IN ('Revoked', 'Archived')"
	" AND expires_at IS NOT NULL AND expires_at <= $1) THEN 1 ELSE 0 END),"
	" SUM(CASE WHEN status = 'Revoked' THEN 1 ELSE 0 END)"
	" FROM managed_certificates WHERE status <> 'Archived'";
static const char sql_agents[] =
	"SELECT COUNT(*), SUM(CASE WHEN last_heartbeat_at > $1 THEN 1 ELSE 0 END) FROM agents";
static const char sql_jobs[] =
	"SELECT SUM(CASE WHEN status IN ('Pending', 'AwaitingCSR', 'AwaitingApproval', 'Running')"
	" THEN 1 ELSE 0 END), SUM(CASE WHEN status = 'Completed' THEN 1 ELSE 0 END),"
	" SUM(CASE WHEN status = 'Failed' THEN 1 ELSE 0 END) FROM jobs";

int api_counts_get(struct cc_dbc *c, int64_t now, struct api_counts *out, struct cc_err *err)
{
	struct cc_dbres a = CC_DBRES_INIT, b = CC_DBRES_INIT, j = CC_DBRES_INIT;
	int rc = -1;

	if (cc_db_exec(c, sql_certs, CC_DB_ARGS(CC_DB_TIME(now), CC_DB_TIME(now + 30 * DAY)), &a,
		       err) < 0 ||
	    cc_db_exec(c, sql_agents, CC_DB_ARGS(CC_DB_TIME(now - 300 * CC_USEC_PER_SEC)), &b,
		       err) < 0 ||
	    cc_db_exec(c, sql_jobs, NULL, 0, &j, err) < 0)
		goto out;
	out->certs_total = cc_dbres_int(&a, 0, 0);
	out->certs_active = cc_dbres_int(&a, 0, 1);
	out->certs_expiring = cc_dbres_int(&a, 0, 2);
	out->certs_expired = cc_dbres_int(&a, 0, 3);
	out->certs_revoked = cc_dbres_int(&a, 0, 4);
	out->agents_total = cc_dbres_int(&b, 0, 0);
	out->agents_online = cc_dbres_int(&b, 0, 1);
	out->jobs_pending = cc_dbres_int(&j, 0, 0);
	out->jobs_completed = cc_dbres_int(&j, 0, 1);
	out->jobs_failed = cc_dbres_int(&j, 0, 2);
	rc = 0;
out:
	cc_dbres_release(&a);
	cc_dbres_release(&b);
	cc_dbres_release(&j);
	return rc;
}
