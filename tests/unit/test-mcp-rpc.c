/* test-mcp-rpc.c: the JSON-RPC layer of certctl mcp — lifecycle and version negotiation,
 * every error path, notifications, batches per protocol version, the stdio loop (blank,
 * CRLF, huge and garbage lines, EOF) */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "tests/unit/testmcp.h"
#include "libcc/mem.h"
#include "version.h"

#define REQ(id, method, params)                                                                    \
	"{\"jsonrpc\":\"2.0\",\"id\":" id ",\"method\":\"" method "\"" params "}"

static void test_mcp_rpc__initialize_negotiates(void **state)
{
	static const char *const cases[][2] = {
		{ "2025-06-18", "2025-06-18" }, { "2025-03-26", "2025-03-26" },
		{ "2024-11-05", "2024-11-05" }, { "2025-11-25", "2025-06-18" },
		{ "1999-01-01", "2025-06-18" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct testmcp t;
		char line[256];
		testmcp_init(&t, NULL);
		snprintf(line, sizeof(line),
			 REQ("\"a\"", "initialize", ",\"params\":{\"protocolVersion\":\"%s\"}"),
			 cases[i][0]);
		json_t *r = testmcp_send(&t, line), *res = json_object_get(r, "result");
		assert_string_equal(json_string_value(json_object_get(r, "id")), "a");
		assert_string_equal(json_string_value(json_object_get(res, "protocolVersion")),
				    cases[i][1]);
		json_t *info = json_object_get(res, "serverInfo");
		assert_string_equal(json_string_value(json_object_get(info, "name")), "certctl");
		assert_string_equal(json_string_value(json_object_get(info, "version")),
				    CC_VERSION);
		assert_non_null(json_object_get(json_object_get(res, "capabilities"), "tools"));
		json_decref(r);
		/* a second initialize is refused */
		testmcp_assert_error(testmcp_send(&t, line), MCP_INVALID_REQUEST, "already");
		testmcp_release(&t);
	}
}

static void test_mcp_rpc__lifecycle(void **state)
{
	struct testmcp t;

	(void)state;
	testmcp_init(&t, NULL);
	/* ping is fine before initialize; nothing else is */
	json_t *r = testmcp_send(&t, REQ("1", "ping", ""));
	assert_true(json_is_object(json_object_get(r, "result")));
	json_decref(r);
	testmcp_assert_error(testmcp_send(&t, REQ("2", "tools/list", "")), MCP_INVALID_REQUEST,
			     "initialize");
	testmcp_assert_error(testmcp_send(&t, REQ("3", "initialize", ",\"params\":{}")),
			     MCP_INVALID_PARAMS, "protocolVersion");
	testmcp_assert_error(
		testmcp_send(&t, REQ("3", "initialize", ",\"params\":{\"protocolVersion\":7}")),
		MCP_INVALID_PARAMS, "protocolVersion");
	r = testmcp_send(&t, REQ("4", "initialize",
				 ",\"params\":{\"protocolVersion\":"
				 "\"2025-03-26\"}"));
	assert_non_null(json_object_get(r, "result"));
	json_decref(r);
	assert_null(testmcp_send(&t, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/"
				     "initialized\"}"));
	r = testmcp_send(&t, REQ("5", "tools/list", ""));
	assert_true(json_array_size(json_object_get(json_object_get(r, "result"), "tools")) > 0);
	json_decref(r);
	assert_int_equal(t.calls, 0);
	testmcp_release(&t);
}

static void test_mcp_rpc__error_paths(void **state)
{
	static const struct {
		const char *line;
		int code;
		const char *word;
		bool null_id;
	} cases[] = {
		{ "{not json", MCP_PARSE_ERROR, "parse error", true },
		{ "{\"a\":1,\"a\":2}", MCP_PARSE_ERROR, "parse error", true },
		{ "42", MCP_INVALID_REQUEST, "object", true },
		{ "\"ping\"", MCP_INVALID_REQUEST, "object", true },
		{ "null", MCP_INVALID_REQUEST, "object", true },
		{ REQ("null", "ping", ""), MCP_INVALID_REQUEST, "id", true },
		{ REQ("true", "ping", ""), MCP_INVALID_REQUEST, "id", true },
		{ REQ("1.5", "ping", ""), MCP_INVALID_REQUEST, "id", true },
		{ REQ("{}", "ping", ""), MCP_INVALID_REQUEST, "id", true },
		{ "{\"id\":1,\"method\":\"ping\"}", MCP_INVALID_REQUEST, "jsonrpc", false },
		{ "{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"ping\"}", MCP_INVALID_REQUEST,
		  "jsonrpc", false },
		{ "{\"jsonrpc\":\"2.0\",\"id\":1}", MCP_INVALID_REQUEST, "method", false },
		{ "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":5}", MCP_INVALID_REQUEST, "method",
		  false },
		{ REQ("1", "ping", ",\"params\":3"), MCP_INVALID_REQUEST, "params", false },
		{ REQ("1", "tools/list", ",\"params\":[1]"), MCP_INVALID_PARAMS, "params", false },
		{ REQ("1", "resources/list", ""), MCP_METHOD_NOT_FOUND, "resources/list", false },
		{ REQ("1", "tools/list", ",\"params\":{\"cursor\":\"x\"}"), MCP_INVALID_PARAMS,
		  "cursor", false },
		{ REQ("1", "tools/list", ",\"params\":{\"cursor\":\"certctl-tools:9999\"}"),
		  MCP_INVALID_PARAMS, "cursor", false },
		{ REQ("1", "tools/list", ",\"params\":{\"cursor\":\"certctl-tools:-1\"}"),
		  MCP_INVALID_PARAMS, "cursor", false },
		{ REQ("1", "tools/list", ",\"params\":{\"cursor\":5}"), MCP_INVALID_PARAMS,
		  "cursor", false },
		{ REQ("1", "tools/call", ",\"params\":{}"), MCP_INVALID_PARAMS, "name", false },
		{ REQ("1", "tools/call", ",\"params\":{\"name\":\"certctl_nope\"}"),
		  MCP_INVALID_PARAMS, "unknown tool", false },
		{ "[]", MCP_INVALID_REQUEST, "empty batch", true },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct testmcp t;
		testmcp_init(&t, "2025-03-26");
		json_t *r = testmcp_send(&t, cases[i].line);
		if (!r)
			fail_msg("no reply to %s", cases[i].line);
		assert_int_equal(json_is_null(json_object_get(r, "id")), cases[i].null_id);
		assert_string_equal(json_string_value(json_object_get(r, "jsonrpc")), "2.0");
		testmcp_assert_error(r, cases[i].code, cases[i].word);
		testmcp_release(&t);
	}
}

static void test_mcp_rpc__never_answered(void **state)
{
	static const char *const lines[] = {
		"{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}",
		"{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":"
		"{\"requestId\":3}}",
		"{\"jsonrpc\":\"2.0\",\"method\":\"notifications/whatever\"}",
		"{\"jsonrpc\":\"2.0\",\"method\":\"tools/call\"}", /* a call sent as notification */
		"{\"jsonrpc\":\"1.0\",\"method\":\"x\",\"params\":5}",
		"{\"jsonrpc\":\"2.0\",\"id\":4,\"result\":{}}", /* responses: we ask nothing */
		"{\"jsonrpc\":\"2.0\",\"id\":5,\"error\":{\"code\":1,\"message\":\"m\"}}",
		"[{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}]",
	};
	struct testmcp t;

	(void)state;
	testmcp_init(&t, "2024-11-05");
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		json_t *r = testmcp_send(&t, lines[i]);
		if (r)
			fail_msg("answered %s", lines[i]);
	}
	assert_int_equal(t.calls, 0);
	testmcp_release(&t);
}

static void test_mcp_rpc__batches(void **state)
{
	const char *batch = "[" REQ(
		"1", "ping", "") ",{\"jsonrpc\":\"2.0\",\"method\":"
				 "\"notifications/x\"}," REQ("2", "tools/list", "") ",7," REQ(
					 "3", "initialize",
					 ",\"params\":{\"protocolVersion\":"
					 "\"2025-03-26\"}") "]";
	struct testmcp t;
	json_t *r;

	(void)state;
	/* answered element by element under the versions that have batches */
	for (int v = 0; v < 2; v++) {
		testmcp_init(&t, v ? "2024-11-05" : "2025-03-26");
		r = testmcp_send(&t, batch);
		assert_true(json_is_array(r));
		assert_int_equal(json_array_size(r), 4);
		assert_int_equal(json_integer_value(json_object_get(json_array_get(r, 0), "id")),
				 1);
		assert_non_null(
			json_object_get(json_object_get(json_array_get(r, 1), "result"), "tools"));
		testmcp_assert_error(json_incref(json_array_get(r, 2)), MCP_INVALID_REQUEST,
				     "object");
		testmcp_assert_error(json_incref(json_array_get(r, 3)), MCP_INVALID_REQUEST,
				     "batch");
		json_decref(r);
		testmcp_release(&t);
	}
	/* refused as a whole under 2025-06-18, which removed them */
	testmcp_init(&t, "2025-06-18");
	testmcp_assert_error(testmcp_send(&t, batch), MCP_INVALID_REQUEST, "2025-06-18");
	testmcp_release(&t);
}

/* runs the stdio loop over input, returns what it wrote (caller frees) */
static char *run_loop(const char *input, size_t len, int *rc)
{
	struct testmcp t;
	char *out = NULL;
	size_t outlen = 0;
	FILE *in = fmemopen((void *)input, len, "r"), *o = open_memstream(&out, &outlen);

	testmcp_init(&t, NULL);
	*rc = mcp_server_run(&t.s, in, o);
	fclose(in);
	fclose(o);
	testmcp_release(&t);
	return out;
}

static size_t count_lines(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

static void test_mcp_rpc__stdio_loop(void **state)
{
	const char input[] = "\n   \r\n" REQ("1", "ping", "") "\r\n" REQ(
		"2", "ping", "") "\n"
				 "garbage\n\0nul\n" REQ("3", "ping", ""); /* no final newline */
	int rc;
	char *out = run_loop(input, sizeof(input) - 1, &rc);

	(void)state;
	assert_int_equal(rc, 0);
	assert_int_equal(count_lines(out), 5);
	assert_non_null(strstr(out, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}\n"));
	assert_non_null(strstr(out, "\"id\":3,\"result\""));
	free(out);
	out = run_loop("", 0, &rc); /* EOF at once */
	assert_int_equal(rc, 0);
	assert_string_equal(out, "");
	free(out);
}

static void test_mcp_rpc__huge_line(void **state)
{
	size_t n = MCP_LINE_MAX + 4096;
	char *big = cc_xmalloc(n + 64);
	int rc;
	char *out;

	(void)state;
	memset(big, '[', n);
	memcpy(big + n, "\n" REQ("9", "ping", "") "\n", sizeof(REQ("9", "ping", "")) + 1);
	out = run_loop(big, strlen(big), &rc);
	assert_int_equal(rc, 0);
	assert_int_equal(count_lines(out), 2);
	assert_non_null(strstr(out, "\"code\":-32700"));
	assert_non_null(strstr(out, "\"id\":9,\"result\":{}"));
	free(out);
	/* deep nesting under the limit: a parse error from jansson's depth cap, no crash */
	memset(big, '[', 100000);
	big[100000] = '\0';
	out = run_loop(big, 100000, &rc);
	assert_int_equal(count_lines(out), 1);
	assert_non_null(strstr(out, "\"code\":-32700"));
	free(out);
	free(big);
}

/* random lines, and mutations of real requests: each gets at most one line back */
static void test_mcp_rpc__garbage(void **state)
{
	static const char *const seeds[] = {
		REQ("1", "tools/call",
		    ",\"params\":{\"name\":\"certctl_get_certificate\","
		    "\"arguments\":{\"id\":\"x\"}}"),
		REQ("2", "tools/list", ",\"params\":{\"cursor\":\"certctl-tools:50\"}"),
		"[" REQ("3", "ping", "") "," REQ("4", "tools/list", "") "]",
	};
	unsigned seed = 12345;
	struct testmcp t;
	char line[512];

	(void)state;
	testmcp_init(&t, "2025-03-26");
	for (int i = 0; i < 20000; i++) {
		const char *s = seeds[i % 3];
		size_t n = strlen(s);
		memcpy(line, s, n + 1);
		for (int k = 0; k < 1 + i % 4; k++) {
			seed = seed * 1103515245u + 12345u;
			line[(seed >> 8) % n] = (char)(seed >> 20);
		}
		char *out = mcp_server_handle(&t.s, line, strlen(line));
		if (out) {
			assert_null(strchr(out, '\n'));
			json_t *j = json_loads(out, 0, NULL);
			assert_non_null(j);
			json_decref(j);
		}
		free(out);
	}
	testmcp_release(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mcp_rpc__initialize_negotiates),
		cmocka_unit_test(test_mcp_rpc__lifecycle),
		cmocka_unit_test(test_mcp_rpc__error_paths),
		cmocka_unit_test(test_mcp_rpc__never_answered),
		cmocka_unit_test(test_mcp_rpc__batches),
		cmocka_unit_test(test_mcp_rpc__stdio_loop),
		cmocka_unit_test(test_mcp_rpc__huge_line),
		cmocka_unit_test(test_mcp_rpc__garbage),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
