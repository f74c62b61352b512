/* b64.h: base64 and base64url (no padding) on OpenSSL's encoder */
#ifndef CC_B64_H
#define CC_B64_H

#include <stddef.h>

char *cc_b64_encode(const void *data, size_t n);
char *cc_b64url_encode(const void *data, size_t n);
/* accepts padded or unpadded input; -1 on bad input (caller frees *out) */
int cc_b64_decode(const char *s, unsigned char **out, size_t *n);
int cc_b64url_decode(const char *s, unsigned char **out, size_t *n);

#endif
