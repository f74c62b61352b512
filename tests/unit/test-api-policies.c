/* test-api-policies.c: policy rules (types, config shapes, severity), their violations, and
 * certificate profiles (validation, defaults, audit) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tests/unit/testapi.h"
#include "libcc/mem.h"

#define POL "/api/v1/policies"
#define PROF "/api/v1/profiles"

static const char *json_str(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s ? s : "";
}

static long long total(struct testapi *t)
{
	return json_integer_value(json_object_get(t->json, "total"));
}

/* ---- policies ---- */

static void test_api_policies__create_and_defaults(void **state)
{
	struct testapi *t = TAPI(state);
	json_t *cfg;

	assert_status(t, "POST", POL,
		      "{\"id\":\"r-min\",\"name\":\"min rsa\",\"type\":\"MinKeySize\","
		      "\"config\":{\"RSA\":3072,\"ECDSA\":256}}",
		      201);
	assert_string_equal(testapi_str(t, "id"), "r-min");
	assert_true(json_is_true(json_object_get(t->json, "enabled")));
	assert_string_equal(testapi_str(t, "severity"), "Warning");
	assert_null(json_object_get(t->json, "agent_group_id"));
	cfg = json_object_get(t->json, "config");
	assert_int_equal(json_integer_value(json_object_get(cfg, "RSA")), 3072);
	assert_int_equal(json_object_size(cfg), 2);
	assert_true(*testapi_str(t, "created_at"));
	assert_true(*testapi_str(t, "updated_at"));
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM policy_rules WHERE id = 'r-min' "
					  "AND enabled = 1 AND severity = 'Warning'"),
			 1);
	/* a v2.1 type without config: {}; enabled as given */
	assert_status(t, "POST", POL,
		      "{\"name\":\"domains\",\"type\":\"AllowedDomains\",\"enabled\":false}", 201);
	assert_int_equal(strncmp(testapi_str(t, "id"), "rule-", 5), 0);
	assert_false(json_is_true(json_object_get(t->json, "enabled")));
	assert_int_equal(json_object_size(json_object_get(t->json, "config")), 0);
	assert_status(t, "POST", POL,
		      "{\"name\":\"algs\",\"type\":\"KeyAlgorithm\",\"severity\":\"Critical\","
		      "\"config\":{\"allowed\":[\"ECDSA\",\"Ed25519\"]}}",
		      201);
	assert_string_equal(testapi_str(t, "severity"), "Critical");
	assert_status(t, "POST", POL,
		      "{\"name\":\"life\",\"type\":\"MaxLifetime\",\"config\":{\"max_days\":90}}",
		      201);
	assert_status(t, "POST", POL,
		      "{\"name\":\"san\",\"type\":\"RequiredSANPattern\",\"severity\":\"Error\","
		      "\"config\":{\"patterns\":[\"^[a-z0-9.-]+\\\\.example\\\\.com$\"]}}",
		      201);
	assert_status(t, "POST", POL,
		      "{\"name\":\"iss\",\"type\":\"AllowedIssuers\",\"config\":"
		      "{\"issuers\":[\"iss-local\"]}}",
		      201);
	assert_status(t, "POST", POL,
		      "{\"name\":\"dom\",\"type\":\"AllowedDomains\",\"config\":"
		      "{\"domains\":[\"example.com\",\"*.corp.example\",\"10.0.0.1\"],"
		      "\"deny\":false}}",
		      201);
	assert_status(t, "POST", POL,
		      "{\"name\":\"tags\",\"type\":\"RequiredMetadata\",\"config\":"
		      "{\"keys\":[\"app\"]}}",
		      201);
	assert_status(t, "POST", POL,
		      "{\"name\":\"env\",\"type\":\"AllowedEnvironments\",\"config\":"
		      "{\"environments\":[\"production\"]}}",
		      201);
	assert_status(t, "POST", POL,
		      "{\"name\":\"lead\",\"type\":\"RenewalLeadTime\",\"config\":"
		      "{\"min_days\":14}}",
		      201);
	assert_status(t, "POST", POL,
		      "{\"name\":\"approve\",\"type\":\"RequireApproval\",\"config\":null}", 201);
	assert_status(t, "POST", POL, "{\"name\":\"min rsa\",\"type\":\"AllowedIssuers\"}", 409);
	assert_status(t, "POST", POL,
		      "{\"id\":\"r-min\",\"name\":\"x\",\"type\":\"AllowedIssuers\"}", 409);
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM policy_rules"), 11);
	assert_int_equal(
		testapi_call(t, "POST", POL, "{\"name\":\"n\",\"type\":\"AllowedIssuers\"}", ""),
		401);
}

static void test_api_policies__create_rejects(void **state)
{
	struct testapi *t = TAPI(state);
	static const struct {
		const char *body, *msg; /* msg: a substring */
	} bad[] = {
		{ "{\"type\":\"MinKeySize\"}", "name is required" },
		{ "{\"name\":\"n\"}", "type is required" },
		{ "{\"name\":\"n\",\"type\":\"Bogus\"}",
		  "type must be one of: KeyAlgorithm, MinKeySize, MaxLifetime, RequiredSANPattern, "
		  "AllowedIssuers, AllowedDomains, RequiredMetadata, AllowedEnvironments, "
		  "RenewalLeadTime, RequireApproval" },
		{ "{\"name\":\"n\",\"type\":\"IssuerRestriction\"}", "type must be one of" },
		{ "{\"name\":\"n\",\"type\":\"AllowedDomains\",\"config\":[1]}",
		  "config: must be a JSON object" },
		{ "{\"name\":\"n\",\"type\":\"AllowedDomains\",\"config\":\"x\"}",
		  "config: must be a JSON object" },
		{ "{\"name\":\"n\",\"type\":\"AllowedDomains\",\"severity\":\"High\"}",
		  "severity: must be Warning, Error or Critical" },
		{ "{\"name\":\"n\",\"type\":\"AllowedDomains\",\"config\":{\"severity\":\"Error\"}"
		  "}",
		  "config: unknown key 'severity' for AllowedDomains (expected domains, deny)" },
		{ "{\"name\":\"n\",\"type\":\"MinKeySize\"}", "config: give a minimum" },
		{ "{\"name\":\"n\",\"type\":\"MinKeySize\",\"config\":{\"RSA\":512}}",
		  "config.RSA: must be an integer from 1024 to 16384" },
		{ "{\"name\":\"n\",\"type\":\"MinKeySize\",\"config\":{\"ECDSA\":\"256\"}}",
		  "config.ECDSA" },
		{ "{\"name\":\"n\",\"type\":\"MinKeySize\",\"config\":{\"min_bits\":2048}}",
		  "config: unknown key 'min_bits'" },
		{ "{\"name\":\"n\",\"type\":\"MaxLifetime\",\"config\":{\"max_days\":0}}",
		  "config.max_days" },
		{ "{\"name\":\"n\",\"type\":\"MaxLifetime\"}", "config.max_days" },
		{ "{\"name\":\"n\",\"type\":\"KeyAlgorithm\",\"config\":{\"allowed\":[]}}",
		  "config.allowed: must be a non-empty array of non-empty strings" },
		{ "{\"name\":\"n\",\"type\":\"KeyAlgorithm\",\"config\":{\"allowed\":[\"DSA\"]}}",
		  "config.allowed[0]: 'DSA' is not one of RSA, ECDSA, Ed25519" },
		{ "{\"name\":\"n\",\"type\":\"RequiredSANPattern\",\"config\":{\"patterns\":[\"\"]}"
		  "}",
		  "config.patterns[0]: must be a non-empty string" },
		{ "{\"name\":\"n\",\"type\":\"RequiredSANPattern\",\"config\":{\"patterns\":"
		  "[\"^a$\",\"([a\"]}}",
		  "config.patterns[1]: not a valid POSIX extended regular expression" },
		{ "{\"name\":\"n\",\"type\":\"RequiredSANPattern\",\"config\":{\"pattern\":\"a\"}}",
		  "config: unknown key 'pattern'" },
		{ "{\"name\":\"n\",\"type\":\"AllowedIssuers\",\"config\":{\"issuers\":[\"\"]}}",
		  "config.issuers[0]" },
		{ "{\"name\":\"n\",\"type\":\"AllowedDomains\",\"config\":{\"domains\":"
		  "[\"a.*.example\"]}}",
		  "config.domains[0]: 'a.*.example' is not a name" },
		{ "{\"name\":\"n\",\"type\":\"AllowedDomains\",\"config\":{\"deny\":true}}",
		  "config.deny: needs config.domains" },
		{ "{\"name\":\"n\",\"type\":\"AllowedDomains\",\"config\":{\"domains\":[\"a\"],"
		  "\"deny\":1}}",
		  "config.deny: must be true or false" },
		{ "{\"name\":\"n\",\"type\":\"RequiredMetadata\",\"config\":{\"keys\":\"app\"}}",
		  "config.keys" },
		{ "{\"name\":\"n\",\"type\":\"AllowedEnvironments\",\"config\":"
		  "{\"environments\":[]}}",
		  "config.environments" },
		{ "{\"name\":\"n\",\"type\":\"RenewalLeadTime\",\"config\":{\"min_days\":0}}",
		  "config.min_days: must be an integer from 1 to 3650" },
		{ "{\"name\":\"n\",\"type\":\"RequireApproval\",\"config\":{\"x\":1}}",
		  "config: unknown key 'x' for RequireApproval" },
		{ "{\"name\":\"n\",\"type\":\"AllowedDomains\",\"agent_group_id\":\"nope\"}",
		  "agent_group_id 'nope' does not exist" },
		{ "{\"name\":\"n\",\"type\":\"AllowedDomains\",\"enabled\":\"yes\"}", "enabled" },
		{ "{\"name\":\"n\",\"type\":\"AllowedDomains\",\"level\":\"Error\"}",
		  "unknown field 'level'" },
		{ "{\"id\":\"-x\",\"name\":\"n\",\"type\":\"AllowedDomains\"}", "id:" },
		{ "{\"name\":", "malformed JSON" },
		{ "[]", "request body must be a JSON object" },
	};
	char name[300];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (testapi_call(t, "POST", POL, bad[i].body, NULL) != 400)
			fail_msg("body %zu: %d %s", i, t->status, t->body);
		if (!strstr(testapi_str(t, "message"), bad[i].msg))
			fail_msg("body %zu: message '%s', want '%s'", i, testapi_str(t, "message"),
				 bad[i].msg);
	}
	memset(name, 'n', 256);
	snprintf(name + 256, sizeof(name) - 256, "%s", "");
	{
		char *body = cc_xasprintf("{\"name\":\"%s\",\"type\":\"AllowedDomains\"}", name);
		assert_status(t, "POST", POL, body, 400);
		assert_string_equal(testapi_str(t, "message"),
				    "name must be 255 characters or fewer");
		free(body);
	}
	assert_status(t, "POST", POL, NULL, 400);
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM policy_rules"), 0);
}

static void test_api_policies__read_update_delete(void **state)
{
	struct testapi *t = TAPI(state);

	testapi_sql(t, "INSERT INTO agent_groups (id, name) VALUES ('g1', 'g1')");
	assert_status(t, "POST", POL,
		      "{\"id\":\"r1\",\"name\":\"one\",\"type\":\"MinKeySize\",\"config\":"
		      "{\"RSA\":2048},\"agent_group_id\":\"g1\"}",
		      201);
	assert_string_equal(testapi_str(t, "agent_group_id"), "g1");
	assert_status(t, "POST", POL,
		      "{\"id\":\"r2\",\"name\":\"two\",\"type\":\"AllowedDomains\"}", 201);
	assert_status(t, "GET", POL, NULL, 200);
	assert_int_equal(total(t), 2);
	assert_status(t, "GET", POL "?type=MinKeySize", NULL, 200);
	assert_int_equal(total(t), 1);
	assert_status(t, "GET", POL "?agent_group_id=g1", NULL, 200);
	assert_int_equal(total(t), 1);
	assert_status(t, "GET", POL "?enabled=maybe", NULL, 400);
	assert_status(t, "GET", POL "/r1", NULL, 200);
	assert_string_equal(testapi_str(t, "name"), "one");
	assert_status(t, "GET", POL "/nope", NULL, 404);
	assert_string_equal(testapi_str(t, "message"), "Policy not found: nope");
	/* a group in use by a rule cannot go */
	assert_status(t, "DELETE", "/api/v1/agent-groups/g1", NULL, 409);
	/* PUT merges; the stored config is checked against a new type */
	assert_status(t, "PUT", POL "/r1", "{\"enabled\":false}", 200);
	assert_false(json_is_true(json_object_get(t->json, "enabled")));
	assert_string_equal(testapi_str(t, "type"), "MinKeySize");
	assert_string_equal(testapi_str(t, "agent_group_id"), "g1");
	assert_status(t, "PUT", POL "/r1", "{\"type\":\"MaxLifetime\"}", 400);
	assert_status(t, "PUT", POL "/r1",
		      "{\"type\":\"MaxLifetime\",\"config\":{\"max_days\":30},\"severity\":"
		      "\"Error\",\"agent_group_id\":null}",
		      200);
	assert_null(json_object_get(t->json, "agent_group_id"));
	assert_string_equal(testapi_str(t, "severity"), "Error");
	assert_status(t, "PUT", POL "/r1", "{\"config\":{\"max_days\":-1}}", 400);
	assert_status(t, "PUT", POL "/r1", "{\"severity\":\"error\"}", 400);
	assert_status(t, "PUT", POL "/r1", "{\"name\":\"two\"}", 409);
	assert_status(t, "PUT", POL "/r1", "{\"nope\":1}", 400);
	assert_status(t, "PUT", POL "/r1", "{", 400);
	assert_status(t, "PUT", POL "/nope", "{\"enabled\":true}", 404);
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM policy_rules WHERE id = 'r1' AND "
					  "type = 'MaxLifetime' AND enabled = 0 AND name = 'one' "
					  "AND severity = 'Error' AND agent_group_id IS NULL"),
			 1);
	assert_status(t, "DELETE", "/api/v1/agent-groups/g1", NULL, 204);
	assert_int_equal(testapi_call(t, "PUT", POL "/r1", "{}", ""), 401);
	assert_int_equal(testapi_call(t, "GET", POL "/r1", NULL, ""), 401);
	assert_int_equal(testapi_call(t, "DELETE", POL "/r1", NULL, ""), 401);
	assert_status(t, "DELETE", POL "/r1", NULL, 204);
	assert_status(t, "DELETE", POL "/r1", NULL, 404);
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM policy_rules"), 1);
}

static void test_api_policies__violations(void **state)
{
	struct testapi *t = TAPI(state);
	json_t *v;

	testapi_sql(
		t, "INSERT INTO teams (id, name) VALUES ('tm', 'tm');"
		   "INSERT INTO owners (id, name, email, team_id) VALUES ('o', 'o', 'o@x', 'tm');"
		   "INSERT INTO issuers (id, name, type) VALUES ('is', 'is', 'GenericCA');"
		   "INSERT INTO renewal_policies (id, name, renewal_window_days) VALUES "
		   "('rp', 'rp', 30);"
		   "INSERT INTO managed_certificates (id, name, common_name, owner_id, team_id, "
		   "issuer_id, renewal_policy_id) VALUES ('c1', 'c1', 'a.example', 'o', 'tm', "
		   "'is', 'rp'), ('c2', 'c2', 'b.example', 'o', 'tm', 'is', 'rp');"
		   "INSERT INTO policy_rules (id, name, type, config) VALUES "
		   "('r1', 'one', 'AllowedDomains', '{}'), ('r2', 'two', 'AllowedDomains', '{}');"
		   "INSERT INTO policy_violations (id, certificate_id, rule_id, message, severity, "
		   "created_at) VALUES "
		   "('v1', 'c1', 'r1', 'first', 'Warning', '2026-01-01T00:00:01.000000Z'),"
		   "('v2', 'c2', 'r1', 'second', 'Error', '2026-01-01T00:00:02.000000Z'),"
		   "('v3', 'c1', 'r2', 'other rule', 'Warning', '2026-01-01T00:00:03.000000Z')");
	assert_status(t, "GET", POL "/r1/violations", NULL, 200);
	assert_int_equal(total(t), 2);
	v = json_array_get(json_object_get(t->json, "data"), 0);
	assert_string_equal(json_str(v, "id"), "v2"); /* newest first */
	assert_string_equal(json_str(v, "rule_id"), "r1");
	assert_string_equal(json_str(v, "certificate_id"), "c2");
	assert_string_equal(json_str(v, "severity"), "Error");
	assert_string_equal(json_str(v, "message"), "second");
	assert_true(*json_str(v, "created_at"));
	assert_int_equal(json_integer_value(json_object_get(t->json, "per_page")), 50);
	assert_status(t, "GET", POL "/r1/violations?severity=Warning", NULL, 200);
	assert_int_equal(total(t), 1);
	assert_status(t, "GET", POL "/r1/violations?per_page=1&page=2", NULL, 200);
	assert_string_equal(json_str(json_array_get(json_object_get(t->json, "data"), 0), "id"),
			    "v1");
	assert_status(t, "GET", POL "/r2/violations", NULL, 200);
	assert_int_equal(total(t), 1);
	assert_status(t, "GET", POL "/r1/violations?per_page=x", NULL, 400);
	assert_status(t, "GET", POL "/nope/violations", NULL, 404);
	assert_int_equal(testapi_call(t, "GET", POL "/r1/violations", NULL, ""), 401);
	/* deleting the rule deletes its violations */
	assert_status(t, "DELETE", POL "/r1", NULL, 204);
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM policy_violations"), 1);
}

/* ---- profiles ---- */

static long long audits(struct testapi *t, const char *action, const char *id)
{
	char *sql = cc_xasprintf("SELECT COUNT(*) FROM audit_events WHERE action = '%s' AND "
				 "resource_type = 'certificate_profile' AND resource_id = '%s'",
				 action, id);
	long long n = testapi_count(t, sql);

	free(sql);
	return n;
}

static void test_api_profiles__create_defaults(void **state)
{
	struct testapi *t = TAPI(state);
	long long before = audits(t, "create_profile", "p-web");
	json_t *a;

	assert_status(t, "POST", PROF, "{\"id\":\"p-web\",\"name\":\"web\"}", 201);
	assert_string_equal(testapi_str(t, "id"), "p-web");
	assert_true(json_is_true(json_object_get(t->json, "enabled")));
	a = json_object_get(t->json, "allowed_key_algorithms");
	assert_int_equal(json_array_size(a), 2);
	assert_string_equal(json_str(json_array_get(a, 0), "algorithm"), "ECDSA");
	assert_int_equal(json_integer_value(json_object_get(json_array_get(a, 0), "min_size")),
			 256);
	assert_string_equal(json_str(json_array_get(a, 1), "algorithm"), "RSA");
	a = json_object_get(t->json, "allowed_ekus");
	assert_int_equal(json_array_size(a), 1);
	assert_string_equal(json_string_value(json_array_get(a, 0)), "serverAuth");
	assert_true(json_is_array(json_object_get(t->json, "required_san_patterns")));
	assert_int_equal(json_integer_value(json_object_get(t->json, "max_ttl_seconds")), 0);
	assert_int_equal(audits(t, "create_profile", "p-web"), before + 1);
	/* everything given */
	assert_status(t, "POST", PROF,
		      "{\"name\":\"short\",\"description\":\"d\",\"allowed_key_algorithms\":"
		      "[{\"algorithm\":\"Ed25519\"},{\"algorithm\":\"RSA\",\"min_size\":4096}],"
		      "\"allowed_ekus\":[\"clientAuth\",\"emailProtection\"],"
		      "\"required_san_patterns\":[\"^.*\\\\.example\\\\.com$\"],"
		      "\"spiffe_uri_pattern\":\"spiffe://x/*\",\"max_ttl_seconds\":600,"
		      "\"allow_short_lived\":true,\"enabled\":false}",
		      201);
	assert_int_equal(strncmp(testapi_str(t, "id"), "prof-", 5), 0);
	assert_false(json_is_true(json_object_get(t->json, "enabled")));
	assert_true(json_is_true(json_object_get(t->json, "allow_short_lived")));
	assert_int_equal(json_array_size(json_object_get(t->json, "allowed_ekus")), 2);
	assert_status(t, "POST", PROF, "{\"name\":\"web\"}", 409);
	/* v2.1 accepts allow_short_lived without a cap: not short-lived, but stored as given */
	assert_status(t, "POST", PROF, "{\"name\":\"flag-only\",\"allow_short_lived\":true}", 201);
	assert_true(json_is_true(json_object_get(t->json, "allow_short_lived")));
	assert_int_equal(json_integer_value(json_object_get(t->json, "max_ttl_seconds")), 0);
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM certificate_profiles"), 3);
	assert_int_equal(testapi_call(t, "POST", PROF, "{\"name\":\"x\"}", ""), 401);
}

static void test_api_profiles__validation(void **state)
{
	struct testapi *t = TAPI(state);
	static const struct {
		const char *body, *msg; /* msg: a substring */
	} bad[] = {
		{ "{\"description\":\"d\"}", "name is required" },
		{ "{\"name\":\"n\",\"allowed_key_algorithms\":[{\"algorithm\":\"DSA\"}]}",
		  "invalid algorithm" },
		{ "{\"name\":\"n\",\"allowed_key_algorithms\":[{\"algorithm\":\"RSA\","
		  "\"min_size\":1024}]}",
		  "RSA min_size must be from 2048" },
		{ "{\"name\":\"n\",\"allowed_key_algorithms\":[{\"algorithm\":\"RSA\"}]}",
		  "RSA min_size" },
		{ "{\"name\":\"n\",\"allowed_key_algorithms\":[{\"algorithm\":\"ECDSA\","
		  "\"min_size\":224}]}",
		  "ECDSA min_size must be from 256" },
		{ "{\"name\":\"n\",\"allowed_key_algorithms\":[{\"algorithm\":\"ECDSA\","
		  "\"min_size\":\"256\"}]}",
		  "min_size must be an integer" },
		{ "{\"name\":\"n\",\"allowed_key_algorithms\":[{\"algorithm\":\"RSA\","
		  "\"min_size\":2048,\"x\":1}]}",
		  "unknown key 'x'" },
		{ "{\"name\":\"n\",\"allowed_key_algorithms\":{\"algorithm\":\"RSA\"}}",
		  "allowed_key_algorithms: must be an array" },
		{ "{\"name\":\"n\",\"allowed_key_algorithms\":[\"RSA\"]}",
		  "allowed_key_algorithms[0]: must be an object" },
		{ "{\"name\":\"n\",\"allowed_ekus\":[\"anyEKU\"]}", "invalid EKU" },
		{ "{\"name\":\"n\",\"allowed_ekus\":\"serverAuth\"}",
		  "allowed_ekus: must be an array" },
		{ "{\"name\":\"n\",\"max_ttl_seconds\":-1}", "max_ttl_seconds must be 0 or more" },
		{ "{\"name\":\"n\",\"max_ttl_seconds\":1.5}", "max_ttl_seconds" },
		{ "{\"name\":\"n\",\"allow_short_lived\":true,\"max_ttl_seconds\":3600}",
		  "allow_short_lived requires max_ttl_seconds below 3600" },
		{ "{\"name\":\"n\",\"required_san_patterns\":[\"(a\"]}",
		  "required_san_patterns[0]: invalid POSIX extended regular expression" },
		{ "{\"name\":\"n\",\"required_san_patterns\":[\"\"]}",
		  "must be a non-empty string" },
		{ "{\"name\":\"n\",\"required_san_patterns\":[1]}", "must be a non-empty string" },
		{ "{\"name\":\"n\",\"required_san_patterns\":\"^a$\"}",
		  "must be an array of strings" },
		{ "{\"name\":\"n\",\"enabled\":1}", "enabled" },
		{ "{\"name\":\"n\",\"bogus\":1}", "unknown field 'bogus'" },
		{ "{\"name\":\"n\"", "malformed JSON" },
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (testapi_call(t, "POST", PROF, bad[i].body, NULL) != 400)
			fail_msg("body %zu: %d %s", i, t->status, t->body);
		if (!strstr(testapi_str(t, "message"), bad[i].msg))
			fail_msg("body %zu: message '%s', want '%s'", i, testapi_str(t, "message"),
				 bad[i].msg);
	}
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM certificate_profiles"), 0);
}

static void test_api_profiles__read_update_delete(void **state)
{
	struct testapi *t = TAPI(state);
	long long upd = audits(t, "update_profile", "p1"), del = audits(t, "delete_profile", "p1");

	assert_status(t, "POST", PROF, "{\"id\":\"p1\",\"name\":\"one\"}", 201);
	assert_status(t, "POST", PROF, "{\"id\":\"p2\",\"name\":\"two\",\"enabled\":false}", 201);
	assert_status(t, "GET", PROF, NULL, 200);
	assert_int_equal(total(t), 2);
	assert_status(t, "GET", PROF "?enabled=false", NULL, 200);
	assert_int_equal(total(t), 1);
	assert_status(t, "GET", PROF "/p1", NULL, 200);
	assert_string_equal(testapi_str(t, "name"), "one");
	assert_status(t, "GET", PROF "/nope", NULL, 404);
	assert_string_equal(testapi_str(t, "message"), "Profile not found: nope");
	assert_status(t, "PUT", PROF "/p1", "{\"max_ttl_seconds\":300,\"allow_short_lived\":true}",
		      200);
	assert_int_equal(json_integer_value(json_object_get(t->json, "max_ttl_seconds")), 300);
	assert_int_equal(json_array_size(json_object_get(t->json, "allowed_ekus")), 1);
	assert_int_equal(audits(t, "update_profile", "p1"), upd + 1);
	/* null lists fall back to the defaults; the short-lived rule holds on update too */
	assert_status(t, "PUT", PROF "/p1", "{\"allowed_ekus\":null}", 200);
	assert_int_equal(json_array_size(json_object_get(t->json, "allowed_ekus")), 1);
	assert_status(t, "PUT", PROF "/p1", "{\"max_ttl_seconds\":7200}", 400);
	assert_status(t, "PUT", PROF "/p1", "{\"allowed_ekus\":[\"nope\"]}", 400);
	assert_status(t, "PUT", PROF "/p1", "{\"name\":\"two\"}", 409);
	assert_status(t, "PUT", PROF "/p1", "{\"id\":\"p9\"}", 400);
	assert_status(t, "PUT", PROF "/nope", "{\"name\":\"x\"}", 404);
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM certificate_profiles WHERE id = "
					  "'p1' AND max_ttl_seconds = 300"),
			 1);
	assert_int_equal(testapi_call(t, "PUT", PROF "/p1", "{}", ""), 401);
	assert_int_equal(testapi_call(t, "GET", PROF, NULL, ""), 401);
	assert_int_equal(testapi_call(t, "DELETE", PROF "/p1", NULL, ""), 401);
	assert_status(t, "DELETE", PROF "/p1", NULL, 204);
	assert_int_equal(audits(t, "delete_profile", "p1"), del + 1);
	assert_status(t, "DELETE", PROF "/p1", NULL, 404);
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM certificate_profiles"), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_api_policies__create_and_defaults, testapi_reset),
		cmocka_unit_test_setup(test_api_policies__create_rejects, testapi_reset),
		cmocka_unit_test_setup(test_api_policies__read_update_delete, testapi_reset),
		cmocka_unit_test_setup(test_api_policies__violations, testapi_reset),
		cmocka_unit_test_setup(test_api_profiles__create_defaults, testapi_reset),
		cmocka_unit_test_setup(test_api_profiles__validation, testapi_reset),
		cmocka_unit_test_setup(test_api_profiles__read_update_delete, testapi_reset),
	};
	return cmocka_run_group_tests_name("api-policies", tests, testapi_setup, testapi_teardown);
}
