/* b64.c: base64 and base64url */
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>
#include "libcc/b64.h"
#include "libcc/buf.h"
#include "libcc/mem.h"
#include "libcc/banned.h"

char *cc_b64_encode(const void *data, size_t n)
{
	char *out = cc_xmalloc(4 * ((n + 2) / 3) + 1);

	EVP_EncodeBlock((unsigned char *)out, data, (int)n);
	return out;
}

char *cc_b64url_encode(const void *data, size_t n)
{
	char *s = cc_b64_encode(data, n);
	size_t len = strlen(s);

	for (size_t i = 0; i < len; i++) {
		if (s[i] == '+')
			s[i] = '-';
		else if (s[i] == '/')
			s[i] = '_';
	}
	while (len && s[len - 1] == '=')
		s[--len] = '\0';
	return s;
}

int cc_b64_decode(const char *s, unsigned char **out, size_t *n)
{
	struct cc_buf in = CC_BUF_INIT;
	unsigned char *buf;
	size_t pad = 0;
	int len;

	for (const char *p = s; *p; p++)
		if (*p != '\n' && *p != '\r' && *p != ' ' && *p != '\t')
			cc_buf_addc(&in, *p);
	while (in.len % 4)
		cc_buf_addc(&in, '=');
	if (in.len >= 1 && in.buf[in.len - 1] == '=')
		pad++;
	if (in.len >= 2 && in.buf[in.len - 2] == '=')
		pad++;
	buf = cc_xmalloc(in.len / 4 * 3 + 1);
	len = in.len ? EVP_DecodeBlock(buf, (unsigned char *)in.buf, (int)in.len) : 0;
	cc_buf_release(&in);
	if (len < 0 || (size_t)len < pad) {
		free(buf);
		return -1;
	}
	*out = buf;
	*n = (size_t)len - pad;
	return 0;
}

int cc_b64url_decode(const char *s, unsigned char **out, size_t *n)
{
	char *t = cc_xstrdup(s);
	int rc;

	for (char *p = t; *p; p++) {
		if (*p == '-')
			*p = '+';
		else if (*p == '_')
			*p = '/';
		else if (*p == '+' || *p == '/')
			*p = '!'; /* not base64url: make it fail */
	}
	rc = cc_b64_decode(t, out, n);
	free(t);
	return rc;
}
