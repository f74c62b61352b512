/* x509.c: certificate facts (fingerprint, serial, names, SANs, dates, key) and the PEM/DN/time
 * helpers shared with csr.c and the issuers */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include "libcc/err.h"
#include "libcc/hash.h"
#include "libcc/mem.h"
#include "libcc/time.h"
#include "libcc/x509.h"
#include "libcc/banned.h"

char *cc_x509_bio_take(BIO *b, int ok)
{
	char *data = NULL;
	long n = b && ok ? BIO_get_mem_data(b, &data) : 0;
	char *s = n > 0 ? cc_xstrndup(data, (size_t)n) : NULL;

	BIO_free(b);
	return s;
}

char *cc_x509_pem(const X509 *x)
{
	BIO *b = BIO_new(BIO_s_mem());

	return cc_x509_bio_take(b, b && PEM_write_bio_X509(b, (X509 *)x));
}

char *cc_x509_dn(const X509_NAME *name)
{
	/* RFC 2253 order and escaping, but UTF-8 kept as is (RFC 4514 allows it) */
	unsigned long flags = XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB;
	BIO *b = BIO_new(BIO_s_mem());
	char *s;

	if (!b)
		return NULL;
	if (X509_NAME_print_ex(b, name, 0, flags) < 0) {
		BIO_free(b);
		return NULL;
	}
	s = cc_x509_bio_take(b, 1);
	return s ? s : cc_xstrdup(""); /* an empty name */
}

int64_t cc_x509_time(const ASN1_TIME *t)
{
	struct tm tm;

	if (!t || !ASN1_TIME_to_tm(t, &tm))
		return 0;
	return (int64_t)timegm(&tm) * CC_USEC_PER_SEC;
}

static int fingerprint(const X509 *x, char out[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	if (!X509_digest(x, EVP_sha256(), md, &n) || n != 32)
		return -1;
	cc_hex_encode(md, n, out);
	return 0;
}

/* lower-case hex without leading zeros ("0" for zero, "-…" for a negative serial) */
static int serial_hex(const X509 *x, char *out, size_t size)
{
	BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL);
	char *hex = bn ? BN_bn2hex(bn) : NULL, *p;
	int neg, rc = -1;

	if (!hex)
		goto out;
	neg = hex[0] == '-';
	p = hex + neg;
	while (p[0] == '0' && p[1])
		p++;
	if ((size_t)snprintf(out, size, "%s%s", neg ? "-" : "", p) < size)
		rc = 0;
	for (p = out; *p; p++)
		*p = (char)tolower((unsigned char)*p);
out:
	OPENSSL_free(hex);
	BN_free(bn);
	return rc;
}

/* the subject's last CN as UTF-8; "" when there is none */
static char *common_name(const X509_NAME *name)
{
	int i = -1, last = -1;
	unsigned char *utf8 = NULL;
	char *s;
	int n;

	while ((i = X509_NAME_get_index_by_NID(name, NID_commonName, i)) >= 0)
		last = i;
	if (last < 0)
		return cc_xstrdup("");
	n = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, last)));
	s = n >= 0 ? cc_xstrndup((const char *)utf8, (size_t)n) : cc_xstrdup("");
	OPENSSL_free(utf8);
	return s;
}

static void push_ia5(struct cc_strv *sv, const ASN1_IA5STRING *s)
{
	const char *d = (const char *)ASN1_STRING_get0_data(s);
	int n = ASN1_STRING_length(s);

	if (n > 0 && memchr(d, '\0', (size_t)n) == NULL) /* an embedded NUL is an attack */
		cc_strv_take(sv, cc_xstrndup(d, (size_t)n));
}

static void push_ip(struct cc_strv *sv, const ASN1_OCTET_STRING *s)
{
	char text[INET6_ADDRSTRLEN];
	int n = ASN1_STRING_length(s);

	if ((n == 4 || n == 16) &&
	    inet_ntop(n == 4 ? AF_INET : AF_INET6, ASN1_STRING_get0_data(s), text, sizeof(text)))
		cc_strv_push(sv, text);
}

/* DNS names, then IP addresses, then e-mail addresses */
static void sans(const X509 *x, struct cc_strv *out)
{
	static const int order[] = { GEN_DNS, GEN_IPADD, GEN_EMAIL };
	GENERAL_NAMES *gens = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);

	for (size_t k = 0; gens && k < CC_ARRAY_SIZE(order); k++)
		for (int i = 0; i < sk_GENERAL_NAME_num(gens); i++) {
			const GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);

			if (g->type != order[k])
				continue;
			if (g->type == GEN_IPADD)
				push_ip(out, g->d.iPAddress);
			else
				push_ia5(out, g->d.ia5);
		}
	GENERAL_NAMES_free(gens);
}

static void key_facts(const X509 *x, struct cc_cert_info *out)
{
	EVP_PKEY *pk = X509_get0_pubkey(x);
	const char *name = NULL;

	if (!pk) {
		ERR_clear_error();
		snprintf(out->key_algorithm, sizeof(out->key_algorithm), "unknown");
		return;
	}
	out->key_size = EVP_PKEY_get_bits(pk);
	switch (EVP_PKEY_get_base_id(pk)) {
	case EVP_PKEY_RSA:
	case EVP_PKEY_RSA_PSS:
		name = "RSA";
		break;
	case EVP_PKEY_EC:
		name = "ECDSA";
		break;
	case EVP_PKEY_ED25519:
		name = "Ed25519";
		out->key_size = 256;
		break;
	default:
		name = EVP_PKEY_get0_type_name(pk);
		break;
	}
	snprintf(out->key_algorithm, sizeof(out->key_algorithm), "%s", name ? name : "unknown");
	if (out->key_size < 0)
		out->key_size = 0;
}

static int describe(const X509 *x, struct cc_cert_info *out, struct cc_err *err)
{
	memset(out, 0, sizeof(*out));
	if (fingerprint(x, out->fingerprint_sha256) < 0 ||
	    serial_hex(x, out->serial_hex, sizeof(out->serial_hex)) < 0 ||
	    !(out->subject_dn = cc_x509_dn(X509_get_subject_name(x))) ||
	    !(out->issuer_dn = cc_x509_dn(X509_get_issuer_name(x))) ||
	    !(out->pem = cc_x509_pem(x))) {
		cc_cert_info_release(out);
		return cc_err_ssl(err, CC_E_INVALID, "cannot read the certificate");
	}
	out->common_name = common_name(X509_get_subject_name(x));
	sans(x, &out->sans);
	out->not_before = cc_x509_time(X509_get0_notBefore(x));
	out->not_after = cc_x509_time(X509_get0_notAfter(x));
	key_facts(x, out);
	out->is_ca = (X509_get_extension_flags((X509 *)x) & EXFLAG_CA) != 0;
	ERR_clear_error();
	return 0;
}

int cc_cert_info_from_der(const unsigned char *der, size_t len, struct cc_cert_info *out,
			  struct cc_err *err)
{
	const unsigned char *p = der;
	X509 *x = len <= INT32_MAX ? d2i_X509(NULL, &p, (long)len) : NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!x || p != der + len) {
		X509_free(x);
		return cc_err_ssl(err, CC_E_INVALID, "not a DER certificate");
	}
	rc = describe(x, out, err);
	X509_free(x);
	return rc;
}

static X509 *first_cert(const char *pem, size_t len, struct cc_err *err)
{
	BIO *b = len <= INT32_MAX ? BIO_new_mem_buf(pem, (int)len) : NULL;
	X509 *x = b ? PEM_read_bio_X509(b, NULL, NULL, NULL) : NULL;

	BIO_free(b);
	if (!x)
		cc_err_ssl(err, CC_E_INVALID, "no readable PEM certificate");
	return x;
}

int cc_cert_info_from_pem(const char *pem, size_t len, struct cc_cert_info *out, struct cc_err *err)
{
	X509 *x = first_cert(pem, len, err);
	int rc;

	memset(out, 0, sizeof(*out));
	if (!x)
		return -1;
	rc = describe(x, out, err);
	X509_free(x);
	return rc;
}

void cc_cert_info_release(struct cc_cert_info *ci)
{
	if (!ci)
		return;
	free(ci->common_name);
	cc_strv_release(&ci->sans);
	free(ci->subject_dn);
	free(ci->issuer_dn);
	free(ci->pem);
	memset(ci, 0, sizeof(*ci));
}

int cc_cert_fingerprint_pem(const char *pem, char out[65], struct cc_err *err)
{
	X509 *x = pem ? first_cert(pem, strlen(pem), err) : NULL;
	int rc = -1;

	if (!pem)
		cc_err_set(err, CC_E_INVALID, "no readable PEM certificate");
	if (x && fingerprint(x, out) == 0)
		rc = 0;
	else if (x)
		cc_err_ssl(err, CC_E_CRYPTO, "cannot hash the certificate");
	X509_free(x);
	return rc;
}
