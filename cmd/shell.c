/* shell.c: `certctl shell` — a readline REPL running the command table: commands without
 * "certctl", tab completion of commands, options and live ids, persistent history */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <readline/history.h>
#include <readline/readline.h>
#include "cmd/complete.h"
#include "cmd/shell.h"
#include "libcc/err.h"
#include "libcc/fs.h"
#include "libcc/banned.h"

#define HISTORY_MAX 1000

static const struct cc_opt opts[] = {
	{ "server", 's', "URL", "certctl server URL", CC_CFG_server_url },
	{ "api-key", 'k', "KEY", "API key (default: the credentials file written by serve)",
	  CC_CFG_api_key },
	{ "config", 'c', "FILE", "read settings from FILE", CC_CFG_config_file },
	{ "no-color", 0, NULL, "never use colors (also NO_COLOR)", -1 },
	CC_OPT_END,
};

const struct cc_cmd_info cmd_shell_info = {
	.usage = "[options]",
	.description =
		"Reads commands and runs them as certctl would, without the 'certctl' in front:\n"
		"  certctl> certs list --status Expiring\n"
		"Tab completes commands, options and ids from the server. History is kept in\n"
		"$XDG_STATE_HOME/certctl/history (default ~/.local/state). The options given here\n"
		"apply to every command. 'exit', 'quit' or end of input leave; the exit status is\n"
		"the last command's. Commands read from a pipe run the same way, without prompt.",
	.opts = opts,
	.subs = NULL,
};

/* readline's completion callbacks take no argument: the shell's context and the candidates
 * of the current completion live here while the shell runs */
static struct cc_ctx *shell_ctx;
static struct cc_strv cands;

static void collect(const char *cand, void *arg)
{
	(void)arg;
	cc_strv_push(&cands, cand);
}

static char *next_cand(const char *text, int state)
{
	static size_t i;

	(void)text;
	if (!state)
		i = 0;
	return i < cands.n ? strdup(cands.v[i++]) : NULL;
}

static char **attempt(const char *text, int start, int end)
{
	struct cc_strv words = CC_STRV_INIT;
	char *head = cc_xstrndup(rl_line_buffer, (size_t)start);
	char **matches = NULL;

	(void)end;
	rl_attempted_completion_over = 1; /* no file names */
	cc_strv_release(&cands);
	if (cc_shell_split(head, &words) == 0) {
		size_t skip = words.n && !strcmp(words.v[0], "certctl");
		cc_strv_push(&words, text);
		cc_complete(shell_ctx, (int)(words.n - skip), words.v + skip, collect, NULL);
		matches = rl_completion_matches(text, next_cand);
	}
	cc_strv_release(&words);
	free(head);
	return matches;
}

static char *history_path(void)
{
	const char *state = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
	char *dir = state && *state ? cc_xasprintf("%s/certctl", state)
				    : cc_xasprintf("%s/.local/state/certctl", home ? home : ".");
	char *path = NULL;

	if (cc_fs_mkdirs(dir, 0700, NULL) == 0)
		path = cc_xasprintf("%s/history", dir);
	free(dir);
	return path;
}

/* one command in a child, so that Ctrl-C, a crash or exit() end only the command */
static int run_words(struct cc_strv *w)
{
	const struct cc_cmd *cmd;
	size_t skip = w->n && !strcmp(w->v[0], "certctl");
	int st;
	pid_t pid;

	if (w->n == skip)
		return 0;
	cmd = cc_cmd_find(w->v[skip]);
	if (!cmd || !strcmp(cmd->name, "shell")) {
		fprintf(stderr, "certctl: '%s' is %s. Type 'help' for the commands.\n", w->v[skip],
			cmd ? "running already" : "not a certctl command");
		return 2;
	}
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "certctl shell: fork: %s\n", strerror(errno));
		return 1;
	}
	if (pid == 0) {
		signal(SIGINT, SIG_DFL);
		exit(cc_cmd_run(cmd, (int)(w->n - skip), w->v + skip));
	}
	signal(SIGINT, SIG_IGN);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	signal(SIGINT, SIG_DFL);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* the settings of the shell's options, for the commands it runs */
static void pass_down(struct cc_ctx *ctx, const struct cc_optv *ov)
{
	const char *v;

	if ((v = cc_opt_get(ctx->cmd, ov, "server")))
		setenv("CERTCTL_SERVER_URL", v, 1);
	if ((v = cc_opt_get(ctx->cmd, ov, "api-key")))
		setenv("CERTCTL_API_KEY", v, 1);
	if ((v = cc_opt_get(ctx->cmd, ov, "config")))
		setenv("CERTCTL_CONFIG_FILE", v, 1);
	if (cc_opt_isset(ctx->cmd, ov, "no-color"))
		setenv("NO_COLOR", "1", 1);
}

static char *read_line(bool tty, int last)
{
	char prompt[32], *line = NULL;
	size_t cap = 0;
	ssize_t n;

	if (tty) {
		snprintf(prompt, sizeof(prompt), last ? "certctl [%d]> " : "certctl> ", last);
		return readline(prompt);
	}
	n = getline(&line, &cap, stdin);
	if (n < 0) {
		free(line);
		return NULL;
	}
	line[strcspn(line, "\n")] = '\0';
	return line;
}

static int loop(char *hist)
{
	bool tty = isatty(0);
	int rc = 0;
	char *line;

	while ((line = read_line(tty, rc))) {
		struct cc_strv w = CC_STRV_INIT;

		if (tty && line[strspn(line, " \t")]) {
			add_history(line);
			if (hist)
				append_history(1, hist);
		}
		if (cc_shell_split(line, &w) < 0) {
			fprintf(stderr, "certctl shell: unterminated quote\n");
			rc = 2;
		} else if (w.n && (!strcmp(w.v[0], "exit") || !strcmp(w.v[0], "quit"))) {
			cc_strv_release(&w);
			free(line);
			break;
		} else {
			rc = run_words(&w);
		}
		cc_strv_release(&w);
		free(line);
	}
	if (!line && tty)
		putchar('\n');
	return rc;
}

int cmd_shell(int argc, char **argv, struct cc_ctx *ctx)
{
	struct cc_optv ov;
	char *hist = NULL;
	int rc;

	if (!cc_cmd_start(ctx, argc, argv, &ov, &rc))
		return rc;
	if (ov.pos.n) {
		rc = cc_usage_error(ctx->cmd, "unexpected argument '%s'", ov.pos.v[0]);
		goto out;
	}
	if ((rc = cc_ctx_setup(ctx, &ov)))
		goto out;
	pass_down(ctx, &ov);
	shell_ctx = ctx;
	rl_readline_name = "certctl";
	rl_attempted_completion_function = attempt;
	hist = history_path();
	if (hist && isatty(0) && read_history(hist) != 0) {
		/* append_history() needs the file */
		int fd = open(hist, O_WRONLY | O_CREAT | O_APPEND, 0600);
		if (fd >= 0)
			close(fd);
	}
	rc = loop(hist);
	if (hist && isatty(0))
		history_truncate_file(hist, HISTORY_MAX);
	cc_strv_release(&cands);
	shell_ctx = NULL;
out:
	free(hist);
	cc_optv_release(&ov);
	return rc;
}
