/* view-jobs.c: Jobs — every job with a status filter; approve, reject with a reason,
 * cancel; Enter opens the job */
#include <stdlib.h>
#include "tui/jobs.h"
#include "libcc/banned.h"

static const struct tui_col cols[] = {
	{ "Created", "created_at", 14, TUI_F_AGO },
	{ "Type", "type", 11, TUI_F_TEXT },
	{ "Status", "status", 16, TUI_F_STATUS },
	{ "Certificate", "certificate_id", 0, TUI_F_TEXT },
	{ "Target", "target_id", 0, TUI_F_TEXT },
	{ "Verified", "verification_status", 8, TUI_F_STATUS },
	TUI_COL_END,
};

static const struct tui_field filter[] = {
	{ "status", "Status", TUI_FT_CHOICE,
	  "|Pending|AwaitingCSR|AwaitingApproval|Running|Completed|Failed|Cancelled", NULL, false },
	{ "type", "Type", TUI_FT_CHOICE, "|Issuance|Renewal|Deployment|Validation|BulkRevocation",
	  NULL, false },
	{ "certificate_id", "Certificate", TUI_FT_TEXT, NULL, NULL, false },
	{ "agent_id", "Agent", TUI_FT_TEXT, NULL, NULL, false },
	TUI_FIELD_END,
};

static int act(struct tui_screen *s, enum tui_act a)
{
	struct cc_strv ids = CC_STRV_INIT;
	int rc;

	tui_list_ids(&tui_rl(s)->list, &ids);
	rc = tui_job_act(s, a, &ids);
	cc_strv_release(&ids);
	return rc;
}

static const struct tui_rl_desc desc = {
	.path = "/api/v1/jobs?per_page=500",
	.cols = cols,
	.open = "job",
	.filter = filter,
	.empty = "no jobs",
	.act = act,
	.result = tui_job_result,
};

TUI_RL_VIEW(jobs, "jobs", "Jobs", &desc, TUI_A_open, TUI_A_filter, TUI_A_approve, TUI_A_reject,
	    TUI_A_cancel, TUI_A_search, TUI_A_select, TUI_A_sort);
