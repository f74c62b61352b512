/* chart.c: chart models — series from JSON, bar lengths, sparkline and heatmap cells */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "tui/chart.h"
#include "tui/vm.h"
#include "libcc/banned.h"

void tui_series_add(struct tui_series *s, const char *label, double v)
{
	if (v != v || v < 0) /* NaN and negatives count 0 */
		v = 0;
	s->label = cc_xrealloc(s->label, (s->n + 1) * sizeof(*s->label));
	s->v = cc_xrealloc(s->v, (s->n + 1) * sizeof(*s->v));
	s->label[s->n] = cc_xstrdup(label ? label : "");
	s->v[s->n++] = v;
	if (v > s->max)
		s->max = v;
	s->sum += v;
}

void tui_series_release(struct tui_series *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->label[i]);
	free(s->label);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

int tui_series_from(struct tui_series *s, const json_t *arr, const char *label_key,
		    const char *value_key)
{
	const json_t *it;
	size_t i;

	tui_series_release(s);
	if (!json_is_array(arr))
		return -1;
	json_array_foreach (arr, i, it) {
		const json_t *v = tui_jget(it, value_key);
		tui_series_add(s, tui_jstr(it, label_key),
			       json_is_number(v) ? json_number_value(v) : 0);
	}
	return (int)s->n;
}

int tui_series_from_object(struct tui_series *s, const json_t *o)
{
	const char *k;
	const json_t *v;

	tui_series_release(s);
	if (!json_is_object(o))
		return -1;
	json_object_foreach ((json_t *)o, k, v)
		tui_series_add(s, k, json_is_number(v) ? json_number_value(v) : 0);
	return (int)s->n;
}

int tui_bar_len(double v, double max, int w)
{
	int n;

	if (v <= 0 || max <= 0 || w <= 0)
		return 0;
	n = (int)(v / max * w + 0.5);
	return n < 1 ? 1 : n > w ? w : n;
}

int tui_spark(const struct tui_series *s, int w, char *out, size_t outn)
{
	static const char *const blocks[] = { "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█" };
	size_t per, nb, len = 0;
	double *b, max = 0;
	int written = 0;

	if (!outn)
		return 0;
	out[0] = 0;
	if (w <= 0 || !s->n)
		return 0;
	per = (s->n + (size_t)w - 1) / (size_t)w;
	nb = (s->n + per - 1) / per;
	b = cc_xcalloc(nb, sizeof(double));
	for (size_t i = 0; i < s->n; i++)
		b[i / per] += s->v[i];
	for (size_t i = 0; i < nb; i++)
		if (b[i] > max)
			max = b[i];
	for (size_t i = 0; i < nb && len + 4 < outn; i++) {
		const char *c = " ";
		if (b[i] > 0)
			c = blocks[tui_bar_len(b[i], max, 8) - 1];
		memcpy(out + len, c, strlen(c));
		len += strlen(c);
		written++;
	}
	out[len] = 0;
	free(b);
	return written;
}

/* 0 Monday … 6 Sunday, -1 for a bad date */
static int weekday(const char *date)
{
	struct tm tm;
	char *end;

	memset(&tm, 0, sizeof(tm));
	if (!date || !(end = strptime(date, "%Y-%m-%d", &tm)) || *end)
		return -1;
	tm.tm_hour = 12;
	if (timegm(&tm) == (time_t)-1)
		return -1;
	return (tm.tm_wday + 6) % 7;
}

int tui_heat_build(struct tui_heat *h, const struct tui_series *days)
{
	int first = days->n ? weekday(days->label[0]) : 0;

	memset(h, 0, sizeof(*h));
	h->first_wday = first < 0 ? 0 : first;
	h->max = days->max;
	for (size_t i = 0; i < days->n; i++) {
		size_t pos = i + (size_t)h->first_wday;
		int wk = (int)(pos / 7), row = (int)(pos % 7);
		if (wk >= TUI_HEAT_WEEKS)
			break;
		h->count[row][wk] = (int)days->v[i];
		h->level[row][wk] =
			(unsigned char)(days->v[i] > 0 ? tui_bar_len(days->v[i], h->max, 4) : 0);
		if (wk + 1 > h->weeks)
			h->weeks = wk + 1;
	}
	return h->weeks;
}

const char *tui_heat_char(int level)
{
	static const char *const c[] = { "·", "░", "▒", "▓", "█" };

	return c[level < 0 ? 0 : level > 4 ? 4 : level];
}
