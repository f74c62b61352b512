/* view-profiles.c: Profiles — certificate profiles (CRUD), with their EKUs and TTLs */
#include "tui/screens.h"
#include "libcc/banned.h"

static const struct tui_col cols[] = {
	{ "Name", "name", 16, TUI_F_TEXT },
	{ "Description", "description", 0, TUI_F_TEXT },
	{ "Max TTL s", "max_ttl_seconds", 9, TUI_F_NUM },
	{ "EKUs", "allowed_ekus", 20, TUI_F_TEXT },
	{ "Approval", "requires_approval", 8, TUI_F_BOOL },
	{ "On", "enabled", 3, TUI_F_BOOL },
	TUI_COL_END,
};

static const struct tui_field form[] = {
	{ "name", "Name", TUI_FT_TEXT, NULL, NULL, true },
	{ "description", "Description", TUI_FT_TEXT, NULL, NULL, false },
	{ "max_ttl_seconds", "Max TTL (seconds)", TUI_FT_INT, NULL, NULL, false },
	{ "allowed_ekus", "EKUs (a, b)", TUI_FT_LIST, NULL, "serverAuth", false },
	{ "required_san_patterns", "SAN patterns", TUI_FT_LIST, NULL, NULL, false },
	{ "spiffe_uri_pattern", "SPIFFE URI pattern", TUI_FT_TEXT, NULL, NULL, false },
	{ "allow_short_lived", "Short-lived", TUI_FT_BOOL, NULL, "no", false },
	{ "requires_approval", "Needs approval", TUI_FT_BOOL, NULL, "no", false },
	{ "enabled", "Enabled", TUI_FT_BOOL, NULL, "yes", false },
	TUI_FIELD_END,
};

static const struct tui_rl_desc desc = {
	.path = "/api/v1/profiles?per_page=500",
	.cols = cols,
	.item_path = "/api/v1/profiles/%s",
	.form = form,
	.empty = "no profiles: n creates one",
};

TUI_RL_VIEW(profiles, "profiles", "Profiles", &desc, TUI_A_open, TUI_A_create, TUI_A_edit,
	    TUI_A_delete, TUI_A_search, TUI_A_sort);
