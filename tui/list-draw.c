/* list-draw.c: drawing the list view — header, rows, search line, counts */
#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include "tui/widgets.h"
#include "libcc/banned.h"

static void header(const struct tui_list *l, struct tui_rect r, const int *w)
{
	int x = r.x + 2;

	tui_fill(r.y, r.x, r.w, TUI_S_HEADER);
	for (int c = 0; c < l->t.ncols && x < r.x + r.w; c++) {
		const char *mark = c == l->sort_col ? (l->sort_desc ? "▼" : "▲") : "";
		tui_putf(r.y, x, w[c] < r.x + r.w - x ? w[c] : r.x + r.w - x, TUI_S_HEADER, "%s%s",
			 l->t.cols[c].title, mark);
		x += w[c] + 1;
	}
}

static void row(const struct tui_list *l, size_t i, int y, struct tui_rect r, const int *w)
{
	const struct tui_row *rw = &l->t.row[l->vis[i]];
	bool cur = i == l->cur, sel = l->sel[l->vis[i]];
	enum tui_style base = cur ? TUI_S_CURSOR : sel ? TUI_S_MARK : TUI_S_NORMAL;
	int x = r.x + 2;

	tui_fill(y, r.x, r.w, base);
	if (sel)
		tui_put(y, r.x, 2, base, "●");
	for (int c = 0; c < l->t.ncols && x < r.x + r.w; c++) {
		enum tui_style st = base;
		if (!cur && !sel && l->t.cols[c].fmt == TUI_F_STATUS)
			st = tui_status_style(rw->cell[c]);
		tui_put(y, x, w[c] < r.x + r.w - x ? w[c] : r.x + r.w - x, st, rw->cell[c]);
		x += w[c] + 1;
	}
}

static void footer(const struct tui_list *l, int y, struct tui_rect r)
{
	char info[96];
	int n;

	if (l->nsel)
		snprintf(info, sizeof(info), "%zu/%zu shown · %zu selected", l->nvis, l->t.n,
			 l->nsel);
	else if ((long long)l->t.n < l->t.total)
		snprintf(info, sizeof(info), "%zu/%zu shown · %lld on the server", l->nvis, l->t.n,
			 l->t.total);
	else
		snprintf(info, sizeof(info), "%zu/%zu shown", l->nvis, l->t.n);
	n = tui_text_width(info);
	if (l->searching || l->search[0])
		tui_putf(y, r.x, r.w - n - 1, l->searching ? TUI_S_MARK : TUI_S_DIM, "/%s%s",
			 l->search, l->searching ? "▏" : "");
	tui_put(y, r.x + r.w - n, n, TUI_S_DIM, info);
}

void tui_list_draw(struct tui_list *l, struct tui_rect r, const char *empty)
{
	int w[32], rows = r.h - 2;

	if (r.h < 3 || r.w < 10)
		return;
	tui_table_widths(l->t.cols, l->t.ncols < 32 ? l->t.ncols : 32, r.w - 2, w);
	header(l, r, w);
	l->page = rows;
	if (l->cur < l->top)
		l->top = l->cur;
	if (l->cur >= l->top + (size_t)rows)
		l->top = l->cur - (size_t)rows + 1;
	if (l->top + (size_t)rows > l->nvis)
		l->top = l->nvis > (size_t)rows ? l->nvis - (size_t)rows : 0;
	for (int i = 0; i < rows && l->top + (size_t)i < l->nvis; i++)
		row(l, l->top + (size_t)i, r.y + 1 + i, r, w);
	if (!l->nvis)
		tui_put(r.y + 2, r.x + 2, r.w - 4, TUI_S_DIM,
			l->t.n	? "nothing matches the search"
			: empty ? empty
				: "nothing here");
	footer(l, r.y + r.h - 1, r);
}
