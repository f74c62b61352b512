/* app-int.h: the app's own state, shared by the loop (app.c), the chrome (chrome.c) and the
 * request helpers (request.c); views use app.h */
#ifndef TUI_APP_INT_H
#define TUI_APP_INT_H

#include "tui/app.h"
#include "tui/tui.h"

#define TUI_MAX_DEPTH 16
#define TUI_MIN_ROWS 24
#define TUI_MIN_COLS 80
#define TUI_SIDEBAR_MIN_COLS 100 /* narrower terminals get a tab line instead */
#define TUI_SIDEBAR_W 17
#define TUI_RETRY_MS 3000 /* while the server is unreachable */

struct tui_fetch;
struct tui_script;

struct tui_app {
	struct tui_fetch *fetch;
	struct tui_screen *stack[TUI_MAX_DEPTH];
	int depth;
	unsigned long next_id;
	const struct tui_opts *opts;
	const char *server_url; /* the client's, read-only while the fetch thread runs */
	bool color, quit, dirty, wizard_asked;
	int rows, cols;
	/* the server */
	bool offline, was_offline;
	int64_t offline_since_ms, next_retry_ms;
	char offline_msg[200];
	/* the status line */
	char status[256];
	enum tui_level status_lv;
	int64_t status_until_ms;
	int64_t now_ms;
	/* CERTCTL_TUI_SCRIPT: the commands that replace the keyboard */
	struct tui_script *script;
	struct cc_err script_err;
	int script_rc;
};

/* chrome.c: everything around the current screen; returns the screen's rectangle */
struct tui_rect tui_chrome_draw(struct tui_app *app);
/* the screen that owns the chrome (topmost non-modal) */
struct tui_screen *tui_app_base(const struct tui_app *app);
/* request.c: a result reached the app; false when its screen is gone */
void tui_app_result(struct tui_app *app, struct tui_res *r);
int64_t tui_mono_ms(void);
/* app.c: a key as if typed */
void tui_app_key(struct tui_app *app, int key);
/* no screen waits for an answer */
bool tui_app_idle(const struct tui_app *app);
/* app.c: what a handler's return value asks for (redraw, reload, close, quit) */
void tui_app_apply(struct tui_app *app, struct tui_screen *s, int rc);

#endif
