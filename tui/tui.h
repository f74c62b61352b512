/* tui.h: `certctl tui`, the terminal dashboard (the entry point cmd/tui.c calls) */
#ifndef TUI_TUI_H
#define TUI_TUI_H

#include <stdbool.h>

struct cc_client;
struct cc_err;

struct tui_opts {
	const char *screen; /* the first screen's name, NULL = dashboard */
	bool color;	    /* false: monochrome (NO_COLOR, --no-color) */
	bool no_wizard;	    /* never open the onboarding wizard by itself */
	long now_s;	    /* fixed clock for tests (CERTCTL_TEST_NOW), 0 = real */
	const char *script; /* CERTCTL_TUI_SCRIPT: commands instead of a terminal (script.h) */
};

/* runs until the user quits; the client is used by the fetch thread alone */
int tui_run(struct cc_client *cl, const struct tui_opts *o, struct cc_err *err);

#endif
