/* view-audit.c: Audit — the trail with time range, actor, resource and action filters, and
 * export of what is shown to a CSV or JSON file */
#include <stdlib.h>
#include <string.h>
#include "tui/screens.h"
#include "libcc/banned.h"

static const struct tui_col cols[] = {
	{ "When", "timestamp", 14, TUI_F_AGO }, { "Actor", "actor", 14, TUI_F_TEXT },
	{ "Action", "action", 22, TUI_F_TEXT }, { "Resource", "resource_type", 12, TUI_F_TEXT },
	{ "Id", "resource_id", 0, TUI_F_TEXT }, TUI_COL_END,
};

static const struct tui_field filter[] = {
	{ "after", "After (RFC 3339)", TUI_FT_TEXT, NULL, NULL, false },
	{ "before", "Before (RFC 3339)", TUI_FT_TEXT, NULL, NULL, false },
	{ "actor", "Actor", TUI_FT_TEXT, NULL, NULL, false },
	{ "actor_type", "Actor type", TUI_FT_CHOICE, "|User|System|Agent", NULL, false },
	{ "resource_type", "Resource type", TUI_FT_TEXT, NULL, NULL, false },
	{ "resource_id", "Resource id", TUI_FT_TEXT, NULL, NULL, false },
	{ "action", "Action", TUI_FT_TEXT, NULL, NULL, false },
	TUI_FIELD_END,
};

static const char *const csv_keys[] = { "id",	       "timestamp", "actor",
					"actor_type",  "action",    "resource_type",
					"resource_id", "details",   NULL };

/* the rows shown (after the search), as the server sent them */
static json_t *shown(struct tui_screen *s)
{
	const struct tui_list *l = &tui_rl(s)->list;
	json_t *a = json_array();

	for (size_t i = 0; i < l->nvis; i++)
		json_array_append(a, l->t.row[l->vis[i]].item);
	return a;
}

static void export_to(struct tui_screen *s, int tag, const json_t *vals, const json_t *ctx)
{
	const char *path = tui_jstr(vals, "path"), *fmt = tui_jstr(vals, "format");
	json_t *rows = shown(s);
	char *data;

	(void)tag;
	(void)ctx;
	if (fmt && !strcmp(fmt, "json")) {
		data = json_dumps(rows, JSON_INDENT(2));
		if (data) {
			size_t n = strlen(data);
			data = cc_xrealloc(data, n + 2);
			memcpy(data + n, "\n", 2);
		}
	} else {
		data = tui_json_csv(rows, csv_keys);
	}
	if (data)
		tui_export_write(s->app, path, data, strlen(data));
	free(data);
	json_decref(rows);
}

static int act(struct tui_screen *s, enum tui_act a)
{
	struct tui_form *f;
	static const struct tui_field fields[] = {
		{ "format", "Format", TUI_FT_CHOICE, "csv|json", "csv", true },
		{ "path", "File", TUI_FT_TEXT, NULL, "audit.csv", true },
		TUI_FIELD_END,
	};

	if (a != TUI_A_export)
		return TUI_PASS;
	f = tui_form_open(s, "Export the events shown", 0, export_to, NULL);
	if (f) {
		tui_form_fields(f, fields);
		f->note = cc_xasprintf("%zu events (the filter and search apply)",
				       tui_rl(s)->list.nvis);
	}
	return TUI_REDRAW;
}

static const struct tui_rl_desc desc = {
	.path = "/api/v1/audit?per_page=500",
	.cols = cols,
	.item_path = "/api/v1/audit/%s",
	.filter = filter,
	.empty = "no audit events",
	.act = act,
};

TUI_RL_VIEW(audit, "audit", "Audit", &desc, TUI_A_filter, TUI_A_export, TUI_A_open, TUI_A_search,
	    TUI_A_sort);
