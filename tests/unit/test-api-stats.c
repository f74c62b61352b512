/* test-api-stats.c: stats and metrics over real rows */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tests/unit/testapi.h"
#include "libcc/mem.h"
#include "libcc/time.h"

#define DAY (86400 * CC_USEC_PER_SEC)

static void fixtures(struct testapi *t, int nactive)
{
	char ts[CC_TIME_BUFSZ], sql[1024];
	int64_t now = cc_time_now();
	/* noon, three UTC days ahead: lands in timeline bucket 3 whatever the hour */
	int64_t in3days = now - now % DAY + 3 * DAY + DAY / 2;

	testapi_sql(t,
		    "INSERT INTO teams (id, name) VALUES ('t1', 'team');"
		    "INSERT INTO owners (id, name, email, team_id) VALUES ('o1', 'o', 'o@x', 't1');"
		    "INSERT INTO issuers (id, name, type) VALUES ('i1', 'iss', 'GenericCA');"
		    "INSERT INTO renewal_policies (id, name, renewal_window_days) VALUES "
		    "('rp', 'rp', 30)");
	/* more than 50 active certificates: v2.1 counted only the first 50 */
	for (int i = 0; i < nactive; i++) {
		snprintf(sql, sizeof(sql),
			 "INSERT INTO managed_certificates (id, name, common_name, owner_id, "
			 "team_id,"
			 " issuer_id, renewal_policy_id, status, expires_at) VALUES ('c%d', 'c%d',"
			 " 'c%d.test', 'o1', 't1', 'i1', 'rp', 'Active', '%s')",
			 i, i, i, cc_time_format_db(now + 90 * DAY, ts));
		testapi_sql(t, sql);
	}
	snprintf(sql, sizeof(sql),
		 "INSERT INTO managed_certificates (id, name, common_name, owner_id, team_id,"
		 " issuer_id, renewal_policy_id, status, expires_at) VALUES "
		 "('e1', 'e1', 'e1.test', 'o1', 't1', 'i1', 'rp', 'Active', '%s'),"
		 "('x1', 'x1', 'x1.test', 'o1', 't1', 'i1', 'rp', 'Expired', NULL),"
		 "('r1', 'r1', 'r1.test', 'o1', 't1', 'i1', 'rp', 'Revoked', NULL)",
		 cc_time_format_db(in3days, ts));
	testapi_sql(t, sql);
	snprintf(sql, sizeof(sql),
		 "INSERT INTO agents (id, name, hostname, api_key_hash, status, last_heartbeat_at)"
		 " VALUES ('a1', 'a1', 'h', 'x', 'Online', '%s'), ('a2', 'a2', 'h', 'x', 'Offline',"
		 " NULL)",
		 cc_time_format_db(now, ts));
	testapi_sql(t, sql);
	snprintf(sql, sizeof(sql),
		 "INSERT INTO jobs (id, type, certificate_id, status, completed_at) VALUES "
		 "('j1', 'Renewal', 'c0', 'Completed', '%s'), ('j2', 'Renewal', 'c1', 'Failed', "
		 "'%s'),"
		 " ('j3', 'Renewal', 'e1', 'AwaitingCSR', NULL)",
		 cc_time_format_db(now, ts), cc_time_format_db(now, ts));
	testapi_sql(t, sql);
}

static json_int_t num(json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

static void test_api_stats__summary_counts_every_row(void **state)
{
	struct testapi *t = TAPI(state);

	fixtures(t, 60);
	assert_status(t, "GET", "/api/v1/stats/summary", NULL, 200);
	assert_int_equal(num(t->json, "total_certificates"), 63);
	assert_int_equal(num(t->json, "expiring_certificates"), 1);
	assert_int_equal(num(t->json, "expired_certificates"), 1);
	assert_int_equal(num(t->json, "revoked_certificates"), 1);
	assert_int_equal(num(t->json, "active_agents"), 1);
	assert_int_equal(num(t->json, "offline_agents"), 1);
	assert_int_equal(num(t->json, "pending_jobs"), 1);
	assert_int_equal(num(t->json, "failed_jobs"), 1);
	assert_int_equal(num(t->json, "complete_jobs"), 1);
	assert_status(t, "GET", "/api/v1/stats/summary", NULL, 200);
	assert_int_equal(testapi_call(t, "GET", "/api/v1/stats/summary", NULL, ""), 401);
}

static void test_api_stats__by_status_and_timelines(void **state)
{
	struct testapi *t = TAPI(state);
	json_t *row;
	size_t i;
	int expiring = 0, active = 0;

	fixtures(t, 5);
	assert_status(t, "GET", "/api/v1/stats/certificates-by-status", NULL, 200);
	json_array_foreach (t->json, i, row) {
		if (!strcmp(json_string_value(json_object_get(row, "status")), "Expiring"))
			expiring = (int)num(row, "count");
		if (!strcmp(json_string_value(json_object_get(row, "status")), "Active"))
			active = (int)num(row, "count");
	}
	assert_int_equal(expiring, 1);
	assert_int_equal(active, 5);
	assert_status(t, "GET", "/api/v1/stats/expiration-timeline?days=7", NULL, 200);
	assert_int_equal(json_array_size(t->json), 7);
	assert_int_equal(num(json_array_get(t->json, 3), "count"), 1);
	assert_status(t, "GET", "/api/v1/stats/expiration-timeline?days=0", NULL, 400);
	assert_status(t, "GET", "/api/v1/stats/expiration-timeline?days=x", NULL, 400);
	assert_status(t, "GET", "/api/v1/stats/job-trends?days=2", NULL, 200);
	assert_int_equal(json_array_size(t->json), 2);
	row = json_array_get(t->json, 1);
	assert_int_equal(num(row, "completed_count"), 1);
	assert_int_equal(num(row, "failed_count"), 1);
	assert_true(json_real_value(json_object_get(row, "success_rate")) == 50.0);
	assert_status(t, "GET", "/api/v1/stats/issuance-rate", NULL, 200);
	assert_int_equal(json_array_size(t->json), 30);
}

static void test_api_stats__metrics(void **state)
{
	struct testapi *t = TAPI(state);
	const char *names[] = { "certctl_certificate_total",
				"certctl_certificate_active",
				"certctl_certificate_expiring_soon",
				"certctl_certificate_expired",
				"certctl_certificate_revoked",
				"certctl_agent_total",
				"certctl_agent_online",
				"certctl_job_pending",
				"certctl_job_completed_total",
				"certctl_job_failed_total",
				"certctl_uptime_seconds" };

	fixtures(t, 2);
	assert_status(t, "GET", "/api/v1/metrics", NULL, 200);
	assert_int_equal(num(json_object_get(t->json, "gauge"), "certificate_total"), 5);
	assert_int_equal(num(json_object_get(t->json, "gauge"), "certificate_active"), 2);
	assert_int_equal(num(json_object_get(t->json, "counter"), "job_failed_total"), 1);
	assert_status(t, "GET", "/api/v1/metrics/prometheus", NULL, 200);
	assert_string_equal(testapi_header(t, "Content-Type"),
			    "text/plain; version=0.0.4; charset=utf-8");
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char want[128];
		snprintf(want, sizeof(want), "# TYPE %s ", names[i]);
		assert_non_null(strstr(t->body, want));
	}
	assert_non_null(strstr(t->body, "\ncertctl_certificate_total 5\n"));
	assert_non_null(strstr(t->body, "# TYPE certctl_job_failed_total counter\n"));
	assert_true(t->body[strlen(t->body) - 1] == '\n' && t->body[strlen(t->body) - 2] != '\n');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_api_stats__summary_counts_every_row, testapi_reset),
		cmocka_unit_test_setup(test_api_stats__by_status_and_timelines, testapi_reset),
		cmocka_unit_test_setup(test_api_stats__metrics, testapi_reset),
	};
	return cmocka_run_group_tests_name("api-stats", tests, testapi_setup, testapi_teardown);
}
