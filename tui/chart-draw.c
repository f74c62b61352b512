/* chart-draw.c: drawing the charts of chart.c */
#include <curses.h>
#include <stdio.h>
#include "tui/chart.h"
#include "tui/draw.h"
#include "libcc/banned.h"

void tui_chart_bars(struct tui_rect r, const struct tui_series *s, const char *title,
		    bool status_colors)
{
	int lw = 0, nw = 1;

	tui_put(r.y, r.x, r.w, TUI_S_HEADER, title);
	for (size_t i = 0; i < s->n; i++) {
		char num[32];
		if (tui_text_width(s->label[i]) > lw)
			lw = tui_text_width(s->label[i]);
		if (snprintf(num, sizeof(num), "%.0f", s->v[i]) > nw)
			nw = (int)snprintf(num, sizeof(num), "%.0f", s->v[i]);
	}
	if (lw > r.w / 3)
		lw = r.w / 3;
	if (!s->n)
		tui_put(r.y + 1, r.x, r.w, TUI_S_DIM, "no data");
	for (size_t i = 0; i < s->n && (int)i < r.h - 1; i++) {
		int y = r.y + 1 + (int)i, bw = r.w - lw - nw - 3,
		    n = tui_bar_len(s->v[i], s->max, bw);
		enum tui_style st = status_colors ? tui_status_style(s->label[i]) : TUI_S_BAR;
		tui_put(y, r.x, lw, TUI_S_NORMAL, s->label[i]);
		attron(tui_attr(st == TUI_S_NORMAL ? TUI_S_BAR : st));
		for (int k = 0; k < n; k++)
			mvaddstr(y, r.x + lw + 1 + k, "█");
		attroff(tui_attr(st == TUI_S_NORMAL ? TUI_S_BAR : st));
		tui_putf(y, r.x + lw + 2 + n, nw + 1, TUI_S_NORMAL, "%.0f", s->v[i]);
	}
}

void tui_chart_spark(struct tui_rect r, const char *title, const struct tui_series *const *s,
		     const char *const *names, int n)
{
	char buf[1024];

	tui_put(r.y, r.x, r.w, TUI_S_HEADER, title);
	for (int i = 0; i < n && i + 1 < r.h; i++) {
		int y = r.y + 1 + i, lw = 10, sw;
		tui_put(y, r.x, lw, TUI_S_DIM, names[i]);
		sw = tui_spark(s[i], r.w - lw - 8, buf, sizeof(buf));
		tui_put(y, r.x + lw, sw, i ? TUI_S_BAD : TUI_S_BAR, buf);
		tui_putf(y, r.x + lw + sw + 1, 7, TUI_S_NORMAL, "%.0f", s[i]->sum);
	}
}

void tui_chart_heat(struct tui_rect r, const struct tui_heat *h, const char *title)
{
	static const char *const days[] = { "Mo", "Tu", "We", "Th", "Fr", "Sa", "Su" };

	tui_put(r.y, r.x, r.w, TUI_S_HEADER, title);
	for (int d = 0; d < 7 && d + 1 < r.h; d++) {
		tui_put(r.y + 1 + d, r.x, 3, TUI_S_DIM, days[d]);
		for (int w = 0; w < h->weeks && 3 + w * 2 < r.w; w++) {
			int lv = h->level[d][w];
			tui_put(r.y + 1 + d, r.x + 3 + w * 2, 1,
				lv >= 3 ? TUI_S_BAD
				: lv	? TUI_S_WARN
					: TUI_S_DIM,
				tui_heat_char(lv));
		}
	}
	if (r.h > 8)
		tui_putf(r.y + 8, r.x, r.w, TUI_S_DIM, "%s each column a week · max %.0f/day",
			 tui_heat_char(4), h->max);
}
