/* view-policies.c: Policies — policy rules (CRUD) with severity and a config preview; a
 * rule's violations are on its detail screen */
#include <stdlib.h>
#include "libcc/buf.h"
#include "tui/chart.h"
#include "tui/screens.h"
#include "libcc/banned.h"

static const struct tui_col cols[] = {
	{ "Name", "name", 0, TUI_F_TEXT },	     { "Type", "type", 19, TUI_F_TEXT },
	{ "Severity", "severity", 8, TUI_F_STATUS }, { "On", "enabled", 3, TUI_F_BOOL },
	{ "Config", "config", 0, TUI_F_TEXT },	     TUI_COL_END,
};

static const struct tui_field form[] = {
	{ "name", "Name", TUI_FT_TEXT, NULL, NULL, true },
	{ "type", "Type", TUI_FT_CHOICE,
	  "KeyAlgorithm|MinKeySize|MaxLifetime|RequiredSANPattern|AllowedIssuers|AllowedDomains|"
	  "RequiredMetadata|AllowedEnvironments|RenewalLeadTime|RequireApproval",
	  NULL, true },
	{ "severity", "Severity", TUI_FT_CHOICE, "Warning|Error|Critical", "Warning", true },
	{ "config", "Config (JSON)", TUI_FT_JSON, NULL, "{}", true },
	{ "agent_group_id", "Agent group", TUI_FT_TEXT, NULL, NULL, false },
	{ "enabled", "Enabled", TUI_FT_BOOL, NULL, "yes", false },
	TUI_FIELD_END,
};

static const struct tui_sub subs[] = {
	{ "Violations", "/api/v1/policies/%s/violations?per_page=200",
	  (const struct tui_col[]){ { "Severity", "severity", 9, TUI_F_STATUS },
				    { "Certificate", "certificate_id", 18, TUI_F_TEXT },
				    { "Message", "message", 0, TUI_F_TEXT },
				    TUI_COL_END },
	  NULL },
	TUI_SUB_END,
};

static const struct tui_obj_desc policy = { .path = "/api/v1/policies/%s", .subs = subs };
TUI_OBJ_VIEW(policy, "policy", "Policy", &policy, TUI_A_open);

/* the severity summary above the list: rules per severity, and how many are enabled */
static void loaded(struct tui_screen *s)
{
	struct tui_rl *rl = tui_rl(s);
	struct tui_series sev = { 0 };
	struct cc_buf b = CC_BUF_INIT;
	long long on = 0;
	const json_t *it;
	size_t i;

	tui_series_count(&sev, rl->reply, "severity");
	json_array_foreach (tui_jdata(rl->reply), i, it)
		on += json_is_true(json_object_get(it, "enabled"));
	for (i = 0; i < sev.n; i++)
		cc_buf_addf(&b, "%.0f %s · ", sev.v[i], sev.label[i]);
	cc_buf_addf(&b, "%lld of %zu enabled", on, json_array_size(tui_jdata(rl->reply)));
	free(rl->note);
	rl->note = cc_buf_detach(&b, NULL);
	tui_series_release(&sev);
}

static const struct tui_rl_desc desc = {
	.path = "/api/v1/policies?per_page=500",
	.cols = cols,
	.open = "policy",
	.item_path = "/api/v1/policies/%s",
	.form = form,
	.empty = "no policy rules: n creates one",
	.loaded = loaded,
};

TUI_RL_VIEW(policies, "policies", "Policies", &desc, TUI_A_open, TUI_A_create, TUI_A_edit,
	    TUI_A_delete, TUI_A_search, TUI_A_sort);
