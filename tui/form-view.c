/* form-view.c: the form as a modal screen — drawing and submitting */
#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include "tui/widgets.h"
#include "libcc/banned.h"

static void open_(struct tui_screen *s)
{
	struct tui_form *f = cc_xmalloc(sizeof(*f));

	tui_form_init(f);
	s->st = f;
}

static void close_(struct tui_screen *s)
{
	tui_form_release(s->st);
	free(s->st);
}

struct tui_form *tui_form_open(struct tui_screen *parent, const char *title, int tag,
			       tui_form_fn submit, json_t *ctx)
{
	struct tui_screen *s = tui_push(parent->app, &tui_view_form, NULL, parent);
	struct tui_form *f;

	if (!s) {
		json_decref(ctx);
		return NULL;
	}
	f = s->st;
	f->title = cc_xstrdup(title);
	f->tag = tag;
	f->submit = submit;
	f->ctx = ctx;
	return f;
}

static int key(struct tui_screen *s, int k)
{
	struct tui_form *f = s->st;
	json_t *vals;
	int rc = tui_form_keypress(f, k);

	if (rc < 0)
		return TUI_BACK;
	if (rc == 0)
		return TUI_REDRAW;
	vals = tui_form_values(f);
	if (!vals)
		return TUI_REDRAW; /* f->err says why */
	if (s->parent && tui_alive(s->app, s->parent) && f->submit)
		f->submit(s->parent, f->tag, vals, f->ctx);
	json_decref(vals);
	return TUI_BACK;
}

static void draw_field(const struct tui_fval *v, bool cur, int y, int x, int lw, int w)
{
	enum tui_style st = cur ? TUI_S_CURSOR : TUI_S_NORMAL;

	tui_putf(y, x, lw, cur ? TUI_S_HEADER : TUI_S_DIM, "%s%s", v->label,
		 v->required ? "*" : "");
	tui_fill(y, x + lw + 1, w - lw - 1, st);
	if (v->type == TUI_FT_CHOICE || v->type == TUI_FT_BOOL)
		tui_putf(y, x + lw + 1, w - lw - 1, st, "‹ %s ›",
			 v->labels.n ? v->labels.v[v->idx] : "(no choices)");
	else
		tui_putf(y, x + lw + 1, w - lw - 1, st, "%s%s", v->text, cur ? "▏" : "");
}

void tui_form_draw(struct tui_form *f, struct tui_rect r)
{
	int h = (int)f->n + 6 + (f->note ? 2 : 0), w = r.w > 76 ? 72 : r.w - 4, lw = 0, first = 0;
	struct tui_rect in = tui_box(tui_center(r, h, w), f->title);
	int rows = in.h - 3 - (f->note ? 2 : 0), y = in.y + 1;

	for (size_t i = 0; i < f->n; i++)
		if (tui_text_width(f->f[i].label) + 1 > lw)
			lw = tui_text_width(f->f[i].label) + 1;
	if (lw > in.w / 2)
		lw = in.w / 2;
	if (f->note) {
		tui_put(y, in.x + 1, in.w - 2, TUI_S_DIM, f->note);
		y += 2;
	}
	if ((int)f->cur >= rows)
		first = (int)f->cur - rows + 1;
	for (int i = 0; i < rows && first + i < (int)f->n; i++)
		draw_field(&f->f[first + i], first + i == (int)f->cur, y + i, in.x + 1, lw,
			   in.w - 2);
	if (f->err[0])
		tui_put(in.y + in.h - 2, in.x + 1, in.w - 2, TUI_S_BAD, f->err);
	tui_put(in.y + in.h - 1, in.x + 1, in.w - 2, TUI_S_DIM,
		"Enter submit · Tab/↑↓ field · ←→ choose · ^U clear · Esc cancel");
}

static void draw(struct tui_screen *s, struct tui_rect r)
{
	tui_form_draw(s->st, r);
}

const struct tui_view_ops tui_view_form = {
	.name = "form",
	.title = "Form",
	.flags = TUI_V_MODAL,
	.open = open_,
	.close = close_,
	.key = key,
	.draw = draw,
};
