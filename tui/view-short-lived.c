/* view-short-lived.c: Short-lived — certificates of profiles whose TTL is under an hour,
 * with a live TTL countdown; fetched again every 10 s */
#include <stdlib.h>
#include "libcc/buf.h"
#include "tui/screens.h"
#include "libcc/banned.h"

enum { T_PROFILES = TUI_TAG_USER, T_CERTS };

static const struct tui_col cols[] = {
	{ "Name", "name", 0, TUI_F_TEXT },
	{ "Common name", "common_name", 0, TUI_F_TEXT },
	{ "Profile", "certificate_profile_id", 16, TUI_F_TEXT },
	{ "Status", "status", 9, TUI_F_STATUS },
	{ "TTL left", "expires_at", 9, TUI_F_TTL },
	TUI_COL_END,
};

static bool short_lived(const json_t *p)
{
	long long ttl = tui_jint(p, "max_ttl_seconds", 0);

	return json_is_true(json_object_get(p, "allow_short_lived")) || (ttl > 0 && ttl < 3600);
}

static void load(struct tui_screen *s)
{
	struct tui_rl *rl = tui_rl(s);

	json_decref(rl->user);
	rl->user = json_array();
	tui_get(s, T_PROFILES, "/api/v1/profiles?per_page=500");
}

static void ask_certs(struct tui_screen *s, const json_t *profiles)
{
	struct tui_rl *rl = tui_rl(s);
	struct cc_buf note = CC_BUF_INIT;
	const json_t *p;
	size_t i, n = 0;

	json_array_foreach (tui_jdata(profiles), i, p) {
		const char *id = tui_jstr(p, "id");
		char *path;
		if (!id || !short_lived(p))
			continue;
		path = tui_path("/api/v1/certificates?profile_id=%s&per_page=500", id);
		tui_get(s, T_CERTS, path);
		free(path);
		cc_buf_addf(&note, "%s%s (%llds)", n++ ? ", " : "", id,
			    tui_jint(p, "max_ttl_seconds", 0));
	}
	free(rl->note);
	rl->note = n ? cc_xasprintf("refreshed every 10 s · profiles with a TTL under an hour: %s",
				    note.buf)
		     : cc_xstrdup("no profile has a TTL under an hour (allow_short_lived)");
	cc_buf_release(&note);
	if (!n)
		tui_rl_set(s, json_pack("{s:[]}", "data"));
}

static int result(struct tui_screen *s, const struct tui_res *r)
{
	struct tui_rl *rl = tui_rl(s);

	if (!tui_res_ok(r)) {
		tui_res_report(s, r, "short-lived");
		return TUI_REDRAW;
	}
	if (r->tag == T_PROFILES) {
		ask_certs(s, r->json);
	} else {
		json_array_extend(rl->user, (json_t *)tui_jdata(r->json));
		if (!s->inflight)
			tui_rl_set(s, json_pack("{s:O}", "data", rl->user));
	}
	return TUI_REDRAW;
}

static const struct tui_rl_desc desc = {
	.cols = cols,
	.open = "certificate",
	.empty = "no short-lived certificates",
	.live = true,
	.result = result,
	.load = load,
};

const struct tui_view_ops tui_view_short_lived = {
	.name = "short-lived",
	.title = "Short-lived",
	.flags = TUI_V_TOP,
	.acts = (const enum tui_act[]){ TUI_A_open, TUI_A_search, TUI_A_sort, TUI_A__COUNT },
	.desc = &desc,
	.refresh_s = 10,
	TUI_RL_OPS,
};
