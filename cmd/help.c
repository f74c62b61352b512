/* help.c: `certctl help [COMMAND|TOPIC]`, generated from the command and config tables */
#include <stdio.h>
#include <string.h>
#include "cmd/cli.h"
#include "libcc/err.h"
#include "libcc/banned.h"

static const struct cc_opt opts[] = { CC_OPT_END };

static const struct cc_subcmd topics[] = {
	{ .name = "exit-codes", .summary = "exit statuses of every command" },
	{ .name = "environment", .summary = "every CERTCTL_* variable with its default" },
	{ .name = NULL },
};

const struct cc_cmd_info cmd_help_info = {
	.usage = "[COMMAND | TOPIC]",
	.description = "Without an argument, lists the commands. With a command, prints its\n"
		       "usage and options. Topics: exit-codes, environment.",
	.opts = opts,
	.subs = topics,
};

static void list_commands(FILE *out)
{
	fprintf(out, "usage: certctl <command> [options] [args]\n\n"
		     "certctl manages X.509 certificates: inventory, issuance, renewal,\n"
		     "deployment and revocation.\n\ncommands:\n");
	for (const struct cc_cmd *c = cc_commands; c->name; c++)
		if (!(c->flags & CMD_HIDDEN))
			fprintf(out, "  %-14s %s\n", c->name, c->summary);
	fprintf(out, "\nRun 'certctl help <command>' or 'certctl <command> --help' for details,\n"
		     "'certctl help environment' for configuration variables and\n"
		     "'certctl help exit-codes' for exit statuses.\n");
}

const char *const cc_exit_codes[] = {
	"success",
	"error: server unreachable, HTTP 401/403/409/429/5xx, or failed bulk items",
	"usage error or invalid input (HTTP 400); bulk-revoke without --yes off a terminal",
	"nothing to do (renewal not due, no migration pending, nothing matched)",
	"not found (HTTP 404): the message names the id",
	NULL,
};

static void exit_codes(FILE *out)
{
	fprintf(out, "exit statuses:\n");
	for (int i = 0; cc_exit_codes[i]; i++)
		fprintf(out, "  %d  %s\n", i, cc_exit_codes[i]);
}

static void environment(FILE *out)
{
	fprintf(out, "configuration (precedence: default < file < environment < flag):\n\n");
	for (int i = 0; i < CC_CFG__COUNT; i++) {
		const struct cc_cfg_desc *d = &cc_cfg_table[i];
		fprintf(out, "  %s", d->env);
		if (*d->def)
			fprintf(out, " (default %s)", d->def);
		fprintf(out, "\n      %s\n", d->help);
	}
}

int cmd_help(int argc, char **argv, struct cc_ctx *ctx)
{
	const struct cc_cmd *c;

	if (argc < 2) {
		list_commands(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		cc_cmd_print_help(ctx->cmd, stdout);
		return 0;
	}
	if (!strcmp(argv[1], "exit-codes")) {
		exit_codes(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "environment")) {
		environment(stdout);
		return 0;
	}
	c = cc_cmd_find(argv[1]);
	if (c && argc > 2 && cli_verb_help(c, argv[2], stdout) == 0)
		return 0;
	if (!c) {
		fprintf(stderr, "certctl help: no command or topic '%s'. See 'certctl help'.\n",
			argv[1]);
		return 2;
	}
	cc_cmd_print_help(c, stdout);
	return 0;
}
