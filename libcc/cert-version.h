/* cert-version.h: certificate versions (each issued certificate of a managed certificate) */
#ifndef CC_CERT_VERSION_H
#define CC_CERT_VERSION_H

#include <stdint.h>
#include "libcc/db.h"
#include "libcc/entity.h"

struct cc_err;

struct cc_cert_version {
	char *id;
	char *certificate_id;
	char *serial_number;
	int64_t not_before;
	int64_t not_after;
	char *fingerprint_sha256; /* lower-case hex SHA-256 of the leaf DER */
	char *pem_chain;	  /* leaf PEM, "\n", chain PEM */
	char *csr_pem;
	char *key_algorithm; /* RSA | ECDSA | Ed25519 */
	int64_t key_size;
	int64_t created_at;
};

extern const struct cc_entity cc_cert_version_entity;

/* the newest version of a certificate (by created_at, then id) into *out;
 * CC_E_NOT_FOUND when it has none */
int cc_cert_version_latest(struct cc_dbc *c, const char *cert_id, struct cc_cert_version *out,
			   struct cc_err *err);
/* the version with this SHA-256 fingerprint into *out; CC_E_NOT_FOUND when none */
int cc_cert_version_by_fingerprint(struct cc_dbc *c, const char *fp, struct cc_cert_version *out,
				   struct cc_err *err);

#endif
