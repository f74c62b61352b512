/* view-agent.c: Agent detail — system information, heartbeat, its targets and recent jobs */
#include "tui/screens.h"
#include "libcc/banned.h"

static const struct tui_col targets[] = {
	{ "Target", "name", 0, TUI_F_TEXT },
	{ "Type", "type", 9, TUI_F_TEXT },
	{ "Test", "test_status", 9, TUI_F_STATUS },
	TUI_COL_END,
};
static const struct tui_col jobs[] = {
	{ "When", "created_at", 14, TUI_F_AGO },
	{ "Type", "type", 11, TUI_F_TEXT },
	{ "Status", "status", 16, TUI_F_STATUS },
	{ "Certificate", "certificate_id", 0, TUI_F_TEXT },
	TUI_COL_END,
};

static const struct tui_sub subs[] = {
	{ "Targets", "/api/v1/targets?agent_id=%s&per_page=100", targets, "target" },
	{ "Recent jobs", "/api/v1/jobs?agent_id=%s&per_page=30", jobs, "job" },
	TUI_SUB_END,
};

static const struct tui_obj_desc desc = {
	.path = "/api/v1/agents/%s",
	.hide = (const char *const[]){ "api_key_hash", NULL },
	.subs = subs,
};

TUI_OBJ_VIEW(agent, "agent", "Agent", &desc, TUI_A_open);
