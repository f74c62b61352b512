/* cert-bundle.h: certificates out of PEM bundles and DER files for import — every block read
 * on its own (a corrupt one is reported with its line, never fatal to the others), the
 * end-entity certificates told from the CAs, and each leaf's chain found by issuer name and
 * signature. Shared by `certctl import` and POST /api/v1/certificates/import */
#ifndef CC_CERT_BUNDLE_H
#define CC_CERT_BUNDLE_H

#include <stdbool.h>
#include <stddef.h>
#include <openssl/types.h>
#include "libcc/x509.h"

struct cc_err;

struct cc_bundle_cert {
	X509 *x;
	struct cc_cert_info info;
	int block; /* 1-based position among the PEM blocks (1 for DER) */
	int line;  /* line of its BEGIN (0 for DER) */
	bool leaf; /* an end-entity certificate (see cc_bundle_parse) */
};

/* a block that is not a readable certificate */
struct cc_bundle_bad {
	int block;
	int line;
	char reason[200];
};

struct cc_bundle {
	struct cc_bundle_cert *certs;
	size_t n;
	struct cc_bundle_bad *bad;
	size_t nbad;
	size_t other;	      /* PEM blocks that hold no certificate (keys, CSRs, CRLs) */
	char other_label[48]; /* the first such block's label, e.g. "PRIVATE KEY" */
	size_t nleaves;
};

/* data is PEM (any number of CERTIFICATE, X509 CERTIFICATE or TRUSTED CERTIFICATE blocks
 * among other text and blocks) when it holds "-----BEGIN ", else one DER certificate.
 * Fills out; unreadable blocks land in out->bad. A leaf is a certificate that is not a CA,
 * or a CA that names a host (has a subjectAltName) and issued no other certificate of the
 * bundle (self-signed server certificates often say CA:TRUE). Returns -1 only when more
 * than max_certs blocks are found (CC_E_TOO_BIG); out is released then */
int cc_bundle_parse(const void *data, size_t len, size_t max_certs, struct cc_bundle *out,
		    struct cc_err *err);
void cc_bundle_release(struct cc_bundle *b);
/* the chain of certs[leaf]: the indexes of the certificates that issued it, nearest first,
 * each issuer a non-leaf certificate of the bundle whose key verifies the signature; stops
 * at a self-signed one. Returns how many were written to out (at most max) */
size_t cc_bundle_chain(const struct cc_bundle *b, size_t leaf, size_t *out, size_t max);
/* the leaf's PEM followed by the chain's, re-encoded (malloc'd) */
char *cc_bundle_pem(const struct cc_bundle *b, size_t leaf, const size_t *chain, size_t n);
/* parent's name and key ids match child's issuer and its key verifies child's signature */
bool cc_bundle_issued_by(X509 *child, X509 *parent);
/* subject = issuer (and matching key ids): the end of a chain */
bool cc_bundle_self_signed(X509 *x);
/* "block 3 (line 41): <reason>" of the first bad block into buf */
void cc_bundle_bad_text(const struct cc_bundle_bad *bad, char *buf, size_t size);

#endif
