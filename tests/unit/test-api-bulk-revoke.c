/* test-api-bulk-revoke.c: POST /api/v1/certificates/bulk-revoke — every criterion alone
 * and combined, ids intersected with filters, validation, skips, unknown ids, partial
 * failure (no version, an issuer that cannot be told), the audit trail, dry runs, more than
 * 10,000 matches through the background path, and resuming a job whose runner died */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tests/unit/testapi.h"
#include "daemon/bulk-revoke.h"
#include "libcc/db.h"
#include "libcc/mem.h"
#include "libcc/time.h"

#define BULK "/api/v1/certificates/bulk-revoke"

static void fixtures(struct testapi *t)
{
	testapi_sql(t,
		    "INSERT INTO teams (id, name) VALUES ('t1', 'one'), ('t2', 'two');"
		    "INSERT INTO owners (id, name, email, team_id) VALUES ('o1', 'o1', 'o1@x.io', "
		    "'t1'), ('o2', 'o2', 'o2@x.io', 't2'), ('o3', 'o3', 'o3@x.io', 't1');"
		    "INSERT INTO renewal_policies (id, name, renewal_window_days) VALUES ('rp', "
		    "'rp', 30);"
		    "INSERT INTO issuers (id, name, type) VALUES ('i1', 'Local', 'GenericCA'), "
		    "('ix', 'gone', 'NoSuchCA');"
		    "INSERT INTO certificate_profiles (id, name) VALUES ('p1', 'p1'), ('p2', 'p2');"
		    "INSERT INTO agents (id, name, hostname, api_key_hash, status) VALUES "
		    "('a1', 'a1', 'h', 'x', 'Online');"
		    "INSERT INTO deployment_targets (id, name, type, agent_id, config) VALUES "
		    "('tg1', 'n1', 'NGINX', 'a1', '{}')");
}

/* a certificate with an issued version (serial = hex of n) unless serial is false */
static void mk(struct testapi *t, const char *id, const char *owner, const char *team,
	       const char *issuer, const char *profile, const char *status, bool serial, int n)
{
	char *sql = cc_xasprintf(
		"INSERT INTO managed_certificates (id, name, common_name, owner_id, team_id, "
		"issuer_id, renewal_policy_id, certificate_profile_id, status) VALUES ('%s', '%s', "
		"'%s.example.com', '%s', '%s', '%s', 'rp', '%s', '%s')",
		id, id, id, owner, team, issuer, profile, status);

	testapi_sql(t, sql);
	free(sql);
	if (!serial)
		return;
	sql = cc_xasprintf("INSERT INTO certificate_versions (id, certificate_id, serial_number, "
			   "not_before, not_after, fingerprint_sha256, pem_chain) VALUES "
			   "('v-%s', '%s', '%x', '2026-01-01T00:00:00Z', '2027-01-01T00:00:00Z', "
			   "'fp-%s', 'pem')",
			   id, id, 0x1000 + n, id);
	testapi_sql(t, sql);
	free(sql);
}

/* c1..c6 over owners, teams, issuers, profiles and one agent target */
static int reset(void **state)
{
	struct testapi *t = TAPI(state);

	testapi_reset(state);
	fixtures(t);
	mk(t, "c1", "o1", "t1", "i1", "p1", "Active", true, 1);
	mk(t, "c2", "o1", "t1", "i1", "p2", "Active", true, 2);
	mk(t, "c3", "o2", "t2", "i1", "p1", "Active", true, 3);
	mk(t, "c4", "o3", "t2", "i1", "p2", "Expiring", true, 4); /* owner in t1, cert in t2 */
	mk(t, "c5", "o2", "t2", "ix", "p1", "Active", true, 5);
	mk(t, "c6", "o2", "t2", "i1", "p2", "Active", true, 6);
	testapi_sql(t, "INSERT INTO certificate_target_mappings (certificate_id, target_id) "
		       "VALUES ('c2', 'tg1'), ('c6', 'tg1')");
	return 0;
}

/* the dry run's would_revoke ids joined with ',' (static buffer) */
static const char *preview(struct testapi *t, const char *criteria)
{
	static char out[512];
	char *body = cc_xasprintf("{%s, \"dry_run\": true}", criteria);
	json_t *ids, *id;
	size_t i;

	assert_status(t, "POST", BULK, body, 200);
	free(body);
	out[0] = '\0';
	ids = json_object_get(t->json, "would_revoke");
	json_array_foreach (ids, i, id) {
		strncat(out, i ? "," : "", sizeof(out) - strlen(out) - 1);
		strncat(out, json_string_value(id), sizeof(out) - strlen(out) - 1);
	}
	return out;
}

static json_int_t num(struct testapi *t, const char *key)
{
	json_t *v = json_object_get(t->json, key);

	if (!json_is_integer(v))
		fail_msg("%s missing in %s", key, t->body);
	return json_integer_value(v);
}

static void test_bulk__each_criterion_and_combinations(void **state)
{
	struct testapi *t = TAPI(state);

	assert_string_equal(preview(t, "\"profile_id\": \"p1\""), "c1,c3,c5");
	assert_string_equal(preview(t, "\"owner_id\": \"o1\""), "c1,c2");
	assert_string_equal(preview(t, "\"agent_id\": \"a1\""), "c2,c6");
	assert_string_equal(preview(t, "\"issuer_id\": \"ix\""), "c5");
	/* the team's own certificates and those whose owner is in it */
	assert_string_equal(preview(t, "\"team_id\": \"t1\""), "c1,c2,c4");
	assert_string_equal(preview(t, "\"certificate_ids\": [\"c3\", \"c1\", \"c3\"]"), "c1,c3");
	/* AND */
	assert_string_equal(preview(t, "\"profile_id\": \"p1\", \"owner_id\": \"o2\""), "c3,c5");
	assert_string_equal(preview(t, "\"team_id\": \"t2\", \"agent_id\": \"a1\""), "c6");
	assert_string_equal(preview(t, "\"issuer_id\": \"i1\", \"profile_id\": \"p2\", "
				       "\"owner_id\": \"o3\""),
			    "c4");
	assert_string_equal(preview(t, "\"owner_id\": \"o1\", \"profile_id\": \"nope\""), "");
	/* ids intersected with the filters */
	assert_string_equal(preview(t, "\"owner_id\": \"o2\", \"certificate_ids\": [\"c1\", "
				       "\"c3\", \"c6\"]"),
			    "c3,c6");
	/* and nothing was written by any of it */
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM certificate_revocations"), 0);
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM jobs"), 0);

	/* a real run with combined criteria touches exactly the matches */
	assert_status(t, "POST", BULK, "{\"profile_id\": \"p1\", \"owner_id\": \"o2\"}", 200);
	assert_string_equal(testapi_str(t, "status"), "Completed");
	assert_int_equal(num(t, "total_matched"), 2);
	assert_int_equal(num(t, "affected_count"), 2);
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM managed_certificates WHERE "
					  "status = 'Revoked' AND id IN ('c3', 'c5')"),
			 2);
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM managed_certificates WHERE "
					  "status = 'Revoked'"),
			 2);
}

static void test_bulk__validation(void **state)
{
	struct testapi *t = TAPI(state);
	static const char *const bad[] = {
		"{}",
		"{\"reason\": \"keyCompromise\"}",
		"{\"owner_id\": \"\"}",
		"{\"certificate_ids\": []}",
		"{\"owner_id\": \"o1\", \"reason\": \"KeyCompromise\"}",
		"{\"owner_id\": \"o1\", \"reason\": \"bogus\"}",
		"{\"owner_id\": 7}",
		"{\"certificate_ids\": \"c1\"}",
		"{\"certificate_ids\": [\"c1\", 2]}",
		"{\"owner_id\": \"o1\", \"dry_run\": \"yes\"}",
		"{\"owner_id\": \"o1\", \"limit\": 5}",
		"{\"owner_id\": \"o1\"",
		"[\"c1\"]",
		"",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int st = testapi_call(t, "POST", BULK, bad[i], NULL);
		if (st != 400)
			fail_msg("%s: status %d: %s", bad[i], st, t->body);
		assert_non_null(json_string_value(json_object_get(t->json, "message")));
	}
	testapi_call(t, "POST", BULK, "{}", NULL);
	assert_non_null(strstr(t->body, "At least one filter criterion is required"));
	testapi_call(t, "POST", BULK, "{\"owner_id\": \"o1\", \"reason\": \"bogus\"}", NULL);
	assert_non_null(strstr(t->body, "Invalid revocation reason: bogus"));
	assert_int_equal(testapi_call(t, "POST", BULK, "{\"owner_id\": \"o1\"}", ""), 401);
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM certificate_revocations"), 0);
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM jobs"), 0);

	/* the reason defaults to unspecified */
	assert_status(t, "POST", BULK, "{\"owner_id\": \"o1\"}", 200);
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM certificate_revocations WHERE "
					  "reason = 'unspecified' AND revoked_by <> 'anonymous'"),
			 2);
}

static void test_bulk__skips_and_unknown_ids(void **state)
{
	struct testapi *t = TAPI(state);
	json_t *nf;

	testapi_sql(t, "UPDATE managed_certificates SET status = 'Revoked' WHERE id = 'c3';"
		       "UPDATE managed_certificates SET status = 'Archived' WHERE id = 'c6'");
	assert_status(t, "POST", BULK,
		      "{\"reason\": \"superseded\", \"certificate_ids\": [\"c1\", \"c3\", "
		      "\"c6\", \"ghost\", \"c2\", \"gone\"]}",
		      200);
	assert_int_equal(num(t, "total_matched"), 4);
	assert_int_equal(num(t, "total_revoked"), 2);
	assert_int_equal(num(t, "total_skipped"), 2);
	assert_int_equal(num(t, "total_failed"), 0);
	nf = json_object_get(t->json, "not_found");
	assert_int_equal(json_array_size(nf), 2);
	assert_string_equal(json_string_value(json_array_get(nf, 0)), "ghost");
	assert_string_equal(json_string_value(json_array_get(nf, 1)), "gone");
	/* skipped ones keep their state and get no record */
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM managed_certificates WHERE id = "
					  "'c6' AND status = 'Archived'"),
			 1);
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM certificate_revocations"), 2);
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM certificate_revocations WHERE "
					  "reason = 'superseded'"),
			 2);
}

static void test_bulk__partial_failure(void **state)
{
	struct testapi *t = TAPI(state);
	json_t *errors, *issuer_errors;

	mk(t, "c7", "o2", "t2", "i1", "p1", "Pending", false, 7); /* never issued */
	assert_status(t, "POST", BULK, "{\"owner_id\": \"o2\", \"reason\": \"keyCompromise\"}",
		      200);
	assert_int_equal(num(t, "total_matched"), 4); /* c3 c5 c6 c7 */
	assert_int_equal(num(t, "total_revoked"), 3);
	assert_int_equal(num(t, "total_failed"), 1);
	errors = json_object_get(t->json, "errors");
	assert_int_equal(json_array_size(errors), 1);
	assert_string_equal(
		json_string_value(json_object_get(json_array_get(errors, 0), "certificate_id")),
		"c7");
	assert_non_null(
		strstr(json_string_value(json_object_get(json_array_get(errors, 0), "error")),
		       "no issued version"));
	/* c5's issuer has no connector: revoked all the same, and said so */
	issuer_errors = json_object_get(t->json, "issuer_errors");
	assert_int_equal(json_array_size(issuer_errors), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(issuer_errors, 0),
							      "certificate_id")),
			    "c5");
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM certificate_revocations WHERE "
					  "certificate_id = 'c5' AND NOT issuer_notified"),
			 1);
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM certificate_revocations WHERE "
					  "issuer_notified"),
			 2);
	assert_string_equal(testapi_str(t, "status"), "Completed");

	/* nothing revocable at all: the job fails */
	assert_status(t, "POST", BULK, "{\"certificate_ids\": [\"c7\"]}", 200);
	assert_string_equal(testapi_str(t, "status"), "Failed");
}

/* audit_events is append-only, so tests count what they add */
#define C1_REVOKED                                                                                 \
	"SELECT COUNT(*) FROM audit_events WHERE action = 'certificate_revoked' AND "              \
	"resource_id = 'c1' AND details LIKE '%\"serial\":\"1001\"%'"

static void test_bulk__audit_and_notifications(void **state)
{
	struct testapi *t = TAPI(state);
	long long before = testapi_count(t, C1_REVOKED);
	const char *job;

	assert_status(t, "POST", BULK,
		      "{\"team_id\": \"t1\", \"profile_id\": \"p1\", \"reason\": \"caCompromise\", "
		      "\"certificate_ids\": [\"c1\", \"c3\"]}",
		      200);
	job = testapi_str(t, "job_id");
	/* the response repeats the criteria it ran with */
	json_t *crit = json_object_get(t->json, "criteria");
	assert_string_equal(json_string_value(json_object_get(crit, "team_id")), "t1");
	assert_string_equal(json_string_value(json_object_get(crit, "profile_id")), "p1");
	assert_int_equal(json_array_size(json_object_get(crit, "certificate_ids")), 2);
	assert_null(json_object_get(crit, "owner_id"));
	assert_int_equal(num(t, "affected_count"), 1);
	assert_int_equal(testapi_count(t, C1_REVOKED), before + 1);
	assert_int_equal(
		testapi_countf(t,
			       "SELECT COUNT(*) FROM audit_events WHERE action = "
			       "'bulk_revocation_initiated' AND actor <> 'anonymous' AND "
			       "actor_type = 'User' AND resource_id = 'bulk' AND details LIKE "
			       "'%%\"team_id\":\"t1\"%%' AND details LIKE "
			       "'%%\"profile_id\":\"p1\"%%' AND details LIKE "
			       "'%%\"reason\":\"caCompromise\"%%' AND details LIKE "
			       "'%%\"total_revoked\":1%%' AND details LIKE "
			       "'%%\"total_matched\":1%%' AND details LIKE '%%\"job_id\":\"%s\"%%'",
			       job),
		1);
	/* one summary per owner, not one message per certificate */
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM notification_events WHERE type = "
					  "'Revocation' AND recipient = 'o1@x.io'"),
			 1);
}

#define REVOCATION_EVENTS                                                                          \
	"SELECT COUNT(*) FROM audit_events WHERE action IN ('certificate_revoked', "               \
	"'bulk_revocation_initiated')"

static void test_bulk__dry_run_writes_nothing(void **state)
{
	struct testapi *t = TAPI(state);
	long long events = testapi_count(t, REVOCATION_EVENTS);
	testapi_sql(t, "UPDATE managed_certificates SET status = 'Revoked' WHERE id = 'c2'");
	assert_status(t, "POST", BULK,
		      "{\"owner_id\": \"o1\", \"certificate_ids\": [\"c1\", \"c2\", \"zz\"], "
		      "\"dry_run\": true, \"reason\": \"keyCompromise\"}",
		      200);
	assert_int_equal(num(t, "total_matched"), 2);
	assert_int_equal(num(t, "would_revoke_count"), 1);
	assert_int_equal(num(t, "would_skip_count"), 1);
	assert_string_equal(
		json_string_value(json_array_get(json_object_get(t->json, "would_skip"), 0)), "c2");
	assert_string_equal(
		json_string_value(json_array_get(json_object_get(t->json, "not_found"), 0)), "zz");
	assert_null(json_object_get(t->json, "job_id"));
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM certificate_revocations"), 0);
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM jobs"), 0);
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM managed_certificates WHERE "
					  "status = 'Revoked'"),
			 1);
	assert_int_equal(testapi_count(t, REVOCATION_EVENTS), events);
}

#define REVOKED_EVENTS "SELECT COUNT(*) FROM audit_events WHERE action = 'certificate_revoked'"
#define BULK_EVENTS "SELECT COUNT(*) FROM audit_events WHERE action = 'bulk_revocation_initiated'"

/* many certificates of owner o9 with versions, inserted in one statement */
static void many(struct testapi *t, int n)
{
	char *sql;

	testapi_sql(t, "INSERT INTO owners (id, name, email, team_id) VALUES ('o9', 'o9', "
		       "'o9@x.io', 't1')");
	sql = cc_xasprintf(
		"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %d) "
		"INSERT INTO managed_certificates (id, name, common_name, owner_id, team_id, "
		"issuer_id, renewal_policy_id, status) SELECT printf('m%%06d', i), "
		"printf('m%%06d', "
		"i), 'm.example.com', 'o9', 't1', 'i1', 'rp', 'Active' FROM n",
		n);
	testapi_sql(t, sql);
	free(sql);
	testapi_sql(t,
		    "INSERT INTO certificate_versions (id, certificate_id, serial_number, "
		    "not_before, not_after, fingerprint_sha256, pem_chain) SELECT 'v' || id, id, "
		    "printf('%x', 1000000 + rowid), '2026-01-01T00:00:00Z', "
		    "'2027-01-01T00:00:00Z', 'fp' || id, 'pem' FROM managed_certificates WHERE "
		    "owner_id = 'o9'");
}

static void test_bulk__over_ten_thousand_in_the_background(void **state)
{
	struct testapi *t = TAPI(state);
	struct cc_err err = CC_ERR_INIT;
	char job[96], path[160];
	long long events = testapi_count(t, REVOKED_EVENTS);

	many(t, 10050);
	assert_status(t, "POST", BULK, "{\"owner_id\": \"o9\", \"reason\": \"superseded\"}", 202);
	snprintf(job, sizeof(job), "%s", testapi_str(t, "job_id"));
	assert_string_equal(testapi_str(t, "status"), "Pending");
	assert_int_equal(num(t, "affected_count"), 10050);
	/* no worker thread here: one pass of its work */
	assert_int_equal(api_bulk_work(&t->app, "test-worker", 0, &err), 1);
	snprintf(path, sizeof(path), "/api/v1/jobs/%s", job);
	assert_status(t, "GET", path, NULL, 200);
	assert_string_equal(testapi_str(t, "status"), "Completed");
	assert_string_equal(testapi_str(t, "type"), "BulkRevocation");
	assert_int_equal(
		json_integer_value(json_object_get(t->json, "result")
					   ? json_object_get(json_object_get(t->json, "result"),
							     "total_revoked")
					   : NULL),
		10050);
	assert_int_equal(
		json_integer_value(json_object_get(json_object_get(t->json, "progress"), "done")),
		10050);
	assert_int_equal(testapi_count(t,
				       "SELECT COUNT(*) FROM managed_certificates WHERE owner_id "
				       "= 'o9' AND status = 'Revoked'"),
			 10050);
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM certificate_revocations"), 10050);
	assert_int_equal(testapi_count(t, REVOKED_EVENTS), events + 10050);
}

static void test_bulk__resume_after_the_runner_died(void **state)
{
	struct testapi *t = TAPI(state);
	struct cc_err err = CC_ERR_INIT;
	struct cc_dbc *c;
	char job[96], *claimed = NULL;
	long long events = testapi_count(t, REVOKED_EVENTS),
		  bulk_events = testapi_count(t, BULK_EVENTS);

	many(t, 3000);
	assert_status(t, "POST", BULK, "{\"owner_id\": \"o9\"}", 202);
	snprintf(job, sizeof(job), "%s", testapi_str(t, "job_id"));
	/* a runner takes it, does one batch and dies holding the lease */
	c = cc_db_get(t->app.db, &err);
	assert_non_null(c);
	assert_int_equal(api_bulk_claim(c, "dead", cc_time_now(), &claimed, &err), 0);
	assert_string_equal(claimed, job);
	assert_int_equal(api_bulk_run(&t->app, c, job, "dead", 1, &err), 0);
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM certificate_revocations"), 500);
	/* GET /jobs/{id} shows it under way, done of total */
	assert_int_equal(testapi_callf(t, "GET", NULL, "/api/v1/jobs/%s", job), 200);
	assert_string_equal(testapi_str(t, "status"), "Running");
	assert_int_equal(
		json_integer_value(json_object_get(json_object_get(t->json, "progress"), "done")),
		500);
	assert_int_equal(
		json_integer_value(json_object_get(json_object_get(t->json, "progress"), "total")),
		3000);
	/* while the lease holds, nobody else runs it */
	assert_int_equal(api_bulk_work(&t->app, "other", 0, &err), 0);
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM certificate_revocations"), 500);
	/* the lease runs out: the job is taken over and finished, each certificate once */
	testapi_sql(t, "UPDATE jobs SET scheduled_at = '2000-01-01T00:00:00Z' WHERE type = "
		       "'BulkRevocation'");
	assert_int_equal(api_bulk_work(&t->app, "other", 0, &err), 1);
	/* the dead runner waking up finds the job is no longer its own */
	assert_int_equal(api_bulk_run(&t->app, c, job, "dead", 0, &err), 1);
	cc_db_put(t->app.db, c);
	free(claimed);
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM certificate_revocations"), 3000);
	assert_int_equal(testapi_count(t, REVOKED_EVENTS), events + 3000);
	assert_int_equal(testapi_count(t, BULK_EVENTS), bulk_events + 1);
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM bulk_revocation_items WHERE state "
					  "<> 'revoked'"),
			 0);
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM jobs WHERE status = 'Completed' "
					  "AND progress_done = 3000"),
			 1);
}

static void test_bulk__cancelled_job_stops(void **state)
{
	struct testapi *t = TAPI(state);
	struct cc_err err = CC_ERR_INIT;
	char path[160];

	many(t, 2500);
	assert_status(t, "POST", BULK, "{\"owner_id\": \"o9\"}", 202);
	snprintf(path, sizeof(path), "/api/v1/jobs/%s/cancel", testapi_str(t, "job_id"));
	assert_status(t, "POST", path, "{}", 200);
	assert_int_equal(api_bulk_work(&t->app, "w", 0, &err), 0);
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM certificate_revocations"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_bulk__each_criterion_and_combinations, reset),
		cmocka_unit_test_setup(test_bulk__validation, reset),
		cmocka_unit_test_setup(test_bulk__skips_and_unknown_ids, reset),
		cmocka_unit_test_setup(test_bulk__partial_failure, reset),
		cmocka_unit_test_setup(test_bulk__audit_and_notifications, reset),
		cmocka_unit_test_setup(test_bulk__dry_run_writes_nothing, reset),
		cmocka_unit_test_setup(test_bulk__over_ten_thousand_in_the_background, reset),
		cmocka_unit_test_setup(test_bulk__resume_after_the_runner_died, reset),
		cmocka_unit_test_setup(test_bulk__cancelled_job_stops, reset),
	};

	return cmocka_run_group_tests_name("api-bulk-revoke", tests, testapi_setup,
					   testapi_teardown);
}
