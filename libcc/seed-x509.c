/* seed-x509.c: the demo CA and its leaves, signed at seed time with OpenSSL 3 EVP/X509 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdbool.h>
#include <string.h>
#include <time.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include "libcc/seed-x509.h"
#include "libcc/buf.h"
#include "libcc/err.h"
#include "libcc/mem.h"
#include "libcc/time.h"
#include "libcc/x509.h"
#include "libcc/banned.h"

#define YEAR (365 * 86400 * CC_USEC_PER_SEC)

struct cc_seed_ca {
	EVP_PKEY *key;
	X509 *cert;
	char *pem;
};

static char *x509_pem(X509 *x)
{
	BIO *b = BIO_new(BIO_s_mem());

	return cc_x509_bio_take(b, b && PEM_write_bio_X509(b, x));
}

static char *dn_text(const X509_NAME *n)
{
	BIO *b = BIO_new(BIO_s_mem());

	return cc_x509_bio_take(b, b && X509_NAME_print_ex(b, n, 0, XN_FLAG_RFC2253) >= 0);
}

static int add_name(X509_NAME *n, const char *org, const char *cn)
{
	if (org && !X509_NAME_add_entry_by_txt(n, "O", MBSTRING_UTF8, (const unsigned char *)org,
					       -1, -1, 0))
		return 0;
	return X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8, (const unsigned char *)cn, -1, -1,
					  0);
}

/* 16 random bytes, first one in 0x10..0x7f: positive and always 32 hex digits, in lower
 * case as issued serials are stored (OCSP and revocation look-ups compare them as text) */
static int set_serial(X509 *x, char out[64])
{
	unsigned char b[16];
	BIGNUM *bn = NULL;
	char *hex = NULL;
	int ok = 0;

	if (RAND_bytes(b, sizeof(b)) != 1)
		return 0;
	b[0] = (unsigned char)((b[0] & 0x7f) | 0x10);
	bn = BN_bin2bn(b, sizeof(b), NULL);
	hex = bn ? BN_bn2hex(bn) : NULL;
	if (hex && BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x))) {
		snprintf(out, 64, "%s", hex);
		for (char *p = out; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		ok = 1;
	}
	OPENSSL_free(hex);
	BN_free(bn);
	return ok;
}

static int add_ext(X509 *x, int nid, const char *value)
{
	X509_EXTENSION *e = X509V3_EXT_conf_nid(NULL, NULL, nid, value);
	int ok = e && X509_add_ext(x, e, -1);

	X509_EXTENSION_free(e);
	return ok;
}

/* subjectKeyIdentifier = SHA-1 of the public key; authorityKeyIdentifier = the issuer's */
static int add_key_ids(X509 *x, X509 *issuer)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	ASN1_OCTET_STRING *ski = ASN1_OCTET_STRING_new();
	AUTHORITY_KEYID *aki = AUTHORITY_KEYID_new();
	int ok = 0;

	if (!ski || !aki || !X509_pubkey_digest(issuer ? issuer : x, EVP_sha1(), md, &n))
		goto out;
	aki->keyid = ASN1_OCTET_STRING_new();
	if (!aki->keyid || !ASN1_OCTET_STRING_set(aki->keyid, md, (int)n) ||
	    !X509_pubkey_digest(x, EVP_sha1(), md, &n) || !ASN1_OCTET_STRING_set(ski, md, (int)n))
		goto out;
	ok = X509_add1_ext_i2d(x, NID_subject_key_identifier, ski, 0, X509V3_ADD_DEFAULT) == 1 &&
	     X509_add1_ext_i2d(x, NID_authority_key_identifier, aki, 0, X509V3_ADD_DEFAULT) == 1;
out:
	ASN1_OCTET_STRING_free(ski);
	AUTHORITY_KEYID_free(aki);
	return ok;
}

static X509 *new_cert(const char *org, const char *cn, EVP_PKEY *key, int64_t nb, int64_t na,
		      char serial[64])
{
	X509 *x = X509_new();

	if (x && X509_set_version(x, 2) && set_serial(x, serial) &&
	    ASN1_TIME_set(X509_getm_notBefore(x), (time_t)(nb / CC_USEC_PER_SEC)) &&
	    ASN1_TIME_set(X509_getm_notAfter(x), (time_t)(na / CC_USEC_PER_SEC)) &&
	    X509_set_pubkey(x, key) && add_name(X509_get_subject_name(x), org, cn))
		return x;
	X509_free(x);
	return NULL;
}

struct cc_seed_ca *cc_seed_x509_ca_new(int64_t now, struct cc_err *err)
{
	struct cc_seed_ca *ca = cc_xcalloc(1, sizeof(*ca));
	char serial[64];

	ca->key = EVP_EC_gen("P-256");
	if (ca->key)
		ca->cert = new_cert("certctl demo", "certctl demo CA", ca->key, now - 2 * YEAR,
				    now + 8 * YEAR, serial);
	if (!ca->cert || !X509_set_issuer_name(ca->cert, X509_get_subject_name(ca->cert)) ||
	    !add_ext(ca->cert, NID_basic_constraints, "critical,CA:TRUE,pathlen:0") ||
	    !add_ext(ca->cert, NID_key_usage, "critical,digitalSignature,keyCertSign,cRLSign") ||
	    !add_key_ids(ca->cert, NULL) || !X509_sign(ca->cert, ca->key, EVP_sha256()) ||
	    !(ca->pem = x509_pem(ca->cert))) {
		cc_err_ssl(err, CC_E_CRYPTO, "cannot create the demo CA");
		cc_seed_x509_ca_free(ca);
		return NULL;
	}
	return ca;
}

void cc_seed_x509_ca_free(struct cc_seed_ca *ca)
{
	if (!ca)
		return;
	EVP_PKEY_free(ca->key);
	X509_free(ca->cert);
	free(ca->pem);
	free(ca);
}

/* "DNS:a,IP:10.0.0.1,email:b@c" from the SANs (the CN when there are none) */
static void san_text(struct cc_buf *b, const char *cn, const struct cc_strv *sans)
{
	size_t n = sans && sans->n ? sans->n : 1;

	for (size_t i = 0; i < n; i++) {
		const char *s = sans && sans->n ? sans->v[i] : cn;
		unsigned char ip[16];
		const char *kind = "DNS";

		if (strchr(s, '@'))
			kind = "email";
		else if (inet_pton(AF_INET, s, ip) == 1 || inet_pton(AF_INET6, s, ip) == 1)
			kind = "IP";
		cc_buf_addf(b, "%s%s:%s", i ? "," : "", kind, s);
	}
}

/* a CSR for key; san NULL: no subjectAltName request */
static char *make_csr(EVP_PKEY *key, const char *cn, const char *san)
{
	X509_REQ *req = X509_REQ_new();
	STACK_OF(X509_EXTENSION) *exts = sk_X509_EXTENSION_new_null();
	X509_EXTENSION *e = NULL;
	BIO *b = NULL;
	char *pem = NULL;

	if (!req || !exts || !X509_REQ_set_version(req, 0) ||
	    !add_name(X509_REQ_get_subject_name(req), NULL, cn) || !X509_REQ_set_pubkey(req, key))
		goto out;
	if (san) {
		e = X509V3_EXT_conf_nid(NULL, NULL, NID_subject_alt_name, san);
		if (!e || !sk_X509_EXTENSION_push(exts, e))
			goto out;
		e = NULL; /* exts owns it */
		if (!X509_REQ_add_extensions(req, exts))
			goto out;
	}
	if (!X509_REQ_sign(req, key, EVP_sha256()))
		goto out;
	b = BIO_new(BIO_s_mem());
	pem = cc_x509_bio_take(b, b && PEM_write_bio_X509_REQ(b, req));
out:
	X509_EXTENSION_free(e);
	sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
	X509_REQ_free(req);
	return pem;
}

static int describe(X509 *x, const struct cc_seed_ca *ca, struct cc_seed_leaf *out)
{
	unsigned char *der = NULL;
	int n = i2d_X509(x, &der);

	if (n <= 0)
		return 0;
	cc_sha256_hex(der, (size_t)n, out->fingerprint);
	OPENSSL_free(der);
	out->pem = x509_pem(x);
	out->subject_dn = dn_text(X509_get_subject_name(x));
	out->issuer_dn = dn_text(X509_get_issuer_name(x));
	if (!out->pem || !out->subject_dn || !out->issuer_dn)
		return 0;
	out->chain_pem = ca ? cc_xasprintf("%s%s", out->pem, ca->pem) : cc_xstrdup(out->pem);
	return 1;
}

static const char *eku_of(unsigned flags)
{
	if (flags & CC_SEED_SMIME)
		return "emailProtection";
	return flags & CC_SEED_CLIENT ? "serverAuth,clientAuth" : "serverAuth";
}

int cc_seed_x509_leaf(const struct cc_seed_ca *ca, const char *cn, const struct cc_strv *sans,
		      int64_t not_before, int64_t not_after, unsigned flags,
		      struct cc_seed_leaf *out, struct cc_err *err)
{
	struct cc_buf san = CC_BUF_INIT;
	EVP_PKEY *key = EVP_EC_gen("P-256");
	bool is_ca = flags & CC_SEED_IS_CA;
	X509 *x = NULL;
	int ok;

	memset(out, 0, sizeof(*out));
	san_text(&san, cn, sans);
	x = key ? new_cert(is_ca ? "Example Corp" : NULL, cn, key, not_before, not_after,
			   out->serial)
		: NULL;
	ok = x && X509_set_issuer_name(x, ca ? X509_get_subject_name(ca->cert)
					     : X509_get_subject_name(x));
	if (is_ca)
		ok = ok && add_ext(x, NID_basic_constraints, "critical,CA:TRUE") &&
		     add_ext(x, NID_key_usage, "critical,digitalSignature,keyCertSign,cRLSign");
	else
		ok = ok && add_ext(x, NID_basic_constraints, "critical,CA:FALSE") &&
		     add_ext(x, NID_key_usage, "critical,digitalSignature") &&
		     add_ext(x, NID_ext_key_usage, eku_of(flags)) &&
		     add_ext(x, NID_subject_alt_name, san.buf);
	ok = ok && add_key_ids(x, ca ? ca->cert : NULL) &&
	     X509_sign(x, ca ? ca->key : key, EVP_sha256()) && describe(x, ca, out) &&
	     (out->csr_pem = make_csr(key, cn, is_ca ? NULL : san.buf)) != NULL;
	if (!ok) {
		cc_err_ssl(err, CC_E_CRYPTO, "cannot sign the demo certificate");
		cc_seed_x509_leaf_release(out);
	}
	X509_free(x);
	EVP_PKEY_free(key);
	cc_buf_release(&san);
	return ok ? 0 : -1;
}

void cc_seed_x509_leaf_release(struct cc_seed_leaf *l)
{
	if (!l)
		return;
	free(l->pem);
	free(l->chain_pem);
	free(l->csr_pem);
	free(l->subject_dn);
	free(l->issuer_dn);
	memset(l, 0, sizeof(*l));
}
