/* testtgt.c: helpers shared by the target connector tests */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include "tests/unit/testossl.h"
#include "tests/unit/testtgt.h"
#include "libcc/buf.h"
#include "libcc/err.h"
#include "libcc/exec.h"
#include "libcc/fs.h"
#include "libcc/mem.h"

char *tt_tmpdir(void)
{
	char *d = cc_xstrdup("/tmp/certctl-tgt-XXXXXX");

	assert_non_null(mkdtemp(d));
	return d;
}

void tt_rmrf(const char *dir)
{
	const char *const argv[] = { "rm", "-rf", "--", dir, NULL };

	if (dir && !strncmp(dir, "/tmp/", 5))
		cc_exec(argv, NULL, 10000, NULL, NULL);
}

int tt_setup(void **state)
{
	*state = tt_tmpdir();
	return 0;
}

int tt_teardown(void **state)
{
	tt_rmrf(*state);
	free(*state);
	return 0;
}

char *tt_path(const char *dir, const char *name)
{
	return cc_xasprintf("%s/%s", dir, name);
}

char *tt_read(const char *path)
{
	struct cc_buf b = CC_BUF_INIT;

	if (cc_fs_read(path, &b, 0, NULL) < 0) {
		cc_buf_release(&b);
		return NULL;
	}
	return cc_buf_detach(&b, NULL);
}

void tt_write(const char *path, const char *content, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, content, strlen(content)), (ssize_t)strlen(content));
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
}

int tt_mode(const char *path)
{
	struct stat st;

	return lstat(path, &st) < 0 ? -1 : (int)(st.st_mode & 07777);
}

void tt_expect_file(const char *dir, const char *name, const char *content, int mode)
{
	char *p = tt_path(dir, name), *got = tt_read(p);

	if (!got)
		fail_msg("'%s' is missing", p);
	assert_string_equal(got, content);
	assert_int_equal(tt_mode(p), mode);
	free(got);
	free(p);
}

bool tt_exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

int tt_count(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

bool tt_clean(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	bool ok = true;

	assert_non_null(d);
	while ((e = readdir(d)))
		if (strstr(e->d_name, ".certctl-prev") || strstr(e->d_name, ".certctl-new-"))
			ok = false;
	closedir(d);
	return ok;
}

json_t *tt_json(const char *fmt, ...)
{
	json_error_t jerr;
	va_list ap;
	char *text;
	json_t *j;

	va_start(ap, fmt);
	text = cc_xvasprintf(fmt, ap);
	va_end(ap);
	j = json_loads(text, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
	if (!j)
		fail_msg("bad test JSON %s: %s", text, jerr.text);
	free(text);
	return j;
}

/* canonical (configs refuse ".." segments), or as it is when it does not exist */
static char *canonical(char *path)
{
	char *real = realpath(path, NULL);

	if (!real)
		return path;
	free(path);
	return real;
}

char *tt_shared_dir(void)
{
	const char *env = getenv("CERTCTL_SHARED_DIR");
	char exe[PATH_MAX], *slash;
	ssize_t n;

	if (env && *env)
		return canonical(cc_xstrdup(env));
	/* the repository: the first parent of the test binary with connectors/target */
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		while ((slash = strrchr(exe, '/')) && slash != exe) {
			char *probe;
			bool found;

			*slash = '\0';
			probe = cc_xasprintf("%s/connectors/target/target.h", exe);
			found = access(probe, F_OK) == 0;
			free(probe);
			if (found)
				return canonical(cc_xasprintf("%s/../shared", exe));
		}
	}
	return canonical(cc_xstrdup("../shared"));
}

bool tt_gen_cert(const char *dir, const char *name, const char *cn)
{
	char *pem = cc_xasprintf("%s/%s.pem", dir, name),
	     *key = cc_xasprintf("%s/%s.key", dir, name), *out = NULL;
	int st = testossl_self_signed(&out, pem, key, cn,
				      "subjectAltName=DNS:localhost,IP:127.0.0.1");

	if (st != 0)
		print_message("openssl: %s\n", out);
	free(out);
	free(pem);
	free(key);
	return st == 0;
}

char *tt_x509(const char *path, const char *what)
{
	char *opt = cc_xasprintf("-%s", what);
	const char *const argv[] = {
		"openssl", "x509", "-in", path, "-noout", opt, "-sha256", NULL
	};
	struct cc_buf out = CC_BUF_INIT;
	struct cc_err err = CC_ERR_INIT;
	char *eq, *v;

	if (cc_exec(argv, NULL, 20000, &out, &err) < 0)
		fail_msg("openssl x509: %s", err.msg);
	free(opt);
	eq = strchr(out.buf, '=');
	v = cc_xstrdup(eq ? eq + 1 : out.buf);
	v[strcspn(v, "\n")] = '\0';
	cc_buf_release(&out);
	return v;
}
