/* columns.c: the column sets that several screens show for related lists */
#include "tui/screens.h"
#include "libcc/banned.h"

const struct tui_col tui_cols_certs[] = {
	{ "Name", "name", 0, TUI_F_TEXT },
	{ "Status", "status", 11, TUI_F_STATUS },
	{ "Expires", "expires_at", 14, TUI_F_AGO },
	TUI_COL_END,
};

const struct tui_col tui_cols_targets[] = {
	{ "Target", "name", 0, TUI_F_TEXT },
	{ "Type", "type", 8, TUI_F_TEXT },
	{ "Agent", "agent_id", 14, TUI_F_TEXT },
	{ "Test", "test_status", 9, TUI_F_STATUS },
	TUI_COL_END,
};

/* jobs of one certificate name their target, the others their certificate */
const struct tui_col tui_cols_cert_jobs[] = {
	{ "When", "created_at", 14, TUI_F_AGO },
	{ "Type", "type", 11, TUI_F_TEXT },
	{ "Status", "status", 16, TUI_F_STATUS },
	{ "Target", "target_id", 0, TUI_F_TEXT },
	TUI_COL_END,
};

const struct tui_col tui_cols_jobs[] = {
	{ "When", "created_at", 14, TUI_F_AGO },
	{ "Type", "type", 11, TUI_F_TEXT },
	{ "Status", "status", 16, TUI_F_STATUS },
	{ "Certificate", "certificate_id", 0, TUI_F_TEXT },
	TUI_COL_END,
};
