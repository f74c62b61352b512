/* view-certificate.c: Certificate detail — fields, versions, deployment targets, the job
 * timeline, policy violations; renew, revoke (bulk endpoint, this id) and PEM export */
#include <stdlib.h>
#include <string.h>
#include "tui/screens.h"
#include "libcc/banned.h"

enum { T_POLICIES = TUI_TAG_USER, T_VIOLATIONS, T_RENEW, T_EXPORT };

static const struct tui_col versions[] = {
	{ "Serial", "serial_number", 0, TUI_F_TEXT },
	{ "Not before", "not_before", 10, TUI_F_DATE },
	{ "Not after", "not_after", 10, TUI_F_DATE },
	{ "Key", "key_algorithm", 6, TUI_F_TEXT },
	{ "Bits", "key_size", 5, TUI_F_NUM },
	TUI_COL_END,
};
static const struct tui_col violations[] = {
	{ "Severity", "severity", 9, TUI_F_STATUS },
	{ "Rule", "rule_id", 18, TUI_F_TEXT },
	{ "Message", "message", 0, TUI_F_TEXT },
	TUI_COL_END,
};

static const struct tui_sub subs[] = {
	{ "Versions", "/api/v1/certificates/%s/versions", versions, NULL },
	{ "Deployment targets", "/api/v1/certificates/%s/deployments", tui_cols_targets, "target" },
	{ "Jobs (deployment timeline, newest first)", "/api/v1/jobs?certificate_id=%s&per_page=50",
	  tui_cols_cert_jobs, "job" },
	TUI_SUB_END,
};

/* violations are kept per rule: fetch the rules, then each rule's for this certificate */
static void load(struct tui_screen *s)
{
	struct tui_obj *o = tui_obj(s);

	json_decref(o->user);
	o->user = json_pack("{s:[]}", "violations");
	tui_get(s, T_POLICIES, "/api/v1/policies?per_page=500");
}

static void ask_violations(struct tui_screen *s, const json_t *rules)
{
	const json_t *r;
	size_t i;

	json_array_foreach (tui_jdata(rules), i, r) {
		const char *id = tui_jstr(r, "id");
		char *p;
		if (!id)
			continue;
		p = tui_path("/api/v1/policies/%s/violations?certificate_id=%s", id, s->arg);
		tui_get(s, T_VIOLATIONS, p);
		free(p);
	}
}

static void write_export(struct tui_screen *s, const json_t *pem)
{
	const char *full = tui_jstr(pem, "full_pem"), *cert = tui_jstr(pem, "cert_pem");
	const char *path = tui_jstr(tui_obj(s)->user, "export_path");

	if (!full)
		full = cert;
	if (!full)
		tui_status(s->app, TUI_ERROR, "export: the server sent no PEM");
	else
		tui_export_write(s->app, path, full, strlen(full));
}

static int result(struct tui_screen *s, const struct tui_res *r)
{
	struct tui_obj *o = tui_obj(s);

	if (!tui_res_ok(r)) {
		if (r->tag != T_VIOLATIONS) /* a rule without violations may answer 404 */
			tui_res_report(s, r, r->tag == T_EXPORT ? "export" : "certificate");
		return TUI_REDRAW;
	}
	switch (r->tag) {
	case T_POLICIES:
		ask_violations(s, r->json);
		break;
	case T_VIOLATIONS:
		json_array_extend(json_object_get(o->user, "violations"),
				  (json_t *)tui_jdata(r->json));
		break;
	case T_RENEW:
		tui_status(s->app, TUI_OK, "renewal queued: %s",
			   tui_jstr(r->json, "job_id") ? tui_jstr(r->json, "job_id") : "see Jobs");
		return TUI_RELOAD;
	case T_EXPORT:
		write_export(s, r->json);
		break;
	}
	return TUI_REDRAW;
}

static void extra(struct tui_screen *s, struct tui_detail *d, int w)
{
	struct tui_table t = { 0 };

	tui_detail_head(d, "Policy violations");
	tui_table_fill(&t, violations, json_object_get(tui_obj(s)->user, "violations"),
		       tui_app_now_us(s->app));
	tui_detail_table(d, &t, NULL, w - 2);
	tui_table_release(&t);
}

static void renew_yes(struct tui_screen *s, int tag, const json_t *ctx)
{
	char *p = tui_path("/api/v1/certificates/%s/renew", s->arg);

	(void)tag;
	(void)ctx;
	tui_send(s, T_RENEW, "POST", p, NULL);
	free(p);
}

static void export_to(struct tui_screen *s, int tag, const json_t *vals, const json_t *ctx)
{
	char *p = tui_path("/api/v1/certificates/%s/export/pem", s->arg);

	(void)tag;
	(void)ctx;
	json_object_set(tui_obj(s)->user, "export_path", json_object_get(vals, "path"));
	tui_get(s, T_EXPORT, p);
	free(p);
}

static int act(struct tui_screen *s, enum tui_act a)
{
	struct cc_strv ids = CC_STRV_INIT;
	struct tui_form *f;
	char *def;

	switch (a) {
	case TUI_A_renew:
		tui_confirm(s, "Renew", "Renew this certificate now?", 0, renew_yes, NULL);
		return TUI_REDRAW;
	case TUI_A_revoke:
		cc_strv_push(&ids, s->arg);
		tui_bulk_revoke_open(s, &ids, NULL);
		cc_strv_release(&ids);
		return TUI_REDRAW;
	case TUI_A_export:
		f = tui_form_open(s, "Export PEM (certificate and chain)", 0, export_to, NULL);
		if (!f)
			return TUI_REDRAW;
		tui_form_add(f,
			     &(struct tui_field){ "path", "File", TUI_FT_TEXT, NULL, NULL, true });
		def = cc_xasprintf("%s.pem",
				   *tui_obj_str(s, "name") ? tui_obj_str(s, "name") : s->arg);
		tui_form_set(f, "path", def);
		free(def);
		return TUI_REDRAW;
	default:
		return TUI_PASS;
	}
}

static const struct tui_obj_desc desc = {
	.path = "/api/v1/certificates/%s",
	.subs = subs,
	.act = act,
	.result = result,
	.load = load,
	.extra = extra,
};

TUI_OBJ_VIEW(certificate, "certificate", "Certificate", &desc, TUI_A_renew, TUI_A_revoke,
	     TUI_A_export, TUI_A_open);
