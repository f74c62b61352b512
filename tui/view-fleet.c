/* view-fleet.c: Fleet overview — agents by OS, architecture, version and status */
#include <stdlib.h>
#include "tui/chart.h"
#include "tui/draw.h"
#include "tui/vm.h"
#include "libcc/banned.h"

static const char *const keys[][2] = {
	{ "os", "By operating system" },
	{ "architecture", "By architecture" },
	{ "version", "By agent version" },
	{ "status", "By status" },
};
#define NCHARTS 4

struct fleet {
	struct tui_series s[NCHARTS];
	long long total;
};

static void open_(struct tui_screen *s)
{
	s->st = cc_xcalloc(1, sizeof(struct fleet));
}

static void close_(struct tui_screen *s)
{
	struct fleet *f = s->st;

	for (int i = 0; i < NCHARTS; i++)
		tui_series_release(&f->s[i]);
	free(f);
}

static void load(struct tui_screen *s)
{
	tui_get(s, 1, "/api/v1/agents?per_page=500");
}

static int result(struct tui_screen *s, const struct tui_res *r)
{
	struct fleet *f = s->st;

	if (!tui_res_ok(r)) {
		tui_res_report(s, r, "fleet");
		return TUI_REDRAW;
	}
	for (int i = 0; i < NCHARTS; i++)
		tui_series_count(&f->s[i], r->json, keys[i][0]);
	f->total = tui_jint(r->json, "total", (long long)f->s[0].sum);
	return TUI_REDRAW;
}

static void draw(struct tui_screen *s, struct tui_rect r)
{
	struct fleet *f = s->st;
	int half = r.w / 2, h = (r.h - 2) / 2;

	tui_putf(r.y, r.x + 1, r.w - 2, TUI_S_HEADER, "%lld agents", f->total);
	for (int i = 0; i < NCHARTS; i++) {
		struct tui_rect c = { r.y + 2 + (i / 2) * h, r.x + 1 + (i % 2) * half, h - 1,
				      half - 2 };
		tui_chart_bars(c, &f->s[i], keys[i][1], i == 3);
	}
}

const struct tui_view_ops tui_view_fleet = {
	.name = "fleet",
	.title = "Fleet",
	.flags = TUI_V_TOP,
	.refresh_s = 30,
	.open = open_,
	.close = close_,
	.load = load,
	.result = result,
	.draw = draw,
};
