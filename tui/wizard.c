/* wizard.c: the two-step create wizard of issuers and targets (type, then the type's own
 * fields) and their connection tests */
#include <stdlib.h>
#include <string.h>
#include "tui/catalog.h"
#include "tui/screens.h"
#include "libcc/banned.h"

/* ctx of step 2: {"path": post path, "kinds": "issuer"|"target", "values": step 1's} */
static void step2_done(struct tui_screen *s, int tag, const json_t *vals, const json_t *ctx)
{
	json_t *body = json_deep_copy(json_object_get(ctx, "values"));

	(void)tag;
	json_object_update_recursive(body, (json_t *)vals);
	tui_send(s, TUI_TAG_SAVE, "POST", tui_jstr(ctx, "path"), body);
}

static void step1_done(struct tui_screen *s, int tag, const json_t *vals, const json_t *ctx)
{
	const struct tui_kind *kinds =
		strcmp(tui_jstr(ctx, "kinds"), "issuer") ? tui_target_kinds : tui_issuer_kinds;
	const struct tui_kind *k = tui_kind_find(kinds, tui_jstr(vals, "type"));
	struct tui_form *f;
	char *title;

	(void)tag;
	if (!k)
		return;
	title = cc_xasprintf("New %s %s — step 2 of 2: %s", tui_jstr(ctx, "kinds"), k->type,
			     tui_jstr(vals, "name"));
	f = tui_form_open(s, title, 0, step2_done,
			  json_pack("{s:O, s:O, s:O}", "path", json_object_get(ctx, "path"),
				    "kinds", json_object_get(ctx, "kinds"), "values", vals));
	free(title);
	if (!f)
		return;
	f->note = cc_xstrdup(k->about);
	tui_form_fields(f, k->fields);
}

void tui_wizard_open(struct tui_screen *s, const char *what, const struct tui_kind *kinds,
		     const char *post_path, const struct tui_field *step1, const json_t *agents)
{
	char *choices = tui_kind_choices(kinds), *title;
	struct tui_form *f;

	title = cc_xasprintf("New %s — step 1 of 2", what);
	f = tui_form_open(s, title, 0, step1_done,
			  json_pack("{s:s, s:s}", "path", post_path, "kinds", what));
	free(title);
	if (f) {
		tui_form_add(f,
			     &(struct tui_field){ "name", "Name", TUI_FT_TEXT, NULL, NULL, true });
		tui_form_add(f, &(struct tui_field){ "type", "Type", TUI_FT_CHOICE, choices, NULL,
						     true });
		tui_form_fields(f, step1);
		if (agents)
			tui_form_choices(f, "agent_id", agents, "id", "name", false);
		f->note = cc_xstrdup("←→ picks the type; the next step asks its own fields");
	}
	free(choices);
}

void tui_test_connection(struct tui_screen *s, const char *path_fmt, const char *id)
{
	char *p = tui_path(path_fmt, id);

	tui_send(s, TUI_TAG_TEST, "POST", p, NULL);
	tui_status(s->app, TUI_INFO, "testing %s…", id);
	free(p);
}

int tui_test_result(struct tui_screen *s, const struct tui_res *r)
{
	const char *st = tui_jstr(r->json, "status"), *msg = tui_jstr(r->json, "message");
	bool ok = tui_res_ok(r) && st && (strstr(st, "success") || !strcmp(st, "ok"));

	if (!tui_res_ok(r) && r->status == 0)
		return TUI_REDRAW;
	if (tui_res_ok(r) || st)
		tui_status(s->app, ok ? TUI_OK : TUI_ERROR, "test: %s%s%s", st ? st : "done",
			   msg ? ": " : "", msg ? msg : "");
	else
		tui_res_report(s, r, "test");
	return TUI_RELOAD;
}
