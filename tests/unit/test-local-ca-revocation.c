/* test-local-ca-revocation.c: the Local CA's CRLs and OCSP answers, checked with
 * `openssl crl` and `openssl ocsp` (nonces, responder id, other issuers, an Ed25519 CA) */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <openssl/x509.h>
#include "connectors/issuer/issuer.h"
#include "libcc/buf.h"
#include "libcc/err.h"
#include "libcc/mem.h"
#include "libcc/time.h"
#include "libcc/x509.h"
#include "tests/unit/testca.h"
#include "tests/unit/testossl.h"

/* ---- CRL ---- */

/* the serial as openssl prints it: upper case, whole bytes, leading zero bytes dropped */
static char *ossl_serial(const char *hex)
{
	char *s;

	while (hex[0] == '0' && hex[1] == '0' && hex[2])
		hex += 2;
	/* openssl prints whole octets: an odd number of digits gets a leading zero */
	s = cc_xasprintf("%s%s", strlen(hex) % 2 ? "0" : "", hex);
	for (char *p = s; *p; p++)
		if (*p >= 'a' && *p <= 'f')
			*p = (char)(*p - 32);
	return s;
}

static int count_of(const char *hay, const char *needle)
{
	int n = 0;

	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p++)
		n++;
	return n;
}

static char *issue_serial(struct cc_issuer_conn *iss)
{
	struct cc_err err = CC_ERR_INIT;
	struct cc_issue_res res;
	char *csr = testca_csr(NULL, "crl.example.com", NULL), *serial;

	assert_int_equal(testca_issue(iss, csr, NULL, NULL, NULL, 0, &res, &err), 0);
	serial = res.serial;
	res.serial = NULL;
	cc_issue_res_release(&res);
	free(csr);
	return serial;
}

static void write_bin(const char *path, const struct cc_buf *b)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(b->buf, 1, b->len, f), b->len);
	fclose(f);
}

/* writes the CRL, checks its signature against ca and returns `openssl crl -text` */
static char *crl_text(const char *dir, const struct cc_buf *der, const char *ca_pem)
{
	char *path = testossl_path(dir, "crl.der"), *ca = testossl_path(dir, "crl-ca.pem");
	char *out = NULL, *text = NULL;

	write_bin(path, der);
	testossl_write(ca, ca_pem);
	assert_int_equal(testossl_openssl(&out, "crl", "-inform", "DER", "-in", path, "-CAfile", ca,
					  "-noout", NULL),
			 0);
	assert_non_null(strstr(out, "verify OK"));
	assert_int_equal(testossl_openssl(&text, "crl", "-inform", "DER", "-in", path, "-noout",
					  "-text", NULL),
			 0);
	free(out);
	free(path);
	free(ca);
	return text;
}

static void test_local_ca__crl(void **state)
{
	struct cc_issuer_conn *iss = testca_open(*state, "iss-local", NULL, NULL);
	char *s1 = issue_serial(iss), *s2 = issue_serial(iss), *s3 = issue_serial(iss);
	int64_t now = cc_time_now();
	struct cc_crl_entry e[] = { { s1, now - 3600 * CC_USEC_PER_SEC, 1 },
				    { s2, now - 60 * CC_USEC_PER_SEC, 0 },
				    { s3, now, 4 } };
	struct cc_crl_entry bad[] = { { "xyz", now, 0 } }, bad_reason[] = { { s1, now, 7 } };
	struct cc_buf der = CC_BUF_INIT;
	struct cc_err err = CC_ERR_INIT;
	char *ca = testca_ca_pem(iss), *text, *num;
	const unsigned char *p;
	X509_CRL *crl;

	assert_int_equal(cc_issuer_generate_crl(iss, e, 3, now, 7, &der, &err), 0);
	text = crl_text(*state, &der, ca);
	for (size_t i = 0; i < 3; i++) {
		char *sn = ossl_serial(e[i].serial_hex);
		char *want = cc_xasprintf("Serial Number: %s\n", sn);

		assert_non_null(strstr(text, want));
		free(want);
		free(sn);
	}
	assert_int_equal(count_of(text, "Key Compromise"), 1);
	assert_int_equal(count_of(text, "Superseded"), 1);
	assert_int_equal(count_of(text, "X509v3 CRL Reason Code"), 2); /* none for unspecified */
	assert_non_null(strstr(text, "Version 2 (0x1)"));
	assert_non_null(strstr(text, "Issuer: CN = CertCtl Local CA"));
	assert_non_null(strstr(text, "X509v3 Authority Key Identifier"));
	num = cc_xasprintf("X509v3 CRL Number: \n                7\n");
	assert_non_null(strstr(text, num));
	free(num);
	free(text);
	/* thisUpdate now, nextUpdate a day later */
	p = (const unsigned char *)der.buf;
	crl = d2i_X509_CRL(NULL, &p, (long)der.len);
	assert_non_null(crl);
	assert_int_equal(cc_x509_time(X509_CRL_get0_lastUpdate(crl)),
			 now / CC_USEC_PER_SEC * CC_USEC_PER_SEC);
	assert_int_equal(cc_x509_time(X509_CRL_get0_nextUpdate(crl)) -
				 cc_x509_time(X509_CRL_get0_lastUpdate(crl)),
			 86400 * CC_USEC_PER_SEC);
	X509_CRL_free(crl);
	/* empty: still a signed CRL */
	assert_int_equal(cc_issuer_generate_crl(iss, NULL, 0, now, 8, &der, &err), 0);
	text = crl_text(*state, &der, ca);
	assert_non_null(strstr(text, "No Revoked Certificates."));
	free(text);
	assert_int_equal(cc_issuer_generate_crl(iss, bad, 1, now, 9, &der, &err), -1);
	assert_int_equal(err.code, CC_E_INVALID);
	assert_int_equal(cc_issuer_generate_crl(iss, bad_reason, 1, now, 9, &der, &err), -1);
	assert_int_equal(err.code, CC_E_INVALID);
	cc_buf_release(&der);
	free(ca);
	free(s1);
	free(s2);
	free(s3);
	cc_issuer_close(iss);
}

/* ---- OCSP ---- */

struct ocsp_fx {
	const char *dir;
	char *ca_path, *req_path, *resp_path, *serial_arg;
};

static unsigned char *read_bin(const char *path, size_t *len)
{
	return (unsigned char *)testossl_read(path, len);
}

/* ca_path (taken) names the issuer for `openssl ocsp`, which writes a request for serial
 * (with a nonce, openssl's default) into <dir>/req.der */
static void ocsp_fx_init(struct ocsp_fx *fx, const char *dir, char *ca_path, const char *serial)
{
	fx->dir = dir;
	fx->ca_path = ca_path;
	fx->req_path = testossl_path(dir, "req.der");
	fx->resp_path = testossl_path(dir, "resp.der");
	fx->serial_arg = cc_xasprintf("0x%s", serial);
	TESTCA_OSSL("ocsp", "-issuer", fx->ca_path, "-serial", fx->serial_arg, "-reqout",
		    fx->req_path);
}

static void ocsp_fx_release(struct ocsp_fx *fx)
{
	free(fx->ca_path);
	free(fx->req_path);
	free(fx->resp_path);
	free(fx->serial_arg);
}

/* signs q for the request file (or none) and returns what `openssl ocsp` says: the check
 * of the answer against the request (nonce included), then the status of the serial */
static char *ocsp_check(struct ocsp_fx *fx, struct cc_issuer_conn *iss, bool with_request,
			const struct cc_ocsp_query *q)
{
	struct cc_buf der = CC_BUF_INIT;
	struct cc_err err = CC_ERR_INIT;
	size_t len = 0;
	unsigned char *req = with_request ? read_bin(fx->req_path, &len) : NULL;
	char *a = NULL, *b = NULL, *all;

	if (cc_issuer_sign_ocsp(iss, req, len, q, &der, &err) < 0)
		fail_msg("sign_ocsp: %s", err.msg);
	write_bin(fx->resp_path, &der);
	if (with_request &&
	    (testossl_openssl(&a, "ocsp", "-respin", fx->resp_path, "-reqin", fx->req_path,
			      "-CAfile", fx->ca_path, "-resp_text", NULL) != 0 ||
	     !strstr(a, "Response verify OK") || strstr(a, "Nonce Verify") || strstr(a, "WARNING")))
		fail_msg("openssl ocsp -reqin: %s", a);
	/* -serial builds a request of its own: its nonce is not ours */
	if (testossl_openssl(&b, "ocsp", "-respin", fx->resp_path, "-CAfile", fx->ca_path,
			     "-issuer", fx->ca_path, "-serial", fx->serial_arg, "-no_nonce",
			     "-resp_text", NULL) != 0 ||
	    !strstr(b, "Response verify OK"))
		fail_msg("openssl ocsp -serial: %s", b);
	all = cc_xasprintf("%s%s", a ? a : "", b);
	cc_buf_release(&der);
	free(req);
	free(a);
	free(b);
	return all;
}

static void test_local_ca__ocsp(void **state)
{
	struct cc_issuer_conn *iss = testca_open(*state, "iss-local", NULL, NULL);
	char *serial = issue_serial(iss), *ca = testca_ca_pem(iss), *out, *want;
	int64_t now = cc_time_now();
	char *ca_path = testossl_path(*state, "ocsp-ca.pem");
	struct ocsp_fx fx;
	struct cc_ocsp_query q = { .serial_hex = serial,
				   .status = 0,
				   .this_update = now,
				   .next_update = now + 3600 * CC_USEC_PER_SEC };
	struct cc_buf der = CC_BUF_INIT;
	struct cc_err err = CC_ERR_INIT;
	unsigned char garbage[] = { 0x30, 0x03, 0x02, 0x01, 0x01 };

	testossl_write(ca_path, ca);
	/* the request carries a nonce; the answer must echo it */
	ocsp_fx_init(&fx, *state, ca_path, serial);
	out = ocsp_check(&fx, iss, true, &q);
	want = cc_xasprintf("%s: good\n", fx.serial_arg);
	assert_non_null(strstr(out, want));
	assert_non_null(strstr(out, "Response Status: successful (0x0)"));
	assert_non_null(strstr(out, "OCSP Nonce"));
	assert_non_null(strstr(out, "Next Update:"));
	/* responder by key hash, the CA certificate included */
	assert_null(strstr(out, "Responder Id: CN"));
	assert_non_null(strstr(out, "Subject: CN=CertCtl Local CA\n"));
	free(want);
	free(out);
	q.status = 1;
	q.revoked_at = now - 7200 * CC_USEC_PER_SEC;
	q.reason_code = 1;
	out = ocsp_check(&fx, iss, true, &q);
	want = cc_xasprintf("%s: revoked\n", fx.serial_arg);
	assert_non_null(strstr(out, want));
	assert_non_null(strstr(out, "Reason: keyCompromise"));
	assert_non_null(strstr(out, "Revocation Time:"));
	free(want);
	free(out);
	q.reason_code = 0; /* unspecified: no reason field */
	out = ocsp_check(&fx, iss, true, &q);
	assert_null(strstr(out, "Reason:"));
	free(out);
	q.status = 2;
	out = ocsp_check(&fx, iss, true, &q);
	want = cc_xasprintf("%s: unknown\n", fx.serial_arg);
	assert_non_null(strstr(out, want));
	free(want);
	free(out);
	/* no request (GET by serial): a SHA-1 CertID for the serial */
	q.status = 0;
	out = ocsp_check(&fx, iss, false, &q);
	want = cc_xasprintf("%s: good\n", fx.serial_arg);
	assert_non_null(strstr(out, want));
	free(want);
	free(out);
	/* refusals */
	assert_int_equal(cc_issuer_sign_ocsp(iss, garbage, sizeof(garbage), &q, &der, &err), -1);
	assert_int_equal(err.code, CC_E_INVALID);
	q.serial_hex = "0abc";
	{
		size_t len;
		unsigned char *req = read_bin(fx.req_path, &len);

		assert_int_equal(cc_issuer_sign_ocsp(iss, req, len, &q, &der, &err), -1);
		assert_int_equal(err.code, CC_E_INVALID);
		q.serial_hex = "no-hex";
		assert_int_equal(cc_issuer_sign_ocsp(iss, req, len, &q, &der, &err), -1);
		assert_int_equal(err.code, CC_E_INVALID);
		q.serial_hex = serial;
		q.status = 5;
		assert_int_equal(cc_issuer_sign_ocsp(iss, req, len, &q, &der, &err), -1);
		assert_int_equal(err.code, CC_E_INVALID);
		free(req);
	}
	cc_buf_release(&der);
	ocsp_fx_release(&fx);
	free(serial);
	free(ca);
	cc_issuer_close(iss);
}

/* a request naming another issuer's certificate with our serial: "unknown" */
static void test_local_ca__ocsp_other_issuer(void **state)
{
	struct cc_issuer_conn *iss = testca_open(*state, "iss-local", NULL, NULL);
	struct cc_issuer_conn *other = testca_open(*state, "iss-other", NULL, NULL);
	char *serial = issue_serial(iss), *pem = testca_ca_pem(other), *out = NULL;
	char *op = testossl_path(*state, "other.pem"), *rq = testossl_path(*state, "oreq.der");
	char *rs = testossl_path(*state, "oresp.der"), *arg = cc_xasprintf("0x%s", serial);
	struct cc_ocsp_query q = { .serial_hex = serial, .status = 0 };
	struct cc_buf der = CC_BUF_INIT;
	struct cc_err err = CC_ERR_INIT;
	unsigned char *req;
	size_t len;

	testossl_write(op, pem);
	TESTCA_OSSL("ocsp", "-issuer", op, "-serial", arg, "-reqout", rq);
	req = read_bin(rq, &len);
	assert_int_equal(cc_issuer_sign_ocsp(iss, req, len, &q, &der, &err), 0);
	write_bin(rs, &der);
	assert_int_equal(
		testossl_openssl(&out, "ocsp", "-respin", rs, "-resp_text", "-noverify", NULL), 0);
	assert_non_null(strstr(out, "Cert Status: unknown"));
	free(out);
	free(req);
	cc_buf_release(&der);
	free(op);
	free(rq);
	free(rs);
	free(arg);
	free(pem);
	free(serial);
	cc_issuer_close(iss);
	cc_issuer_close(other);
}

/* an Ed25519 sub-CA signs CRLs and OCSP answers without a digest */
static void test_local_ca__ed25519_ca_crl_ocsp(void **state)
{
	struct testca_sub s = testca_sub_make(*state, "edca", testca_ext_good, testca_key_ed);
	char *cfg = testca_sub_config(&s, NULL), *crt = testossl_read(s.crt, NULL), *text;
	struct cc_issuer_conn *iss = testca_open(*state, "iss-ed", cfg, NULL);
	char *serial = issue_serial(iss);
	struct cc_crl_entry e = { serial, cc_time_now(), 1 };
	struct ocsp_fx fx;
	struct cc_ocsp_query q = { .serial_hex = serial, .this_update = cc_time_now() };
	struct cc_buf der = CC_BUF_INIT;
	struct cc_err err = CC_ERR_INIT;

	assert_int_equal(cc_issuer_generate_crl(iss, &e, 1, cc_time_now(), 1, &der, &err), 0);
	text = crl_text(*state, &der, crt);
	assert_non_null(strstr(text, "Signature Algorithm: ED25519"));
	free(text);
	/* the sub-CA first, then the root */
	ocsp_fx_init(&fx, *state, cc_xstrdup(s.chain), serial);
	text = ocsp_check(&fx, iss, true, &q);
	assert_non_null(strstr(text, ": good\n"));
	free(text);
	cc_buf_release(&der);
	ocsp_fx_release(&fx);
	free(serial);
	free(cfg);
	free(crt);
	testca_sub_release(&s);
	cc_issuer_close(iss);
}

#define T(name) cmocka_unit_test_setup_teardown(name, testossl_setup, testossl_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_local_ca__crl),
		T(test_local_ca__ocsp),
		T(test_local_ca__ocsp_other_issuer),
		T(test_local_ca__ed25519_ca_crl_ocsp),
	};

	return cmocka_run_group_tests_name("local-ca-revocation", tests, NULL, NULL);
}
