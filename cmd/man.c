/* man.c: `certctl __man DIR` — roff man pages generated from the command and config tables */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cmd/cmd.h"
#include "libcc/err.h"
#include "libcc/fs.h"
#include "version.h"
#include "libcc/banned.h"

static const struct cc_opt opts[] = { CC_OPT_END };

const struct cc_cmd_info cmd___man_info = {
	.usage = "DIR",
	.description = "Writes certctl.1 and certctl-COMMAND.1 for every command.",
	.opts = opts,
	.subs = NULL,
};

/* roff-escape: backslashes, leading dots/quotes, hyphens in option names */
static void esc(FILE *f, const char *s)
{
	if (*s == '.' || *s == '\'')
		fputs("\\&", f);
	for (; *s; s++) {
		if (*s == '\\')
			fputs("\\e", f);
		else if (*s == '-')
			fputs("\\-", f);
		else if (*s == '\n' && (s[1] == '.' || s[1] == '\''))
			fputs("\n\\&", f);
		else
			fputc(*s, f);
	}
}

static void header(FILE *f, const char *name, const char *summary)
{
	fprintf(f, ".TH \"%s\" 1 \"\" \"certctl %s\" \"certctl manual\"\n.SH NAME\n", name,
		CC_VERSION);
	esc(f, name);
	fputs(" \\- ", f);
	esc(f, summary);
	fputc('\n', f);
}

static void exit_status(FILE *f)
{
	fputs(".SH EXIT STATUS\n.TP\n0\nsuccess\n.TP\n1\nerror\n.TP\n2\nusage error or invalid "
	      "input\n.TP\n3\nnothing to do\n.TP\n4\nnot found\n",
	      f);
}

static void command_page(FILE *f, const struct cc_cmd *c)
{
	char name[64];

	snprintf(name, sizeof(name), "certctl-%s", c->name);
	header(f, name, c->summary);
	fputs(".SH SYNOPSIS\n.B certctl ", f);
	esc(f, c->name);
	fputc(' ', f);
	esc(f, c->info->usage);
	fputs("\n.SH DESCRIPTION\n", f);
	esc(f, c->summary);
	fputs(".\n", f);
	if (c->info->description) {
		fputs(".PP\n", f);
		esc(f, c->info->description);
		fputc('\n', f);
	}
	if (c->info->subs) {
		fputs(".SH COMMANDS\n", f);
		for (const struct cc_subcmd *s = c->info->subs; s->name; s++) {
			fputs(".TP\n.B ", f);
			esc(f, s->name);
			if (s->usage) {
				fputc(' ', f);
				esc(f, s->usage);
			}
			fputc('\n', f);
			esc(f, s->summary);
			fputc('\n', f);
		}
	}
	fputs(".SH OPTIONS\n", f);
	for (const struct cc_opt *o = c->info->opts; o && o->name; o++) {
		fputs(".TP\n", f);
		if (o->shortc)
			fprintf(f, "\\fB\\-%c\\fR, ", o->shortc);
		fputs("\\fB\\-\\-", f);
		esc(f, o->name);
		fputs("\\fR", f);
		if (o->arg) {
			fputs(" \\fI", f);
			esc(f, o->arg);
			fputs("\\fR", f);
		}
		fputc('\n', f);
		esc(f, o->help);
		if (o->cfg >= 0 && o->cfg != CC_CFG_config_file) {
			fputs(" (environment: ", f);
			esc(f, cc_cfg_table[o->cfg].env);
			fputc(')', f);
		}
		fputc('\n', f);
	}
	fputs(".TP\n\\fB\\-h\\fR, \\fB\\-\\-help\\fR\nshow the usage and exit\n", f);
	exit_status(f);
	fputs(".SH SEE ALSO\n.BR certctl (1)\n", f);
}

static void main_page(FILE *f)
{
	header(f, "certctl",
	       "certificate lifecycle platform: inventory, issuance, renewal, "
	       "deployment and revocation");
	fputs(".SH SYNOPSIS\n.B certctl\n.I command\n[options] [args]\n.SH DESCRIPTION\n"
	      "certctl is one program with many commands. Invoked through a link named "
	      "certctl\\-server, certctl\\-agent or certctl\\-mcp it acts as that command; "
	      "certctl\\-cli is plain certctl.\n.SH COMMANDS\n",
	      f);
	for (const struct cc_cmd *c = cc_commands; c->name; c++) {
		if (c->flags & CMD_HIDDEN)
			continue;
		fputs(".TP\n.B ", f);
		esc(f, c->name);
		fputc('\n', f);
		esc(f, c->summary);
		fprintf(f, " (see \\fBcertctl\\-%s\\fR(1))\n", c->name);
	}
	fputs(".SH ENVIRONMENT\nPrecedence: built-in default < configuration file < "
	      "environment < command-line flag.\n",
	      f);
	for (int i = 0; i < CC_CFG__COUNT; i++) {
		fputs(".TP\n.B ", f);
		esc(f, cc_cfg_table[i].env);
		fputc('\n', f);
		esc(f, cc_cfg_table[i].help);
		if (*cc_cfg_table[i].def) {
			fputs(" Default: ", f);
			esc(f, cc_cfg_table[i].def);
			fputc('.', f);
		}
		fputc('\n', f);
	}
	fputs(".SH FILES\n.TP\n.I /etc/certctl/certctl.conf\\fR, "
	      "\\fI$XDG_CONFIG_HOME/certctl/certctl.conf\n"
	      "configuration file of KEY=VALUE lines (CERTCTL_CONFIG_FILE)\n"
	      ".TP\n.I /var/lib/certctl\\fR, \\fI$XDG_DATA_HOME/certctl\n"
	      "data directory: the SQLite database certctl.db (CERTCTL_DATA_DIR)\n",
	      f);
	exit_status(f);
}

static int write_page(const char *dir, const char *name, void (*fn)(FILE *, const void *),
		      const void *arg, struct cc_err *err)
{
	char *path = cc_xasprintf("%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	int rc = 0;

	if (!f) {
		rc = cc_err_set(err, CC_E_IO, "cannot write '%s'", path);
	} else {
		fn(f, arg);
		if (fclose(f) != 0)
			rc = cc_err_set(err, CC_E_IO, "cannot write '%s'", path);
	}
	free(path);
	return rc;
}

static void main_page_cb(FILE *f, const void *arg)
{
	(void)arg;
	main_page(f);
}

static void cmd_page_cb(FILE *f, const void *arg)
{
	command_page(f, arg);
}

int cmd___man(int argc, char **argv, struct cc_ctx *ctx)
{
	struct cc_err err = CC_ERR_INIT;

	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		cc_cmd_print_help(ctx->cmd, stdout);
		return 0;
	}
	if (argc != 2)
		return cc_usage_error(ctx->cmd, "expected a directory");
	if (cc_fs_mkdirs(argv[1], 0755, &err) < 0 ||
	    write_page(argv[1], "certctl.1", main_page_cb, NULL, &err) < 0)
		return cc_cmd_fail(ctx, &err);
	for (const struct cc_cmd *c = cc_commands; c->name; c++) {
		char name[64];
		if (c->flags & CMD_HIDDEN)
			continue;
		snprintf(name, sizeof(name), "certctl-%s.1", c->name);
		if (write_page(argv[1], name, cmd_page_cb, c, &err) < 0)
			return cc_cmd_fail(ctx, &err);
	}
	return 0;
}
