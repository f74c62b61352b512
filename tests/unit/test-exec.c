/* test-exec.c: cc_exec: exit statuses, captured output, timeouts and kills, no fd leaks,
 * environment, /dev/null stdin, daemons that keep the pipe, no shell */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "libcc/buf.h"
#include "libcc/err.h"
#include "libcc/exec.h"
#include "libcc/time.h"

#define ARGV(...) ((const char *const[]){ __VA_ARGS__, NULL })

static int run(const char *const *argv, const char *const *env, int timeout_ms, struct cc_buf *out,
	       struct cc_err *err)
{
	cc_buf_reset(out);
	cc_err_clear(err);
	return cc_exec(argv, env, timeout_ms, out, err);
}

static void test_exec__exit_status(void **state)
{
	struct cc_buf out = CC_BUF_INIT;
	struct cc_err err = CC_ERR_INIT;

	(void)state;
	assert_int_equal(run(ARGV("/bin/true"), NULL, 5000, &out, &err), 0);
	assert_int_equal(run(ARGV("true"), NULL, 5000, &out, &err), 0); /* PATH lookup */
	assert_int_equal(run(ARGV("/bin/false"), NULL, 5000, &out, &err), -1);
	assert_int_equal(err.code, CC_E_IO);
	assert_string_equal(err.msg, "'/bin/false' exited with status 1");
	assert_int_equal(run(ARGV("sh", "-c", "exit 3"), NULL, 5000, &out, &err), -1);
	assert_string_equal(err.msg, "'sh' exited with status 3");
	/* the first non-blank line of the output, control characters replaced */
	assert_int_equal(run(ARGV("sh", "-c", "printf '\\n  bad \\033 config  \\nmore\\n'; exit 2"),
			     NULL, 5000, &out, &err),
			 -1);
	assert_string_equal(err.msg, "'sh' exited with status 2: bad ? config");
	assert_int_equal(run(ARGV("sh", "-c", "kill -SEGV $$"), NULL, 5000, &out, &err), -1);
	assert_string_equal(err.msg, "'sh' was killed by signal 11");
	/* a NULL output is fine */
	assert_int_equal(cc_exec(ARGV("sh", "-c", "echo x; exit 4"), NULL, 5000, NULL, &err), -1);
	assert_string_equal(err.msg, "'sh' exited with status 4: x");
	cc_buf_release(&out);
}

static void test_exec__cannot_run(void **state)
{
	struct cc_buf out = CC_BUF_INIT;
	struct cc_err err = CC_ERR_INIT;

	(void)state;
	assert_int_equal(run(ARGV("/nonexistent/prog"), NULL, 5000, &out, &err), -1);
	assert_string_equal(err.msg, "cannot run '/nonexistent/prog': No such file or directory");
	assert_int_equal(run(ARGV("no-such-program-certctl"), NULL, 5000, &out, &err), -1);
	assert_non_null(strstr(err.msg, "cannot run 'no-such-program-certctl'"));
	assert_int_equal(run(ARGV("/etc/passwd"), NULL, 5000, &out, &err), -1);
	assert_non_null(strstr(err.msg, "Permission denied"));
	assert_int_equal(cc_exec(NULL, NULL, 0, NULL, &err), -1);
	assert_int_equal(err.code, CC_E_INVALID);
	assert_int_equal(cc_exec(ARGV(""), NULL, 0, NULL, &err), -1);
	assert_int_equal(err.code, CC_E_INVALID);
	cc_buf_release(&out);
}

static void test_exec__output(void **state)
{
	struct cc_buf out = CC_BUF_INIT;
	struct cc_err err = CC_ERR_INIT;

	(void)state;
	assert_int_equal(
		run(ARGV("sh", "-c", "echo out; echo err >&2; echo out2"), NULL, 5000, &out, &err),
		0);
	assert_string_equal(out.buf, "out\nerr\nout2\n");
	/* arguments reach the program verbatim: no shell */
	assert_int_equal(run(ARGV("echo", "$(id)", ";", "|", "`x`", "*"), NULL, 5000, &out, &err),
			 0);
	assert_string_equal(out.buf, "$(id) ; | `x` *\n");
	/* capped at 64 KiB, the rest drained so the child finishes */
	assert_int_equal(run(ARGV("head", "-c", "300000", "/dev/zero"), NULL, 5000, &out, &err), 0);
	assert_int_equal(out.len, CC_EXEC_OUTPUT_MAX);
	/* stdin is /dev/null: cat ends at once */
	assert_int_equal(run(ARGV("cat"), NULL, 5000, &out, &err), 0);
	assert_int_equal(out.len, 0);
	/* appended to what the buffer holds */
	cc_buf_reset(&out);
	cc_buf_adds(&out, "before:");
	assert_int_equal(cc_exec(ARGV("echo", "x"), NULL, 5000, &out, &err), 0);
	assert_string_equal(out.buf, "before:x\n");
	cc_buf_release(&out);
}

/* state of a process: 0 gone or zombie, 1 alive */
static int alive(long pid)
{
	char path[64], buf[256];
	FILE *f;
	char *p;
	int r = 0;

	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	if (fgets(buf, sizeof(buf), f) && (p = strrchr(buf, ')')) && p[1] == ' ')
		r = p[2] != 'Z';
	fclose(f);
	return r;
}

static void test_exec__timeout(void **state)
{
	struct cc_buf out = CC_BUF_INIT;
	struct cc_err err = CC_ERR_INIT;
	int64_t t0;
	long pid;

	(void)state;
	t0 = cc_time_mono_ms();
	assert_int_equal(run(ARGV("sleep", "10"), NULL, 200, &out, &err), -1);
	assert_string_equal(err.msg, "'sleep' timed out after 200 ms");
	assert_true(cc_time_mono_ms() - t0 < 1500);
	/* SIGTERM ignored (and inherited by its child): SIGKILL after the grace period, to the
	 * whole process group */
	t0 = cc_time_mono_ms();
	assert_int_equal(run(ARGV("sh", "-c", "trap '' TERM; sleep 30 & echo $!; wait"), NULL, 200,
			     &out, &err),
			 -1);
	assert_non_null(strstr(err.msg, "timed out after 200 ms"));
	assert_true(cc_time_mono_ms() - t0 >= CC_EXEC_KILL_GRACE_MS);
	assert_true(cc_time_mono_ms() - t0 < CC_EXEC_KILL_GRACE_MS + 2000);
	pid = strtol(out.buf, NULL, 10);
	assert_true(pid > 0);
	usleep(100 * 1000);
	assert_int_equal(alive(pid), 0);
	cc_buf_release(&out);
}

/* signals blocked in the caller are unblocked in the child */
static void test_exec__signal_mask_reset(void **state)
{
	struct cc_err err = CC_ERR_INIT;
	sigset_t term, old;
	int64_t t0;

	(void)state;
	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	sigprocmask(SIG_BLOCK, &term, &old);
	t0 = cc_time_mono_ms();
	assert_int_equal(cc_exec(ARGV("sleep", "10"), NULL, 200, NULL, &err), -1);
	assert_true(cc_time_mono_ms() - t0 < 1500);
	sigprocmask(SIG_SETMASK, &old, NULL);
}

/* a daemon started by the command keeps the pipe: cc_exec still returns */
static void test_exec__daemon_keeps_pipe(void **state)
{
	struct cc_buf out = CC_BUF_INIT;
	struct cc_err err = CC_ERR_INIT;
	int64_t t0 = cc_time_mono_ms();
	long pid;

	(void)state;
	assert_int_equal(run(ARGV("sh", "-c", "sleep 5 & echo $!"), NULL, 10000, &out, &err), 0);
	assert_true(cc_time_mono_ms() - t0 < 1500);
	pid = strtol(out.buf, NULL, 10);
	assert_true(pid > 0);
	kill((pid_t)pid, SIGKILL);
	cc_buf_release(&out);
}

static void test_exec__no_fd_leak(void **state)
{
	struct cc_buf out = CC_BUF_INIT;
	struct cc_err err = CC_ERR_INIT;
	int fd = open("/dev/null", O_RDONLY), p[2];
	char *line, *save = NULL;

	(void)state;
	/* without O_CLOEXEC, at numbers ls cannot use itself */
	assert_true(fd >= 0);
	assert_int_equal(dup2(fd, 42), 42);
	assert_int_equal(pipe(p), 0);
	assert_int_equal(dup2(p[1], 43), 43);
	assert_int_equal(run(ARGV("ls", "/proc/self/fd"), NULL, 5000, &out, &err), 0);
	/* 0, 1, 2 and the directory ls reads */
	for (line = strtok_r(out.buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		assert_true(strtol(line, NULL, 10) <= 3);
	close(42);
	close(43);
	close(fd);
	close(p[0]);
	close(p[1]);
	cc_buf_release(&out);
}

static void test_exec__environment(void **state)
{
	struct cc_buf out = CC_BUF_INIT;
	struct cc_err err = CC_ERR_INIT;

	(void)state;
	setenv("CC_TEST_EXEC", "parent", 1);
	assert_int_equal(run(ARGV("sh", "-c", "echo $CC_TEST_EXEC"), NULL, 5000, &out, &err), 0);
	assert_string_equal(out.buf, "parent\n");
	/* exactly the given environment; the program is still found in the caller's PATH */
	assert_int_equal(run(ARGV("env"), ARGV("A=1", "B=two words"), 5000, &out, &err), 0);
	assert_string_equal(out.buf, "A=1\nB=two words\n");
	unsetenv("CC_TEST_EXEC");
	cc_buf_release(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exec__exit_status),
		cmocka_unit_test(test_exec__cannot_run),
		cmocka_unit_test(test_exec__output),
		cmocka_unit_test(test_exec__timeout),
		cmocka_unit_test(test_exec__signal_mask_reset),
		cmocka_unit_test(test_exec__daemon_keeps_pipe),
		cmocka_unit_test(test_exec__no_fd_leak),
		cmocka_unit_test(test_exec__environment),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
