/* help.c: the ? overlay — the keys of the screen below it, then the global ones, all read
 * from actions.def */
#include <curses.h>
#include <stdlib.h>
#include "tui/widgets.h"
#include "libcc/banned.h"

static const char *const nav[][2] = {
	{ "↑↓ j k", "move" },
	{ "PgUp PgDn", "page" },
	{ "g G Home End", "first / last" },
	{ "S", "reverse the sort" },
	{ "*", "select all shown / none" },
	{ "Esc", "clear the search or the selection" },
	{ "^L", "redraw the screen" },
	{ "^C", "quit" },
};

static void build(struct tui_screen *s, struct tui_detail *d)
{
	const struct tui_screen *p = s->parent;
	static const enum tui_act global[] = { TUI_A_help, TUI_A_palette, TUI_A_back, TUI_A_next,
					       TUI_A_reload };
	char key[32];

	tui_detail_head(d, p ? p->ops->title : "certctl tui");
	for (const enum tui_act *a = p ? p->ops->acts : NULL; a && *a != TUI_A__COUNT; a++) {
		snprintf(key, sizeof(key), "%s", tui_actions[*a].keytext);
		tui_detail_kv(d, key, tui_actions[*a].help, TUI_S_NORMAL);
	}
	tui_detail_head(d, "Moving around");
	for (size_t i = 0; i < CC_ARRAY_SIZE(nav); i++)
		tui_detail_kv(d, nav[i][0], nav[i][1], TUI_S_NORMAL);
	tui_detail_head(d, "Everywhere");
	for (size_t i = 0; i < CC_ARRAY_SIZE(global); i++)
		tui_detail_kv(d, tui_actions[global[i]].keytext, tui_actions[global[i]].help,
			      TUI_S_NORMAL);
}

static void open_(struct tui_screen *s)
{
	struct tui_detail *d = cc_xmalloc(sizeof(*d));

	tui_detail_init(d);
	s->st = d;
}

static void close_(struct tui_screen *s)
{
	tui_detail_release(s->st);
	free(s->st);
}

static int key(struct tui_screen *s, int k)
{
	if (k == '?' || k == 'q' || k == TUI_KEY_ESC || k == '\n')
		return TUI_BACK;
	tui_detail_key(s->st, k); /* the rest scrolls, or does nothing */
	return TUI_REDRAW;
}

static void draw(struct tui_screen *s, struct tui_rect r)
{
	struct tui_detail *d = s->st;
	struct tui_rect in;

	if (!d->n)
		build(s, d);
	in = tui_box(tui_center(r, r.h, r.w > 80 ? 76 : r.w - 2), "Help — keys");
	tui_detail_draw(d, in);
}

const struct tui_view_ops tui_view_help = {
	.name = "help",
	.title = "Help",
	.flags = TUI_V_MODAL,
	.open = open_,
	.close = close_,
	.key = key,
	.draw = draw,
};
