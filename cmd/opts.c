/* opts.c: option parsing and --help text, both driven by each command's opts[] table */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cmd/cmd.h"
#include "libcc/err.h"
#include "libcc/banned.h"

static const struct cc_opt help_opt = { "help", 'h', NULL, "show this help", -1 };

int cc_usage_error(const struct cc_cmd *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "certctl %s: ", cmd->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nSee 'certctl %s --help'.\n", cmd->name);
	return 2;
}

static int opt_count(const struct cc_opt *opts)
{
	int n = 0;

	while (opts && opts[n].name)
		n++;
	return n;
}

static int find_long(const struct cc_opt *opts, const char *name, size_t len)
{
	for (int i = 0; opts && opts[i].name; i++)
		if (strlen(opts[i].name) == len && !strncmp(opts[i].name, name, len))
			return i;
	return -1;
}

static int find_short(const struct cc_opt *opts, char c)
{
	for (int i = 0; opts && opts[i].name; i++)
		if (opts[i].shortc && opts[i].shortc == c)
			return i;
	return -1;
}

static int unknown_option(const struct cc_cmd *cmd, const char *arg)
{
	const struct cc_opt *opts = cmd->info->opts;
	const char *best = NULL;
	int bestd = 3;

	for (int i = 0; opts && opts[i].name; i++) {
		int d = cc_str_distance(arg + 2, opts[i].name);
		if (d < bestd) {
			bestd = d;
			best = opts[i].name;
		}
	}
	if (best && !strncmp(arg, "--", 2))
		return cc_usage_error(cmd, "unknown option '%s' (did you mean --%s?)", arg, best);
	return cc_usage_error(cmd, "unknown option '%s'", arg);
}

int cc_opts_parse(const struct cc_cmd *cmd, int argc, char **argv, struct cc_optv *ov, bool *help)
{
	const struct cc_opt *opts = cmd->info->opts;
	bool only_pos = false;

	memset(ov, 0, sizeof(*ov));
	*help = false;
	if (opt_count(opts) > 64)
		CC_BUG("command %s has too many options", cmd->name);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *val = NULL;
		int idx;

		if (only_pos || a[0] != '-' || !a[1]) {
			cc_strv_push(&ov->pos, a);
			continue;
		}
		if (!strcmp(a, "--")) {
			only_pos = true;
			continue;
		}
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			*help = true;
			continue;
		}
		if (a[1] == '-') {
			const char *eq = strchr(a + 2, '=');
			size_t len = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
			idx = find_long(opts, a + 2, len);
			if (eq)
				val = eq + 1;
		} else {
			idx = a[2] ? -1 : find_short(opts, a[1]);
		}
		if (idx < 0)
			return cc_optv_release(ov), unknown_option(cmd, a);
		if (opts[idx].arg && !val) {
			if (i + 1 >= argc)
				return cc_optv_release(ov),
				       cc_usage_error(cmd, "option '--%s' needs a value (%s)",
						      opts[idx].name, opts[idx].arg);
			val = argv[++i];
		} else if (!opts[idx].arg && val) {
			return cc_optv_release(ov),
			       cc_usage_error(cmd, "option '--%s' takes no value", opts[idx].name);
		}
		ov->set[idx] = true;
		ov->val[idx] = val ? val : "true";
	}
	return 0;
}

bool cc_cmd_start(struct cc_ctx *ctx, int argc, char **argv, struct cc_optv *ov, int *rc)
{
	bool help;

	*rc = cc_opts_parse(ctx->cmd, argc, argv, ov, &help);
	if (*rc)
		return false;
	if (help) {
		cc_cmd_print_help(ctx->cmd, stdout);
		cc_optv_release(ov);
		return false;
	}
	return true;
}

void cc_optv_release(struct cc_optv *ov)
{
	cc_strv_release(&ov->pos);
}

const struct cc_opt *cc_opt_find(const struct cc_opt *opts, const char *name)
{
	int i = find_long(opts, name, strlen(name));

	return i < 0 ? NULL : &opts[i];
}

const char *cc_opt_get(const struct cc_cmd *cmd, const struct cc_optv *ov, const char *name)
{
	int i = find_long(cmd->info->opts, name, strlen(name));

	if (i < 0)
		CC_BUG("command %s has no option --%s", cmd->name, name);
	return ov->set[i] ? ov->val[i] : NULL;
}

bool cc_opt_isset(const struct cc_cmd *cmd, const struct cc_optv *ov, const char *name)
{
	return cc_opt_get(cmd, ov, name) != NULL;
}

int cc_opts_apply_cfg(struct cc_ctx *ctx, const struct cc_optv *ov)
{
	const struct cc_opt *opts = ctx->cmd->info->opts;
	struct cc_err err = CC_ERR_INIT;

	for (int i = 0; opts && opts[i].name; i++) {
		if (opts[i].cfg < 0 || !ov->set[i])
			continue;
		if (opts[i].cfg == CC_CFG_config_file) {
			if (cc_cfg_load_file(&ctx->cfg, ov->val[i], true, &err) < 0)
				goto fail;
			continue;
		}
		cc_cfg_set(&ctx->cfg, (enum cc_cfg_key)opts[i].cfg, ov->val[i], CFG_SRC_FLAG, NULL);
	}
	/* flags beat the file, so apply them again after a --config file */
	for (int i = 0; opts && opts[i].name; i++)
		if (opts[i].cfg >= 0 && opts[i].cfg != CC_CFG_config_file && ov->set[i])
			cc_cfg_set(&ctx->cfg, (enum cc_cfg_key)opts[i].cfg, ov->val[i],
				   CFG_SRC_FLAG, NULL);
	if (cc_cfg_validate(&ctx->cfg, &err) < 0)
		goto fail;
	return 0;
fail:
	fprintf(stderr, "certctl %s: invalid configuration: %s\n", ctx->cmd->name, err.msg);
	return 1;
}

static void print_opt(const struct cc_opt *o, FILE *out)
{
	char left[64];

	if (o->shortc)
		snprintf(left, sizeof(left), "-%c, --%s%s%s", o->shortc, o->name, o->arg ? " " : "",
			 o->arg ? o->arg : "");
	else
		snprintf(left, sizeof(left), "    --%s%s%s", o->name, o->arg ? " " : "",
			 o->arg ? o->arg : "");
	fprintf(out, "  %-28s %s", left, o->help);
	if (o->cfg >= 0 && o->cfg != CC_CFG_config_file)
		fprintf(out, " [%s]", cc_cfg_table[o->cfg].env);
	fputc('\n', out);
}

void cc_cmd_print_help(const struct cc_cmd *cmd, FILE *out)
{
	const struct cc_cmd_info *in = cmd->info;

	fprintf(out, "usage: certctl %s %s\n\n%s.\n", cmd->name, in->usage, cmd->summary);
	if (in->description)
		fprintf(out, "\n%s\n", in->description);
	if (in->subs) {
		fprintf(out, "\ncommands:\n");
		for (const struct cc_subcmd *s = in->subs; s->name; s++) {
			char left[64];
			snprintf(left, sizeof(left), "%s %s", s->name, s->usage ? s->usage : "");
			fprintf(out, "  %-28s %s\n", left, s->summary);
		}
	}
	fprintf(out, in->subs && in->subs->run ? "\noptions of every command:\n" : "\noptions:\n");
	for (const struct cc_opt *o = in->opts; o && o->name; o++)
		print_opt(o, out);
	print_opt(&help_opt, out);
	if (in->subs && in->subs->run)
		fprintf(out,
			"\nRun 'certctl %s <command> --help' for the options of one command.\n",
			cmd->name);
	if (cmd->link)
		fprintf(out, "\nAlso run as '%s' (a link to certctl).\n", cmd->link);
}

int cc_cmd_fail(struct cc_ctx *ctx, const struct cc_err *err)
{
	const char *hint = cc_err_hint(err->code);

	fprintf(stderr, "certctl %s: %s\n", ctx->cmd->name, err->msg);
	if (err->code == CC_E_CONFIG && *hint)
		fprintf(stderr, "hint: %s\n", hint);
	return cc_err_exit_status(err->code) ? cc_err_exit_status(err->code) : 1;
}
