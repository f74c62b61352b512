/* reslist.c: the generic resource list screen — a list view over one endpoint with
 * server-side filters, create/edit forms, delete with confirmation and Enter to open */
#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include "libcc/buf.h"
#include "libcc/client.h"
#include "tui/screens.h"
#include "libcc/banned.h"

enum { TAG_LIST = TUI_TAG_LIST, TAG_SAVE = TUI_TAG_SAVE, TAG_DELETE };

struct tui_rl *tui_rl(struct tui_screen *s)
{
	return s->st;
}

const struct tui_rl_desc *tui_rl_desc(const struct tui_screen *s)
{
	return s->ops->desc;
}

void tui_rl_open(struct tui_screen *s)
{
	struct tui_rl *rl = cc_xcalloc(1, sizeof(*rl));

	tui_list_init(&rl->list);
	rl->list.sort_col = tui_rl_desc(s)->sort_col - 1;
	s->st = rl;
}

void tui_rl_close(struct tui_screen *s)
{
	struct tui_rl *rl = s->st;

	tui_list_release(&rl->list);
	json_decref(rl->reply);
	json_decref(rl->filter);
	json_decref(rl->user);
	free(rl->note);
	free(rl);
}

static void rebuild(struct tui_screen *s)
{
	struct tui_rl *rl = s->st;
	struct tui_table t = { 0 };

	tui_table_fill(&t, tui_rl_desc(s)->cols, rl->reply, tui_app_now_us(s->app));
	tui_list_set(&rl->list, &t);
	tui_table_release(&t);
	rl->built_s = tui_app_now_us(s->app) / 1000000;
}

void tui_rl_set(struct tui_screen *s, json_t *reply)
{
	struct tui_rl *rl = s->st;

	json_decref(rl->reply);
	rl->reply = reply;
	rebuild(s);
	if (tui_rl_desc(s)->loaded)
		tui_rl_desc(s)->loaded(s);
}

char *tui_rl_query(const struct tui_screen *s, const char *path)
{
	const struct tui_rl *rl = s->st;
	struct cc_buf b = CC_BUF_INIT;
	const char *k;
	json_t *v;

	cc_buf_adds(&b, path);
	json_object_foreach (rl->filter, k, v) {
		char *t = tui_jtext(v), *ek = cc_url_escape(k), *ev = cc_url_escape(t);
		cc_buf_addf(&b, "%c%s=%s", strchr(b.buf, '?') ? '&' : '?', ek, ev);
		free(t);
		free(ek);
		free(ev);
	}
	return cc_buf_detach(&b, NULL);
}

void tui_rl_load(struct tui_screen *s)
{
	const struct tui_rl_desc *d = tui_rl_desc(s);
	char *p;

	if (d->load) {
		d->load(s);
		return;
	}
	p = tui_rl_query(s, d->path);
	tui_get(s, TAG_LIST, p);
	free(p);
}

int tui_rl_result(struct tui_screen *s, const struct tui_res *r)
{
	const struct tui_rl_desc *d = tui_rl_desc(s);

	if (r->tag >= TUI_TAG_USER && d->result)
		return d->result(s, r);
	if (r->tag == TAG_LIST) {
		if (tui_res_missing(r))
			tui_set_missing(s, r);
		else if (!tui_res_ok(r))
			tui_res_report(s, r, "list");
		else if (!tui_jdata(r->json))
			tui_status(s->app, TUI_ERROR, "the server sent no list for %s", r->path);
		else
			tui_rl_set(s, json_incref(r->json));
		return TUI_REDRAW;
	}
	if (!tui_res_ok(r)) {
		tui_res_report(s, r, r->tag == TAG_DELETE ? "delete" : "save");
		return TUI_REDRAW;
	}
	tui_status(s->app, TUI_OK, r->tag == TAG_DELETE ? "deleted" : "saved");
	return s->inflight ? TUI_REDRAW : TUI_RELOAD;
}

int tui_rl_key(struct tui_screen *s, int key)
{
	struct tui_rl *rl = s->st;

	return tui_list_key(&rl->list, key);
}

/* the collection: the path without its query */
static char *collection(const struct tui_rl_desc *d)
{
	return cc_xstrndup(d->path, strcspn(d->path, "?"));
}

static void submit_create(struct tui_screen *s, int tag, const json_t *vals, const json_t *ctx)
{
	char *p = collection(tui_rl_desc(s));

	(void)tag;
	(void)ctx;
	tui_send(s, TAG_SAVE, "POST", p, json_deep_copy(vals));
	free(p);
}

/* PUT replaces the whole object: the item as it was, with the form's values over it */
static void submit_edit(struct tui_screen *s, int tag, const json_t *vals, const json_t *item)
{
	json_t *body = json_deep_copy(item);
	char *p = tui_path(tui_rl_desc(s)->item_path, tui_jstr(item, "id"));

	(void)tag;
	json_object_update_recursive(body, (json_t *)vals);
	tui_send(s, TAG_SAVE, "PUT", p, body);
	free(p);
}

static void submit_filter(struct tui_screen *s, int tag, const json_t *vals, const json_t *ctx)
{
	struct tui_rl *rl = s->st;

	(void)tag;
	(void)ctx;
	json_decref(rl->filter);
	rl->filter = json_object_size(vals) ? json_deep_copy(vals) : NULL;
	tui_reload(s);
}

static void confirm_delete(struct tui_screen *s, int tag, const json_t *ids)
{
	(void)tag;
	tui_send_ids(s, TAG_DELETE, "DELETE", tui_rl_desc(s)->item_path, ids, NULL);
}

static int form_for(struct tui_screen *s, const struct tui_row *row)
{
	const struct tui_rl_desc *d = tui_rl_desc(s);
	struct tui_form *f;

	if (!d->form)
		return TUI_PASS;
	if (!row) {
		f = tui_form_open(s, "New", 0, submit_create, NULL);
		if (f)
			tui_form_fields(f, d->form);
		return TUI_REDRAW;
	}
	f = tui_form_open(s, row->id, 0, submit_edit, json_incref(row->item));
	if (!f)
		return TUI_REDRAW;
	tui_form_fields(f, d->form);
	for (const struct tui_field *fl = d->form; fl->key; fl++) {
		const json_t *v = tui_jget(row->item, fl->key);
		char *t = fl->type == TUI_FT_JSON ? json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY)
			  : json_is_boolean(v)	  ? cc_xstrdup(json_is_true(v) ? "yes" : "no")
						  : tui_jtext(v);
		if (v)
			tui_form_set(f, fl->key, t);
		free(t);
	}
	return TUI_REDRAW;
}

static int filter_form(struct tui_screen *s)
{
	struct tui_rl *rl = s->st;
	struct tui_form *f;
	const char *k;
	json_t *v;

	if (!tui_rl_desc(s)->filter)
		return TUI_PASS;
	f = tui_form_open(s, "Filter (on the server)", 0, submit_filter, NULL);
	if (!f)
		return TUI_REDRAW;
	tui_form_fields(f, tui_rl_desc(s)->filter);
	json_object_foreach (rl->filter, k, v) {
		char *t = tui_jtext(v);
		tui_form_set(f, k, t);
		free(t);
	}
	return TUI_REDRAW;
}

static int delete_rows(struct tui_screen *s)
{
	struct tui_rl *rl = s->st;
	struct cc_strv ids = CC_STRV_INIT;
	json_t *a = json_array();
	char *q;

	if (!tui_rl_desc(s)->item_path)
		return TUI_PASS;
	tui_list_ids(&rl->list, &ids);
	for (size_t i = 0; i < ids.n; i++)
		json_array_append_new(a, json_string(ids.v[i]));
	q = ids.n == 1 ? cc_xasprintf("Delete %s?", ids.v[0])
		       : cc_xasprintf("Delete the %zu selected items?", ids.n);
	if (ids.n)
		tui_confirm(s, "Delete", q, 0, confirm_delete, a);
	else
		json_decref(a);
	free(q);
	cc_strv_release(&ids);
	return TUI_REDRAW;
}

int tui_rl_act(struct tui_screen *s, enum tui_act a)
{
	const struct tui_rl_desc *d = tui_rl_desc(s);
	struct tui_rl *rl = s->st;
	const struct tui_row *row = tui_list_current(&rl->list);
	int rc = d->act ? d->act(s, a) : TUI_PASS;
	char *p;

	if (rc != TUI_PASS)
		return rc;
	switch (a) {
	case TUI_A_open:
		if (!row || !*row->id)
			return TUI_REDRAW;
		if (d->open)
			tui_push_name(s->app, d->open, row->id);
		else if (d->item_path) {
			p = tui_path(d->item_path, row->id);
			tui_push(s->app, &tui_view_object, p, NULL);
			free(p);
		}
		return TUI_REDRAW;
	case TUI_A_create:
		return form_for(s, NULL);
	case TUI_A_edit:
		return row ? form_for(s, row) : TUI_REDRAW;
	case TUI_A_delete:
		return delete_rows(s);
	case TUI_A_filter:
		return filter_form(s);
	default:
		return TUI_PASS;
	}
}

void tui_rl_draw(struct tui_screen *s, struct tui_rect r)
{
	const struct tui_rl_desc *d = tui_rl_desc(s);
	struct tui_rl *rl = s->st;

	if (s->missing) {
		tui_put(r.y, r.x + 1, r.w - 2, TUI_S_WARN, s->missing);
		r.y++;
		r.h--;
	}
	if (rl->note || d->note) {
		tui_put(r.y, r.x + 1, r.w - 2, TUI_S_DIM, rl->note ? rl->note : d->note);
		r.y++;
		r.h--;
	}
	if (rl->filter) {
		char *t = tui_jtext(rl->filter);
		tui_putf(r.y, r.x + 1, r.w - 2, TUI_S_MARK, "filter: %s  (f to change)", t);
		free(t);
		r.y++;
		r.h--;
	}
	tui_list_draw(&rl->list, r,
		      s->inflight && !rl->reply ? "loading…"
		      : d->empty		? d->empty
						: "nothing here");
}

int tui_rl_tick(struct tui_screen *s, int64_t now_ms)
{
	struct tui_rl *rl = s->st;

	(void)now_ms;
	if (tui_rl_desc(s)->live && rl->reply && tui_app_now_us(s->app) / 1000000 != rl->built_s) {
		rebuild(s);
		return TUI_REDRAW;
	}
	return 0;
}

void tui_rl_post_selected(struct tui_screen *s, int tag, const char *path_fmt)
{
	struct cc_strv ids = CC_STRV_INIT;

	tui_list_ids(&tui_rl(s)->list, &ids);
	tui_post_each(s, tag, path_fmt, &ids, NULL);
	cc_strv_release(&ids);
}
