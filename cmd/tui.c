/* tui.c: `certctl tui` — the terminal dashboard over the same HTTP client as the CLI */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cmd/client-opts.h"
#include "libcc/err.h"
#include "tui/app.h"
#include "tui/tui.h"
#include "libcc/banned.h"

static const struct cc_opt opts[] = {
	CC_CLIENT_OPTS,
	{ "screen", 0, "NAME", "open this screen first (e.g. certificates, jobs, fleet)", -1 },
	{ "no-wizard", 0, NULL, "do not open the onboarding wizard on an empty server", -1 },
	CC_OPT_END,
};

const struct cc_cmd_info cmd_tui_info = {
	.usage = "[options]",
	.description =
		"An ncurses dashboard of the server, and the primary interactive way to use it:\n"
		"a dashboard with charts, certificates (search, multi-select, bulk renew, bulk\n"
		"revoke through the server's bulk endpoint, owner reassignment), jobs (approve,\n"
		"reject), agents, fleet, notifications, audit (export to CSV or JSON), issuers,\n"
		"targets, profiles, policies, owners, teams, agent groups, short-lived\n"
		"certificates, discovery, network scans, digest and observability. It opens an\n"
		"onboarding wizard when the server holds no certificates and no issuer of its "
		"own.\n"
		"\n"
		"Keys: ? help, : go to a screen by name, Tab/Shift-Tab next/previous screen,\n"
		"Enter open, q or Esc back (q on a top screen quits), / search, Space select,\n"
		"* select all, s sort, S reverse, f filter, ^R reload; each screen's own keys\n"
		"are in its footer. Requests run in the background: a server that goes away is\n"
		"reported on the status line and retried. Needs a terminal of at least 80x24;\n"
		"NO_COLOR or --no-color draws without colors. Tests drive it without a terminal:\n"
		"CERTCTL_TUI_SCRIPT names a file of commands (key, type, save-screen, resize,\n"
		"sleep, quit), each run once every request is answered, on a screen of LINES x\n"
		"COLUMNS.",
	.opts = opts,
	.subs = NULL,
};

int cmd_tui(int argc, char **argv, struct cc_ctx *ctx)
{
	struct cc_optv ov;
	struct cc_client cl;
	struct cc_err err = CC_ERR_INIT;
	struct tui_opts o;
	const char *now = getenv("CERTCTL_TEST_NOW"), *script = getenv("CERTCTL_TUI_SCRIPT");
	int rc;

	if (!cc_cmd_start(ctx, argc, argv, &ov, &rc))
		return rc;
	memset(&o, 0, sizeof(o));
	if (ov.pos.n)
		rc = cc_usage_error(ctx->cmd, "unexpected argument '%s'", ov.pos.v[0]);
	else if ((o.screen = cc_opt_get(ctx->cmd, &ov, "screen")) && !tui_view_find(o.screen))
		rc = cc_usage_error(ctx->cmd, "no screen is called '%s'", o.screen);
	else if ((!script || !*script) && (!isatty(0) || !isatty(1)))
		rc = cc_usage_error(ctx->cmd, "the TUI needs a terminal on stdin and stdout");
	if (rc || (rc = cc_ctx_setup(ctx, &ov)) || (rc = cc_cmd_client(ctx, &ov, &cl))) {
		cc_optv_release(&ov);
		return rc;
	}
	if (!cc_opt_isset(ctx->cmd, &ov, "timeout"))
		cl.timeout_ms = 10000;
	o.color = !ctx->cfg.no_color && !cc_opt_isset(ctx->cmd, &ov, "no-color");
	o.no_wizard = cc_opt_isset(ctx->cmd, &ov, "no-wizard");
	o.now_s = now ? strtol(now, NULL, 10) : 0;
	o.script = script && *script ? script : NULL;
	if (tui_run(&cl, &o, &err) < 0)
		rc = cc_cmd_fail(ctx, &err);
	cc_client_release(&cl);
	cc_optv_release(&ov);
	return rc;
}
