/* palette.c: the : command palette — type part of a screen's name, Enter goes there.
 * "certificate mc-api" opens a detail screen with that id; "quit" quits. */
#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "tui/widgets.h"
#include "libcc/banned.h"

struct palette {
	char text[128];
	const struct tui_view_ops *match[64];
	int n, cur;
};

static bool candidate(const struct tui_view_ops *v)
{
	return !(v->flags & TUI_V_MODAL) && v != &tui_view_object;
}

static void refresh_matches(struct palette *p)
{
	char word[128];
	size_t wl = strcspn(p->text, " ");

	snprintf(word, sizeof(word), "%.*s", (int)wl, p->text);
	p->n = 0;
	/* the view of exactly that name, names that start with the word, those that hold it */
	if (tui_view_find(word) && candidate(tui_view_find(word)))
		p->match[p->n++] = tui_view_find(word);
	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; tui_views[i] && p->n < 64; i++) {
			const struct tui_view_ops *v = tui_views[i];
			bool pre =
				!strncasecmp(v->name, word, wl) || !strncasecmp(v->title, word, wl);
			bool in = strcasestr(v->name, word) || strcasestr(v->title, word);
			if (candidate(v) && (pass ? in && !pre : pre) &&
			    !(p->n && p->match[0] == v && tui_view_find(word) == v))
				p->match[p->n++] = v;
		}
	if (p->cur >= p->n)
		p->cur = p->n ? p->n - 1 : 0;
}

static void open_(struct tui_screen *s)
{
	struct palette *p = cc_xcalloc(1, sizeof(*p));

	refresh_matches(p);
	s->st = p;
}

static void close_(struct tui_screen *s)
{
	free(s->st);
}

static int go(struct tui_screen *s, struct palette *p)
{
	const char *arg = strchr(p->text, ' ');
	const struct tui_view_ops *v = p->n ? p->match[p->cur] : NULL;
	struct tui_app *app = s->app;

	if (!strcmp(p->text, "quit") || !strcmp(p->text, "q"))
		return TUI_QUIT;
	while (arg && *arg == ' ')
		arg++;
	if (!v) {
		tui_status(app, TUI_WARN, "no screen is called '%s'", p->text);
		return TUI_BACK;
	}
	if (v->flags & TUI_V_TOP) {
		tui_switch(app, v); /* closes every screen, the palette too: touch nothing after */
		return 0;
	}
	if (!arg || !*arg) {
		tui_status(app, TUI_WARN, "%s needs an id: ':%s ID'", v->title, v->name);
		return TUI_BACK;
	}
	tui_push(app, v, arg, NULL);
	return TUI_BACK; /* closes the palette below the new screen */
}

static int key(struct tui_screen *s, int k)
{
	struct palette *p = s->st;
	size_t n = strlen(p->text);

	if (k == TUI_KEY_ESC)
		return TUI_BACK;
	if (k == '\n' || k == '\r' || k == KEY_ENTER)
		return go(s, p);
	if (k == KEY_DOWN || k == '\t')
		p->cur = p->n ? (p->cur + 1) % p->n : 0;
	else if (k == KEY_UP || k == KEY_BTAB)
		p->cur = p->n ? (p->cur + p->n - 1) % p->n : 0;
	else if ((k == KEY_BACKSPACE || k == 127 || k == 8) && n)
		p->text[n - 1] = 0;
	else if (k >= 0x20 && k < 0x7f && n + 1 < sizeof(p->text)) {
		p->text[n] = (char)k;
		p->text[n + 1] = 0;
		p->cur = 0;
	}
	refresh_matches(p);
	return TUI_REDRAW;
}

static void draw(struct tui_screen *s, struct tui_rect r)
{
	struct palette *p = s->st;
	struct tui_rect in = tui_box(tui_center(r, r.h > 20 ? 18 : r.h, 50), "Go to");

	tui_putf(in.y, in.x + 1, in.w - 2, TUI_S_MARK, ":%s▏", p->text);
	for (int i = 0; i < p->n && i < in.h - 2; i++) {
		int first = p->cur >= in.h - 2 ? p->cur - (in.h - 3) : 0;
		const struct tui_view_ops *v = p->match[first + i < p->n ? first + i : i];
		bool cur = first + i == p->cur;
		if (first + i >= p->n)
			break;
		tui_fill(in.y + 2 + i, in.x, in.w, cur ? TUI_S_CURSOR : TUI_S_NORMAL);
		tui_putf(in.y + 2 + i, in.x + 1, in.w - 2, cur ? TUI_S_CURSOR : TUI_S_NORMAL,
			 "%-16s %s%s", v->name, v->title,
			 v->flags & TUI_V_TOP ? "" : " (needs an id)");
	}
}

const struct tui_view_ops tui_view_palette = {
	.name = "palette",
	.title = "Go to",
	.flags = TUI_V_MODAL,
	.open = open_,
	.close = close_,
	.key = key,
	.draw = draw,
};
