/* db.c: `certctl db migrate|status|seed --demo` */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cmd/cmd.h"
#include "libcc/db.h"
#include "libcc/err.h"
#include "libcc/migrate.h"
#include "libcc/seed.h"
#include "libcc/time.h"
#include "libcc/banned.h"

static const struct cc_opt opts[] = {
	{ "database-url", 'd', "URL", "postgres://... or sqlite:PATH", CC_CFG_database_url },
	{ "data-dir", 0, "DIR", "state directory (default SQLite file lives here)",
	  CC_CFG_data_dir },
	{ "config", 'c', "FILE", "read settings from FILE", CC_CFG_config_file },
	{ "demo", 0, NULL, "seed: load the demo data set", -1 },
	{ "log-level", 0, "LEVEL", "debug, info, warn or error", CC_CFG_log_level },
	CC_OPT_END,
};

static const struct cc_subcmd subs[] = {
	{ .name = "migrate",
	  .summary = "apply pending schema migrations (exit 3 when none were pending)" },
	{ .name = "status", .summary = "list migrations and whether each is applied" },
	{ .name = "seed",
	  .summary = "load data: --demo loads a realistic demo fleet",
	  .usage = "--demo" },
	{ .name = NULL },
};

const struct cc_cmd_info cmd_db_info = {
	.usage = "migrate | status | seed --demo [options]",
	.description = "Migrations are built into the binary and are also applied by\n"
		       "'certctl serve' at start. Several processes may migrate at once.",
	.opts = opts,
	.subs = subs,
};

static int do_migrate(struct cc_ctx *ctx, struct cc_db *db)
{
	struct cc_err err = CC_ERR_INIT;
	int n = 0;

	if (cc_migrate_up(db, &n, &err) < 0)
		return cc_cmd_fail(ctx, &err);
	printf("%s: %d migration%s applied, schema at version %d\n", cc_db_describe(db), n,
	       n == 1 ? "" : "s", cc_migrate_latest(db));
	return n ? 0 : 3;
}

static int do_status(struct cc_ctx *ctx, struct cc_db *db)
{
	struct cc_err err = CC_ERR_INIT;
	struct cc_migration_state *st = NULL;
	int n = 0, pending = 0;

	if (cc_migrate_status(db, &st, &n, &err) < 0)
		return cc_cmd_fail(ctx, &err);
	printf("database: %s (%s)\n", cc_db_describe(db), cc_db_engine_name(cc_db_engine_of(db)));
	for (int i = 0; i < n; i++) {
		char ts[CC_TIME_BUFSZ];
		if (st[i].applied_at)
			printf("  %04d_%-24s applied %s%s\n", st[i].version, st[i].name,
			       cc_time_format(st[i].applied_at, ts),
			       st[i].checksum_ok ? "" : " (text differs from this build)");
		else
			printf("  %04d_%-24s pending\n", st[i].version, st[i].name);
		pending += !st[i].applied_at;
	}
	printf("%d applied, %d pending\n", n - pending, pending);
	free(st);
	return 0;
}

static int do_seed(struct cc_ctx *ctx, struct cc_db *db, const struct cc_optv *ov)
{
	struct cc_err err = CC_ERR_INIT;
	struct cc_seed_stats stats = { 0 };

	if (!cc_opt_isset(ctx->cmd, ov, "demo"))
		return cc_usage_error(ctx->cmd, "seed needs --demo");
	if (cc_migrate_up(db, NULL, &err) < 0 || cc_seed_demo(db, &stats, &err) < 0)
		return cc_cmd_fail(ctx, &err);
	printf("demo data: %d rows inserted, %d already present\n", stats.inserted, stats.skipped);
	return 0;
}

int cmd_db(int argc, char **argv, struct cc_ctx *ctx)
{
	struct cc_err err = CC_ERR_INIT;
	struct cc_db *db = NULL;
	struct cc_optv ov;
	const char *sub;
	int rc;

	if (!cc_cmd_start(ctx, argc, argv, &ov, &rc))
		return rc;
	if (ov.pos.n != 1) {
		rc = cc_usage_error(ctx->cmd, "expected one of migrate, status, seed");
		goto out;
	}
	sub = ov.pos.v[0];
	if (strcmp(sub, "migrate") && strcmp(sub, "status") && strcmp(sub, "seed")) {
		rc = cc_usage_error(ctx->cmd, "unknown subcommand '%s'", sub);
		goto out;
	}
	if (!strcmp(sub, "seed") && !cc_opt_isset(ctx->cmd, &ov, "demo")) {
		rc = cc_usage_error(ctx->cmd, "seed needs --demo");
		goto out;
	}
	if ((rc = cc_ctx_setup(ctx, &ov)))
		goto out;
	db = cc_ctx_open_db(ctx, &err);
	if (!db) {
		rc = cc_cmd_fail(ctx, &err);
		goto out;
	}
	if (!strcmp(sub, "migrate"))
		rc = do_migrate(ctx, db);
	else if (!strcmp(sub, "status"))
		rc = do_status(ctx, db);
	else
		rc = do_seed(ctx, db, &ov);
out:
	cc_db_close(db);
	cc_optv_release(&ov);
	return rc;
}
