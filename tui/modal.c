/* modal.c: the confirm and message boxes, and the progress bar */
#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include "tui/widgets.h"
#include "libcc/banned.h"

struct modal {
	char *title;
	struct cc_strv lines;
	tui_confirm_fn yes; /* NULL: a message */
	int tag;
	json_t *ctx;
};

static void close_(struct tui_screen *s)
{
	struct modal *m = s->st;

	if (!m)
		return;
	free(m->title);
	cc_strv_release(&m->lines);
	json_decref(m->ctx);
	free(m);
}

static struct modal *modal_new(struct tui_screen *parent, const char *title, const char *text)
{
	struct tui_screen *s = tui_push(parent->app, &tui_view_modal, NULL, parent);
	struct modal *m;
	const char *p = text;

	if (!s)
		return NULL;
	m = cc_xcalloc(1, sizeof(*m));
	m->title = cc_xstrdup(title);
	for (;;) {
		const char *nl = strchr(p, '\n');
		cc_strv_take(&m->lines, nl ? cc_xstrndup(p, (size_t)(nl - p)) : cc_xstrdup(p));
		if (!nl)
			break;
		p = nl + 1;
	}
	s->st = m;
	return m;
}

void tui_confirm(struct tui_screen *parent, const char *title, const char *text, int tag,
		 tui_confirm_fn yes, json_t *ctx)
{
	struct modal *m = modal_new(parent, title, text);

	if (!m) {
		json_decref(ctx);
		return;
	}
	m->yes = yes;
	m->tag = tag;
	m->ctx = ctx;
}

void tui_message(struct tui_screen *parent, const char *title, const char *text)
{
	modal_new(parent, title, text);
}

static int key(struct tui_screen *s, int k)
{
	struct modal *m = s->st;

	if (k == 'y' || k == 'Y' || k == '\n' || k == '\r' || k == KEY_ENTER) {
		if (m->yes && s->parent && tui_alive(s->app, s->parent))
			m->yes(s->parent, m->tag, m->ctx);
		return TUI_BACK;
	}
	if (k == 'n' || k == 'N' || k == 'q' || k == TUI_KEY_ESC)
		return TUI_BACK;
	return TUI_REDRAW;
}

static void draw(struct tui_screen *s, struct tui_rect r)
{
	struct modal *m = s->st;
	int w = 24;
	struct tui_rect in;

	for (size_t i = 0; i < m->lines.n; i++)
		if (tui_text_width(m->lines.v[i]) + 4 > w)
			w = tui_text_width(m->lines.v[i]) + 4;
	in = tui_box(tui_center(r, (int)m->lines.n + 4, w), m->title);
	for (size_t i = 0; i < m->lines.n && (int)i < in.h - 2; i++)
		tui_put(in.y + 1 + (int)i, in.x + 1, in.w - 2, TUI_S_NORMAL, m->lines.v[i]);
	tui_put(in.y + in.h - 1, in.x + 1, in.w - 2, TUI_S_DIM,
		m->yes ? "y/Enter yes · n/Esc no" : "Enter/Esc close");
}

void tui_progress_draw(int y, int x, int w, long long done, long long total)
{
	char txt[48];
	int bw, fill;

	snprintf(txt, sizeof(txt), " %lld/%lld", done, total);
	bw = w - tui_text_width(txt);
	if (bw < 3)
		bw = 3;
	fill = total > 0 ? (int)(done * bw / total) : 0;
	if (fill > bw)
		fill = bw;
	attron(tui_attr(TUI_S_BAR));
	for (int i = 0; i < bw; i++)
		mvaddstr(y, x + i, i < fill ? "█" : "░");
	attroff(tui_attr(TUI_S_BAR));
	tui_put(y, x + bw, w - bw, TUI_S_NORMAL, txt);
}

const struct tui_view_ops tui_view_modal = {
	.name = "modal",
	.title = "Message",
	.flags = TUI_V_MODAL,
	.close = close_,
	.key = key,
	.draw = draw,
};
