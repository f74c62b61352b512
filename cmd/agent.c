/* agent.c: `certctl agent` (certctl-agent) — options and configuration, signals, then the
 * loop of agent/ */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "cmd/cmd.h"
#include "agent/agent.h"
#include "libcc/err.h"
#include "libcc/banned.h"

static const struct cc_opt opts[] = {
	{ "server-url", 's', "URL", "certctl server URL", CC_CFG_server_url },
	{ "api-key", 'k', "KEY",
	  "bootstrap key for the first registration, or the agent's own key with --agent-id",
	  CC_CFG_api_key },
	{ "agent-id", 0, "ID", "act as this registered agent instead of the state file's",
	  CC_CFG_agent_id },
	{ "name", 'n', "NAME", "agent name at registration (default: the host name)",
	  CC_CFG_agent_name },
	{ "key-dir", 0, "DIR", "private key directory, kept 0700", CC_CFG_key_dir },
	{ "state-dir", 0, "DIR", "directory of agent.json (default: the parent of the key dir)",
	  CC_CFG_agent_state_dir },
	{ "discovery-dirs", 0, "DIRS", "comma-separated directories scanned for certificates",
	  CC_CFG_discovery_dirs },
	{ "heartbeat-interval", 0, "DUR", "time between heartbeats",
	  CC_CFG_agent_heartbeat_interval },
	{ "poll-interval", 0, "DUR", "time between work polls", CC_CFG_agent_poll_interval },
	{ "discovery-interval", 0, "DUR", "time between discovery scans",
	  CC_CFG_agent_discovery_interval },
	{ "once", 0, NULL, "one heartbeat, poll, jobs and discovery scan, then exit", -1 },
	{ "ca-cert", 0, "FILE", "PEM CA certificate to trust for an https server", -1 },
	{ "insecure", 0, NULL, "do not verify the server's TLS certificate", -1 },
	{ "config", 'c', "FILE", "read settings from FILE", CC_CFG_config_file },
	{ "log-level", 0, "LEVEL", "debug, info, warn or error", CC_CFG_log_level },
	{ "log-format", 0, "FORMAT", "text or json", CC_CFG_log_format },
	CC_OPT_END,
};

const struct cc_cmd_info cmd_agent_info = {
	.usage = "[options]",
	.description =
		"Runs on each server that holds certificates. The first run needs only the\n"
		"server URL and a bootstrap API key: the agent registers (name = --name or the\n"
		"host name) and keeps its id and its own key in <state-dir>/agent.json (0600);\n"
		"later runs read that file. It sends a heartbeat, polls for work, generates keys\n"
		"and CSRs for AwaitingCSR jobs (keys stay in <key-dir>/<certificate_id>.key, "
		"0600),\n"
		"deploys certificates with the target connectors, checks over TLS that the target\n"
		"serves the new certificate (CERTCTL_VERIFY_DEPLOYMENT, _DELAY, _TIMEOUT), and\n"
		"reports certificates found in the discovery dirs. While the server is away it\n"
		"retries with exponential backoff (1 s to 5 min, with jitter); undelivered job\n"
		"results are resent. SIGTERM or SIGINT stop it after the current step (exit 0).\n"
		"With --once it exits after one cycle: 1 when a step failed. v2.1 flags\n"
		"(-server, -api-key, -agent-id, -name, -key-dir, -discovery-dirs) are accepted.",
	.opts = opts,
	.subs = NULL,
};

/* v2.1 took Go flags: -server URL, -api-key=K, ... */
static const char *const v21_flags[][2] = {
	{ "server", "server-url" }, { "api-key", "api-key" },
	{ "agent-id", "agent-id" }, { "name", "name" },
	{ "key-dir", "key-dir" },   { "discovery-dirs", "discovery-dirs" },
};

static char *v21_arg(const char *a)
{
	const char *p = a + 1 + (a[1] == '-');
	size_t n = strcspn(p, "=");

	if (a[0] != '-' || !a[1])
		return NULL;
	for (size_t i = 0; i < CC_ARRAY_SIZE(v21_flags); i++) {
		if (strlen(v21_flags[i][0]) != n || strncmp(p, v21_flags[i][0], n))
			continue;
		if (a[1] == '-' && !strcmp(v21_flags[i][0], v21_flags[i][1]))
			return NULL; /* already ours */
		return cc_xasprintf("--%s%s", v21_flags[i][1], p + n);
	}
	return NULL;
}

/* argv with the v2.1 spellings rewritten (a NULL-terminated copy) */
static void v21_argv(int argc, char **argv, struct cc_strv *out)
{
	bool rest = false;

	for (int i = 0; i < argc; i++) {
		char *r = i && !rest ? v21_arg(argv[i]) : NULL;
		if (!strcmp(argv[i], "--"))
			rest = true; /* positionals follow */
		if (r)
			cc_strv_take(out, r);
		else
			cc_strv_push(out, argv[i]);
	}
}

static void opts_from_cfg(const struct cc_cfg *cfg, const struct cc_cmd *cmd,
			  const struct cc_optv *ov, struct agent_opts *o)
{
	o->server_url = cc_cfg_str(cfg, CC_CFG_server_url);
	o->api_key = cc_cfg_str(cfg, CC_CFG_api_key);
	o->agent_id = cc_cfg_str(cfg, CC_CFG_agent_id);
	o->name = cc_cfg_str(cfg, CC_CFG_agent_name);
	o->key_dir = cc_cfg_str(cfg, CC_CFG_key_dir);
	o->state_dir = cc_cfg_str(cfg, CC_CFG_agent_state_dir);
	o->ca_cert = cc_opt_get(cmd, ov, "ca-cert");
	o->insecure = cc_opt_isset(cmd, ov, "insecure");
	cc_cfg_list(cfg, CC_CFG_discovery_dirs, &o->discovery_dirs);
	o->heartbeat_ms = cc_cfg_dur(cfg, CC_CFG_agent_heartbeat_interval) / 1000;
	o->poll_ms = cc_cfg_dur(cfg, CC_CFG_agent_poll_interval) / 1000;
	o->discovery_ms = cc_cfg_dur(cfg, CC_CFG_agent_discovery_interval) / 1000;
	o->verify = cc_cfg_bool(cfg, CC_CFG_verify_deployment);
	o->verify_delay_ms = cc_cfg_dur(cfg, CC_CFG_verify_delay) / 1000;
	o->verify_timeout_ms = cc_cfg_dur(cfg, CC_CFG_verify_timeout) / 1000;
	o->once = cc_opt_isset(cmd, ov, "once");
}

static int run(struct cc_ctx *ctx, const struct cc_optv *ov)
{
	struct cc_err err = CC_ERR_INIT;
	struct agent_opts o = { 0 };
	struct agent a = { .o = &o, .log = &ctx->log };
	int rc;

	umask(077); /* keys and the state file are nobody else's business */
	opts_from_cfg(&ctx->cfg, ctx->cmd, ov, &o);
	if (!*o.key_dir) {
		cc_strv_release(&o.discovery_dirs);
		return cc_usage_error(ctx->cmd, "--key-dir must not be empty");
	}
	if (cc_client_init(&a.cl, &ctx->cfg, NULL, NULL, &err) < 0) {
		cc_strv_release(&o.discovery_dirs);
		return cc_cmd_fail(ctx, &err);
	}
	if (o.ca_cert)
		a.cl.ca_cert = cc_xstrdup(o.ca_cert);
	a.cl.insecure = o.insecure;
	/* the loop takes SIGTERM/SIGINT with sigtimedwait, between steps */
	sigemptyset(&a.sigs);
	sigaddset(&a.sigs, SIGTERM);
	sigaddset(&a.sigs, SIGINT);
	sigprocmask(SIG_BLOCK, &a.sigs, NULL);
	signal(SIGPIPE, SIG_IGN);
	rc = agent_run(&a);
	agent_reports_release(&a);
	cc_strv_release(&a.csr_sent);
	cc_client_release(&a.cl);
	cc_strv_release(&o.discovery_dirs);
	free(a.id);
	return rc;
}

int cmd_agent(int argc, char **argv, struct cc_ctx *ctx)
{
	struct cc_strv args = CC_STRV_INIT;
	struct cc_optv ov;
	int rc;

	v21_argv(argc, argv, &args);
	if (cc_cmd_start(ctx, (int)args.n, args.v, &ov, &rc)) {
		if (ov.pos.n)
			rc = cc_usage_error(ctx->cmd, "unexpected argument '%s'", ov.pos.v[0]);
		else if (!(rc = cc_ctx_setup(ctx, &ov)))
			rc = run(ctx, &ov);
		cc_optv_release(&ov);
	}
	cc_strv_release(&args);
	return rc;
}
