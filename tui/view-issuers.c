/* view-issuers.c: Issuers — the CAs in use (catalog of types in the create wizard), test
 * connection, delete; Enter opens the issuer with its certificates */
#include "tui/catalog.h"
#include "tui/screens.h"
#include "libcc/banned.h"

static const struct tui_col cols[] = {
	{ "Name", "name", 0, TUI_F_TEXT },
	{ "Type", "type", 10, TUI_F_TEXT },
	{ "On", "enabled", 3, TUI_F_BOOL },
	{ "Test", "test_status", 9, TUI_F_STATUS },
	{ "Source", "source", 8, TUI_F_TEXT },
	{ "Id", "id", 0, TUI_F_TEXT },
	TUI_COL_END,
};

static int act(struct tui_screen *s, enum tui_act a)
{
	const struct tui_row *row = tui_list_current(&tui_rl(s)->list);

	if (a == TUI_A_create) {
		tui_wizard_open(s, "issuer", tui_issuer_kinds, "/api/v1/issuers", NULL, NULL);
		return TUI_REDRAW;
	}
	if (a == TUI_A_test && row) {
		tui_test_connection(s, "/api/v1/issuers/%s/test", row->id);
		return TUI_REDRAW;
	}
	return TUI_PASS;
}

static const struct tui_rl_desc desc = {
	.path = "/api/v1/issuers?per_page=500",
	.cols = cols,
	.open = "issuer",
	.item_path = "/api/v1/issuers/%s",
	.empty = "no issuers: n connects a CA",
	.act = act,
	.result = tui_test_result,
};

TUI_RL_VIEW(issuers, "issuers", "Issuers", &desc, TUI_A_open, TUI_A_create, TUI_A_test,
	    TUI_A_delete, TUI_A_search, TUI_A_sort);

/* the detail: config (the server redacts secrets), test, the certificates it issued */
static const struct tui_sub subs[] = {
	{ "Certificates", "/api/v1/certificates?issuer_id=%s&per_page=100", tui_cols_certs,
	  "certificate" },
	TUI_SUB_END,
};

static int issuer_act(struct tui_screen *s, enum tui_act a)
{
	if (a != TUI_A_test)
		return TUI_PASS;
	tui_test_connection(s, "/api/v1/issuers/%s/test", s->arg);
	return TUI_REDRAW;
}

static const struct tui_obj_desc issuer = {
	.path = "/api/v1/issuers/%s",
	.subs = subs,
	.act = issuer_act,
	.result = tui_test_result,
};

TUI_OBJ_VIEW(issuer, "issuer", "Issuer", &issuer, TUI_A_test, TUI_A_open);
