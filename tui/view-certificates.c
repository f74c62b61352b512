/* view-certificates.c: Certificates — the inventory with server-side filters, search,
 * multi-select, bulk renew, bulk revoke (the server's bulk endpoint) and owner reassignment */
#include <stdlib.h>
#include <string.h>
#include "tui/screens.h"
#include "libcc/banned.h"

enum { T_RENEW = TUI_TAG_USER, T_OWNERS, T_OWNER_SET };

static const struct tui_col cols[] = {
	{ "Name", "name", 0, TUI_F_TEXT },
	{ "Common name", "common_name", 0, TUI_F_TEXT },
	{ "Status", "status", 11, TUI_F_STATUS },
	{ "Expires", "expires_at", 14, TUI_F_AGO },
	{ "Owner", "owner_id", 9, TUI_F_TEXT },
	{ "Env", "environment", 7, TUI_F_TEXT },
	TUI_COL_END,
};

static const struct tui_field filter[] = {
	{ "status", "Status", TUI_FT_CHOICE,
	  "|Active|Expiring|Expired|Failed|Revoked|Pending|RenewalInProgress|Archived", NULL,
	  false },
	{ "environment", "Environment", TUI_FT_TEXT, NULL, NULL, false },
	{ "owner_id", "Owner", TUI_FT_TEXT, NULL, NULL, false },
	{ "team_id", "Team", TUI_FT_TEXT, NULL, NULL, false },
	{ "issuer_id", "Issuer", TUI_FT_TEXT, NULL, NULL, false },
	{ "profile_id", "Profile", TUI_FT_TEXT, NULL, NULL, false },
	{ "agent_id", "Agent", TUI_FT_TEXT, NULL, NULL, false },
	TUI_FIELD_END,
};

const struct tui_field tui_cert_form[] = {
	{ "name", "Name", TUI_FT_TEXT, NULL, NULL, true },
	{ "common_name", "Common name", TUI_FT_TEXT, NULL, NULL, true },
	{ "sans", "SANs (a, b)", TUI_FT_LIST, NULL, NULL, false },
	{ "environment", "Environment", TUI_FT_TEXT, NULL, "production", false },
	{ "owner_id", "Owner", TUI_FT_TEXT, NULL, NULL, true },
	{ "team_id", "Team", TUI_FT_TEXT, NULL, NULL, true },
	{ "issuer_id", "Issuer", TUI_FT_TEXT, NULL, "iss-local", true },
	{ "certificate_profile_id", "Profile", TUI_FT_TEXT, NULL, NULL, false },
	{ "renewal_policy_id", "Renewal policy", TUI_FT_TEXT, NULL, "rp-default", true },
	TUI_FIELD_END,
};

/* the API has no bulk renew or reassign: one request per certificate, counted in rl->user
 * ({"total", "done", "failed", "error"}) for the progress and the summary */
static void batch_start(struct tui_screen *s, const json_t *ids)
{
	struct tui_rl *rl = tui_rl(s);

	json_decref(rl->user);
	rl->user = json_pack("{s:I, s:I, s:I}", "total", (json_int_t)json_array_size(ids), "done",
			     (json_int_t)0, "failed", (json_int_t)0);
}

static json_int_t batch_get(const struct tui_screen *s, const char *key)
{
	return json_integer_value(json_object_get(tui_rl((struct tui_screen *)s)->user, key));
}

/* one answer of the batch: true when it was the last */
static bool batch_step(struct tui_screen *s, const struct tui_res *r, const char *verb)
{
	json_t *u = tui_rl(s)->user;
	json_int_t total = batch_get(s, "total"), done = batch_get(s, "done") + 1,
		   failed = batch_get(s, "failed");

	json_object_set_new(u, "done", json_integer(done));
	if (!tui_res_ok(r)) {
		json_object_set_new(u, "failed", json_integer(++failed));
		if (!json_object_get(u, "error"))
			json_object_set_new(u, "error", json_string(r->err.msg));
	}
	if (done < total) {
		tui_status(s->app, TUI_INFO, "%s %lld/%lld…", verb, (long long)done,
			   (long long)total);
		return false;
	}
	return true;
}

static void batch_summary(struct tui_screen *s, const char *what)
{
	json_int_t total = batch_get(s, "total"), failed = batch_get(s, "failed");
	const char *e = tui_jstr(tui_rl(s)->user, "error");

	if (!failed)
		tui_status(s->app, TUI_OK, "%s: %lld of %lld", what, (long long)total,
			   (long long)total);
	else
		tui_status(s->app, TUI_ERROR, "%s: %lld of %lld, %lld failed (%s)", what,
			   (long long)(total - failed), (long long)total, (long long)failed,
			   e ? e : "");
}

static void renew_yes(struct tui_screen *s, int tag, const json_t *ids)
{
	(void)tag;
	batch_start(s, ids);
	tui_send_ids(s, T_RENEW, "POST", "/api/v1/certificates/%s/renew", ids, NULL);
	tui_status(s->app, TUI_INFO, "asking for %zu renewal%s…", json_array_size(ids),
		   json_array_size(ids) == 1 ? "" : "s");
}

static int renew(struct tui_screen *s)
{
	struct cc_strv ids = CC_STRV_INIT;
	char *q;

	tui_list_ids(&tui_rl(s)->list, &ids);
	if (!ids.n)
		return TUI_REDRAW;
	q = ids.n == 1 ? cc_xasprintf("Renew %s now?", ids.v[0])
		       : cc_xasprintf("Renew the %zu selected certificates now?\n"
				      "(one renewal job each)",
				      ids.n);
	tui_confirm(s, "Renew", q, 0, renew_yes, tui_ids_json(&ids));
	free(q);
	cc_strv_release(&ids);
	return TUI_REDRAW;
}

static int revoke(struct tui_screen *s)
{
	struct tui_rl *rl = tui_rl(s);
	struct cc_strv ids = CC_STRV_INIT;

	/* the selection, else the filter's criteria (the server finds the certificates) */
	for (size_t i = 0; i < rl->list.t.n; i++)
		if (rl->list.sel[i])
			cc_strv_push(&ids, rl->list.t.row[i].id);
	tui_bulk_revoke_open(s, &ids, rl->filter);
	cc_strv_release(&ids);
	return TUI_REDRAW;
}

static void owner_set(struct tui_screen *s, int tag, const json_t *vals, const json_t *ids)
{
	json_t *body = json_pack("{s:O}", "owner_id", json_object_get(vals, "owner_id"));

	(void)tag;
	batch_start(s, ids);
	tui_send_ids(s, T_OWNER_SET, "PUT", "/api/v1/certificates/%s", ids, body);
	json_decref(body);
}

static int act(struct tui_screen *s, enum tui_act a)
{
	switch (a) {
	case TUI_A_renew:
		return renew(s);
	case TUI_A_revoke:
		return revoke(s);
	case TUI_A_owner:
		tui_get(s, T_OWNERS, "/api/v1/owners?per_page=500");
		return TUI_REDRAW;
	default:
		return TUI_PASS;
	}
}

static int owners_form(struct tui_screen *s, const json_t *owners)
{
	struct cc_strv ids = CC_STRV_INIT;
	struct tui_form *f;
	static const struct tui_field fld[] = {
		{ "owner_id", "New owner", TUI_FT_CHOICE, NULL, NULL, true },
		TUI_FIELD_END,
	};

	tui_list_ids(&tui_rl(s)->list, &ids);
	if (ids.n && (f = tui_form_open(s, "Reassign owner", 0, owner_set, tui_ids_json(&ids)))) {
		tui_form_fields(f, fld);
		tui_form_choices(f, "owner_id", owners, "id", "name", false);
		f->note = cc_xasprintf("%zu certificate%s", ids.n, ids.n == 1 ? "" : "s");
	}
	cc_strv_release(&ids);
	return TUI_REDRAW;
}

static int result(struct tui_screen *s, const struct tui_res *r)
{
	bool renewing = r->tag == T_RENEW;

	if (r->tag == T_OWNERS) {
		if (!tui_res_ok(r)) {
			tui_res_report(s, r, "owners");
			return TUI_REDRAW;
		}
		return owners_form(s, r->json);
	}
	if (!batch_step(s, r, renewing ? "renewing" : "reassigning"))
		return TUI_REDRAW;
	batch_summary(s, renewing ? "renewal queued" : "owner reassigned");
	return s->inflight ? TUI_REDRAW : TUI_RELOAD;
}

static const struct tui_rl_desc desc = {
	.path = "/api/v1/certificates?per_page=500&sort=expiresAt",
	.cols = cols,
	.open = "certificate",
	.item_path = "/api/v1/certificates/%s",
	.form = tui_cert_form,
	.filter = filter,
	.empty = "no certificates: n adds one, or run the onboarding wizard (w on the dashboard)",
	.act = act,
	.result = result,
};

TUI_RL_VIEW(certificates, "certificates", "Certificates", &desc, TUI_A_open, TUI_A_search,
	    TUI_A_select, TUI_A_filter, TUI_A_renew, TUI_A_revoke, TUI_A_owner, TUI_A_sort,
	    TUI_A_create);
