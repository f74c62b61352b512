/* csr.h: private key and PKCS#10 request generation (agent keygen and server keygen), and the
 * CSR parsers shared by the API and the issuers */
#ifndef CC_CSR_H
#define CC_CSR_H

#include <stddef.h>
#include <openssl/x509.h> /* X509_REQ */

struct cc_err;

#define CC_CSR_PEM_MAX (64 * 1024)
#define CC_CSR_RSA_MAX_BITS 16384

/* key_type: "ECDSA-P256" (also when NULL or ""), "ECDSA-P384", "RSA-2048", "RSA-3072",
 * "RSA-4096", "Ed25519". The subject is CN=common_name; each SAN is classified: an IP
 * address (v4 or v6) → IP SAN, one holding '@' → e-mail SAN, anything else → DNS SAN.
 * *key_pem gets a PKCS#8 "PRIVATE KEY" PEM and *csr_pem a "CERTIFICATE REQUEST" PEM,
 * both malloc'd. CC_E_INVALID for an unknown key type or an empty common name */
int cc_csr_generate(const char *key_type, const char *common_name, const char *const *sans,
		    size_t nsans, char **key_pem, char **csr_pem, struct cc_err *err);

/* what a request's public key is */
struct cc_csr_key {
	const char *algorithm; /* "RSA", "ECDSA" or "Ed25519" (static) */
	int bits;	       /* modulus bits, curve bits, 256 for Ed25519 */
	char curve[24];	       /* ECDSA: OpenSSL's group name ("prime256v1"), else "" */
};

struct cc_csr;

/* cc_csr_generate for server keygen, which hands the request straight to an issuer: also
 * *csr, the request as cc_csr_read gives it, and *csr_key, its key's facts. The request is
 * this process's own, so its signature is not checked again. */
int cc_csr_generate_own(const char *key_type, const char *common_name, const char *const *sans,
			size_t nsans, char **key_pem, char **csr_pem, struct cc_csr **csr,
			struct cc_csr_key *csr_key, struct cc_err *err);
/* the facts of a supported key (CC_E_INVALID for another type, or RSA over
 * CC_CSR_RSA_MAX_BITS; messages start with "csr_pem") */
int cc_csr_key_facts(EVP_PKEY *pk, struct cc_csr_key *out, struct cc_err *err);

/* exactly one PEM "CERTIFICATE REQUEST" block (at most CC_CSR_PEM_MAX bytes, blanks around
 * it allowed) holding an RSA (at most CC_CSR_RSA_MAX_BITS), ECDSA or Ed25519 key whose
 * self-signature verifies. Messages start with "csr_pem". NULL with CC_E_INVALID otherwise;
 * key may be NULL */
X509_REQ *cc_csr_parse(const char *pem, struct cc_csr_key *key, struct cc_err *err);

/* ---- the same checks for an issuer's hot path ----
 * OpenSSL 3.0 decodes every public key in a parsed X509_REQ through its provider decoders
 * (~100 µs) and re-encodes it in X509_set_pubkey (~170 µs); a struct cc_csr keeps the key
 * bits as they came. With a cache, a request whose exact DER already verified is not
 * verified again (the ECDSA verification is most of the cost of signing a leaf). */
struct cc_csr_cache;

/* a bounded memory of verified requests (SHA-256 of the DER → key facts); thread-safe */
struct cc_csr_cache *cc_csr_cache_new(void);
void cc_csr_cache_free(struct cc_csr_cache *cache);
/* cc_csr_parse's checks and messages; cache may be NULL */
struct cc_csr *cc_csr_read(const char *pem, struct cc_csr_cache *cache, struct cc_csr_key *key,
			   struct cc_err *err);
/* DER this process encoded itself (cc_csr_generate_own): read, signature not checked; NULL
 * when unreadable */
struct cc_csr *cc_csr_own_der(const unsigned char *der, long len);
void cc_csr_free(struct cc_csr *csr);
const X509_NAME *cc_csr_subject(const struct cc_csr *csr);
/* the extension request: a new stack (free with sk_X509_EXTENSION_pop_free), NULL when the
 * request has none; *bad set when it is unreadable */
STACK_OF(X509_EXTENSION) * cc_csr_extensions(const struct cc_csr *csr, int *bad);
/* x's SubjectPublicKeyInfo becomes the request's, byte for byte */
int cc_csr_set_pubkey(const struct cc_csr *csr, X509 *x);

#endif
