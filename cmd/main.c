/* main.c: dispatch through the command table, by argv[1] or by link name (certctl-server ...) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cmd/cmd.h"
#include "libcc/err.h"
#include "libcc/strv.h"
#include "libcc/banned.h"

extern char **environ;

const struct cc_cmd cc_commands[] = {
#define CC_CMD(name, link, flags, summary)                                                         \
	{ #name, link, flags, summary, cmd_##name, &cmd_##name##_info },
#define CC_CMDN(ident, name, link, flags, summary)                                                 \
	{ name, link, flags, summary, cmd_##ident, &cmd_##ident##_info },
#include "cmd/commands.def"
#undef CC_CMDN
#undef CC_CMD
	{ NULL, NULL, 0, NULL, NULL, NULL },
};

const struct cc_cmd *cc_cmd_find(const char *name)
{
	for (const struct cc_cmd *c = cc_commands; c->name; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

static const struct cc_cmd *find_by_link(const char *base)
{
	for (const struct cc_cmd *c = cc_commands; c->name; c++)
		if ((c->link && !strcmp(c->link, base)) ||
		    (!strncmp(base, "certctl-", 8) && !strcmp(base + 8, c->name)))
			return c;
	return NULL;
}

static int unknown_command(const char *name)
{
	const struct cc_cmd *best = NULL;
	int bestd = 3;

	for (const struct cc_cmd *c = cc_commands; c->name; c++) {
		int d = cc_str_distance(name, c->name);
		if (!strncmp(c->name, name, strlen(name)) && strlen(name) >= 2)
			d = 1;
		if (d < bestd && !(c->flags & CMD_HIDDEN)) {
			bestd = d;
			best = c;
		}
	}
	fprintf(stderr, "certctl: '%s' is not a certctl command. See 'certctl help'.\n", name);
	if (best)
		fprintf(stderr, "\nThe most similar command is\n\t%s\n", best->name);
	return 2;
}

int cc_cmd_run(const struct cc_cmd *cmd, int argc, char **argv)
{
	struct cc_ctx ctx = { .envp = environ, .cmd = cmd };
	struct cc_err err = CC_ERR_INIT;
	int rc;

	cc_cfg_init(&ctx.cfg);
	cc_log_init(&ctx.log, CC_LOG_INFO, false);
	if ((cmd->flags & CMD_CFG) && cc_cfg_load(&ctx.cfg, environ, &err) < 0) {
		fprintf(stderr, "certctl: %s\n", err.msg);
		rc = 1;
		goto out;
	}
	ctx.color = !ctx.cfg.no_color && isatty(1);
	rc = cmd->fn(argc, argv, &ctx);
out:
	cc_cfg_release(&ctx.cfg);
	cc_log_release(&ctx.log);
	return rc;
}

int main(int argc, char **argv)
{
	const char *base = strrchr(argv[0], '/');
	const struct cc_cmd *cmd;

	base = base ? base + 1 : argv[0];
	cmd = find_by_link(base);
	if (cmd)
		return cc_cmd_run(cmd, argc, argv);
	/* certctl and certctl-cli: the command is the first argument */
	if (argc < 2)
		return cc_cmd_run(cc_cmd_find("help"), 1, argv);
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		return cc_cmd_run(cc_cmd_find("help"), 1, argv);
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V"))
		return cc_cmd_run(cc_cmd_find("version"), argc - 1, argv + 1);
	if (argv[1][0] == '-') {
		fprintf(stderr, "certctl: unknown option '%s'. See 'certctl help'.\n", argv[1]);
		return 2;
	}
	cmd = cc_cmd_find(argv[1]);
	if (!cmd)
		return unknown_command(argv[1]);
	return cc_cmd_run(cmd, argc - 1, argv + 1);
}
