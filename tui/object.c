/* object.c: the generic object screen — every field of one object, then its related lists
 * (each a section whose rows open their own screens), then what the view adds */
#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include "tui/screens.h"
#include "libcc/banned.h"

enum { TAG_OBJ = 1, TAG_SUB0 = 10 };

static const struct tui_obj_desc *desc(const struct tui_screen *s)
{
	static const struct tui_obj_desc plain = { 0 };

	return s->ops->desc ? s->ops->desc : &plain;
}

struct tui_obj *tui_obj(struct tui_screen *s)
{
	return s->st;
}

const char *tui_obj_str(struct tui_screen *s, const char *key)
{
	const char *v = tui_jstr(tui_obj(s)->obj, key);

	return v ? v : "";
}

void tui_obj_open(struct tui_screen *s)
{
	struct tui_obj *o = cc_xcalloc(1, sizeof(*o));

	tui_detail_init(&o->d);
	s->st = o;
}

void tui_obj_close(struct tui_screen *s)
{
	struct tui_obj *o = s->st;

	tui_detail_release(&o->d);
	json_decref(o->obj);
	for (int i = 0; i < TUI_OBJ_MAX_SUBS; i++)
		json_decref(o->sub[i]);
	json_decref(o->user);
	free(o);
}

void tui_obj_load(struct tui_screen *s)
{
	const struct tui_obj_desc *d = desc(s);
	char *p = d->path ? tui_path(d->path, s->arg) : cc_xstrdup(s->arg ? s->arg : "/");

	tui_get(s, TAG_OBJ, p);
	free(p);
	for (int i = 0; d->subs && d->subs[i].title && i < TUI_OBJ_MAX_SUBS; i++) {
		p = tui_path(d->subs[i].path, s->arg);
		tui_get(s, TAG_SUB0 + i, p);
		free(p);
	}
	if (d->load)
		d->load(s);
}

int tui_obj_result(struct tui_screen *s, const struct tui_res *r)
{
	struct tui_obj *o = s->st;
	const struct tui_obj_desc *d = desc(s);

	o->built_w = 0;
	if (r->tag >= TUI_TAG_USER)
		return d->result ? d->result(s, r) : TUI_REDRAW;
	if (!tui_res_ok(r)) {
		if (tui_res_missing(r))
			tui_set_missing(s, r);
		else
			tui_res_report(s, r, r->tag == TAG_OBJ ? s->ops->title : "related list");
		return TUI_REDRAW;
	}
	if (r->tag == TAG_OBJ) {
		json_decref(o->obj);
		o->obj = json_incref(r->json);
	} else if (r->tag >= TAG_SUB0 && r->tag < TAG_SUB0 + TUI_OBJ_MAX_SUBS) {
		json_decref(o->sub[r->tag - TAG_SUB0]);
		o->sub[r->tag - TAG_SUB0] = json_incref(r->json);
	}
	return TUI_REDRAW;
}

static void build(struct tui_screen *s, int w)
{
	struct tui_obj *o = s->st;
	const struct tui_obj_desc *d = desc(s);
	int64_t now = tui_app_now_us(s->app);

	tui_detail_release(&o->d);
	if (s->missing)
		tui_detail_line(&o->d, s->missing, TUI_S_WARN);
	if (o->obj)
		tui_detail_object(&o->d, o->obj, d->hide, now);
	else
		tui_detail_line(&o->d, s->inflight ? "loading…" : "(nothing)", TUI_S_DIM);
	for (int i = 0; d->subs && d->subs[i].title && i < TUI_OBJ_MAX_SUBS; i++) {
		struct tui_table t = { 0 };
		tui_detail_head(&o->d, d->subs[i].title);
		if (tui_table_fill(&t, d->subs[i].cols, o->sub[i], now) < 0)
			tui_detail_line(&o->d, o->sub[i] ? "  (not a list)" : "  …", TUI_S_DIM);
		else
			tui_detail_table(&o->d, &t, d->subs[i].open, w - 2);
		tui_table_release(&t);
	}
	if (d->extra)
		d->extra(s, &o->d, w);
	o->built_w = w;
}

int tui_obj_key(struct tui_screen *s, int key)
{
	struct tui_obj *o = s->st;
	const struct tui_dline *l;

	if (key == '\n' || key == '\r' || key == KEY_ENTER) {
		l = tui_detail_current(&o->d);
		if (l && l->view && l->arg && *l->arg)
			tui_push_name(s->app, l->view, l->arg);
		return TUI_REDRAW;
	}
	return tui_detail_key(&o->d, key);
}

int tui_obj_act(struct tui_screen *s, enum tui_act a)
{
	const struct tui_obj_desc *d = desc(s);

	return d->act ? d->act(s, a) : TUI_PASS;
}

void tui_obj_draw(struct tui_screen *s, struct tui_rect r)
{
	struct tui_obj *o = s->st;

	if (o->built_w != r.w)
		build(s, r.w);
	tui_detail_draw(&o->d, r);
}

const struct tui_view_ops tui_view_object = {
	.name = "object",
	.title = "Details",
	.open = tui_obj_open,
	.close = tui_obj_close,
	.load = tui_obj_load,
	.result = tui_obj_result,
	.key = tui_obj_key,
	.draw = tui_obj_draw,
};
