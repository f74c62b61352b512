/* hash.h: SHA-256 digests as lower-case hex */
#ifndef CC_HASH_H
#define CC_HASH_H

#include <stddef.h>

#define CC_SHA256_HEX 65

char *cc_sha256_hex(const void *data, size_t n, char out[CC_SHA256_HEX]);
/* random bytes as lower-case hex (2*n chars); -1 when the RNG fails */
int cc_random_hex(size_t n, char *out);

#endif
