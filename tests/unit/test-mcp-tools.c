/* test-mcp-tools.c: the MCP tool table — one tool per route of daemon/routes.def, the
 * generated inputSchema and annotations, tools/list pages, argument checking, the REST
 * request each call makes, and how responses become results */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "tests/unit/testmcp.h"
#include "daemon/routes.h"
#include "libcc/mem.h"

#define V21_TOOLS 81 /* tools of certctl v2.1: shared/reference/mcp-tools.md */

/* routes without a tool, and why */
static const char *const no_tool[] = {
	"POST /api/v1/ocsp/{}", /* a DER OCSP request body: the GET tool covers OCSP */
	NULL,
};

/* "GET /api/v1/x/{id}/y" → "GET /api/v1/x/{}/y" (caller frees) */
static char *route_key(const char *method, const char *path)
{
	char *k = cc_xasprintf("%s %s", method, path), *w = k;

	for (const char *r = k; *r; r++) {
		*w++ = *r;
		if (*r == '{') {
			r = strchr(r, '}') - 1;
		}
	}
	*w = '\0';
	return k;
}

static bool tool_for(const char *key)
{
	for (size_t i = 0; i < mcp_tool_count(); i++) {
		const struct mcp_tool *t = mcp_tool_at(i);
		char *k = route_key(t->method, t->path);
		bool same = !strcmp(k, key);
		free(k);
		if (same)
			return true;
	}
	return false;
}

static bool route_for(const char *key)
{
	for (size_t i = 0; i < api_nroutes; i++) {
		char *k = route_key(api_routes[i].method, api_routes[i].pattern);
		bool same = !strcmp(k, key);
		free(k);
		if (same)
			return true;
	}
	return false;
}

static void test_mcp_tools__one_per_route(void **state)
{
	size_t v21 = 0;

	(void)state;
	for (size_t i = 0; i < api_nroutes; i++) {
		char *k = route_key(api_routes[i].method, api_routes[i].pattern);
		bool skip = false;
		for (size_t j = 0; no_tool[j]; j++)
			skip |= !strcmp(no_tool[j], k);
		if (!skip && !tool_for(k))
			fail_msg("route %s has no MCP tool (mcp/tools.def)", k);
		free(k);
	}
	for (size_t i = 0; i < mcp_tool_count(); i++) {
		const struct mcp_tool *t = mcp_tool_at(i);
		char *k = route_key(t->method, t->path);
		if (!route_for(k))
			fail_msg("tool %s calls %s, which is not in daemon/routes.def", t->name, k);
		free(k);
		assert_ptr_equal(mcp_tool_find(t->name), t); /* names are unique */
		assert_int_equal(strncmp(t->name, "certctl_", 8), 0);
		v21 += !(t->flags & MCP_EXTRA);
		/* every {param} of the path is a required PATH argument, and the reverse */
		const struct mcp_arg *a;
		for (size_t j = 0; (a = mcp_tool_arg(t, j)); j++) {
			char brace[80];
			snprintf(brace, sizeof(brace), "{%s}", a->name);
			assert_int_equal(a->in == MCP_IN_PATH, strstr(t->path, brace) != NULL);
			assert_true(a->in != MCP_IN_PATH || (a->required && a->type == MCP_T_STR));
			assert_true(a->desc && *a->desc);
		}
	}
	assert_int_equal(v21, V21_TOOLS);
}

static json_t *tool_json(const char *name)
{
	const struct mcp_tool *t = mcp_tool_find(name);

	assert_non_null(t);
	return mcp_tool_json(t);
}

static void test_mcp_tools__schema(void **state)
{
	json_t *j = tool_json("certctl_revoke_certificate"), *s = json_object_get(j, "inputSchema"),
	       *props = json_object_get(s, "properties"), *ann = json_object_get(j, "annotations");

	(void)state;
	assert_string_equal(json_string_value(json_object_get(s, "type")), "object");
	assert_true(json_is_false(json_object_get(s, "additionalProperties")));
	assert_string_equal(json_string_value(json_array_get(json_object_get(s, "required"), 0)),
			    "id");
	json_t *reasons = json_object_get(json_object_get(props, "reason"), "enum");
	assert_int_equal(json_array_size(reasons), 8);
	assert_string_equal(json_string_value(json_array_get(reasons, 1)), "keyCompromise");
	assert_string_equal(json_string_value(json_array_get(reasons, 7)), "privilegeWithdrawn");
	assert_true(json_is_true(json_object_get(ann, "destructiveHint")));
	assert_true(json_is_false(json_object_get(ann, "readOnlyHint")));
	json_decref(j);

	j = tool_json("certctl_bulk_revoke_certificates");
	props = json_object_get(json_object_get(j, "inputSchema"), "properties");
	assert_string_equal(
		json_string_value(json_object_get(json_object_get(props, "dry_run"), "type")),
		"boolean");
	json_t *ids = json_object_get(props, "certificate_ids");
	assert_string_equal(json_string_value(json_object_get(ids, "type")), "array");
	assert_string_equal(
		json_string_value(json_object_get(json_object_get(ids, "items"), "type")),
		"string");
	json_decref(j);

	j = tool_json("certctl_list_certificates"); /* paging arguments come with lists */
	props = json_object_get(json_object_get(j, "inputSchema"), "properties");
	assert_string_equal(
		json_string_value(json_object_get(json_object_get(props, "per_page"), "type")),
		"integer");
	assert_non_null(json_object_get(props, "fields"));
	assert_null(json_object_get(json_object_get(j, "inputSchema"), "required"));
	assert_true(
		json_is_true(json_object_get(json_object_get(j, "annotations"), "readOnlyHint")));
	json_decref(j);

	j = tool_json("certctl_create_team"); /* an additive write */
	ann = json_object_get(j, "annotations");
	assert_true(json_is_false(json_object_get(ann, "destructiveHint")));
	json_decref(j);
	j = tool_json("certctl_delete_team");
	ann = json_object_get(j, "annotations");
	assert_true(json_is_true(json_object_get(ann, "destructiveHint")));
	assert_true(json_is_true(json_object_get(ann, "idempotentHint")));
	json_decref(j);
}

static void test_mcp_tools__list_pages(void **state)
{
	struct testmcp t;
	char line[200], cursor[64] = "";
	size_t seen = 0;
	int pages = 0;

	(void)state;
	testmcp_init(&t, "2025-06-18");
	do {
		if (*cursor)
			snprintf(line, sizeof(line),
				 "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\","
				 "\"params\":{\"cursor\":\"%s\"}}",
				 cursor);
		else
			snprintf(line, sizeof(line),
				 "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}");
		json_t *r = testmcp_send(&t, line), *res = json_object_get(r, "result");
		size_t n = json_array_size(json_object_get(res, "tools"));
		assert_true(n >= 1 && n <= MCP_PAGE_SIZE);
		assert_string_equal(
			json_string_value(json_object_get(
				json_array_get(json_object_get(res, "tools"), 0), "name")),
			mcp_tool_at(seen)->name);
		seen += n;
		pages++;
		const char *next = json_string_value(json_object_get(res, "nextCursor"));
		snprintf(cursor, sizeof(cursor), "%s", next ? next : "");
		json_decref(r);
	} while (*cursor);
	assert_int_equal(seen, mcp_tool_count());
	assert_int_equal(pages, (mcp_tool_count() + MCP_PAGE_SIZE - 1) / MCP_PAGE_SIZE);
	testmcp_release(&t);
}

static void test_mcp_tools__bad_arguments(void **state)
{
	static const char *const cases[][3] = {
		{ "certctl_get_certificate", NULL, "missing required argument 'id'" },
		{ "certctl_get_certificate", "{}", "missing required argument 'id'" },
		{ "certctl_get_certificate", "[]", "arguments must be an object" },
		{ "certctl_get_certificate", "\"x\"", "arguments must be an object" },
		{ "certctl_get_certificate", "{\"id\":5}", "'id' must be a string" },
		{ "certctl_get_certificate", "{\"id\":\"\"}", "not empty" },
		{ "certctl_get_certificate", "{\"id\":\"a\",\"x\":1}", "unknown argument 'x'" },
		{ "certctl_revoke_certificate", "{\"id\":\"a\",\"reason\":\"oops\"}",
		  "one of: unspecified|keyCompromise" },
		{ "certctl_list_certificates", "{\"per_page\":\"2\"}", "an integer" },
		{ "certctl_list_certificates", "{\"per_page\":2.5}", "an integer" },
		{ "certctl_bulk_revoke_certificates", "{\"reason\":\"superseded\",\"dry_run\":1}",
		  "a boolean" },
		{ "certctl_bulk_revoke_certificates",
		  "{\"reason\":\"superseded\",\"certificate_ids\":[\"a\",2]}", "array of strings" },
		{ "certctl_bulk_revoke_certificates", "{\"dry_run\":true}", "'reason'" },
		{ "certctl_create_certificate", "{\"tags\":{\"a\":1}}", "object of strings" },
		{ "certctl_create_issuer", "{\"name\":\"n\",\"type\":\"ACME\",\"config\":[]}",
		  "an object" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct testmcp t;
		testmcp_init(&t, "2025-06-18");
		testmcp_assert_error(testmcp_call(&t, cases[i][0], cases[i][1]), MCP_INVALID_PARAMS,
				     cases[i][2]);
		assert_int_equal(t.calls, 0);
		testmcp_release(&t);
	}
}

static void expect_request(const char *tool, const char *args, const char *method, const char *path,
			   const char *body)
{
	struct testmcp t;
	json_t *r;

	testmcp_init(&t, "2025-06-18");
	r = testmcp_call(&t, tool, args);
	if (!json_object_get(r, "result"))
		fail_msg("%s %s: no result", tool, args);
	assert_int_equal(t.calls, 1);
	assert_string_equal(t.method, method);
	assert_string_equal(t.path, path);
	if (body)
		assert_string_equal(t.body ? t.body : "(none)", body);
	else
		assert_null(t.body);
	json_decref(r);
	testmcp_release(&t);
}

static void test_mcp_tools__requests(void **state)
{
	(void)state;
	expect_request("certctl_get_certificate", "{\"id\":\"a/b c?d\"}", "GET",
		       "/api/v1/certificates/a%2Fb%20c%3Fd", NULL);
	expect_request("certctl_list_certificates",
		       "{\"status\":\"Active\",\"per_page\":5.0,\"owner_id\":\"o&x=1\"}", "GET",
		       "/api/v1/certificates?status=Active&owner_id=o%26x%3D1&per_page=5", NULL);
	expect_request("certctl_export_certificate_pem", "{\"id\":\"c\",\"download\":true}", "GET",
		       "/api/v1/certificates/c/export/pem?download=true", NULL);
	expect_request("certctl_revoke_certificate", "{\"id\":\"c\"}", "POST",
		       "/api/v1/certificates/c/revoke", "{}");
	expect_request(
		"certctl_bulk_revoke_certificates",
		"{\"reason\":\"keyCompromise\",\"owner_id\":\"o\",\"certificate_ids\":[\"a\"],"
		"\"dry_run\":true}",
		"POST", "/api/v1/certificates/bulk-revoke",
		"{\"reason\":\"keyCompromise\",\"owner_id\":\"o\",\"certificate_ids\":[\"a\"],"
		"\"dry_run\":true}");
	expect_request("certctl_trigger_renewal", "{\"id\":\"c\"}", "POST",
		       "/api/v1/certificates/c/renew", NULL);
	expect_request("certctl_update_issuer",
		       "{\"id\":\"i\",\"enabled\":false,\"config\":{\"k\":[1]}}", "PUT",
		       "/api/v1/issuers/i", "{\"config\":{\"k\":[1]},\"enabled\":false}");
	expect_request("certctl_ocsp_check", "{\"issuer_id\":\"iss-local\",\"serial\":\"0aff\"}",
		       "GET", "/api/v1/ocsp/iss-local/0aff", NULL);
	expect_request("certctl_agent_report_job_status",
		       "{\"agent_id\":\"ag\",\"job_id\":\"j\",\"status\":\"Failed\"}", "POST",
		       "/api/v1/agents/ag/jobs/j/status", "{\"status\":\"Failed\"}");
	expect_request("certctl_delete_team", "{\"id\":\"t\"}", "DELETE", "/api/v1/teams/t", NULL);
	expect_request("certctl_health", "null", "GET", "/health", NULL); /* null: no arguments */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mcp_tools__one_per_route),
		cmocka_unit_test(test_mcp_tools__schema),
		cmocka_unit_test(test_mcp_tools__list_pages),
		cmocka_unit_test(test_mcp_tools__bad_arguments),
		cmocka_unit_test(test_mcp_tools__requests),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
