/* view-agent.c: Agent detail — system information, heartbeat, its targets and recent jobs */
#include "tui/screens.h"
#include "libcc/banned.h"

static const struct tui_sub subs[] = {
	{ "Targets", "/api/v1/targets?agent_id=%s&per_page=100", tui_cols_targets, "target" },
	{ "Recent jobs", "/api/v1/jobs?agent_id=%s&per_page=30", tui_cols_jobs, "job" },
	TUI_SUB_END,
};

static const struct tui_obj_desc desc = {
	.path = "/api/v1/agents/%s",
	.hide = (const char *const[]){ "api_key_hash", NULL },
	.subs = subs,
};

TUI_OBJ_VIEW(agent, "agent", "Agent", &desc, TUI_A_open);
