/* buf.c: growable NUL-terminated byte buffer */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "libcc/buf.h"
#include "libcc/err.h"
#include "libcc/banned.h"

char cc_buf_empty[1];

void cc_buf_init(struct cc_buf *b, size_t max)
{
	b->buf = cc_buf_empty;
	b->len = 0;
	b->alloc = 0;
	b->max = max;
}

void cc_buf_release(struct cc_buf *b)
{
	if (b->alloc)
		free(b->buf);
	cc_buf_init(b, b->max);
}

void cc_buf_reset(struct cc_buf *b)
{
	cc_buf_setlen(b, 0);
}

void cc_buf_setlen(struct cc_buf *b, size_t len)
{
	if (len > b->len && len >= b->alloc)
		CC_BUG("cc_buf_setlen past allocation");
	b->len = len;
	if (b->alloc)
		b->buf[len] = '\0';
}

void cc_buf_grow(struct cc_buf *b, size_t extra)
{
	size_t need = b->len + extra + 1;

	if (need < b->len)
		CC_BUG("cc_buf overflow");
	if (need <= b->alloc)
		return;
	size_t n = b->alloc ? b->alloc : 64;
	while (n < need)
		n = n * 3 / 2 + 16;
	if (!b->alloc) {
		b->buf = cc_xmalloc(n);
		b->buf[0] = '\0';
	} else {
		b->buf = cc_xrealloc(b->buf, n);
	}
	b->alloc = n;
}

void cc_buf_add(struct cc_buf *b, const void *data, size_t n)
{
	if (!n)
		return;
	cc_buf_grow(b, n);
	memcpy(b->buf + b->len, data, n);
	b->len += n;
	b->buf[b->len] = '\0';
}

void cc_buf_adds(struct cc_buf *b, const char *s)
{
	cc_buf_add(b, s, strlen(s));
}

void cc_buf_addc(struct cc_buf *b, char c)
{
	cc_buf_add(b, &c, 1);
}

void cc_buf_vaddf(struct cc_buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		CC_BUG("bad format '%s'", fmt);
	cc_buf_grow(b, (size_t)n);
	vsnprintf(b->buf + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void cc_buf_addf(struct cc_buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cc_buf_vaddf(b, fmt, ap);
	va_end(ap);
}

int cc_buf_add_checked(struct cc_buf *b, const void *data, size_t n, struct cc_err *err)
{
	if (b->max && (n > b->max || b->len > b->max - n))
		return cc_err_set(err, CC_E_TOO_BIG, "input larger than %zu bytes", b->max);
	cc_buf_add(b, data, n);
	return 0;
}

char *cc_buf_detach(struct cc_buf *b, size_t *len)
{
	char *s;

	if (!b->alloc)
		cc_buf_grow(b, 0);
	s = b->buf;
	if (len)
		*len = b->len;
	cc_buf_init(b, b->max);
	return s;
}
