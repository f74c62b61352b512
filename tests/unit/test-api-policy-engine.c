/* test-api-policy-engine.c: policy rules enforced on every issuance path — server keygen
 * jobs, agent CSRs for a waiting job, ad-hoc agent CSRs — with Error refusing and Warning
 * recording, violations stored once and audited, agent-group scope, lifetime caps, the
 * profile's required SAN patterns, and the import check */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tests/unit/testapi.h"
#include "daemon/job-processor.h"
#include "daemon/policy-check.h"
#include "libcc/cert-version.h"
#include "libcc/certificate.h"
#include "libcc/csr.h"
#include "libcc/db.h"
#include "libcc/mem.h"
#include "libcc/repo.h"
#include "libcc/time.h"
#include "libcc/x509.h"

#define POL "/api/v1/policies"

static void fixtures(struct testapi *t)
{
	testapi_sql(
		t,
		"INSERT INTO teams (id, name) VALUES ('t1', 'team');"
		"INSERT INTO owners (id, name, email, team_id) VALUES ('o1', 'o', 'o@x.io', 't1');"
		"INSERT INTO renewal_policies (id, name, renewal_window_days) VALUES "
		"('rp', 'rp', 30);"
		"INSERT INTO issuers (id, name, type) VALUES ('i1', 'Local', 'GenericCA');"
		"INSERT INTO certificate_profiles (id, name, max_ttl_seconds, "
		"required_san_patterns) VALUES ('p-month', 'month', 2592000, '[]'), "
		"('p-api', 'api names', 0, '[\"^api\\\\.\"]');"
		"INSERT INTO agents (id, name, hostname, api_key_hash, status, os) VALUES "
		"('a1', 'a1', 'h', 'x', 'Online', 'linux'), ('a2', 'a2', 'h', 'x', 'Online', "
		"'windows');"
		"INSERT INTO deployment_targets (id, name, type, agent_id, config) VALUES "
		"('tg1', 'n1', 'NGINX', 'a1', '{}'), ('tg2', 'n2', 'IIS', 'a2', '{}');"
		"INSERT INTO agent_groups (id, name, match_os) VALUES ('g-linux', 'linux', "
		"'linux')");
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

/* a certificate with optional extra members; its id (static buffer) */
static const char *create_cert(struct testapi *t, const char *cn, const char *extra)
{
	static char id[96];
	char *body = cc_xasprintf("{\"name\":\"%s\",\"common_name\":\"%s\",\"sans\":[\"%s\"],"
				  "\"owner_id\":\"o1\",\"team_id\":\"t1\",\"issuer_id\":\"i1\","
				  "\"renewal_policy_id\":\"rp\"%s}",
				  cn, cn, cn, extra);

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

static void renew(struct testapi *t, const char *id)
{
	char path[160];

	snprintf(path, sizeof(path), "/api/v1/certificates/%s/renew", id);
	assert_status(t, "POST", path, NULL, 202);
}

static void rule(struct testapi *t, const char *id, const char *type, const char *severity,
		 const char *config, const char *group)
{
	char *body =
		cc_xasprintf("{\"id\":\"%s\",\"name\":\"%s\",\"type\":\"%s\",\"severity\":"
			     "\"%s\",\"config\":%s%s%s%s}",
			     id, id, type, severity, config, group ? ",\"agent_group_id\":\"" : "",
			     group ? group : "", group ? "\"" : "");

	assert_status(t, "POST", POL, body, 201);
	free(body);
}

/* agent CSR body; sans may be NULL */
static char *csr_body(const char *type, const char *cn, const char *san, const char *cert_id)
{
	struct cc_err err = CC_ERR_INIT;
	const char *sans[] = { san };
	char *key = NULL, *csr = NULL, *s;
	json_t *b;

	if (cc_csr_generate(type, cn, sans, san ? 1 : 0, &key, &csr, &err) < 0)
		fail_msg("csr: %s", err.msg);
	b = json_pack("{s:s, s:s}", "csr_pem", csr, "certificate_id", cert_id);
	s = json_dumps(b, JSON_COMPACT);
	json_decref(b);
	free(key);
	free(csr);
	return s;
}

/* ---- server keygen ---- */

static void test_api_policy_engine__error_refuses_a_server_keygen_job(void **state)
{
	struct testapi *t = TAPI(state);
	const char *id = create_cert(t, "www.example.com", "");

	rule(t, "rsa-only", "KeyAlgorithm", "Error", "{\"allowed\":[\"RSA\"]}", NULL);
	renew(t, id); /* server keygen makes an ECDSA key without a profile */
	tick(t, 1);
	assert_int_equal(
		testapi_countf(t,
			       "SELECT COUNT(*) FROM jobs WHERE certificate_id = '%s' AND status "
			       "= 'Failed' AND last_error LIKE '%%policy rule ''rsa-only''%%Error%%"
			       "key algorithm ECDSA is not allowed%%'",
			       id),
		1);
	assert_int_equal(testapi_countf(t,
					"SELECT COUNT(*) FROM certificate_versions WHERE "
					"certificate_id = '%s'",
					id),
			 0);
	assert_int_equal(
		testapi_countf(t,
			       "SELECT COUNT(*) FROM policy_violations WHERE certificate_id = "
			       "'%s' AND rule_id = 'rsa-only' AND severity = 'Error' AND message = "
			       "'key algorithm ECDSA is not allowed'",
			       id),
		1);
	assert_int_equal(
		testapi_countf(t,
			       "SELECT COUNT(*) FROM audit_events WHERE action = "
			       "'policy_violation' AND resource_id = '%s' AND actor = 'system' AND "
			       "details LIKE '%%\"rule_id\":\"rsa-only\"%%'",
			       id),
		1);
	assert_int_equal(
		testapi_countf(t,
			       "SELECT COUNT(*) FROM notification_events WHERE certificate_id = "
			       "'%s' AND type = 'RenewalFailure'",
			       id),
		1);
	/* the violation is listed under its rule */
	assert_status(t, "GET", POL "/rsa-only/violations", NULL, 200);
	assert_int_equal(json_integer_value(json_object_get(t->json, "total")), 1);
}

static void test_api_policy_engine__warning_is_recorded_once_and_issued(void **state)
{
	struct testapi *t = TAPI(state);
	const char *id = create_cert(t, "www.example.com", "");
	json_t *v;

	rule(t, "rsa-pref", "KeyAlgorithm", "Warning", "{\"allowed\":[\"RSA\"]}", NULL);
	rule(t, "tags", "RequiredMetadata", "Warning", "{\"keys\":[\"app\"]}", NULL);
	rule(t, "off", "KeyAlgorithm", "Error", "{\"allowed\":[\"RSA\"]}", NULL);
	assert_status(t, "PUT", POL "/off", "{\"enabled\":false}", 200);
	renew(t, id);
	tick(t, 1);
	renew(t, id);
	tick(t, 1);
	assert_int_equal(testapi_countf(t,
					"SELECT COUNT(*) FROM certificate_versions WHERE "
					"certificate_id = '%s'",
					id),
			 2);
	/* two renewals, the same two findings: stored and audited once each */
	assert_int_equal(testapi_countf(t,
					"SELECT COUNT(*) FROM policy_violations WHERE "
					"certificate_id = '%s'",
					id),
			 2);
	assert_int_equal(testapi_countf(t,
					"SELECT COUNT(*) FROM audit_events WHERE action = "
					"'policy_violation' AND resource_id = '%s'",
					id),
			 2);
	/* and the owner is told of each new one, once */
	assert_int_equal(
		testapi_countf(t,
			       "SELECT COUNT(*) FROM notification_events WHERE type = "
			       "'PolicyViolation' AND certificate_id = '%s' AND recipient = "
			       "'o@x.io' AND message LIKE '%%required tag ''app''%%'",
			       id),
		1);
	assert_int_equal(testapi_countf(t,
					"SELECT COUNT(*) FROM notification_events WHERE type = "
					"'PolicyViolation' AND certificate_id = '%s'",
					id),
			 2);
	assert_status(t, "GET", POL "/tags/violations", NULL, 200);
	v = json_array_get(json_object_get(t->json, "data"), 0);
	assert_string_equal(json_string_value(json_object_get(v, "message")),
			    "required tag 'app' is missing");
	assert_string_equal(json_string_value(json_object_get(v, "severity")), "Warning");
	assert_string_equal(json_string_value(json_object_get(v, "certificate_id")), id);
}

static void test_api_policy_engine__max_lifetime_caps_and_refuses(void **state)
{
	struct testapi *t = TAPI(state);
	const char *id = create_cert(t, "www.example.com", "");
	char keep[96];

	/* no profile cap: the rule's becomes the cap, nothing is violated */
	rule(t, "short", "MaxLifetime", "Error", "{\"max_days\":2}", NULL);
	renew(t, id);
	tick(t, 1);
	assert_int_equal(
		testapi_countf(t,
			       "SELECT COUNT(*) FROM certificate_versions WHERE certificate_id = "
			       "'%s' AND julianday(not_after) - julianday('now') < 2.001",
			       id),
		1);
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM policy_violations"), 0);
	/* a profile asking for 30 days violates it */
	snprintf(keep, sizeof(keep), "%s",
		 create_cert(t, "api.example.com", ",\"certificate_profile_id\":\"p-month\""));
	renew(t, keep);
	tick(t, 1);
	assert_int_equal(
		testapi_countf(t,
			       "SELECT COUNT(*) FROM jobs WHERE certificate_id = '%s' AND status "
			       "= 'Failed' AND last_error LIKE '%%lifetime of 30 days exceeds the "
			       "maximum of 2 days%%'",
			       keep),
		1);
}

static void test_api_policy_engine__agent_group_scope(void **state)
{
	struct testapi *t = TAPI(state);
	char on_linux[96], on_windows[96];

	rule(t, "rsa-on-linux", "KeyAlgorithm", "Critical", "{\"allowed\":[\"RSA\"]}", "g-linux");
	snprintf(on_linux, sizeof(on_linux), "%s",
		 create_cert(t, "a.example.com", ",\"target_ids\":[\"tg1\"]"));
	snprintf(on_windows, sizeof(on_windows), "%s",
		 create_cert(t, "b.example.com", ",\"target_ids\":[\"tg2\"]"));
	renew(t, on_linux);
	renew(t, on_windows);
	tick(t, 2);
	assert_int_equal(testapi_countf(t,
					"SELECT COUNT(*) FROM jobs WHERE certificate_id = '%s' AND "
					"type = 'Issuance' AND status = 'Failed'",
					on_linux),
			 1);
	assert_int_equal(testapi_countf(t,
					"SELECT COUNT(*) FROM jobs WHERE certificate_id = '%s' AND "
					"type = 'Issuance' AND status = 'Completed'",
					on_windows),
			 1);
	/* a manual exclude takes a1 out of the group, a manual include puts a2 in */
	assert_status(t, "PUT", "/api/v1/agent-groups/g-linux/members/a1",
		      "{\"membership\":\"exclude\"}", 200);
	assert_status(t, "PUT", "/api/v1/agent-groups/g-linux/members/a2", NULL, 200);
	renew(t, on_linux);
	renew(t, on_windows);
	tick(t, 2);
	assert_int_equal(testapi_countf(t,
					"SELECT COUNT(*) FROM jobs WHERE certificate_id = '%s' AND "
					"status = 'Completed' AND type IN ('Issuance', 'Renewal')",
					on_linux),
			 1);
	assert_int_equal(testapi_countf(t,
					"SELECT COUNT(*) FROM jobs WHERE certificate_id = '%s' AND "
					"status = 'Failed'",
					on_windows),
			 1);
	/* a disabled group has no members */
	assert_status(t, "PUT", "/api/v1/agent-groups/g-linux", "{\"enabled\":false}", 200);
	renew(t, on_windows);
	tick(t, 1);
	assert_int_equal(testapi_countf(t,
					"SELECT COUNT(*) FROM certificate_versions WHERE "
					"certificate_id = '%s'",
					on_windows),
			 2);
}

static void test_api_policy_engine__import_check(void **state)
{
	struct testapi *t = TAPI(state);
	const char *id = create_cert(t, "www.example.com", "");
	struct cc_err err = CC_ERR_INIT;
	struct cc_certificate *m = cc_obj_new(&cc_certificate_entity);
	struct cc_cert_version v = { 0 };
	struct cc_cert_info ci = { 0 };
	struct api_policy_result out;
	struct cc_dbc *c;

	renew(t, id);
	tick(t, 1);
	/* the Local CA's default validity is longer than a day; the names are not corp */
	rule(t, "day", "MaxLifetime", "Error", "{\"max_days\":1}", NULL);
	rule(t, "corp", "AllowedDomains", "Warning", "{\"domains\":[\"*.corp.example\"]}", NULL);
	rule(t, "lead", "RenewalLeadTime", "Warning", "{\"min_days\":3650}", NULL);
	c = cc_db_get(t->app.db, &err);
	assert_non_null(c);
	assert_int_equal(cc_repo_get(c, &cc_certificate_entity, id, m, &err), 0);
	assert_int_equal(cc_cert_version_latest(c, id, &v, &err), 0);
	assert_int_equal(cc_cert_info_from_pem(v.pem_chain, strlen(v.pem_chain), &ci, &err), 0);
	if (api_policy_check_cert(&t->app, c, m, &ci, "importer", "User", &out, &err) < 0)
		fail_msg("check: %s", err.msg);
	assert_int_equal(out.violations, 3);
	assert_int_equal(out.stored, 3);
	assert_int_equal(out.blocking, 1);
	assert_non_null(strstr(out.first_blocking, "policy rule 'day'"));
	assert_int_equal(out.ttl_cap_s, 86400);
	/* again: nothing new; without the leaf, the certificate's own facts */
	assert_int_equal(api_policy_check_cert(&t->app, c, m, NULL, NULL, NULL, &out, &err), 0);
	assert_int_equal(out.stored, 0);
	assert_int_equal(out.violations, 2); /* the lifetime is unknown */
	cc_db_put(t->app.db, c);
	assert_int_equal(
		testapi_countf(t, "SELECT COUNT(*) FROM audit_events WHERE action = "
				  "'policy_violation' AND actor = 'importer' AND details LIKE "
				  "'%%\"context\":\"import\"%%'"),
		3);
	assert_int_equal(
		testapi_countf(t, "SELECT COUNT(*) FROM policy_violations WHERE rule_id = 'corp' "
				  "AND message = 'name www.example.com is not in an allowed "
				  "domain'"),
		1);
	cc_cert_info_release(&ci);
	cc_obj_release(&cc_cert_version_entity, &v);
	cc_obj_free(&cc_certificate_entity, m);
}

/* ---- agent keygen ---- */

static void test_api_policy_engine__error_refuses_agent_csrs(void **state)
{
	struct testapi *t = TAPI(state);
	const char *id = create_cert(t, "www.example.com", ",\"target_ids\":[\"tg1\"]");
	char *body = csr_body("ECDSA-P256", "www.example.com", NULL, id);

	rule(t, "big-keys", "MinKeySize", "Error", "{\"ECDSA\":384}", NULL);
	/* for the waiting job: 400, the job fails */
	renew(t, id);
	assert_status(t, "POST", "/api/v1/agents/a1/csr", body, 400);
	assert_non_null(strstr(testapi_str(t, "message"), "policy rule 'big-keys'"));
	assert_non_null(
		strstr(testapi_str(t, "message"), "ECDSA key of 256 bits is below the minimum"));
	assert_int_equal(
		testapi_countf(t,
			       "SELECT COUNT(*) FROM jobs WHERE certificate_id = '%s' AND status "
			       "= 'Failed' AND last_error LIKE '%%big-keys%%'",
			       id),
		1);
	/* ad hoc (no job waiting): 400 as well; one stored violation, no version */
	assert_status(t, "POST", "/api/v1/agents/a1/csr", body, 400);
	assert_int_equal(testapi_countf(t,
					"SELECT COUNT(*) FROM policy_violations WHERE "
					"certificate_id = '%s'",
					id),
			 1);
	assert_int_equal(
		testapi_countf(t, "SELECT COUNT(*) FROM audit_events WHERE action = "
				  "'policy_violation' AND actor = 'api-key-user' AND actor_type = "
				  "'User'"),
		1);
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM certificate_versions"), 0);
	free(body);
	/* a P-384 key passes */
	body = csr_body("ECDSA-P384", "www.example.com", NULL, id);
	assert_status(t, "POST", "/api/v1/agents/a1/csr", body, 202);
	free(body);
}

static void test_api_policy_engine__required_san_patterns(void **state)
{
	struct testapi *t = TAPI(state);
	const char *id = create_cert(t, "www.example.com", ",\"certificate_profile_id\":\"p-api\"");
	char *body = csr_body("ECDSA-P256", "www.example.com", NULL, id);

	/* the profile's pattern: no name of the request starts with "api." */
	assert_status(t, "POST", "/api/v1/agents/a1/csr", body, 400);
	assert_string_equal(testapi_str(t, "message"),
			    "no subject alternative name of the request matches the pattern "
			    "'^api\\.' required by profile 'p-api'");
	free(body);
	/* a SAN of the CSR counts */
	body = csr_body("ECDSA-P256", "www.example.com", "api.example.com", id);
	assert_status(t, "POST", "/api/v1/agents/a1/csr", body, 202);
	free(body);
	/* a RequiredSANPattern rule works the same way, naming the rule */
	rule(t, "corp-san", "RequiredSANPattern", "Error",
	     "{\"patterns\":[\"\\\\.corp\\\\.example$\"]}", NULL);
	body = csr_body("ECDSA-P256", "www.example.com", "api.example.com", id);
	assert_status(t, "POST", "/api/v1/agents/a1/csr", body, 400);
	assert_non_null(strstr(testapi_str(t, "message"), "policy rule 'corp-san'"));
	free(body);
	body = csr_body("ECDSA-P256", "www.example.com", "api.corp.example", id);
	assert_status(t, "POST", "/api/v1/agents/a1/csr", body, 202);
	free(body);
	assert_int_equal(testapi_countf(t,
					"SELECT COUNT(*) FROM certificate_versions WHERE "
					"certificate_id = '%s'",
					id),
			 2);
}

int main(void)
{
	const struct CMUnitTest server_mode[] = {
		cmocka_unit_test_setup(test_api_policy_engine__error_refuses_a_server_keygen_job,
				       reset),
		cmocka_unit_test_setup(test_api_policy_engine__warning_is_recorded_once_and_issued,
				       reset),
		cmocka_unit_test_setup(test_api_policy_engine__max_lifetime_caps_and_refuses,
				       reset),
		cmocka_unit_test_setup(test_api_policy_engine__agent_group_scope, reset),
		cmocka_unit_test_setup(test_api_policy_engine__import_check, reset),
	};
	const struct CMUnitTest agent_mode[] = {
		cmocka_unit_test_setup(test_api_policy_engine__error_refuses_agent_csrs, reset),
		cmocka_unit_test_setup(test_api_policy_engine__required_san_patterns, reset),
	};

	return cmocka_run_group_tests_name("api-policy-engine server keygen", server_mode,
					   setup_server, testapi_teardown) +
	       cmocka_run_group_tests_name("api-policy-engine agent keygen", agent_mode,
					   testapi_setup, testapi_teardown);
}
