/* draw.h: styles (colors with a monochrome fallback) and width-safe text drawing */
#ifndef TUI_DRAW_H
#define TUI_DRAW_H

#include <stdbool.h>
#include <stddef.h>
#include <wchar.h>
#include "tui/app.h"

enum tui_style {
	TUI_S_NORMAL,
	TUI_S_TITLE,  /* title bar */
	TUI_S_CURSOR, /* the current row */
	TUI_S_MARK,   /* a multi-selected row */
	TUI_S_HEADER, /* column headers, section titles */
	TUI_S_OK,     /* Active, Online, Completed */
	TUI_S_WARN,   /* Expiring, Pending, awaiting approval */
	TUI_S_BAD,    /* Expired, Failed, Revoked, Offline */
	TUI_S_DIM,    /* secondary text */
	TUI_S_KEY,    /* key names in the footer */
	TUI_S_BAR,    /* chart bars */
	TUI_S__COUNT
};

/* color pairs when color is true and the terminal has colors; attributes otherwise */
void tui_theme_init(bool color);
int tui_attr(enum tui_style st);
/* the style of a status word ("Active", "Failed", "Online"…); TUI_S_NORMAL when unknown */
enum tui_style tui_status_style(const char *status);

/* UTF-8 to wide characters filling at most w columns; control characters and invalid
 * bytes become '?', a cut string ends in '…'; pad fills up to w with spaces. Returns the
 * columns used. out holds outn wide characters including the terminating 0. */
int tui_text_fit(const char *s, int w, bool pad, wchar_t *out, size_t outn);
/* columns s takes on screen */
int tui_text_width(const char *s);

/* draw s at (y, x) in at most w columns; returns the columns used */
int tui_put(int y, int x, int w, enum tui_style st, const char *s);
int tui_putf(int y, int x, int w, enum tui_style st, const char *fmt, ...) CC_PRINTF(5, 6);
/* w spaces in style st */
void tui_fill(int y, int x, int w, enum tui_style st);
void tui_clear_rect(struct tui_rect r);
/* a framed box with a title, cleared inside; returns the inner rectangle */
struct tui_rect tui_box(struct tui_rect r, const char *title);
/* a centered box of h x w inside r (shrunk to fit) */
struct tui_rect tui_center(struct tui_rect r, int h, int w);

#endif
