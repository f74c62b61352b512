/* test-api-plans.c: look-ups whose work follows their answer, not the size of the table
 * they read. SQLite plans without statistics, and for each of these it once chose an
 * index that read every row of a type or status (migration 0021). Work is counted in
 * SQLite VM steps (cc_db_vm_steps), which do not depend on the machine's speed: each test
 * measures a look-up, adds thousands of rows it must not read, and measures it again. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tests/unit/testapi.h"
#include "daemon/audit-writer.h"
#include "daemon/sched.h"
#include "libcc/db.h"
#include "libcc/mem.h"
#include "libcc/time.h"

#define NOISE 3000

/* VM steps of one request, its own audit event included */
static uint64_t steps_of(struct testapi *t, const char *path)
{
	uint64_t s0;

	api_audit_flush(t->app.audit);
	s0 = cc_db_vm_steps(t->app.db);
	assert_status(t, "GET", path, NULL, 200);
	api_audit_flush(t->app.audit);
	return cc_db_vm_steps(t->app.db) - s0;
}

static void assert_flat(const char *what, uint64_t before, uint64_t after)
{
	if (after > before * 2)
		fail_msg("%s: %llu VM steps with %d more rows it does not answer with, %llu "
			 "before: it reads them",
			 what, (unsigned long long)after, NOISE, (unsigned long long)before);
}

static int reset(void **state)
{
	struct testapi *t = TAPI(state);

	testapi_reset(state);
	testapi_sql(t, "INSERT INTO teams (id, name) VALUES ('t1', 'team');"
		       "INSERT INTO owners (id, name, email, team_id) VALUES "
		       "('o1', 'o', 'o@x.io', 't1');"
		       "INSERT INTO renewal_policies (id, name, renewal_window_days) VALUES "
		       "('rp', 'rp', 30);"
		       "INSERT INTO issuers (id, name, type) VALUES ('i1', 'Local', 'GenericCA');"
		       "INSERT INTO certificate_profiles (id, name, allow_short_lived, "
		       "max_ttl_seconds) VALUES ('p-short', 'short', TRUE, 600);");
	return 0;
}

/* n certificates PREFIX-k, Active, expired a minute ago, of profile (NULL: none) */
static void certs(struct testapi *t, const char *prefix, int n, const char *profile)
{
	char at[CC_TIME_BUFSZ];
	char *sql = cc_xasprintf(
		"WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < %d) "
		"INSERT INTO managed_certificates (id, name, common_name, owner_id, team_id, "
		"issuer_id, renewal_policy_id, certificate_profile_id, status, expires_at) "
		"SELECT '%s-' || i, '%s-' || i, 'x.example.com', 'o1', 't1', 'i1', 'rp', %s%s%s, "
		"'Active', '%s' FROM k",
		n, prefix, prefix, profile ? "'" : "", profile ? profile : "NULL",
		profile ? "'" : "", cc_time_format_db(cc_time_now() - 60 * CC_USEC_PER_SEC, at));

	testapi_sql(t, sql);
	free(sql);
}

/* n notifications of one certificate with a status, all written in the same instant (as
 * one renewal check writes them) */
static void notifications(struct testapi *t, const char *prefix, int n, const char *status)
{
	char *sql = cc_xasprintf(
		"WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < %d) "
		"INSERT INTO notification_events (id, type, certificate_id, channel, recipient, "
		"message, status, created_at) SELECT '%s-' || i, 'ExpirationWarning', '%s', "
		"'Email', 'o@x.io', 'expires soon', '%s', '2026-11-01T00:00:00.000000Z' FROM k",
		n, prefix, "c-1", status);

	testapi_sql(t, sql);
	free(sql);
}

static void test_api_plans__notification_lists(void **state)
{
	struct testapi *t = TAPI(state);
	uint64_t all, pending, more;

	certs(t, "c", 1, NULL);
	notifications(t, "few", 60, "pending");
	all = steps_of(t, "/api/v1/notifications?per_page=20");
	pending = steps_of(t, "/api/v1/notifications?status=pending&per_page=20");
	notifications(t, "sent", NOISE, "sent");
	assert_flat("GET /notifications", all, steps_of(t, "/api/v1/notifications?per_page=20"));
	assert_flat("GET /notifications?status=pending", pending,
		    steps_of(t, "/api/v1/notifications?status=pending&per_page=20"));
	/* rows that match: the total counts them (a few steps each), the page is read from
	 * the index in order, not sorted out of all of them (some twenty steps each) */
	notifications(t, "pending", NOISE, "pending");
	more = steps_of(t, "/api/v1/notifications?status=pending&per_page=20");
	if (more - pending > 5 * NOISE)
		fail_msg("GET /notifications?status=pending: %llu VM steps for %d more matching "
			 "rows: the page is sorted, not read in order",
			 (unsigned long long)(more - pending), NOISE);
}

/* audit rows are never deleted: this test's resource ids carry the test's start time */
static void test_api_plans__audit_of_one_resource(void **state)
{
	struct testapi *t = TAPI(state);
	long long tag = (long long)cc_time_now();
	char *list = cc_xasprintf("/api/v1/audit?resource_id=plan-%lld", tag);
	char *get = cc_xasprintf("/api/v1/audit/plan-%lld", tag);
	char *sql = cc_xasprintf(
		"INSERT INTO audit_events (id, actor, actor_type, action, resource_type, "
		"resource_id) VALUES ('plan-ev-%lld', 'me', 'User', 'created', 'certificate', "
		"'plan-%lld')",
		tag, tag);
	uint64_t by_list, by_get;

	testapi_sql(t, sql);
	free(sql);
	by_list = steps_of(t, list);
	by_get = steps_of(t, get);
	sql = cc_xasprintf(
		"WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < %d) "
		"INSERT INTO audit_events (id, actor, actor_type, action, resource_type, "
		"resource_id) SELECT 'plan-noise-%lld-' || i, 'me', 'User', 'updated', "
		"'certificate', 'plan-other-%lld-' || i FROM k",
		NOISE, tag, tag);
	testapi_sql(t, sql);
	free(sql);
	assert_flat("GET /audit?resource_id=", by_list, steps_of(t, list));
	assert_flat("GET /audit/{resource id}", by_get, steps_of(t, get));
	free(list);
	free(get);
}

static uint64_t steps_of_short_lived_tick(struct testapi *t, int want)
{
	struct cc_err err = CC_ERR_INIT;
	struct api_tick k = { .app = &t->app, .now = cc_time_now() };
	uint64_t s0 = cc_db_vm_steps(t->app.db);

	assert_int_equal(api_short_lived_tick(&k, &err), want);
	return cc_db_vm_steps(t->app.db) - s0;
}

/* the 30 s loop expires the short-lived certificates due; it once read every Active one */
static void test_api_plans__short_lived_loop(void **state)
{
	struct testapi *t = TAPI(state);
	uint64_t before;

	certs(t, "short-a", 5, "p-short");
	before = steps_of_short_lived_tick(t, 5);
	certs(t, "long", NOISE, NULL);
	certs(t, "short-b", 5, "p-short");
	assert_flat("short-lived expiry", before, steps_of_short_lived_tick(t, 5));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_api_plans__notification_lists, reset),
		cmocka_unit_test_setup(test_api_plans__audit_of_one_resource, reset),
		cmocka_unit_test_setup(test_api_plans__short_lived_loop, reset),
	};

	/* SQLite only: PostgreSQL plans from statistics and counts no steps */
	return cmocka_run_group_tests_name("api plans [sqlite]", tests, testapi_setup,
					   testapi_teardown);
}
