/* view-agent-groups.c: Agent groups (CRUD) — dynamic criteria and manual members */
#include <stdlib.h>
#include <string.h>
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

enum { T_MEMBER = TUI_TAG_USER };

/* manual membership: n adds an agent (include or exclude), d removes the current member */
static void member_set(struct tui_screen *s, int tag, const json_t *vals, const json_t *ctx)
{
	char *p =
		tui_path("/api/v1/agent-groups/%s/members/%s", s->arg, tui_jstr(vals, "agent_id"));

	(void)tag;
	(void)ctx;
	tui_send(s, T_MEMBER, "PUT", p,
		 json_pack("{s:O}", "membership", json_object_get(vals, "membership")));
	free(p);
}

static void member_remove(struct tui_screen *s, int tag, const json_t *agent)
{
	char *p = tui_path("/api/v1/agent-groups/%s/members/%s", s->arg, json_string_value(agent));

	(void)tag;
	tui_send(s, T_MEMBER, "DELETE", p, NULL);
	free(p);
}

static int group_act(struct tui_screen *s, enum tui_act a)
{
	static const struct tui_field fields[] = {
		{ "agent_id", "Agent", TUI_FT_TEXT, NULL, NULL, true },
		{ "membership", "Membership", TUI_FT_CHOICE, "include|exclude", "include", true },
		TUI_FIELD_END,
	};
	const struct tui_dline *l = tui_detail_current(&tui_obj(s)->d);
	struct tui_form *f;
	char *q;

	if (a == TUI_A_create && (f = tui_form_open(s, "Add a member", 0, member_set, NULL)))
		tui_form_fields(f, fields);
	else if (a == TUI_A_delete && l && l->view && !strcmp(l->view, "agent") && l->arg) {
		q = cc_xasprintf("Remove agent %s from the group?", l->arg);
		tui_confirm(s, "Remove member", q, 0, member_remove, json_string(l->arg));
		free(q);
	} else if (a != TUI_A_create)
		return TUI_PASS;
	return TUI_REDRAW;
}

static int group_result(struct tui_screen *s, const struct tui_res *r)
{
	if (!tui_res_ok(r)) {
		tui_res_report(s, r, "membership");
		return TUI_REDRAW;
	}
	tui_status(s->app, TUI_OK, "membership saved");
	return TUI_RELOAD;
}

static const struct tui_obj_desc group = {
	.path = "/api/v1/agent-groups/%s",
	.subs = subs,
	.act = group_act,
	.result = group_result,
};
TUI_OBJ_VIEW(agent_group, "agent-group", "Agent group", &group, TUI_A_open, TUI_A_create,
	     TUI_A_delete);

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
