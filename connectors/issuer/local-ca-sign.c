/* local-ca-sign.c: Local CA leaves — CSR checks, subject and SANs, key usages, validity, and
 * the extensions every leaf shares (built once at open). Thread-safe: per-call state lives on
 * the stack; the CA is only read. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>
#include "connectors/issuer/local-ca.h"
#include "libcc/csr.h"
#include "libcc/err.h"
#include "libcc/hash.h"
#include "libcc/mem.h"
#include "libcc/time.h"
#include "libcc/x509.h"
#include "libcc/banned.h"

#define SKEW_S 60 /* NotBefore in the past: clients with a slow clock */
#define DAY_S 86400

int local_ca_serial(ASN1_INTEGER *ai, char hex[41], struct cc_err *err)
{
	unsigned char b[20];
	const unsigned char *p;
	size_t n;

	do {
		if (RAND_bytes(b, sizeof(b)) != 1)
			return cc_err_ssl(err, CC_E_CRYPTO, "the random generator failed");
		b[0] &= 0x7f; /* positive, 159 bits */
		for (p = b, n = sizeof(b); n && !*p; p++, n--)
			;
	} while (!n);
	/* stored as certificates are read back: lower-case hex without leading zeros */
	cc_hex_encode(p, n, hex);
	if (hex[0] == '0')
		memmove(hex, hex + 1, strlen(hex));
	if (!ASN1_STRING_set(ai, p, (int)n))
		return cc_err_ssl(err, CC_E_CRYPTO, "cannot set the serial number");
	return 0;
}

/* ---- built once at open ---- */

static GENERAL_NAME *uri_name(const char *url)
{
	GENERAL_NAME *g = GENERAL_NAME_new();
	ASN1_IA5STRING *s = ASN1_IA5STRING_new();

	if (!g || !s || !ASN1_STRING_set(s, url, -1))
		CC_BUG("out of memory");
	GENERAL_NAME_set0_value(g, GEN_URI, s);
	return g;
}

static X509_EXTENSION *crl_dp(const char *url)
{
	CRL_DIST_POINTS *dps = sk_DIST_POINT_new_null();
	DIST_POINT *dp = DIST_POINT_new();
	X509_EXTENSION *e;

	if (!dps || !dp || !(dp->distpoint = DIST_POINT_NAME_new()) ||
	    !(dp->distpoint->name.fullname = sk_GENERAL_NAME_new_null()) ||
	    !sk_GENERAL_NAME_push(dp->distpoint->name.fullname, uri_name(url)) ||
	    !sk_DIST_POINT_push(dps, dp))
		CC_BUG("out of memory");
	dp->distpoint->type = 0; /* fullName */
	e = X509V3_EXT_i2d(NID_crl_distribution_points, 0, dps);
	CRL_DIST_POINTS_free(dps);
	return e;
}

static X509_EXTENSION *ocsp_aia(const char *url)
{
	AUTHORITY_INFO_ACCESS *aia = sk_ACCESS_DESCRIPTION_new_null();
	ACCESS_DESCRIPTION *ad = ACCESS_DESCRIPTION_new();
	X509_EXTENSION *e;

	if (!aia || !ad || !sk_ACCESS_DESCRIPTION_push(aia, ad))
		CC_BUG("out of memory");
	ASN1_OBJECT_free(ad->method);
	ad->method = OBJ_nid2obj(NID_ad_OCSP);
	GENERAL_NAME_free(ad->location);
	ad->location = uri_name(url);
	e = X509V3_EXT_i2d(NID_info_access, 0, aia);
	AUTHORITY_INFO_ACCESS_free(aia);
	return e;
}

static int urls(struct local_ca *ca, const struct cc_issuer_env *env)
{
	size_t n;
	char *u;

	if (!env || !env->base_url || !*env->base_url || !env->issuer_id || !*env->issuer_id)
		return 1;
	n = strlen(env->base_url);
	while (n && env->base_url[n - 1] == '/')
		n--;
	u = cc_xasprintf("%.*s/api/v1/crl/%s", (int)n, env->base_url, env->issuer_id);
	ca->ext_cdp = crl_dp(u);
	free(u);
	u = cc_xasprintf("%.*s/api/v1/ocsp/%s", (int)n, env->base_url, env->issuer_id);
	ca->ext_aia = ocsp_aia(u);
	free(u);
	return ca->ext_cdp && ca->ext_aia;
}

int local_ca_prepare(struct local_ca *ca, const struct cc_issuer_env *env, struct cc_err *err)
{
	BASIC_CONSTRAINTS *bc = BASIC_CONSTRAINTS_new();
	AUTHORITY_KEYID *aki = AUTHORITY_KEYID_new();
	int ok;

	if (!bc || !aki || !(aki->keyid = ASN1_OCTET_STRING_new()) ||
	    !ASN1_OCTET_STRING_set(aki->keyid, ca->ski, (int)ca->ski_len))
		CC_BUG("out of memory");
	bc->ca = 0;
	ca->ext_bc = X509V3_EXT_i2d(NID_basic_constraints, 1, bc);
	ca->ext_aki = X509V3_EXT_i2d(NID_authority_key_identifier, 0, aki);
	/* encode the CA name now so that readers never write its cache */
	ok = ca->ext_bc && ca->ext_aki && urls(ca, env) &&
	     i2d_X509_NAME(X509_get_subject_name(ca->cert), NULL) > 0 &&
	     (ca->sign_ctx = EVP_MD_CTX_new()) &&
	     EVP_DigestSignInit(ca->sign_ctx, NULL, ca->md, NULL, ca->key) == 1;
	BASIC_CONSTRAINTS_free(bc);
	AUTHORITY_KEYID_free(aki);
	return ok ? 0 : cc_err_ssl(err, CC_E_CRYPTO, "cannot prepare the leaf extensions");
}

/* ---- per leaf ---- */

enum { EKU_SERVER = 1, EKU_CLIENT = 2, EKU_CODE = 4, EKU_EMAIL = 8, EKU_TIME = 16 };

static const struct {
	const char *name;
	int nid;
	unsigned bit;
} eku_table[] = {
	{ "serverAuth", NID_server_auth, EKU_SERVER },
	{ "clientAuth", NID_client_auth, EKU_CLIENT },
	{ "codeSigning", NID_code_sign, EKU_CODE },
	{ "emailProtection", NID_email_protect, EKU_EMAIL },
	{ "timeStamping", NID_time_stamp, EKU_TIME },
};

struct leaf {
	struct cc_csr *csr;
	struct cc_csr_key key;
	char *cn; /* NULL: empty subject */
	GENERAL_NAMES *sans;
	unsigned ekus;
	time_t not_before, not_after;
};

static int eku_mask(const struct cc_issue_req *r, unsigned *mask, struct cc_err *err)
{
	*mask = 0;
	for (size_t i = 0; i < r->nekus; i++) {
		size_t k = 0;

		if (!r->ekus[i] || !*r->ekus[i])
			continue;
		while (k < CC_ARRAY_SIZE(eku_table) && strcasecmp(r->ekus[i], eku_table[k].name))
			k++;
		if (k == CC_ARRAY_SIZE(eku_table))
			return cc_err_set(
				err, CC_E_INVALID,
				"unknown extended key usage '%.64s' (use serverAuth, "
				"clientAuth, codeSigning, emailProtection or timeStamping)",
				r->ekus[i]);
		*mask |= eku_table[k].bit;
	}
	if (!*mask)
		*mask = EKU_SERVER | EKU_CLIENT; /* a TLS certificate for both ends */
	return 0;
}

static int key_policy(const struct leaf *lf, struct cc_err *err)
{
	const char *curve = lf->key.curve;

	if (!strcmp(lf->key.algorithm, "RSA") && lf->key.bits < 2048)
		return cc_err_set(err, CC_E_INVALID,
				  "csr_pem: RSA keys need at least 2048 bits (this one has %d)",
				  lf->key.bits);
	if (strcmp(lf->key.algorithm, "ECDSA") || !strcmp(curve, "prime256v1") ||
	    !strcmp(curve, "secp384r1") || !strcmp(curve, "secp521r1"))
		return 0;
	return cc_err_set(err, CC_E_INVALID,
			  "csr_pem: ECDSA curve '%s' is not supported (use P-256, P-384 or P-521)",
			  *curve ? curve : "explicit parameters");
}

/* req->common_name, else the CSR subject's last CN; NULL when neither */
static char *pick_cn(const struct cc_issue_req *r, const struct cc_csr *csr)
{
	const X509_NAME *name = cc_csr_subject(csr);
	unsigned char *utf8 = NULL;
	int i = -1, last = -1, n;
	char *cn = NULL;

	if (r->common_name && *r->common_name)
		return cc_xstrdup(r->common_name);
	while ((i = X509_NAME_get_index_by_NID(name, NID_commonName, i)) >= 0)
		last = i;
	if (last < 0)
		return NULL;
	n = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, last)));
	if (n > 0 && !memchr(utf8, '\0', (size_t)n))
		cn = cc_xstrndup((const char *)utf8, (size_t)n);
	OPENSSL_free(utf8);
	return cn;
}

/* the CSR's DNS, IP and e-mail SANs, through the same checks as the request's */
static int csr_sans(const struct cc_csr *csr, GENERAL_NAMES *out, struct cc_err *err)
{
	int bad = 0, crit = -1, rc = 0;
	STACK_OF(X509_EXTENSION) *exts = cc_csr_extensions(csr, &bad);
	GENERAL_NAMES *gens = X509V3_get_d2i(exts, NID_subject_alt_name, &crit, NULL);

	if (bad || (!gens && crit != -1))
		rc = cc_err_set(err, CC_E_INVALID, "csr_pem: unreadable subjectAltName request");
	for (int i = 0; gens && rc == 0 && i < sk_GENERAL_NAME_num(gens); i++) {
		const GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);
		char text[INET6_ADDRSTRLEN], *s = NULL;
		const ASN1_STRING *v = NULL;
		int n = 0;

		if (g->type == GEN_DNS || g->type == GEN_EMAIL || g->type == GEN_IPADD) {
			v = g->type == GEN_IPADD ? g->d.iPAddress : g->d.ia5;
			n = ASN1_STRING_length(v);
		}
		if (g->type == GEN_DNS || g->type == GEN_EMAIL) {
			if (n <= 0 || memchr(ASN1_STRING_get0_data(v), '\0', (size_t)n))
				rc = cc_err_set(err, CC_E_INVALID, "csr_pem: malformed SAN");
			else
				s = cc_xstrndup((const char *)ASN1_STRING_get0_data(v), (size_t)n);
		} else if (g->type == GEN_IPADD) {
			if ((n != 4 && n != 16) ||
			    !inet_ntop(n == 4 ? AF_INET : AF_INET6, ASN1_STRING_get0_data(v), text,
				       sizeof(text)))
				rc = cc_err_set(err, CC_E_INVALID, "csr_pem: malformed IP SAN");
			else
				s = cc_xstrdup(text);
		} /* other kinds (URI, otherName, …) are not carried over */
		if (s)
			rc = cc_x509_san_add(out, s, err);
		free(s);
	}
	GENERAL_NAMES_free(gens);
	sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
	ERR_clear_error();
	return rc;
}

static int leaf_names(const struct cc_issue_req *r, struct leaf *lf, struct cc_err *err)
{
	lf->cn = pick_cn(r, lf->csr);
	lf->sans = sk_GENERAL_NAME_new_null();
	if (!lf->sans)
		CC_BUG("out of memory");
	if (csr_sans(lf->csr, lf->sans, err) < 0)
		return -1;
	for (size_t i = 0; i < r->nsans; i++)
		if (r->sans[i] && *r->sans[i] && cc_x509_san_add(lf->sans, r->sans[i], err) < 0)
			return -1;
	/* no SAN at all: clients ignore the CN, so a host-like CN becomes the SAN */
	if (!sk_GENERAL_NAME_num(lf->sans) && lf->cn && cc_x509_san_add(lf->sans, lf->cn, NULL))
		ERR_clear_error();
	if (!lf->cn && !sk_GENERAL_NAME_num(lf->sans))
		return cc_err_set(err, CC_E_INVALID,
				  "the certificate needs a common name or a subject alternative "
				  "name");
	return 0;
}

static int validity(const struct local_ca *ca, const struct cc_issue_req *r, struct leaf *lf,
		    struct cc_err *err)
{
	int64_t now = cc_time_now() / CC_USEC_PER_SEC, ca_end = ca->not_after / CC_USEC_PER_SEC;
	int64_t end = now + ca->validity_days * DAY_S, skew = SKEW_S;

	/* MaxTTL bounds the whole validity period (NotAfter - NotBefore), the backdating
	 * included; a short TTL spends at most a tenth of itself on it */
	if (r->max_ttl_s > 0 && r->max_ttl_s < end - now + skew) {
		if (skew > r->max_ttl_s / 10)
			skew = r->max_ttl_s / 10;
		end = now - skew + r->max_ttl_s;
	}
	if (end > ca_end)
		end = ca_end; /* a leaf never outlives its CA */
	if (end <= now)
		return cc_err_set(err, CC_E_CONFIG, "the CA certificate has expired");
	lf->not_before = (time_t)(now - skew);
	lf->not_after = (time_t)end;
	return 0;
}

static int add_ext(X509 *x, int nid, int crit, void *value)
{
	return X509_add1_ext_i2d(x, nid, value, crit, X509V3_ADD_DEFAULT) == 1;
}

/* keyUsage: digitalSignature always. keyEncipherment only for TLS with an RSA key: RSA key
 * transport is the one use of it, and an EC or EdDSA key cannot encipher a key at all (TLS
 * 1.2 ECDHE uses digitalSignature). contentCommitment (nonRepudiation) for S/MIME. */
static int add_key_usage(X509 *x, const struct leaf *lf)
{
	ASN1_BIT_STRING *ku = ASN1_BIT_STRING_new();
	int rsa = !strcmp(lf->key.algorithm, "RSA");
	int ok = ku && ASN1_BIT_STRING_set_bit(ku, 0, 1);

	if (ok && rsa && (lf->ekus & (EKU_SERVER | EKU_CLIENT)))
		ok = ASN1_BIT_STRING_set_bit(ku, 2, 1);
	if (ok && (lf->ekus & EKU_EMAIL))
		ok = ASN1_BIT_STRING_set_bit(ku, 1, 1);
	ok = ok && add_ext(x, NID_key_usage, 1, ku);
	ASN1_BIT_STRING_free(ku);
	return ok;
}

static int add_eku(X509 *x, unsigned mask)
{
	EXTENDED_KEY_USAGE *eku = sk_ASN1_OBJECT_new_null();
	int ok = eku != NULL;

	for (size_t i = 0; ok && i < CC_ARRAY_SIZE(eku_table); i++)
		if (mask & eku_table[i].bit)
			ok = sk_ASN1_OBJECT_push(eku, OBJ_nid2obj(eku_table[i].nid)) > 0;
	ok = ok && add_ext(x, NID_ext_key_usage, 0, eku);
	sk_ASN1_OBJECT_free(eku); /* the objects are static */
	return ok;
}

static int add_ski(X509 *x, const EVP_MD *sha1)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	ASN1_OCTET_STRING *ski = ASN1_OCTET_STRING_new();
	int ok = ski && X509_pubkey_digest(x, sha1, md, &n) &&
		 ASN1_OCTET_STRING_set(ski, md, (int)n) &&
		 add_ext(x, NID_subject_key_identifier, 0, ski);

	ASN1_OCTET_STRING_free(ski);
	return ok;
}

static int extensions(const struct local_ca *ca, X509 *x, const struct leaf *lf)
{
	return X509_add_ext(x, ca->ext_bc, -1) && add_key_usage(x, lf) && add_eku(x, lf->ekus) &&
	       add_ski(x, ca->sha1) && X509_add_ext(x, ca->ext_aki, -1) &&
	       /* critical when the subject is empty (RFC 5280 4.2.1.6) */
	       add_ext(x, NID_subject_alt_name, lf->cn ? 0 : 1, lf->sans) &&
	       (!ca->ext_cdp || X509_add_ext(x, ca->ext_cdp, -1)) &&
	       (!ca->ext_aia || X509_add_ext(x, ca->ext_aia, -1));
}

/* a copy of the CA's signing context skips the per-call algorithm fetch */
static int sign(const struct local_ca *ca, X509 *x)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int ok;

	if (ctx && EVP_MD_CTX_copy_ex(ctx, ca->sign_ctx) == 1) {
		ok = X509_sign_ctx(x, ctx) > 0;
	} else {
		ERR_clear_error();
		ok = X509_sign(x, ca->key, ca->md) > 0;
	}
	EVP_MD_CTX_free(ctx);
	return ok;
}

static X509 *build(const struct local_ca *ca, const struct leaf *lf, char serial[41],
		   struct cc_err *err)
{
	X509 *x = X509_new();

	if (!x)
		CC_BUG("out of memory");
	if (local_ca_serial(X509_get_serialNumber(x), serial, err) < 0)
		goto fail;
	if (lf->cn && !X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN", MBSTRING_UTF8,
						  (const unsigned char *)lf->cn, -1, -1, 0)) {
		ERR_clear_error();
		cc_err_set(err, CC_E_INVALID,
			   "common name '%.64s' is not 1 to %d characters of UTF-8", lf->cn,
			   LOCAL_CA_CN_MAX);
		goto fail;
	}
	if (!X509_set_version(x, X509_VERSION_3) ||
	    !X509_set_issuer_name(x, X509_get_subject_name(ca->cert)) ||
	    !ASN1_TIME_set(X509_getm_notBefore(x), lf->not_before) ||
	    !ASN1_TIME_set(X509_getm_notAfter(x), lf->not_after) ||
	    !cc_csr_set_pubkey(lf->csr, x) || !extensions(ca, x, lf) || !sign(ca, x)) {
		cc_err_ssl(err, CC_E_CRYPTO, "cannot sign the certificate");
		goto fail;
	}
	return x;
fail:
	X509_free(x);
	return NULL;
}

int local_ca_issue(void *state, const struct cc_issue_req *req, struct cc_issue_res *res,
		   struct cc_err *err)
{
	const struct local_ca *ca = state;
	struct leaf lf = { 0 };
	char serial[41];
	unsigned char md[32];
	unsigned int mdlen = 0;
	X509 *x = NULL;
	int rc = -1;

	memset(res, 0, sizeof(*res));
	if (req->csr && req->csr_key) {
		lf.csr = (struct cc_csr *)req->csr; /* lent: not freed below */
		lf.key = *req->csr_key;
	} else if (!(lf.csr = cc_csr_read(req->csr_pem, ca->csrs, &lf.key, err))) {
		goto out;
	}
	if (key_policy(&lf, err) < 0 || eku_mask(req, &lf.ekus, err) < 0 ||
	    leaf_names(req, &lf, err) < 0 || validity(ca, req, &lf, err) < 0 ||
	    !(x = build(ca, &lf, serial, err)))
		goto out;
	if (!(res->cert_pem = cc_x509_pem(x))) {
		cc_err_ssl(err, CC_E_CRYPTO, "cannot encode the certificate");
		goto out;
	}
	if (!X509_digest(x, EVP_sha256(), md, &mdlen) || mdlen != 32) {
		cc_err_ssl(err, CC_E_CRYPTO, "cannot hash the certificate");
		goto out;
	}
	cc_hex_encode(md, 32, res->fingerprint_sha256);
	res->chain_pem = cc_xstrdup(ca->chain_pem);
	res->serial = cc_xstrdup(serial);
	res->not_before = (int64_t)lf.not_before * CC_USEC_PER_SEC;
	res->not_after = (int64_t)lf.not_after * CC_USEC_PER_SEC;
	res->order_id = cc_xasprintf("local-%s", serial);
	rc = 0;
out:
	X509_free(x);
	if (lf.csr != req->csr)
		cc_csr_free(lf.csr);
	GENERAL_NAMES_free(lf.sans);
	free(lf.cn);
	return rc;
}
