/* testossl.c: temp dirs, files and the openssl CLI for the PKI and agent tests */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>
#include "libcc/buf.h"
#include "libcc/mem.h"
#include "tests/unit/testossl.h"
#include "libcc/banned.h"

char *testossl_tmpdir(const char *tag)
{
	const char *base = getenv("TMPDIR");
	char *dir = cc_xasprintf("%s/certctl-%s-XXXXXX", base && *base ? base : "/tmp", tag);

	if (!mkdtemp(dir))
		CC_BUG("mkdtemp: %s", strerror(errno));
	return dir;
}

void testossl_rmdir(const char *dir)
{
	const char *argv[] = { "rm", "-rf", dir, NULL };

	if (dir && *dir)
		testossl_run(NULL, argv);
}

int testossl_setup(void **state)
{
	const char *tag = program_invocation_short_name;

	if (!strncmp(tag, "test-", 5))
		tag += 5;
	*state = testossl_tmpdir(tag);
	return 0;
}

int testossl_teardown(void **state)
{
	testossl_rmdir(*state);
	free(*state);
	return 0;
}

char *testossl_path(const char *dir, const char *name)
{
	return cc_xasprintf("%s/%s", dir, name);
}

void testossl_write(const char *path, const char *data)
{
	FILE *f = fopen(path, "w");

	if (!f || fputs(data, f) < 0 || fclose(f) != 0)
		CC_BUG("cannot write %s", path);
}

char *testossl_read(const char *path, size_t *len)
{
	struct cc_buf b = CC_BUF_INIT;
	char chunk[4096];
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		CC_BUG("cannot read %s: %s", path, strerror(errno));
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		cc_buf_add(&b, chunk, n);
	fclose(f);
	if (len)
		*len = b.len;
	if (!b.len)
		return cc_xstrdup("");
	return cc_buf_detach(&b, NULL);
}

int testossl_run(char **out, const char *const *argv)
{
	struct cc_buf b = CC_BUF_INIT;
	int fds[2], status = 0;
	char chunk[4096];
	ssize_t n;
	pid_t pid;

	if (pipe(fds) < 0)
		CC_BUG("pipe: %s", strerror(errno));
	pid = fork();
	if (pid < 0)
		CC_BUG("fork: %s", strerror(errno));
	if (pid == 0) {
		int nul = open("/dev/null", O_RDONLY);

		dup2(nul, 0);
		dup2(fds[1], 1);
		dup2(fds[1], 2);
		close(fds[0]);
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(fds[1]);
	while ((n = read(fds[0], chunk, sizeof(chunk))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		cc_buf_add(&b, chunk, (size_t)n);
	}
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (out)
		*out = b.len ? cc_buf_detach(&b, NULL) : cc_xstrdup("");
	cc_buf_release(&b);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int testossl_openssl(char **out, ...)
{
	const char *argv[64] = { "openssl" };
	size_t n = 1;
	va_list ap;

	va_start(ap, out);
	while (n < CC_ARRAY_SIZE(argv) - 1 && (argv[n] = va_arg(ap, const char *)) != NULL)
		n++;
	va_end(ap);
	argv[n] = NULL;
	return testossl_run(out, argv);
}

void testossl_run_ok(const char *const *argv)
{
	char *out = NULL;
	int st = testossl_run(&out, argv);

	if (st != 0)
		fail_msg("%s exited %d: %s", argv[0], st, out);
	free(out);
}

int testossl_mode(const char *path)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	return (int)(st.st_mode & 07777);
}

int testossl_self_signed(char **out, const char *crt, const char *key, const char *cn,
			 const char *ext)
{
	char *subj = cc_xasprintf("/CN=%s", cn);
	/* without ext the argument list ends before "-addext" */
	int st = testossl_openssl(out, "req", "-x509", "-newkey", "ec", "-pkeyopt",
				  "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-out", crt,
				  "-days", "2", "-subj", subj, ext ? "-addext" : NULL, ext, NULL);

	free(subj);
	return st;
}

char *testossl_field(const char *out, const char *key)
{
	size_t k = strlen(key);

	for (const char *p = out; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (!strncmp(p, key, k) && p[k] == '=')
			return cc_xstrndup(p + k + 1, strcspn(p + k + 1, "\n"));
	fail_msg("no '%s=' in: %s", key, out);
	return NULL;
}

void testossl_hex_norm(char *s, bool strip_zeros)
{
	char *w = s, *r = s;

	for (; *r; r++)
		if (*r != ':')
			*w++ = (char)(*r >= 'A' && *r <= 'Z' ? *r + 32 : *r);
	*w = '\0';
	if (strip_zeros) {
		r = s;
		while (r[0] == '0' && r[1])
			r++;
		memmove(s, r, strlen(r) + 1);
	}
}
