/* view-onboarding.c: the first-run wizard — connect a CA, deploy an agent (the commands for
 * Linux and macOS, agents polled every 5 s), add a certificate, done */
#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include "tui/catalog.h"
#include "tui/screens.h"
#include "libcc/banned.h"

enum { T_ISSUERS = TUI_TAG_USER, T_AGENTS, T_CERT, T_RENEW };
#define STEPS 4

static const char *const titles[STEPS] = { "Connect a CA", "Deploy an agent", "Add a certificate",
					   "Done" };

struct onb {
	int step;
	long long issuers, agents;
	char cert_id[128];
};

static void open_(struct tui_screen *s)
{
	struct onb *o = cc_xcalloc(1, sizeof(*o));

	o->issuers = o->agents = -1;
	s->st = o;
}

static void close_(struct tui_screen *s)
{
	free(s->st);
}

static void load(struct tui_screen *s)
{
	tui_get(s, T_ISSUERS, "/api/v1/issuers?per_page=500");
	tui_get(s, T_AGENTS, "/api/v1/agents?per_page=1");
}

static void cert_created(struct tui_screen *s, int tag, const json_t *vals, const json_t *ctx)
{
	(void)tag;
	(void)ctx;
	tui_send(s, T_CERT, "POST", "/api/v1/certificates", json_deep_copy(vals));
}

static int result(struct tui_screen *s, const struct tui_res *r)
{
	struct onb *o = s->st;
	char *p;

	if (!tui_res_ok(r)) {
		tui_res_report(s, r, titles[o->step]);
		return TUI_REDRAW;
	}
	switch (r->tag) {
	case T_ISSUERS:
		o->issuers =
			tui_jint(r->json, "total", (long long)json_array_size(tui_jdata(r->json)));
		break;
	case T_AGENTS:
		o->agents = tui_jint(r->json, "total", 0);
		break;
	case TUI_TAG_SAVE: /* the issuer wizard */
		tui_status(s->app, TUI_OK, "issuer created");
		o->step = 1;
		return TUI_RELOAD;
	case TUI_TAG_TEST:
		return tui_test_result(s, r);
	case T_CERT:
		snprintf(o->cert_id, sizeof(o->cert_id), "%s",
			 tui_jstr(r->json, "id") ? tui_jstr(r->json, "id") : "");
		p = tui_path("/api/v1/certificates/%s/renew", o->cert_id);
		tui_send(s, T_RENEW, "POST", p, NULL); /* the first issuance */
		free(p);
		break;
	case T_RENEW:
		tui_status(s->app, TUI_OK, "certificate %s created, issuance queued", o->cert_id);
		o->step = 3;
		break;
	}
	return TUI_REDRAW;
}

static int act(struct tui_screen *s, enum tui_act a)
{
	struct onb *o = s->st;
	struct tui_form *f;

	if (a != TUI_A_create)
		return TUI_PASS;
	if (o->step == 0)
		tui_wizard_open(s, "issuer", tui_issuer_kinds, "/api/v1/issuers", NULL, NULL);
	else if (o->step == 2 && (f = tui_form_open(s, "New certificate", 0, cert_created, NULL)))
		tui_form_fields(f, tui_cert_form);
	return TUI_REDRAW;
}

static int key(struct tui_screen *s, int k)
{
	struct onb *o = s->st;

	if (k == KEY_RIGHT || k == '\n' || k == KEY_ENTER || k == ' ') {
		if (o->step == STEPS - 1)
			return TUI_BACK;
		o->step++;
	} else if (k == KEY_LEFT && o->step) {
		o->step--;
	} else {
		return TUI_PASS;
	}
	return TUI_REDRAW;
}

static int tick(struct tui_screen *s, int64_t now)
{
	struct onb *o = s->st;

	/* step 2 waits for an agent: poll every 5 s */
	if (o->step == 1 && !s->inflight && now - s->loaded_ms >= 5000)
		return TUI_RELOAD;
	return 0;
}

static int lines(struct tui_screen *s, const struct onb *o, const char **out, int max)
{
	static char buf[4][200];
	const char *url = tui_app_server(s->app);
	int n = 0;

#define L(x) (n < max ? (out[n++] = (x)) : NULL)
	switch (o->step) {
	case 0:
		snprintf(buf[0], sizeof(buf[0]),
			 "Issuers on the server: %lld (iss-local, the built-in "
			 "Local CA, can issue right away)",
			 o->issuers);
		L(buf[0]);
		L("");
		L("n  connect another CA: ACME, step-ca, Vault PKI, DigiCert, EJBCA… (then test "
		  "it");
		L("   with t on the Issuers screen)");
		break;
	case 1:
		L("On each server that needs certificates, run the agent (one binary, no deps):");
		L("");
		L("Linux:");
		snprintf(buf[1], sizeof(buf[1]),
			 "  sudo certctl agent --server-url %s --api-key \"$KEY\"", url);
		L(buf[1]);
		L("  (as a service: ExecStart= that line in a systemd unit)");
		L("macOS:");
		snprintf(buf[2], sizeof(buf[2]),
			 "  sudo certctl agent --server-url %s --api-key \"$KEY\"", url);
		L(buf[2]);
		L("  (as a service: a launchd plist running that command)");
		L("");
		snprintf(buf[3], sizeof(buf[3]), "Agents registered: %lld (checked every 5 s)",
			 o->agents);
		L(buf[3]);
		break;
	case 2:
		L("n  add a certificate: name, common name, SANs, owner, team, issuer, profile;");
		L("   its first issuance is queued at once (see Jobs)");
		break;
	default:
		L("All set. The Dashboard shows the fleet; ? lists the keys of each screen,");
		L(": jumps to any screen by name. Docs: man certctl-tui, README (TUI section).");
		if (o->cert_id[0])
			L("Your certificate is in Certificates.");
	}
#undef L
	return n;
}

static void draw(struct tui_screen *s, struct tui_rect r)
{
	struct onb *o = s->st;
	const char *l[16];
	int n = lines(s, o, l, 16), x = r.x + 2;

	tui_clear_rect(r);
	tui_put(r.y, r.x + 1, r.w - 2, TUI_S_HEADER, "Welcome to certctl — first steps");
	for (int i = 0; i < STEPS; i++) {
		x += tui_putf(r.y + 2, x, r.x + r.w - x, i == o->step ? TUI_S_CURSOR : TUI_S_DIM,
			      " %d %s ", i + 1, titles[i]);
		x += tui_put(r.y + 2, x, 2, TUI_S_DIM, i + 1 < STEPS ? "›" : "");
	}
	for (int i = 0; i < n && 4 + i < r.h; i++)
		tui_put(r.y + 4 + i, r.x + 2, r.w - 4, TUI_S_NORMAL, l[i]);
	tui_put(r.y + r.h - 1, r.x + 2, r.w - 4, TUI_S_DIM,
		"→/Enter next · ← back · q close (w on the Dashboard opens this again)");
}

const struct tui_view_ops tui_view_onboarding = {
	.name = "onboarding",
	.title = "Onboarding",
	.acts = (const enum tui_act[]){ TUI_A_create, TUI_A__COUNT },
	.open = open_,
	.close = close_,
	.load = load,
	.result = result,
	.key = key,
	.act = act,
	.draw = draw,
	.tick = tick,
};
