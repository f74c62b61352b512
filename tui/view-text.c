/* view-text.c: Digest and Observability — server text and objects shown as scrollable
 * lines; what the server lacks is said, not faked */
#include <stdlib.h>
#include <string.h>
#include "tui/screens.h"
#include "libcc/banned.h"

/* one request per part; each answer becomes a section */
struct part {
	const char *title, *path;
};

struct text_desc {
	const struct part *parts;
	const char *send_path; /* POST on TUI_A_send, or NULL */
};

struct text_st {
	struct tui_detail d;
	json_t *got; /* title → {status, json, text} */
	int built;
};

static const struct text_desc *desc(const struct tui_screen *s)
{
	return s->ops->desc;
}

static void text_open(struct tui_screen *s)
{
	struct text_st *t = cc_xcalloc(1, sizeof(*t));

	tui_detail_init(&t->d);
	t->got = json_object();
	s->st = t;
}

static void text_close(struct tui_screen *s)
{
	struct text_st *t = s->st;

	tui_detail_release(&t->d);
	json_decref(t->got);
	free(t);
}

static void text_load(struct tui_screen *s)
{
	for (int i = 0; desc(s)->parts[i].title; i++)
		tui_get(s, i, desc(s)->parts[i].path);
}

static int text_result(struct tui_screen *s, const struct tui_res *r)
{
	struct text_st *t = s->st;
	const struct part *p;

	if (r->tag == TUI_TAG_USER) { /* send */
		if (tui_res_ok(r))
			tui_status(s->app, TUI_OK, "sent");
		else
			tui_res_report(s, r, "send");
		return TUI_REDRAW;
	}
	if (r->tag < 0 || r->tag >= 16 || !desc(s)->parts[r->tag].title)
		return 0;
	p = &desc(s)->parts[r->tag];
	json_object_set_new(t->got, p->title,
			    json_pack("{s:I, s:s, s:O?, s:b, s:s}", "status", (json_int_t)r->status,
				      "text", r->text, "json", r->json, "missing",
				      tui_res_missing(r), "error", r->err.msg));
	t->built = 0;
	return TUI_REDRAW;
}

static void text_lines(struct tui_detail *d, const char *text)
{
	const char *p = text;

	while (p && *p) {
		const char *nl = strchr(p, '\n');
		char *line = nl ? cc_xstrndup(p, (size_t)(nl - p)) : cc_xstrdup(p);
		tui_detail_line(d, line, TUI_S_NORMAL);
		free(line);
		p = nl ? nl + 1 : NULL;
	}
}

static void section(struct tui_screen *s, struct tui_detail *d, const struct part *p,
		    const json_t *g)
{
	const json_t *j = json_object_get(g, "json");
	char *line;

	tui_detail_head(d, p->title);
	if (!g) {
		tui_detail_line(d, "  …", TUI_S_DIM);
	} else if (json_is_true(json_object_get(g, "missing"))) {
		line = cc_xasprintf(
			"  this server does not offer %s yet (no route): nothing to show", p->path);
		tui_detail_line(d, line, TUI_S_WARN);
		free(line);
	} else if (tui_jint(g, "status", 0) == 0 || tui_jint(g, "status", 0) >= 400) {
		line = cc_xasprintf("  %s", tui_jstr(g, "error"));
		tui_detail_line(d, line, TUI_S_BAD);
		free(line);
	} else if (json_is_object(j)) {
		tui_detail_object(d, j, NULL, tui_app_now_us(s->app));
	} else {
		text_lines(d, tui_jstr(g, "text"));
	}
}

static int text_key(struct tui_screen *s, int k)
{
	return tui_detail_key(&((struct text_st *)s->st)->d, k);
}

static int text_act(struct tui_screen *s, enum tui_act a)
{
	if (a != TUI_A_send || !desc(s)->send_path)
		return TUI_PASS;
	tui_send(s, TUI_TAG_USER, "POST", desc(s)->send_path, NULL);
	return TUI_REDRAW;
}

static void text_draw(struct tui_screen *s, struct tui_rect r)
{
	struct text_st *t = s->st;

	if (!t->built) {
		tui_detail_release(&t->d);
		for (int i = 0; desc(s)->parts[i].title; i++)
			section(s, &t->d, &desc(s)->parts[i],
				json_object_get(t->got, desc(s)->parts[i].title));
		t->built = 1;
	}
	tui_detail_draw(&t->d, r);
}

#define TEXT_VIEW(id, nm, ttl, d, refresh, ...)                                                    \
	TUI_VIEW_DEF(id, nm, ttl, TUI_V_TOP, d, __VA_ARGS__).refresh_s = refresh,                  \
						TUI_VIEW_FNS(text),                                \
	}

static const struct text_desc digest = {
	.parts = (const struct part[]){ { "Digest preview", "/api/v1/digest/preview" },
					{ NULL, NULL } },
	.send_path = "/api/v1/digest/send",
};
TEXT_VIEW(digest, "digest", "Digest", &digest, 0, TUI_A_send);

static const struct text_desc obs = {
	.parts = (const struct part[]){ { "Health", "/health" },
					{ "Readiness", "/ready" },
					{ "Metrics", "/api/v1/metrics" },
					{ "Prometheus (/api/v1/metrics/prometheus)",
					  "/api/v1/metrics/prometheus" },
					{ NULL, NULL } },
};
TEXT_VIEW(observability, "observability", "Observability", &obs, 10, TUI_A_reload);
