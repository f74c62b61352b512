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
	.description = "Writes certctl.1, certctl.7 and certctl-COMMAND.1 for every command.",
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

static void header(FILE *f, const char *name, int section, const char *summary)
{
	fprintf(f, ".TH \"%s\" %d \"\" \"certctl %s\" \"certctl manual\"\n.SH NAME\n", name,
		section, CC_VERSION);
	esc(f, name);
	fputs(" \\- ", f);
	esc(f, summary);
	fputc('\n', f);
}

static void exit_status(FILE *f)
{
	fputs(".SH EXIT STATUS\n", f);
	for (int i = 0; cc_exit_codes[i]; i++) {
		fprintf(f, ".TP\n%d\n", i);
		esc(f, cc_exit_codes[i]);
		fputc('\n', f);
	}
}

static void option_items(FILE *f, const struct cc_opt *list)
{
	for (const struct cc_opt *o = list; o && o->name; o++) {
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
}

/* resource commands: the options of each verb, one subsection each */
static void verb_options(FILE *f, const struct cc_cmd *c)
{
	bool any = false;

	for (const struct cc_subcmd *s = c->info->subs; s && s->name; s++)
		any |= s->opts && s->opts->name;
	if (!any)
		return;
	fputs(".SH COMMAND OPTIONS\nEach command also takes the options under OPTIONS.\n", f);
	for (const struct cc_subcmd *s = c->info->subs; s->name; s++) {
		if (!s->opts || !s->opts->name)
			continue;
		fputs(".SS \"", f);
		esc(f, s->name);
		fputs("\"\n", f);
		option_items(f, s->opts);
	}
}

static void command_page(FILE *f, const struct cc_cmd *c)
{
	char name[64];

	snprintf(name, sizeof(name), "certctl-%s", c->name);
	header(f, name, 1, c->summary);
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
	verb_options(f, c);
	fputs(".SH OPTIONS\n", f);
	option_items(f, c->info->opts);
	fputs(".TP\n\\fB\\-h\\fR, \\fB\\-\\-help\\fR\nshow the usage and exit\n", f);
	exit_status(f);
	fputs(".SH SEE ALSO\n.BR certctl (1),\n.BR certctl (7)\n", f);
}

static void environment(FILE *f)
{
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
	fputs(".TP\n.B NO_COLOR\nwhen set (to anything), no colours, as with \\-\\-no\\-color\n"
	      ".TP\n.B COLUMNS\nthe width of tables when the output is not a terminal (by "
	      "default a pipe gets whole cells)\n"
	      ".TP\n.B XDG_STATE_HOME\nwhere certctl shell keeps its history (default "
	      "~/.local/state)\n",
	      f);
}

static void files(FILE *f)
{
	fputs(".SH FILES\n.TP\n.I /etc/certctl/certctl.conf\\fR, "
	      "\\fI$XDG_CONFIG_HOME/certctl/certctl.conf\n"
	      "configuration file of KEY=VALUE lines (CERTCTL_CONFIG_FILE)\n"
	      ".TP\n.I /var/lib/certctl\\fR, \\fI$XDG_DATA_HOME/certctl\n"
	      "data directory: the SQLite database certctl.db (CERTCTL_DATA_DIR)\n"
	      ".TP\n.I <data directory>/credentials\n"
	      "written by serve: CERTCTL_API_KEY and CERTCTL_SERVER_URL lines, the default key "
	      "and server of the client commands\n"
	      ".TP\n.I $XDG_STATE_HOME/certctl/history\n"
	      "the history of certctl shell\n",
	      f);
}

/* certctl(7): the conventions of the client commands, environment and files */
static void conventions_page(FILE *f)
{
	header(f, "certctl", 7,
	       "conventions of the certctl client commands, environment and files");
	fputs(".SH DESCRIPTION\n"
	      "The client commands (certs, agents, jobs, issuers, targets, profiles, policies, "
	      "owners, teams, agent\\-groups, audit, notifications, discover, crl, ocsp, import, "
	      "status, shell) talk to certctl serve over HTTP.\n"
	      ".SS Output\n"
	      "Tables are sized to the terminal; long cells end in an ellipsis. Times show as "
	      "\\(lqin 12 days\\(rq or \\(lq3 hours ago\\(rq. Status columns are coloured only "
	      "on a terminal, never with NO_COLOR or \\-\\-no\\-color. "
	      "\\fB\\-\\-format json\\fR prints the API's JSON unchanged (RFC 3339 times); "
	      "with \\fB\\-\\-all\\fR the items of every page are printed as one "
	      "{\\(dqdata\\(dq: [...], \\(dqtotal\\(dq: n} object. "
	      "\\fB\\-\\-quiet\\fR prints only the ids of a list. Progress bars go to "
	      "stderr, only when it is a terminal.\n"
	      ".SS Errors\n"
	      "Every failure is one line on stderr: the server cannot be reached, 401 (how to "
	      "pass a key), 403, 404 (which id), 409, 429 (when to retry), 5xx.\n"
	      ".SS Time values\n"
	      "Options whose value is TIME take RFC 3339 (2026\\-01\\-31T00:00:00Z), a date "
	      "(2026\\-01\\-31) or a duration from now: +30d, \\-12h (s, m, h, d, w).\n",
	      f);
	environment(f);
	files(f);
	exit_status(f);
	fputs(".SH SEE ALSO\n.BR certctl (1)\n", f);
}

static void main_page(FILE *f)
{
	header(f, "certctl", 1,
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
	environment(f);
	files(f);
	fputs(".SH SEE ALSO\n.BR certctl (7)\n", f);
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

static void conventions_page_cb(FILE *f, const void *arg)
{
	(void)arg;
	conventions_page(f);
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
	    write_page(argv[1], "certctl.1", main_page_cb, NULL, &err) < 0 ||
	    write_page(argv[1], "certctl.7", conventions_page_cb, NULL, &err) < 0)
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
