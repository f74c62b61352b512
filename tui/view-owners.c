/* view-owners.c: Owners (CRUD) — who gets a certificate's notifications, and their team */
#include "tui/screens.h"
#include "libcc/banned.h"

static const struct tui_col cols[] = {
	{ "Id", "id", 12, TUI_F_TEXT },
	{ "Name", "name", 0, TUI_F_TEXT },
	{ "Email (notifications)", "email", 0, TUI_F_TEXT },
	{ "Team", "team_id", 14, TUI_F_TEXT },
	TUI_COL_END,
};

static const struct tui_field form[] = {
	{ "name", "Name", TUI_FT_TEXT, NULL, NULL, true },
	{ "email", "Email", TUI_FT_TEXT, NULL, NULL, false },
	{ "team_id", "Team", TUI_FT_TEXT, NULL, NULL, true },
	TUI_FIELD_END,
};

static const struct tui_sub subs[] = {
	{ "Certificates", "/api/v1/certificates?owner_id=%s&per_page=100", tui_cols_certs,
	  "certificate" },
	TUI_SUB_END,
};

static const struct tui_obj_desc owner = { .path = "/api/v1/owners/%s", .subs = subs };
TUI_OBJ_VIEW(owner, "owner", "Owner", &owner, TUI_A_open);

static const struct tui_rl_desc desc = {
	.path = "/api/v1/owners?per_page=500",
	.cols = cols,
	.open = "owner",
	.item_path = "/api/v1/owners/%s",
	.form = form,
	.empty = "no owners: n creates one",
};

TUI_RL_VIEW(owners, "owners", "Owners", &desc, TUI_A_open, TUI_A_create, TUI_A_edit, TUI_A_delete,
	    TUI_A_search, TUI_A_sort);
