/* script.h: CERTCTL_TUI_SCRIPT — the TUI driven by a file of commands instead of a person,
 * without a terminal (tests): each command runs once every request is answered.
 *
 *   key NAME...       keys: a character, Enter Esc Tab BTab Up Down Left Right PgUp PgDn
 *                     Home End Space Backspace F5, C-x for control keys
 *   type TEXT         the text, one key per character
 *   save-screen FILE  the screen as text (UTF-8, trailing blanks trimmed)
 *   resize COLSxROWS  a new terminal size
 *   sleep MS          let the clock run (countdowns, polling)
 *   quit              (also the end of the file)
 * Lines starting with # and blank lines are skipped. */
#ifndef TUI_SCRIPT_H
#define TUI_SCRIPT_H

#include <stdint.h>

struct tui_app;
struct tui_script;
struct cc_err;

struct tui_script *tui_script_open(const char *path, struct cc_err *err);
void tui_script_close(struct tui_script *sc);
/* runs the next command once the app is idle; 1 to go on, 0 at the end, -1 on an error */
int tui_script_step(struct tui_script *sc, struct tui_app *app, int64_t now_ms, struct cc_err *err);
/* the screen as text (allocated) */
char *tui_screen_text(void);

#endif
