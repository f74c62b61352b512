/* cli.c: `certctl RESOURCE VERB ...` — finds the verb, parses its options with the command's,
 * opens the client and runs the verb's handler */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "cmd/cli.h"
#include "cmd/placeholder.h"
#include "libcc/err.h"
#include "libcc/strv.h"
#include "libcc/time.h"
#include "libcc/banned.h"

static const struct cc_opt *find_opt(const struct cc_opt *opts, const char *a)
{
	size_t len;

	if (a[1] != '-') {
		for (; opts && opts->name; opts++)
			if (opts->shortc && opts->shortc == a[1] && !a[2])
				return opts;
		return NULL;
	}
	len = strcspn(a + 2, "=");
	for (; opts && opts->name; opts++)
		if (strlen(opts->name) == len && !strncmp(opts->name, a + 2, len))
			return opts;
	return NULL;
}

int cli_verb_index(const struct cc_cmd *cmd, int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const struct cc_opt *o;

		if (!strcmp(argv[i], "--"))
			return i + 1 < argc ? i + 1 : -1;
		if (argv[i][0] != '-' || !argv[i][1])
			return i;
		o = find_opt(cmd->info->opts, argv[i]);
		if (o && o->arg && !strchr(argv[i], '='))
			i++; /* its value */
	}
	return -1;
}

const struct cc_subcmd *cli_verb_find(const struct cc_cmd *cmd, const char *name)
{
	for (const struct cc_subcmd *s = cmd->info->subs; s && s->name; s++)
		if (!strcmp(s->name, name))
			return s;
	return NULL;
}

void cli_verb_cmd_init(struct cli_verb_cmd *vc, const struct cc_cmd *cmd,
		       const struct cc_subcmd *verb)
{
	size_t n = 0, m = 0;

	memset(vc, 0, sizeof(*vc));
	while (verb->opts && verb->opts[n].name)
		n++;
	while (cmd->info->opts && cmd->info->opts[m].name)
		m++;
	/* the verb's own options first: they win a short-option clash */
	vc->opts = cc_xcalloc(n + m + 1, sizeof(*vc->opts));
	if (n)
		memcpy(vc->opts, verb->opts, n * sizeof(*vc->opts));
	if (m)
		memcpy(vc->opts + n, cmd->info->opts, m * sizeof(*vc->opts));
	vc->opts[n + m].cfg = -1;
	vc->name = cc_xasprintf("%s %s", cmd->name, verb->name);
	vc->usage = cc_xasprintf("[options]%s%s", verb->usage ? " " : "",
				 verb->usage ? verb->usage : "");
	vc->info = (struct cc_cmd_info){ .usage = vc->usage, .opts = vc->opts };
	vc->cmd = (struct cc_cmd){ .name = vc->name,
				   .flags = cmd->flags,
				   .summary = verb->summary,
				   .fn = cmd->fn,
				   .info = &vc->info };
}

void cli_verb_cmd_release(struct cli_verb_cmd *vc)
{
	free(vc->opts);
	free(vc->name);
	free(vc->usage);
	memset(vc, 0, sizeof(*vc));
}

static int unknown_verb(const struct cc_cmd *cmd, const char *name)
{
	const char *best = NULL;
	int bestd = 3;

	for (const struct cc_subcmd *s = cmd->info->subs; s->name; s++) {
		int d = cc_str_distance(name, s->name);
		if (d < bestd)
			bestd = d, best = s->name;
	}
	if (best)
		return cc_usage_error(cmd, "unknown command '%s' (did you mean '%s'?)", name, best);
	return cc_usage_error(cmd, "unknown command '%s'", name);
}

static unsigned term_width(void)
{
	struct winsize ws;
	const char *cols = getenv("COLUMNS");

	if (isatty(1) && ioctl(1, TIOCGWINSZ, &ws) == 0 && ws.ws_col)
		return ws.ws_col;
	if (cols && strtol(cols, NULL, 10) > 0 && strtol(cols, NULL, 10) < 10000)
		return (unsigned)strtol(cols, NULL, 10);
	return 0; /* a pipe: whole cells */
}

/* {x} in the verb's path replaced by the arguments, each escaped */
static char *fill_path(const char *tmpl, const struct cc_strv *args)
{
	struct cc_buf b = CC_BUF_INIT;
	size_t k = 0;

	for (const char *p = tmpl; p && *p; p++) {
		const char *end = *p == '{' ? strchr(p, '}') : NULL;
		if (!end) {
			cc_buf_addc(&b, *p);
			continue;
		}
		if (k < args->n) {
			char *e = cc_url_escape(args->v[k++]);
			cc_buf_adds(&b, e);
			free(e);
		}
		p = end;
	}
	return cc_buf_detach(&b, NULL);
}

static int run_verb(struct cli *c, int argc, char **argv)
{
	const struct cc_placeholder *ph;
	char word[64];
	int rc, min, max;

	if (!cc_cmd_start(c->ctx, argc, argv, &c->ov, &rc))
		return rc;
	cli_usage_args(c->verb->usage, &min, &max);
	if ((int)c->ov.pos.n < min)
		rc = cc_usage_error(c->ctx->cmd, "expected %s", c->verb->usage);
	else if (max >= 0 && (int)c->ov.pos.n > max)
		rc = cc_usage_error(c->ctx->cmd, "unexpected argument '%s'", c->ov.pos.v[max]);
	else if (!(rc = cc_ctx_setup(c->ctx, &c->ov)) &&
		 (c->json = cc_opt_find(c->ctx->cmd->info->opts, "format") &&
			    cc_cmd_json(c->ctx, &c->ov, &rc),
		  !rc) &&
		 !(rc = cc_cmd_client(c->ctx, &c->ov, &c->cl))) {
		c->quiet = cc_opt_isset(c->ctx->cmd, &c->ov, "quiet");
		c->color = c->ctx->color && !cc_opt_isset(c->ctx->cmd, &c->ov, "no-color");
		c->progress = !c->quiet && isatty(2);
		c->width = term_width();
		c->now = cc_time_now();
		c->path = fill_path(c->verb->path, &c->ov.pos);
		c->id = c->ov.pos.n ? c->ov.pos.v[0] : NULL;
		ph = cc_placeholder_find(cc_usage_word(c->verb->usage, 0, word, sizeof(word)));
		c->noun = ph ? ph->noun : NULL;
		rc = c->verb->run(c);
		cc_client_release(&c->cl);
	}
	free(c->path);
	cc_optv_release(&c->ov);
	return rc;
}

int cli_main(struct cc_ctx *ctx, int argc, char **argv)
{
	const struct cc_cmd *cmd = ctx->cmd;
	const struct cc_subcmd *verb;
	struct cli_verb_cmd vc;
	struct cli c = { .ctx = ctx, .parent = cmd };
	int vi = cli_verb_index(cmd, argc, argv), rc;
	char **av;

	if (vi < 0) {
		for (int i = 1; i < argc; i++)
			if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
				cc_cmd_print_help(cmd, stdout);
				return 0;
			}
		cc_cmd_print_help(cmd, stderr);
		return 2;
	}
	verb = cli_verb_find(cmd, argv[vi]);
	if (!verb)
		return unknown_verb(cmd, argv[vi]);
	c.verb = verb;
	cli_verb_cmd_init(&vc, cmd, verb);
	/* argv without the verb word */
	av = cc_xcalloc((size_t)argc, sizeof(*av));
	for (int i = 0, j = 0; i < argc; i++)
		if (i != vi)
			av[j++] = argv[i];
	ctx->cmd = &vc.cmd;
	rc = run_verb(&c, argc - 1, av);
	ctx->cmd = cmd;
	free(av);
	cli_verb_cmd_release(&vc);
	return rc;
}

int cli_verb_help(const struct cc_cmd *cmd, const char *name, FILE *out)
{
	const struct cc_subcmd *verb = cli_verb_find(cmd, name);
	struct cli_verb_cmd vc;

	if (!cmd->info->subs || !cmd->info->subs->run || !verb)
		return -1;
	cli_verb_cmd_init(&vc, cmd, verb);
	cc_cmd_print_help(&vc.cmd, out);
	cli_verb_cmd_release(&vc);
	return 0;
}
