/* seed-x509.h: real certificates for the demo data set (demo CA, leaves, CSRs); seed.c only */
#ifndef CC_SEED_X509_H
#define CC_SEED_X509_H

#include <stdint.h>
#include "libcc/hash.h"
#include "libcc/strv.h"

struct cc_err;
struct cc_seed_ca;

/* leaf flags */
#define CC_SEED_SMIME 1u  /* extendedKeyUsage emailProtection instead of serverAuth */
#define CC_SEED_CLIENT 2u /* serverAuth + clientAuth (mTLS) */
#define CC_SEED_IS_CA 4u  /* self-signed CA certificate (a stray root found by discovery) */

struct cc_seed_leaf {
	char *pem;			 /* the leaf alone */
	char *chain_pem;		 /* leaf PEM + CA PEM (the leaf alone when self-signed) */
	char *csr_pem;			 /* a CSR for the leaf key; the key itself is never kept */
	char *subject_dn, *issuer_dn;	 /* RFC 2253: CN=…,O=… */
	char serial[64];		 /* upper-case hex, no separators */
	char fingerprint[CC_SHA256_HEX]; /* lower-case hex SHA-256 of the leaf DER */
};

/* ECDSA P-256 self-signed "certctl demo CA", valid from now - 2 years for 10 years */
struct cc_seed_ca *cc_seed_x509_ca_new(int64_t now, struct cc_err *err);
void cc_seed_x509_ca_free(struct cc_seed_ca *ca);
/* signs an ECDSA P-256 leaf for cn and sans (DNS, IP or e-mail, told apart by their shape)
 * valid [not_before, not_after] (µs); ca NULL: self-signed */
int cc_seed_x509_leaf(const struct cc_seed_ca *ca, const char *cn, const struct cc_strv *sans,
		      int64_t not_before, int64_t not_after, unsigned flags,
		      struct cc_seed_leaf *out, struct cc_err *err);
void cc_seed_x509_leaf_release(struct cc_seed_leaf *l);

#endif
