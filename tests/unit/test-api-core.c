/* test-api-core.c: router, middleware chain and the teams resource through api_handle */
#include <stdlib.h>
#include <string.h>
#include "tests/unit/testapi.h"
#include "daemon/audit-writer.h"
#include "daemon/routes.h"
#include "libcc/hash.h"
#include "libcc/mem.h"

static void test_api_core__health_is_public(void **state)
{
	struct testapi *t = TAPI(state);

	assert_int_equal(testapi_call(t, "GET", "/health", NULL, ""), 200);
	assert_string_equal(testapi_str(t, "status"), "healthy");
	assert_int_equal(testapi_call(t, "GET", "/ready", NULL, ""), 200);
	assert_int_equal(testapi_call(t, "GET", "/api/v1/auth/info", NULL, ""), 200);
	assert_string_equal(testapi_str(t, "auth_type"), "api-key");
	assert_true(json_is_true(json_object_get(t->json, "required")));
	assert_non_null(testapi_header(t, "X-Request-ID"));
}

/* until start-up is over (first key written, public URL known) every request gets 503 */
static void test_api_core__503_while_starting(void **state)
{
	struct testapi *t = TAPI(state);

	t->app.starting = true;
	assert_int_equal(testapi_call(t, "GET", "/health", NULL, ""), 503);
	assert_string_equal(testapi_header(t, "Retry-After"), "1");
	assert_non_null(strstr(t->body, "starting"));
	assert_int_equal(testapi_call(t, "GET", "/api/v1/teams", NULL, NULL), 503);
	t->app.starting = false;
	assert_int_equal(testapi_call(t, "GET", "/health", NULL, ""), 200);
}

static void test_api_core__auth_required(void **state)
{
	struct testapi *t = TAPI(state);

	assert_int_equal(testapi_call(t, "GET", "/api/v1/teams", NULL, ""), 401);
	assert_string_equal(testapi_str(t, "error"), "Authorization header required");
	assert_string_equal(testapi_header(t, "WWW-Authenticate"), "Bearer realm=\"certctl\"");
	assert_int_equal(testapi_call(t, "GET", "/api/v1/teams", NULL, "wrong"), 401);
	assert_string_equal(testapi_str(t, "error"), "Invalid API key");
	assert_int_equal(testapi_call(t, "GET", "/api/v1/auth/check", NULL, ""), 401);
	assert_int_equal(testapi_call(t, "GET", "/api/v1/auth/check", NULL, NULL), 200);
	assert_string_equal(testapi_str(t, "status"), "authenticated");
}

static void test_api_core__router_404_405(void **state)
{
	struct testapi *t = TAPI(state);

	assert_int_equal(testapi_call(t, "GET", "/api/v1/nope", NULL, NULL), 404);
	assert_string_equal(testapi_str(t, "error"), "Not Found");
	assert_int_equal(testapi_call(t, "PATCH", "/api/v1/teams", NULL, NULL), 405);
	assert_non_null(strstr(testapi_header(t, "Allow"), "POST"));
	/* one trailing slash is forgiven */
	assert_int_equal(testapi_call(t, "GET", "/api/v1/teams/", NULL, NULL), 200);
	assert_int_equal(testapi_call(t, "GET", "/api/v1/teams/a/b", NULL, NULL), 404);
}

static void test_api_core__request_id_echoed(void **state)
{
	struct testapi *t = TAPI(state);

	testapi_call(t, "GET", "/health", NULL, "");
	assert_int_equal(strlen(testapi_header(t, "X-Request-ID")), 36);
}

static void test_api_core__teams_crud(void **state)
{
	struct testapi *t = TAPI(state);

	assert_status(t, "POST", "/api/v1/teams", "{\"id\":\"t-1\",\"name\":\"platform\"}", 201);
	assert_string_equal(testapi_str(t, "id"), "t-1");
	assert_status(t, "POST", "/api/v1/teams", "{\"name\":\"platform\"}", 409);
	assert_status(t, "POST", "/api/v1/teams", "{\"description\":\"x\"}", 400);
	assert_string_equal(testapi_str(t, "message"), "name is required");
	assert_status(t, "POST", "/api/v1/teams", "{\"name\":\"x\",\"nope\":1}", 400);
	assert_status(t, "POST", "/api/v1/teams", "{\"name\":", 400);
	assert_status(t, "POST", "/api/v1/teams", "[]", 400);
	assert_status(t, "POST", "/api/v1/teams", NULL, 400);
	assert_status(t, "POST", "/api/v1/teams", "{\"id\":\"../x\",\"name\":\"y\"}", 400);
	assert_status(t, "GET", "/api/v1/teams/t-1", NULL, 200);
	assert_status(t, "GET", "/api/v1/teams/t-2", NULL, 404);
	assert_status(t, "PUT", "/api/v1/teams/t-1", "{\"description\":\"d\"}", 200);
	assert_string_equal(testapi_str(t, "name"), "platform");
	assert_string_equal(testapi_str(t, "description"), "d");
	assert_status(t, "PUT", "/api/v1/teams/t-1", "{\"id\":\"t-9\"}", 400);
	assert_status(t, "PUT", "/api/v1/teams/t-2", "{\"description\":\"d\"}", 404);
	assert_status(t, "GET", "/api/v1/teams?fields=id", NULL, 200);
	assert_int_equal(json_object_size(json_array_get(json_object_get(t->json, "data"), 0)), 1);
	assert_status(t, "GET", "/api/v1/teams?fields=id,secret", NULL, 400);
	assert_status(t, "GET", "/api/v1/teams?per_page=0", NULL, 400);
	assert_non_null(strstr(testapi_str(t, "message"), "per_page"));
	/* more than the maximum is the maximum, as a v2.1 script asking for 1,000 expects */
	assert_status(t, "GET", "/api/v1/teams?per_page=1000", NULL, 200);
	assert_int_equal(json_integer_value(json_object_get(t->json, "per_page")), 500);
	assert_status(t, "GET", "/api/v1/teams?sort=bogus", NULL, 400);
	assert_status(t, "DELETE", "/api/v1/teams/t-1", NULL, 204);
	assert_status(t, "DELETE", "/api/v1/teams/t-1", NULL, 404);
}

static long long list_len(struct testapi *t, const char *key)
{
	json_t *v = json_object_get(t->json, key);

	return json_is_array(v) ? (long long)json_array_size(v) : json_integer_value(v);
}

/* POST /api/v1/<list> with a printf-made body: the status */
static int create(struct testapi *t, const char *list, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int create(struct testapi *t, const char *list, const char *fmt, ...)
{
	char body[128], path[64];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(body, sizeof(body), fmt, ap);
	va_end(ap);
	snprintf(path, sizeof(path), "/api/v1/%s", list);
	return testapi_call(t, "POST", path, body, NULL);
}

/* v2.1 listed every team, owner, profile, agent group, network scan target and group member
 * (no paging): a v2.1 client asking without page parameters must still see every row */
static void test_api_core__v21_lists_are_unpaged(void **state)
{
	static const char *const lists[] = { "teams", "owners", "profiles", "agent-groups",
					     "network-scan-targets" };
	struct testapi *t = TAPI(state);
	int n = 55;

	assert_status(t, "POST", "/api/v1/agent-groups", "{\"id\":\"ga\",\"name\":\"ga\"}", 201);
	for (int i = 0; i < n; i++) {
		char *agent;
		assert_int_equal(create(t, "teams", "{\"id\":\"t%d\",\"name\":\"t%d\"}", i, i),
				 201);
		assert_int_equal(create(t, "owners", "{\"name\":\"o%d\",\"team_id\":\"t0\"}", i),
				 201);
		assert_int_equal(create(t, "profiles", "{\"name\":\"p%d\"}", i), 201);
		assert_int_equal(create(t, "agent-groups", "{\"name\":\"g%d\"}", i), 201);
		assert_int_equal(create(t, "network-scan-targets",
					"{\"name\":\"n%d\",\"cidrs\":[\"192.0.2.0/26\"]}", i),
				 201);
		assert_int_equal(create(t, "agents", "{\"name\":\"a%d\",\"hostname\":\"h\"}", i),
				 201);
		agent = cc_xstrdup(testapi_str(t, "id"));
		assert_int_equal(
			testapi_callf(t, "PUT", NULL, "/api/v1/agent-groups/ga/members/%s", agent),
			200);
		free(agent);
	}
	for (size_t i = 0; i < CC_ARRAY_SIZE(lists); i++) {
		int want = n + !strcmp(lists[i], "agent-groups");
		assert_int_equal(testapi_callf(t, "GET", NULL, "/api/v1/%s", lists[i]), 200);
		assert_int_equal(list_len(t, "data"), want);
		assert_int_equal(list_len(t, "total"), want);
		assert_int_equal(list_len(t, "page"), 1);
		/* per_page as v2.1 echoed it: 50, the row count for network scan targets */
		assert_int_equal(list_len(t, "per_page"),
				 strcmp(lists[i], "network-scan-targets") ? 50 : want);
		/* paging is still there for those who ask */
		assert_int_equal(testapi_callf(t, "GET", NULL, "/api/v1/%s?page=2", lists[i]), 200);
		assert_int_equal(list_len(t, "data"), want - 50);
		assert_int_equal(list_len(t, "per_page"), 50);
		assert_int_equal(testapi_callf(t, "GET", NULL, "/api/v1/%s?per_page=10", lists[i]),
				 200);
		assert_int_equal(list_len(t, "data"), 10);
	}
	assert_status(t, "GET", "/api/v1/agent-groups/ga/members", NULL, 200);
	assert_int_equal(list_len(t, "data"), n);
	assert_int_equal(list_len(t, "per_page"), n);
	assert_status(t, "GET", "/api/v1/agent-groups/ga/members?page=1", NULL, 200);
	assert_int_equal(list_len(t, "data"), 50);
	/* lists v2.1 paged keep the default page */
	assert_status(t, "GET", "/api/v1/agents", NULL, 200);
	assert_int_equal(list_len(t, "data"), 50);
	assert_int_equal(list_len(t, "total"), n);
}

static void test_api_core__oversize_body_is_413(void **state)
{
	struct testapi *t = TAPI(state);
	size_t n = 1100000;
	char *big = malloc(n + 1);

	memset(big, 'a', n);
	big[n] = '\0';
	assert_int_equal(testapi_call(t, "POST", "/api/v1/teams", big, NULL), 413);
	free(big);
	assert_status(t, "GET", "/api/v1/teams", NULL, 200);
}

static void test_api_core__audit_rows_written(void **state)
{
	struct testapi *t = TAPI(state);
	long long before = testapi_count(t, "SELECT COUNT(*) FROM audit_events WHERE "
					    "resource_id = '/api/v1/teams' AND action = 'api_post' "
					    "AND details LIKE '%\"status\":201%'");

	testapi_call(t, "POST", "/api/v1/teams", "{\"name\":\"audited\"}", NULL);
	testapi_call(t, "GET", "/health", NULL, "");
	api_audit_flush(t->app.audit);
	assert_int_equal(
		testapi_count(t, "SELECT COUNT(*) FROM audit_events WHERE "
				 "resource_id = '/api/v1/teams' AND action = 'api_post' "
				 "AND actor = 'api-key-user' AND details LIKE '%\"status\":201%'"),
		before + 1);
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM audit_events WHERE "
					  "resource_id = '/health'"),
			 0);
	/* the body hash is the first 16 hex digits of SHA-256 of the body */
	char hash[CC_SHA256_HEX], *sql;
	cc_sha256_hex("{\"name\":\"audited\"}", 18, hash);
	hash[16] = '\0';
	sql = cc_xasprintf("SELECT COUNT(*) FROM audit_events WHERE details LIKE "
			   "'%%\"body_hash\":\"%s\"%%'",
			   hash);
	assert_int_equal(testapi_count(t, sql), 1);
	free(sql);
}

static void test_api_core__every_route_is_reachable_or_absent(void **state)
{
	(void)state;
	for (size_t i = 0; i < api_nroutes; i++)
		assert_true(api_routes[i].pattern[0] == '/');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_api_core__health_is_public, testapi_reset),
		cmocka_unit_test_setup(test_api_core__503_while_starting, testapi_reset),
		cmocka_unit_test_setup(test_api_core__auth_required, testapi_reset),
		cmocka_unit_test_setup(test_api_core__router_404_405, testapi_reset),
		cmocka_unit_test_setup(test_api_core__request_id_echoed, testapi_reset),
		cmocka_unit_test_setup(test_api_core__teams_crud, testapi_reset),
		cmocka_unit_test_setup(test_api_core__v21_lists_are_unpaged, testapi_reset),
		cmocka_unit_test_setup(test_api_core__oversize_body_is_413, testapi_reset),
		cmocka_unit_test_setup(test_api_core__audit_rows_written, testapi_reset),
		cmocka_unit_test(test_api_core__every_route_is_reachable_or_absent),
	};
	return cmocka_run_group_tests_name("api-core", tests, testapi_setup, testapi_teardown);
}
