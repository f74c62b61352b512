/* vm-fleet.c: counting the items of a list by a field, largest first (the fleet overview) */
#include <stdlib.h>
#include <string.h>
#include "tui/chart.h"
#include "tui/vm.h"
#include "libcc/banned.h"

static int by_count(const void *a, const void *b)
{
	const double *x = a, *y = b;

	return *x < *y ? 1 : *x > *y ? -1 : 0;
}

int tui_series_count(struct tui_series *s, const json_t *agents, const char *key)
{
	const json_t *data = tui_jdata(agents), *it;
	struct {
		double n;
		size_t first; /* keeps equal counts in order of appearance */
		const char *label;
	} * g;
	size_t i, ng = 0;

	tui_series_release(s);
	if (!data)
		return -1;
	g = cc_xcalloc(json_array_size(data) + 1, sizeof(*g));
	json_array_foreach (data, i, it) {
		const char *v = tui_jstr(it, key);
		size_t k;
		if (!json_is_object(it))
			continue;
		if (!v || !*v)
			v = "(unknown)";
		for (k = 0; k < ng && strcmp(g[k].label, v); k++)
			;
		if (k == ng) {
			g[ng].label = v;
			g[ng++].first = i;
		}
		g[k].n++;
	}
	qsort(g, ng, sizeof(*g), by_count);
	for (i = 0; i < ng; i++)
		tui_series_add(s, g[i].label, g[i].n);
	free(g);
	return (int)s->n;
}
