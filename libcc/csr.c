/* csr.c: key and PKCS#10 request generation (agent keygen and server keygen); parsing lives
 * in csr-parse.c */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <openssl/evp.h>
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
} key_types[] = {
	{ "ECDSA-P256", "EC", "P-256", 0 }, { "ECDSA-P384", "EC", "P-384", 0 },
	{ "RSA-2048", "RSA", NULL, 2048 },  { "RSA-3072", "RSA", NULL, 3072 },
	{ "RSA-4096", "RSA", NULL, 4096 },  { "Ed25519", "ED25519", NULL, 0 },
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

static X509_REQ *make_req(EVP_PKEY *key, const char *cn, const char *const *sans, size_t nsans,
			  struct cc_err *err)
{
	X509_REQ *req = X509_REQ_new();
	const EVP_MD *md = EVP_PKEY_get_base_id(key) == EVP_PKEY_ED25519 ? NULL : EVP_sha256();

	if (!req || !X509_REQ_set_version(req, X509_REQ_VERSION_1) ||
	    !X509_NAME_add_entry_by_txt(X509_REQ_get_subject_name(req), "CN", MBSTRING_UTF8,
					(const unsigned char *)cn, -1, -1, 0) ||
	    !X509_REQ_set_pubkey(req, key)) {
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

int cc_csr_generate(const char *key_type, const char *common_name, const char *const *sans,
		    size_t nsans, char **key_pem, char **csr_pem, struct cc_err *err)
{
	const struct key_type *kt = find_key_type(key_type);
	EVP_PKEY *key = NULL;
	X509_REQ *req = NULL;
	BIO *b = NULL;
	int rc = -1;

	*key_pem = *csr_pem = NULL;
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
	if (!(req = make_req(key, common_name, sans, nsans, err)))
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
	}
	X509_REQ_free(req);
	EVP_PKEY_free(key);
	return rc;
}
