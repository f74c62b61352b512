/* test-api-export.c: PEM and PKCS#12 export of an issued certificate, read back by the
 * openssl CLI and OpenSSL; never a private key, not even the one the server made and kept
 * (server keygen, on both engines) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>
#include "tests/unit/testapi.h"
#include "tests/unit/testossl.h"
#include "daemon/job-processor.h"
#include "libcc/csr.h"
#include "libcc/mem.h"
#include "libcc/time.h"

#define CERT "/api/v1/certificates/mc-1"

static void fixtures(struct testapi *t)
{
	testapi_sql(
		t,
		"INSERT INTO teams (id, name) VALUES ('t1', 'team');"
		"INSERT INTO owners (id, name, email, team_id) VALUES ('o1', 'o', 'o@x.io', 't1');"
		"INSERT INTO renewal_policies (id, name, renewal_window_days) VALUES "
		"('rp', 'rp', 30);"
		"INSERT INTO issuers (id, name, type) VALUES ('i1', 'Local', 'GenericCA');"
		"INSERT INTO agents (id, name, hostname, api_key_hash, status) VALUES "
		"('a1', 'a1', 'h', 'x', 'Online');"
		"INSERT INTO managed_certificates (id, name, common_name, owner_id, team_id, "
		"issuer_id, renewal_policy_id) VALUES ('mc-1', 'web', 'www.example.com', 'o1', "
		"'t1', 'i1', 'rp'), ('mc-2', 'new', 'new.example.com', 'o1', 't1', 'i1', 'rp')");
}

static int reset(void **state)
{
	struct testapi *t = TAPI(state);
	struct cc_err err = CC_ERR_INIT;
	char *key = NULL, *csr = NULL, *body;
	json_t *b;

	testapi_reset(state);
	fixtures(t);
	if (cc_csr_generate(NULL, "www.example.com", NULL, 0, &key, &csr, &err) < 0)
		fail_msg("csr: %s", err.msg);
	b = json_pack("{s:s, s:s}", "csr_pem", csr, "certificate_id", "mc-1");
	body = json_dumps(b, JSON_COMPACT);
	assert_status(t, "POST", "/api/v1/agents/a1/csr", body, 202);
	json_decref(b);
	free(body);
	free(key);
	free(csr);
	return 0;
}

static long long audits(struct testapi *t, const char *action)
{
	char *sql = cc_xasprintf("SELECT COUNT(*) FROM audit_events WHERE action = '%s' AND "
				 "resource_id = 'mc-1' AND details LIKE '%%\"serial\":\"%%'",
				 action);
	long long n = testapi_count(t, sql);

	free(sql);
	return n;
}

static void test_api_export__pem_json_and_download(void **state)
{
	struct testapi *t = TAPI(state);
	char *dir = testossl_tmpdir("export"), *leaf = testossl_path(dir, "leaf.pem"),
	     *chain = testossl_path(dir, "chain.pem"), *out = NULL;

	assert_status(t, "GET", CERT "/export/pem", NULL, 200);
	testossl_write(leaf, testapi_str(t, "cert_pem"));
	testossl_write(chain, testapi_str(t, "chain_pem"));
	/* one certificate each, and the leaf verifies against the chain */
	assert_non_null(strstr(testapi_str(t, "full_pem"), testapi_str(t, "chain_pem")));
	assert_null(strstr(testapi_str(t, "cert_pem") + 10, "BEGIN"));
	assert_null(strstr(testapi_str(t, "full_pem"), "PRIVATE KEY"));
	if (testossl_openssl(&out, "verify", "-CAfile", chain, leaf, NULL) != 0)
		fail_msg("openssl verify: %s", out);
	free(out);
	assert_int_equal(audits(t, "export_pem"), 1);

	assert_status(t, "GET", CERT "/export/pem?download=true", NULL, 200);
	assert_string_equal(testapi_header(t, "Content-Type"), "application/x-pem-file");
	assert_non_null(strstr(testapi_header(t, "Content-Disposition"), "certificate.pem"));
	assert_non_null(strstr(t->body, "BEGIN CERTIFICATE"));
	assert_status(t, "GET", CERT "/export/pem?download=maybe", NULL, 400);
	/* no version yet, or no certificate */
	assert_status(t, "GET", "/api/v1/certificates/mc-2/export/pem", NULL, 404);
	assert_status(t, "GET", "/api/v1/certificates/nope/export/pem", NULL, 404);
	testossl_rmdir(dir);
	free(leaf);
	free(chain);
	free(dir);
}

/* the PKCS#12 of the last response, listed by `openssl pkcs12 -info` with password pw */
static char *pkcs12_info(struct testapi *t, const char *dir, const char *pw, int *rc)
{
	char *p12 = testossl_path(dir, "c.p12"), *pass = cc_xasprintf("pass:%s", pw), *out = NULL;
	FILE *f = fopen(p12, "wb");

	assert_non_null(f);
	fwrite(t->body, 1, t->body_len, f);
	fclose(f);
	*rc = testossl_openssl(&out, "pkcs12", "-info", "-in", p12, "-passin", pass, "-nokeys",
			       NULL);
	free(p12);
	free(pass);
	return out;
}

static void test_api_export__pkcs12_trust_store(void **state)
{
	struct testapi *t = TAPI(state);
	char *dir = testossl_tmpdir("p12"), *out;
	int rc;

	assert_status(t, "POST", CERT "/export/pkcs12", "{\"password\":\"s3cret\"}", 200);
	assert_string_equal(testapi_header(t, "Content-Type"), "application/x-pkcs12");
	assert_non_null(strstr(testapi_header(t, "Content-Disposition"), "certificate.p12"));
	out = pkcs12_info(t, dir, "s3cret", &rc);
	if (rc != 0)
		fail_msg("openssl pkcs12: %s", out);
	/* the leaf and the CA, no key bag */
	assert_non_null(strstr(out, "subject=CN = www.example.com"));
	assert_non_null(strstr(out, "CertCtl Local CA"));
	assert_null(strstr(out, "Shrouded Keybag"));
	assert_null(strstr(out, "PRIVATE KEY"));
	free(out);
	out = pkcs12_info(t, dir, "wrong", &rc);
	assert_int_not_equal(rc, 0);
	free(out);
	assert_int_equal(audits(t, "export_pkcs12"), 1);
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM audit_events WHERE action = "
					  "'export_pkcs12' AND details LIKE "
					  "'%\"has_private_key\":false%'"),
			 1);
	/* no body: an empty password */
	assert_status(t, "POST", CERT "/export/pkcs12", NULL, 200);
	out = pkcs12_info(t, dir, "", &rc);
	if (rc != 0)
		fail_msg("openssl pkcs12 (empty password): %s", out);
	free(out);
	/* bad bodies */
	assert_status(t, "POST", CERT "/export/pkcs12", "{\"password\":1}", 400);
	assert_status(t, "POST", CERT "/export/pkcs12", "{\"pass\":\"x\"}", 400);
	assert_status(t, "POST", CERT "/export/pkcs12", "{", 400);
	assert_status(t, "POST", "/api/v1/certificates/mc-2/export/pkcs12", NULL, 404);
	assert_int_equal(testapi_call(t, "POST", CERT "/export/pkcs12", NULL, ""), 401);
	testossl_rmdir(dir);
	free(dir);
}

/* ---- server keygen: the one case where the server holds the key ---- */

static const char *const server_env[] = { "CERTCTL_KEYGEN_MODE=server", NULL };

static int setup_server(void **state)
{
	return testapi_setup_env(state, server_env);
}

static int setup_server_pg(void **state)
{
	return testapi_setup_pg_env(state, server_env);
}

/* mc-1 issued by the job processor with a key made and kept by the server */
static int reset_server(void **state)
{
	struct testapi *t = TAPI(state);
	struct cc_err err = CC_ERR_INIT;

	testapi_reset(state);
	fixtures(t);
	assert_status(t, "POST", CERT "/renew", NULL, 202);
	if (api_job_processor_tick(&t->app, cc_time_now(), &err) != 1)
		fail_msg("no job ran: %s", err.msg);
	/* the premise: the server has the private key of mc-1's version */
	assert_int_equal(testapi_count(t,
				       "SELECT COUNT(*) FROM server_keys k JOIN "
				       "certificate_versions v ON v.id = "
				       "k.certificate_version_id WHERE v.certificate_id = 'mc-1'"),
			 1);
	return 0;
}

static void test_api_export__server_key_never_exported(void **state)
{
	struct testapi *t = TAPI(state);
	char *dir = testossl_tmpdir("p12key"), *path = testossl_path(dir, "c.p12"), *out;
	EVP_PKEY *pkey = NULL;
	X509 *cert = NULL;
	STACK_OF(X509) *ca = NULL;
	const unsigned char *p;
	PKCS12 *p12;
	int rc;

	assert_status(t, "GET", CERT "/export/pem", NULL, 200);
	assert_non_null(strstr(testapi_str(t, "cert_pem"), "BEGIN CERTIFICATE"));
	assert_null(strstr(t->body, "PRIVATE KEY"));
	assert_status(t, "GET", CERT "/export/pem?download=true", NULL, 200);
	assert_non_null(strstr(t->body, "BEGIN CERTIFICATE"));
	assert_null(strstr(t->body, "PRIVATE KEY"));

	assert_status(t, "POST", CERT "/export/pkcs12", "{\"password\":\"s3cret\"}", 200);
	p = (const unsigned char *)t->body;
	p12 = d2i_PKCS12(NULL, &p, (long)t->body_len);
	assert_non_null(p12);
	/* the leaf and its CA, and no key */
	assert_int_equal(PKCS12_parse(p12, "s3cret", &pkey, &cert, &ca), 1);
	assert_null(pkey);
	if (!cert && sk_X509_num(ca) > 0)
		cert = sk_X509_shift(ca); /* a bag without its key is no "user" certificate */
	assert_non_null(cert);
	assert_int_equal(sk_X509_num(ca) + 1, 2);
	/* openssl sees no key bag either (-nodes: a key would be printed, not prompted for) */
	out = pkcs12_info(t, dir, "s3cret", &rc); /* writes c.p12 */
	if (rc != 0)
		fail_msg("openssl pkcs12: %s", out);
	free(out);
	rc = testossl_openssl(&out, "pkcs12", "-info", "-in", path, "-passin", "pass:s3cret",
			      "-nodes", NULL);
	if (rc != 0)
		fail_msg("openssl pkcs12 -nodes: %s", out);
	assert_non_null(strstr(out, "Certificate bag"));
	assert_null(strstr(out, "Shrouded Keybag"));
	assert_null(strstr(out, "Key bag"));
	assert_null(strstr(out, "PRIVATE KEY"));
	free(out);
	sk_X509_pop_free(ca, X509_free);
	X509_free(cert);
	EVP_PKEY_free(pkey);
	PKCS12_free(p12);
	testossl_rmdir(dir);
	free(path);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_api_export__pem_json_and_download, reset),
		cmocka_unit_test_setup(test_api_export__pkcs12_trust_store, reset),
	};
	const struct CMUnitTest server_keygen[] = {
		cmocka_unit_test_setup(test_api_export__server_key_never_exported, reset_server),
	};

	return cmocka_run_group_tests_name("api-export", tests, testapi_setup, testapi_teardown) +
	       TESTAPI_RUN("api-export server keygen", server_keygen, setup_server,
			   setup_server_pg);
}
