/* hash.h: lower-case hex: of bytes, SHA-256 digests and random tokens */
#ifndef CC_HASH_H
#define CC_HASH_H

#include <stddef.h>

#define CC_SHA256_HEX 65

/* n bytes as lower-case hex: 2*n chars and a NUL in out */
void cc_hex_encode(const void *data, size_t n, char *out);

char *cc_sha256_hex(const void *data, size_t n, char out[CC_SHA256_HEX]);
/* n bytes from the kernel's CSPRNG (getrandom): for ids and tokens, without waking OpenSSL's
 * DRBG, so a daemon that has done no cryptography has not loaded OpenSSL's providers;
 * -1 when the kernel cannot give them */
int cc_random_bytes(void *buf, size_t n);
/* random bytes as lower-case hex (2*n chars); -1 when the RNG fails */
int cc_random_hex(size_t n, char *out);

#endif
