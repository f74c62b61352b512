/* test-targets.c: the registry, the cert_path/key_path connectors (NGINX, Apache, Postfix,
 * Dovecot) and HAProxy: files, contents, modes, validate/reload failures with rollback, and
 * bad configs refused before the disk is touched */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include "tests/unit/testtgt.h"
#include "connectors/target/target.h"
#include "libcc/buf.h"
#include "libcc/err.h"
#include "libcc/mem.h"

/* deploys TT_CERT + TT_CHAIN (+ key) with config (taken) */
static int deploy(const char *type, json_t *config, const char *key, struct cc_deploy_res *res,
		  struct cc_err *err)
{
	const struct cc_deploy_req req = {
		.cert_pem = TT_CERT,
		.chain_pem = TT_CHAIN,
		.key_pem = key,
		.config = config,
		.certificate_id = "mc-test",
		.job_id = "job-test",
	};
	int rc;

	cc_err_clear(err);
	rc = cc_target_deploy(type, &req, res, err);
	json_decref(config);
	return rc;
}

static void test_targets__registry(void **state)
{
	static const char *const names[] = { "NGINX", "Apache", "HAProxy", "Traefik",
					     "Caddy", "Envoy",	"Postfix", "Dovecot" };
	struct cc_deploy_res res;
	struct cc_err err = CC_ERR_INIT;
	size_t n = 0;

	(void)state;
	for (; cc_target_registry[n]; n++) {
		assert_non_null(cc_target_registry[n]->validate_config);
		assert_non_null(cc_target_registry[n]->deploy);
	}
	assert_int_equal(n, CC_ARRAY_SIZE(names));
	for (size_t i = 0; i < CC_ARRAY_SIZE(names); i++)
		assert_string_equal(cc_target_find(names[i])->name, names[i]);
	assert_ptr_equal(cc_target_find("nginx"), cc_target_find("NGINX"));
	assert_ptr_equal(cc_target_find("hAproxy"), cc_target_find("HAProxy"));
	assert_null(cc_target_find("F5"));
	assert_null(cc_target_find(NULL));
	assert_int_equal(deploy("ngnix", tt_json("{}"), NULL, &res, &err), -1);
	assert_int_equal(err.code, CC_E_INVALID);
	assert_string_equal(err.msg, "unknown target type 'ngnix' (did you mean 'NGINX'?)");
	assert_int_equal(cc_target_find("NGINX")->caps, CC_TGT_RELOADS);
	assert_int_equal(cc_target_find("Caddy")->caps, CC_TGT_API);
}

static void test_targets__nginx_files(void **state)
{
	const char *d = *state;
	char *cert = tt_path(d, "site.crt"), *key = tt_path(d, "site.key");
	char *chain = tt_path(d, "chain.pem"), *marker = tt_path(d, "reloaded");
	struct cc_deploy_res res;
	struct cc_err err = CC_ERR_INIT;

	assert_int_equal(deploy("NGINX",
				tt_json("{\"cert_path\":\"%s\",\"key_path\":\"%s\",\"chain_path\":"
					"\"%s\",\"validate_command\":\"/bin/true\","
					"\"reload_command\":\"/usr/bin/touch %s\"}",
					cert, key, chain, marker),
				TT_KEY, &res, &err),
			 0);
	tt_expect_file(d, "site.crt", TT_CERT, 0644);
	tt_expect_file(d, "chain.pem", TT_CHAIN, 0644);
	tt_expect_file(d, "site.key", TT_KEY, 0600);
	assert_true(tt_exists(marker));
	assert_true(tt_clean(d));
	assert_int_equal(strncmp(res.deployment_id, "nginx-", 6), 0);
	assert_string_equal(res.target_address, cert);
	assert_non_null(strstr(res.message, "; validated; reloaded"));
	/* no chain_path: the chain follows the leaf; no key_path: the key is not written */
	assert_int_equal(
		deploy("nginx", tt_json("{\"cert_path\":\"%s\"}", cert), TT_KEY, &res, &err), 0);
	tt_expect_file(d, "site.crt", TT_CERT "\n" TT_CHAIN, 0644);
	assert_non_null(strstr(res.message, "key not written (no key_path)"));
	/* the key file keeps its content when the request has no key */
	assert_int_equal(deploy("nginx",
				tt_json("{\"cert_path\":\"%s\",\"key_path\":\"%s\"}", cert, key),
				NULL, &res, &err),
			 0);
	tt_expect_file(d, "site.key", TT_KEY, 0600);
	assert_int_equal(tt_count(d), 4);
	free(cert);
	free(key);
	free(chain);
	free(marker);
}

/* the same file twice */
static void test_targets__same_file(void **state)
{
	const char *d = *state;
	char *p = tt_path(d, "both.pem");
	struct cc_deploy_res res;
	struct cc_err err = CC_ERR_INIT;

	assert_int_equal(deploy("Apache",
				tt_json("{\"cert_path\":\"%s\",\"key_path\":\"%s\"}", p, p), TT_KEY,
				&res, &err),
			 -1);
	assert_non_null(strstr(err.msg, "'cert_path' and 'key_path' name the same file"));
	assert_int_equal(tt_count(d), 0);
	free(p);
}

struct old {
	char *cert, *key, *chain, *marker;
	struct stat cert_st, key_st;
};

/* cert (0640) and key (0600) exist, the chain does not */
static void old_files(const char *d, struct old *o)
{
	o->cert = tt_path(d, "cert.pem");
	o->key = tt_path(d, "key.pem");
	o->chain = tt_path(d, "chain.pem");
	o->marker = tt_path(d, "reloaded");
	tt_write(o->cert, "old cert\n", 0640);
	tt_write(o->key, "old key\n", 0600);
	assert_int_equal(stat(o->cert, &o->cert_st), 0);
	assert_int_equal(stat(o->key, &o->key_st), 0);
}

static void expect_old(const char *d, struct old *o)
{
	struct stat st;

	tt_expect_file(d, "cert.pem", "old cert\n", 0640);
	tt_expect_file(d, "key.pem", "old key\n", 0600);
	/* the very same files, not copies */
	assert_int_equal(stat(o->cert, &st), 0);
	assert_int_equal(st.st_ino, o->cert_st.st_ino);
	assert_int_equal(stat(o->key, &st), 0);
	assert_int_equal(st.st_ino, o->key_st.st_ino);
	assert_false(tt_exists(o->chain));
	assert_true(tt_clean(d));
}

static void old_release(struct old *o)
{
	free(o->cert);
	free(o->key);
	free(o->chain);
	free(o->marker);
}

static json_t *paths_config(const struct old *o, const char *validate, const char *reload)
{
	return tt_json("{\"cert_path\":\"%s\",\"key_path\":\"%s\",\"chain_path\":\"%s\","
		       "\"validate_command\":\"%s\",\"reload_command\":\"%s\"}",
		       o->cert, o->key, o->chain, validate, reload);
}

static const char *const paths_types[] = { "NGINX", "Apache", "Postfix", "Dovecot" };

static void test_targets__validate_failure_restores(void **state)
{
	const char *d = *state;
	struct cc_deploy_res res;
	struct cc_err err = CC_ERR_INIT;
	struct old o;

	old_files(d, &o);
	for (size_t i = 0; i < CC_ARRAY_SIZE(paths_types); i++) {
		char *reload = cc_xasprintf("/usr/bin/touch %s", o.marker);

		assert_int_equal(deploy(paths_types[i], paths_config(&o, "/bin/false", reload),
					TT_KEY, &res, &err),
				 -1);
		assert_non_null(strstr(err.msg, "validate_command failed, previous files restored, "
						"not reloaded: '/bin/false' exited with status 1"));
		expect_old(d, &o);
		assert_false(tt_exists(o.marker));
		assert_int_equal(tt_count(d), 2);
		free(reload);
	}
	old_release(&o);
}

static void test_targets__reload_failure_restores(void **state)
{
	const char *d = *state;
	char *flaky = tt_path(d, "flaky-reload"), *once = tt_path(d, "once");
	char *script;
	struct cc_deploy_res res;
	struct cc_err err = CC_ERR_INIT;
	struct old o;

	old_files(d, &o);
	/* fails the first time, succeeds (and leaves the marker) the second */
	script = cc_xasprintf("#!/bin/sh\nif [ -e %s ]; then rm %s; touch %s; exit 0; fi\n"
			      "touch %s\necho 'reload: bad certificate' >&2\nexit 1\n",
			      once, once, o.marker, once);
	tt_write(flaky, script, 0755);
	for (size_t i = 0; i < CC_ARRAY_SIZE(paths_types); i++) {
		assert_int_equal(deploy(paths_types[i], paths_config(&o, "/bin/true", flaky),
					TT_KEY, &res, &err),
				 -1);
		assert_non_null(strstr(err.msg,
				       "reload_command failed, previous files restored and "
				       "reloaded: "));
		assert_non_null(strstr(err.msg, "exited with status 1: reload: bad certificate"));
		expect_old(d, &o);
		assert_true(tt_exists(o.marker));
		unlink(o.marker);
	}
	/* failing again after the restore */
	assert_int_equal(
		deploy("NGINX", paths_config(&o, "/bin/true", "/bin/false"), TT_KEY, &res, &err),
		-1);
	assert_non_null(strstr(err.msg, "previous files restored, but reloading them failed too"));
	expect_old(d, &o);
	old_release(&o);
	free(script);
	free(flaky);
	free(once);
}

static void test_targets__mail(void **state)
{
	const char *d = *state;
	char *cert = tt_path(d, "c.pem"), *key = tt_path(d, "k.pem");
	json_t *empty;
	struct cc_deploy_res res;
	struct cc_err err = CC_ERR_INIT;

	assert_int_equal(deploy("Postfix",
				tt_json("{\"cert_path\":\"%s\",\"key_path\":\"%s\","
					"\"validate_command\":\"\",\"reload_command\":\"\"}",
					cert, key),
				TT_KEY, &res, &err),
			 0);
	tt_expect_file(d, "c.pem", TT_CERT "\n" TT_CHAIN, 0644);
	tt_expect_file(d, "k.pem", TT_KEY, 0600);
	assert_int_equal(strncmp(res.deployment_id, "postfix-", 8), 0);
	assert_null(strstr(res.message, "validated"));
	/* mode picks the defaults and the id */
	assert_int_equal(deploy("Postfix",
				tt_json("{\"mode\":\"dovecot\",\"cert_path\":\"%s\",\"key_path\":"
					"\"%s\",\"validate_command\":\"/bin/true\","
					"\"reload_command\":\"\"}",
					cert, key),
				TT_KEY, &res, &err),
			 0);
	assert_int_equal(strncmp(res.deployment_id, "dovecot-", 8), 0);
	/* defaults hold in validate_config and deploy alike */
	empty = tt_json("{}");
	assert_int_equal(cc_target_find("Postfix")->validate_config(empty, &err), 0);
	json_decref(empty);
	if (!tt_exists("/etc/postfix/certs")) {
		assert_int_equal(deploy("Postfix", tt_json("{}"), TT_KEY, &res, &err), -1);
		assert_non_null(strstr(err.msg,
				       "directory '/etc/postfix/certs' of 'cert_path' does "
				       "not exist"));
	}
	if (!tt_exists("/etc/dovecot/certs")) {
		assert_int_equal(deploy("Dovecot", tt_json("{}"), TT_KEY, &res, &err), -1);
		assert_non_null(strstr(err.msg, "'/etc/dovecot/certs'"));
	}
	free(cert);
	free(key);
}

static void test_targets__haproxy(void **state)
{
	const char *d = *state;
	char *pem = tt_path(d, "site.pem"), *marker = tt_path(d, "reloaded");
	struct cc_deploy_res res;
	struct cc_err err = CC_ERR_INIT;

	tt_write(pem, "old combined\n", 0644);
	assert_int_equal(deploy("HAProxy",
				tt_json("{\"pem_path\":\"%s\",\"validate_command\":\"/bin/false\","
					"\"reload_command\":\"/usr/bin/touch %s\"}",
					pem, marker),
				TT_KEY, &res, &err),
			 -1);
	tt_expect_file(d, "site.pem", "old combined\n", 0644);
	assert_false(tt_exists(marker));
	assert_int_equal(deploy("HAProxy",
				tt_json("{\"pem_path\":\"%s\",\"reload_command\":\"/usr/bin/touch "
					"%s\"}",
					pem, marker),
				TT_KEY, &res, &err),
			 0);
	/* one file holding the key: 0600 even though the old one was 0644 */
	tt_expect_file(d, "site.pem", TT_CERT "\n" TT_CHAIN "\n" TT_KEY "\n", 0600);
	assert_true(tt_exists(marker));
	assert_string_equal(res.target_address, pem);
	assert_int_equal(strncmp(res.deployment_id, "haproxy-", 8), 0);
	assert_int_equal(tt_count(d), 2);
	free(pem);
	free(marker);
}

struct bad {
	const char *type, *config, *want; /* config: "@D" stands for the temp dir */
};

static const struct bad bads[] = {
	{ "NGINX", "{\"cert_path\":\"@D/../x.pem\"}", "'cert_path' contains a '..' segment" },
	{ "NGINX", "{\"cert_path\":\"cert.pem\"}", "'cert_path' is not an absolute path" },
	{ "NGINX", "{\"cert_path\":\"@D/c\",\"reload_command\":\"nginx -s reload; rm -rf @D\"}",
	  "'reload_command' contains the shell metacharacter ';'" },
	{ "NGINX", "{\"cert_path\":\"@D/c\",\"validate_command\":\"$(touch @D/pwned)\"}",
	  "'validate_command' contains the shell metacharacter '$'" },
	{ "NGINX", "{\"cert_path\":\"@D/c\",\"reload_command\":\"nginx\\n/usr/bin/touch @D/x\"}",
	  "line break" },
	{ "NGINX", "{}", "'cert_path' is required" },
	{ "NGINX", "{\"cert_path\":\"\"}", "'cert_path' is required" },
	{ "NGINX", "{\"cert_path\":5}", "'cert_path' must be a string" },
	{ "NGINX", "{\"cert_path\":\"@D/c\",\"reload_command\":[\"nginx\",\"-s\"]}",
	  "'reload_command' must be a string" },
	{ "NGINX", "{\"cert_path\":\"@D/c\",\"key_path\":\"********\"}", "redacted placeholder" },
	{ "NGINX", "{\"cert_path\":\"@D/a\\u0000b\"}", "'cert_path' contains a NUL byte" },
	{ "NGINX", "[\"@D\"]", "the target config must be a JSON object" },
	{ "NGINX", "\"@D/c\"", "must be a JSON object" },
	{ "Apache", "{\"cert_path\":\"@D/c\",\"reload_command\":\"./reload.sh\"}",
	  "'reload_command' runs a relative path" },
	{ "Apache", "{\"cert_path\":\"@D/c\",\"chain_path\":true}",
	  "'chain_path' must be a string" },
	{ "HAProxy", "{\"pem_path\":\"@D/p\"}", "'reload_command' is required" },
	{ "HAProxy", "{\"pem_path\":\"@D/p\",\"reload_command\":\"\"}",
	  "'reload_command' is required" },
	{ "HAProxy", "{\"pem_path\":\"@D//p\",\"reload_command\":\"true\"}", "'//'" },
	{ "Traefik", "{}", "'cert_dir' is required" },
	{ "Traefik", "{\"cert_dir\":\"@D\",\"cert_file\":\"../../etc/passwd\"}",
	  "'cert_file' must be a file name, not a path" },
	{ "Traefik", "{\"cert_dir\":\"@D\",\"key_file\":\"-rf\"}", "'key_file' starts with '-'" },
	{ "Traefik", "{\"cert_dir\":\"@D\",\"cert_file\":\"\"}", "'cert_file' is required" },
	{ "Traefik", "{\"cert_dir\":\"@D\",\"key_file\":\"..\"}", "'key_file' cannot be" },
	{ "Envoy", "{\"cert_dir\":\"@D\",\"sds_config\":\"true\"}",
	  "'sds_config' must be true or false" },
	{ "Envoy", "{\"cert_dir\":\"@D\",\"chain_filename\":\"a/b\"}", "'chain_filename' must be" },
	{ "Envoy", "{\"cert_dir\":\"@D\",\"key_filename\":\"key*.pem\"}", "metacharacter '*'" },
	{ "Caddy", "{\"mode\":\"bogus\"}", "'mode' must be \"api\" or \"file\"" },
	{ "Caddy", "{\"mode\":5}", "'mode' must be a string" },
	{ "Caddy", "{\"mode\":\"api\",\"admin_api\":\"http://u:p@localhost:2019\"}", "userinfo" },
	{ "Caddy", "{\"mode\":\"api\",\"admin_api\":\"file:///etc/passwd\"}",
	  "unsupported scheme" },
	{ "Caddy", "{\"mode\":\"file\"}", "'cert_dir' is required" },
	{ "Caddy", "{}", "'cert_dir' is required" },
	{ "Postfix", "{\"mode\":\"exim\"}", "'mode' must be \"postfix\" or \"dovecot\"" },
	{ "Postfix", "{\"validate_command\":\"postfix check\\r\\nid\"}", "line break" },
	{ "Dovecot", "{\"cert_path\":\"/etc/dovecot/certs/../../shadow\"}", "'..' segment" },
	{ "Dovecot", "{\"reload_command\":\"doveadm reload `id`\"}", "metacharacter '`'" },
};

/* tmpl with every "@D" replaced by dir */
static json_t *config_in(const char *tmpl, const char *dir)
{
	struct cc_buf b = CC_BUF_INIT;
	json_t *j;

	for (const char *p = tmpl; *p; p++) {
		if (p[0] == '@' && p[1] == 'D') {
			cc_buf_adds(&b, dir);
			p++;
		} else {
			cc_buf_addc(&b, *p);
		}
	}
	j = tt_json("%s", b.buf);
	cc_buf_release(&b);
	return j;
}

/* each bad config is refused by validate_config and deploy, and nothing is written */
static void test_targets__bad_configs(void **state)
{
	const char *d = *state;
	struct cc_deploy_res res;
	struct cc_err err = CC_ERR_INIT;

	for (size_t i = 0; i < CC_ARRAY_SIZE(bads); i++) {
		const struct cc_target_ops *ops = cc_target_find(bads[i].type);
		json_t *config = config_in(bads[i].config, d);

		assert_non_null(ops);
		cc_err_clear(&err);
		if (ops->validate_config(config, &err) != -1 || !strstr(err.msg, bads[i].want))
			fail_msg("row %zu validate_config: '%s' not in '%s'", i, bads[i].want,
				 err.msg);
		assert_int_equal(err.code, CC_E_INVALID);
		if (deploy(bads[i].type, config, TT_KEY, &res, &err) != -1 ||
		    !strstr(err.msg, bads[i].want))
			fail_msg("row %zu deploy: '%s' not in '%s'", i, bads[i].want, err.msg);
		assert_int_equal(err.code, CC_E_INVALID);
		assert_int_equal(tt_count(d), 0);
	}
}

static void test_targets__no_certificate(void **state)
{
	const struct cc_deploy_req req = { .config = NULL };
	struct cc_deploy_res res;
	struct cc_err err = CC_ERR_INIT;
	json_t *config = tt_json("{\"cert_path\":\"%s/c\"}", (const char *)*state);
	const struct cc_deploy_req req2 = { .cert_pem = "", .config = config };

	assert_int_equal(cc_target_find("NGINX")->deploy(&req, &res, &err), -1);
	assert_string_equal(err.msg, "no certificate to deploy");
	assert_int_equal(cc_target_deploy("NGINX", &req2, &res, &err), -1);
	assert_non_null(strstr(err.msg, "no certificate to deploy"));
	json_decref(config);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_targets__registry),
		cmocka_unit_test_setup_teardown(test_targets__nginx_files, tt_setup, tt_teardown),
		cmocka_unit_test_setup_teardown(test_targets__same_file, tt_setup, tt_teardown),
		cmocka_unit_test_setup_teardown(test_targets__validate_failure_restores, tt_setup,
						tt_teardown),
		cmocka_unit_test_setup_teardown(test_targets__reload_failure_restores, tt_setup,
						tt_teardown),
		cmocka_unit_test_setup_teardown(test_targets__mail, tt_setup, tt_teardown),
		cmocka_unit_test_setup_teardown(test_targets__haproxy, tt_setup, tt_teardown),
		cmocka_unit_test_setup_teardown(test_targets__bad_configs, tt_setup, tt_teardown),
		cmocka_unit_test_setup_teardown(test_targets__no_certificate, tt_setup,
						tt_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
