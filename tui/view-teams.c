/* view-teams.c: Teams (CRUD) */
#include "tui/screens.h"
#include "libcc/banned.h"

static const struct tui_col cols[] = {
	{ "Id", "id", 14, TUI_F_TEXT },
	{ "Name", "name", 18, TUI_F_TEXT },
	{ "Description", "description", 0, TUI_F_TEXT },
	TUI_COL_END,
};

static const struct tui_field form[] = {
	{ "name", "Name", TUI_FT_TEXT, NULL, NULL, true },
	{ "description", "Description", TUI_FT_TEXT, NULL, NULL, false },
	TUI_FIELD_END,
};

static const struct tui_rl_desc desc = {
	.path = "/api/v1/teams?per_page=500",
	.cols = cols,
	.item_path = "/api/v1/teams/%s",
	.form = form,
	.empty = "no teams: n creates one",
};

TUI_RL_VIEW(teams, "teams", "Teams", &desc, TUI_A_open, TUI_A_create, TUI_A_edit, TUI_A_delete,
	    TUI_A_search, TUI_A_sort);
