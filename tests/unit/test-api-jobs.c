/* test-api-jobs.c: jobs — list filters, reads, cancel/approve/reject transitions with their
 * audit events, and TLS verification reports (persisted, agent ownership) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tests/unit/testapi.h"
#include "daemon/auth.h"
#include "libcc/err.h"
#include "libcc/mem.h"

#define JOBS "/api/v1/jobs"
#define FP_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define FP_B "BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB"

/* two agents, a target of a1, jobs in every interesting status (p = id prefix) */
static void fixtures(struct testapi *t)
{
	testapi_sql(
		t,
		"INSERT INTO agents (id, name, hostname, api_key_hash) VALUES "
		"('a1', 'a1', 'h1', 'x'), ('a2', 'a2', 'h2', 'y');"
		"INSERT INTO deployment_targets (id, name, type, agent_id) VALUES "
		"('tg1', 't1', 'NGINX', 'a1');"
		"INSERT INTO jobs (id, type, status, agent_id, target_id, created_at) VALUES "
		"('j-pend', 'Renewal', 'Pending', NULL, NULL, '2026-01-01T00:00:01.000000Z'),"
		"('j-csr', 'Issuance', 'AwaitingCSR', NULL, NULL, '2026-01-01T00:00:02.000000Z'),"
		"('j-appr', 'Renewal', 'AwaitingApproval', NULL, NULL, "
		"'2026-01-01T00:00:03.000000Z'),"
		"('j-run', 'Deployment', 'Running', 'a1', 'tg1', '2026-01-01T00:00:04.000000Z'),"
		"('j-done', 'Deployment', 'Completed', NULL, 'tg1', "
		"'2026-01-01T00:00:05.000000Z'),"
		"('j-fail', 'Deployment', 'Failed', 'a2', NULL, '2026-01-01T00:00:06.000000Z')");
}

static const char *job_col(struct testapi *t, const char *id, const char *col)
{
	static char out[256];
	char *sql = cc_xasprintf("SELECT COUNT(*) FROM jobs WHERE id = '%s'", id);

	assert_int_equal(testapi_count(t, sql), 1);
	free(sql);
	assert_int_equal(testapi_callf(t, "GET", NULL, JOBS "/%s", id), 200);
	snprintf(out, sizeof(out), "%s", testapi_str(t, col));
	return out;
}

static long long audit_rows(struct testapi *t, const char *action, const char *id)
{
	char *sql = cc_xasprintf("SELECT COUNT(*) FROM audit_events WHERE action = '%s' AND "
				 "resource_type = 'job' AND resource_id = '%s'",
				 action, id);
	long long n = testapi_count(t, sql);

	free(sql);
	return n;
}

static char *agent_key(struct testapi *t, const char *agent_id)
{
	struct cc_err err = CC_ERR_INIT;
	char *key = NULL, *id = NULL;

	if (api_auth_create_key(t->app.db, agent_id, "agent", agent_id, &key, &id, &err) < 0)
		fail_msg("agent key: %s", err.msg);
	free(id);
	return key;
}

static const char *data_id(struct testapi *t, size_t i)
{
	json_t *o = json_array_get(json_object_get(t->json, "data"), i);

	return json_string_value(json_object_get(o, "id"));
}

static long long total(struct testapi *t)
{
	return json_integer_value(json_object_get(t->json, "total"));
}

/* ---- list, get ---- */

static void test_api_jobs__list(void **state)
{
	struct testapi *t = TAPI(state);

	fixtures(t);
	assert_status(t, "GET", JOBS, NULL, 200);
	assert_int_equal(total(t), 6);
	assert_string_equal(data_id(t, 0), "j-fail"); /* newest first */
	assert_string_equal(data_id(t, 5), "j-pend");
	assert_int_equal(json_integer_value(json_object_get(t->json, "page")), 1);
	assert_int_equal(json_integer_value(json_object_get(t->json, "per_page")), 50);
	assert_status(t, "GET", JOBS "?status=Pending", NULL, 200);
	assert_int_equal(total(t), 1);
	assert_string_equal(data_id(t, 0), "j-pend");
	assert_status(t, "GET", JOBS "?type=Deployment", NULL, 200);
	assert_int_equal(total(t), 3);
	assert_status(t, "GET", JOBS "?type=deployment", NULL, 200); /* exact */
	assert_int_equal(total(t), 0);
	assert_status(t, "GET", JOBS "?agent_id=a1", NULL, 200);
	assert_int_equal(total(t), 1);
	assert_string_equal(data_id(t, 0), "j-run");
	assert_status(t, "GET", JOBS "?certificate_id=nope", NULL, 200);
	assert_int_equal(total(t), 0);
	assert_non_null(json_object_get(t->json, "data"));
	assert_status(t, "GET", JOBS "?per_page=2&page=2", NULL, 200);
	assert_int_equal(total(t), 6);
	assert_string_equal(data_id(t, 0), "j-run");
	assert_status(t, "GET", JOBS "?page_size=4", NULL, 200);
	assert_int_equal(json_array_size(json_object_get(t->json, "data")), 4);
	assert_true(*testapi_str(t, "next_cursor"));
	assert_status(t, "GET", JOBS "?per_page=0", NULL, 400);
	assert_status(t, "GET", JOBS "?page=x", NULL, 400);
	assert_status(t, "GET", JOBS "?created_after=yesterday", NULL, 400);
	assert_int_equal(testapi_call(t, "GET", JOBS, NULL, ""), 401);
}

static void test_api_jobs__get(void **state)
{
	struct testapi *t = TAPI(state);

	fixtures(t);
	assert_status(t, "GET", JOBS "/j-run", NULL, 200);
	assert_string_equal(testapi_str(t, "type"), "Deployment");
	assert_string_equal(testapi_str(t, "status"), "Running");
	assert_string_equal(testapi_str(t, "agent_id"), "a1");
	assert_string_equal(testapi_str(t, "target_id"), "tg1");
	assert_string_equal(testapi_str(t, "created_at"), "2026-01-01T00:00:04Z");
	assert_non_null(json_object_get(t->json, "attempts"));
	assert_non_null(json_object_get(t->json, "max_attempts"));
	assert_null(json_object_get(t->json, "deployment_result"));
	assert_status(t, "GET", JOBS "/j-run?fields=id,status", NULL, 200);
	assert_int_equal(json_object_size(t->json), 2);
	assert_status(t, "GET", JOBS "/nope", NULL, 404);
	assert_string_equal(testapi_str(t, "message"), "Job not found: nope");
	assert_int_equal(testapi_call(t, "GET", JOBS "/j-run", NULL, ""), 401);
}

/* ---- cancel, approve, reject ---- */

static void test_api_jobs__cancel(void **state)
{
	struct testapi *t = TAPI(state);
	const char *ok[] = { "j-pend", "j-csr", "j-appr", "j-run" };
	long long before = audit_rows(t, "job_cancelled", "j-pend");

	fixtures(t);
	for (size_t i = 0; i < 4; i++) {
		if (testapi_callf(t, "POST", NULL, JOBS "/%s/cancel", ok[i]) != 200)
			fail_msg("cancel %s: %d %s", ok[i], t->status, t->body);
		assert_string_equal(testapi_str(t, "status"), "job_cancelled");
		assert_string_equal(job_col(t, ok[i], "status"), "Cancelled");
		assert_string_equal(testapi_str(t, "last_error"), "cancelled by user");
		assert_true(*testapi_str(t, "completed_at"));
	}
	assert_int_equal(audit_rows(t, "job_cancelled", "j-pend"), before + 1);
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM audit_events WHERE "
					  "action = 'job_cancelled' AND resource_id = 'j-run' AND "
					  "actor_type = 'User' AND details LIKE "
					  "'%\"previous_status\":\"Running\"%'"),
			 audit_rows(t, "job_cancelled", "j-run"));
	/* final states cannot be cancelled */
	assert_status(t, "POST", JOBS "/j-done/cancel", NULL, 409);
	assert_string_equal(testapi_str(t, "message"), "cannot cancel job with status Completed");
	assert_status(t, "POST", JOBS "/j-pend/cancel", NULL, 409);
	assert_string_equal(testapi_str(t, "message"), "cannot cancel job with status Cancelled");
	assert_status(t, "POST", JOBS "/nope/cancel", NULL, 404);
	assert_status(t, "POST", JOBS "/j-fail/cancel", "{", 400);
	assert_status(t, "POST", JOBS "/j-fail/cancel", "{\"force\":true}", 400);
	assert_status(t, "POST", JOBS "/j-fail/cancel", "[]", 400);
	assert_int_equal(testapi_call(t, "POST", JOBS "/j-fail/cancel", NULL, ""), 401);
	assert_string_equal(job_col(t, "j-fail", "status"), "Failed");
}

static void test_api_jobs__approve(void **state)
{
	struct testapi *t = TAPI(state);
	long long before = audit_rows(t, "job_approved", "j-appr");

	fixtures(t);
	testapi_sql(t, "INSERT INTO jobs (id, type, status) VALUES ('j-appr2', 'Renewal', "
		       "'AwaitingApproval')");
	assert_status(t, "POST", JOBS "/j-appr/approve", "{\"reason\":7}", 400);
	assert_string_equal(testapi_str(t, "message"), "reason: must be a string");
	assert_status(t, "POST", JOBS "/j-appr/approve", "{\"why\":\"x\"}", 400);
	assert_status(t, "POST", JOBS "/j-appr/approve", "{\"reason\":", 400);
	assert_string_equal(job_col(t, "j-appr", "status"), "AwaitingApproval");
	assert_status(t, "POST", JOBS "/j-appr/approve", "{\"reason\":\"change CHG-1\"}", 200);
	assert_string_equal(testapi_str(t, "status"), "job_approved");
	assert_string_equal(job_col(t, "j-appr", "status"), "Pending");
	assert_null(json_object_get(t->json, "completed_at"));
	assert_int_equal(audit_rows(t, "job_approved", "j-appr"), before + 1);
	assert_true(testapi_count(t, "SELECT COUNT(*) FROM audit_events WHERE action = "
				     "'job_approved' AND actor = 'api-key-user' AND details LIKE "
				     "'%\"reason\":\"change CHG-1\"%'") >= 1);
	assert_status(t, "POST", JOBS "/j-appr2/approve", NULL, 200); /* no body */
	assert_status(t, "POST", JOBS "/j-appr/approve", NULL, 409);
	assert_string_equal(testapi_str(t, "message"),
			    "cannot approve job with status Pending (must be AwaitingApproval)");
	assert_status(t, "POST", JOBS "/j-run/approve", "{}", 409);
	assert_status(t, "POST", JOBS "/nope/approve", NULL, 404);
	assert_int_equal(testapi_call(t, "POST", JOBS "/j-appr/approve", NULL, ""), 401);
}

static void test_api_jobs__reject(void **state)
{
	struct testapi *t = TAPI(state);

	fixtures(t);
	testapi_sql(t, "INSERT INTO jobs (id, type, status) VALUES ('j-appr2', 'Renewal', "
		       "'AwaitingApproval')");
	assert_status(t, "POST", JOBS "/j-appr/reject", "{\"reason\":[1]}", 400);
	assert_string_equal(job_col(t, "j-appr", "status"), "AwaitingApproval");
	assert_status(t, "POST", JOBS "/j-appr/reject", "{\"reason\":\"not now\"}", 200);
	assert_string_equal(testapi_str(t, "status"), "job_rejected");
	assert_string_equal(job_col(t, "j-appr", "status"), "Failed");
	assert_string_equal(testapi_str(t, "last_error"), "rejected: not now");
	assert_true(*testapi_str(t, "completed_at"));
	assert_status(t, "POST", JOBS "/j-appr2/reject", "{\"reason\":\"\"}", 200);
	assert_string_equal(job_col(t, "j-appr2", "last_error"), "rejected by user");
	assert_true(audit_rows(t, "job_rejected", "j-appr2") >= 1);
	assert_status(t, "POST", JOBS "/j-appr/reject", NULL, 409);
	assert_string_equal(testapi_str(t, "message"),
			    "cannot reject job with status Failed (must be AwaitingApproval)");
	assert_status(t, "POST", JOBS "/j-pend/reject", NULL, 409);
	assert_status(t, "POST", JOBS "/nope/reject", NULL, 404);
	assert_int_equal(testapi_call(t, "POST", JOBS "/j-appr/reject", NULL, ""), 401);
	/* an agent key may not approve or reject */
	{
		char *key = agent_key(t, "a1");
		assert_int_equal(testapi_call(t, "POST", JOBS "/j-pend/cancel", NULL, key), 403);
		free(key);
	}
	assert_string_equal(job_col(t, "j-pend", "status"), "Pending");
}

/* ---- verification ---- */

#define VERIFY_OK                                                                                  \
	"{\"target_id\":\"tg1\",\"expected_fingerprint\":\"" FP_A "\","                            \
	"\"actual_fingerprint\":\"" FP_A "\",\"verified\":true}"

static void test_api_jobs__verify(void **state)
{
	struct testapi *t = TAPI(state);
	long long before = audit_rows(t, "job_verification_success", "j-done");

	fixtures(t);
	/* nothing reported yet */
	assert_status(t, "GET", JOBS "/j-done/verification", NULL, 200);
	assert_false(json_is_true(json_object_get(t->json, "verified")));
	assert_string_equal(testapi_str(t, "verified_at"), "0001-01-01T00:00:00Z");
	assert_string_equal(testapi_str(t, "target_id"), "tg1");
	assert_string_equal(testapi_str(t, "actual_fingerprint"), "");

	assert_status(t, "POST", JOBS "/j-done/verify", VERIFY_OK, 200);
	assert_string_equal(testapi_str(t, "job_id"), "j-done");
	assert_true(json_is_true(json_object_get(t->json, "verified")));
	assert_true(*testapi_str(t, "verified_at"));
	assert_int_equal(audit_rows(t, "job_verification_success", "j-done"), before + 1);
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM jobs WHERE id = 'j-done' AND "
					  "verification_status = 'success' AND verified_at IS NOT "
					  "NULL AND verification_fingerprint = '" FP_A "' AND "
					  "verification_error IS NULL"),
			 1);
	assert_status(t, "GET", JOBS "/j-done/verification", NULL, 200);
	assert_true(json_is_true(json_object_get(t->json, "verified")));
	assert_string_equal(testapi_str(t, "expected_fingerprint"), FP_A);
	assert_string_equal(testapi_str(t, "actual_fingerprint"), FP_A);
	assert_string_not_equal(testapi_str(t, "verified_at"), "0001-01-01T00:00:00Z");
	assert_null(json_object_get(t->json, "error"));
	assert_string_equal(job_col(t, "j-done", "verification_status"), "success");

	/* a mismatch: failed, with the error, fingerprints stored lower case */
	assert_status(t, "POST", JOBS "/j-done/verify",
		      "{\"target_id\":\"tg1\",\"expected_fingerprint\":\"" FP_A "\","
		      "\"actual_fingerprint\":\"" FP_B "\",\"verified\":false,"
		      "\"error\":\"fingerprint mismatch\"}",
		      200);
	assert_false(json_is_true(json_object_get(t->json, "verified")));
	assert_true(audit_rows(t, "job_verification_failed", "j-done") >= 1);
	assert_status(t, "GET", JOBS "/j-done/verification", NULL, 200);
	assert_false(json_is_true(json_object_get(t->json, "verified")));
	assert_string_equal(testapi_str(t, "error"), "fingerprint mismatch");
	assert_string_equal(testapi_str(t, "actual_fingerprint"),
			    "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb");
	assert_string_equal(testapi_str(t, "verification_status"), "failed");
	/* the probe could not connect: no fingerprint, the error says why */
	assert_status(t, "POST", JOBS "/j-done/verify",
		      "{\"target_id\":\"tg1\",\"expected_fingerprint\":\"" FP_A "\","
		      "\"actual_fingerprint\":\"\",\"verified\":false,"
		      "\"error\":\"connection refused\"}",
		      200);
	assert_string_equal(job_col(t, "j-done", "verification_status"), "failed");
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM jobs WHERE id = 'j-done' AND "
					  "verification_fingerprint IS NULL AND "
					  "verification_error = 'connection refused'"),
			 1);
	/* nothing to probe: skipped, recorded as such */
	assert_status(t, "POST", JOBS "/j-done/verify",
		      "{\"target_id\":\"tg1\",\"expected_fingerprint\":\"" FP_A "\","
		      "\"status\":\"skipped\",\"error\":\"no host in the target config\"}",
		      200);
	assert_false(json_is_true(json_object_get(t->json, "verified")));
	assert_string_equal(job_col(t, "j-done", "verification_status"), "skipped");
	assert_true(audit_rows(t, "job_verification_skipped", "j-done") >= 1);
	assert_status(t, "GET", JOBS "/nope/verification", NULL, 404);
	assert_int_equal(testapi_call(t, "GET", JOBS "/j-done/verification", NULL, ""), 401);
}

static void test_api_jobs__verify_rejects_bad_bodies(void **state)
{
	struct testapi *t = TAPI(state);
	static const struct {
		const char *body, *msg;
	} bad[] = {
		{ "{\"expected_fingerprint\":\"" FP_A "\",\"actual_fingerprint\":\"" FP_A "\"}",
		  "target_id is required" },
		{ "{\"target_id\":\"tg1\",\"actual_fingerprint\":\"" FP_A "\"}",
		  "expected_fingerprint is required" },
		{ "{\"target_id\":\"tg1\",\"expected_fingerprint\":\"" FP_A "\"}",
		  "actual_fingerprint is required (unless error says why the probe failed, or "
		  "status is skipped)" },
		{ "{\"target_id\":\"tg1\",\"expected_fingerprint\":\"" FP_A "\","
		  "\"status\":\"maybe\"}",
		  "status: must be success, failed or skipped" },
		{ "{\"target_id\":\"tg1\",\"expected_fingerprint\":\"abc\","
		  "\"actual_fingerprint\":\"" FP_A "\"}",
		  "expected_fingerprint: must be a SHA-256 fingerprint (64 hexadecimal digits)" },
		{ "{\"target_id\":\"tg1\",\"expected_fingerprint\":\"" FP_A "\","
		  "\"actual_fingerprint\":\"" FP_A "g\"}",
		  "actual_fingerprint: must be a SHA-256 fingerprint (64 hexadecimal digits)" },
		{ "{\"target_id\":\"tg1\",\"expected_fingerprint\":\"" FP_A "\","
		  "\"actual_fingerprint\":\"" FP_A "\",\"verified\":\"yes\"}",
		  "verified: must be true or false" },
		{ "{\"target_id\":\"tg1\",\"expected_fingerprint\":\"" FP_A "\","
		  "\"actual_fingerprint\":\"" FP_B "\",\"verified\":true}",
		  "verified is true but actual_fingerprint differs from expected_fingerprint" },
		{ "{\"target_id\":1,\"expected_fingerprint\":\"" FP_A "\","
		  "\"actual_fingerprint\":\"" FP_A "\"}",
		  "target_id: must be a string" },
		{ "{\"target_id\":\"tg1\",\"expected_fingerprint\":\"" FP_A "\","
		  "\"actual_fingerprint\":\"" FP_A "\",\"extra\":1}",
		  "unknown field 'extra'" },
		{ "{\"target_id\":\"tg2\",\"expected_fingerprint\":\"" FP_A "\","
		  "\"actual_fingerprint\":\"" FP_A "\"}",
		  "target_id: job 'j-done' deploys to target 'tg1'" },
	};

	fixtures(t);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (testapi_call(t, "POST", JOBS "/j-done/verify", bad[i].body, NULL) != 400)
			fail_msg("body %zu: %d %s", i, t->status, t->body);
		assert_string_equal(testapi_str(t, "message"), bad[i].msg);
	}
	assert_status(t, "POST", JOBS "/j-done/verify", "{\"target_id\":", 400);
	assert_status(t, "POST", JOBS "/j-done/verify", NULL, 400);
	assert_status(t, "POST", JOBS "/nope/verify", VERIFY_OK, 404);
	assert_int_equal(testapi_call(t, "POST", JOBS "/j-done/verify", VERIFY_OK, ""), 401);
	assert_int_equal(
		testapi_count(t, "SELECT COUNT(*) FROM jobs WHERE verified_at IS NOT NULL"), 0);
}

/* an agent key reports only for its jobs: its own agent_id, or its target's agent */
static void test_api_jobs__verify_agent_ownership(void **state)
{
	struct testapi *t = TAPI(state);
	char *k1, *k2;

	fixtures(t);
	k1 = agent_key(t, "a1");
	k2 = agent_key(t, "a2");
	/* j-done has no agent but targets tg1 of a1; j-run has agent a1 */
	assert_int_equal(testapi_call(t, "POST", JOBS "/j-done/verify", VERIFY_OK, k2), 403);
	assert_int_equal(testapi_call(t, "POST", JOBS "/j-run/verify", VERIFY_OK, k2), 403);
	assert_int_equal(
		testapi_count(t, "SELECT COUNT(*) FROM jobs WHERE verified_at IS NOT NULL"), 0);
	assert_int_equal(testapi_call(t, "POST", JOBS "/j-done/verify", VERIFY_OK, k1), 200);
	assert_int_equal(testapi_call(t, "POST", JOBS "/j-run/verify", VERIFY_OK, k1), 200);
	assert_int_equal(testapi_count(t,
				       "SELECT COUNT(*) FROM audit_events WHERE action = "
				       "'job_verification_success' AND resource_id = 'j-run' AND "
				       "actor = 'a1' AND actor_type = 'Agent'"),
			 1);
	/* j-fail belongs to a2 and has no target: any target_id is taken */
	assert_int_equal(testapi_call(t, "POST", JOBS "/j-fail/verify", VERIFY_OK, k1), 403);
	assert_int_equal(testapi_call(t, "POST", JOBS "/j-fail/verify", VERIFY_OK, k2), 200);
	/* an agent key reads no job */
	assert_int_equal(testapi_call(t, "GET", JOBS "/j-run/verification", NULL, k1), 403);
	free(k1);
	free(k2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_api_jobs__list, testapi_reset),
		cmocka_unit_test_setup(test_api_jobs__get, testapi_reset),
		cmocka_unit_test_setup(test_api_jobs__cancel, testapi_reset),
		cmocka_unit_test_setup(test_api_jobs__approve, testapi_reset),
		cmocka_unit_test_setup(test_api_jobs__reject, testapi_reset),
		cmocka_unit_test_setup(test_api_jobs__verify, testapi_reset),
		cmocka_unit_test_setup(test_api_jobs__verify_rejects_bad_bodies, testapi_reset),
		cmocka_unit_test_setup(test_api_jobs__verify_agent_ownership, testapi_reset),
	};
	return cmocka_run_group_tests_name("api-jobs", tests, testapi_setup, testapi_teardown);
}
