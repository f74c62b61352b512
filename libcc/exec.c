/* exec.c: fork/exec without a shell: /dev/null stdin, captured output, no fd leaks, timeout */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "libcc/exec.h"
#include "libcc/buf.h"
#include "libcc/err.h"
#include "libcc/time.h"
#include "libcc/banned.h"

/* after the child exited: how long a pipe that stays open (a daemon kept it) may idle */
#define DRAIN_IDLE_MS 50
#define DRAIN_MAX_MS 500
/* without a pidfd: how often to look for the child's exit */
#define TICK_MS 20

struct run {
	pid_t pid;
	int pipe; /* read end, -1 once closed */
	int pidfd;
	int status;
	bool exited, timed_out, killed, lost; /* lost: reaped by someone else */
	int64_t deadline, kill_at, exited_at;
	struct cc_buf cap; /* the first CC_EXEC_OUTPUT_MAX bytes; the rest is dropped */
};

static int close_from(unsigned fd)
{
#ifdef SYS_close_range
	return (int)syscall(SYS_close_range, fd, ~0u, 0u);
#else
	(void)fd;
	return -1;
#endif
}

static int pidfd_open(pid_t pid)
{
#ifdef SYS_pidfd_open
	return (int)syscall(SYS_pidfd_open, pid, 0u);
#else
	(void)pid;
	return -1;
#endif
}

/* only async-signal-safe calls between fork and exec */
__attribute__((noreturn)) static void child(const char *const *argv, const char *const *env,
					    int devnull, int outw, int errw, int maxfd)
{
	struct sigaction sa;
	sigset_t none;
	int e, efd = errw;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	for (int s = 1; s < NSIG; s++)
		sigaction(s, &sa, NULL); /* fails harmlessly for SIGKILL, SIGSTOP */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	setpgid(0, 0);
	/* out of the way of 0-3 first: the parent may run with 0, 1 or 2 closed */
	devnull = fcntl(devnull, F_DUPFD_CLOEXEC, 10);
	outw = fcntl(outw, F_DUPFD_CLOEXEC, 10);
	errw = fcntl(errw, F_DUPFD_CLOEXEC, 10);
	if (errw >= 0)
		efd = errw;
	if (devnull < 0 || outw < 0 || errw < 0 || dup2(devnull, 0) < 0 || dup2(outw, 1) < 0 ||
	    dup2(outw, 2) < 0 || dup3(errw, 3, O_CLOEXEC) < 0)
		goto fail;
	efd = 3;
	if (close_from(4) < 0)
		for (int fd = 4; fd < maxfd; fd++)
			close(fd);
	if (env)
		execvpe(argv[0], (char *const *)argv, (char *const *)env);
	else
		execvp(argv[0], (char *const *)argv);
fail:
	e = errno;
	if (write(efd, &e, sizeof(e)) < 0)
		_exit(126);
	_exit(127);
}

static void reap(struct run *r, bool block)
{
	pid_t w;

	if (r->exited)
		return;
	do
		w = waitpid(r->pid, &r->status, block ? 0 : WNOHANG);
	while (w < 0 && errno == EINTR);
	if (w == r->pid || (w < 0 && errno == ECHILD)) {
		r->lost = w < 0;
		r->exited = true;
		r->exited_at = cc_time_mono_ms();
	}
}

static void read_some(struct run *r)
{
	char chunk[8192];
	ssize_t n = read(r->pipe, chunk, sizeof(chunk));
	size_t keep;

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		close(r->pipe);
		r->pipe = -1;
		return;
	}
	keep = r->cap.len < CC_EXEC_OUTPUT_MAX ? CC_EXEC_OUTPUT_MAX - r->cap.len : 0;
	if (keep > (size_t)n)
		keep = (size_t)n;
	cc_buf_add(&r->cap, chunk, keep);
}

/* SIGTERM at the deadline, SIGKILL after the grace period, to the whole process group */
static void enforce_timeout(struct run *r, int64_t now)
{
	if (r->exited || !r->deadline)
		return;
	if (!r->timed_out && now >= r->deadline) {
		r->timed_out = true;
		r->kill_at = now + CC_EXEC_KILL_GRACE_MS;
		kill(-r->pid, SIGTERM);
	} else if (r->timed_out && !r->killed && now >= r->kill_at) {
		r->killed = true;
		kill(-r->pid, SIGKILL);
		reap(r, true);
	}
}

static int wait_ms(const struct run *r, int64_t now)
{
	int64_t until = 0;

	if (r->exited)
		return (int)DRAIN_IDLE_MS;
	if (r->deadline)
		until = r->timed_out ? r->kill_at : r->deadline;
	if (r->pidfd < 0 || until) {
		int64_t ms = until ? until - now : TICK_MS;
		if (r->pidfd < 0 && ms > TICK_MS)
			ms = TICK_MS;
		return ms < 0 ? 0 : (int)ms;
	}
	return -1;
}

static void run_loop(struct run *r)
{
	for (;;) {
		struct pollfd p[2];
		int64_t now = cc_time_mono_ms();
		nfds_t n = 0;
		int k;

		reap(r, false);
		if (r->exited && (r->pipe < 0 || now - r->exited_at > DRAIN_MAX_MS))
			break;
		enforce_timeout(r, now);
		if (r->pipe >= 0)
			p[n++] = (struct pollfd){ .fd = r->pipe, .events = POLLIN };
		if (r->pidfd >= 0 && !r->exited)
			p[n++] = (struct pollfd){ .fd = r->pidfd, .events = POLLIN };
		k = poll(p, n, wait_ms(r, now));
		if (k < 0 && errno != EINTR) {
			if (!r->exited)
				kill(-r->pid, SIGKILL); /* cannot watch it: do not wait forever */
			break;
		}
		if (k == 0 && r->exited)
			break; /* drained, or idle: a daemon holds the pipe */
		if (k > 0 && r->pipe >= 0 && p[0].revents)
			read_some(r);
	}
	if (r->pipe >= 0)
		close(r->pipe);
	r->pipe = -1;
	reap(r, true);
	/* whatever of the group survived the SIGTERM */
	if (r->timed_out && !r->killed)
		kill(-r->pid, SIGKILL);
}

/* the first non-blank line of the output, control characters replaced */
static void first_line(const struct cc_buf *b, char *out, size_t outlen)
{
	const char *s = b->buf, *e;
	size_t n, i;

	while (*s == '\n' || *s == '\r' || *s == ' ' || *s == '\t')
		s++;
	e = strchr(s, '\n');
	n = e ? (size_t)(e - s) : strlen(s);
	while (n && (s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (n >= outlen)
		n = outlen - 1;
	for (i = 0; i < n; i++)
		out[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' : s[i];
	out[n] = '\0';
}

static int result(const struct run *r, const char *prog, int timeout_ms, struct cc_err *err)
{
	char line[160];

	if (r->timed_out)
		return cc_err_set(err, CC_E_IO, "'%s' timed out after %d ms", prog, timeout_ms);
	if (r->lost)
		return cc_err_set(err, CC_E_IO, "'%s': its exit status was lost (SIGCHLD ignored?)",
				  prog);
	if (WIFEXITED(r->status) && WEXITSTATUS(r->status) == 0)
		return 0;
	first_line(&r->cap, line, sizeof(line));
	if (WIFSIGNALED(r->status))
		return cc_err_set(err, CC_E_IO, "'%s' was killed by signal %d%s%s", prog,
				  WTERMSIG(r->status), *line ? ": " : "", line);
	return cc_err_set(err, CC_E_IO, "'%s' exited with status %d%s%s", prog,
			  WEXITSTATUS(r->status), *line ? ": " : "", line);
}

int cc_exec(const char *const *argv, const char *const *env, int timeout_ms, struct cc_buf *output,
	    struct cc_err *err)
{
	struct run r = { .pid = -1, .pipe = -1, .pidfd = -1, .cap = CC_BUF_INIT };
	int out[2] = { -1, -1 }, ep[2] = { -1, -1 }, devnull = -1, child_errno = 0, rc = -1;
	long maxfd = sysconf(_SC_OPEN_MAX);
	ssize_t got;

	if (!argv || !argv[0] || !*argv[0])
		return cc_err_set(err, CC_E_INVALID, "no program to run");
	devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (devnull < 0 || pipe2(out, O_CLOEXEC) < 0 || pipe2(ep, O_CLOEXEC) < 0) {
		cc_err_set(err, CC_E_IO, "cannot run '%s': %s", argv[0], strerror(errno));
		goto out;
	}
	r.pid = fork();
	if (r.pid < 0) {
		cc_err_set(err, CC_E_IO, "cannot run '%s': fork: %s", argv[0], strerror(errno));
		goto out;
	}
	if (r.pid == 0)
		child(argv, env, devnull, out[1], ep[1],
		      maxfd > 0 && maxfd < 65536 ? (int)maxfd : 65536);
	setpgid(r.pid, r.pid); /* also in the child: whichever runs first */
	close(out[1]);
	close(ep[1]);
	out[1] = ep[1] = -1;
	r.pipe = out[0];
	out[0] = -1;
	/* the error pipe closes on a successful exec, or carries errno */
	do
		got = read(ep[0], &child_errno, sizeof(child_errno));
	while (got < 0 && errno == EINTR);
	if (got == (ssize_t)sizeof(child_errno)) {
		reap(&r, true);
		cc_err_set(err, CC_E_IO, "cannot run '%s': %s", argv[0], strerror(child_errno));
		goto out;
	}
	r.pidfd = pidfd_open(r.pid);
	if (timeout_ms > 0)
		r.deadline = cc_time_mono_ms() + timeout_ms;
	run_loop(&r);
	if (output)
		cc_buf_add(output, r.cap.buf, r.cap.len);
	rc = result(&r, argv[0], timeout_ms, err);
out:
	if (r.pipe >= 0)
		close(r.pipe);
	if (r.pidfd >= 0)
		close(r.pidfd);
	for (int i = 0; i < 2; i++) {
		if (out[i] >= 0)
			close(out[i]);
		if (ep[i] >= 0)
			close(ep[i]);
	}
	if (devnull >= 0)
		close(devnull);
	cc_buf_release(&r.cap);
	return rc;
}
