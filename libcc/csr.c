/* csr.c: key and PKCS#10 request generation (agent keygen and server keygen); parsing lives
 * in csr-parse.c */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include "libcc/csr.h"
#include "libcc/err.h"
#include "libcc/mem.h"
#include "libcc/x509.h"
#include "libcc/banned.h"

#define CN_MAX 64 /* ub-common-name (RFC 5280) */

static const struct key_type {
	const char *name;
	const char *alg; /* EVP_PKEY_Q_keygen type */
	const char *curve;
	size_t bits;
	int curve_nid; /* EC: the named curve of the SubjectPublicKeyInfo */
} key_types[] = {
	{ "ECDSA-P256", "EC", "P-256", 0, NID_X9_62_prime256v1 },
	{ "ECDSA-P384", "EC", "P-384", 0, NID_secp384r1 },
	{ "RSA-2048", "RSA", NULL, 2048, NID_undef },
	{ "RSA-3072", "RSA", NULL, 3072, NID_undef },
	{ "RSA-4096", "RSA", NULL, 4096, NID_undef },
	{ "Ed25519", "ED25519", NULL, 0, NID_undef },
};

static const struct key_type *find_key_type(const char *name)
{
	if (!name || !*name)
		return &key_types[0];
	for (size_t i = 0; i < CC_ARRAY_SIZE(key_types); i++)
		if (!strcasecmp(name, key_types[i].name))
			return &key_types[i];
	return NULL;
}

static EVP_PKEY *keygen(const struct key_type *kt)
{
	if (kt->curve)
		return EVP_PKEY_Q_keygen(NULL, NULL, kt->alg, kt->curve);
	if (kt->bits)
		return EVP_PKEY_Q_keygen(NULL, NULL, kt->alg, kt->bits);
	return EVP_PKEY_Q_keygen(NULL, NULL, kt->alg);
}

static int add_sans(X509_REQ *req, const char *const *sans, size_t nsans, struct cc_err *err)
{
	GENERAL_NAMES *gens = sk_GENERAL_NAME_new_null();
	STACK_OF(X509_EXTENSION) *exts = NULL;
	int rc = -1;

	if (!gens)
		CC_BUG("out of memory");
	for (size_t i = 0; i < nsans; i++)
		if (cc_x509_san_add(gens, sans[i], err) < 0)
			goto out;
	if (!sk_GENERAL_NAME_num(gens)) {
		rc = 0;
		goto out;
	}
	if (!X509V3_add1_i2d(&exts, NID_subject_alt_name, gens, 0, X509V3_ADD_DEFAULT) ||
	    !X509_REQ_add_extensions(req, exts)) {
		cc_err_ssl(err, CC_E_CRYPTO, "cannot add the subjectAltName request");
		goto out;
	}
	rc = 0;
out:
	sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
	GENERAL_NAMES_free(gens);
	return rc;
}

/* The request's SubjectPublicKeyInfo. X509_REQ_set_pubkey has OpenSSL 3.0's provider
 * encoders write the key and its decoders read it back: 600 µs, a quarter of a server-keygen
 * issuance. An EC key's SubjectPublicKeyInfo is its curve and its encoded point, so those
 * are set as they are; RSA and Ed25519 keep the general path (RSA key generation costs a
 * hundred times more; Ed25519 has no encoded-point form in 3.0). */
static int set_pubkey(X509_REQ *req, EVP_PKEY *key, const struct key_type *kt)
{
	X509_PUBKEY *xp = X509_REQ_get_X509_PUBKEY(req);
	unsigned char *point = NULL;
	size_t n;

	if (kt->curve_nid == NID_undef)
		return X509_REQ_set_pubkey(req, key);
	n = EVP_PKEY_get1_encoded_public_key(key, &point);
	if (!xp || !n || n > INT_MAX ||
	    !X509_PUBKEY_set0_param(xp, OBJ_nid2obj(NID_X9_62_id_ecPublicKey), V_ASN1_OBJECT,
				    OBJ_nid2obj(kt->curve_nid), point, (int)n)) {
		OPENSSL_free(point);
		return 0;
	}
	return 1;
}

static X509_REQ *make_req(EVP_PKEY *key, const struct key_type *kt, const char *cn,
			  const char *const *sans, size_t nsans, struct cc_err *err)
{
	X509_REQ *req = X509_REQ_new();
	const EVP_MD *md = EVP_PKEY_get_base_id(key) == EVP_PKEY_ED25519 ? NULL : EVP_sha256();

	if (!req || !X509_REQ_set_version(req, X509_REQ_VERSION_1) ||
	    !X509_NAME_add_entry_by_txt(X509_REQ_get_subject_name(req), "CN", MBSTRING_UTF8,
					(const unsigned char *)cn, -1, -1, 0) ||
	    !set_pubkey(req, key, kt)) {
		cc_err_ssl(err, CC_E_CRYPTO, "cannot build the certificate request");
		goto fail;
	}
	if (add_sans(req, sans, nsans, err) < 0)
		goto fail;
	if (!X509_REQ_sign(req, key, md)) {
		cc_err_ssl(err, CC_E_CRYPTO, "cannot sign the certificate request");
		goto fail;
	}
	return req;
fail:
	X509_REQ_free(req);
	return NULL;
}

/* the request as an issuer reads it, and its key's facts */
static int own_csr(X509_REQ *req, EVP_PKEY *key, struct cc_csr **csr, struct cc_csr_key *k,
		   struct cc_err *err)
{
	unsigned char *der = NULL;
	int n = i2d_X509_REQ(req, &der);

	*csr = n > 0 ? cc_csr_own_der(der, n) : NULL;
	OPENSSL_free(der);
	if (!*csr)
		return cc_err_ssl(err, CC_E_CRYPTO, "cannot encode the request");
	if (cc_csr_key_facts(key, k, err) < 0) {
		cc_csr_free(*csr);
		*csr = NULL;
		return -1;
	}
	return 0;
}

int cc_csr_generate(const char *key_type, const char *common_name, const char *const *sans,
		    size_t nsans, char **key_pem, char **csr_pem, struct cc_err *err)
{
	return cc_csr_generate_own(key_type, common_name, sans, nsans, key_pem, csr_pem, NULL, NULL,
				   err);
}

int cc_csr_generate_own(const char *key_type, const char *common_name, const char *const *sans,
			size_t nsans, char **key_pem, char **csr_pem, struct cc_csr **csr,
			struct cc_csr_key *csr_key, struct cc_err *err)
{
	const struct key_type *kt = find_key_type(key_type);
	EVP_PKEY *key = NULL;
	X509_REQ *req = NULL;
	BIO *b = NULL;
	int rc = -1;

	*key_pem = *csr_pem = NULL;
	if (csr)
		*csr = NULL;
	if (!kt)
		return cc_err_set(err, CC_E_INVALID,
				  "unknown key type '%s' (use ECDSA-P256, ECDSA-P384, RSA-2048, "
				  "RSA-3072, RSA-4096 or Ed25519)",
				  key_type);
	if (!common_name || !*common_name)
		return cc_err_set(err, CC_E_INVALID, "the common name is empty");
	if (strlen(common_name) > CN_MAX)
		return cc_err_set(err, CC_E_INVALID, "common name '%.64s…' is longer than %d bytes",
				  common_name, CN_MAX);
	if (!(key = keygen(kt))) {
		cc_err_ssl(err, CC_E_CRYPTO, "cannot generate the key");
		goto out;
	}
	if (!(req = make_req(key, kt, common_name, sans, nsans, err)) ||
	    (csr && own_csr(req, key, csr, csr_key, err) < 0))
		goto out;
	b = BIO_new(BIO_s_mem());
	*csr_pem = cc_x509_bio_take(b, b && PEM_write_bio_X509_REQ(b, req));
	/* secure memory BIO: cleared when freed */
	b = BIO_new(BIO_s_secmem());
	*key_pem = cc_x509_bio_take(
		b, b && PEM_write_bio_PrivateKey(b, key, NULL, NULL, 0, NULL, NULL));
	if (!*csr_pem || !*key_pem) {
		cc_err_ssl(err, CC_E_CRYPTO, "cannot encode the key or request");
		goto out;
	}
	rc = 0;
out:
	if (rc < 0) {
		if (*key_pem)
			OPENSSL_cleanse(*key_pem, strlen(*key_pem));
		cc_freep(key_pem);
		cc_freep(csr_pem);
		if (csr) {
			cc_csr_free(*csr);
			*csr = NULL;
		}
	}
	X509_REQ_free(req);
	EVP_PKEY_free(key);
	return rc;
}
