/* strv.h: owned vector of strings */
#ifndef CC_STRV_H
#define CC_STRV_H

#include <stdbool.h>
#include <stddef.h>

struct cc_strv {
	char **v;
	size_t n;
};

#define CC_STRV_INIT                                                                               \
	{                                                                                          \
		NULL, 0                                                                            \
	}

void cc_strv_push(struct cc_strv *sv, const char *s);
void cc_strv_take(struct cc_strv *sv, char *s);
void cc_strv_release(struct cc_strv *sv);
void cc_strv_copy(struct cc_strv *dst, const struct cc_strv *src);
bool cc_strv_has(const struct cc_strv *sv, const char *s);
/* splits on sep, trims blanks, drops empty items */
void cc_strv_split(struct cc_strv *sv, const char *s, char sep);
/* Levenshtein distance, capped at 100: for "did you mean" */
int cc_str_distance(const char *a, const char *b);

#endif
