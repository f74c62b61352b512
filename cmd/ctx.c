/* ctx.c: resources a command opens from its configuration */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "cmd/cmd.h"
#include "libcc/db.h"
#include "libcc/err.h"
#include "libcc/fs.h"
#include "libcc/banned.h"

char *cc_ctx_database_url(struct cc_ctx *ctx, struct cc_err *err)
{
	const char *url = cc_cfg_str(&ctx->cfg, CC_CFG_database_url);
	char *dir, *out;

	if (*url)
		return cc_xstrdup(url);
	/* zero configuration: an embedded SQLite file in the data dir */
	dir = cc_cfg_data_dir(&ctx->cfg);
	if (cc_fs_mkdirs(dir, 0700, err) < 0) {
		cc_err_prefix(err, "data dir (set CERTCTL_DATA_DIR or --data-dir)");
		free(dir);
		return NULL;
	}
	out = cc_xasprintf("sqlite:%s/certctl.db", dir);
	free(dir);
	return out;
}

struct cc_db *cc_ctx_open_db(struct cc_ctx *ctx, struct cc_err *err)
{
	char *url = cc_ctx_database_url(ctx, err);
	struct cc_db *db;

	if (!url)
		return NULL;
	umask(077); /* the database holds key hashes and connector configs */
	db = cc_db_open(url, (int)cc_cfg_int(&ctx->cfg, CC_CFG_database_max_conns), &ctx->log, err);
	free(url);
	return db;
}

int cc_ctx_setup(struct cc_ctx *ctx, const struct cc_optv *ov)
{
	enum cc_log_level lvl = CC_LOG_INFO;

	if (cc_opts_apply_cfg(ctx, ov))
		return 1;
	cc_log_level_parse(cc_cfg_str(&ctx->cfg, CC_CFG_log_level), &lvl);
	ctx->log.level = lvl;
	ctx->log.json = !strcmp(cc_cfg_str(&ctx->cfg, CC_CFG_log_format), "json");
	for (size_t i = 0; i < ctx->cfg.warnings.n; i++)
		cc_warn(&ctx->log, "%s", ctx->cfg.warnings.v[i]);
	return 0;
}
