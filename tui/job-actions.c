/* job-actions.c: approve, reject (with a reason) and cancel — shared by the Jobs list and
 * the Job detail screen */
#include <stdlib.h>
#include <string.h>
#include "tui/jobs.h"
#include "libcc/banned.h"

static void post_all(struct tui_screen *s, const json_t *ids, const char *fmt, const json_t *body)
{
	tui_send_ids(s, TUI_TAG_JOB_ACT, "POST", fmt, ids, body);
}

static void rejected(struct tui_screen *s, int tag, const json_t *vals, const json_t *ids)
{
	(void)tag;
	post_all(s, ids, "/api/v1/jobs/%s/reject", vals);
}

static void cancelled(struct tui_screen *s, int tag, const json_t *ids)
{
	(void)tag;
	post_all(s, ids, "/api/v1/jobs/%s/cancel", NULL);
}

int tui_job_act(struct tui_screen *s, enum tui_act a, const struct cc_strv *ids)
{
	json_t *j;
	struct tui_form *f;
	char *q;

	if (!ids->n || (a != TUI_A_approve && a != TUI_A_reject && a != TUI_A_cancel))
		return TUI_PASS;
	j = tui_ids_json(ids);
	if (a == TUI_A_approve) {
		post_all(s, j, "/api/v1/jobs/%s/approve", NULL);
		json_decref(j);
	} else if (a == TUI_A_reject) {
		f = tui_form_open(s, "Reject", 0, rejected, j);
		if (f) {
			tui_form_add(f, &(struct tui_field){ "reason", "Reason", TUI_FT_TEXT, NULL,
							     NULL, true });
			f->note = cc_xasprintf("%zu job%s awaiting approval", ids->n,
					       ids->n == 1 ? "" : "s");
		}
	} else {
		q = cc_xasprintf("Cancel %zu job%s?", ids->n, ids->n == 1 ? "" : "s");
		tui_confirm(s, "Cancel", q, 0, cancelled, j);
		free(q);
	}
	return TUI_REDRAW;
}

int tui_job_result(struct tui_screen *s, const struct tui_res *r)
{
	const char *st = tui_jstr(r->json, "status");

	if (!tui_res_ok(r)) {
		tui_res_report(s, r, "job");
		return TUI_REDRAW;
	}
	tui_status(s->app, TUI_OK, "%s", st ? st : "done");
	return s->inflight ? TUI_REDRAW : TUI_RELOAD;
}
