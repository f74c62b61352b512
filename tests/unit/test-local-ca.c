/* test-local-ca.c: Local CA (GenericCA) leaves — registry lookup, chains verified by
 * `openssl verify` per key type, SAN splitting, EKU/keyUsage, validity caps, serials, hostile
 * CSRs and many threads on one instance. CA files, sub-CAs, CRL and OCSP:
 * test-local-ca-store.c */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <cmocka.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include "connectors/issuer/issuer.h"
#include "libcc/err.h"
#include "libcc/mem.h"
#include "libcc/time.h"
#include "libcc/x509.h"
#include "tests/unit/testca.h"
#include "tests/unit/testossl.h"

#define DAY_US (86400 * CC_USEC_PER_SEC)
#define MIN_US (60 * CC_USEC_PER_SEC)
#define LONG_CN "x1234567890123456789012345678901234567890123456789012345678901234"

static void test_local_ca__registry(void **state)
{
	const struct cc_issuer_ops *o = cc_issuer_find("GenericCA");
	const char *const names[] = { "genericca", "GENERICCA", "local",
				      "Local",	   "local_ca",	"LOCAL_CA" };
	struct cc_err err = CC_ERR_INIT;
	struct cc_issuer_conn *iss = (void *)1;
	size_t i;

	(void)state;
	assert_non_null(o);
	assert_string_equal(o->name, "GenericCA");
	assert_true(o->caps & CC_ISS_CRL);
	assert_true(o->caps & CC_ISS_OCSP);
	for (i = 0; i < CC_ARRAY_SIZE(names); i++)
		assert_ptr_equal(cc_issuer_find(names[i]), o);
	for (i = 0; cc_issuer_registry[i]; i++)
		;
	assert_true(i >= 1);
	assert_null(cc_issuer_find("local-ca"));
	assert_null(cc_issuer_find(""));
	assert_null(cc_issuer_find(NULL));
	assert_int_equal(cc_issuer_open("GenricCA", NULL, NULL, &iss, &err), -1);
	assert_null(iss);
	assert_int_equal(err.code, CC_E_INVALID);
	assert_non_null(strstr(err.msg, "did you mean 'GenericCA'"));
}

/* one leaf per key type, each verified against the CA by the openssl CLI */
static void test_local_ca__leaf_verifies_each_key_type(void **state)
{
	const char *types[] = { "ECDSA-P256", "ECDSA-P384", "RSA-2048", "Ed25519" };
	const char *const sans[] = { "app.example.com", NULL };
	struct cc_issuer_conn *iss = testca_open(*state, "iss-local", NULL, NULL);
	char *ca = testca_ca_pem(iss);

	for (size_t i = 0; i < CC_ARRAY_SIZE(types); i++) {
		struct cc_err err = CC_ERR_INIT;
		struct cc_issue_res res;
		struct cc_cert_info ci;
		char *csr = testca_csr(types[i], "app.example.com", sans), *order;

		if (testca_issue(iss, csr, "app.example.com", NULL, NULL, 0, &res, &err) < 0)
			fail_msg("%s: %s", types[i], err.msg);
		testca_verify_ok(*state, ca, NULL, res.cert_pem);
		assert_string_equal(res.chain_pem, ca);
		order = cc_xasprintf("local-%s", res.serial);
		assert_string_equal(res.order_id, order);
		/* what the result says is what the certificate says */
		assert_int_equal(
			cc_cert_info_from_pem(res.cert_pem, strlen(res.cert_pem), &ci, &err), 0);
		assert_int_equal(ci.not_before, res.not_before);
		assert_int_equal(ci.not_after, res.not_after);
		assert_string_equal(ci.common_name, "app.example.com");
		assert_string_equal(ci.issuer_dn, "CN=CertCtl Local CA");
		assert_false(ci.is_ca);
		/* one PEM block */
		assert_null(strstr(strstr(res.cert_pem, "-----END") + 1, "-----BEGIN"));
		cc_cert_info_release(&ci);
		cc_issue_res_release(&res);
		free(order);
		free(csr);
	}
	free(ca);
	cc_issuer_close(iss);
}

static void test_local_ca__san_split(void **state)
{
	const char *const csr_sans[] = { "csr.example.com", "10.9.9.9", NULL };
	const char *const req_sans[] = { "www.example.com", "192.0.2.1",	  "2001:db8::7",
					 "ops@example.com", "localhost",	  "WWW.Example.COM",
					 "csr.example.com", "*.apps.example.com", NULL };
	const char *const bad[] = { "bad_name!.example.com", NULL };
	struct cc_issuer_conn *iss = testca_open(*state, "iss-local", NULL, NULL);
	struct cc_err err = CC_ERR_INIT;
	struct cc_issue_res res;
	char *csr = testca_csr(NULL, "from-csr.example.com", csr_sans), *out;

	assert_int_equal(testca_issue(iss, csr, "svc.example.com", req_sans, NULL, 0, &res, &err),
			 0);
	out = testca_x509(*state, res.cert_pem, "-subject", "-ext", "subjectAltName", NULL);
	assert_non_null(strstr(out, "subject=CN = svc.example.com\n"));
	/* CSR names first, duplicates (any case) once, localhost a DNS name */
	assert_non_null(strstr(out, "    DNS:csr.example.com, IP Address:10.9.9.9, "
				    "DNS:www.example.com, IP Address:192.0.2.1, "
				    "IP Address:2001:DB8:0:0:0:0:0:7, email:ops@example.com, "
				    "DNS:localhost, DNS:*.apps.example.com\n"));
	assert_null(strstr(out, "127.0.0.1"));
	free(out);
	cc_issue_res_release(&res);
	/* no common name in the request: the CSR's */
	assert_int_equal(testca_issue(iss, csr, NULL, NULL, NULL, 0, &res, &err), 0);
	out = testca_x509(*state, res.cert_pem, "-subject", NULL);
	assert_string_equal(out, "subject=CN = from-csr.example.com\n");
	free(out);
	cc_issue_res_release(&res);
	free(csr);
	/* no SAN anywhere: the host-like CN becomes the only SAN */
	csr = testca_csr(NULL, "solo.example.com", NULL);
	assert_int_equal(testca_issue(iss, csr, NULL, NULL, NULL, 0, &res, &err), 0);
	out = testca_x509(*state, res.cert_pem, "-ext", "subjectAltName", NULL);
	assert_non_null(strstr(out, "    DNS:solo.example.com\n"));
	free(out);
	cc_issue_res_release(&res);
	/* a DNS name with characters outside [A-Za-z0-9.*_-] */
	assert_int_equal(testca_issue(iss, csr, NULL, bad, NULL, 0, &res, &err), -1);
	assert_int_equal(err.code, CC_E_INVALID);
	assert_non_null(strstr(err.msg, "bad_name!.example.com"));
	assert_null(res.cert_pem);
	/* a CN over 64 characters */
	assert_int_equal(testca_issue(iss, csr, LONG_CN, NULL, NULL, 0, &res, &err), -1);
	assert_int_equal(err.code, CC_E_INVALID);
	free(csr);
	cc_issuer_close(iss);
}

/* the EKU and keyUsage lines of an issued leaf */
static char *usages(const char *dir, struct cc_issuer_conn *iss, const char *key_type,
		    const char *const *ekus)
{
	struct cc_err err = CC_ERR_INIT;
	struct cc_issue_res res;
	char *csr = testca_csr(key_type, "u.example.com", NULL), *out;

	if (testca_issue(iss, csr, NULL, NULL, ekus, 0, &res, &err) < 0)
		fail_msg("%s", err.msg);
	out = testca_x509(dir, res.cert_pem, "-ext", "keyUsage,extendedKeyUsage,basicConstraints",
			  NULL);
	cc_issue_res_release(&res);
	free(csr);
	return out;
}

static void expect_usages(const char *dir, struct cc_issuer_conn *iss, const char *key_type,
			  const char *const *ekus, const char *ku, const char *eku)
{
	char *out = usages(dir, iss, key_type, ekus);
	char *want_ku = cc_xasprintf("X509v3 Key Usage: critical\n    %s\n", ku);
	char *want_eku = cc_xasprintf("X509v3 Extended Key Usage: \n    %s\n", eku);

	if (!strstr(out, want_ku) || !strstr(out, want_eku) ||
	    !strstr(out, "X509v3 Basic Constraints: critical\n    CA:FALSE\n"))
		fail_msg("%s: got\n%s", key_type, out);
	free(want_ku);
	free(want_eku);
	free(out);
}

static void test_local_ca__eku_key_usage(void **state)
{
	const char *const email[] = { "emailProtection", NULL };
	const char *const code[] = { "codeSigning", NULL };
	const char *const server[] = { "ServerAuth", "serverAuth", NULL };
	const char *const mixed[] = { "clientAuth", "timeStamping", NULL };
	const char *const nope[] = { "anyThing", NULL };
	struct cc_issuer_conn *iss = testca_open(*state, "iss-local", NULL, NULL);
	struct cc_err err = CC_ERR_INIT;
	struct cc_issue_res res;
	char *csr;

	/* none asked: TLS both ways; keyEncipherment only for RSA */
	expect_usages(*state, iss, "ECDSA-P256", NULL, "Digital Signature",
		      "TLS Web Server Authentication, TLS Web Client Authentication");
	expect_usages(*state, iss, "RSA-2048", NULL, "Digital Signature, Key Encipherment",
		      "TLS Web Server Authentication, TLS Web Client Authentication");
	expect_usages(*state, iss, "Ed25519", server, "Digital Signature",
		      "TLS Web Server Authentication");
	expect_usages(*state, iss, "RSA-2048", server, "Digital Signature, Key Encipherment",
		      "TLS Web Server Authentication");
	expect_usages(*state, iss, "ECDSA-P256", email, "Digital Signature, Non Repudiation",
		      "E-mail Protection");
	expect_usages(*state, iss, "RSA-2048", email, "Digital Signature, Non Repudiation",
		      "E-mail Protection");
	expect_usages(*state, iss, "ECDSA-P384", code, "Digital Signature", "Code Signing");
	expect_usages(*state, iss, "RSA-2048", code, "Digital Signature", "Code Signing");
	expect_usages(*state, iss, "RSA-2048", mixed, "Digital Signature, Key Encipherment",
		      "TLS Web Client Authentication, Time Stamping");
	csr = testca_csr(NULL, "u.example.com", NULL);
	assert_int_equal(testca_issue(iss, csr, NULL, NULL, nope, 0, &res, &err), -1);
	assert_int_equal(err.code, CC_E_INVALID);
	assert_non_null(strstr(err.msg, "anyThing"));
	free(csr);
	cc_issuer_close(iss);
}

/* SKI is SHA-1 over the key, AKI the CA's SKI; CRL DP and OCSP URLs from the base URL */
static void test_local_ca__key_ids_and_urls(void **state)
{
	struct cc_issuer_conn *iss =
		testca_open(*state, "iss-local", NULL, "http://127.0.0.1:8443/");
	struct cc_issuer_conn *bare = testca_open(*state, "iss-bare", NULL, "");
	struct cc_err err = CC_ERR_INIT;
	struct cc_issue_res res;
	char *csr = testca_csr(NULL, "k.example.com", NULL), *ca = testca_ca_pem(iss);
	char *out, *ca_out, *ski, *want;

	assert_int_equal(testca_issue(iss, csr, NULL, NULL, NULL, 0, &res, &err), 0);
	out = testca_x509(*state, res.cert_pem, "-text", NULL);
	assert_non_null(strstr(out, "X509v3 CRL Distribution Points: \n"
				    "                Full Name:\n"
				    "                  URI:http://127.0.0.1:8443/api/v1/crl/"
				    "iss-local\n"));
	assert_non_null(strstr(out, "Authority Information Access: \n"
				    "                OCSP - URI:http://127.0.0.1:8443/api/v1/ocsp/"
				    "iss-local\n"));
	assert_null(strstr(out, "CA Issuers"));
	/* AKI = the CA's SKI */
	ca_out = testca_x509(*state, ca, "-ext", "subjectKeyIdentifier", NULL);
	ski = strstr(ca_out, "\n    ") + 5;
	ski[strcspn(ski, "\n")] = '\0';
	want = cc_xasprintf("X509v3 Authority Key Identifier: \n                %s\n", ski);
	assert_non_null(strstr(out, want));
	assert_non_null(strstr(out, "X509v3 Subject Key Identifier: \n"));
	free(want);
	free(ca_out);
	free(out);
	cc_issue_res_release(&res);
	/* no base URL: neither extension */
	assert_int_equal(testca_issue(bare, csr, NULL, NULL, NULL, 0, &res, &err), 0);
	out = testca_x509(*state, res.cert_pem, "-text", NULL);
	assert_null(strstr(out, "CRL Distribution"));
	assert_null(strstr(out, "Authority Information Access"));
	free(out);
	cc_issue_res_release(&res);
	free(csr);
	free(ca);
	cc_issuer_close(iss);
	cc_issuer_close(bare);
}

/* NotAfter - NotBefore of a leaf issued with max_ttl; NotBefore must be skew_s seconds in
 * the past (whole seconds) */
static int64_t issue_span(struct cc_issuer_conn *iss, int64_t max_ttl, int64_t skew_s,
			  struct cc_issue_res *res)
{
	struct cc_err err = CC_ERR_INIT;
	char *csr = testca_csr(NULL, "t.example.com", NULL);
	int64_t t0 = cc_time_now();

	if (testca_issue(iss, csr, NULL, NULL, NULL, max_ttl, res, &err) < 0)
		fail_msg("%s", err.msg);
	assert_true(res->not_before <= t0 - (skew_s - 1) * CC_USEC_PER_SEC);
	assert_true(res->not_before >= t0 - (skew_s + 2) * CC_USEC_PER_SEC);
	free(csr);
	return res->not_after - res->not_before;
}

static void test_local_ca__validity_and_max_ttl(void **state)
{
	struct cc_issuer_conn *d90 = testca_open(*state, "iss-a", NULL, NULL);
	struct cc_issuer_conn *d30 = testca_open(*state, "iss-b", "{\"validity_days\":30}", NULL);
	char *kp = testossl_path(*state, "short.key"), *cp = testossl_path(*state, "short.crt");
	char *cfg = cc_xasprintf("{\"ca_cert_path\":\"%s\",\"ca_key_path\":\"%s\"}", cp, kp);
	struct cc_issuer_conn *shortca;
	struct cc_err err = CC_ERR_INIT;
	struct cc_issue_res res;
	struct cc_cert_info ci;
	char *out = NULL;

	/* validity_days from now on, NotBefore 60 s back for slow clocks */
	assert_int_equal(issue_span(d90, 0, 60, &res), 90 * DAY_US + MIN_US);
	cc_issue_res_release(&res);
	assert_int_equal(issue_span(d30, 0, 60, &res), 30 * DAY_US + MIN_US);
	cc_issue_res_release(&res);
	/* MaxTTL caps the whole validity, backdating included (a tenth of a short TTL at
	 * most); a larger one does not extend */
	assert_int_equal(issue_span(d30, 3600, 60, &res), 3600 * CC_USEC_PER_SEC);
	cc_issue_res_release(&res);
	assert_int_equal(issue_span(d30, 300, 30, &res), 300 * CC_USEC_PER_SEC);
	cc_issue_res_release(&res);
	assert_int_equal(issue_span(d30, 400 * 86400, 60, &res), 30 * DAY_US + MIN_US);
	cc_issue_res_release(&res);
	assert_int_equal(issue_span(d30, -5, 60, &res), 30 * DAY_US + MIN_US);
	cc_issue_res_release(&res);
	/* a CA with 5 days left: leaves end with it */
	assert_int_equal(testossl_openssl(&out, "req", "-x509", "-newkey", "ec", "-pkeyopt",
					  "ec_paramgen_curve:P-256", "-nodes", "-subj", "/CN=short",
					  "-days", "5", "-addext",
					  "keyUsage=critical,keyCertSign,cRLSign", "-keyout", kp,
					  "-out", cp, NULL),
			 0);
	shortca = testca_open(*state, "iss-short", cfg, NULL);
	issue_span(shortca, 0, 60, &res);
	free(out);
	out = testossl_read(cp, NULL);
	assert_int_equal(cc_cert_info_from_pem(out, strlen(out), &ci, &err), 0);
	assert_int_equal(res.not_after, ci.not_after);
	cc_cert_info_release(&ci);
	cc_issue_res_release(&res);
	free(out);
	free(cfg);
	free(kp);
	free(cp);
	cc_issuer_close(shortca);
	cc_issuer_close(d90);
	cc_issuer_close(d30);
}

static void test_local_ca__serial_format(void **state)
{
	struct cc_issuer_conn *iss = testca_open(*state, "iss-local", NULL, NULL);
	char *csr = testca_csr(NULL, "s.example.com", NULL);
	char *seen[40] = { 0 };

	for (size_t i = 0; i < CC_ARRAY_SIZE(seen); i++) {
		struct cc_err err = CC_ERR_INIT;
		struct cc_issue_res res;
		char *out, *v;

		assert_int_equal(testca_issue(iss, csr, NULL, NULL, NULL, 0, &res, &err), 0);
		/* lower-case hex without a leading zero, as a certificate's serial reads back */
		assert_true(strlen(res.serial) >= 32 && strlen(res.serial) <= 40);
		assert_int_equal(strspn(res.serial, "0123456789abcdef"), strlen(res.serial));
		assert_true(res.serial[0] != '0');
		assert_true(strlen(res.serial) < 40 || res.serial[0] <= '7'); /* 159 bits */
		for (size_t k = 0; k < i; k++)
			assert_string_not_equal(seen[k], res.serial);
		if (i < 3) { /* the certificate carries the same number */
			out = testca_x509(*state, res.cert_pem, "-serial", NULL);
			v = out + strlen("serial=");
			v[strcspn(v, "\n")] = '\0';
			assert_int_equal(strcasecmp(v + strspn(v, "0"),
						    res.serial + strspn(res.serial, "0")),
					 0);
			free(out);
		}
		seen[i] = cc_xstrdup(res.serial);
		cc_issue_res_release(&res);
	}
	for (size_t i = 0; i < CC_ARRAY_SIZE(seen); i++)
		free(seen[i]);
	free(csr);
	cc_issuer_close(iss);
}

/* csr re-encoded after edit() changed its DER */
static char *mangle(const char *csr, void (*edit)(unsigned char *der, int *len))
{
	BIO *in = BIO_new_mem_buf(csr, -1), *out = BIO_new(BIO_s_mem());
	X509_REQ *req = PEM_read_bio_X509_REQ(in, NULL, NULL, NULL);
	unsigned char *der = NULL;
	int len = i2d_X509_REQ(req, &der);
	char *data, *pem;
	long n;

	assert_true(len > 0);
	edit(der, &len);
	assert_true(PEM_write_bio(out, "CERTIFICATE REQUEST", "", der, len) > 0);
	n = BIO_get_mem_data(out, &data);
	pem = cc_xstrndup(data, (size_t)n);
	OPENSSL_free(der);
	X509_REQ_free(req);
	BIO_free(in);
	BIO_free(out);
	return pem;
}

static void flip_signature(unsigned char *der, int *len)
{
	der[*len - 1] ^= 0x01; /* last byte of the signature value */
}

static void truncate_der(unsigned char *der, int *len)
{
	(void)der;
	*len /= 2;
}

static char *cli_csr(const char *dir, const char *newkey, const char *opt)
{
	char *k = testossl_path(dir, "h.key"), *r = testossl_path(dir, "h.csr"), *out = NULL;

	if (testossl_openssl(&out, "req", "-new", "-newkey", newkey, opt ? "-pkeyopt" : "-nodes",
			     opt ? opt : "-nodes", "-nodes", "-subj", "/CN=h.example.com",
			     "-keyout", k, "-out", r, NULL) != 0)
		fail_msg("openssl req: %s", out);
	free(out);
	out = testossl_read(r, NULL);
	free(k);
	free(r);
	return out;
}

static void expect_refused(struct cc_issuer_conn *iss, const char *csr, const char *what)
{
	struct cc_err err = CC_ERR_INIT;
	struct cc_issue_res res;

	if (testca_issue(iss, csr, "h.example.com", NULL, NULL, 0, &res, &err) != -1 ||
	    err.code != CC_E_INVALID)
		fail_msg("%s: accepted or wrong error (%s)", what, err.msg);
	assert_null(res.cert_pem);
	assert_null(res.serial);
}

static void test_local_ca__hostile_csrs(void **state)
{
	struct cc_issuer_conn *iss = testca_open(*state, "iss-local", NULL, NULL);
	char *good = testca_csr(NULL, "h.example.com", NULL);
	char *two = cc_xasprintf("%s%s", good, good), *spaced = cc_xasprintf("\n  %s\n\n", good);
	char *badsig = mangle(good, flip_signature), *trunc = mangle(good, truncate_der);
	char *rsa1024 = cli_csr(*state, "rsa:1024", NULL);
	char *p224 = cli_csr(*state, "ec", "ec_paramgen_curve:P-224");
	char *rsa3072 = cli_csr(*state, "rsa:3072", NULL);
	char *huge = cc_xmalloc(70 * 1024);
	struct cc_err err = CC_ERR_INIT;
	struct cc_issue_res res;

	memset(huge, ' ', 70 * 1024 - 1);
	memcpy(huge, good, strlen(good));
	huge[70 * 1024 - 1] = '\0';
	expect_refused(iss, "garbage", "garbage");
	expect_refused(iss, "", "empty");
	expect_refused(iss, NULL, "NULL");
	expect_refused(iss, two, "two blocks");
	expect_refused(iss, badsig, "wrong signature");
	expect_refused(iss, trunc, "truncated DER");
	expect_refused(iss, rsa1024, "RSA-1024");
	expect_refused(iss, p224, "P-224");
	expect_refused(iss, huge, "over 64 KiB");
	assert_int_equal(testca_issue(iss, rsa1024, NULL, NULL, NULL, 0, &res, &err), -1);
	assert_non_null(strstr(err.msg, "2048"));
	/* blanks around one block are fine; so is a CLI-made RSA-3072 request */
	assert_int_equal(testca_issue(iss, spaced, NULL, NULL, NULL, 0, &res, &err), 0);
	cc_issue_res_release(&res);
	assert_int_equal(testca_issue(iss, rsa3072, NULL, NULL, NULL, 0, &res, &err), 0);
	cc_issue_res_release(&res);
	free(good);
	free(two);
	free(spaced);
	free(badsig);
	free(trunc);
	free(rsa1024);
	free(p224);
	free(rsa3072);
	free(huge);
	cc_issuer_close(iss);
}

/* renew is issue for this CA; revoke is recorded; no ARI */
static void test_local_ca__renew_revoke_ari(void **state)
{
	struct cc_issuer_conn *iss = testca_open(*state, "iss-local", NULL, NULL);
	const struct cc_issuer_ops *o = cc_issuer_ops_of(iss);
	struct cc_issue_req req = { .csr_pem = testca_csr(NULL, "r.example.com", NULL),
				    .order_id = "local-x" };
	struct cc_renewal_info ri;
	struct cc_err err = CC_ERR_INIT;
	struct cc_issue_res res;
	char *ca = testca_ca_pem(iss);

	assert_ptr_equal(o, cc_issuer_find("GenericCA"));
	assert_int_equal(cc_issuer_renew(iss, &req, &res, &err), 0);
	testca_verify_ok(*state, ca, NULL, res.cert_pem);
	assert_int_equal(cc_issuer_revoke(iss, res.serial, "keyCompromise", &err), 0);
	assert_int_equal(cc_issuer_revoke(iss, res.serial, NULL, &err), 0);
	assert_int_equal(cc_issuer_revoke(iss, "not-hex", NULL, &err), -1);
	assert_int_equal(err.code, CC_E_INVALID);
	assert_int_equal(o->get_renewal_info(NULL, res.cert_pem, &ri, &err), 1);
	assert_null(o->get_order_status);
	cc_issue_res_release(&res);
	free((char *)req.csr_pem);
	free(ca);
	cc_issuer_close(iss);
}

#define THREADS 4
#define PER_THREAD 200

struct worker {
	struct cc_issuer_conn *iss;
	const char *csr;
	char *serial[PER_THREAD];
	char *pem[PER_THREAD];
	int failed;
};

static void *work(void *arg)
{
	struct worker *w = arg;

	for (int i = 0; i < PER_THREAD; i++) {
		struct cc_err err = CC_ERR_INIT;
		struct cc_issue_res res;

		if (testca_issue(w->iss, w->csr, "c.example.com", NULL, NULL, 0, &res, &err) < 0) {
			w->failed++;
			continue;
		}
		w->serial[i] = res.serial;
		w->pem[i] = res.cert_pem;
		res.serial = res.cert_pem = NULL;
		cc_issue_res_release(&res);
	}
	return NULL;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void test_local_ca__concurrent_issuance(void **state)
{
	struct cc_issuer_conn *iss = testca_open(*state, "iss-local", NULL, NULL);
	const char *types[THREADS] = { "ECDSA-P256", "ECDSA-P256", "ECDSA-P384", "RSA-2048" };
	struct worker w[THREADS] = { 0 };
	pthread_t th[THREADS];
	char *all[THREADS * PER_THREAD], *ca = testca_ca_pem(iss);
	int64_t t0 = cc_time_mono_ms(), ms;
	size_t n = 0;

	for (int i = 0; i < THREADS; i++) {
		w[i].iss = iss;
		w[i].csr = testca_csr(types[i], "c.example.com", NULL);
	}
	for (int i = 0; i < THREADS; i++)
		assert_int_equal(pthread_create(&th[i], NULL, work, &w[i]), 0);
	for (int i = 0; i < THREADS; i++)
		pthread_join(th[i], NULL);
	ms = cc_time_mono_ms() - t0;
	print_message("%d certificates in %lld ms\n", THREADS * PER_THREAD, (long long)ms);
	for (int i = 0; i < THREADS; i++) {
		assert_int_equal(w[i].failed, 0);
		for (int k = 0; k < PER_THREAD; k++) {
			struct cc_err err = CC_ERR_INIT;
			struct cc_cert_info ci;
			const char *s = w[i].serial[k];

			all[n++] = w[i].serial[k];
			assert_int_equal(
				cc_cert_info_from_pem(w[i].pem[k], strlen(w[i].pem[k]), &ci, &err),
				0);
			assert_string_equal(ci.serial_hex, s + strspn(s, "0"));
			cc_cert_info_release(&ci);
			if (k % 50 == 0)
				testca_verify_ok(*state, ca, NULL, w[i].pem[k]);
			free(w[i].pem[k]);
		}
		free((char *)w[i].csr);
	}
	qsort(all, n, sizeof(all[0]), cmp_str);
	for (size_t i = 1; i < n; i++)
		assert_string_not_equal(all[i - 1], all[i]);
	for (size_t i = 0; i < n; i++)
		free(all[i]);
	free(ca);
	cc_issuer_close(iss);
}

#define T(name) cmocka_unit_test_setup_teardown(name, testossl_setup, testossl_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_local_ca__registry),	    T(test_local_ca__leaf_verifies_each_key_type),
		T(test_local_ca__san_split),	    T(test_local_ca__eku_key_usage),
		T(test_local_ca__key_ids_and_urls), T(test_local_ca__validity_and_max_ttl),
		T(test_local_ca__serial_format),    T(test_local_ca__hostile_csrs),
		T(test_local_ca__renew_revoke_ari), T(test_local_ca__concurrent_issuance),
	};

	return cmocka_run_group_tests_name("local-ca", tests, NULL, NULL);
}
