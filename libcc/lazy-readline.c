/* lazy-readline.c: the readline functions `certctl shell` calls, loaded on first use (see
 * lazylib.h). The shell sets and reads four of readline's variables; certctl has its own
 * copies, handed to the library before each line is read and taken back around each
 * completion. */
#include <stdio.h>
#include <readline/history.h>
#include <readline/readline.h>
#include "libcc/lazylib.h"
#include "libcc/banned.h"

struct cc_lazylib cc_lazy_readline = CC_LAZYLIB_INIT("libreadline.so.8", "libreadline8");

char *rl_line_buffer;
int rl_attempted_completion_over;
const char *rl_readline_name;
rl_completion_func_t *rl_attempted_completion_function;

static void *var(const char *name)
{
	return cc_lazylib_sym(&cc_lazy_readline, name);
}

/* what the library calls: the shell's completion function with the library's line */
static char **attempt(const char *text, int start, int end)
{
	char **matches;

	rl_line_buffer = *(char **)var("rl_line_buffer");
	rl_attempted_completion_over = 0;
	matches = rl_attempted_completion_function(text, start, end);
	*(int *)var("rl_attempted_completion_over") = rl_attempted_completion_over;
	return matches;
}

char *readline(const char *prompt)
{
	CC_LAZY_RESOLVE(cc_lazy_readline, char *, readline, (const char *));

	*(const char **)var("rl_readline_name") = rl_readline_name;
	*(rl_completion_func_t **)var("rl_attempted_completion_function") =
		rl_attempted_completion_function ? attempt : NULL;
	return f(prompt);
}

CC_LAZY_FN(cc_lazy_readline, char **, rl_completion_matches,
	   (const char *text, rl_compentry_func_t *entry), (text, entry))
CC_LAZY_VOID(cc_lazy_readline, add_history, (const char *line), (line))
CC_LAZY_FN(cc_lazy_readline, int, read_history, (const char *file), (file))
CC_LAZY_FN(cc_lazy_readline, int, append_history, (int n, const char *file), (n, file))
CC_LAZY_FN(cc_lazy_readline, int, history_truncate_file, (const char *file, int lines),
	   (file, lines))
