/* test-targets-caddy.c: the Caddy target: its files, and its admin API mode against a
 * stand-in that answers as Caddy 2.6.2 does (testcaddy.h): where the entry goes, how a
 * missing load_pem is created, a concurrent change (412), Caddy's errors and the fallback */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "tests/unit/testcaddy.h"
#include "tests/unit/testtgt.h"
#include "connectors/target/target.h"
#include "libcc/buf.h"
#include "libcc/err.h"
#include "libcc/mem.h"

#define PEM "/config/apps/tls/certificates/load_pem"

/* a config whose load_pem holds the given tags' entries, in order (new ref) */
static json_t *with_pem(int n, ...)
{
	json_t *arr = json_array();
	va_list ap;

	va_start(ap, n);
	for (int i = 0; i < n; i++)
		json_array_append_new(arr, json_pack("{s:s, s:s, s:[s]}", "certificate", TT_CERT,
						     "key", TT_KEY, "tags", va_arg(ap, char *)));
	va_end(ap);
	return json_pack("{s:{s:{s:{s:o}}}}", "apps", "tls", "certificates", "load_pem", arr);
}

static int deploy(json_t *config, const char *id, const char *cert, const char *chain,
		  const char *key, struct cc_deploy_res *res, struct cc_err *err)
{
	const struct cc_deploy_req req = { .cert_pem = cert,
					   .chain_pem = chain,
					   .key_pem = key,
					   .config = config,
					   .certificate_id = id };
	int rc;

	cc_err_clear(err);
	rc = cc_target_deploy("Caddy", &req, res, err);
	if (rc < 0)
		print_message("deploy: %s\n", err->msg);
	json_decref(config);
	return rc;
}

static json_t *api_config(const struct tc_caddy *s, const char *dir)
{
	return dir ? tt_json("{\"mode\":\"api\",\"admin_api\":\"http://127.0.0.1:%u\","
			     "\"cert_dir\":\"%s\"}",
			     s->port, dir)
		   : tt_json("{\"mode\":\"api\",\"admin_api\":\"http://127.0.0.1:%u\"}", s->port);
}

/* the only tag of load_pem entry i */
static const char *tag_at(const struct tc_caddy *s, size_t i)
{
	const json_t *tags = json_object_get(json_array_get(tc_load_pem(s), i), "tags");

	assert_int_equal(json_array_size(tags), 1);
	return json_string_value(json_array_get(tags, 0));
}

static void trace_is(struct tc_caddy *s, const char *want)
{
	assert_string_equal(s->trace.buf, want);
	cc_buf_reset(&s->trace);
}

/* the first deployment goes first in load_pem, later ones replace it in place */
static void test_caddy__api_replace(void **state)
{
	const char *d = *state;
	struct cc_deploy_res res;
	struct cc_err err = CC_ERR_INIT;
	char want[64];
	struct tc_caddy s;
	json_t *e;

	tc_start(&s, with_pem(1, "throwaway"));
	assert_int_equal(deploy(api_config(&s, d), "mc-1", TT_CERT, TT_CHAIN, TT_KEY, &res, &err),
			 0);
	trace_is(&s, "GET " PEM "; PUT " PEM "/0 *; ");
	assert_int_equal(json_array_size(tc_load_pem(&s)), 2);
	e = json_array_get(tc_load_pem(&s), 0);
	assert_int_equal(json_object_size(e), 3);
	assert_string_equal(json_string_value(json_object_get(e, "certificate")),
			    TT_CERT "\n" TT_CHAIN "\n");
	assert_string_equal(json_string_value(json_object_get(e, "key")), TT_KEY);
	assert_string_equal(tag_at(&s, 0), "certctl:mc-1");
	assert_string_equal(tag_at(&s, 1), "throwaway");
	snprintf(want, sizeof(want), "http://127.0.0.1:%u", s.port);
	assert_string_equal(res.target_address, want);
	assert_int_equal(strncmp(res.deployment_id, "caddy-", 6), 0);
	assert_non_null(strstr(res.message, "admin API at http://127.0.0.1:"));
	assert_non_null(strstr(res.message, "(added load_pem entry 0 of 2)"));
	assert_int_equal(tt_count(d), 0); /* the API took it: no files */
	/* again, without a chain, "API" and a trailing slash: replaced in place */
	assert_int_equal(deploy(tt_json("{\"mode\":\"API\",\"admin_api\":\"%s/\"}", want), "mc-1",
				TT_CERT, "", TT_KEY, &res, &err),
			 0);
	trace_is(&s, "GET " PEM "; PATCH " PEM "/0 *; ");
	assert_int_equal(json_array_size(tc_load_pem(&s)), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(tc_load_pem(&s), 0),
							      "certificate")),
			    TT_CERT "\n");
	assert_non_null(strstr(res.message, "(replaced load_pem entry 0)"));
	/* another certificate goes first; the first one is then found at 1 */
	assert_int_equal(deploy(api_config(&s, NULL), "mc-2", TT_CERT, "", TT_KEY, &res, &err), 0);
	trace_is(&s, "GET " PEM "; PUT " PEM "/0 *; ");
	assert_int_equal(deploy(api_config(&s, NULL), "mc-1", TT_CERT, "", TT_KEY, &res, &err), 0);
	trace_is(&s, "GET " PEM "; PATCH " PEM "/1 *; ");
	assert_int_equal(json_array_size(tc_load_pem(&s)), 3);
	assert_string_equal(tag_at(&s, 0), "certctl:mc-2");
	assert_string_equal(tag_at(&s, 1), "certctl:mc-1");
	assert_string_equal(tag_at(&s, 2), "throwaway");
	tc_stop(&s);
}

/* load_pem is created where its nearest absent ancestor is, the rest left alone */
static void test_caddy__api_create(void **state)
{
#define PEM_X "\"tls\":{\"certificates\":{\"load_pem\":\"X\"}}"
	static const struct {
		const char *cfg, *gets, *change, *after;
	} t[] = {
		{ "null",
		  "GET " PEM "; GET /config/apps/tls/certificates; GET /config/apps/tls; "
		  "GET /config/apps; GET /config/; ",
		  "POST /config/ *; ", "{\"apps\":{" PEM_X "}}" },
		{ "{\"admin\":{\"listen\":\"x\"}}",
		  "GET " PEM "; GET /config/apps/tls/certificates; GET /config/apps/tls; "
		  "GET /config/apps; ",
		  "POST /config/apps *; ", "{\"admin\":{\"listen\":\"x\"},\"apps\":{" PEM_X "}}" },
		{ "{\"apps\":{\"http\":{}}}",
		  "GET " PEM "; GET /config/apps/tls/certificates; GET /config/apps/tls; ",
		  "POST /config/apps/tls *; ", "{\"apps\":{\"http\":{}," PEM_X "}}" },
		{ "{\"apps\":{\"tls\":{\"automation\":{}}}}",
		  "GET " PEM "; GET /config/apps/tls/certificates; ",
		  "POST /config/apps/tls/certificates *; ",
		  "{\"apps\":{\"tls\":{\"automation\":{},\"certificates\":{\"load_pem\":\"X\"}}}"
		  "}" },
		{ "{\"apps\":{\"tls\":{\"certificates\":{\"automate\":[\"a\"]}}}}", "GET " PEM "; ",
		  "POST " PEM " *; ",
		  "{\"apps\":{\"tls\":{\"certificates\":{\"automate\":[\"a\"],\"load_pem\":\"X\"}}}"
		  "}" },
		{ "{\"apps\":{\"tls\":{\"certificates\":{\"load_pem\":[]}}}}", "GET " PEM "; ",
		  "POST " PEM " *; ", "{\"apps\":{" PEM_X "}}" },
	};
#undef PEM_X
	struct cc_deploy_res res;
	struct cc_err err = CC_ERR_INIT;
	struct tc_caddy s;
	char want[512];

	(void)state;
	for (size_t i = 0; i < CC_ARRAY_SIZE(t); i++) {
		json_t *cfg = json_loads(t[i].cfg, JSON_DECODE_ANY, NULL), *after, *expect;

		tc_start(&s, json_is_null(cfg) ? NULL : cfg);
		assert_int_equal(
			deploy(api_config(&s, NULL), "mc-1", TT_CERT, "", TT_KEY, &res, &err), 0);
		snprintf(want, sizeof(want), "%s%s", t[i].gets, t[i].change);
		trace_is(&s, want);
		assert_int_equal(json_array_size(tc_load_pem(&s)), 1);
		assert_string_equal(tag_at(&s, 0), "certctl:mc-1");
		/* all else as it was */
		after = json_deep_copy(s.cfg);
		json_object_set_new(
			json_object_get(json_object_get(json_object_get(after, "apps"), "tls"),
					"certificates"),
			"load_pem", json_string("X"));
		expect = json_loads(t[i].after, 0, NULL);
		assert_non_null(expect);
		if (!json_equal(after, expect))
			fail_msg("case %zu: %s", i, json_dumps(after, JSON_COMPACT));
		json_decref(expect);
		json_decref(after);
		tc_stop(&s);
	}
}

/* a change between our GET and our change (a stale If-Match: 412) starts over */
static void test_caddy__api_race(void **state)
{
	struct cc_deploy_res res;
	struct cc_err err = CC_ERR_INIT;
	struct tc_caddy s;

	(void)state;
	tc_start(&s, with_pem(2, "throwaway", "certctl:mc-1"));
	s.races = 1;
	assert_int_equal(
		deploy(api_config(&s, NULL), "mc-1", TT_CERT, TT_CHAIN, TT_KEY, &res, &err), 0);
	trace_is(&s, "GET " PEM "; PATCH " PEM "/1 *; GET " PEM "; PATCH " PEM "/2 *; ");
	assert_int_equal(json_array_size(tc_load_pem(&s)), 3);
	assert_string_equal(tag_at(&s, 0), "other");
	assert_string_equal(tag_at(&s, 1), "throwaway");
	assert_string_equal(tag_at(&s, 2), "certctl:mc-1");
	assert_string_equal(json_string_value(json_object_get(json_array_get(tc_load_pem(&s), 2),
							      "certificate")),
			    TT_CERT "\n" TT_CHAIN "\n");
	/* it never settles: three tries, then the error */
	s.races = 100;
	assert_int_equal(deploy(api_config(&s, NULL), "mc-1", TT_CERT, "", TT_KEY, &res, &err), -1);
	assert_int_equal(err.code, CC_E_RETRY);
	assert_non_null(strstr(err.msg, "the config kept changing (3 tries): "));
	assert_non_null(strstr(err.msg, "answered HTTP 412 to PATCH " PEM "/"));
	assert_non_null(strstr(err.msg, ": If-Match header did not match current config hash"));
	assert_int_equal(json_array_size(tc_load_pem(&s)), 6);
	tc_stop(&s);
}

/* what Caddy refuses is named, with its own words; with cert_dir the files are written */
static void test_caddy__api_fallback(void **state)
{
	const char *d = *state;
	struct cc_deploy_res res;
	struct cc_err err = CC_ERR_INIT;
	struct tc_caddy s;
	unsigned port;

	tc_start(&s, with_pem(0));
	/* not a certificate: Caddy's provisioning error, the config left as it was */
	assert_int_equal(deploy(api_config(&s, NULL), "mc-1", "junk", "", TT_KEY, &res, &err), -1);
	assert_int_equal(err.code, CC_E_UNAVAILABLE);
	assert_non_null(strstr(err.msg, "the Caddy admin API at http://127.0.0.1:"));
	assert_non_null(strstr(err.msg, " answered HTTP 500 to POST " PEM ": ..."));
	assert_non_null(strstr(err.msg, "PEM pair 0: tls: failed to find any PEM data in "
					"certificate input"));
	assert_int_equal(json_array_size(tc_load_pem(&s)), 0);
	/* with cert_dir: the files */
	cc_buf_reset(&s.trace);
	assert_int_equal(deploy(api_config(&s, d), "mc-1", "junk", "", TT_KEY, &res, &err), 0);
	trace_is(&s, "GET " PEM "; POST " PEM " *; ");
	assert_non_null(strstr(res.message, "admin API failed (the Caddy admin API at "));
	assert_non_null(strstr(res.message, "HTTP 500"));
	assert_non_null(strstr(res.message, "fell back to files; wrote "));
	tt_expect_file(d, "cert.pem", "junk\n", 0644);
	tt_expect_file(d, "key.pem", TT_KEY, 0600);
	/* no key: the API is not asked */
	assert_int_equal(deploy(api_config(&s, d), "mc-1", TT_CERT, TT_CHAIN, NULL, &res, &err), 0);
	trace_is(&s, "");
	assert_non_null(strstr(res.message, "needs the private key"));
	/* the admin API refuses the host; a path that is not Caddy's */
	s.force = 403;
	assert_int_equal(deploy(api_config(&s, NULL), "mc-1", TT_CERT, "", TT_KEY, &res, &err), -1);
	assert_non_null(strstr(err.msg, "answered HTTP 403 to GET " PEM ": host not allowed"));
	s.force = 0;
	assert_int_equal(
		deploy(tt_json("{\"mode\":\"api\",\"admin_api\":\"http://127.0.0.1:%u/x\"}",
			       s.port),
		       "mc-1", TT_CERT, "", TT_KEY, &res, &err),
		-1);
	assert_non_null(strstr(err.msg, "/x answered HTTP 404 to GET " PEM ": 404 page not found"));
	port = s.port;
	tc_stop(&s);
	/* nobody listening */
	assert_int_equal(
		deploy(tt_json("{\"mode\":\"api\",\"admin_api\":\"http://127.0.0.1:%u\"}", port),
		       "mc-1", TT_CERT, "", TT_KEY, &res, &err),
		-1);
	assert_int_equal(err.code, CC_E_UNAVAILABLE);
	assert_non_null(strstr(err.msg, "cannot reach the Caddy admin API at http://127.0.0.1:"));
}

static void test_caddy__files(void **state)
{
	const char *d = *state;
	struct cc_deploy_res res;
	struct cc_err err = CC_ERR_INIT;

	assert_int_equal(deploy(tt_json("{\"cert_dir\":\"%s\",\"cert_file\":\"site.crt\","
					"\"key_file\":\"site.key\"}",
					d),
				"mc-1", TT_CERT, TT_CHAIN, TT_KEY, &res, &err),
			 0);
	tt_expect_file(d, "site.crt", TT_CERT "\n" TT_CHAIN "\n", 0644);
	tt_expect_file(d, "site.key", TT_KEY, 0600);
	assert_int_equal(deploy(tt_json("{\"mode\":\"file\",\"cert_dir\":\"%s\"}", d), "mc-1",
				TT_CERT, TT_CHAIN, TT_KEY, &res, &err),
			 0);
	tt_expect_file(d, "cert.pem", TT_CERT "\n" TT_CHAIN "\n", 0644);
	assert_int_equal(strncmp(res.deployment_id, "caddy-", 6), 0);
	assert_int_equal(tt_count(d), 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_caddy__api_replace, tt_setup, tt_teardown),
		cmocka_unit_test(test_caddy__api_create),
		cmocka_unit_test(test_caddy__api_race),
		cmocka_unit_test_setup_teardown(test_caddy__api_fallback, tt_setup, tt_teardown),
		cmocka_unit_test_setup_teardown(test_caddy__files, tt_setup, tt_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
