/* x509.h: what certctl reads out of a certificate (discovery, versions, verification), and
 * the small OpenSSL helpers shared by csr.c and the issuers */
#ifndef CC_X509_H
#define CC_X509_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <openssl/types.h>
#include "libcc/strv.h"

struct cc_err;
struct stack_st_GENERAL_NAME;

struct cc_cert_info {
	char fingerprint_sha256[65]; /* lower-case hex of SHA-256 over the DER */
	char serial_hex[96];	     /* lower-case hex, no padding, no separators */
	char *common_name;	     /* "" when the subject has none */
	struct cc_strv sans;	     /* DNS names, then IP addresses, then e-mail addresses */
	char *subject_dn;	     /* RFC 4514 ("CN=a,O=b") */
	char *issuer_dn;
	int64_t not_before; /* µs since the epoch */
	int64_t not_after;
	char key_algorithm[16]; /* "ECDSA", "RSA", "Ed25519", or OpenSSL's name */
	int key_size;		/* curve bits, modulus bits, 256 for Ed25519, 0 unknown */
	bool is_ca;
	char *pem; /* the certificate re-encoded as one PEM block */
};

/* the first CERTIFICATE block of pem (len bytes, need not be NUL-terminated) */
int cc_cert_info_from_pem(const char *pem, size_t len, struct cc_cert_info *out,
			  struct cc_err *err);
int cc_cert_info_from_der(const unsigned char *der, size_t len, struct cc_cert_info *out,
			  struct cc_err *err);
void cc_cert_info_release(struct cc_cert_info *ci);
/* SHA-256 fingerprint (lower hex) of the first certificate in pem; -1 when none */
int cc_cert_fingerprint_pem(const char *pem, char out[65], struct cc_err *err);

/* ---- helpers over OpenSSL objects ---- */

/* the memory BIO's contents as a new string (NULL when !ok or empty); frees the BIO (NULL
 * is fine) */
char *cc_x509_bio_take(BIO *b, int ok);
/* x as one PEM block (malloc'd); NULL when it cannot be encoded */
char *cc_x509_pem(const X509 *x);
/* RFC 4514 text of a name, UTF-8 left unescaped (malloc'd); NULL on failure */
char *cc_x509_dn(const X509_NAME *name);
/* ASN.1 time → µs since the epoch; 0 when unreadable */
int64_t cc_x509_time(const ASN1_TIME *t);

enum cc_san_kind { CC_SAN_DNS, CC_SAN_IP, CC_SAN_EMAIL };
/* an IP address (v4 or v6: *iplen 4 or 16 bytes in ip) → IP, holding '@' → e-mail, anything
 * else → DNS */
enum cc_san_kind cc_x509_san_kind(const char *s, unsigned char ip[16], int *iplen);
/* classifies value and appends it to gens unless already there. DNS names are lower-cased and
 * must be [A-Za-z0-9._-] labels with an optional leading "*." (253 bytes at most); e-mail
 * addresses printable ASCII "local@domain". CC_E_INVALID naming the value otherwise */
int cc_x509_san_add(struct stack_st_GENERAL_NAME *gens, const char *value, struct cc_err *err);

#endif
