/* app.h: the TUI framework — screens on a stack, their view operations, the background
 * fetcher they send requests through, and the status line */
#ifndef TUI_APP_H
#define TUI_APP_H

#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>
#include "libcc/err.h"
#include "libcc/mem.h"

enum tui_act {
#define TUI_ACTION(name, key, keytext, label, help) TUI_A_##name,
#include "tui/actions.def"
#undef TUI_ACTION
	TUI_A__COUNT
};

struct tui_action_info {
	int key;
	const char *keytext, *label, *help;
};
extern const struct tui_action_info tui_actions[];

/* what key, act and result handlers return; handlers never draw */
#define TUI_REDRAW 0x01
#define TUI_RELOAD 0x02 /* call the screen's load again */
#define TUI_QUIT 0x04
#define TUI_BACK 0x08 /* close the screen that returned it */
#define TUI_PASS 0x10 /* key not used: the app tries the screen's actions, then its own */

/* view flags */
#define TUI_V_TOP 0x1	/* a top screen: in the sidebar, Tab cycles through them */
#define TUI_V_MODAL 0x2 /* drawn over the screens below it, takes every key */

/* keys: characters as they are, function keys as ncurses KEY_* codes */
#define TUI_KEY_ESC 27

struct tui_rect {
	int y, x, h, w;
};

struct tui_app;
struct tui_screen;

/* a finished request */
struct tui_res {
	unsigned long owner; /* the screen that asked */
	int tag;	     /* the screen's own number for the request */
	long status;	     /* HTTP status; 0 when nothing answered */
	json_t *json;	     /* the parsed body, or NULL */
	char *text;	     /* the body as text, never NULL */
	char *path;
	struct cc_err err; /* code set when status is 0 or >= 400 */
};

struct tui_view_ops {
	const char *name;  /* for the palette: "certificates" */
	const char *title; /* "Certificates" */
	unsigned flags;
	const enum tui_act *acts; /* this screen's actions, ended by TUI_A__COUNT; may be NULL */
	const void *desc;	  /* the description a generic view works from */
	int refresh_s;		  /* reload every so many seconds, 0 = never */
	void (*open)(struct tui_screen *s); /* sets s->st */
	void (*close)(struct tui_screen *s);
	void (*load)(struct tui_screen *s); /* sends the screen's requests */
	int (*result)(struct tui_screen *s, const struct tui_res *r);
	int (*key)(struct tui_screen *s, int key); /* before actions; TUI_PASS when unused */
	int (*act)(struct tui_screen *s, enum tui_act a);
	void (*draw)(struct tui_screen *s, struct tui_rect r);
	int (*tick)(struct tui_screen *s, int64_t now_ms); /* about once a second */
};

struct tui_screen {
	const struct tui_view_ops *ops;
	struct tui_app *app;
	struct tui_screen *parent; /* the screen a modal works for, or NULL */
	unsigned long id;
	char *arg; /* e.g. the id of the object shown */
	void *st;  /* the view's own state */
	int inflight;
	int64_t loaded_ms; /* when load was last called */
	char *missing;	   /* the server lacks what this screen needs: says what */
};

/* the handlers of a view whose functions are named PREFIX_open, PREFIX_close, … */
#define TUI_VIEW_FNS(p)                                                                            \
	.open = p##_open, .close = p##_close, .load = p##_load, .result = p##_result,              \
	.key = p##_key, .act = p##_act, .draw = p##_draw
/* a view of a generic kind: its id, palette name, title, flags, description and actions */
#define TUI_VIEW_DEF(id, nm, ttl, fl, d, ...)                                                      \
	const struct tui_view_ops tui_view_##id = {                                                \
		.name = nm,                                                                        \
		.title = ttl,                                                                      \
		.flags = fl,                                                                       \
		.acts = (const enum tui_act[]){ __VA_ARGS__, TUI_A__COUNT },                       \
		.desc = d,

/* ---- the app ---- */
/* the current screen's size is known when it draws; this is the terminal's */
void tui_app_size(const struct tui_app *app, int *rows, int *cols);
bool tui_app_color(const struct tui_app *app);
const char *tui_app_server(const struct tui_app *app);
int64_t tui_app_now_us(const struct tui_app *app);
/* true the first time it is asked, unless --no-wizard or --screen: the dashboard then
 * checks whether the server is empty */
bool tui_app_wizard_due(struct tui_app *app);

/* opens a screen above the others; parent is who a modal works for. Returns it. */
struct tui_screen *tui_push(struct tui_app *app, const struct tui_view_ops *ops, const char *arg,
			    struct tui_screen *parent);
/* opens a view by name ("certificates", "certificate:mc-api"); NULL when there is none */
struct tui_screen *tui_push_name(struct tui_app *app, const char *name, const char *arg);
/* replaces every screen by the top screen ops */
void tui_switch(struct tui_app *app, const struct tui_view_ops *ops);
/* calls s's load again (fetches anew) */
void tui_reload(struct tui_screen *s);
/* true while the screen is open (results and callbacks check it) */
bool tui_alive(const struct tui_app *app, const struct tui_screen *s);

enum tui_level { TUI_INFO, TUI_OK, TUI_WARN, TUI_ERROR };
void tui_status(struct tui_app *app, enum tui_level lv, const char *fmt, ...) CC_PRINTF(3, 4);

/* ---- requests: run by the fetch thread, answered through ops->result ---- */
/* body is stolen (may be NULL) */
void tui_send(struct tui_screen *s, int tag, const char *method, const char *path, json_t *body);
void tui_get(struct tui_screen *s, int tag, const char *path);
/* a path from fmt where every %s is replaced by its argument, percent-encoded */
char *tui_path(const char *fmt, ...);
/* the server has no such route (404 "no route"): the capability is missing */
bool tui_res_missing(const struct tui_res *r);
bool tui_res_ok(const struct tui_res *r);
/* "what: message" on the status line for a failed request (unreachable: the app says it) */
void tui_res_report(struct tui_screen *s, const struct tui_res *r, const char *what);
/* records what the server lacks (shown by the screen) */
void tui_set_missing(struct tui_screen *s, const struct tui_res *r);

/* the view registry (views.def) */
extern const struct tui_view_ops *const tui_views[];
const struct tui_view_ops *tui_view_find(const char *name);
#define TUI_VIEW(n) extern const struct tui_view_ops tui_view_##n;
#include "tui/views.def"
#undef TUI_VIEW

#endif
