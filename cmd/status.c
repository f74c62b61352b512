/* status.c: `certctl status` — is serve up and ready, and what does it hold */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cmd/client-opts.h"
#include "cmd/serve-detach.h"
#include "libcc/err.h"
#include "libcc/banned.h"

static const struct cc_opt opts[] = {
	CC_CLIENT_OPTS,
	{ "data-dir", 0, "DIR", "where a detached serve keeps its pid file", CC_CFG_data_dir },
	CC_OPT_END,
};

const struct cc_cmd_info cmd_status_info = {
	.usage = "[options]",
	.description =
		"Asks the server for /health, /ready and /api/v1/stats/summary, and reports a\n"
		"background serve started with 'certctl serve --detach' on this machine.\n"
		"Exits 1 when the server cannot be reached or is not ready.",
	.opts = opts,
	.subs = NULL,
};

static json_int_t n(json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

static void print_table(const char *url, pid_t pid, bool healthy, bool ready, json_t *s,
			const char *why)
{
	printf("server        %s (%s, %s)\n", url, healthy ? "healthy" : "unreachable",
	       ready ? "ready" : "not ready");
	if (pid)
		printf("background    pid %d\n", (int)pid);
	if (why)
		printf("summary       unavailable: %s\n", why);
	if (!s)
		return;
	printf("certificates  %lld total, %lld expiring within 30 days, %lld expired, %lld "
	       "revoked\n",
	       (long long)n(s, "total_certificates"), (long long)n(s, "expiring_certificates"),
	       (long long)n(s, "expired_certificates"), (long long)n(s, "revoked_certificates"));
	printf("agents        %lld total, %lld online\n", (long long)n(s, "total_agents"),
	       (long long)n(s, "active_agents"));
	printf("jobs          %lld pending, %lld failed, %lld completed\n",
	       (long long)n(s, "pending_jobs"), (long long)n(s, "failed_jobs"),
	       (long long)n(s, "complete_jobs"));
}

static int run(struct cc_ctx *ctx, const struct cc_optv *ov, bool json)
{
	struct cc_client cl;
	struct cc_err err = CC_ERR_INIT, serr = CC_ERR_INIT;
	json_t *health = NULL, *ready = NULL, *summary = NULL;
	pid_t pid = cc_serve_running(&ctx->cfg);
	bool healthy, is_ready;
	int rc = cc_cmd_client(ctx, ov, &cl);

	if (rc)
		return rc;
	healthy = cc_client_json(&cl, "GET", "/health", NULL, &health, &err) == 0;
	is_ready = healthy && cc_client_json(&cl, "GET", "/ready", NULL, &ready, NULL) == 0;
	if (healthy)
		cc_client_json(&cl, "GET", "/api/v1/stats/summary", NULL, &summary, &serr);
	if (json) {
		json_t *o = json_pack("{s:s, s:b, s:b}", "server", cl.base_url, "healthy", healthy,
				      "ready", is_ready);
		if (pid)
			json_object_set_new(o, "pid", json_integer(pid));
		if (summary)
			json_object_set(o, "summary", summary);
		else if (serr.msg[0] || err.msg[0])
			json_object_set_new(o, "error", json_string(healthy ? serr.msg : err.msg));
		char *s = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		puts(s);
		free(s);
		json_decref(o);
	} else if (!cc_opt_isset(ctx->cmd, ov, "quiet")) {
		print_table(cl.base_url, pid, healthy, is_ready, summary,
			    summary ? NULL : (serr.msg[0] ? serr.msg : NULL));
	}
	if (!healthy)
		fprintf(stderr, "certctl status: %s\n", err.msg);
	json_decref(health);
	json_decref(ready);
	json_decref(summary);
	cc_client_release(&cl);
	return healthy && is_ready ? 0 : 1;
}

int cmd_status(int argc, char **argv, struct cc_ctx *ctx)
{
	struct cc_optv ov;
	bool json;
	int rc;

	if (!cc_cmd_start(ctx, argc, argv, &ov, &rc))
		return rc;
	if (ov.pos.n)
		rc = cc_usage_error(ctx->cmd, "unexpected argument '%s'", ov.pos.v[0]);
	else if (!(rc = cc_ctx_setup(ctx, &ov)) && (json = cc_cmd_json(ctx, &ov, &rc), !rc))
		rc = run(ctx, &ov, json);
	cc_optv_release(&ov);
	return rc;
}
