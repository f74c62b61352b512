/* csr-parse.c: reading PKCS#10 requests — one PEM block, a supported key, a verified
 * self-signature — as an X509_REQ (cc_csr_parse, for the API) or as a struct cc_csr that
 * skips OpenSSL 3.0's slow public-key decoders (cc_csr_read, for issuers) */
#include <ctype.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/asn1t.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include "libcc/csr.h"
#include "libcc/err.h"
#include "libcc/mem.h"
#include "libcc/banned.h"

/* RFC 2986 with SubjectPublicKeyInfo kept as bytes (OpenSSL's macros need typedefs) */
typedef struct {
	X509_ALGOR *algor;
	ASN1_BIT_STRING *public_key;
} CC_SPKI;

ASN1_SEQUENCE(CC_SPKI) = {
	ASN1_SIMPLE(CC_SPKI, algor, X509_ALGOR),
	ASN1_SIMPLE(CC_SPKI, public_key, ASN1_BIT_STRING),
} static_ASN1_SEQUENCE_END(CC_SPKI)

typedef struct {
	ASN1_ENCODING enc; /* the signed bytes, as received */
	ASN1_INTEGER *version;
	X509_NAME *subject;
	CC_SPKI *spki;
	STACK_OF(X509_ATTRIBUTE) * attributes;
} CC_REQ_INFO;

ASN1_SEQUENCE_enc(CC_REQ_INFO, enc, NULL) = {
	ASN1_SIMPLE(CC_REQ_INFO, version, ASN1_INTEGER),
	ASN1_SIMPLE(CC_REQ_INFO, subject, X509_NAME),
	ASN1_SIMPLE(CC_REQ_INFO, spki, CC_SPKI),
	ASN1_IMP_SET_OF_OPT(CC_REQ_INFO, attributes, X509_ATTRIBUTE, 0),
} static_ASN1_SEQUENCE_END_ref(CC_REQ_INFO, CC_REQ_INFO)

typedef struct {
	CC_REQ_INFO *info;
	X509_ALGOR *sig_alg;
	ASN1_BIT_STRING *signature;
} CC_REQ;

ASN1_SEQUENCE(CC_REQ) = {
	ASN1_SIMPLE(CC_REQ, info, CC_REQ_INFO),
	ASN1_SIMPLE(CC_REQ, sig_alg, X509_ALGOR),
	ASN1_SIMPLE(CC_REQ, signature, ASN1_BIT_STRING),
} static_ASN1_SEQUENCE_END(CC_REQ)

struct cc_csr {
	CC_REQ *req;
};

#define CACHE_SLOTS 1024 /* direct-mapped by hash: no bookkeeping */

static const char *const curves[] = { "prime256v1", "secp384r1", "secp521r1" };

struct cc_csr_cache {
	pthread_mutex_t lock;
	EVP_MD *sha256;
	/* domain parameters only: a copy plus the point is 4× cheaper than EVP_PKEY_fromdata */
	EVP_PKEY *curve[3];
	struct {
		unsigned char hash[32];
		struct cc_csr_key key;
		bool used;
	} slot[CACHE_SLOTS];
};

static int only_space(const char *p, long n)
{
	for (long i = 0; i < n; i++)
		if (!isspace((unsigned char)p[i]))
			return 0;
	return 1;
}

/* the DER inside the one PEM block of pem (OPENSSL_free it) */
static unsigned char *pem_der(const char *pem, long *len, struct cc_err *err)
{
	static const char begin[] = "-----BEGIN CERTIFICATE REQUEST-----",
			  begin_new[] = "-----BEGIN NEW CERTIFICATE REQUEST-----";
	char *name = NULL, *header = NULL, *rest;
	unsigned char *der = NULL;
	const char *p = pem;
	BIO *b = NULL;
	size_t n;
	long left;

	if (!pem || (n = strnlen(pem, CC_CSR_PEM_MAX + 1)) > CC_CSR_PEM_MAX) {
		if (pem)
			cc_err_set(err, CC_E_INVALID, "csr_pem: larger than %d bytes",
				   CC_CSR_PEM_MAX);
		else
			cc_err_set(err, CC_E_INVALID, "csr_pem is required");
		return NULL;
	}
	while (isspace((unsigned char)*p))
		p++;
	n -= (size_t)(p - pem);
	if (strncmp(p, begin, strlen(begin)) && strncmp(p, begin_new, strlen(begin_new))) {
		cc_err_set(err, CC_E_INVALID,
			   "csr_pem must be a valid PEM-encoded certificate request");
		return NULL;
	}
	b = BIO_new_mem_buf(p, (int)n);
	if (!b || !PEM_read_bio(b, &name, &header, &der, len) || *header) {
		cc_err_set(err, CC_E_INVALID, "csr_pem: not a readable PKCS#10 request");
		goto fail;
	}
	left = BIO_get_mem_data(b, &rest);
	if (!only_space(rest, left)) {
		cc_err_set(err, CC_E_INVALID, "csr_pem: only one PEM block is allowed");
		goto fail;
	}
	OPENSSL_free(name);
	OPENSSL_free(header);
	BIO_free(b);
	return der;
fail:
	ERR_clear_error();
	OPENSSL_free(name);
	OPENSSL_free(header);
	OPENSSL_free(der);
	BIO_free(b);
	return NULL;
}

int cc_csr_key_facts(EVP_PKEY *pk, struct cc_csr_key *out, struct cc_err *err)
{
	if (!pk)
		return cc_err_set(err, CC_E_INVALID, "csr_pem: the public key cannot be read");
	out->bits = EVP_PKEY_get_bits(pk);
	switch (EVP_PKEY_get_base_id(pk)) {
	case EVP_PKEY_RSA:
		out->algorithm = "RSA";
		if (out->bits > CC_CSR_RSA_MAX_BITS)
			return cc_err_set(err, CC_E_INVALID,
					  "csr_pem: RSA keys over %d bits are refused",
					  CC_CSR_RSA_MAX_BITS);
		return 0;
	case EVP_PKEY_EC:
		out->algorithm = "ECDSA";
		if (!EVP_PKEY_get_group_name(pk, out->curve, sizeof(out->curve), NULL))
			out->curve[0] = '\0'; /* explicit parameters */
		return 0;
	case EVP_PKEY_ED25519:
		out->algorithm = "Ed25519";
		out->bits = 256;
		return 0;
	default:
		return cc_err_set(err, CC_E_INVALID,
				  "csr_pem: unsupported key type (use RSA, ECDSA or Ed25519)");
	}
}

X509_REQ *cc_csr_parse(const char *pem, struct cc_csr_key *key, struct cc_err *err)
{
	struct cc_csr_key k = { 0 };
	long len = 0;
	unsigned char *der = pem_der(pem, &len, err);
	const unsigned char *p = der;
	X509_REQ *req = der ? d2i_X509_REQ(NULL, &p, len) : NULL;

	if (der && (!req || p != der + len)) {
		cc_err_set(err, CC_E_INVALID, "csr_pem: not a readable PKCS#10 request");
		goto fail;
	}
	if (!req || cc_csr_key_facts(X509_REQ_get0_pubkey(req), &k, err) < 0)
		goto fail;
	if (X509_REQ_verify(req, X509_REQ_get0_pubkey(req)) != 1) {
		cc_err_set(err, CC_E_INVALID, "csr_pem: the signature does not verify");
		goto fail;
	}
	if (key)
		*key = k;
	OPENSSL_free(der);
	return req;
fail:
	ERR_clear_error();
	X509_REQ_free(req);
	OPENSSL_free(der);
	return NULL;
}

/* ---- struct cc_csr ---- */

static EVP_PKEY *ec_fromdata(const char *curve, const unsigned char *pt, size_t n, int what)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
	OSSL_PARAM params[3];
	EVP_PKEY *pk = NULL;

	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, (char *)curve, 0);
	params[1] = pt ? OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, (void *)pt, n)
		       : OSSL_PARAM_construct_end();
	params[2] = OSSL_PARAM_construct_end();
	if (ctx && EVP_PKEY_fromdata_init(ctx) == 1)
		EVP_PKEY_fromdata(ctx, &pk, what, params);
	EVP_PKEY_CTX_free(ctx);
	return pk;
}

static EVP_PKEY *ec_key(const struct cc_csr_cache *c, const char *curve, const unsigned char *pt,
			size_t n)
{
	EVP_PKEY *pk;

	for (size_t i = 0; c && i < CC_ARRAY_SIZE(curves); i++) {
		if (strcmp(curve, curves[i]) || !c->curve[i])
			continue;
		pk = EVP_PKEY_dup(c->curve[i]);
		if (pk && EVP_PKEY_set1_encoded_public_key(pk, pt, n) == 1)
			return pk;
		EVP_PKEY_free(pk);
		return NULL;
	}
	return ec_fromdata(curve, pt, n, EVP_PKEY_PUBLIC_KEY);
}

/* named-curve EC and Ed25519 directly; anything else through the generic decoder */
static EVP_PKEY *spki_key(const struct cc_csr_cache *c, const CC_SPKI *spki)
{
	const ASN1_OBJECT *alg;
	const void *pval;
	const unsigned char *data = ASN1_STRING_get0_data(spki->public_key), *p;
	size_t n = (size_t)ASN1_STRING_length(spki->public_key);
	unsigned char *der = NULL;
	EVP_PKEY *pk = NULL;
	int ptype, len;

	X509_ALGOR_get0(&alg, &ptype, &pval, spki->algor);
	if (OBJ_obj2nid(alg) == NID_X9_62_id_ecPublicKey && ptype == V_ASN1_OBJECT &&
	    OBJ_obj2nid(pval) != NID_undef)
		return ec_key(c, OBJ_nid2sn(OBJ_obj2nid(pval)), data, n);
	if (OBJ_obj2nid(alg) == NID_ED25519 && ptype == V_ASN1_UNDEF)
		return EVP_PKEY_new_raw_public_key_ex(NULL, "ED25519", NULL, data, n);
	len = ASN1_item_i2d((const ASN1_VALUE *)spki, &der, ASN1_ITEM_rptr(CC_SPKI));
	p = der;
	if (len > 0)
		pk = d2i_PUBKEY(NULL, &p, len);
	OPENSSL_free(der);
	return pk;
}

struct cc_csr_cache *cc_csr_cache_new(void)
{
	struct cc_csr_cache *c = cc_xcalloc(1, sizeof(*c));

	pthread_mutex_init(&c->lock, NULL);
	if (!(c->sha256 = EVP_MD_fetch(NULL, "SHA256", NULL)))
		CC_BUG("SHA-256 is unavailable");
	for (size_t i = 0; i < CC_ARRAY_SIZE(curves); i++)
		c->curve[i] = ec_fromdata(curves[i], NULL, 0, EVP_PKEY_KEY_PARAMETERS);
	ERR_clear_error();
	return c;
}

void cc_csr_cache_free(struct cc_csr_cache *c)
{
	if (!c)
		return;
	pthread_mutex_destroy(&c->lock);
	EVP_MD_free(c->sha256);
	for (size_t i = 0; i < CC_ARRAY_SIZE(curves); i++)
		EVP_PKEY_free(c->curve[i]);
	free(c);
}

static bool cache_get(struct cc_csr_cache *c, const unsigned char *der, long len,
		      unsigned char hash[32], struct cc_csr_key *key)
{
	unsigned int n = 0;
	size_t i;
	bool hit;

	if (!EVP_Digest(der, (size_t)len, hash, &n, c->sha256, NULL) || n != 32)
		CC_BUG("SHA-256 failed");
	i = ((size_t)hash[0] << 8 | hash[1]) % CACHE_SLOTS;
	pthread_mutex_lock(&c->lock);
	hit = c->slot[i].used && !memcmp(c->slot[i].hash, hash, 32);
	if (hit)
		*key = c->slot[i].key;
	pthread_mutex_unlock(&c->lock);
	return hit;
}

static void cache_put(struct cc_csr_cache *c, const unsigned char hash[32],
		      const struct cc_csr_key *key)
{
	size_t i = ((size_t)hash[0] << 8 | hash[1]) % CACHE_SLOTS;

	pthread_mutex_lock(&c->lock);
	memcpy(c->slot[i].hash, hash, 32);
	c->slot[i].key = *key;
	c->slot[i].used = true;
	pthread_mutex_unlock(&c->lock);
}

/* key facts and a verified signature, for a request not in the cache */
static int verify(const struct cc_csr_cache *c, const CC_REQ *req, struct cc_csr_key *k,
		  struct cc_err *err)
{
	EVP_PKEY *pk = spki_key(c, req->info->spki);
	int rc = cc_csr_key_facts(pk, k, err);

	if (rc == 0 && ASN1_item_verify_ex(ASN1_ITEM_rptr(CC_REQ_INFO), req->sig_alg,
					   req->signature, req->info, NULL, pk, NULL, NULL) != 1)
		rc = cc_err_set(err, CC_E_INVALID, "csr_pem: the signature does not verify");
	EVP_PKEY_free(pk);
	return rc;
}

struct cc_csr *cc_csr_read(const char *pem, struct cc_csr_cache *cache, struct cc_csr_key *key,
			   struct cc_err *err)
{
	struct cc_csr *csr = cc_xcalloc(1, sizeof(*csr));
	struct cc_csr_key k = { 0 };
	unsigned char hash[32];
	long len = 0;
	unsigned char *der = pem_der(pem, &len, err);
	const unsigned char *p = der;

	if (!der)
		goto fail;
	csr->req = (CC_REQ *)ASN1_item_d2i(NULL, &p, len, ASN1_ITEM_rptr(CC_REQ));
	if (!csr->req || p != der + len) {
		cc_err_set(err, CC_E_INVALID, "csr_pem: not a readable PKCS#10 request");
		goto fail;
	}
	if (!cache || !cache_get(cache, der, len, hash, &k)) {
		if (verify(cache, csr->req, &k, err) < 0)
			goto fail;
		if (cache)
			cache_put(cache, hash, &k);
	}
	if (key)
		*key = k;
	OPENSSL_free(der);
	return csr;
fail:
	ERR_clear_error();
	OPENSSL_free(der);
	cc_csr_free(csr);
	return NULL;
}

struct cc_csr *cc_csr_own_der(const unsigned char *der, long len)
{
	const unsigned char *p = der;
	struct cc_csr *csr = cc_xcalloc(1, sizeof(*csr));

	csr->req = (CC_REQ *)ASN1_item_d2i(NULL, &p, len, ASN1_ITEM_rptr(CC_REQ));
	if (!csr->req || p != der + len) {
		ERR_clear_error();
		cc_csr_free(csr);
		return NULL;
	}
	return csr;
}

void cc_csr_free(struct cc_csr *csr)
{
	if (!csr)
		return;
	ASN1_item_free((ASN1_VALUE *)csr->req, ASN1_ITEM_rptr(CC_REQ));
	free(csr);
}

const X509_NAME *cc_csr_subject(const struct cc_csr *csr)
{
	return csr->req->info->subject;
}

STACK_OF(X509_EXTENSION) * cc_csr_extensions(const struct cc_csr *csr, int *bad)
{
	STACK_OF(X509_ATTRIBUTE) *attrs = csr->req->info->attributes;

	*bad = 0;
	for (int i = 0; i < sk_X509_ATTRIBUTE_num(attrs); i++) {
		X509_ATTRIBUTE *a = sk_X509_ATTRIBUTE_value(attrs, i);
		int nid = OBJ_obj2nid(X509_ATTRIBUTE_get0_object(a));
		ASN1_TYPE *t;
		const unsigned char *p;
		STACK_OF(X509_EXTENSION) * exts;

		if (nid != NID_ext_req && nid != NID_ms_ext_req)
			continue;
		t = X509_ATTRIBUTE_get0_type(a, 0);
		if (!t || t->type != V_ASN1_SEQUENCE) {
			*bad = -1;
			return NULL;
		}
		p = t->value.sequence->data;
		exts = (STACK_OF(X509_EXTENSION) *)ASN1_item_d2i(
			NULL, &p, t->value.sequence->length, ASN1_ITEM_rptr(X509_EXTENSIONS));
		if (!exts) {
			ERR_clear_error();
			*bad = -1;
		}
		return exts;
	}
	return NULL;
}

int cc_csr_set_pubkey(const struct cc_csr *csr, X509 *x)
{
	const CC_SPKI *spki = csr->req->info->spki;
	X509_PUBKEY *xp = X509_get_X509_PUBKEY(x);
	const unsigned char *bits = ASN1_STRING_get0_data(spki->public_key);
	int n = ASN1_STRING_length(spki->public_key);
	unsigned char *copy = n > 0 ? OPENSSL_memdup(bits, (size_t)n) : NULL;
	X509_ALGOR *alg = NULL;

	if (!xp || !copy ||
	    !X509_PUBKEY_set0_param(xp, OBJ_nid2obj(NID_undef), V_ASN1_UNDEF, NULL, copy, n)) {
		OPENSSL_free(copy);
		return 0;
	}
	/* the algorithm and its parameters, copied whole */
	return X509_PUBKEY_get0_param(NULL, NULL, NULL, &alg, xp) &&
	       X509_ALGOR_copy(alg, spki->algor);
}
