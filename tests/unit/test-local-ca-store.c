/* test-local-ca-store.c: the Local CA's own files (created 0700/0600, reused, one CA when
 * opened concurrently), sub-CA mode with keys made by the openssl CLI (PKCS#1, SEC1,
 * PKCS#8, Ed25519) and its refusals, validate_config, CRLs and OCSP answers checked with
 * `openssl crl` / `openssl ocsp` */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>
#include <jansson.h>
#include <openssl/x509.h>
#include "connectors/issuer/issuer.h"
#include "libcc/buf.h"
#include "libcc/err.h"
#include "libcc/mem.h"
#include "libcc/time.h"
#include "libcc/x509.h"
#include "tests/unit/testca.h"
#include "tests/unit/testossl.h"

static void test_local_ca__self_signed_created_and_reused(void **state)
{
	const char *dir = *state;
	char *cadir = cc_xasprintf("%s/ca/iss-local", dir), *key = testossl_path(cadir, "ca.key");
	char *crt = testossl_path(cadir, "ca.crt"), *pem1, *pem2, *out = NULL, *file;
	struct cc_issuer_conn *iss = testca_open(dir, "iss-local", NULL, NULL);
	struct cc_err err = CC_ERR_INIT;
	struct cc_cert_info ci;
	struct cc_issue_res res;
	char *csr = testca_csr(NULL, "p.example.com", NULL);

	assert_int_equal(testossl_mode(cadir), 0700);
	assert_int_equal(testossl_mode(key), 0600);
	file = testossl_read(key, NULL);
	assert_true(!strncmp(file, "-----BEGIN PRIVATE KEY-----\n", 28)); /* PKCS#8 */
	free(file);
	assert_int_equal(testossl_openssl(&out, "pkey", "-in", key, "-noout", "-text", NULL), 0);
	assert_non_null(strstr(out, "NIST CURVE: P-256"));
	free(out);
	pem1 = testca_ca_pem(iss);
	file = testossl_read(crt, NULL);
	assert_string_equal(pem1, file);
	free(file);
	out = testca_x509(dir, pem1, "-text", NULL);
	assert_non_null(strstr(out, "Subject: CN = CertCtl Local CA\n"));
	assert_non_null(strstr(out, "Issuer: CN = CertCtl Local CA\n"));
	assert_non_null(
		strstr(out, "X509v3 Basic Constraints: critical\n                CA:TRUE\n"));
	assert_non_null(strstr(out, "X509v3 Key Usage: critical\n                Certificate Sign, "
				    "CRL Sign\n"));
	assert_non_null(strstr(out, "X509v3 Subject Key Identifier"));
	assert_non_null(strstr(out, "ecdsa-with-SHA256"));
	free(out);
	assert_int_equal(cc_cert_info_from_pem(pem1, strlen(pem1), &ci, &err), 0);
	assert_true(ci.is_ca);
	assert_int_equal(ci.not_after - ci.not_before, (3652 * 86400 + 60) * CC_USEC_PER_SEC);
	cc_cert_info_release(&ci);
	assert_int_equal(testca_issue(iss, csr, NULL, NULL, NULL, 0, &res, &err), 0);
	cc_issuer_close(iss);
	/* a restart: the same CA (a new ca_common_name only applies to a new CA) */
	iss = testca_open(dir, "iss-local", "{\"ca_common_name\":\"Other\"}", NULL);
	pem2 = testca_ca_pem(iss);
	assert_string_equal(pem1, pem2);
	testca_verify_ok(dir, pem2, NULL, res.cert_pem);
	cc_issue_res_release(&res);
	cc_issuer_close(iss);
	/* the certificate without its key is refused, not replaced */
	assert_int_equal(unlink(key), 0);
	assert_int_equal(testca_try_open(dir, "iss-local", NULL, NULL, &iss, &err), -1);
	assert_int_equal(err.code, CC_E_CONFIG);
	assert_non_null(strstr(err.msg, "ca.key"));
	file = testossl_read(crt, NULL);
	assert_string_equal(file, pem1);
	free(file);
	free(pem1);
	free(pem2);
	free(csr);
	free(cadir);
	free(key);
	free(crt);
}

static void test_local_ca__self_signed_name_and_env_errors(void **state)
{
	struct cc_issuer_conn *iss =
		testca_open(*state, "iss-named", "{\"ca_common_name\":\"Example Test CA\"}", NULL);
	struct cc_err err = CC_ERR_INIT;
	char *pem = testca_ca_pem(iss), *out = testca_x509(*state, pem, "-subject", NULL);

	assert_string_equal(out, "subject=CN = Example Test CA\n");
	cc_issuer_close(iss);
	assert_int_equal(testca_try_open(*state, "../escape", NULL, NULL, &iss, &err), -1);
	assert_int_equal(err.code, CC_E_CONFIG);
	assert_int_equal(testca_try_open("", "iss-x", NULL, NULL, &iss, &err), -1);
	assert_int_equal(err.code, CC_E_CONFIG);
	assert_null(iss);
	free(out);
	free(pem);
}

#define OPENERS 4

struct opener {
	const char *dir;
	char *pem;
};

static void *open_one(void *arg)
{
	struct opener *o = arg;
	struct cc_issuer_conn *iss = testca_open(o->dir, "iss-race", NULL, NULL);

	o->pem = testca_ca_pem(iss);
	cc_issuer_close(iss);
	return NULL;
}

/* processes and threads opening a new CA at once all end up with the same one */
static void test_local_ca__concurrent_open_one_ca(void **state)
{
	struct opener o[OPENERS];
	pthread_t th[OPENERS];
	pid_t kids[3];
	char *path, *pem;

	for (int i = 0; i < 3; i++) {
		kids[i] = fork();
		assert_true(kids[i] >= 0);
		if (kids[i] == 0) {
			struct cc_issuer_conn *iss = testca_open(*state, "iss-race", NULL, NULL);
			char name[32];

			snprintf(name, sizeof(name), "kid-%d.pem", i);
			path = testossl_path(*state, name);
			testossl_write(path, pem = testca_ca_pem(iss));
			_exit(0);
		}
	}
	for (int i = 0; i < OPENERS; i++) {
		o[i].dir = *state;
		assert_int_equal(pthread_create(&th[i], NULL, open_one, &o[i]), 0);
	}
	for (int i = 0; i < OPENERS; i++)
		pthread_join(th[i], NULL);
	for (int i = 0; i < 3; i++) {
		int st = 0;
		char name[32];

		assert_int_equal(waitpid(kids[i], &st, 0), kids[i]);
		assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
		snprintf(name, sizeof(name), "kid-%d.pem", i);
		path = testossl_path(*state, name);
		pem = testossl_read(path, NULL);
		assert_string_equal(pem, o[0].pem);
		free(pem);
		free(path);
	}
	for (int i = 1; i < OPENERS; i++)
		assert_string_equal(o[i].pem, o[0].pem);
	for (int i = 0; i < OPENERS; i++)
		free(o[i].pem);
}

static void check_sub(const char *dir, const char *name, const char *const *keygen,
		      const char *pem_type)
{
	struct testca_sub s = testca_sub_make(dir, name, testca_ext_good, keygen);
	char *cfg = testca_sub_config(&s, NULL), *key = testossl_read(s.key, NULL);
	char *chain = testossl_read(s.chain, NULL), *crt = testossl_read(s.crt, NULL), *ca;
	char *root = testossl_read(s.root, NULL), *made = testossl_path(dir, "ca/iss-sub");
	const struct cc_issuer_ops *o = cc_issuer_find("GenericCA");
	json_t *j = json_loads(cfg, 0, NULL);
	struct cc_issuer_conn *iss;
	struct cc_err err = CC_ERR_INIT;
	struct cc_issue_res res;
	char *csr = testca_csr("ECDSA-P256", "leaf.example.com", NULL);

	assert_non_null(strstr(key, pem_type));
	assert_int_equal(o->validate_config(j, &err), 0);
	iss = testca_open(dir, "iss-sub", cfg, NULL);
	if (testca_issue(iss, csr, NULL, NULL, NULL, 0, &res, &err) < 0)
		fail_msg("%s: %s", name, err.msg);
	/* the chain returned is the CA file; the leaf verifies against the root */
	assert_string_equal(res.chain_pem, chain);
	ca = testca_ca_pem(iss);
	assert_string_equal(ca, chain);
	testca_verify_ok(dir, root, crt, res.cert_pem);
	/* nothing was created under the data directory */
	assert_int_not_equal(access(made, F_OK), 0);
	cc_issue_res_release(&res);
	cc_issuer_close(iss);
	json_decref(j);
	free(ca);
	free(csr);
	free(cfg);
	free(key);
	free(chain);
	free(crt);
	free(root);
	free(made);
	testca_sub_release(&s);
}

static void test_local_ca__sub_ca_key_formats(void **state)
{
	check_sub(*state, "rsa1", testca_key_rsa1, "-----BEGIN RSA PRIVATE KEY-----");
	check_sub(*state, "sec1", testca_key_sec1, "-----BEGIN EC PRIVATE KEY-----");
	check_sub(*state, "p8", testca_key_p8, "-----BEGIN PRIVATE KEY-----");
	check_sub(*state, "ed", testca_key_ed, "-----BEGIN PRIVATE KEY-----");
}

/* CERTCTL_CA_CERT_PATH / KEY_PATH apply when the config names no files */
static void test_local_ca__sub_ca_from_env(void **state)
{
	struct testca_sub s = testca_sub_make(*state, "env", testca_ext_good, testca_key_sec1);
	struct cc_issuer_env env = { .ca_cert_path = s.crt, .ca_key_path = s.key };
	struct cc_issuer_conn *iss = NULL;
	struct cc_err err = CC_ERR_INIT;
	char *crt = testossl_read(s.crt, NULL), *pem;

	assert_int_equal(
		testca_try_open(*state, "iss-local", "{\"ca_cert_path\":\"\"}", &env, &iss, &err),
		0);
	pem = testca_ca_pem(iss);
	assert_string_equal(pem, crt);
	cc_issuer_close(iss);
	free(pem);
	env.ca_key_path = "";
	assert_int_equal(testca_try_open(*state, "iss-local", NULL, &env, &iss, &err), -1);
	assert_int_equal(err.code, CC_E_CONFIG);
	assert_non_null(strstr(err.msg, "CERTCTL_CA_KEY_PATH"));
	free(crt);
	testca_sub_release(&s);
}

static void expect_config_error(const char *dir, const struct testca_sub *s, const char *key,
				const char *words)
{
	const struct cc_issuer_ops *o = cc_issuer_find("GenericCA");
	struct cc_issuer_conn *iss = NULL;
	struct cc_err err = CC_ERR_INIT;
	char *cfg = testca_sub_config(s, key);
	json_t *j = json_loads(cfg, 0, NULL);

	assert_int_equal(testca_try_open(dir, "iss-sub", cfg, NULL, &iss, &err), -1);
	assert_null(iss);
	assert_int_equal(err.code, CC_E_CONFIG);
	if (!strstr(err.msg, words))
		fail_msg("'%s' lacks '%s'", err.msg, words);
	cc_err_clear(&err);
	assert_int_equal(o->validate_config(j, &err), -1);
	assert_int_equal(err.code, CC_E_CONFIG);
	json_decref(j);
	free(cfg);
}

static void test_local_ca__sub_ca_refusals(void **state)
{
	struct testca_sub not_ca =
		testca_sub_make(*state, "notca", testca_ext_not_ca, testca_key_sec1);
	struct testca_sub no_sign =
		testca_sub_make(*state, "nosign", testca_ext_no_sign, testca_key_sec1);
	struct testca_sub good = testca_sub_make(*state, "good", testca_ext_good, testca_key_sec1);
	char *enc = testossl_path(*state, "enc.key");

	expect_config_error(*state, &not_ca, NULL, "CA:TRUE");
	expect_config_error(*state, &no_sign, NULL, "keyCertSign");
	expect_config_error(*state, &good, not_ca.key, "does not match");
	TESTCA_OSSL("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-aes256",
		    "-pass", "pass:secret", "-out", enc);
	expect_config_error(*state, &good, enc, "CA key");
	free(enc);
	testca_sub_release(&not_ca);
	testca_sub_release(&no_sign);
	testca_sub_release(&good);
}

static void expect_invalid(const char *config, const char *words)
{
	const struct cc_issuer_ops *o = cc_issuer_find("GenericCA");
	struct cc_err err = CC_ERR_INIT;
	json_t *j = json_loads(config, JSON_DECODE_ANY, NULL);

	assert_non_null(j);
	if (o->validate_config(j, &err) != -1 || err.code != CC_E_INVALID ||
	    !strstr(err.msg, words))
		fail_msg("%s: %s", config, err.msg);
	json_decref(j);
}

static void test_local_ca__validate_config(void **state)
{
	const struct cc_issuer_ops *o = cc_issuer_find("GenericCA");
	struct cc_err err = CC_ERR_INIT;
	json_t *j = json_pack("{s:i, s:s, s:s, s:s}", "validity_days", 365, "ca_common_name",
			      "My CA", "ca_cert_path", "", "ca_key_path", "");

	(void)state;
	assert_int_equal(o->validate_config(NULL, &err), 0);
	assert_int_equal(o->validate_config(j, &err), 0);
	json_decref(j);
	expect_invalid("{\"validity_days\":0}", "validity_days");
	expect_invalid("{\"validity_days\":-3}", "validity_days");
	expect_invalid("{\"validity_days\":\"90\"}", "validity_days");
	expect_invalid("{\"validity_days\":1.5}", "validity_days");
	expect_invalid("{\"validity_days\":36501}", "validity_days");
	expect_invalid("{\"validty_days\":30}", "'validty_days'");
	expect_invalid("{\"ca_common_name\":7}", "ca_common_name");
	expect_invalid("{\"ca_common_name\":\"0123456789012345678901234567890123456789012345678"
		       "9012345678901234\"}",
		       "ca_common_name");
	expect_invalid("{\"ca_cert_path\":\"/etc/hostname\"}", "both");
	expect_invalid("{\"ca_key_path\":\"/etc/hostname\"}", "both");
	expect_invalid(
		"{\"ca_cert_path\":\"/nonexistent/ca.crt\",\"ca_key_path\":\"/etc/hostname\"}",
		"/nonexistent/ca.crt");
	expect_invalid("[1]", "object");
}

#define T(name) cmocka_unit_test_setup_teardown(name, testossl_setup, testossl_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_local_ca__self_signed_created_and_reused),
		T(test_local_ca__self_signed_name_and_env_errors),
		T(test_local_ca__concurrent_open_one_ca),
		T(test_local_ca__sub_ca_key_formats),
		T(test_local_ca__sub_ca_from_env),
		T(test_local_ca__sub_ca_refusals),
		T(test_local_ca__validate_config),
	};

	return cmocka_run_group_tests_name("local-ca-store", tests, NULL, NULL);
}
