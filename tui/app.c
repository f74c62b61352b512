/* app.c: the TUI's main loop — terminal setup, the screen stack, key dispatch, ticks */
#include <curses.h>
#include <errno.h>
#include <locale.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "libcc/client.h"
#include "libcc/time.h"
#include "tui/app-int.h"
#include "tui/draw.h"
#include "tui/fetch.h"
#include "tui/script.h"
#include "libcc/banned.h"

int64_t tui_mono_ms(void)
{
	return cc_time_mono_ms();
}

void tui_app_size(const struct tui_app *app, int *rows, int *cols)
{
	*rows = app->rows;
	*cols = app->cols;
}

const char *tui_app_server(const struct tui_app *app)
{
	return app->server_url ? app->server_url : "";
}

bool tui_app_color(const struct tui_app *app)
{
	return app->color;
}

int64_t tui_app_now_us(const struct tui_app *app)
{
	if (app->opts->now_s)
		return (int64_t)app->opts->now_s * CC_USEC_PER_SEC;
	return cc_time_now();
}

bool tui_app_wizard_due(struct tui_app *app)
{
	bool due = !app->wizard_asked && !app->opts->no_wizard && !app->opts->screen;

	app->wizard_asked = true;
	return due;
}

bool tui_alive(const struct tui_app *app, const struct tui_screen *s)
{
	for (int i = 0; i < app->depth; i++)
		if (app->stack[i] == s)
			return true;
	return false;
}

struct tui_screen *tui_app_base(const struct tui_app *app)
{
	for (int i = app->depth - 1; i >= 0; i--)
		if (!(app->stack[i]->ops->flags & TUI_V_MODAL))
			return app->stack[i];
	return NULL;
}

static void screen_load(struct tui_screen *s)
{
	s->loaded_ms = s->app->now_ms;
	if (s->ops->load)
		s->ops->load(s);
	s->app->dirty = true;
}

static void screen_free(struct tui_screen *s)
{
	if (s->ops->close)
		s->ops->close(s);
	free(s->arg);
	free(s->missing);
	free(s);
}

struct tui_screen *tui_push(struct tui_app *app, const struct tui_view_ops *ops, const char *arg,
			    struct tui_screen *parent)
{
	struct tui_screen *s;

	if (app->depth == TUI_MAX_DEPTH) {
		tui_status(app, TUI_WARN, "too many screens open: close some with q");
		return NULL;
	}
	s = cc_xcalloc(1, sizeof(*s));
	s->ops = ops;
	s->app = app;
	s->parent = parent;
	s->id = ++app->next_id;
	s->arg = arg ? cc_xstrdup(arg) : NULL;
	app->stack[app->depth++] = s;
	if (ops->open)
		ops->open(s);
	screen_load(s);
	return s;
}

struct tui_screen *tui_push_name(struct tui_app *app, const char *name, const char *arg)
{
	const struct tui_view_ops *ops = tui_view_find(name);

	return ops ? tui_push(app, ops, arg, NULL) : NULL;
}

static void remove_screen(struct tui_app *app, struct tui_screen *s)
{
	for (int i = 0; i < app->depth; i++) {
		if (app->stack[i] != s)
			continue;
		memmove(&app->stack[i], &app->stack[i + 1],
			(size_t)(app->depth - i - 1) * sizeof(app->stack[0]));
		app->depth--;
		screen_free(s);
		app->dirty = true;
		return;
	}
}

void tui_switch(struct tui_app *app, const struct tui_view_ops *ops)
{
	while (app->depth)
		remove_screen(app, app->stack[app->depth - 1]);
	tui_push(app, ops, NULL, NULL);
}

/* the top screens in registry order, and which one is shown */
static void cycle_top(struct tui_app *app, int dir)
{
	const struct tui_screen *base = app->depth ? app->stack[0] : NULL;
	int n = 0, cur = 0;
	const struct tui_view_ops *top[64];

	for (int i = 0; tui_views[i] && n < 64; i++) {
		if (!(tui_views[i]->flags & TUI_V_TOP))
			continue;
		if (base && base->ops == tui_views[i])
			cur = n;
		top[n++] = tui_views[i];
	}
	if (n)
		tui_switch(app, top[(cur + dir + n) % n]);
}

void tui_app_apply(struct tui_app *app, struct tui_screen *s, int rc)
{
	if (rc & TUI_QUIT)
		app->quit = true;
	if (rc & (TUI_REDRAW | TUI_BACK))
		app->dirty = true;
	if ((rc & TUI_RELOAD) && tui_alive(app, s) && !(rc & TUI_BACK))
		screen_load(s);
	if ((rc & TUI_BACK) && tui_alive(app, s))
		remove_screen(app, s);
	if (!app->depth)
		app->quit = true;
}

void tui_reload(struct tui_screen *s)
{
	tui_app_apply(s->app, s, TUI_RELOAD);
}

static int key_action(struct tui_screen *s, int key)
{
	for (const enum tui_act *p = s->ops->acts; p && *p != TUI_A__COUNT; p++) {
		int k = tui_actions[*p].key;
		if (k == key || (*p == TUI_A_sort && key == 'S') ||
		    (*p == TUI_A_range && key == '[') || (*p == TUI_A_select && key == '*') ||
		    (*p == TUI_A_open && (key == '\r' || key == KEY_ENTER)))
			return s->ops->act ? s->ops->act(s, *p) : TUI_PASS;
	}
	return TUI_PASS;
}

/* the keys every screen has */
static void global_key(struct tui_app *app, struct tui_screen *t, int key)
{
	bool modal = t->ops->flags & TUI_V_MODAL;

	if (key == 'q' || key == TUI_KEY_ESC) {
		if (modal || app->depth > 1)
			remove_screen(app, t);
		else if (key == 'q')
			app->quit = true;
	} else if (key == '?' && t->ops != &tui_view_help) {
		tui_push(app, &tui_view_help, NULL, t);
	} else if (key == ':' && !modal) {
		tui_push(app, &tui_view_palette, NULL, t);
	} else if ((key == '\t' || key == KEY_BTAB) && !modal) {
		cycle_top(app, key == '\t' ? 1 : -1);
	} else if (key == 0x12 || key == KEY_F(5)) {
		screen_load(tui_app_base(app) ? tui_app_base(app) : t);
	} else if (key == 0x0c) {
		clearok(curscr, TRUE);
		app->dirty = true;
	}
}

void tui_app_key(struct tui_app *app, int key)
{
	struct tui_screen *t;
	int rc = TUI_PASS;

	if (key == KEY_RESIZE) {
		app->dirty = true;
		return;
	}
	if (key == 0x03) { /* raw mode: Ctrl-C is a key, and it always quits */
		app->quit = true;
		return;
	}
	if (!app->depth)
		return;
	t = app->stack[app->depth - 1];
	if (t->ops->key)
		rc = t->ops->key(t, key);
	if (rc == TUI_PASS)
		rc = key_action(t, key);
	if (rc == TUI_PASS) {
		global_key(app, t, key);
		app->dirty = true;
		return;
	}
	tui_app_apply(app, t, rc);
}

static void tick(struct tui_app *app)
{
	struct tui_screen *base = tui_app_base(app);

	for (int i = 0; i < app->depth; i++) {
		struct tui_screen *s = app->stack[i];
		int rc = 0;
		if (s->ops->tick)
			rc = s->ops->tick(s, app->now_ms);
		if (s->ops->refresh_s && !s->inflight && !app->offline &&
		    app->now_ms - s->loaded_ms >= s->ops->refresh_s * 1000)
			rc |= TUI_RELOAD;
		if (rc) {
			tui_app_apply(app, s, rc);
			break; /* the stack may have changed */
		}
	}
	if (app->offline && base && app->now_ms >= app->next_retry_ms) {
		app->next_retry_ms = app->now_ms + TUI_RETRY_MS;
		if (!base->inflight)
			screen_load(base);
	}
	if (app->status[0] && app->status_until_ms && app->now_ms > app->status_until_ms) {
		app->status[0] = 0;
		app->dirty = true;
	}
	app->dirty = true; /* clocks and countdowns move */
}

static void draw(struct tui_app *app)
{
	struct tui_rect r;
	int base = 0;

	getmaxyx(stdscr, app->rows, app->cols);
	erase();
	if (app->rows < TUI_MIN_ROWS || app->cols < TUI_MIN_COLS) {
		tui_putf(0, 0, app->cols, TUI_S_BAD, "terminal too small: %dx%d, need %dx%d",
			 app->cols, app->rows, TUI_MIN_COLS, TUI_MIN_ROWS);
		refresh();
		return;
	}
	r = tui_chrome_draw(app);
	for (int i = app->depth - 1; i >= 0; i--)
		if (!(app->stack[i]->ops->flags & TUI_V_MODAL)) {
			base = i;
			break;
		}
	for (int i = base; i < app->depth; i++)
		if (app->stack[i]->ops->draw)
			app->stack[i]->ops->draw(app->stack[i], r);
	refresh();
}

static void read_keys(struct tui_app *app)
{
	wint_t wc;
	int rc;

	while (!app->quit && (rc = wget_wch(stdscr, &wc)) != ERR)
		tui_app_key(app, (int)wc);
}

bool tui_app_idle(const struct tui_app *app)
{
	for (int i = 0; i < app->depth; i++)
		if (app->stack[i]->inflight)
			return false;
	return true;
}

/* the script's next command, once the screen is drawn */
static void script_step(struct tui_app *app)
{
	if (app->quit || app->dirty)
		return;
	app->script_rc = tui_script_step(app->script, app, app->now_ms, &app->script_err);
	if (app->script_rc <= 0)
		app->quit = true;
}

static void loop(struct tui_app *app)
{
	int64_t next_tick = 0;

	while (!app->quit && app->depth) {
		struct pollfd pfd[2] = { { app->script ? -1 : 0, POLLIN, 0 },
					 { tui_fetch_fd(app->fetch), POLLIN, 0 } };
		struct tui_res *res;

		if (app->dirty) {
			app->dirty = false;
			draw(app);
		}
		if (poll(pfd, 2, app->script ? 10 : 250) < 0 && errno != EINTR)
			break;
		/* the terminal hung up (its window closed): nobody can type any more */
		if (pfd[0].revents & (POLLHUP | POLLERR | POLLNVAL))
			break;
		app->now_ms = tui_mono_ms();
		while (!app->quit && (res = tui_fetch_pop(app->fetch)))
			tui_app_result(app, res);
		if (app->script)
			script_step(app);
		else
			read_keys(app);
		if (app->now_ms >= next_tick) {
			next_tick = app->now_ms + 1000;
			tick(app);
		}
	}
}

static void first_screen(struct tui_app *app)
{
	const struct tui_view_ops *ops =
		app->opts->screen ? tui_view_find(app->opts->screen) : NULL;

	if (ops && (ops->flags & TUI_V_TOP))
		tui_push(app, ops, NULL, NULL);
	else if (ops && !(ops->flags & TUI_V_MODAL)) {
		tui_push(app, &tui_view_dashboard, NULL, NULL);
		tui_push(app, ops, NULL, NULL);
	} else
		tui_push(app, &tui_view_dashboard, NULL, NULL);
}

/* the terminal, or for a script a screen of LINES x COLUMNS that is drawn to /dev/null */
static SCREEN *term_open(struct tui_app *app, FILE **in, FILE **out, struct cc_err *err)
{
	SCREEN *sp;

	if (!app->script) {
		initscr(); /* exits with a message when the terminal is unusable */
		return NULL;
	}
	*in = fopen("/dev/null", "re");
	*out = fopen("/dev/null", "we");
	sp = *in && *out ? newterm(getenv("TERM") ? NULL : "xterm", *out, *in) : NULL;
	if (!sp) {
		cc_err_set(err, CC_E_IO, "cannot set up a screen for the TUI script");
		if (*in)
			fclose(*in);
		if (*out)
			fclose(*out);
	}
	return sp;
}

int tui_run(struct cc_client *cl, const struct tui_opts *o, struct cc_err *err)
{
	struct tui_app app;
	FILE *in = NULL, *out = NULL;
	SCREEN *sp;

	memset(&app, 0, sizeof(app));
	app.opts = o;
	app.color = o->color;
	app.server_url = cl->base_url;
	if (o->script && !(app.script = tui_script_open(o->script, err)))
		return -1;
	setlocale(LC_ALL, "");
	set_escdelay(25);
	sp = term_open(&app, &in, &out, err);
	if (app.script && !sp) {
		tui_script_close(app.script);
		return -1;
	}
	app.fetch = tui_fetch_start(cl, err);
	if (!app.fetch) {
		endwin();
		goto out;
	}
	raw();
	noecho();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	curs_set(0);
	tui_theme_init(app.color);
	app.now_ms = tui_mono_ms();
	app.dirty = true;
	first_screen(&app);
	loop(&app);
	while (app.depth)
		remove_screen(&app, app.stack[app.depth - 1]);
	endwin();
	tui_fetch_stop(app.fetch);
out:
	if (sp) {
		delscreen(sp);
		fclose(in);
		fclose(out);
	}
	tui_script_close(app.script);
	if (app.script_rc < 0)
		*err = app.script_err;
	return !app.fetch || app.script_rc < 0 ? -1 : 0;
}
