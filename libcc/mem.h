/* mem.h: allocation that aborts on OOM, and small shared macros */
#ifndef CC_MEM_H
#define CC_MEM_H

#include <stddef.h>
#include <stdarg.h>

#define CC_UNUSED __attribute__((unused))
#define CC_PRINTF(a, b) __attribute__((format(printf, a, b)))
#define CC_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* an impossible state: report and abort (never used for input validation) */
#define CC_BUG(...) cc_bug(__FILE__, __LINE__, __VA_ARGS__)

void cc_bug(const char *file, int line, const char *fmt, ...) CC_PRINTF(3, 4)
	__attribute__((noreturn));
void *cc_xmalloc(size_t n);
void *cc_xcalloc(size_t n, size_t size);
void *cc_xrealloc(void *p, size_t n);
char *cc_xstrdup(const char *s);
char *cc_xstrndup(const char *s, size_t n);
char *cc_xasprintf(const char *fmt, ...) CC_PRINTF(1, 2);
char *cc_xvasprintf(const char *fmt, va_list ap) CC_PRINTF(1, 0);
/* frees *p and sets it to NULL */
void cc_freep(void *pp);
/* constant-time comparison of two equal-length byte strings */
int cc_memeq_ct(const void *a, const void *b, size_t n);

#endif
