/* test-api-agent-groups.c: agent groups — CRUD with CIDR validation, computed members
 * (manual includes, dynamic criteria, excludes) and manual membership changes */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tests/unit/testapi.h"
#include "libcc/mem.h"

#define AG "/api/v1/agent-groups"

static long long total(struct testapi *t)
{
	return json_integer_value(json_object_get(t->json, "total"));
}

static long long audits(struct testapi *t, const char *action, const char *id)
{
	char *sql = cc_xasprintf("SELECT COUNT(*) FROM audit_events WHERE action = '%s' AND "
				 "resource_type = 'agent_group' AND resource_id = '%s'",
				 action, id);
	long long n = testapi_count(t, sql);

	free(sql);
	return n;
}

/* the ids of the last list response, comma-separated */
static const char *ids(struct testapi *t)
{
	static char out[512];
	json_t *data = json_object_get(t->json, "data"), *o;
	size_t i, n = 0;

	out[0] = '\0';
	json_array_foreach (data, i, o) {
		n += (size_t)snprintf(out + n, sizeof(out) - n, "%s%s", i ? "," : "",
				      json_string_value(json_object_get(o, "id")));
	}
	return out;
}

static void test_api_agent_groups__crud(void **state)
{
	struct testapi *t = TAPI(state);
	long long c0 = audits(t, "create_agent_group", "g1"),
		  u0 = audits(t, "update_agent_group", "g1"),
		  d0 = audits(t, "delete_agent_group", "g1");

	assert_status(t, "POST", AG,
		      "{\"id\":\"g1\",\"name\":\"linux\",\"match_os\":\"linux\","
		      "\"match_ip_cidr\":\"10.0.0.0/8\"}",
		      201);
	assert_string_equal(testapi_str(t, "id"), "g1");
	assert_true(json_is_true(json_object_get(t->json, "enabled")));
	assert_string_equal(testapi_str(t, "match_ip_cidr"), "10.0.0.0/8");
	assert_string_equal(testapi_str(t, "match_architecture"), "");
	assert_true(*testapi_str(t, "created_at"));
	assert_int_equal(audits(t, "create_agent_group", "g1"), c0 + 1);
	assert_status(t, "POST", AG,
		      "{\"name\":\"v6\",\"match_ip_cidr\":\"2001:db8::/32\",\"enabled\":false}",
		      201);
	assert_int_equal(strncmp(testapi_str(t, "id"), "ag-", 3), 0);
	assert_false(json_is_true(json_object_get(t->json, "enabled")));
	assert_status(t, "POST", AG, "{\"name\":\"linux\"}", 409);
	assert_status(t, "GET", AG, NULL, 200);
	assert_int_equal(total(t), 2);
	assert_int_equal(strncmp(ids(t), "g1,ag-", 6), 0); /* by name: linux < v6 */
	assert_status(t, "GET", AG "?enabled=false", NULL, 200);
	assert_int_equal(total(t), 1);
	assert_status(t, "GET", AG "/g1", NULL, 200);
	assert_string_equal(testapi_str(t, "match_os"), "linux");
	assert_status(t, "GET", AG "/nope", NULL, 404);
	assert_string_equal(testapi_str(t, "message"), "Agent group not found: nope");
	assert_status(t, "PUT", AG "/g1", "{\"match_version\":\"2.*\"}", 200);
	assert_string_equal(testapi_str(t, "match_os"), "linux");
	assert_string_equal(testapi_str(t, "match_version"), "2.*");
	assert_int_equal(audits(t, "update_agent_group", "g1"), u0 + 1);
	assert_status(t, "PUT", AG "/g1", "{\"match_ip_cidr\":\"10.0.0.0/33\"}", 400);
	assert_status(t, "PUT", AG "/g1", "{\"name\":\"\"}", 400);
	assert_status(t, "PUT", AG "/g1", "{\"name\":\"v6\"}", 409);
	assert_status(t, "PUT", AG "/nope", "{\"name\":\"x\"}", 404);
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM agent_groups WHERE id = 'g1' AND "
					  "match_ip_cidr = '10.0.0.0/8' AND match_version = '2.*'"),
			 1);
	assert_int_equal(testapi_call(t, "GET", AG, NULL, ""), 401);
	assert_int_equal(testapi_call(t, "POST", AG, "{\"name\":\"x\"}", ""), 401);
	assert_int_equal(testapi_call(t, "PUT", AG "/g1", "{}", ""), 401);
	assert_int_equal(testapi_call(t, "DELETE", AG "/g1", NULL, ""), 401);
	assert_status(t, "DELETE", AG "/g1", NULL, 204);
	assert_int_equal(audits(t, "delete_agent_group", "g1"), d0 + 1);
	assert_status(t, "DELETE", AG "/g1", NULL, 404);
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM agent_groups"), 1);
}

static void test_api_agent_groups__create_rejects(void **state)
{
	struct testapi *t = TAPI(state);
	static const struct {
		const char *body, *msg; /* msg: a substring */
	} bad[] = {
		{ "{\"description\":\"d\"}", "name is required" },
		{ "{\"name\":\"\"}", "name is required" },
		{ "{\"name\":\"n\",\"match_ip_cidr\":\"10.0.0.0/33\"}",
		  "match_ip_cidr: '10.0.0.0/33' is not an IPv4 or IPv6 CIDR" },
		{ "{\"name\":\"n\",\"match_ip_cidr\":\"10.0.0/8\"}", "match_ip_cidr" },
		{ "{\"name\":\"n\",\"match_ip_cidr\":\"2001:db8::/129\"}", "match_ip_cidr" },
		{ "{\"name\":\"n\",\"match_ip_cidr\":\"any\"}", "match_ip_cidr" },
		{ "{\"name\":\"n\",\"match_ip_cidr\":7}", "match_ip_cidr" },
		{ "{\"name\":\"n\",\"match_version\":"
		  "\"123456789012345678901234567890123456789012345678"
		  "901\"}",
		  "match_version must be 50 characters or fewer" },
		{ "{\"name\":\"n\",\"enabled\":\"true\"}", "enabled" },
		{ "{\"name\":\"n\",\"members\":[]}", "unknown field 'members'" },
		{ "{\"id\":\"a/b\",\"name\":\"n\"}", "id:" },
		{ "{\"name\":\"n\"", "malformed JSON" },
		{ "[{\"name\":\"n\"}]", "request body must be a JSON object" },
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (testapi_call(t, "POST", AG, bad[i].body, NULL) != 400)
			fail_msg("body %zu: %d %s", i, t->status, t->body);
		if (!strstr(testapi_str(t, "message"), bad[i].msg))
			fail_msg("body %zu: message '%s', want '%s'", i, testapi_str(t, "message"),
				 bad[i].msg);
	}
	assert_status(t, "POST", AG, NULL, 400);
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM agent_groups"), 0);
}

static void agents(struct testapi *t)
{
	testapi_sql(t, "INSERT INTO agents (id, name, hostname, api_key_hash, os, architecture, "
		       "ip_address, version) VALUES "
		       "('a1', 'alpha', 'h', 'x', 'Linux', 'amd64', '10.1.0.1', '2.1.0'),"
		       "('a2', 'bravo', 'h', 'x', 'linux', 'arm64', '192.168.0.9', '2.0.3'),"
		       "('a3', 'charlie', 'h', 'x', 'windows', 'amd64', '10.2.0.7', '1.9.0'),"
		       "('a4', 'delta', 'h', 'x', 'linux', 'amd64', '2001:db8::4', '2.2.0'),"
		       "('a5', 'echo', 'h', 'x', NULL, NULL, NULL, NULL)");
}

static void test_api_agent_groups__members(void **state)
{
	struct testapi *t = TAPI(state);
	json_t *first;

	agents(t);
	testapi_sql(t,
		    "INSERT INTO agent_groups (id, name, match_os, match_ip_cidr) VALUES "
		    "('g', 'g', 'LINUX', '10.0.0.0/8'), ('e', 'empty', '', '');"
		    "INSERT INTO agent_groups (id, name, match_version) VALUES ('v', 'v2', '2.*')");
	/* dynamic only: linux and inside 10/8 */
	assert_status(t, "GET", AG "/g/members", NULL, 200);
	assert_string_equal(ids(t), "a1");
	assert_int_equal(total(t), 1);
	first = json_array_get(json_object_get(t->json, "data"), 0);
	assert_string_equal(json_string_value(json_object_get(first, "name")), "alpha");
	assert_null(json_object_get(first, "api_key_hash"));
	assert_status(t, "GET", AG "/v/members", NULL, 200);
	assert_string_equal(ids(t), "a1,a2,a4");
	/* no criteria: nobody, until included by hand */
	assert_status(t, "GET", AG "/e/members", NULL, 200);
	assert_string_equal(ids(t), "");
	assert_int_equal(total(t), 0);
	assert_true(json_is_array(json_object_get(t->json, "data")));
	/* manual include adds, manual exclude removes even a matching agent */
	assert_status(t, "PUT", AG "/g/members/a5", "{\"membership\":\"include\"}", 200);
	assert_status(t, "PUT", AG "/g/members/a1", "{\"membership\":\"exclude\"}", 200);
	assert_status(t, "PUT", AG "/g/members/a3", NULL, 200); /* include by default */
	assert_string_equal(testapi_str(t, "membership"), "include");
	assert_string_equal(testapi_str(t, "agent_group_id"), "g");
	assert_string_equal(testapi_str(t, "agent_id"), "a3");
	assert_status(t, "GET", AG "/g/members", NULL, 200);
	assert_string_equal(ids(t), "a3,a5"); /* by name */
	/* paging over the computed set */
	assert_status(t, "GET", AG "/v/members?per_page=2&page=2", NULL, 200);
	assert_string_equal(ids(t), "a4");
	assert_int_equal(total(t), 3);
	assert_int_equal(json_integer_value(json_object_get(t->json, "page")), 2);
	assert_status(t, "GET", AG "/v/members?per_page=2&page=3", NULL, 200);
	assert_string_equal(ids(t), "");
	assert_status(t, "GET", AG "/v/members?fields=id", NULL, 200);
	assert_int_equal(json_object_size(json_array_get(json_object_get(t->json, "data"), 0)), 1);
	assert_status(t, "GET", AG "/v/members?per_page=0", NULL, 400);
	assert_status(t, "GET", AG "/v/members?cursor=abc", NULL, 400);
	assert_status(t, "GET", AG "/v/members?status=Online", NULL, 400);
	assert_status(t, "GET", AG "/nope/members", NULL, 404);
	assert_int_equal(testapi_call(t, "GET", AG "/g/members", NULL, ""), 401);
}

static void test_api_agent_groups__member_changes(void **state)
{
	struct testapi *t = TAPI(state);
	long long s0 = audits(t, "agent_group_member_set", "g"),
		  r0 = audits(t, "agent_group_member_removed", "g");

	agents(t);
	testapi_sql(t, "INSERT INTO agent_groups (id, name) VALUES ('g', 'g')");
	assert_status(t, "PUT", AG "/g/members/a1", "{\"membership\":\"include\"}", 200);
	assert_int_equal(audits(t, "agent_group_member_set", "g"), s0 + 1);
	assert_true(testapi_count(t, "SELECT COUNT(*) FROM audit_events WHERE action = "
				     "'agent_group_member_set' AND details LIKE "
				     "'%\"agent_id\":\"a1\"%' AND details LIKE "
				     "'%\"membership\":\"include\"%'") >= 1);
	assert_status(t, "PUT", AG "/g/members/a1", "{\"membership\":\"exclude\"}", 200);
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM agent_group_members WHERE "
					  "agent_group_id = 'g' AND agent_id = 'a1' AND "
					  "membership_type = 'exclude'"),
			 1);
	assert_status(t, "PUT", AG "/g/members/a1", "{\"membership\":\"maybe\"}", 400);
	assert_string_equal(testapi_str(t, "message"), "membership: must be include or exclude");
	assert_status(t, "PUT", AG "/g/members/a1", "{\"membership\":1}", 400);
	assert_status(t, "PUT", AG "/g/members/a1", "{\"role\":\"include\"}", 400);
	assert_status(t, "PUT", AG "/g/members/a1", "{", 400);
	assert_status(t, "PUT", AG "/g/members/nope", "{}", 404);
	assert_string_equal(testapi_str(t, "message"), "Agent not found: nope");
	assert_status(t, "PUT", AG "/nope/members/a1", "{}", 404);
	assert_string_equal(testapi_str(t, "message"), "Agent group not found: nope");
	assert_int_equal(testapi_call(t, "PUT", AG "/g/members/a2", "{}", ""), 401);
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM agent_group_members"), 1);
	/* removal */
	assert_int_equal(testapi_call(t, "DELETE", AG "/g/members/a1", NULL, ""), 401);
	assert_status(t, "DELETE", AG "/g/members/a1", NULL, 204);
	assert_int_equal(audits(t, "agent_group_member_removed", "g"), r0 + 1);
	assert_status(t, "DELETE", AG "/g/members/a1", NULL, 404);
	assert_string_equal(testapi_str(t, "message"),
			    "agent 'a1' is not a member of agent group 'g'");
	assert_status(t, "DELETE", AG "/nope/members/a1", NULL, 404);
	assert_string_equal(testapi_str(t, "message"), "Agent group not found: nope");
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM agent_group_members"), 0);
	/* deleting the group deletes its membership rows */
	assert_status(t, "PUT", AG "/g/members/a2", NULL, 200);
	assert_status(t, "DELETE", AG "/g", NULL, 204);
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM agent_group_members"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_api_agent_groups__crud, testapi_reset),
		cmocka_unit_test_setup(test_api_agent_groups__create_rejects, testapi_reset),
		cmocka_unit_test_setup(test_api_agent_groups__members, testapi_reset),
		cmocka_unit_test_setup(test_api_agent_groups__member_changes, testapi_reset),
	};
	return cmocka_run_group_tests_name("api-agent-groups", tests, testapi_setup,
					   testapi_teardown);
}
