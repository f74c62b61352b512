/* buf.h: growable NUL-terminated byte buffer; buf is never NULL */
#ifndef CC_BUF_H
#define CC_BUF_H

#include <stddef.h>
#include <stdarg.h>
#include "libcc/mem.h"

struct cc_err;

struct cc_buf {
	char *buf;
	size_t len;
	size_t alloc;
	size_t max; /* 0 = unlimited; past it appends fail with CC_E_TOO_BIG */
};

extern char cc_buf_empty[];
#define CC_BUF_INIT                                                                                \
	{                                                                                          \
		cc_buf_empty, 0, 0, 0                                                              \
	}

void cc_buf_init(struct cc_buf *b, size_t max);
void cc_buf_release(struct cc_buf *b);
void cc_buf_reset(struct cc_buf *b);
void cc_buf_grow(struct cc_buf *b, size_t extra);
void cc_buf_add(struct cc_buf *b, const void *data, size_t n);
void cc_buf_adds(struct cc_buf *b, const char *s);
void cc_buf_addc(struct cc_buf *b, char c);
void cc_buf_addf(struct cc_buf *b, const char *fmt, ...) CC_PRINTF(2, 3);
void cc_buf_vaddf(struct cc_buf *b, const char *fmt, va_list ap) CC_PRINTF(2, 0);
/* bounded append for untrusted input: -1 with CC_E_TOO_BIG past b->max */
int cc_buf_add_checked(struct cc_buf *b, const void *data, size_t n, struct cc_err *err);
/* hands the string to the caller and resets the buffer */
char *cc_buf_detach(struct cc_buf *b, size_t *len);
void cc_buf_setlen(struct cc_buf *b, size_t len);

#endif
