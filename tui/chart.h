/* chart.h: terminal charts — horizontal bars, sparklines, a calendar heatmap. The series
 * and the characters are computed here without a terminal; chart-draw.c puts them on it. */
#ifndef TUI_CHART_H
#define TUI_CHART_H

#include <stddef.h>
#include <jansson.h>
#include "tui/app.h"

struct tui_series {
	char **label;
	double *v;
	size_t n;
	double max, sum;
};

/* one point per array item: label = item[label_key] (string), value = item[value_key]
 * (number; anything else counts 0). Returns n, -1 when arr is not an array. */
int tui_series_from(struct tui_series *s, const json_t *arr, const char *label_key,
		    const char *value_key);
/* from an object of numbers ({"Managed":4,…}) in key order */
int tui_series_from_object(struct tui_series *s, const json_t *o);
void tui_series_add(struct tui_series *s, const char *label, double v);
void tui_series_release(struct tui_series *s);
/* the items of a list reply counted by the value of key, most frequent first (the fleet
 * by OS, the policies by severity) */
int tui_series_count(struct tui_series *s, const json_t *agents, const char *key);

/* the length of a bar for v in w columns (at least 1 when v > 0) */
int tui_bar_len(double v, double max, int w);
/* a sparkline of w characters at most (UTF-8 ▁…█, ' ' for zero); values are summed into
 * buckets when there are more than w. Returns the characters written. */
int tui_spark(const struct tui_series *s, int w, char *out, size_t outn);

/* a calendar heatmap: 7 rows (Monday first) by weeks; level 0 (none) to 4 */
#define TUI_HEAT_WEEKS 27
struct tui_heat {
	unsigned char level[7][TUI_HEAT_WEEKS];
	int count[7][TUI_HEAT_WEEKS];
	int weeks;
	int first_wday; /* row of the first day */
	double max;
};
/* days: labels "YYYY-MM-DD" in order, one per day. Returns the weeks used. */
int tui_heat_build(struct tui_heat *h, const struct tui_series *days);
/* the character of a level: " ", "░", "▒", "▓", "█" */
const char *tui_heat_char(int level);

/* drawing */
void tui_chart_bars(struct tui_rect r, const struct tui_series *s, const char *title,
		    bool status_colors);
/* title, then one sparkline row per series with its total */
void tui_chart_spark(struct tui_rect r, const char *title, const struct tui_series *const *s,
		     const char *const *names, int n);
void tui_chart_heat(struct tui_rect r, const struct tui_heat *h, const char *title);

#endif
