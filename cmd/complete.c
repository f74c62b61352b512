/* complete.c: `certctl __complete WORD...` — completion candidates from the command table.
 * The bash, zsh and fish scripts in completions/ only call this. */
#include <stdio.h>
#include <string.h>
#include "cmd/cmd.h"
#include "libcc/banned.h"

static const struct cc_opt opts[] = { CC_OPT_END };

const struct cc_cmd_info cmd___complete_info = {
	.usage = "WORD...",
	.description = "The last WORD is the one being completed (may be empty).",
	.opts = opts,
	.subs = NULL,
};

static void out(const char *cand, const char *prefix)
{
	if (!strncmp(cand, prefix, strlen(prefix)))
		puts(cand);
}

/* values for options that take a fixed set, read from the config table */
static bool complete_value(const struct cc_opt *o, const char *cur)
{
	struct cc_strv vals = CC_STRV_INIT;

	if (o->cfg >= 0 && cc_cfg_table[o->cfg].type == CFG_T_ENUM)
		cc_strv_split(&vals, cc_cfg_table[o->cfg].spec, '|');
	else if (!strcmp(o->name, "format"))
		cc_strv_split(&vals, "table|json", '|');
	else
		return false;
	for (size_t i = 0; i < vals.n; i++)
		out(vals.v[i], cur);
	cc_strv_release(&vals);
	return true;
}

int cmd___complete(int argc, char **argv, struct cc_ctx *ctx)
{
	const char *cur = argc > 1 ? argv[argc - 1] : "";
	const struct cc_cmd *cmd;
	int npos = 0;

	(void)ctx;
	if (argc <= 2) {
		for (const struct cc_cmd *c = cc_commands; c->name; c++)
			if (!(c->flags & CMD_HIDDEN))
				out(c->name, cur);
		return 0;
	}
	cmd = cc_cmd_find(argv[1]);
	if (!cmd)
		return 0;
	/* the word before the current one may be an option waiting for its value */
	const char *prev = argv[argc - 2];
	for (const struct cc_opt *o = cmd->info->opts; prev[0] == '-' && o && o->name; o++) {
		if (o->arg && !strncmp(prev, "--", 2) && !strcmp(prev + 2, o->name)) {
			complete_value(o, cur);
			return 0;
		}
	}
	if (cur[0] == '-') {
		char buf[80];
		for (const struct cc_opt *o = cmd->info->opts; o && o->name; o++) {
			snprintf(buf, sizeof(buf), "--%s", o->name);
			out(buf, cur);
		}
		out("--help", cur);
		return 0;
	}
	for (int i = 2; i < argc - 1; i++)
		if (argv[i][0] != '-')
			npos++;
	if (npos == 0 && cmd->info->subs)
		for (const struct cc_subcmd *s = cmd->info->subs; s->name; s++)
			out(s->name, cur);
	if (!strcmp(cmd->name, "help") && npos == 0)
		for (const struct cc_cmd *c = cc_commands; c->name; c++)
			if (!(c->flags & CMD_HIDDEN))
				out(c->name, cur);
	return 0;
}
