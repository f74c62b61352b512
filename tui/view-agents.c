/* view-agents.c: Agents — hosts with OS, architecture, version and heartbeat */
#include "tui/screens.h"
#include "libcc/banned.h"

static const struct tui_col cols[] = {
	{ "Name", "name", 0, TUI_F_TEXT },
	{ "Hostname", "hostname", 0, TUI_F_TEXT },
	{ "Status", "status", 8, TUI_F_STATUS },
	{ "OS", "os", 7, TUI_F_TEXT },
	{ "Arch", "architecture", 7, TUI_F_TEXT },
	{ "Version", "version", 10, TUI_F_TEXT },
	{ "Heartbeat", "last_heartbeat_at", 14, TUI_F_AGO },
	TUI_COL_END,
};

static const struct tui_field filter[] = {
	{ "status", "Status", TUI_FT_CHOICE, "|Online|Offline|Degraded", NULL, false },
	{ "os", "OS", TUI_FT_TEXT, NULL, NULL, false },
	{ "architecture", "Architecture", TUI_FT_TEXT, NULL, NULL, false },
	{ "version", "Version", TUI_FT_TEXT, NULL, NULL, false },
	TUI_FIELD_END,
};

static const struct tui_rl_desc desc = {
	.path = "/api/v1/agents?per_page=500",
	.cols = cols,
	.open = "agent",
	.filter = filter,
	.empty = "no agents: run `certctl agent --server-url URL --api-key KEY` on a host",
};

TUI_RL_VIEW(agents, "agents", "Agents", &desc, TUI_A_open, TUI_A_filter, TUI_A_search, TUI_A_sort);
