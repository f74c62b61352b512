/* request.c: sending requests for a screen, routing their results back, the status line
 * and the "server unreachable — retrying" state */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "libcc/buf.h"
#include "libcc/client.h"
#include "tui/app-int.h"
#include "tui/fetch.h"
#include "libcc/banned.h"

void tui_status(struct tui_app *app, enum tui_level lv, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(app->status, sizeof(app->status), fmt, ap);
	va_end(ap);
	app->status_lv = lv;
	app->status_until_ms = app->now_ms + (lv == TUI_ERROR ? 15000 : 6000);
	app->dirty = true;
}

void tui_send(struct tui_screen *s, int tag, const char *method, const char *path, json_t *body)
{
	s->inflight++;
	tui_fetch_push(s->app->fetch, s->id, tag, method, path, body);
	s->app->dirty = true;
}

void tui_get(struct tui_screen *s, int tag, const char *path)
{
	tui_send(s, tag, "GET", path, NULL);
}

char *tui_path(const char *fmt, ...)
{
	struct cc_buf b = CC_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	for (const char *p = fmt; *p; p++) {
		if (p[0] == '%' && p[1] == 's') {
			const char *a = va_arg(ap, const char *);
			char *e = cc_url_escape(a ? a : "");
			cc_buf_adds(&b, e);
			free(e);
			p++;
		} else if (p[0] == '%' && p[1] == '%') {
			cc_buf_addc(&b, '%');
			p++;
		} else {
			cc_buf_addc(&b, *p);
		}
	}
	va_end(ap);
	return cc_buf_detach(&b, NULL);
}

bool tui_res_ok(const struct tui_res *r)
{
	return r->status >= 200 && r->status < 300;
}

bool tui_res_missing(const struct tui_res *r)
{
	return (r->status == 404 || r->status == 405 || r->status == 501) &&
	       (strstr(r->text, "no route") || r->status != 404);
}

void tui_set_missing(struct tui_screen *s, const struct tui_res *r)
{
	free(s->missing);
	s->missing =
		cc_xasprintf("this server does not offer %s yet (HTTP %ld)", r->path, r->status);
}

void tui_res_report(struct tui_screen *s, const struct tui_res *r, const char *what)
{
	if (r->status == 0)
		return; /* the status line says the server is unreachable */
	if (r->status == 401)
		tui_status(s->app, TUI_ERROR,
			   "%s: not authorized: check --api-key or CERTCTL_API_KEY", what);
	else if (tui_res_missing(r))
		tui_status(s->app, TUI_WARN, "%s: the server does not offer %s", what, r->path);
	else
		tui_status(s->app, TUI_ERROR, "%s: %s", what, r->err.msg);
}

static struct tui_screen *owner_of(struct tui_app *app, unsigned long id)
{
	for (int i = 0; i < app->depth; i++)
		if (app->stack[i]->id == id)
			return app->stack[i];
	return NULL;
}

/* reachability: a transport error makes the app retry; any answer ends that */
static void track_server(struct tui_app *app, const struct tui_res *r)
{
	struct tui_screen *base;

	if (r->status == 0) {
		if (!app->offline) {
			app->offline = true;
			app->offline_since_ms = app->now_ms;
			app->next_retry_ms = app->now_ms + TUI_RETRY_MS;
		}
		snprintf(app->offline_msg, sizeof(app->offline_msg), "%.190s", r->err.msg);
		return;
	}
	if (!app->offline)
		return;
	app->offline = false;
	tui_status(app, TUI_OK, "server is back");
	base = tui_app_base(app);
	if (base && base->inflight == 0)
		tui_app_apply(app, base, TUI_RELOAD);
}

void tui_app_result(struct tui_app *app, struct tui_res *r)
{
	struct tui_screen *s = owner_of(app, r->owner);
	int rc;

	track_server(app, r);
	if (!s) {
		tui_res_free(r);
		return;
	}
	if (s->inflight > 0)
		s->inflight--;
	rc = s->ops->result ? s->ops->result(s, r) : 0;
	tui_res_free(r);
	app->dirty = true;
	tui_app_apply(app, s, rc);
}
