/* test-mcp-results.c: how certctl serve's answers become tools/call results — JSON as
 * text (and structuredContent under 2025-06-18 only), binary bodies base64 in a resource,
 * API errors and an unreachable server as isError results */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "tests/unit/testmcp.h"
#include "libcc/b64.h"

static json_t *result_of(json_t *reply)
{
	json_t *r = json_object_get(reply, "result");

	if (!r)
		fail_msg("not a result");
	return r;
}

static void test_mcp_results__json(void **state)
{
	const char *body = "{\"id\":\"mc-1\",\"status\":\"Active\"}";
	struct testmcp t;
	json_t *r;

	(void)state;
	testmcp_init(&t, "2025-06-18");
	t.reply = body;
	r = testmcp_call(&t, "certctl_get_certificate", "{\"id\":\"mc-1\"}");
	assert_string_equal(testmcp_text(r, 0), body);
	assert_string_equal(json_string_value(json_object_get(
				    json_object_get(result_of(r), "structuredContent"), "status")),
			    "Active");
	assert_null(json_object_get(result_of(r), "isError"));
	json_decref(r);
	/* an array is no structuredContent (it must be an object) */
	t.reply = "[1,2]";
	r = testmcp_call(&t, "certctl_get_crl", NULL);
	assert_string_equal(testmcp_text(r, 0), "[1,2]");
	assert_null(json_object_get(result_of(r), "structuredContent"));
	json_decref(r);
	testmcp_release(&t);

	/* older protocol versions have no structuredContent */
	for (int v = 0; v < 2; v++) {
		testmcp_init(&t, v ? "2024-11-05" : "2025-03-26");
		t.reply = body;
		r = testmcp_call(&t, "certctl_get_certificate", "{\"id\":\"mc-1\"}");
		assert_string_equal(testmcp_text(r, 0), body);
		assert_null(json_object_get(result_of(r), "structuredContent"));
		json_decref(r);
		testmcp_release(&t);
	}
}

static void test_mcp_results__empty_and_text(void **state)
{
	struct testmcp t;
	json_t *r;

	(void)state;
	testmcp_init(&t, "2024-11-05");
	t.status = 204;
	t.reply = NULL;
	r = testmcp_call(&t, "certctl_delete_team", "{\"id\":\"t\"}");
	assert_string_equal(testmcp_text(r, 0), "{\"status\":\"deleted\"}");
	json_decref(r);
	r = testmcp_call(&t, "certctl_mark_notification_read", "{\"id\":\"n\"}");
	assert_string_equal(testmcp_text(r, 0), "{\"status\":\"ok\"}");
	json_decref(r);
	t.status = 200;
	t.ctype = "text/html; charset=utf-8";
	t.reply = "<p>digest ✓</p>";
	r = testmcp_call(&t, "certctl_preview_digest", NULL);
	assert_string_equal(testmcp_text(r, 0), "<p>digest ✓</p>");
	json_decref(r);
	testmcp_release(&t);
}

static void expect_blob(const char *tool, const char *args, const char *ctype, const char *word)
{
	static const unsigned char der[] = { 0x30, 0x82, 0x01, 0x00, 0xff, 0x00, 0x7f, 0x80 };
	struct testmcp t;
	json_t *r, *item, *res;
	unsigned char *raw = NULL;
	size_t n = 0;

	testmcp_init(&t, "2025-06-18");
	t.ctype = ctype;
	t.reply = der;
	t.reply_len = sizeof(der);
	r = testmcp_call(&t, tool, args);
	assert_non_null(strstr(testmcp_text(r, 0), word));
	assert_non_null(strstr(testmcp_text(r, 0), "8 bytes"));
	item = json_array_get(json_object_get(result_of(r), "content"), 1);
	assert_string_equal(json_string_value(json_object_get(item, "type")), "resource");
	res = json_object_get(item, "resource");
	assert_string_equal(json_string_value(json_object_get(res, "mimeType")), ctype);
	assert_non_null(strstr(json_string_value(json_object_get(res, "uri")), "http://fake/api/"));
	assert_int_equal(cc_b64_decode(json_string_value(json_object_get(res, "blob")), &raw, &n),
			 0);
	assert_int_equal(n, sizeof(der));
	assert_memory_equal(raw, der, n);
	assert_null(json_object_get(result_of(r), "isError"));
	free(raw);
	json_decref(r);
	testmcp_release(&t);
}

static void test_mcp_results__binary(void **state)
{
	(void)state;
	expect_blob("certctl_get_der_crl", "{\"issuer_id\":\"iss-local\"}", "application/pkix-crl",
		    "DER-encoded CRL");
	expect_blob("certctl_ocsp_check", "{\"issuer_id\":\"iss-local\",\"serial\":\"01\"}",
		    "application/ocsp-response", "OCSP response");
	expect_blob("certctl_export_certificate_pkcs12", "{\"id\":\"c\"}", "application/x-pkcs12",
		    "PKCS#12");
	/* text that is not UTF-8 is sent as bytes rather than mangled */
	expect_blob("certctl_prometheus_metrics", NULL, "text/plain", "binary response");
}

static void expect_error(struct testmcp *t, const char *word)
{
	json_t *r = testmcp_call(t, "certctl_get_certificate", "{\"id\":\"x\"}");

	assert_true(json_is_true(json_object_get(result_of(r), "isError")));
	if (!strstr(testmcp_text(r, 0), word))
		fail_msg("'%s' lacks '%s'", testmcp_text(r, 0), word);
	json_decref(r);
}

static void test_mcp_results__errors(void **state)
{
	struct testmcp t;

	(void)state;
	testmcp_init(&t, "2025-06-18");
	t.status = 404;
	t.reply = "{\"error\":\"Not Found\",\"message\":\"Certificate not found: x\"}";
	expect_error(&t, "certctl API error (HTTP 404 Not Found): Certificate not found: x");
	t.status = 400;
	t.reply = "{\"error\":\"Bad Request\"}";
	expect_error(&t, "(HTTP 400 Bad Request): Bad Request");
	t.status = 502;
	t.ctype = "text/html";
	t.reply = "<h1>bad gateway</h1>";
	expect_error(&t, "(HTTP 502): <h1>bad gateway</h1>");
	t.reply = "\xff\xfe";
	expect_error(&t, "(HTTP 502): ??");
	t.reply = NULL;
	expect_error(&t, "no details");
	t.unreachable = true;
	expect_error(&t, "cannot reach certctl serve at http://fake: cannot connect");
	testmcp_release(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mcp_results__json),
		cmocka_unit_test(test_mcp_results__empty_and_text),
		cmocka_unit_test(test_mcp_results__binary),
		cmocka_unit_test(test_mcp_results__errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
