/* script.c: CERTCTL_TUI_SCRIPT — commands from a file become keys, resizes and screen
 * dumps, each run when no request is in flight (see script.h) */
#include <curses.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include "libcc/buf.h"
#include "libcc/fs.h"
#include "tui/app-int.h"
#include "tui/script.h"
#include "libcc/banned.h"

#define IDLE_WAIT_MS 15000 /* a request that takes longer does not stop the script */

struct tui_script {
	FILE *f;
	char *path;
	int line;
	int64_t wake_ms, busy_since_ms;
};

struct tui_script *tui_script_open(const char *path, struct cc_err *err)
{
	struct tui_script *sc;
	FILE *f = fopen(path, "re");

	if (!f) {
		cc_err_set(err, CC_E_IO, "cannot open the TUI script '%s'", path);
		return NULL;
	}
	sc = cc_xcalloc(1, sizeof(*sc));
	sc->f = f;
	sc->path = cc_xstrdup(path);
	return sc;
}

void tui_script_close(struct tui_script *sc)
{
	if (!sc)
		return;
	fclose(sc->f);
	free(sc->path);
	free(sc);
}

static int key_code(const char *name)
{
	static const struct {
		const char *name;
		int key;
	} keys[] = {
		{ "Enter", '\n' },     { "Esc", TUI_KEY_ESC }, { "Escape", TUI_KEY_ESC },
		{ "Tab", '\t' },       { "BTab", KEY_BTAB },   { "Up", KEY_UP },
		{ "Down", KEY_DOWN },  { "Left", KEY_LEFT },   { "Right", KEY_RIGHT },
		{ "PgUp", KEY_PPAGE }, { "PgDn", KEY_NPAGE },  { "Home", KEY_HOME },
		{ "End", KEY_END },    { "Space", ' ' },       { "Backspace", KEY_BACKSPACE },
		{ "F5", KEY_F(5) },
	};

	for (size_t i = 0; i < CC_ARRAY_SIZE(keys); i++)
		if (!strcmp(name, keys[i].name))
			return keys[i].key;
	if (name[0] == 'C' && name[1] == '-' && name[2] && !name[3])
		return name[2] & 0x1f;
	if (name[0] && !name[1])
		return (unsigned char)name[0];
	return -1;
}

/* one cell: ACS line drawing as its Unicode character; 0 for the tail of a wide one */
static wchar_t cell(int y, int x)
{
	static const char acs[] = "qxlkmjtuvwn";
	static const wchar_t uni[] = L"─│┌┐└┘├┤┴┬┼";
	wchar_t wc[CCHARW_MAX + 1] = { 0 };
	cchar_t c;
	attr_t a;
	short pair;
	const char *p;

	if (mvwin_wch(stdscr, y, x, &c) == ERR || getcchar(&c, wc, &a, &pair, NULL) == ERR)
		return L' ';
	if ((a & A_ALTCHARSET) && wc[0] < 0x80 && (p = strchr(acs, (int)wc[0])))
		return uni[p - acs];
	return wc[0] ? wc[0] : L' ';
}

char *tui_screen_text(void)
{
	struct cc_buf b = CC_BUF_INIT;
	int rows, cols;

	getmaxyx(stdscr, rows, cols);
	for (int y = 0; y < rows; y++) {
		size_t start = b.len;
		for (int x = 0; x < cols; x++) {
			wchar_t wc = cell(y, x);
			char mb[MB_LEN_MAX];
			int n = wctomb(mb, wc);
			cc_buf_add(&b, n > 0 ? mb : "?", n > 0 ? (size_t)n : 1);
			if (wcwidth(wc) == 2)
				x++;
		}
		while (b.len > start && b.buf[b.len - 1] == ' ')
			b.len--;
		cc_buf_setlen(&b, b.len);
		cc_buf_addc(&b, '\n');
	}
	return cc_buf_detach(&b, NULL);
}

static void type_text(struct tui_app *app, const char *s)
{
	mbstate_t ms;
	size_t len = strlen(s);

	memset(&ms, 0, sizeof(ms));
	while (len) {
		wchar_t wc;
		size_t k = mbrtowc(&wc, s, len, &ms);
		if (k == (size_t)-1 || k == (size_t)-2 || !k)
			break;
		tui_app_key(app, (int)wc);
		s += k;
		len -= k;
	}
}

static int run(struct tui_script *sc, struct tui_app *app, char *cmd, char *arg, int64_t now,
	       struct cc_err *err)
{
	char *text, *tok;
	int cols, rows;

	if (!strcmp(cmd, "quit"))
		return 0;
	if (!strcmp(cmd, "type")) {
		type_text(app, arg);
	} else if (!strcmp(cmd, "key")) {
		for (tok = strtok_r(arg, " ", &text); tok; tok = strtok_r(NULL, " ", &text)) {
			int k = key_code(tok);
			if (k < 0)
				return cc_err_set(err, CC_E_USAGE, "%s:%d: unknown key '%s'",
						  sc->path, sc->line, tok);
			tui_app_key(app, k);
		}
	} else if (!strcmp(cmd, "save-screen")) {
		text = tui_screen_text();
		cols = cc_fs_write_atomic(arg, text, strlen(text), 0644, err);
		free(text);
		if (cols < 0)
			return -1;
	} else if (!strcmp(cmd, "resize") && sscanf(arg, "%dx%d", &cols, &rows) == 2 && cols > 0 &&
		   rows > 0) {
		resizeterm(rows, cols);
		tui_app_key(app, KEY_RESIZE);
	} else if (!strcmp(cmd, "sleep")) {
		sc->wake_ms = now + strtol(arg, NULL, 10);
	} else {
		return cc_err_set(err, CC_E_USAGE, "%s:%d: unknown command '%s'", sc->path,
				  sc->line, cmd);
	}
	return 1;
}

int tui_script_step(struct tui_script *sc, struct tui_app *app, int64_t now, struct cc_err *err)
{
	char line[1024], *cmd, *arg;

	if (now < sc->wake_ms)
		return 1;
	if (!tui_app_idle(app)) {
		if (!sc->busy_since_ms)
			sc->busy_since_ms = now;
		if (now - sc->busy_since_ms < IDLE_WAIT_MS)
			return 1;
	}
	sc->busy_since_ms = 0;
	do {
		if (!fgets(line, sizeof(line), sc->f))
			return 0;
		sc->line++;
		line[strcspn(line, "\r\n")] = 0;
		cmd = line + strspn(line, " \t");
	} while (!*cmd || *cmd == '#');
	arg = cmd + strcspn(cmd, " \t");
	if (*arg)
		*arg++ = 0;
	return run(sc, app, cmd, arg, now, err);
}
