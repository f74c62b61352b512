/* hash.c: hex encoding, SHA-256 digests and random tokens */
#include <errno.h>
#include <stdlib.h>
#include <sys/random.h>
#include <openssl/evp.h>
#include "libcc/hash.h"
#include "libcc/mem.h"
#include "libcc/banned.h"

void cc_hex_encode(const void *data, size_t n, char *out)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *d = data;

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = hex[d[i] >> 4];
		out[2 * i + 1] = hex[d[i] & 15];
	}
	out[2 * n] = '\0';
}

char *cc_sha256_hex(const void *data, size_t n, char out[CC_SHA256_HEX])
{
	unsigned char md[32];
	unsigned int len = 0;

	if (!EVP_Digest(data, n, md, &len, EVP_sha256(), NULL) || len != 32)
		CC_BUG("SHA-256 failed");
	cc_hex_encode(md, 32, out);
	return out;
}

int cc_random_bytes(void *buf, size_t n)
{
	unsigned char *p = buf;

	while (n > 0) {
		ssize_t got = getrandom(p, n, 0);

		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return -1;
		p += got;
		n -= (size_t)got;
	}
	return 0;
}

int cc_random_hex(size_t n, char *out)
{
	unsigned char *b = cc_xmalloc(n);
	int ok = cc_random_bytes(b, n) == 0;

	if (ok)
		cc_hex_encode(b, n, out);
	free(b);
	return ok ? 0 : -1;
}
