/* test-x509.c: key + CSR generation (csr.c), the shared CSR parser, SAN classification, and
 * certificate facts (x509.c) checked against what the openssl CLI reports */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>
#include <openssl/x509.h>
#include "libcc/csr.h"
#include "libcc/err.h"
#include "libcc/mem.h"
#include "libcc/x509.h"
#include "tests/unit/testossl.h"

/* "2026-11-28 15:26:20Z" → µs */
static int64_t iso_us(const char *s)
{
	struct tm tm = { 0 };

	assert_non_null(strptime(s, "%Y-%m-%d %H:%M:%SZ", &tm));
	return (int64_t)timegm(&tm) * 1000000;
}

static const char *const sans[] = { "www.example.com", "10.0.0.1",  "2001:db8::1",
				    "ops@example.com", "localhost", "WWW.Example.com" };

static void check_csr(const char *dir, const char *type, const char *alg, int bits)
{
	struct cc_err err = CC_ERR_INIT;
	struct cc_csr_key k = { 0 };
	char *key = NULL, *csr = NULL, *out = NULL, *pub1 = NULL, *pub2 = NULL;
	char *kp = testossl_path(dir, "k.pem"), *rp = testossl_path(dir, "r.pem");
	X509_REQ *req;

	assert_int_equal(cc_csr_generate(type, "svc.example.com", sans, CC_ARRAY_SIZE(sans), &key,
					 &csr, &err),
			 0);
	assert_true(!strncmp(key, "-----BEGIN PRIVATE KEY-----\n", 28));
	assert_true(!strncmp(csr, "-----BEGIN CERTIFICATE REQUEST-----\n", 36));
	testossl_write(kp, key);
	testossl_write(rp, csr);
	assert_int_equal(
		testossl_openssl(&out, "req", "-in", rp, "-noout", "-verify", "-text", NULL), 0);
	assert_non_null(strstr(out, "verify OK"));
	assert_non_null(strstr(out, "Subject: CN = svc.example.com"));
	/* the duplicate spelling of www.example.com collapsed; localhost stays a DNS name */
	assert_non_null(strstr(out, "DNS:www.example.com, IP Address:10.0.0.1, "
				    "IP Address:2001:DB8:0:0:0:0:0:1, email:ops@example.com, "
				    "DNS:localhost\n"));
	free(out);
	/* the key is the CSR's */
	assert_int_equal(testossl_openssl(&pub1, "pkey", "-in", kp, "-pubout", NULL), 0);
	assert_int_equal(testossl_openssl(&pub2, "req", "-in", rp, "-noout", "-pubkey", NULL), 0);
	assert_string_equal(pub1, pub2);
	req = cc_csr_parse(csr, &k, &err);
	assert_non_null(req);
	assert_string_equal(k.algorithm, alg);
	assert_int_equal(k.bits, bits);
	X509_REQ_free(req);
	free(pub1);
	free(pub2);
	free(kp);
	free(rp);
	free(key);
	free(csr);
}

static void test_x509__csr_each_key_type(void **state)
{
	check_csr(*state, NULL, "ECDSA", 256);
	check_csr(*state, "ECDSA-P256", "ECDSA", 256);
	check_csr(*state, "ECDSA-P384", "ECDSA", 384);
	check_csr(*state, "RSA-2048", "RSA", 2048);
	check_csr(*state, "rsa-3072", "RSA", 3072);
	check_csr(*state, "Ed25519", "Ed25519", 256);
}

static void test_x509__csr_refusals(void **state)
{
	const char *bad_dns[] = { "bad name.example.com" };
	const char *bad_wild[] = { "a.*.example.com" };
	const char *bad_mail[] = { "a@b@c" };
	struct cc_err err = CC_ERR_INIT;
	char *key = (char *)1, *csr = (char *)1;

	(void)state;
	assert_int_equal(cc_csr_generate("ECDSA-P256", "", NULL, 0, &key, &csr, &err), -1);
	assert_int_equal(err.code, CC_E_INVALID);
	assert_null(key);
	assert_null(csr);
	assert_int_equal(cc_csr_generate("ECDSA-P256", NULL, NULL, 0, &key, &csr, &err), -1);
	assert_int_equal(err.code, CC_E_INVALID);
	assert_int_equal(cc_csr_generate("DSA-1024", "a", NULL, 0, &key, &csr, &err), -1);
	assert_int_equal(err.code, CC_E_INVALID);
	assert_non_null(strstr(err.msg, "DSA-1024"));
	assert_int_equal(cc_csr_generate(NULL, "a", bad_dns, 1, &key, &csr, &err), -1);
	assert_int_equal(err.code, CC_E_INVALID);
	assert_int_equal(cc_csr_generate(NULL, "a", bad_wild, 1, &key, &csr, &err), -1);
	assert_int_equal(cc_csr_generate(NULL, "a", bad_mail, 1, &key, &csr, &err), -1);
	assert_int_equal(err.code, CC_E_INVALID);
	assert_null(key);
	assert_null(csr);
	/* no SANs at all is fine: no extension */
	assert_int_equal(cc_csr_generate(NULL, "plain", NULL, 0, &key, &csr, &err), 0);
	free(key);
	free(csr);
}

static void test_x509__san_kind(void **state)
{
	unsigned char ip[16];
	int n;

	(void)state;
	assert_int_equal(cc_x509_san_kind("192.0.2.7", ip, &n), CC_SAN_IP);
	assert_int_equal(n, 4);
	assert_int_equal(ip[3], 7);
	assert_int_equal(cc_x509_san_kind("fe80::1", ip, &n), CC_SAN_IP);
	assert_int_equal(n, 16);
	assert_int_equal(cc_x509_san_kind("a@b.c", ip, &n), CC_SAN_EMAIL);
	assert_int_equal(cc_x509_san_kind("localhost", ip, &n), CC_SAN_DNS);
	assert_int_equal(cc_x509_san_kind("1.2.3", ip, &n), CC_SAN_DNS);
}

static void test_x509__csr_parse_hostile(void **state)
{
	struct cc_err err = CC_ERR_INIT;
	char *key, *csr, *two, *bad, *trunc, *p;

	(void)state;
	assert_int_equal(cc_csr_generate(NULL, "h.example.com", NULL, 0, &key, &csr, &err), 0);
	assert_null(cc_csr_parse("garbage", NULL, &err));
	assert_int_equal(err.code, CC_E_INVALID);
	two = cc_xasprintf("%s%s", csr, csr);
	assert_null(cc_csr_parse(two, NULL, &err));
	assert_string_equal(err.msg, "csr_pem: only one PEM block is allowed");
	/* flip one base64 character inside the signature: five data characters from the end, in
	 * a full quad, so all its bits count (the last quad's low bits may be padding) */
	bad = cc_xstrdup(csr);
	p = strstr(bad, "\n-----END");
	for (int n = 0; n < 5; n++)
		while (*--p == '=' || *p == '\n')
			;
	*p = *p == 'A' ? 'B' : 'A';
	assert_null(cc_csr_parse(bad, NULL, &err));
	assert_int_equal(err.code, CC_E_INVALID);
	/* drop the middle of the body: truncated DER */
	trunc = cc_xstrdup(csr);
	p = strchr(trunc, '\n') + 1;
	memmove(p, p + 65, strlen(p + 65) + 1);
	assert_null(cc_csr_parse(trunc, NULL, &err));
	assert_int_equal(err.code, CC_E_INVALID);
	free(two);
	free(bad);
	free(trunc);
	free(key);
	free(csr);
}

/* a certificate made by the CLI, read by cc_cert_info_* and compared with openssl x509 */
static void check_cert(const char *dir, const char *newkey, const char *pkeyopt, const char *alg,
		       int bits)
{
	struct cc_err err = CC_ERR_INIT;
	struct cc_cert_info ci, cd;
	char *kp = testossl_path(dir, "ck.pem"), *cp = testossl_path(dir, "c.pem");
	char *dp = testossl_path(dir, "c.der"), *out = NULL, *pem, *der, *v, fp[65];
	char *kpem, *cpem;
	size_t dlen;

	assert_int_equal(testossl_openssl(&out, "req", "-x509", "-utf8", "-newkey", newkey,
					  pkeyopt ? "-pkeyopt" : "-nodes",
					  pkeyopt ? pkeyopt : "-nodes", "-nodes", "-subj",
					  "/O=Example Org/CN=Müller host", "-addext",
					  "subjectAltName=email:x@example.com,DNS:a.example.com,"
					  "IP:10.1.2.3,DNS:b.example.com,IP:2001:db8::5",
					  "-days", "30", "-keyout", kp, "-out", cp, NULL),
			 0);
	free(out);
	/* text and a key block before the certificate: the first CERTIFICATE block counts */
	kpem = testossl_read(kp, NULL);
	cpem = testossl_read(cp, NULL);
	pem = cc_xasprintf("junk\n%s%s", kpem, cpem);
	assert_int_equal(cc_cert_info_from_pem(pem, strlen(pem), &ci, &err), 0);
	assert_int_equal(testossl_openssl(&out, "x509", "-in", cp, "-noout", "-fingerprint",
					  "-sha256", "-serial", "-subject", "-issuer", "-nameopt",
					  "RFC2253,-esc_msb", "-startdate", "-enddate", "-dateopt",
					  "iso_8601", NULL),
			 0);
	v = testossl_field(out, "sha256 Fingerprint");
	testossl_hex_norm(v, false);
	assert_string_equal(ci.fingerprint_sha256, v);
	free(v);
	v = testossl_field(out, "serial");
	testossl_hex_norm(v, false);
	assert_string_equal(ci.serial_hex, v + strspn(v, "0"));
	free(v);
	assert_string_equal(ci.subject_dn, "CN=Müller host,O=Example Org");
	v = testossl_field(out, "subject");
	assert_string_equal(ci.subject_dn, v);
	free(v);
	v = testossl_field(out, "issuer");
	assert_string_equal(ci.issuer_dn, v);
	free(v);
	v = testossl_field(out, "notBefore");
	assert_int_equal(ci.not_before, iso_us(v));
	free(v);
	v = testossl_field(out, "notAfter");
	assert_int_equal(ci.not_after, iso_us(v));
	assert_int_equal(ci.not_after - ci.not_before, 30 * 86400 * INT64_C(1000000));
	free(v);
	assert_string_equal(ci.common_name, "Müller host");
	assert_int_equal(ci.sans.n, 5);
	assert_string_equal(ci.sans.v[0], "a.example.com");
	assert_string_equal(ci.sans.v[1], "b.example.com");
	assert_string_equal(ci.sans.v[2], "10.1.2.3");
	assert_string_equal(ci.sans.v[3], "2001:db8::5");
	assert_string_equal(ci.sans.v[4], "x@example.com");
	assert_string_equal(ci.key_algorithm, alg);
	assert_int_equal(ci.key_size, bits);
	assert_true(ci.is_ca); /* req -x509 adds basicConstraints CA:TRUE */
	assert_string_equal(ci.pem, cpem);
	assert_int_equal(cc_cert_fingerprint_pem(pem, fp, &err), 0);
	assert_string_equal(fp, ci.fingerprint_sha256);
	/* DER gives the same facts */
	free(out);
	assert_int_equal(
		testossl_openssl(&out, "x509", "-in", cp, "-outform", "DER", "-out", dp, NULL), 0);
	der = testossl_read(dp, &dlen);
	assert_int_equal(cc_cert_info_from_der((unsigned char *)der, dlen, &cd, &err), 0);
	assert_string_equal(cd.fingerprint_sha256, ci.fingerprint_sha256);
	assert_string_equal(cd.serial_hex, ci.serial_hex);
	assert_string_equal(cd.pem, ci.pem);
	cc_cert_info_release(&cd);
	assert_int_equal(cc_cert_info_from_der((unsigned char *)der, dlen - 1, &cd, &err), -1);
	assert_int_equal(err.code, CC_E_INVALID);
	cc_cert_info_release(&cd);
	cc_cert_info_release(&ci);
	free(der);
	free(out);
	free(pem);
	free(kpem);
	free(cpem);
	free(kp);
	free(cp);
	free(dp);
}

static void test_x509__cert_info_matches_openssl(void **state)
{
	check_cert(*state, "ec", "ec_paramgen_curve:P-384", "ECDSA", 384);
	check_cert(*state, "rsa:2048", NULL, "RSA", 2048);
	check_cert(*state, "ed25519", NULL, "Ed25519", 256);
}

static void test_x509__cert_info_refusals(void **state)
{
	struct cc_err err = CC_ERR_INIT;
	struct cc_cert_info ci;
	char fp[65];

	(void)state;
	assert_int_equal(cc_cert_info_from_pem("nope", 4, &ci, &err), -1);
	assert_int_equal(err.code, CC_E_INVALID);
	assert_int_equal(cc_cert_fingerprint_pem("-----BEGIN CERTIFICATE-----\nAAAA\n"
						 "-----END CERTIFICATE-----\n",
						 fp, &err),
			 -1);
	assert_int_equal(
		cc_cert_info_from_der((const unsigned char *)"\x30\x03\x02\x01\x01", 5, &ci, &err),
		-1);
	cc_cert_info_release(&ci);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_x509__csr_each_key_type),
		cmocka_unit_test(test_x509__csr_refusals),
		cmocka_unit_test(test_x509__san_kind),
		cmocka_unit_test(test_x509__csr_parse_hostile),
		cmocka_unit_test(test_x509__cert_info_matches_openssl),
		cmocka_unit_test(test_x509__cert_info_refusals),
	};

	return cmocka_run_group_tests_name("x509", tests, testossl_setup, testossl_teardown);
}
