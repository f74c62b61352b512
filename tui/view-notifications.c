/* view-notifications.c: Notifications — read and unread, grouped by certificate (s sorts
 * otherwise); m marks the selected ones read */
#include <stdlib.h>
#include "tui/screens.h"
#include "libcc/banned.h"

enum { T_READ = TUI_TAG_USER };

static const struct tui_col cols[] = {
	{ "When", "created_at", 14, TUI_F_AGO },
	{ "Certificate", "certificate_id", 16, TUI_F_TEXT },
	{ "Type", "type", 18, TUI_F_TEXT },
	{ "Status", "status", 8, TUI_F_STATUS },
	{ "Message", "message", 0, TUI_F_TEXT },
	TUI_COL_END,
};

static const struct tui_field filter[] = {
	{ "status", "Status", TUI_FT_CHOICE, "|pending|sent|failed|read", NULL, false },
	{ "type", "Type", TUI_FT_TEXT, NULL, NULL, false },
	{ "certificate_id", "Certificate", TUI_FT_TEXT, NULL, NULL, false },
	TUI_FIELD_END,
};

static int act(struct tui_screen *s, enum tui_act a)
{
	if (a != TUI_A_read)
		return TUI_PASS;
	tui_rl_post_selected(s, T_READ, "/api/v1/notifications/%s/read");
	return TUI_REDRAW;
}

static int result(struct tui_screen *s, const struct tui_res *r)
{
	if (!tui_res_ok(r)) {
		tui_res_report(s, r, "mark read");
		return TUI_REDRAW;
	}
	if (s->inflight)
		return TUI_REDRAW;
	tui_status(s->app, TUI_OK, "marked read");
	return TUI_RELOAD;
}

static const struct tui_rl_desc desc = {
	.path = "/api/v1/notifications?per_page=500",
	.cols = cols,
	.item_path = "/api/v1/notifications/%s",
	.filter = filter,
	.empty = "no notifications",
	.act = act,
	.result = result,
	.sort_col = 2, /* grouped by certificate, newest first within each */
};

TUI_RL_VIEW(notifications, "notifications", "Notifications", &desc, TUI_A_read, TUI_A_open,
	    TUI_A_select, TUI_A_filter, TUI_A_search, TUI_A_sort);
