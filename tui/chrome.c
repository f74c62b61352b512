/* chrome.c: what surrounds the current screen — title bar, sidebar (or a tab line on
 * narrow terminals), status line and the footer with the screen's keys */
#include <curses.h>
#include <string.h>
#include <time.h>
#include "tui/app-int.h"
#include "tui/draw.h"
#include "libcc/banned.h"

static void title_bar(struct tui_app *app, const struct tui_screen *base)
{
	const char *url = tui_app_server(app);
	int w = app->cols, n;

	tui_fill(0, 0, w, TUI_S_TITLE);
	n = tui_putf(0, 1, w / 2, TUI_S_TITLE, "certctl │ %s", base ? base->ops->title : "");
	if (base && base->arg && n < w / 2)
		tui_putf(0, 1 + n, w / 2 - n, TUI_S_TITLE, " %s", base->arg);
	n = tui_text_width(url);
	if (n > w / 2 - 2)
		n = w / 2 - 2;
	tui_put(0, w - n - 1, n, TUI_S_TITLE, url);
}

static int top_views(const struct tui_view_ops **top, int max, const struct tui_app *app, int *cur)
{
	int n = 0;

	*cur = -1;
	for (int i = 0; tui_views[i] && n < max; i++) {
		if (!(tui_views[i]->flags & TUI_V_TOP))
			continue;
		if (app->depth && app->stack[0]->ops == tui_views[i])
			*cur = n;
		top[n++] = tui_views[i];
	}
	return n;
}

static void sidebar(struct tui_app *app, int y, int h)
{
	const struct tui_view_ops *top[64];
	int cur, n = top_views(top, 64, app, &cur), first = 0;

	if (cur >= h)
		first = cur - h + 1;
	for (int i = 0; i < h && first + i < n; i++) {
		int k = first + i;
		tui_fill(y + i, 0, TUI_SIDEBAR_W - 1, k == cur ? TUI_S_CURSOR : TUI_S_NORMAL);
		tui_put(y + i, 1, TUI_SIDEBAR_W - 2, k == cur ? TUI_S_CURSOR : TUI_S_NORMAL,
			top[k]->title);
	}
	mvvline(y, TUI_SIDEBAR_W - 1, ACS_VLINE, h);
}

/* one line of titles, scrolled so that the current one shows */
static void tab_line(struct tui_app *app, int y)
{
	const struct tui_view_ops *top[64];
	int cur, n = top_views(top, 64, app, &cur), first = cur < 0 ? 0 : cur, used = 0, x = 0;

	/* step back while the titles before the current one still fit in half the line */
	while (first > 0 && used + tui_text_width(top[first - 1]->title) + 3 < app->cols / 2)
		used += tui_text_width(top[--first]->title) + 3;
	if (first > 0)
		x += tui_put(y, x, 2, TUI_S_DIM, "‹ ");
	for (int k = first; k < n && x < app->cols - 2; k++) {
		x += tui_put(y, x, app->cols - x - 2, k == cur ? TUI_S_CURSOR : TUI_S_NORMAL,
			     top[k]->title);
		if (k + 1 < n)
			x += tui_put(y, x, app->cols - x - 2, TUI_S_DIM, " │ ");
	}
	if (x >= app->cols - 2)
		tui_put(y, app->cols - 1, 1, TUI_S_DIM, "›");
}

static void status_line(struct tui_app *app, const struct tui_screen *base)
{
	int y = app->rows - 2;
	static const enum tui_style lv_style[] = { TUI_S_NORMAL, TUI_S_OK, TUI_S_WARN, TUI_S_BAD };

	if (app->offline) {
		int64_t left = (app->next_retry_ms - app->now_ms + 999) / 1000;
		tui_putf(y, 0, app->cols, TUI_S_BAD,
			 "✖ server unreachable — retrying%s%.0lld%s: %s", left > 0 ? " in " : "",
			 (long long)(left > 0 ? left : 0), left > 0 ? "s" : "", app->offline_msg);
	} else if (app->status[0]) {
		tui_put(y, 0, app->cols, lv_style[app->status_lv], app->status);
	} else if (base && base->inflight) {
		tui_put(y, 0, app->cols, TUI_S_DIM, "loading…");
	}
}

static int footer_key(int y, int x, int w, const char *key, const char *label)
{
	int n;

	if (w < 4)
		return 0;
	n = tui_put(y, x, w, TUI_S_KEY, key);
	n += tui_putf(y, x + n, w - n, TUI_S_NORMAL, " %s  ", label);
	return n;
}

static void footer(struct tui_app *app)
{
	const struct tui_screen *t = app->depth ? app->stack[app->depth - 1] : NULL;
	static const enum tui_act global[] = { TUI_A_help, TUI_A_palette, TUI_A_back };
	int y = app->rows - 1, x = 0, w = app->cols, reserve = 0;

	for (size_t i = 0; i < CC_ARRAY_SIZE(global); i++)
		reserve += tui_text_width(tui_actions[global[i]].keytext) +
			   tui_text_width(tui_actions[global[i]].label) + 3;
	for (const enum tui_act *p = t ? t->ops->acts : NULL; p && *p != TUI_A__COUNT; p++) {
		const struct tui_action_info *a = &tui_actions[*p];
		int need = tui_text_width(a->keytext) + tui_text_width(a->label) + 3;
		if (x + need > w - reserve)
			break;
		x += footer_key(y, x, w - x, a->keytext, a->label);
	}
	for (size_t i = 0; i < CC_ARRAY_SIZE(global); i++)
		x += footer_key(y, x, w - x, tui_actions[global[i]].keytext,
				tui_actions[global[i]].label);
}

struct tui_rect tui_chrome_draw(struct tui_app *app)
{
	const struct tui_screen *base = tui_app_base(app);
	struct tui_rect r = { 1, 0, app->rows - 3, app->cols };

	title_bar(app, base);
	if (app->cols >= TUI_SIDEBAR_MIN_COLS) {
		sidebar(app, 1, r.h);
		r.x = TUI_SIDEBAR_W + 1;
		r.w = app->cols - r.x;
	} else {
		tab_line(app, 1);
		r.y = 2;
		r.h--;
	}
	status_line(app, base);
	footer(app);
	return r;
}
