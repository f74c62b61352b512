/* placeholder.h: what an argument placeholder (CERT, ISSUER, REASON ...) stands for — the
 * noun in error messages and where completion finds its candidates */
#ifndef CC_PLACEHOLDER_H
#define CC_PLACEHOLDER_H

struct cc_placeholder {
	const char *name;   /* as written in usage strings and option tables */
	const char *noun;   /* "certificate" */
	const char *list;   /* API list whose ids complete it, or NULL */
	const char *values; /* fixed candidates "a|b|c", or NULL */
};

/* the placeholder of a usage word ("[CERT...]" finds CERT), NULL if none */
const struct cc_placeholder *cc_placeholder_find(const char *word);
/* the n-th positional word of a usage string (brackets and "..." kept), NULL past the end */
const char *cc_usage_word(const char *usage, int n, char *buf, unsigned size);

#endif
