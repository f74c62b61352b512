/* testossl.c: temp dirs, files and the openssl CLI for the PKI tests */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
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
