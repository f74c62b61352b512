/* h-stats.c: the /api/v1/stats routes — dashboard numbers over every row (v2.1 saw only 50) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "daemon/api.h"
#include "daemon/routes.h"
#include "daemon/stats.h"
#include "libcc/db.h"
#include "libcc/time.h"
#include "libcc/banned.h"

#define DAY (86400 * CC_USEC_PER_SEC)
#define MAX_DAYS 365

void h_stats_summary(struct api_req *rq, struct api_resp *rs)
{
	struct cc_err err = CC_ERR_INIT;
	struct api_counts n;
	struct cc_dbc *c = api_db(rq, rs);
	char ts[CC_TIME_BUFSZ];
	int64_t now = cc_time_now();

	if (!c)
		return;
	if (api_counts_get(c, now, &n, &err) < 0) {
		api_reply_err(rs, rq, &err);
		return;
	}
	api_reply_json(
		rs, 200,
		json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:s}",
			  "total_certificates", (json_int_t)n.certs_total, "expiring_certificates",
			  (json_int_t)n.certs_expiring, "expired_certificates",
			  (json_int_t)n.certs_expired, "revoked_certificates",
			  (json_int_t)n.certs_revoked, "active_agents", (json_int_t)n.agents_online,
			  "offline_agents", (json_int_t)(n.agents_total - n.agents_online),
			  "total_agents", (json_int_t)n.agents_total, "pending_jobs",
			  (json_int_t)n.jobs_pending, "failed_jobs", (json_int_t)n.jobs_failed,
			  "complete_jobs", (json_int_t)n.jobs_completed, "completed_at",
			  cc_time_format(now, ts)));
}

/* Active certificates past or near expiry are reported as Expired / Expiring */
static const char sql_by_status[] =
	"SELECT CASE WHEN status IN ('Active', '') AND expires_at IS NOT NULL AND "
	"expires_at <= $1 THEN 'Expired' WHEN status IN ('Active', '') AND expires_at IS NOT NULL "
	"AND expires_at < $2 THEN 'Expiring' WHEN status = '' THEN 'Active' ELSE status END AS s, "
	"COUNT(*) FROM managed_certificates GROUP BY 1 ORDER BY 1";

void h_stats_by_status(struct api_req *rq, struct api_resp *rs)
{
	struct cc_err err = CC_ERR_INIT;
	struct cc_dbres r = CC_DBRES_INIT;
	struct cc_dbc *c = api_db(rq, rs);
	int64_t now = cc_time_now();
	json_t *out;

	if (!c)
		return;
	if (cc_db_exec(c, sql_by_status, CC_DB_ARGS(CC_DB_TIME(now), CC_DB_TIME(now + 30 * DAY)),
		       &r, &err) < 0) {
		api_reply_err(rs, rq, &err);
		return;
	}
	out = json_array();
	for (int i = 0; i < r.nrows; i++)
		json_array_append_new(out, json_pack("{s:s, s:I}", "status", cc_dbres_str(&r, i, 0),
						     "count", (json_int_t)cc_dbres_int(&r, i, 1)));
	cc_dbres_release(&r);
	api_reply_json(rs, 200, out);
}

static int days_param(struct api_req *rq, struct api_resp *rs, int *days)
{
	const char *v = api_query(rq, "days");
	char *end;
	long n;

	*days = 30;
	if (!v || !*v)
		return 0;
	n = strtol(v, &end, 10);
	if (*end || n < 1 || n > MAX_DAYS) {
		api_reply_error(rs, rq, 400, "days: must be an integer from 1 to %d", MAX_DAYS);
		return -1;
	}
	*days = (int)n;
	return 0;
}

static int64_t day_start(int64_t us)
{
	int64_t d = us / DAY;

	if (us < 0 && us % DAY)
		d--;
	return d * DAY;
}

static void day_label(int64_t us, char out[CC_TIME_BUFSZ])
{
	cc_time_format(us, out);
	out[10] = '\0';
}

/* counts rows whose time column falls on each day of [first, first + days) */
static int bucket(struct cc_dbc *c, const char *sql, int64_t first, int days, int64_t *counts,
		  struct cc_err *err)
{
	struct cc_dbres r = CC_DBRES_INIT;

	if (cc_db_exec(c, sql, CC_DB_ARGS(CC_DB_TIME(first), CC_DB_TIME(first + days * DAY)), &r,
		       err) < 0)
		return -1;
	for (int i = 0; i < r.nrows; i++) {
		int64_t t = cc_dbres_time(&r, i, 0), d = (t - first) / DAY;
		if (t >= first && d < days)
			counts[d] += r.ncols > 1 ? cc_dbres_int(&r, i, 1) : 1;
	}
	cc_dbres_release(&r);
	return 0;
}

static const char sql_expiring[] =
	"SELECT expires_at FROM managed_certificates WHERE expires_at >= $1 AND expires_at < $2 "
	"AND status NOT IN ('Revoked', 'Archived')";

void h_stats_expiration_timeline(struct api_req *rq, struct api_resp *rs)
{
	struct cc_err err = CC_ERR_INIT;
	struct cc_dbc *c;
	int64_t counts[MAX_DAYS] = { 0 }, first = day_start(cc_time_now());
	char d[CC_TIME_BUFSZ];
	int days;
	json_t *out;

	if (days_param(rq, rs, &days) < 0 || !(c = api_db(rq, rs)))
		return;
	if (bucket(c, sql_expiring, first, days, counts, &err) < 0) {
		api_reply_err(rs, rq, &err);
		return;
	}
	out = json_array();
	for (int i = 0; i < days; i++) {
		day_label(first + i * DAY, d);
		json_array_append_new(
			out, json_pack("{s:s, s:I}", "date", d, "count", (json_int_t)counts[i]));
	}
	api_reply_json(rs, 200, out);
}

static const char sql_completed[] =
	"SELECT completed_at FROM jobs WHERE completed_at >= $1 AND completed_at < $2 "
	"AND status = 'Completed'";
static const char sql_failed[] =
	"SELECT completed_at FROM jobs WHERE completed_at >= $1 AND completed_at < $2 "
	"AND status = 'Failed'";

void h_stats_job_trends(struct api_req *rq, struct api_resp *rs)
{
	struct cc_err err = CC_ERR_INIT;
	struct cc_dbc *c;
	int64_t ok[MAX_DAYS] = { 0 }, bad[MAX_DAYS] = { 0 };
	char d[CC_TIME_BUFSZ];
	int days;
	json_t *out;

	if (days_param(rq, rs, &days) < 0 || !(c = api_db(rq, rs)))
		return;
	int64_t first = day_start(cc_time_now()) - (days - 1) * DAY;
	if (bucket(c, sql_completed, first, days, ok, &err) < 0 ||
	    bucket(c, sql_failed, first, days, bad, &err) < 0) {
		api_reply_err(rs, rq, &err);
		return;
	}
	out = json_array();
	for (int i = 0; i < days; i++) {
		double total = (double)(ok[i] + bad[i]);
		day_label(first + i * DAY, d);
		json_array_append_new(out,
				      json_pack("{s:s, s:I, s:I, s:f}", "date", d,
						"completed_count", (json_int_t)ok[i],
						"failed_count", (json_int_t)bad[i], "success_rate",
						total ? (double)ok[i] * 100.0 / total : 0.0));
	}
	api_reply_json(rs, 200, out);
}

/* a certificate is issued when a version is stored; imported ones count by creation */
static const char sql_issued[] =
	"SELECT created_at FROM certificate_versions WHERE created_at >= $1 AND created_at < $2";

void h_stats_issuance_rate(struct api_req *rq, struct api_resp *rs)
{
	struct cc_err err = CC_ERR_INIT;
	struct cc_dbc *c;
	int64_t counts[MAX_DAYS] = { 0 };
	char d[CC_TIME_BUFSZ];
	int days;
	json_t *out;

	if (days_param(rq, rs, &days) < 0 || !(c = api_db(rq, rs)))
		return;
	int64_t first = day_start(cc_time_now()) - (days - 1) * DAY;
	if (bucket(c, sql_issued, first, days, counts, &err) < 0) {
		api_reply_err(rs, rq, &err);
		return;
	}
	out = json_array();
	for (int i = 0; i < days; i++) {
		day_label(first + i * DAY, d);
		json_array_append_new(out, json_pack("{s:s, s:I}", "date", d, "issued_count",
						     (json_int_t)counts[i]));
	}
	api_reply_json(rs, 200, out);
}
