/* view-network-scans.c: Network scans — scan targets (CRUD) and "scan now" */
#include <stdlib.h>
#include "tui/screens.h"
#include "libcc/banned.h"

enum { T_SCAN = TUI_TAG_USER };

static const struct tui_col cols[] = {
	{ "Name", "name", 0, TUI_F_TEXT },
	{ "CIDRs", "cidrs", 0, TUI_F_TEXT },
	{ "Ports", "ports", 12, TUI_F_TEXT },
	{ "Every h", "scan_interval_hours", 7, TUI_F_NUM },
	{ "On", "enabled", 3, TUI_F_BOOL },
	{ "Last scan", "last_scan_at", 14, TUI_F_AGO },
	TUI_COL_END,
};

static const struct tui_field form[] = {
	{ "name", "Name", TUI_FT_TEXT, NULL, NULL, true },
	{ "cidrs", "CIDRs (a, b)", TUI_FT_LIST, NULL, NULL, true },
	{ "ports", "Ports (JSON)", TUI_FT_JSON, NULL, "[443]", true },
	{ "scan_interval_hours", "Interval (hours)", TUI_FT_INT, NULL, "24", false },
	{ "timeout_ms", "Timeout (ms)", TUI_FT_INT, NULL, "5000", false },
	{ "enabled", "Enabled", TUI_FT_BOOL, NULL, "yes", false },
	TUI_FIELD_END,
};

static int act(struct tui_screen *s, enum tui_act a)
{
	if (a != TUI_A_scan)
		return TUI_PASS;
	tui_rl_post_selected(s, T_SCAN, "/api/v1/network-scan-targets/%s/scan");
	return TUI_REDRAW;
}

static int result(struct tui_screen *s, const struct tui_res *r)
{
	if (!tui_res_ok(r))
		tui_res_report(s, r, "scan now");
	else
		tui_status(s->app, TUI_OK, "scan started");
	return TUI_REDRAW;
}

static const struct tui_rl_desc desc = {
	.path = "/api/v1/network-scan-targets?per_page=500",
	.cols = cols,
	.item_path = "/api/v1/network-scan-targets/%s",
	.form = form,
	.empty = "no scan targets: n adds one",
	.act = act,
	.result = result,
};

TUI_RL_VIEW(network_scans, "network-scans", "Network scans", &desc, TUI_A_open, TUI_A_scan,
	    TUI_A_create, TUI_A_edit, TUI_A_delete, TUI_A_search, TUI_A_sort);
