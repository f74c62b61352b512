/* draw.c: width-safe text drawing and the color theme */
#include <curses.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "tui/draw.h"
#include "libcc/banned.h"

static int attrs[TUI_S__COUNT];

void tui_theme_init(bool color)
{
	static const struct {
		short fg, bg;
		int extra;
	} pal[TUI_S__COUNT] = {
		[TUI_S_NORMAL] = { -1, -1, 0 },
		[TUI_S_TITLE] = { COLOR_WHITE, COLOR_BLUE, A_BOLD },
		[TUI_S_CURSOR] = { COLOR_BLACK, COLOR_CYAN, 0 },
		[TUI_S_MARK] = { COLOR_YELLOW, -1, A_BOLD },
		[TUI_S_HEADER] = { COLOR_CYAN, -1, A_BOLD },
		[TUI_S_OK] = { COLOR_GREEN, -1, 0 },
		[TUI_S_WARN] = { COLOR_YELLOW, -1, 0 },
		[TUI_S_BAD] = { COLOR_RED, -1, A_BOLD },
		[TUI_S_DIM] = { COLOR_BLUE, -1, 0 },
		[TUI_S_KEY] = { COLOR_BLACK, COLOR_WHITE, 0 },
		[TUI_S_BAR] = { COLOR_CYAN, -1, 0 },
	};
	static const int mono[TUI_S__COUNT] = {
		[TUI_S_TITLE] = A_REVERSE | A_BOLD,
		[TUI_S_CURSOR] = A_REVERSE,
		[TUI_S_MARK] = A_BOLD,
		[TUI_S_HEADER] = A_BOLD | A_UNDERLINE,
		[TUI_S_BAD] = A_BOLD,
		[TUI_S_DIM] = A_DIM,
		[TUI_S_KEY] = A_REVERSE,
	};

	if (color && has_colors() && start_color() == OK) {
		use_default_colors();
		for (int i = 1; i < TUI_S__COUNT; i++) {
			init_pair((short)i, pal[i].fg, pal[i].bg);
			attrs[i] = (int)COLOR_PAIR(i) | pal[i].extra;
		}
		return;
	}
	memcpy(attrs, mono, sizeof(attrs));
}

int tui_attr(enum tui_style st)
{
	return st < TUI_S__COUNT ? attrs[st] : 0;
}

enum tui_style tui_status_style(const char *s)
{
	static const char *const ok[] = { "Active",  "Online", "Completed", "success",
					  "healthy", "ready",  "Managed",   "sent",
					  "read",    "Info",   "verified",  NULL };
	static const char *const warn[] = { "Expiring",	   "Pending",  "AwaitingApproval",
					    "AwaitingCSR", "Running",  "RenewalInProgress",
					    "pending",	   "Warning",  "Unmanaged",
					    "untested",	   "Degraded", NULL };
	static const char *const bad[] = { "Expired",	  "Failed", "Revoked",	"Offline",
					   "failed",	  "Error",  "Critical", "Cancelled",
					   "unreachable", NULL };

	for (int i = 0; s && ok[i]; i++)
		if (!strcasecmp(s, ok[i]))
			return TUI_S_OK;
	for (int i = 0; s && warn[i]; i++)
		if (!strcasecmp(s, warn[i]))
			return TUI_S_WARN;
	for (int i = 0; s && bad[i]; i++)
		if (!strcasecmp(s, bad[i]))
			return TUI_S_BAD;
	return TUI_S_NORMAL;
}

int tui_text_fit(const char *s, int w, bool pad, wchar_t *out, size_t outn)
{
	mbstate_t ms;
	size_t n = 0, len = s ? strlen(s) : 0;
	int used = 0;

	memset(&ms, 0, sizeof(ms));
	if (!outn)
		return 0;
	while (len && n + 2 < outn) {
		wchar_t wc;
		size_t k = mbrtowc(&wc, s, len, &ms);
		int cw;

		if (k == (size_t)-1 || k == (size_t)-2 || k == 0) {
			memset(&ms, 0, sizeof(ms));
			wc = L'?';
			k = 1;
		}
		cw = wcwidth(wc);
		if (cw < 0 || wc < 0x20 || wc == 0x7f) {
			wc = L'?';
			cw = 1;
		}
		if (used + cw > w || (used + cw == w && len > k)) {
			/* no room for the rest: end with an ellipsis */
			if (used + 1 <= w) {
				out[n++] = L'…';
				used++;
			}
			break;
		}
		out[n++] = wc;
		used += cw;
		s += k;
		len -= k;
	}
	while (pad && used < w && n + 1 < outn) {
		out[n++] = L' ';
		used++;
	}
	out[n] = 0;
	return used;
}

int tui_text_width(const char *s)
{
	wchar_t buf[512];

	return tui_text_fit(s, 500, false, buf, CC_ARRAY_SIZE(buf));
}

int tui_put(int y, int x, int w, enum tui_style st, const char *s)
{
	wchar_t buf[1024];
	int used;

	if (w <= 0)
		return 0;
	if (w > 1000)
		w = 1000;
	used = tui_text_fit(s, w, false, buf, CC_ARRAY_SIZE(buf));
	attron(tui_attr(st));
	mvaddwstr(y, x, buf);
	attroff(tui_attr(st));
	return used;
}

int tui_putf(int y, int x, int w, enum tui_style st, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	s = cc_xvasprintf(fmt, ap);
	va_end(ap);
	n = tui_put(y, x, w, st, s);
	free(s);
	return n;
}

void tui_fill(int y, int x, int w, enum tui_style st)
{
	if (w <= 0)
		return;
	attron(tui_attr(st));
	mvhline(y, x, ' ', w);
	attroff(tui_attr(st));
}

void tui_clear_rect(struct tui_rect r)
{
	for (int i = 0; i < r.h; i++)
		tui_fill(r.y + i, r.x, r.w, TUI_S_NORMAL);
}

struct tui_rect tui_box(struct tui_rect r, const char *title)
{
	struct tui_rect in = { r.y + 1, r.x + 1, r.h - 2, r.w - 2 };

	if (r.h < 3 || r.w < 4)
		return (struct tui_rect){ r.y, r.x, 0, 0 };
	tui_clear_rect(r);
	mvhline(r.y, r.x + 1, ACS_HLINE, r.w - 2);
	mvhline(r.y + r.h - 1, r.x + 1, ACS_HLINE, r.w - 2);
	mvvline(r.y + 1, r.x, ACS_VLINE, r.h - 2);
	mvvline(r.y + 1, r.x + r.w - 1, ACS_VLINE, r.h - 2);
	mvaddch(r.y, r.x, ACS_ULCORNER);
	mvaddch(r.y, r.x + r.w - 1, ACS_URCORNER);
	mvaddch(r.y + r.h - 1, r.x, ACS_LLCORNER);
	mvaddch(r.y + r.h - 1, r.x + r.w - 1, ACS_LRCORNER);
	if (title && *title)
		tui_putf(r.y, r.x + 2, r.w - 4, TUI_S_HEADER, " %s ", title);
	return in;
}

struct tui_rect tui_center(struct tui_rect r, int h, int w)
{
	if (h > r.h)
		h = r.h;
	if (w > r.w)
		w = r.w;
	return (struct tui_rect){ r.y + (r.h - h) / 2, r.x + (r.w - w) / 2, h, w };
}
