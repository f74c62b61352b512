/* serve.c: `certctl serve` — open and migrate the database, listen, stop on SIGTERM/SIGINT */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cmd/cmd.h"
#include "daemon/app.h"
#include "daemon/audit-writer.h"
#include "daemon/auth.h"
#include "daemon/ratelimit.h"
#include "daemon/server.h"
#include "cmd/serve-detach.h"
#include "libcc/time.h"
#include "libcc/db.h"
#include "libcc/err.h"
#include "libcc/migrate.h"
#include "libcc/banned.h"

static const struct cc_opt opts[] = {
	{ "host", 'H', "ADDR", "listen address", CC_CFG_server_host },
	{ "port", 'p', "PORT", "listen port (0: any free port)", CC_CFG_server_port },
	{ "database-url", 'd', "URL", "postgres://... or sqlite:PATH", CC_CFG_database_url },
	{ "data-dir", 0, "DIR", "state directory", CC_CFG_data_dir },
	{ "config", 'c', "FILE", "read settings from FILE", CC_CFG_config_file },
	{ "log-level", 0, "LEVEL", "debug, info, warn or error", CC_CFG_log_level },
	{ "log-format", 0, "FORMAT", "text or json", CC_CFG_log_format },
	{ "log-file", 0, "FILE", "log to FILE (reopened on SIGHUP)", CC_CFG_log_file },
	{ "tls-cert", 0, "FILE", "PEM certificate: serve HTTPS", CC_CFG_tls_cert_path },
	{ "tls-key", 0, "FILE", "PEM private key for --tls-cert", CC_CFG_tls_key_path },
	{ "insecure-http", 0, NULL, "allow plain HTTP on a non-loopback address", -1 },
	{ "detach", 0, NULL, "run in the background (pid and log files in the data dir)", -1 },
	{ "stop", 0, NULL, "stop the server started with --detach", -1 },
	CC_OPT_END,
};

const struct cc_cmd_info cmd_serve_info = {
	.usage = "[options]",
	.description =
		"With nothing configured, serve keeps its data in an embedded SQLite file\n"
		"under the data dir and listens on 127.0.0.1:8443. Set CERTCTL_DATABASE_URL\n"
		"to postgres://... to use PostgreSQL; several replicas may share one database.\n"
		"Migrations are applied at start. SIGTERM or SIGINT stop it gracefully;\n"
		"SIGHUP reopens the log file. --detach runs it in the background with\n"
		"certctl.pid and certctl.log in the data dir; --stop and 'certctl status' use "
		"them.",
	.opts = opts,
	.subs = NULL,
};

static int serve_loop(struct cc_ctx *ctx, sigset_t *set)
{
	struct cc_err err = CC_ERR_INIT;
	int sig;

	for (;;) {
		if (sigwait(set, &sig) != 0)
			continue;
		if (sig == SIGHUP) {
			if (cc_log_reopen(&ctx->log, &err) < 0)
				fprintf(stderr, "certctl serve: %s\n", err.msg);
			cc_info(&ctx->log, "log file reopened");
			continue;
		}
		cc_info(&ctx->log, "received %s, shutting down",
			sig == SIGTERM ? "SIGTERM" : "SIGINT");
		return 0;
	}
}

static void app_init(struct cc_ctx *ctx, struct api_app *app, struct cc_db *db)
{
	const struct cc_cfg *cfg = &ctx->cfg;

	app->db = db;
	app->cfg = cfg;
	app->log = &ctx->log;
	app->started_at = cc_time_now();
	app->max_body = (size_t)cc_cfg_int(cfg, CC_CFG_max_body_size);
	cc_cfg_list(cfg, CC_CFG_cors_origins, &app->cors_origins);
	app->auth = api_auth_new(cfg, db, &ctx->log);
	if (cc_cfg_bool(cfg, CC_CFG_rate_limit_enabled))
		app->rl = api_ratelimit_new((double)cc_cfg_int(cfg, CC_CFG_rate_limit_rps),
					    (double)cc_cfg_int(cfg, CC_CFG_rate_limit_burst));
	app->audit = api_audit_start(db, &ctx->log);
}

static void app_release(struct api_app *app)
{
	api_audit_stop(app->audit);
	api_ratelimit_free(app->rl);
	api_auth_free(app->auth);
	cc_strv_release(&app->cors_origins);
}

/* the first admin key is shown once, on stdout, never in the log */
static int bootstrap_key(struct cc_ctx *ctx, struct api_app *app, const char *url, FILE *out)
{
	struct cc_err err = CC_ERR_INIT;
	char *key = NULL, *path = NULL;

	if (!strcmp(api_auth_type(app->auth), "none")) {
		cc_warn(&ctx->log, "CERTCTL_AUTH_TYPE=none: the API accepts every request without "
				   "a key");
		return 0;
	}
	if (api_auth_bootstrap(app->auth, &ctx->cfg, url, &key, &path, &err) < 0)
		return cc_cmd_fail(ctx, &err);
	if (key) {
		fprintf(out,
			"certctl: created the first admin API key (shown only this once):\n\n"
			"    %s\n\nSaved to %s (mode 0600); certctl, the TUI and the MCP server "
			"read it from there.\n\n",
			key, path);
		fflush(out);
		cc_info(&ctx->log, "created the first admin API key; credentials in %s", path);
		memset(key, 0, strlen(key));
	}
	free(key);
	free(path);
	return 0;
}

static int run(struct cc_ctx *ctx, const struct cc_optv *ov)
{
	struct cc_err err = CC_ERR_INIT;
	struct cc_server_opts so = { 0 };
	struct cc_server *srv = NULL;
	struct api_app app = { 0 };
	struct cc_db *db = NULL;
	FILE *report = NULL;
	sigset_t set;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int applied = 0, rc = 1;

	umask(077); /* the database, keys and logs are nobody else's business */
	if (cc_opt_isset(ctx->cmd, ov, "detach") && cc_serve_detach(ctx, &report) < 0)
		return 1;
	if (*cc_cfg_str(&ctx->cfg, CC_CFG_log_file) &&
	    cc_log_open(&ctx->log, cc_cfg_str(&ctx->cfg, CC_CFG_log_file), &err) < 0)
		return cc_cmd_fail(ctx, &err);
	/* signals go to sigwait in this thread only: block them before any thread starts */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	db = cc_ctx_open_db(ctx, &err);
	if (!db || cc_migrate_up(db, &applied, &err) < 0) {
		rc = cc_cmd_fail(ctx, &err);
		goto out;
	}
	app_init(ctx, &app, db);
	so.host = cc_cfg_str(&ctx->cfg, CC_CFG_server_host);
	so.port = (int)cc_cfg_int(&ctx->cfg, CC_CFG_server_port);
	so.insecure_http = cc_opt_isset(ctx->cmd, ov, "insecure-http");
	so.tls_cert_path = cc_cfg_str(&ctx->cfg, CC_CFG_tls_cert_path);
	so.tls_key_path = cc_cfg_str(&ctx->cfg, CC_CFG_tls_key_path);
	so.threads = cpus > 0 ? (unsigned)cpus : 2;
	srv = cc_server_start(&so, &app, &err);
	if (!srv) {
		rc = cc_cmd_fail(ctx, &err);
		goto out;
	}
	if ((rc = bootstrap_key(ctx, &app, cc_server_url(srv), report ? report : stdout)))
		goto out;
	rc = 1;
	cc_log_kv(&ctx->log, CC_LOG_INFO, "certctl serve listening", "url", cc_server_url(srv),
		  "database", cc_db_describe(db), "engine", cc_db_engine_name(cc_db_engine_of(db)),
		  (const char *)NULL);
	if (report) {
		char *log = cc_serve_log_path(&ctx->cfg), msg[1024];
		snprintf(msg, sizeof(msg),
			 "certctl serve: running in the background (pid %d) on %s, log %s\n",
			 (int)getpid(), cc_server_url(srv), log);
		free(log);
		cc_serve_detach_done(report, 0, msg);
		report = NULL;
	}
	rc = serve_loop(ctx, &set);
out:
	if (report) {
		char msg[512];
		snprintf(msg, sizeof(msg), "certctl serve: failed to start: %s\n",
			 err.msg[0] ? err.msg : "see the log file");
		cc_serve_detach_done(report, 1, msg);
	}
	cc_serve_pid_remove(&ctx->cfg);
	cc_server_stop(srv);
	if (app.audit)
		app_release(&app);
	cc_db_close(db);
	if (srv)
		cc_info(&ctx->log, "stopped");
	return rc;
}

int cmd_serve(int argc, char **argv, struct cc_ctx *ctx)
{
	struct cc_optv ov;
	int rc;

	if (!cc_cmd_start(ctx, argc, argv, &ov, &rc))
		return rc;
	if (ov.pos.n) {
		rc = cc_usage_error(ctx->cmd, "unexpected argument '%s'", ov.pos.v[0]);
	} else if (!(rc = cc_ctx_setup(ctx, &ov))) {
		rc = cc_opt_isset(ctx->cmd, &ov, "stop") ? cc_serve_stop(ctx) : run(ctx, &ov);
	}
	cc_optv_release(&ov);
	return rc;
}
