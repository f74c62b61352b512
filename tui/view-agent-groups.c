/* view-agent-groups.c: Agent groups (CRUD) — dynamic criteria and manual members */
#include "tui/screens.h"
#include "libcc/banned.h"

static const struct tui_col cols[] = {
	{ "Name", "name", 16, TUI_F_TEXT },
	{ "Description", "description", 0, TUI_F_TEXT },
	{ "OS", "match_os", 7, TUI_F_TEXT },
	{ "Arch", "match_architecture", 7, TUI_F_TEXT },
	{ "CIDR", "match_ip_cidr", 13, TUI_F_TEXT },
	{ "Version", "match_version", 8, TUI_F_TEXT },
	{ "On", "enabled", 3, TUI_F_BOOL },
	TUI_COL_END,
};

static const struct tui_field form[] = {
	{ "name", "Name", TUI_FT_TEXT, NULL, NULL, true },
	{ "description", "Description", TUI_FT_TEXT, NULL, NULL, false },
	{ "match_os", "Match OS", TUI_FT_TEXT, NULL, NULL, false },
	{ "match_architecture", "Match architecture", TUI_FT_TEXT, NULL, NULL, false },
	{ "match_ip_cidr", "Match IP CIDR", TUI_FT_TEXT, NULL, NULL, false },
	{ "match_version", "Match version", TUI_FT_TEXT, NULL, NULL, false },
	{ "enabled", "Enabled", TUI_FT_BOOL, NULL, "yes", false },
	TUI_FIELD_END,
};

static const struct tui_sub subs[] = {
	{ "Members", "/api/v1/agent-groups/%s/members",
	  (const struct tui_col[]){ { "Agent", "name", 0, TUI_F_TEXT },
				    { "OS", "os", 8, TUI_F_TEXT },
				    { "Status", "status", 8, TUI_F_STATUS },
				    TUI_COL_END },
	  "agent" },
	TUI_SUB_END,
};

static const struct tui_obj_desc group = { .path = "/api/v1/agent-groups/%s", .subs = subs };
TUI_OBJ_VIEW(agent_group, "agent-group", "Agent group", &group, TUI_A_open);

static const struct tui_rl_desc desc = {
	.path = "/api/v1/agent-groups?per_page=500",
	.cols = cols,
	.open = "agent-group",
	.item_path = "/api/v1/agent-groups/%s",
	.form = form,
	.empty = "no agent groups: n creates one",
};

TUI_RL_VIEW(agent_groups, "agent-groups", "Agent groups", &desc, TUI_A_open, TUI_A_create,
	    TUI_A_edit, TUI_A_delete, TUI_A_search, TUI_A_sort);
