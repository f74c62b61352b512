/* h-metrics.c: /api/v1/metrics (JSON) and /api/v1/metrics/prometheus (text format 0.0.4) */
#include <stdio.h>
#include "daemon/api.h"
#include "daemon/app.h"
#include "daemon/routes.h"
#include "daemon/stats.h"
#include "libcc/time.h"
#include "libcc/banned.h"

static int counts(struct api_req *rq, struct api_resp *rs, struct api_counts *n)
{
	struct cc_err err = CC_ERR_INIT;
	struct cc_dbc *c = api_db(rq, rs);

	if (!c)
		return -1;
	if (api_counts_get(c, cc_time_now(), n, &err) < 0) {
		api_reply_err(rs, rq, &err);
		return -1;
	}
	return 0;
}

void h_metrics_json(struct api_req *rq, struct api_resp *rs)
{
	struct api_counts n;
	char started[CC_TIME_BUFSZ], now[CC_TIME_BUFSZ];
	int64_t t = cc_time_now();

	if (counts(rq, rs, &n) < 0)
		return;
	api_reply_json(rs, 200,
		       json_pack("{s:{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}, s:{s:I, s:I}, "
				 "s:{s:I, s:s, s:s}}",
				 "gauge", "certificate_total", (json_int_t)n.certs_total,
				 "certificate_active", (json_int_t)n.certs_active,
				 "certificate_expiring_soon", (json_int_t)n.certs_expiring,
				 "certificate_expired", (json_int_t)n.certs_expired,
				 "certificate_revoked", (json_int_t)n.certs_revoked, "agent_total",
				 (json_int_t)n.agents_total, "agent_online",
				 (json_int_t)n.agents_online, "job_pending",
				 (json_int_t)n.jobs_pending, "counter", "job_completed_total",
				 (json_int_t)n.jobs_completed, "job_failed_total",
				 (json_int_t)n.jobs_failed, "uptime", "uptime_seconds",
				 (json_int_t)((t - rq->app->started_at) / CC_USEC_PER_SEC),
				 "server_started", cc_time_format(rq->app->started_at, started),
				 "measured_at", cc_time_format(t, now)));
}

/* the 11 metrics of v2.1, in its order, with its help texts */
void h_metrics_prometheus(struct api_req *rq, struct api_resp *rs)
{
	struct api_counts n;
	const struct {
		const char *name, *type, *help;
	} m[] = {
		{ "certctl_certificate_total", "gauge", "Total number of managed certificates." },
		{ "certctl_certificate_active", "gauge", "Number of active certificates." },
		{ "certctl_certificate_expiring_soon", "gauge",
		  "Number of certificates expiring within 30 days." },
		{ "certctl_certificate_expired", "gauge", "Number of expired certificates." },
		{ "certctl_certificate_revoked", "gauge", "Number of revoked certificates." },
		{ "certctl_agent_total", "gauge", "Total number of registered agents." },
		{ "certctl_agent_online", "gauge", "Number of agents online." },
		{ "certctl_job_pending", "gauge", "Number of pending jobs." },
		{ "certctl_job_completed_total", "counter", "Total number of completed jobs." },
		{ "certctl_job_failed_total", "counter", "Total number of failed jobs." },
		{ "certctl_uptime_seconds", "gauge", "Server uptime in seconds." },
	};
	int64_t vals[11];
	struct cc_buf b = CC_BUF_INIT;

	if (counts(rq, rs, &n) < 0)
		return;
	vals[0] = n.certs_total, vals[1] = n.certs_active, vals[2] = n.certs_expiring;
	vals[3] = n.certs_expired, vals[4] = n.certs_revoked, vals[5] = n.agents_total;
	vals[6] = n.agents_online, vals[7] = n.jobs_pending, vals[8] = n.jobs_completed;
	vals[9] = n.jobs_failed;
	vals[10] = (cc_time_now() - rq->app->started_at) / CC_USEC_PER_SEC;
	for (size_t i = 0; i < sizeof(m) / sizeof(m[0]); i++)
		cc_buf_addf(&b, "%s# HELP %s %s\n# TYPE %s %s\n%s %lld\n", i ? "\n" : "", m[i].name,
			    m[i].help, m[i].name, m[i].type, m[i].name, (long long)vals[i]);
	api_reply_bytes(rs, 200, "text/plain; version=0.0.4; charset=utf-8", b.buf, b.len);
	cc_buf_release(&b);
}
