/* view-targets.c: Targets — deployment targets with a create wizard (per-type fields, the
 * agent from a list), test, delete; Enter opens the target and its deployment history */
#include "tui/catalog.h"
#include "tui/screens.h"
#include "libcc/banned.h"

enum { T_AGENTS = TUI_TAG_USER };

static const struct tui_col cols[] = {
	{ "Name", "name", 0, TUI_F_TEXT },
	{ "Type", "type", 8, TUI_F_TEXT },
	{ "Agent", "agent_id", 0, TUI_F_TEXT },
	{ "On", "enabled", 3, TUI_F_BOOL },
	{ "Test", "test_status", 9, TUI_F_STATUS },
	{ "Tested", "last_tested_at", 14, TUI_F_AGO },
	TUI_COL_END,
};

static const struct tui_field step1[] = {
	{ "agent_id", "Agent", TUI_FT_TEXT, NULL, NULL, true },
	TUI_FIELD_END,
};

static int act(struct tui_screen *s, enum tui_act a)
{
	const struct tui_row *row = tui_list_current(&tui_rl(s)->list);

	if (a == TUI_A_create) {
		tui_get(s, T_AGENTS, "/api/v1/agents?per_page=500");
		return TUI_REDRAW;
	}
	if (a == TUI_A_test && row) {
		tui_test_connection(s, "/api/v1/targets/%s/test", row->id);
		return TUI_REDRAW;
	}
	return TUI_PASS;
}

static int result(struct tui_screen *s, const struct tui_res *r)
{
	if (r->tag != T_AGENTS)
		return tui_test_result(s, r);
	if (!tui_res_ok(r))
		tui_res_report(s, r, "agents");
	else
		tui_wizard_open(s, "target", tui_target_kinds, "/api/v1/targets", step1, r->json);
	return TUI_REDRAW;
}

static const struct tui_rl_desc desc = {
	.path = "/api/v1/targets?per_page=500",
	.cols = cols,
	.open = "target",
	.item_path = "/api/v1/targets/%s",
	.empty = "no targets: n adds one",
	.act = act,
	.result = result,
};

TUI_RL_VIEW(targets, "targets", "Targets", &desc, TUI_A_open, TUI_A_create, TUI_A_test,
	    TUI_A_delete, TUI_A_search, TUI_A_sort);

/* the detail: config, agent, deployment history with verification */
static const struct tui_sub subs[] = {
	{ "Deployments (newest first)", "/api/v1/jobs?target_id=%s&per_page=50",
	  (const struct tui_col[]){ { "When", "created_at", 14, TUI_F_AGO },
				    { "Status", "status", 12, TUI_F_STATUS },
				    { "Verified", "verification_status", 9, TUI_F_STATUS },
				    { "Certificate", "certificate_id", 0, TUI_F_TEXT },
				    TUI_COL_END },
	  "job" },
	TUI_SUB_END,
};

static int target_act(struct tui_screen *s, enum tui_act a)
{
	if (a != TUI_A_test)
		return TUI_PASS;
	tui_test_connection(s, "/api/v1/targets/%s/test", s->arg);
	return TUI_REDRAW;
}

static const struct tui_obj_desc target = {
	.path = "/api/v1/targets/%s",
	.subs = subs,
	.act = target_act,
	.result = tui_test_result,
};

TUI_OBJ_VIEW(target, "target", "Target", &target, TUI_A_test, TUI_A_open);
