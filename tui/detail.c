/* detail.c: the detail view — label/value lines, section titles and links, scrolling */
#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include "libcc/buf.h"
#include "tui/widgets.h"
#include "libcc/banned.h"

void tui_detail_init(struct tui_detail *d)
{
	memset(d, 0, sizeof(*d));
	d->page = 10;
}

void tui_detail_release(struct tui_detail *d)
{
	size_t cur = d->cur, top = d->top;

	for (size_t i = 0; i < d->n; i++) {
		free(d->v[i].label);
		free(d->v[i].text);
		free(d->v[i].view);
		free(d->v[i].arg);
	}
	free(d->v);
	tui_detail_init(d);
	/* a refresh keeps the place */
	d->cur = cur;
	d->top = top;
}

static struct tui_dline *add(struct tui_detail *d, const char *label, const char *text,
			     enum tui_style st)
{
	struct tui_dline *l;

	if (d->n == d->alloc) {
		d->alloc = d->alloc ? d->alloc * 2 : 32;
		d->v = cc_xrealloc(d->v, d->alloc * sizeof(*d->v));
	}
	l = &d->v[d->n++];
	memset(l, 0, sizeof(*l));
	l->label = label ? cc_xstrdup(label) : NULL;
	l->text = cc_xstrdup(text ? text : "");
	l->style = st;
	return l;
}

void tui_detail_head(struct tui_detail *d, const char *title)
{
	if (d->n)
		add(d, NULL, "", TUI_S_NORMAL);
	add(d, NULL, title, TUI_S_HEADER)->head = true;
}

void tui_detail_kv(struct tui_detail *d, const char *label, const char *text, enum tui_style st)
{
	add(d, label, text, st);
}

void tui_detail_line(struct tui_detail *d, const char *text, enum tui_style st)
{
	add(d, NULL, text, st);
}

void tui_detail_link(struct tui_detail *d, const char *text, enum tui_style st, const char *view,
		     const char *arg)
{
	struct tui_dline *l = add(d, NULL, text, st);

	l->view = view ? cc_xstrdup(view) : NULL;
	l->arg = arg ? cc_xstrdup(arg) : NULL;
}

static void object(struct tui_detail *d, const json_t *o, const char *prefix,
		   const char *const *hide, int64_t now)
{
	const char *k;
	const json_t *v;

	json_object_foreach ((json_t *)o, k, v) {
		char *label = prefix ? cc_xasprintf("%s.%s", prefix, k) : cc_xstrdup(k);
		bool skip = false;
		for (int i = 0; hide && hide[i]; i++)
			skip = skip || !strcmp(hide[i], label);
		if (!skip && json_is_object(v) && json_object_size(v)) {
			object(d, v, label, hide, now);
		} else if (!skip) {
			size_t n = strlen(k);
			bool when = n > 3 && (!strcmp(k + n - 3, "_at") ||
					      !strcmp(k, "not_after") || !strcmp(k, "not_before"));
			char *t = tui_format(v, when ? TUI_F_WHEN : TUI_F_TEXT, now);
			add(d, label, t, !strcmp(k, "status") ? tui_status_style(t) : TUI_S_NORMAL);
			free(t);
		}
		free(label);
	}
}

void tui_detail_object(struct tui_detail *d, const json_t *o, const char *const *hide,
		       int64_t now_us)
{
	if (json_is_object(o))
		object(d, o, NULL, hide, now_us);
	else
		add(d, NULL, "(the server sent no object)", TUI_S_DIM);
}

void tui_detail_table(struct tui_detail *d, const struct tui_table *t, const char *view, int width)
{
	int w[32], nc = t->ncols < 32 ? t->ncols : 32;
	struct cc_buf b = CC_BUF_INIT;

	tui_table_widths(t->cols, nc, width, w);
	for (int c = 0; c < nc; c++)
		cc_buf_addf(&b, "%-*.*s ", w[c], w[c], t->cols[c].title);
	add(d, NULL, b.buf, TUI_S_DIM);
	for (size_t i = 0; i < t->n; i++) {
		enum tui_style st = TUI_S_NORMAL;
		cc_buf_reset(&b);
		for (int c = 0; c < nc; c++) {
			/* pad by screen columns, not bytes */
			wchar_t tmp[256];
			char mb[1024];
			tui_text_fit(t->row[i].cell[c], w[c], true, tmp, CC_ARRAY_SIZE(tmp));
			if (wcstombs(mb, tmp, sizeof(mb)) == (size_t)-1)
				snprintf(mb, sizeof(mb), "%-*s", w[c], "?");
			cc_buf_addf(&b, "%s ", mb);
			if (t->cols[c].fmt == TUI_F_STATUS && st == TUI_S_NORMAL)
				st = tui_status_style(t->row[i].cell[c]);
		}
		tui_detail_link(d, b.buf, st, view, t->row[i].id);
	}
	if (!t->n)
		add(d, NULL, "  (none)", TUI_S_DIM);
	cc_buf_release(&b);
}

const struct tui_dline *tui_detail_current(const struct tui_detail *d)
{
	return d->cur < d->n ? &d->v[d->cur] : NULL;
}

int tui_detail_key(struct tui_detail *d, int key)
{
	size_t last = d->n ? d->n - 1 : 0, page = d->page > 1 ? (size_t)d->page - 1 : 1;

	switch (key) {
	case KEY_DOWN:
	case 'j':
		d->cur = d->cur < last ? d->cur + 1 : last;
		break;
	case KEY_UP:
	case 'k':
		d->cur = d->cur ? d->cur - 1 : 0;
		break;
	case KEY_NPAGE:
		d->cur = d->cur + page < last ? d->cur + page : last;
		break;
	case KEY_PPAGE:
		d->cur = d->cur > page ? d->cur - page : 0;
		break;
	case KEY_HOME:
	case 'g':
		d->cur = 0;
		break;
	case KEY_END:
	case 'G':
		d->cur = last;
		break;
	default:
		return TUI_PASS;
	}
	return TUI_REDRAW;
}

void tui_detail_draw(struct tui_detail *d, struct tui_rect r)
{
	int lw = 0;

	d->page = r.h;
	if (d->cur >= d->n)
		d->cur = d->n ? d->n - 1 : 0;
	if (d->cur < d->top)
		d->top = d->cur;
	if (d->cur >= d->top + (size_t)r.h)
		d->top = d->cur - (size_t)r.h + 1;
	for (size_t i = 0; i < d->n; i++)
		if (d->v[i].label && tui_text_width(d->v[i].label) > lw)
			lw = tui_text_width(d->v[i].label);
	if (lw > r.w / 3)
		lw = r.w / 3;
	for (int i = 0; i < r.h && d->top + (size_t)i < d->n; i++) {
		const struct tui_dline *l = &d->v[d->top + (size_t)i];
		bool cur = d->top + (size_t)i == d->cur;
		int y = r.y + i, x = r.x + 1;
		if (cur)
			tui_fill(y, r.x, r.w, TUI_S_CURSOR);
		if (l->label) {
			tui_put(y, x, lw, cur ? TUI_S_CURSOR : TUI_S_DIM, l->label);
			x += lw + 2;
		}
		tui_put(y, x, r.x + r.w - x, cur ? TUI_S_CURSOR : l->style, l->text);
	}
}
