/* view-discovery.c: Discovery — triage of certificates found by agents and network scans:
 * claim (link to a managed certificate), dismiss, and the scan history */
#include <stdlib.h>
#include "libcc/buf.h"
#include "tui/chart.h"
#include "tui/screens.h"
#include "libcc/banned.h"

enum { T_SUMMARY = TUI_TAG_USER, T_TRIAGE };

static const struct tui_col cols[] = {
	{ "Common name", "common_name", 0, TUI_F_TEXT }, { "Status", "status", 9, TUI_F_STATUS },
	{ "Found at", "source_path", 0, TUI_F_TEXT },	 { "Expires", "not_after", 14, TUI_F_AGO },
	{ "Agent", "agent_id", 14, TUI_F_TEXT },	 TUI_COL_END,
};

static const struct tui_field filter[] = {
	{ "status", "Status", TUI_FT_CHOICE, "|Unmanaged|Managed|Dismissed", NULL, false },
	{ "agent_id", "Agent", TUI_FT_TEXT, NULL, NULL, false },
	TUI_FIELD_END,
};

static void load(struct tui_screen *s)
{
	char *p = tui_rl_query(s, "/api/v1/discovered-certificates?per_page=500");

	tui_get(s, TUI_TAG_LIST, p);
	tui_get(s, T_SUMMARY, "/api/v1/discovery-summary");
	free(p);
}

static void claimed(struct tui_screen *s, int tag, const json_t *vals, const json_t *ids)
{
	const json_t *id;
	size_t i;

	(void)tag;
	json_array_foreach (ids, i, id) {
		char *p =
			tui_path("/api/v1/discovered-certificates/%s/claim", json_string_value(id));
		tui_send(s, T_TRIAGE, "POST", p, json_deep_copy(vals));
		free(p);
	}
}

static int act(struct tui_screen *s, enum tui_act a)
{
	struct cc_strv ids = CC_STRV_INIT;
	struct tui_form *f;

	if (a == TUI_A_history) {
		tui_push(s->app, &tui_view_discovery_scans, NULL, NULL);
		return TUI_REDRAW;
	}
	if (a != TUI_A_claim && a != TUI_A_dismiss)
		return TUI_PASS;
	tui_list_ids(&tui_rl(s)->list, &ids);
	if (a == TUI_A_dismiss) {
		tui_post_each(s, T_TRIAGE, "/api/v1/discovered-certificates/%s/dismiss", &ids,
			      NULL);
	} else if (ids.n) {
		f = tui_form_open(s, "Claim", 0, claimed, tui_ids_json(&ids));
		if (f) {
			tui_form_add(f, &(struct tui_field){ "managed_certificate_id",
							     "Managed certificate", TUI_FT_TEXT,
							     NULL, NULL, true });
			f->note = cc_xstrdup("the managed certificate these discovered ones are");
		}
	}
	cc_strv_release(&ids);
	return TUI_REDRAW;
}

static int result(struct tui_screen *s, const struct tui_res *r)
{
	struct tui_rl *rl = tui_rl(s);
	struct tui_series sum = { 0 };
	struct cc_buf b = CC_BUF_INIT;

	if (!tui_res_ok(r)) {
		tui_res_report(s, r, r->tag == T_TRIAGE ? "triage" : "discovery");
		return TUI_REDRAW;
	}
	if (r->tag == T_TRIAGE) {
		tui_status(s->app, TUI_OK, "%s",
			   tui_jstr(r->json, "status") ? tui_jstr(r->json, "status") : "done");
		return s->inflight ? TUI_REDRAW : TUI_RELOAD;
	}
	tui_series_from_object(&sum, r->json);
	for (size_t i = 0; i < sum.n; i++)
		cc_buf_addf(&b, "%s%.0f %s", i ? " · " : "", sum.v[i], sum.label[i]);
	free(rl->note);
	rl->note = cc_buf_detach(&b, NULL);
	tui_series_release(&sum);
	return TUI_REDRAW;
}

static const struct tui_rl_desc desc = {
	.path = "/api/v1/discovered-certificates?per_page=500",
	.cols = cols,
	.item_path = "/api/v1/discovered-certificates/%s",
	.filter = filter,
	.empty = "nothing discovered yet",
	.act = act,
	.result = result,
	.load = load,
};

TUI_RL_VIEW(discovery, "discovery", "Discovery", &desc, TUI_A_open, TUI_A_claim, TUI_A_dismiss,
	    TUI_A_history, TUI_A_select, TUI_A_filter, TUI_A_search, TUI_A_sort);

static const struct tui_col scan_cols[] = {
	{ "Started", "started_at", 14, TUI_F_AGO },
	{ "Agent", "agent_id", 16, TUI_F_TEXT },
	{ "Where", "directories", 0, TUI_F_TEXT },
	{ "Found", "certificates_found", 6, TUI_F_NUM },
	{ "New", "certificates_new", 4, TUI_F_NUM },
	{ "Errors", "errors_count", 6, TUI_F_NUM },
	{ "ms", "scan_duration_ms", 7, TUI_F_NUM },
	TUI_COL_END,
};

static const struct tui_rl_desc scans = {
	.path = "/api/v1/discovery-scans?per_page=500",
	.cols = scan_cols,
	.empty = "no scans yet",
};

const struct tui_view_ops tui_view_discovery_scans = {
	.name = "discovery-scans",
	.title = "Discovery scans",
	.acts = (const enum tui_act[]){ TUI_A_search, TUI_A_sort, TUI_A__COUNT },
	.desc = &scans,
	TUI_RL_OPS,
};
