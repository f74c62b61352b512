/* view-job.c: Job detail — fields, timeline, deployment verification and the job's audit
 * events; approve, reject, cancel */
#include <stdlib.h>
#include <string.h>
#include "libcc/time.h"
#include "tui/jobs.h"
#include "libcc/banned.h"

enum { T_VERIFY = TUI_TAG_USER };

static const struct tui_col audit[] = {
	{ "When", "timestamp", 14, TUI_F_AGO },
	{ "Actor", "actor", 14, TUI_F_TEXT },
	{ "Action", "action", 0, TUI_F_TEXT },
	TUI_COL_END,
};

static const struct tui_sub subs[] = {
	{ "Audit events", "/api/v1/audit?resource_id=%s&per_page=50", audit, NULL },
	TUI_SUB_END,
};

static void load(struct tui_screen *s)
{
	char *p = tui_path("/api/v1/jobs/%s/verification", s->arg);

	tui_get(s, T_VERIFY, p);
	free(p);
}

static int result(struct tui_screen *s, const struct tui_res *r)
{
	struct tui_obj *o = tui_obj(s);

	if (r->tag != T_VERIFY)
		return tui_job_result(s, r);
	json_decref(o->user);
	o->user = tui_res_ok(r) ? json_incref(r->json) : NULL;
	return TUI_REDRAW;
}

static void timeline(struct tui_screen *s, struct tui_detail *d)
{
	static const char *const steps[][2] = {
		{ "created_at", "created" },   { "scheduled_at", "scheduled" },
		{ "started_at", "started" },   { "completed_at", "completed" },
		{ "approved_at", "approved" }, { "updated_at", "updated" },
	};
	int64_t now = tui_app_now_us(s->app);

	tui_detail_head(d, "Timeline");
	for (size_t i = 0; i < CC_ARRAY_SIZE(steps); i++) {
		const json_t *v = tui_jget(tui_obj(s)->obj, steps[i][0]);
		char *t;
		if (!json_is_string(v))
			continue;
		t = tui_format(v, TUI_F_WHEN, now);
		tui_detail_kv(d, steps[i][1], t, TUI_S_NORMAL);
		free(t);
	}
}

static void extra(struct tui_screen *s, struct tui_detail *d, int w)
{
	const json_t *v = tui_obj(s)->user;

	(void)w;
	timeline(s, d);
	tui_detail_head(d, "Verification");
	if (!strcmp(tui_obj_str(s, "type"), "Deployment") && v)
		tui_detail_object(d, v, NULL, tui_app_now_us(s->app));
	else
		tui_detail_line(d, "  (deployment jobs only)", TUI_S_DIM);
}

static int act(struct tui_screen *s, enum tui_act a)
{
	struct cc_strv ids = CC_STRV_INIT;
	int rc;

	cc_strv_push(&ids, s->arg);
	rc = tui_job_act(s, a, &ids);
	cc_strv_release(&ids);
	return rc;
}

static const struct tui_obj_desc desc = {
	.path = "/api/v1/jobs/%s",
	.subs = subs,
	.act = act,
	.result = result,
	.load = load,
	.extra = extra,
};

TUI_OBJ_VIEW(job, "job", "Job", &desc, TUI_A_approve, TUI_A_reject, TUI_A_cancel);
