/* view-dashboard.c: the Dashboard — summary tiles and four charts: status distribution,
 * expiration heatmap, renewal (job) trends and issuance rate */
#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include "tui/chart.h"
#include "tui/dashboard.h"
#include "tui/draw.h"
#include "tui/vm.h"
#include "libcc/banned.h"

enum { T_SUMMARY = 1, T_STATUS, T_TIMELINE, T_TRENDS, T_ISSUANCE, T_ISSUERS, T_CERTS };

struct dash {
	json_t *summary;
	struct tui_series status, expiring, completed, failed, issued;
	struct tui_heat heat;
	int days; /* the range of the trend charts */
	json_t *issuers, *certs;
	bool wizard_checked;
};

static void open_(struct tui_screen *s)
{
	struct dash *d = cc_xcalloc(1, sizeof(*d));

	d->days = 30;
	s->st = d;
}

static void close_(struct tui_screen *s)
{
	struct dash *d = s->st;

	json_decref(d->summary);
	json_decref(d->issuers);
	json_decref(d->certs);
	tui_series_release(&d->status);
	tui_series_release(&d->expiring);
	tui_series_release(&d->completed);
	tui_series_release(&d->failed);
	tui_series_release(&d->issued);
	free(d);
}

static void load(struct tui_screen *s)
{
	struct dash *d = s->st;
	char p[96];

	tui_get(s, T_SUMMARY, "/api/v1/stats/summary");
	tui_get(s, T_STATUS, "/api/v1/stats/certificates-by-status");
	tui_get(s, T_TIMELINE, "/api/v1/stats/expiration-timeline?days=182");
	snprintf(p, sizeof(p), "/api/v1/stats/job-trends?days=%d", d->days);
	tui_get(s, T_TRENDS, p);
	snprintf(p, sizeof(p), "/api/v1/stats/issuance-rate?days=%d", d->days);
	tui_get(s, T_ISSUANCE, p);
	if (!d->wizard_checked && tui_app_wizard_due(s->app)) {
		tui_get(s, T_ISSUERS, "/api/v1/issuers?per_page=500");
		tui_get(s, T_CERTS, "/api/v1/certificates?per_page=1");
	}
}

static void check_wizard(struct tui_screen *s, struct dash *d)
{
	if (d->wizard_checked || !d->issuers || !d->certs)
		return;
	d->wizard_checked = true;
	if (tui_onboarding_due(d->issuers, d->certs))
		tui_push(s->app, &tui_view_onboarding, NULL, NULL);
}

static int result(struct tui_screen *s, const struct tui_res *r)
{
	struct dash *d = s->st;

	if (!tui_res_ok(r)) {
		tui_res_report(s, r, "dashboard");
		return TUI_REDRAW;
	}
	switch (r->tag) {
	case T_SUMMARY:
		json_decref(d->summary);
		d->summary = json_incref(r->json);
		break;
	case T_STATUS:
		tui_series_from(&d->status, r->json, "status", "count");
		break;
	case T_TIMELINE:
		tui_series_from(&d->expiring, r->json, "date", "count");
		tui_heat_build(&d->heat, &d->expiring);
		break;
	case T_TRENDS:
		tui_series_from(&d->completed, r->json, "date", "completed_count");
		tui_series_from(&d->failed, r->json, "date", "failed_count");
		break;
	case T_ISSUANCE:
		tui_series_from(&d->issued, r->json, "date", "issued_count");
		break;
	case T_ISSUERS:
	case T_CERTS:
		json_decref(r->tag == T_ISSUERS ? d->issuers : d->certs);
		*(r->tag == T_ISSUERS ? &d->issuers : &d->certs) = json_incref(r->json);
		check_wizard(s, d);
		break;
	}
	return TUI_REDRAW;
}

static int act(struct tui_screen *s, enum tui_act a)
{
	struct dash *d = s->st;

	if (a == TUI_A_range) {
		d->days = d->days == 30 ? 90 : d->days == 90 ? 7 : 30;
		tui_status(s->app, TUI_INFO, "trends over the last %d days", d->days);
		return TUI_RELOAD;
	}
	if (a == TUI_A_wizard) {
		tui_push(s->app, &tui_view_onboarding, NULL, NULL);
		return TUI_REDRAW;
	}
	return TUI_PASS;
}

static void tiles(struct dash *d, struct tui_rect r)
{
	struct tui_stat st[12];
	int n = tui_summary_stats(d->summary, st, 12), x = r.x + 1, y = r.y;

	for (int i = 0; i < n; i++) {
		char v[24];
		int w;
		if (st[i].value < 0)
			snprintf(v, sizeof(v), "–");
		else
			snprintf(v, sizeof(v), "%lld", st[i].value);
		w = tui_text_width(v) + tui_text_width(st[i].label) + 3;
		if (x + w > r.x + r.w) {
			x = r.x + 1;
			y++;
		}
		if (y >= r.y + 2)
			break;
		x += tui_put(y, x, w, st[i].style == TUI_S_NORMAL ? TUI_S_HEADER : st[i].style, v);
		x += tui_putf(y, x, w, TUI_S_DIM, " %s   ", st[i].label);
	}
}

static void draw(struct tui_screen *s, struct tui_rect r)
{
	struct dash *d = s->st;
	const struct tui_series *trend[] = { &d->completed, &d->failed }, *iss[] = { &d->issued };
	static const char *const trend_names[] = { "completed", "failed" },
				 *iss_names[] = { "issued" };
	int half = r.w / 2, y = r.y + 3;
	char title[64];

	tiles(d, r);
	tui_chart_bars((struct tui_rect){ y, r.x + 1, 8, half - 2 }, &d->status,
		       "Certificates by status", true);
	tui_chart_heat((struct tui_rect){ y, r.x + half + 1, 9, r.w - half - 2 }, &d->heat,
		       "Expirations by week");
	y += 10;
	snprintf(title, sizeof(title), "Renewal and deployment jobs, %d days", d->days);
	if (y + 3 <= r.y + r.h)
		tui_chart_spark((struct tui_rect){ y, r.x + 1, 3, r.w - 2 }, title, trend,
				trend_names, 2);
	y += 3;
	snprintf(title, sizeof(title), "Issuance rate, %d days", d->days);
	if (y + 2 <= r.y + r.h)
		tui_chart_spark((struct tui_rect){ y, r.x + 1, 2, r.w - 2 }, title, iss, iss_names,
				1);
}

const struct tui_view_ops tui_view_dashboard = {
	.name = "dashboard",
	.title = "Dashboard",
	.flags = TUI_V_TOP,
	.acts = (const enum tui_act[]){ TUI_A_range, TUI_A_wizard, TUI_A__COUNT },
	.refresh_s = 30,
	.open = open_,
	.close = close_,
	.load = load,
	.result = result,
	.act = act,
	.draw = draw,
};
