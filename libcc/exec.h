/* exec.h: run an external program without a shell, with a timeout and captured output */
#ifndef CC_EXEC_H
#define CC_EXEC_H

struct cc_buf;
struct cc_err;

/* bytes of stdout+stderr kept; the rest is read and dropped */
#define CC_EXEC_OUTPUT_MAX (64u << 10)
/* after SIGTERM on timeout, how long before SIGKILL */
#define CC_EXEC_KILL_GRACE_MS 2000

/* Runs argv[0] (PATH lookup when it has no '/') with argv, in its own process group, stdin
 * from /dev/null, stdout and stderr into one pipe, every other fd closed, signal mask and
 * dispositions reset. env NULL: the caller's environment; otherwise exactly env
 * (NULL-terminated "NAME=value").
 *
 * timeout_ms > 0: past it the process group gets SIGTERM, then SIGKILL after
 * CC_EXEC_KILL_GRACE_MS. Reading stops when the child has exited and the pipe is drained or
 * idle, so a daemon that keeps the pipe open cannot block the caller.
 *
 * Output (at most CC_EXEC_OUTPUT_MAX bytes) is appended to output when it is not NULL.
 * Returns 0 only for exit status 0; otherwise -1 with CC_E_IO and "'<prog>' exited with
 * status N: <first line of output>", "'<prog>' was killed by signal N", "'<prog>' timed out
 * after N ms" or "cannot run '<prog>': <reason>". */
int cc_exec(const char *const *argv, const char *const *env, int timeout_ms, struct cc_buf *output,
	    struct cc_err *err);

#endif
