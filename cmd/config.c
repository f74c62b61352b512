/* config.c: `certctl config show` — every setting, its value and where it came from */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "cmd/cmd.h"
#include "libcc/banned.h"

static const struct cc_opt opts[] = {
	{ "config", 'c', "FILE", "read settings from FILE", CC_CFG_config_file },
	{ "format", 0, "FORMAT", "table or json", -1 },
	{ "all", 'a', NULL, "include settings still at their default", -1 },
	CC_OPT_END,
};

static const struct cc_subcmd subs[] = {
	{ .name = "show", .summary = "print the effective configuration (secrets redacted)" },
	{ .name = NULL },
};

const struct cc_cmd_info cmd_config_info = {
	.usage = "show [--all] [--format table|json]",
	.description = "Secrets (API keys, passwords, tokens) are printed as ********.",
	.opts = opts,
	.subs = subs,
};

static const char *shown(const struct cc_cfg *cfg, int i)
{
	if (cc_cfg_table[i].type == CFG_T_SECRET && *cfg->val[i])
		return "********";
	return cfg->val[i];
}

int cmd_config(int argc, char **argv, struct cc_ctx *ctx)
{
	struct cc_optv ov;
	bool all, json;
	const char *fmt;
	int rc;

	if (!cc_cmd_start(ctx, argc, argv, &ov, &rc))
		return rc;
	if (ov.pos.n != 1 || strcmp(ov.pos.v[0], "show")) {
		rc = cc_usage_error(ctx->cmd, "expected 'show'");
		goto out;
	}
	if ((rc = cc_ctx_setup(ctx, &ov)))
		goto out;
	all = cc_opt_isset(ctx->cmd, &ov, "all");
	fmt = cc_opt_get(ctx->cmd, &ov, "format");
	if (fmt && strcmp(fmt, "json") && strcmp(fmt, "table")) {
		rc = cc_usage_error(ctx->cmd, "--format must be table or json");
		goto out;
	}
	json = fmt && !strcmp(fmt, "json");
	json_t *arr = json_array();
	for (int i = 0; i < CC_CFG__COUNT; i++) {
		if (!all && ctx->cfg.src[i] == CFG_SRC_DEFAULT)
			continue;
		if (json)
			json_array_append_new(arr, json_pack("{s:s, s:s, s:s}", "name",
							     cc_cfg_table[i].env, "value",
							     shown(&ctx->cfg, i), "source",
							     cc_cfg_src_name(ctx->cfg.src[i])));
		else
			printf("%-48s %-8s %s\n", cc_cfg_table[i].env,
			       cc_cfg_src_name(ctx->cfg.src[i]), shown(&ctx->cfg, i));
	}
	if (json) {
		char *s = json_dumps(arr, JSON_INDENT(2));
		puts(s);
		free(s);
	}
	json_decref(arr);
out:
	cc_optv_release(&ov);
	return rc;
}
