/* secretbox.h: sealed connector configs (AES-256-GCM in the v2.1 storage format) and the
 * redacted copies clients see */
#ifndef CC_SECRETBOX_H
#define CC_SECRETBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>
#include "libcc/entity.h"

struct cc_err;

#define CC_SECRETBOX_KEY_LEN 32
#define CC_SECRETBOX_NONCE_LEN 12
#define CC_SECRETBOX_TAG_LEN 16
#define CC_SECRETBOX_SALT "certctl-config-encryption-v1"
#define CC_SECRETBOX_ITER 100000
#define CC_SECRETBOX_REDACTED "********"

/* key = PBKDF2-HMAC-SHA256(passphrase, CC_SECRETBOX_SALT, CC_SECRETBOX_ITER, 32 bytes);
 * derived once per passphrase and cached for the life of the process */
int cc_secretbox_derive(const char *passphrase, unsigned char key[CC_SECRETBOX_KEY_LEN],
			struct cc_err *err);
/* out = [12-byte random nonce][ciphertext][16-byte tag] (Go's gcm.Seal layout, no AAD) */
int cc_secretbox_seal(const char *passphrase, const void *pt, size_t n, struct cc_bytes *out,
		      struct cc_err *err);
/* the plaintext (NUL-terminated past out->n); CC_E_CRYPTO when the input is too short, was
 * changed, or was sealed under another passphrase */
int cc_secretbox_open(const char *passphrase, const void *in, size_t n, struct cc_bytes *out,
		      struct cc_err *err);

/* the stored form of a config object: sealed when passphrase is non-empty, its JSON text
 * otherwise (passphrase NULL or "") */
int cc_secretbox_seal_json(const char *passphrase, json_t *config, struct cc_bytes *out,
			   struct cc_err *err);
/* reads a stored config back into *out (new ref; NULL when nothing is stored). With a
 * passphrase, plaintext JSON stored before encryption was turned on is still read.
 * CC_E_CRYPTO when it cannot be decrypted or is not a JSON object */
int cc_secretbox_open_json(const char *passphrase, const struct cc_bytes *stored, json_t **out,
			   struct cc_err *err);

/* does this config key hold a secret? (its lower-case name contains password, secret,
 * token, key, hmac, private or credentials) */
bool cc_secretbox_is_secret_key(const char *key);
/* a copy with every secret top-level non-empty string value replaced by "********" (new
 * ref; NULL for NULL) */
json_t *cc_secretbox_redact(json_t *config);
/* puts back the secrets a client echoed as "********": each such top-level value of config
 * takes stored's value for the same key. CC_E_INVALID naming the key when stored has none */
int cc_secretbox_unredact(json_t *config, json_t *stored, struct cc_err *err);

/* readies a connector config from a request for storage: it must be a JSON object;
 * "********" values are taken from the stored one (opened only then; CC_E_UNPROCESSABLE
 * when it cannot be), the full config is sealed into *sealed (which may be stored itself)
 * and *config becomes the redacted copy */
int cc_secretbox_store_config(const char *passphrase, json_t **config,
			      const struct cc_bytes *stored, struct cc_bytes *sealed,
			      struct cc_err *err);

#endif
