/* test-api-approval.c: interactive approval — a profile flag or a RequireApproval rule
 * makes renewal and issuance jobs (renew route, renewal check) wait in AwaitingApproval;
 * approve sends them on (server keygen signs, agent keygen waits for a CSR), reject ends
 * them Failed with the reason; ad-hoc CSRs are refused meanwhile; audit rows carry the
 * actor and the reason */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tests/unit/testapi.h"
#include "daemon/job-processor.h"
#include "daemon/sched.h"
#include "libcc/csr.h"
#include "libcc/mem.h"
#include "libcc/time.h"

static void fixtures(struct testapi *t)
{
	testapi_sql(
		t,
		"INSERT INTO teams (id, name) VALUES ('t1', 'team');"
		"INSERT INTO owners (id, name, email, team_id) VALUES ('o1', 'o', 'o@x.io', 't1');"
		"INSERT INTO renewal_policies (id, name, renewal_window_days, auto_renew) VALUES "
		"('rp', 'rp', 30, 1);"
		"INSERT INTO issuers (id, name, type) VALUES ('i1', 'Local', 'GenericCA');"
		"INSERT INTO certificate_profiles (id, name, requires_approval) VALUES "
		"('p-appr', 'gated', 1), ('p-free', 'free', 0);"
		"INSERT INTO agents (id, name, hostname, api_key_hash, status) VALUES "
		"('a1', 'a1', 'h', 'x', 'Online'), ('a2', 'a2', 'h', 'x', 'Online');"
		"INSERT INTO deployment_targets (id, name, type, agent_id, config) VALUES "
		"('tg1', 'n1', 'NGINX', 'a1', '{}'), ('tg2', 'n2', 'NGINX', 'a2', '{}');"
		"INSERT INTO agent_groups (id, name) VALUES ('g-prod', 'prod');"
		"INSERT INTO agent_group_members (agent_group_id, agent_id, membership_type) "
		"VALUES ('g-prod', 'a1', 'include')");
}

static int reset(void **state)
{
	testapi_reset(state);
	fixtures(TAPI(state));
	return 0;
}

static int setup_server(void **state)
{
	static const char *const env[] = { "CERTCTL_KEYGEN_MODE=server", NULL };
	return testapi_setup_env(state, env);
}

static const char *create_cert(struct testapi *t, const char *name, const char *extra)
{
	static char id[96];
	char *body = cc_xasprintf("{\"name\":\"%s\",\"common_name\":\"%s.example.com\","
				  "\"owner_id\":\"o1\",\"team_id\":\"t1\",\"issuer_id\":\"i1\","
				  "\"renewal_policy_id\":\"rp\"%s}",
				  name, name, extra);

	assert_status(t, "POST", "/api/v1/certificates", body, 201);
	free(body);
	snprintf(id, sizeof(id), "%s", testapi_str(t, "id"));
	return id;
}

static void tick(struct testapi *t, int want)
{
	struct cc_err err = CC_ERR_INIT;
	int n = api_job_processor_tick(&t->app, cc_time_now(), &err);

	if (n != want)
		fail_msg("tick handled %d jobs, want %d (%s)", n, want, err.msg);
}

/* POST renew; the job id (static buffer) */
static const char *renew(struct testapi *t, const char *id, const char *want_status)
{
	static char job[96];
	char path[160];

	snprintf(path, sizeof(path), "/api/v1/certificates/%s/renew", id);
	assert_status(t, "POST", path, NULL, 202);
	assert_string_equal(testapi_str(t, "job_status"), want_status);
	snprintf(job, sizeof(job), "%s", testapi_str(t, "job_id"));
	return job;
}

static void act(struct testapi *t, const char *job, const char *verb, const char *body, int want)
{
	char path[160];

	snprintf(path, sizeof(path), "/api/v1/jobs/%s/%s", job, verb);
	assert_status(t, "POST", path, body, want);
}

static const char *job_status(struct testapi *t, const char *job)
{
	static char st[32];
	char path[160];

	snprintf(path, sizeof(path), "/api/v1/jobs/%s", job);
	assert_status(t, "GET", path, NULL, 200);
	snprintf(st, sizeof(st), "%s", testapi_str(t, "status"));
	return st;
}

/* ---- server keygen ---- */

static void test_api_approval__approve_then_issue(void **state)
{
	struct testapi *t = TAPI(state);
	char id[96], job[96];

	snprintf(id, sizeof(id), "%s",
		 create_cert(t, "gated",
			     ",\"certificate_profile_id\":"
			     "\"p-appr\""));
	snprintf(job, sizeof(job), "%s", renew(t, id, "AwaitingApproval"));
	assert_int_equal(
		testapi_countf(t,
			       "SELECT COUNT(*) FROM audit_events WHERE action = "
			       "'renewal_triggered' AND resource_id = '%s' AND details LIKE "
			       "'%%\"job_status\":\"AwaitingApproval\"%%'",
			       id),
		1);
	tick(t, 0); /* nothing runs before the approval */
	assert_string_equal(job_status(t, job), "AwaitingApproval");
	act(t, job, "approve", "{\"reason\":\"CHG-42\"}", 200);
	assert_string_equal(job_status(t, job), "Pending");
	assert_int_equal(
		testapi_countf(t,
			       "SELECT COUNT(*) FROM audit_events WHERE action = 'job_approved' "
			       "AND resource_id = '%s' AND actor = 'api-key-user' AND details "
			       "LIKE '%%\"reason\":\"CHG-42\"%%'",
			       job),
		1);
	tick(t, 1);
	assert_string_equal(job_status(t, job), "Completed");
	assert_int_equal(testapi_countf(t,
					"SELECT COUNT(*) FROM certificate_versions WHERE "
					"certificate_id = '%s'",
					id),
			 1);
	act(t, job, "approve", NULL, 409);
}

static void test_api_approval__reject_ends_failed_with_the_reason(void **state)
{
	struct testapi *t = TAPI(state);
	char id[96], job[96];

	snprintf(id, sizeof(id), "%s",
		 create_cert(t, "gated",
			     ",\"certificate_profile_id\":"
			     "\"p-appr\""));
	snprintf(job, sizeof(job), "%s", renew(t, id, "AwaitingApproval"));
	act(t, job, "reject", "{\"reason\":\"not in the change window\"}", 200);
	assert_string_equal(testapi_str(t, "status"), "job_rejected");
	assert_string_equal(job_status(t, job), "Failed");
	assert_string_equal(testapi_str(t, "last_error"), "rejected: not in the change window");
	assert_true(*testapi_str(t, "completed_at"));
	assert_int_equal(
		testapi_countf(t,
			       "SELECT COUNT(*) FROM audit_events WHERE action = 'job_rejected' "
			       "AND resource_id = '%s' AND actor = 'api-key-user' AND details LIKE "
			       "'%%\"reason\":\"not in the change window\"%%'",
			       job),
		1);
	/* the certificate is free again (never issued: Pending), and the owner is told */
	assert_int_equal(
		testapi_countf(t,
			       "SELECT COUNT(*) FROM managed_certificates WHERE id = '%s' AND "
			       "status = 'Pending'",
			       id),
		1);
	assert_int_equal(
		testapi_countf(t,
			       "SELECT COUNT(*) FROM notification_events WHERE certificate_id = "
			       "'%s' AND type = 'RenewalFailure' AND recipient = 'o@x.io' AND "
			       "message LIKE '%%not approved: rejected: not in the change window'",
			       id),
		1);
	tick(t, 0);
	act(t, job, "reject", NULL, 409);
	renew(t, id, "AwaitingApproval"); /* a new request may follow */
}

static void test_api_approval__renewal_check_and_scoped_rule(void **state)
{
	struct testapi *t = TAPI(state);
	struct api_tick tk = { .app = &t->app, .now = cc_time_now() };
	struct cc_err err = CC_ERR_INIT;
	char prod[96], other[96], gated[96];

	assert_status(t, "POST", "/api/v1/policies",
		      "{\"name\":\"prod needs approval\",\"type\":\"RequireApproval\","
		      "\"agent_group_id\":\"g-prod\"}",
		      201);
	snprintf(prod, sizeof(prod), "%s", create_cert(t, "prod", ",\"target_ids\":[\"tg1\"]"));
	snprintf(other, sizeof(other), "%s", create_cert(t, "other", ",\"target_ids\":[\"tg2\"]"));
	snprintf(gated, sizeof(gated), "%s",
		 create_cert(t, "gated", ",\"certificate_profile_id\":\"p-appr\""));
	/* never issued, auto_renew: the renewal check queues an Issuance for each */
	if (api_renewal_check_tick(&tk, &err) < 0)
		fail_msg("renewal check: %s", err.msg);
	assert_int_equal(
		testapi_countf(t,
			       "SELECT COUNT(*) FROM jobs WHERE type = 'Issuance' AND status = "
			       "'AwaitingApproval' AND certificate_id IN ('%s', '%s')",
			       prod, gated),
		2);
	assert_int_equal(
		testapi_countf(t,
			       "SELECT COUNT(*) FROM jobs WHERE type = 'Issuance' AND status = "
			       "'Pending' AND certificate_id = '%s'",
			       other),
		1);
	assert_int_equal(testapi_countf(t, "SELECT COUNT(*) FROM audit_events WHERE action = "
					   "'renewal_job_created' AND details LIKE "
					   "'%%\"job_status\":\"AwaitingApproval\"%%'"),
			 2);
	tick(t, 1); /* only the ungated one runs */
}

/* ---- agent keygen ---- */

static void test_api_approval__agent_keygen(void **state)
{
	struct testapi *t = TAPI(state);
	struct cc_err err = CC_ERR_INIT;
	char id[96], job[96], *key = NULL, *csr = NULL, *body;
	json_t *b;

	snprintf(id, sizeof(id), "%s",
		 create_cert(t, "gated",
			     ",\"certificate_profile_id\":\"p-appr\","
			     "\"target_ids\":[\"tg1\"]"));
	if (cc_csr_generate("ECDSA-P256", "gated.example.com", NULL, 0, &key, &csr, &err) < 0)
		fail_msg("csr: %s", err.msg);
	b = json_pack("{s:s, s:s}", "csr_pem", csr, "certificate_id", id);
	body = json_dumps(b, JSON_COMPACT);
	snprintf(job, sizeof(job), "%s", renew(t, id, "AwaitingApproval"));
	/* not offered to the agent, and an ad-hoc CSR cannot jump the queue */
	assert_status(t, "GET", "/api/v1/agents/a1/work", NULL, 200);
	assert_int_equal(json_integer_value(json_object_get(t->json, "count")), 0);
	assert_status(t, "POST", "/api/v1/agents/a1/csr", body, 409);
	assert_non_null(strstr(testapi_str(t, "message"), "requires approval"));
	act(t, job, "approve", NULL, 200);
	tick(t, 1);
	assert_string_equal(job_status(t, job), "AwaitingCSR");
	assert_status(t, "POST", "/api/v1/agents/a1/csr", body, 202);
	assert_string_equal(testapi_str(t, "job_id"), job);
	assert_string_equal(job_status(t, job), "Completed");
	/* a profile without the flag: straight to AwaitingCSR */
	assert_status(t, "PUT", "/api/v1/profiles/p-appr", "{\"requires_approval\":false}", 200);
	renew(t, id, "AwaitingCSR");
	json_decref(b);
	free(body);
	free(key);
	free(csr);
}

int main(void)
{
	const struct CMUnitTest server_mode[] = {
		cmocka_unit_test_setup(test_api_approval__approve_then_issue, reset),
		cmocka_unit_test_setup(test_api_approval__reject_ends_failed_with_the_reason,
				       reset),
		cmocka_unit_test_setup(test_api_approval__renewal_check_and_scoped_rule, reset),
	};
	const struct CMUnitTest agent_mode[] = {
		cmocka_unit_test_setup(test_api_approval__agent_keygen, reset),
	};

	return cmocka_run_group_tests_name("api-approval server keygen", server_mode, setup_server,
					   testapi_teardown) +
	       cmocka_run_group_tests_name("api-approval agent keygen", agent_mode, testapi_setup,
					   testapi_teardown);
}
