/* secretbox.c: AES-256-GCM sealing with PBKDF2-derived keys (cached), config redaction */
#include <ctype.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include "libcc/secretbox.h"
#include "libcc/err.h"
#include "libcc/mem.h"
#include "libcc/banned.h"

#define CACHE_SLOTS 4

/* Derived keys by SHA-256 of the passphrase: PBKDF2 with 100 000 rounds costs ~30 ms, too
 * much per request. The passphrase itself is not kept. */
static struct {
	pthread_mutex_t mu;
	unsigned next;
	struct {
		bool used;
		unsigned char id[32];
		unsigned char key[CC_SECRETBOX_KEY_LEN];
	} slot[CACHE_SLOTS];
} cache = { .mu = PTHREAD_MUTEX_INITIALIZER };

static bool cache_lookup(const unsigned char id[32], unsigned char *key)
{
	bool hit = false;

	pthread_mutex_lock(&cache.mu);
	for (int i = 0; i < CACHE_SLOTS && !hit; i++) {
		if (cache.slot[i].used && !CRYPTO_memcmp(cache.slot[i].id, id, 32)) {
			memcpy(key, cache.slot[i].key, CC_SECRETBOX_KEY_LEN);
			hit = true;
		}
	}
	pthread_mutex_unlock(&cache.mu);
	return hit;
}

static void cache_store(const unsigned char id[32], const unsigned char *key)
{
	pthread_mutex_lock(&cache.mu);
	unsigned i = cache.next++ % CACHE_SLOTS;
	cache.slot[i].used = true;
	memcpy(cache.slot[i].id, id, 32);
	memcpy(cache.slot[i].key, key, CC_SECRETBOX_KEY_LEN);
	pthread_mutex_unlock(&cache.mu);
}

int cc_secretbox_derive(const char *passphrase, unsigned char key[CC_SECRETBOX_KEY_LEN],
			struct cc_err *err)
{
	static const char salt[] = CC_SECRETBOX_SALT;
	unsigned char id[32];
	size_t n = passphrase ? strlen(passphrase) : 0;

	if (!n)
		return cc_err_set(err, CC_E_INVALID, "empty encryption passphrase");
	if (n > INT_MAX)
		return cc_err_set(err, CC_E_INVALID, "encryption passphrase too long");
	if (!EVP_Digest(passphrase, n, id, NULL, EVP_sha256(), NULL))
		return cc_err_ssl(err, CC_E_CRYPTO, "SHA-256");
	if (cache_lookup(id, key))
		return 0;
	if (!PKCS5_PBKDF2_HMAC(passphrase, (int)n, (const unsigned char *)salt,
			       (int)sizeof(salt) - 1, CC_SECRETBOX_ITER, EVP_sha256(),
			       CC_SECRETBOX_KEY_LEN, key))
		return cc_err_ssl(err, CC_E_CRYPTO, "PBKDF2");
	cache_store(id, key);
	return 0;
}

int cc_secretbox_seal(const char *passphrase, const void *pt, size_t n, struct cc_bytes *out,
		      struct cc_err *err)
{
	unsigned char key[CC_SECRETBOX_KEY_LEN], *p = NULL;
	EVP_CIPHER_CTX *ctx = NULL;
	int len, rc = -1;

	if (n > INT_MAX - 64)
		return cc_err_set(err, CC_E_TOO_BIG, "cannot seal %zu bytes", n);
	if (cc_secretbox_derive(passphrase, key, err) < 0)
		return -1;
	p = cc_xmalloc(CC_SECRETBOX_NONCE_LEN + n + CC_SECRETBOX_TAG_LEN);
	if (RAND_bytes(p, CC_SECRETBOX_NONCE_LEN) != 1) {
		cc_err_ssl(err, CC_E_CRYPTO, "random nonce");
		goto out;
	}
	if (!(ctx = EVP_CIPHER_CTX_new()) ||
	    EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, key, p) != 1 ||
	    EVP_EncryptUpdate(ctx, p + CC_SECRETBOX_NONCE_LEN, &len, pt, (int)n) != 1 ||
	    EVP_EncryptFinal_ex(ctx, p + CC_SECRETBOX_NONCE_LEN + len, &len) != 1 ||
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, CC_SECRETBOX_TAG_LEN,
				p + CC_SECRETBOX_NONCE_LEN + n) != 1) {
		cc_err_ssl(err, CC_E_CRYPTO, "AES-256-GCM encryption");
		goto out;
	}
	cc_bytes_release(out);
	out->p = p;
	out->n = CC_SECRETBOX_NONCE_LEN + n + CC_SECRETBOX_TAG_LEN;
	p = NULL;
	rc = 0;
out:
	EVP_CIPHER_CTX_free(ctx);
	OPENSSL_cleanse(key, sizeof(key));
	free(p);
	return rc;
}

int cc_secretbox_open(const char *passphrase, const void *in, size_t n, struct cc_bytes *out,
		      struct cc_err *err)
{
	const unsigned char *b = in;
	unsigned char key[CC_SECRETBOX_KEY_LEN], tag[CC_SECRETBOX_TAG_LEN], *p = NULL;
	EVP_CIPHER_CTX *ctx = NULL;
	size_t ctn;
	int len, rc = -1;

	if (n < CC_SECRETBOX_NONCE_LEN + CC_SECRETBOX_TAG_LEN)
		return cc_err_set(err, CC_E_CRYPTO, "sealed data too short (%zu bytes)", n);
	if (n > INT_MAX)
		return cc_err_set(err, CC_E_CRYPTO, "sealed data too long");
	ctn = n - CC_SECRETBOX_NONCE_LEN - CC_SECRETBOX_TAG_LEN;
	if (cc_secretbox_derive(passphrase, key, err) < 0)
		return -1;
	memcpy(tag, b + n - CC_SECRETBOX_TAG_LEN, CC_SECRETBOX_TAG_LEN);
	p = cc_xmalloc(ctn + 1);
	if (!(ctx = EVP_CIPHER_CTX_new()) ||
	    EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, key, b) != 1 ||
	    EVP_DecryptUpdate(ctx, p, &len, b + CC_SECRETBOX_NONCE_LEN, (int)ctn) != 1 ||
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, CC_SECRETBOX_TAG_LEN, tag) != 1 ||
	    EVP_DecryptFinal_ex(ctx, p + len, &len) != 1) {
		/* a bad tag is the likely cause: say what it means */
		ERR_clear_error();
		cc_err_set(err, CC_E_CRYPTO,
			   "cannot decrypt: wrong encryption key, or the data was changed");
		goto out;
	}
	p[ctn] = '\0';
	cc_bytes_release(out);
	out->p = p;
	out->n = ctn;
	p = NULL;
	rc = 0;
out:
	EVP_CIPHER_CTX_free(ctx);
	OPENSSL_cleanse(key, sizeof(key));
	if (p) {
		OPENSSL_cleanse(p, ctn + 1);
		free(p);
	}
	return rc;
}

int cc_secretbox_seal_json(const char *passphrase, json_t *config, struct cc_bytes *out,
			   struct cc_err *err)
{
	char *s = json_dumps(config, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);
	size_t n;
	int rc = 0;

	if (!s)
		return cc_err_set(err, CC_E_INTERNAL, "cannot encode the config as JSON");
	n = strlen(s);
	if (passphrase && *passphrase) {
		rc = cc_secretbox_seal(passphrase, s, n, out, err);
		OPENSSL_cleanse(s, n);
		free(s);
		return rc;
	}
	cc_bytes_release(out);
	out->p = (unsigned char *)s;
	out->n = n;
	return 0;
}

static json_t *parse_object(const void *p, size_t n)
{
	json_t *j = json_loadb(p, n, JSON_REJECT_DUPLICATES, NULL);

	if (j && !json_is_object(j)) {
		json_decref(j);
		j = NULL;
	}
	return j;
}

int cc_secretbox_open_json(const char *passphrase, const struct cc_bytes *stored, json_t **out,
			   struct cc_err *err)
{
	struct cc_bytes pt = { NULL, 0 };
	json_t *j = NULL;

	*out = NULL;
	if (!stored || !stored->n)
		return 0;
	if (!passphrase || !*passphrase) {
		if (!(j = parse_object(stored->p, stored->n)))
			return cc_err_set(err, CC_E_CRYPTO,
					  "the stored config is not JSON: it may be encrypted "
					  "(no encryption key is configured)");
		*out = j;
		return 0;
	}
	if (cc_secretbox_open(passphrase, stored->p, stored->n, &pt, err) < 0) {
		/* plaintext written before an encryption key was configured */
		if (stored->p[0] == '{' && (j = parse_object(stored->p, stored->n))) {
			cc_err_clear(err);
			*out = j;
			return 0;
		}
		return cc_err_prefix(err, "stored config");
	}
	j = parse_object(pt.p, pt.n);
	OPENSSL_cleanse(pt.p, pt.n);
	cc_bytes_release(&pt);
	if (!j)
		return cc_err_set(err, CC_E_CRYPTO, "the stored config is not a JSON object");
	*out = j;
	return 0;
}

bool cc_secretbox_is_secret_key(const char *key)
{
	static const char *const words[] = { "password", "secret",  "token",	  "key",
					     "hmac",	 "private", "credentials" };
	char *low = cc_xstrdup(key);
	bool hit = false;

	for (char *p = low; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	for (size_t i = 0; i < CC_ARRAY_SIZE(words) && !hit; i++)
		hit = strstr(low, words[i]) != NULL;
	free(low);
	return hit;
}

json_t *cc_secretbox_redact(json_t *config)
{
	const char *key;
	json_t *copy, *v;

	if (!config)
		return NULL;
	copy = json_deep_copy(config);
	if (!json_is_object(copy))
		return copy;
	json_object_foreach (copy, key, v) {
		if (json_is_string(v) && json_string_length(v) && cc_secretbox_is_secret_key(key))
			json_object_set_new(copy, key, json_string(CC_SECRETBOX_REDACTED));
	}
	return copy;
}

int cc_secretbox_unredact(json_t *config, json_t *stored, struct cc_err *err)
{
	const char *key;
	json_t *v, *old;

	if (!json_is_object(config))
		return 0;
	json_object_foreach (config, key, v) {
		if (!json_is_string(v) || strcmp(json_string_value(v), CC_SECRETBOX_REDACTED))
			continue;
		old = json_is_object(stored) ? json_object_get(stored, key) : NULL;
		if (!old)
			return cc_err_set(err, CC_E_INVALID,
					  "config.%s: \"%s\" stands for the stored value, but "
					  "none is stored",
					  key, CC_SECRETBOX_REDACTED);
		json_object_set(config, key, old);
	}
	return 0;
}

static bool has_redacted(json_t *config)
{
	const char *key;
	json_t *v;

	json_object_foreach (config, key, v)
		if (json_is_string(v) && !strcmp(json_string_value(v), CC_SECRETBOX_REDACTED))
			return true;
	return false;
}

int cc_secretbox_store_config(const char *passphrase, json_t **config,
			      const struct cc_bytes *stored, struct cc_bytes *sealed,
			      struct cc_err *err)
{
	json_t *old = NULL, *red;
	int rc = -1;

	if (!json_is_object(*config))
		return cc_err_set(err, CC_E_INVALID, "config must be a JSON object");
	if (has_redacted(*config) && cc_secretbox_open_json(passphrase, stored, &old, err) < 0) {
		if (err)
			err->code = CC_E_UNPROCESSABLE;
		return cc_err_prefix(err, "config: cannot restore the \"%s\" values",
				     CC_SECRETBOX_REDACTED);
	}
	if (cc_secretbox_unredact(*config, old, err) < 0 ||
	    cc_secretbox_seal_json(passphrase, *config, sealed, err) < 0)
		goto out;
	red = cc_secretbox_redact(*config);
	json_decref(*config);
	*config = red;
	rc = 0;
out:
	json_decref(old);
	return rc;
}
