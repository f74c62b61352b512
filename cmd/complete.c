/* complete.c: completion candidates from the command table — commands, verbs, options, fixed
 * values and live resource ids asked from serve. `certctl __complete WORD...` prints them for
 * the bash, zsh and fish scripts in completions/; `certctl shell` calls cc_complete(). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cmd/cli.h"
#include "cmd/complete.h"
#include "cmd/placeholder.h"
#include "libcc/banned.h"

#define IDS_TIMEOUT_MS 2000
#define IDS_MAX "500"

static const struct cc_opt opts[] = { CC_OPT_END };

const struct cc_cmd_info cmd___complete_info = {
	.usage = "WORD...",
	.description = "The last WORD is the one being completed (may be empty). Resource ids\n"
		       "come from the server; nothing is printed when it cannot be reached.",
	.opts = opts,
	.subs = NULL,
};

struct comp {
	struct cc_ctx *ctx;
	const char *cur;
	void (*emit)(const char *cand, void *arg);
	void *arg;
};

static void out(struct comp *k, const char *cand)
{
	if (!strncmp(cand, k->cur, strlen(k->cur)))
		k->emit(cand, k->arg);
}

/* ids of the items of a list, asked from serve; quietly nothing when that fails */
static void ids(struct comp *k, const char *list)
{
	struct cc_client cl;
	json_t *reply = NULL, *o;
	char *path = cc_xasprintf("%s?per_page=" IDS_MAX, list);
	size_t i;

	if (cc_client_init(&cl, &k->ctx->cfg, NULL, NULL, NULL) == 0) {
		cl.timeout_ms = IDS_TIMEOUT_MS;
		if (cc_client_json(&cl, "GET", path, NULL, &reply, NULL) == 0)
			json_array_foreach (json_object_get(reply, "data"), i, o)
				if (json_string_value(json_object_get(o, "id")))
					out(k, json_string_value(json_object_get(o, "id")));
	}
	cc_client_release(&cl);
	json_decref(reply);
	free(path);
}

/* the candidates of a placeholder: fixed values or live ids */
static bool placeholder(struct comp *k, const char *word)
{
	const struct cc_placeholder *ph = cc_placeholder_find(word);
	struct cc_strv vals = CC_STRV_INIT;

	if (!ph)
		return false;
	if (ph->values) {
		cc_strv_split(&vals, ph->values, '|');
		for (size_t i = 0; i < vals.n; i++)
			out(k, vals.v[i]);
		cc_strv_release(&vals);
	} else if (ph->list) {
		ids(k, ph->list);
	}
	return true;
}

/* values of an option: its configuration key's choices, or its placeholder's */
static void option_value(struct comp *k, const struct cc_opt *o)
{
	struct cc_strv vals = CC_STRV_INIT;

	if (o->cfg >= 0 && cc_cfg_table[o->cfg].type == CFG_T_ENUM) {
		cc_strv_split(&vals, cc_cfg_table[o->cfg].spec, '|');
		for (size_t i = 0; i < vals.n; i++)
			out(k, vals.v[i]);
		cc_strv_release(&vals);
	} else {
		placeholder(k, o->arg);
	}
}

static void options(struct comp *k, const struct cc_opt *list)
{
	char buf[80];

	for (const struct cc_opt *o = list; o && o->name; o++) {
		snprintf(buf, sizeof(buf), "--%s", o->name);
		out(k, buf);
	}
	out(k, "--help");
}

/* the option that waits for its value in the word before the current one */
static const struct cc_opt *pending_option(const struct cc_opt *list, const char *prev)
{
	const struct cc_opt *o;

	if (prev[0] != '-' || strchr(prev, '='))
		return NULL;
	if (prev[1] == '-')
		o = cc_opt_find(list, prev + 2);
	else
		for (o = list; o && o->name && !(prev[2] == '\0' && o->shortc == prev[1]); o++)
			;
	return o && o->name && o->arg ? o : NULL;
}

/* positional arguments among words[from..to), option values skipped */
static int count_args(const struct cc_opt *list, char **words, int from, int to)
{
	int n = 0;

	for (int i = from; i < to; i++) {
		if (words[i][0] != '-')
			n++;
		else if (pending_option(list, words[i]))
			i++;
	}
	return n;
}

static void verb_words(struct comp *k, const struct cc_cmd *cmd, int n, char **words)
{
	int vi = cli_verb_index(cmd, n - 1, words);
	const struct cc_subcmd *verb = vi > 0 ? cli_verb_find(cmd, words[vi]) : NULL;
	struct cli_verb_cmd vc;
	const struct cc_opt *o;
	char word[64];

	if (vi < 0) {
		if ((o = n > 2 ? pending_option(cmd->info->opts, words[n - 2]) : NULL))
			option_value(k, o);
		else if (k->cur[0] == '-')
			options(k, cmd->info->opts);
		else
			for (const struct cc_subcmd *s = cmd->info->subs; s->name; s++)
				out(k, s->name);
		return;
	}
	if (!verb)
		return;
	cli_verb_cmd_init(&vc, cmd, verb);
	if ((o = n - 2 > vi ? pending_option(vc.opts, words[n - 2]) : NULL))
		option_value(k, o);
	else if (k->cur[0] == '-')
		options(k, vc.opts);
	else
		placeholder(k, cc_usage_word(verb->usage, count_args(vc.opts, words, vi + 1, n - 1),
					     word, sizeof(word)));
	cli_verb_cmd_release(&vc);
}

/* --server and --api-key typed on the line apply to the id lookups */
static void typed_settings(struct cc_ctx *ctx, int n, char **words)
{
	for (int i = 1; i + 1 < n; i++) {
		if (!strcmp(words[i], "--server") || !strcmp(words[i], "-s"))
			cc_cfg_set(&ctx->cfg, CC_CFG_server_url, words[i + 1], CFG_SRC_FLAG, NULL);
		else if (!strcmp(words[i], "--api-key") || !strcmp(words[i], "-k"))
			cc_cfg_set(&ctx->cfg, CC_CFG_api_key, words[i + 1], CFG_SRC_FLAG, NULL);
	}
}

void cc_complete(struct cc_ctx *ctx, int n, char **words, void (*emit)(const char *cand, void *arg),
		 void *arg)
{
	struct comp k = { ctx, n ? words[n - 1] : "", emit, arg };
	const struct cc_cmd *cmd;
	const struct cc_opt *o;

	if (n <= 1) {
		for (const struct cc_cmd *c = cc_commands; c->name; c++)
			if (!(c->flags & CMD_HIDDEN))
				out(&k, c->name);
		return;
	}
	if (!(cmd = cc_cmd_find(words[0])))
		return;
	typed_settings(ctx, n, words);
	if (cmd->info->subs && cmd->info->subs->run) {
		verb_words(&k, cmd, n, words);
	} else if ((o = pending_option(cmd->info->opts, words[n - 2]))) {
		option_value(&k, o);
	} else if (k.cur[0] == '-') {
		options(&k, cmd->info->opts);
	} else if (!strcmp(cmd->name, "help") && n == 2) {
		cc_complete(ctx, 1, words + 1, emit, arg);
		for (const struct cc_subcmd *s = cmd->info->subs; s->name; s++)
			out(&k, s->name);
	} else if (!strcmp(cmd->name, "help") && n == 3 && (cmd = cc_cmd_find(words[1])) &&
		   cmd->info->subs) {
		for (const struct cc_subcmd *s = cmd->info->subs; s->name; s++)
			out(&k, s->name);
	} else if (cmd->info->subs && count_args(cmd->info->opts, words, 1, n - 1) == 0) {
		for (const struct cc_subcmd *s = cmd->info->subs; s->name; s++)
			out(&k, s->name);
	}
}

static void print_cand(const char *cand, void *arg)
{
	(void)arg;
	puts(cand);
}

int cmd___complete(int argc, char **argv, struct cc_ctx *ctx)
{
	cc_complete(ctx, argc - 1, argv + 1, print_cand, NULL);
	return 0;
}
