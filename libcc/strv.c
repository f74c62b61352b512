/* strv.c: owned vector of strings */
#include <stdlib.h>
#include <string.h>
#include "libcc/strv.h"
#include "libcc/mem.h"
#include "libcc/banned.h"

void cc_strv_take(struct cc_strv *sv, char *s)
{
	sv->v = cc_xrealloc(sv->v, (sv->n + 2) * sizeof(*sv->v));
	sv->v[sv->n++] = s;
	sv->v[sv->n] = NULL;
}

void cc_strv_push(struct cc_strv *sv, const char *s)
{
	cc_strv_take(sv, cc_xstrdup(s));
}

void cc_strv_release(struct cc_strv *sv)
{
	for (size_t i = 0; i < sv->n; i++)
		free(sv->v[i]);
	free(sv->v);
	sv->v = NULL;
	sv->n = 0;
}

void cc_strv_copy(struct cc_strv *dst, const struct cc_strv *src)
{
	for (size_t i = 0; i < src->n; i++)
		cc_strv_push(dst, src->v[i]);
}

bool cc_strv_has(const struct cc_strv *sv, const char *s)
{
	for (size_t i = 0; i < sv->n; i++)
		if (!strcmp(sv->v[i], s))
			return true;
	return false;
}

void cc_strv_split(struct cc_strv *sv, const char *s, char sep)
{
	while (s && *s) {
		const char *end = strchr(s, sep);
		const char *stop = end ? end : s + strlen(s);
		const char *a = s, *b = stop;

		while (a < b && (*a == ' ' || *a == '\t'))
			a++;
		while (b > a && (b[-1] == ' ' || b[-1] == '\t'))
			b--;
		if (b > a)
			cc_strv_take(sv, cc_xstrndup(a, (size_t)(b - a)));
		s = end ? end + 1 : NULL;
	}
}

int cc_str_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	int row[101];

	if (la > 100 || lb > 100)
		return 100;
	for (size_t j = 0; j <= lb; j++)
		row[j] = (int)j;
	for (size_t i = 1; i <= la; i++) {
		int prev = row[0];
		row[0] = (int)i;
		for (size_t j = 1; j <= lb; j++) {
			int cur = row[j];
			int cost = a[i - 1] != b[j - 1];
			int best = prev + cost;
			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			prev = cur;
		}
	}
	return row[lb];
}
