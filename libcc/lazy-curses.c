/* lazy-curses.c: the ncurses functions `certctl tui` calls, loaded on first use (see
 * lazylib.h). The curses macros read three of the library's variables (stdscr, curscr,
 * acs_map); certctl has copies of them, taken whenever a screen starts or changes size. */
#include <curses.h>
#include <string.h>
#include "libcc/lazylib.h"
#include "libcc/banned.h"

struct cc_lazylib cc_lazy_curses = CC_LAZYLIB_INIT("libncursesw.so.6", "libncursesw6");

WINDOW *stdscr, *curscr;
chtype acs_map[128];

static void take_globals(void)
{
	stdscr = *(WINDOW **)cc_lazylib_sym(&cc_lazy_curses, "stdscr");
	curscr = *(WINDOW **)cc_lazylib_sym(&cc_lazy_curses, "curscr");
	memcpy(acs_map, cc_lazylib_sym(&cc_lazy_curses, "acs_map"), sizeof(acs_map));
}

WINDOW *initscr(void)
{
	CC_LAZY_RESOLVE(cc_lazy_curses, WINDOW *, initscr, (void));
	WINDOW *w = f();

	take_globals();
	return w;
}

SCREEN *newterm(const char *type, FILE *out, FILE *in)
{
	CC_LAZY_RESOLVE(cc_lazy_curses, SCREEN *, newterm, (const char *, FILE *, FILE *));
	SCREEN *s = f(type, out, in);

	if (s)
		take_globals();
	return s;
}

int resizeterm(int lines, int cols)
{
	CC_LAZY_RESOLVE(cc_lazy_curses, int, resizeterm, (int, int));
	int rc = f(lines, cols);

	take_globals();
	return rc;
}

CC_LAZY_FN(cc_lazy_curses, int, endwin, (void), ())
CC_LAZY_VOID(cc_lazy_curses, delscreen, (SCREEN * sp), (sp))
CC_LAZY_FN(cc_lazy_curses, int, clearok, (WINDOW * w, bool on), (w, on))
CC_LAZY_FN(cc_lazy_curses, int, getcchar,
	   (const cchar_t *wcval, wchar_t *wch, attr_t *attrs, NCURSES_PAIRS_T *pair, void *opts),
	   (wcval, wch, attrs, pair, opts))
CC_LAZY_FN(cc_lazy_curses, bool, has_colors, (void), ())
CC_LAZY_FN(cc_lazy_curses, int, init_pair,
	   (NCURSES_PAIRS_T p, NCURSES_COLOR_T fg, NCURSES_COLOR_T bg), (p, fg, bg))
CC_LAZY_FN(cc_lazy_curses, int, noecho, (void), ())
CC_LAZY_FN(cc_lazy_curses, int, set_escdelay, (int ms), (ms))
CC_LAZY_FN(cc_lazy_curses, int, start_color, (void), ())
CC_LAZY_FN(cc_lazy_curses, int, use_default_colors, (void), ())
CC_LAZY_FN(cc_lazy_curses, int, waddch, (WINDOW * w, const chtype ch), (w, ch))
CC_LAZY_FN(cc_lazy_curses, int, waddnstr, (WINDOW * w, const char *s, int n), (w, s, n))
CC_LAZY_FN(cc_lazy_curses, int, waddnwstr, (WINDOW * w, const wchar_t *s, int n), (w, s, n))
CC_LAZY_FN(cc_lazy_curses, int, wattr_off, (WINDOW * w, attr_t a, void *opts), (w, a, opts))
CC_LAZY_FN(cc_lazy_curses, int, wattr_on, (WINDOW * w, attr_t a, void *opts), (w, a, opts))
CC_LAZY_FN(cc_lazy_curses, int, werase, (WINDOW * w), (w))
CC_LAZY_FN(cc_lazy_curses, int, wget_wch, (WINDOW * w, wint_t *ch), (w, ch))
CC_LAZY_FN(cc_lazy_curses, int, whline, (WINDOW * w, chtype ch, int n), (w, ch, n))
CC_LAZY_FN(cc_lazy_curses, int, win_wch, (WINDOW * w, cchar_t *wcval), (w, wcval))
CC_LAZY_FN(cc_lazy_curses, int, wmove, (WINDOW * w, int y, int x), (w, y, x))
CC_LAZY_FN(cc_lazy_curses, int, wrefresh, (WINDOW * w), (w))
CC_LAZY_FN(cc_lazy_curses, int, wvline, (WINDOW * w, chtype ch, int n), (w, ch, n))
/* libtinfo's, reached through libncursesw's dependencies */
CC_LAZY_FN(cc_lazy_curses, int, curs_set, (int visibility), (visibility))
CC_LAZY_FN(cc_lazy_curses, int, keypad, (WINDOW * w, bool on), (w, on))
CC_LAZY_FN(cc_lazy_curses, int, nodelay, (WINDOW * w, bool on), (w, on))
CC_LAZY_FN(cc_lazy_curses, int, raw, (void), ())
