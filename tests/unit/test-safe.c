/* test-safe.c: adversarial table for cc_safe_path/filename/command/url: shell injection,
 * traversal, embedded NUL, control and non-ASCII bytes, option injection, overlong input */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "libcc/buf.h"
#include "libcc/err.h"
#include "libcc/mem.h"
#include "libcc/safe.h"
#include "libcc/strv.h"

enum kind { PATH, NAME, CMD, URL };

struct row {
	enum kind kind;
	const char *in;
	size_t len; /* 0: strlen(in); else explicit (embedded NUL) */
	bool ok;
	const char *want; /* refused: a word of the message; ok command: argv joined by '|' */
};

#define OK(k, s)                                                                                   \
	{                                                                                          \
		k, s, 0, true, NULL                                                                \
	}
#define NO(k, s, w)                                                                                \
	{                                                                                          \
		k, s, 0, false, w                                                                  \
	}
#define NOLEN(k, s, w)                                                                             \
	{                                                                                          \
		k, s, sizeof(s) - 1, false, w                                                      \
	}

static const struct row rows[] = {
	/* paths */
	OK(PATH, "/etc/nginx/certs/site.pem"),
	OK(PATH, "/"),
	OK(PATH, "/etc/ssl/"),
	OK(PATH, "/srv/%2e%2e/cert.pem"), /* never decoded: a literal name */
	OK(PATH, "/srv/..%2fetc"),
	OK(PATH, "/srv/..."),
	OK(PATH, "/etc/ssl/cert-2024_v1.2+x=y,z:@%.pem"),
	OK(PATH, "/-rf"), /* absolute: cannot be an option */
	NO(PATH, "/etc/../etc/passwd", "'..' segment"),
	NO(PATH, "../../x", "not an absolute path"),
	NO(PATH, "/a/./../b", "'.' segment"),
	NO(PATH, "/etc/nginx/..", "'..' segment"),
	NO(PATH, "/etc/nginx/.", "'.' segment"),
	NO(PATH, "//etc/passwd", "'//'"),
	NO(PATH, "/etc//passwd", "'//'"),
	NO(PATH, "/etc/ssl//", "'//'"),
	NOLEN(PATH, "/a/b\0/../../etc/shadow", "NUL byte at offset 4"),
	NOLEN(PATH, "/etc/ssl/cert.pem\0", "NUL byte"),
	NO(PATH, "", "is empty"),
	NO(PATH, "relative/path.pem", "not an absolute path"),
	NO(PATH, "./cert.pem", "not an absolute path"),
	NO(PATH, "~/cert.pem", "metacharacter '~'"),
	NO(PATH, "/etc/ssl/cert.pem; rm -rf /", "metacharacter ';'"),
	NO(PATH, "/etc/$(id)/x", "metacharacter '$'"),
	NO(PATH, "/etc/`id`/x", "metacharacter '`'"),
	NO(PATH, "/etc/ssl/cert.pem\nreload", "line break"),
	NO(PATH, "/etc/ssl/cert\r.pem", "line break"),
	NO(PATH, "/etc/ssl/ce\trt.pem", "blank"),
	NO(PATH, "/etc/ssl/my cert.pem", "blank at offset 11"),
	NO(PATH, "/etc/ssl/cert\x1b[31m.pem", "control character (0x1b)"),
	NO(PATH, "/etc/ssl/cert\x7f.pem", "control character (0x7f)"),
	NO(PATH, "/etc/ssl/m\xc3\xbcller.pem", "non-ASCII byte (0xc3)"),
	NO(PATH, "/etc/ssl/\xc0\xae\xc0\xae/x", "non-ASCII"), /* overlong "." */
	NO(PATH, "/etc/ssl/\xe2\x80\xaemp.pem", "non-ASCII"), /* right-to-left override */
	NO(PATH, "/etc/ssl/*.pem", "metacharacter '*'"),
	NO(PATH, "/etc/ssl/cert?.pem", "metacharacter '?'"),
	NO(PATH, "/etc/ssl/[ab].pem", "metacharacter '['"),
	NO(PATH, "/etc/ssl/a|b", "metacharacter '|'"),
	NO(PATH, "/etc/ssl/a&b", "metacharacter '&'"),
	NO(PATH, "/etc/ssl/a>b", "metacharacter '>'"),
	NO(PATH, "/etc/ssl/a<b", "metacharacter '<'"),
	NO(PATH, "/etc/ssl/a\\b", "metacharacter '\\'"),
	NO(PATH, "/etc/ssl/a\"b", "metacharacter '\"'"),
	NO(PATH, "/etc/ssl/a'b", "metacharacter '''"),
	NO(PATH, "/etc/ssl/${IFS}x", "metacharacter '$'"),
	NO(PATH, "/etc/ssl/!x", "metacharacter '!'"),
	NO(PATH, "/etc/ssl/#x", "metacharacter '#'"),
	NO(PATH, "/etc/ssl/a{b,c}", "metacharacter '{'"),
	NO(PATH, "********", "redacted placeholder"),
	/* file names */
	OK(NAME, "cert.pem"),
	OK(NAME, ".hidden.pem"),
	OK(NAME, "a..b"),
	OK(NAME, "%2e%2e"),
	NO(NAME, "-rf", "starts with '-'"),
	NO(NAME, "--help", "starts with '-'"),
	NO(NAME, "..", "cannot be '.' or '..'"),
	NO(NAME, ".", "cannot be '.' or '..'"),
	NO(NAME, "../x", "not a path (it contains '/')"),
	NO(NAME, "a/b", "not a path"),
	NO(NAME, "a\\b", "not a path (it contains '\\')"),
	NO(NAME, "/etc/passwd", "not a path"),
	NO(NAME, "", "is empty"),
	NOLEN(NAME, "x\0y", "NUL byte"),
	NO(NAME, "cert .pem", "blank"),
	NO(NAME, "cert;.pem", "metacharacter ';'"),
	NO(NAME, "********", "redacted"),
	NO(NAME, "caf\xc3\xa9.pem", "non-ASCII"),
	NO(NAME, "a\nb", "line break"),
	/* commands */
	{ CMD, "nginx -s reload", 0, true, "nginx|-s|reload" },
	{ CMD, "/usr/sbin/nginx -t", 0, true, "/usr/sbin/nginx|-t" },
	{ CMD, "  systemctl   reload\tnginx  ", 0, true, "systemctl|reload|nginx" },
	{ CMD, "nginx\t-t", 0, true, "nginx|-t" },
	{ CMD, "postfix check", 0, true, "postfix|check" },
	{ CMD, "/work/shared/scripts/svc-tmp reload /tmp/x", 0, true,
	  "/work/shared/scripts/svc-tmp|reload|/tmp/x" },
	{ CMD, "nginx -s reload %0a id", 0, true, "nginx|-s|reload|%0a|id" }, /* literal */
	{ CMD, "c++ -x", 0, true, "c++|-x" },
	NO(CMD, "nginx -s reload; rm -rf /", "metacharacter ';'"),
	NO(CMD, "nginx -s reload && rm -rf /", "metacharacter '&'"),
	NO(CMD, "nginx -s reload || true", "metacharacter '|'"),
	NO(CMD, "nginx -t | tee /tmp/x", "metacharacter '|'"),
	NO(CMD, "nginx -t > /tmp/x", "metacharacter '>'"),
	NO(CMD, "nginx -t < /etc/shadow", "metacharacter '<'"),
	NO(CMD, "nginx -t 2>&1", "metacharacter '>'"),
	NO(CMD, "$(id)", "metacharacter '$'"),
	NO(CMD, "`id`", "metacharacter '`'"),
	NO(CMD, "nginx -s reload\nrm -rf /", "line break"),
	NO(CMD, "nginx -s reload\r\nid", "line break"),
	NO(CMD, "nginx${IFS}-s${IFS}reload", "metacharacter '$'"),
	NO(CMD, "rm -rf /tmp/*", "metacharacter '*'"),
	NO(CMD, "ls /etc/passw?", "metacharacter '?'"),
	NO(CMD, "ls /etc/[p]asswd", "metacharacter '['"),
	NO(CMD, "cat ~root/.ssh/id_rsa", "metacharacter '~'"),
	NO(CMD, "nginx -s reload &", "metacharacter '&'"),
	NO(CMD, "nginx -g 'daemon off;'", "metacharacter '''"),
	NO(CMD, "nginx -g \"x\"", "metacharacter '\"'"),
	NO(CMD, "nginx \\; id", "metacharacter '\\'"),
	NO(CMD, "!!", "metacharacter '!'"),
	NO(CMD, "nginx # comment", "metacharacter '#'"),
	NO(CMD, "{nginx,-t}", "metacharacter '{'"),
	NO(CMD, "(nginx)", "metacharacter '('"),
	NO(CMD, "", "is empty"),
	NO(CMD, "   \t  ", "is empty"),
	NO(CMD, "./reload.sh", "relative path"),
	NO(CMD, "bin/reload", "relative path"),
	NO(CMD, "../bin/reload", "relative path"),
	NO(CMD, "/usr/../bin/sh -c id", "'..' segment"),
	NO(CMD, "//usr/bin/nginx", "'//'"),
	NO(CMD, "-rf /", "program name starting with '-'"),
	NO(CMD, ".hidden x", "program name starting with '.'"),
	NO(CMD, "FOO=bar nginx", "program name containing '='"),
	NO(CMD, "user@host nginx", "program name containing '@'"),
	NOLEN(CMD, "nginx -s reload\0; rm -rf /", "NUL byte at offset 15"),
	NO(CMD, "nginx -s rel\x1bload", "control character (0x1b)"),
	NO(CMD, "ngin\xc3\xa9x", "non-ASCII"),
	NO(CMD, "c:\\windows\\x.exe", "metacharacter '\\'"),
	NO(CMD, "********", "redacted"),
	/* URLs */
	OK(URL, "http://localhost:2019"),
	OK(URL, "https://caddy.internal:2019/"),
	OK(URL, "http://127.0.0.1:2019"),
	OK(URL, "http://[::1]:2019"),
	OK(URL, "HTTP://LOCALHOST:2019"),
	OK(URL, "http://xn--bcher-kva.example:2019/caddy/admin"),
	NO(URL, "http://admin:secret@localhost:2019", "userinfo"),
	NO(URL, "http://@localhost", "userinfo"),
	NO(URL, "ftp://localhost", "unsupported scheme"),
	NO(URL, "file:///etc/passwd", "unsupported scheme"),
	NO(URL, "gopher://x", "unsupported scheme"),
	NO(URL, "localhost:2019", "unsupported scheme"),
	NO(URL, "http://", "no host"),
	NO(URL, "http:///config", "no host"),
	NO(URL, "http://:2019", "no host"),
	NO(URL, "http://localhost:0", "invalid port"),
	NO(URL, "http://localhost:65536", "invalid port"),
	NO(URL, "http://localhost:20x9", "invalid port"),
	NO(URL, "http://localhost:", "invalid port"),
	NO(URL, "http://localhost/?x=1", "query or fragment"),
	NO(URL, "http://localhost/#frag", "query or fragment"),
	NO(URL, "http://local host", "blank"),
	NO(URL, "http://localhost\r\nX-Injected: 1", "line break"),
	NOLEN(URL, "http://localhost\0.evil.com", "NUL byte"),
	NO(URL, "http://loc$alhost", "metacharacter '$'"),
	NO(URL, "http://localhost/a/../b", "'..' segment"),
	NO(URL, "http://[::1", "invalid IPv6 host"),
	NO(URL, "http://[::1]x:80", "invalid IPv6 host"),
	NO(URL, "http://-evil", "invalid host"),
	NO(URL, "http://exa[mple", "invalid host (it contains '[')"),
	NO(URL, "http://localhost/[x]", "path containing '['"),
	NO(URL, "http://exa_mple.com", "invalid host (it contains '_')"),
	NO(URL,
	   "http://b\xc3\xbc"
	   "cher.example",
	   "non-ASCII"),
	NO(URL, "", "is empty"),
};

static const char *key_of(enum kind k)
{
	static const char *const keys[] = { "cert_path", "cert_filename", "reload_command",
					    "admin_api" };
	return keys[k];
}

static int check(enum kind k, const char *in, size_t len, struct cc_strv *argv, struct cc_err *err)
{
	switch (k) {
	case PATH:
		return cc_safe_path_n(key_of(k), in, len, err);
	case NAME:
		return cc_safe_filename_n(key_of(k), in, len, err);
	case CMD:
		return cc_safe_command_n(key_of(k), in, len, argv, err);
	case URL:
		return cc_safe_url_n(key_of(k), in, len, err);
	}
	return -1;
}

static char *joined(const struct cc_strv *sv)
{
	struct cc_buf b = CC_BUF_INIT;

	for (size_t i = 0; i < sv->n; i++)
		cc_buf_addf(&b, "%s%s", i ? "|" : "", sv->v[i]);
	return cc_buf_detach(&b, NULL);
}

static void run_row(const struct row *r, size_t i)
{
	struct cc_strv argv = CC_STRV_INIT;
	struct cc_err err = CC_ERR_INIT;
	size_t len = r->len ? r->len : strlen(r->in);
	char prefix[64];
	int rc = check(r->kind, r->in, len, &argv, &err);

	if ((rc == 0) != r->ok)
		fail_msg("row %zu (%s): expected %s, got rc %d: %s", i, key_of(r->kind),
			 r->ok ? "ok" : "refused", rc, err.msg);
	if (r->ok && r->kind == CMD) {
		char *j = joined(&argv);
		if (strcmp(j, r->want))
			fail_msg("row %zu: argv '%s', expected '%s'", i, j, r->want);
		free(j);
	}
	if (!r->ok) {
		assert_int_equal(err.code, CC_E_INVALID);
		assert_int_equal(argv.n, 0); /* untouched on failure */
		snprintf(prefix, sizeof(prefix), "'%s' ", key_of(r->kind));
		if (strncmp(err.msg, prefix, strlen(prefix)))
			fail_msg("row %zu: message does not name the key: %s", i, err.msg);
		if (!strstr(err.msg, r->want))
			fail_msg("row %zu: '%s' not in: %s", i, r->want, err.msg);
		/* the value itself is never echoed */
		if (len > 12 && strstr(err.msg, r->in))
			fail_msg("row %zu: message echoes the input: %s", i, err.msg);
	}
	cc_strv_release(&argv);
}

static void test_safe__table(void **state)
{
	(void)state;
	assert_true(CC_ARRAY_SIZE(rows) >= 80);
	for (size_t i = 0; i < CC_ARRAY_SIZE(rows); i++)
		run_row(&rows[i], i);
}

/* a string of n bytes: prefix then c repeated */
static char *fill(const char *prefix, char c, size_t n)
{
	char *s = cc_xmalloc(n + 1);
	size_t p = strlen(prefix);

	memcpy(s, prefix, p);
	memset(s + p, c, n - p);
	s[n] = '\0';
	return s;
}

static void expect(int rc, bool ok, const struct cc_err *err, const char *word)
{
	if (ok) {
		assert_int_equal(rc, 0);
		return;
	}
	assert_int_equal(rc, -1);
	assert_non_null(strstr(err->msg, word));
}

static void test_safe__lengths(void **state)
{
	struct cc_strv argv = CC_STRV_INIT;
	struct cc_err err = CC_ERR_INIT;
	char *s;

	(void)state;
	s = fill("/", 'a', CC_SAFE_PATH_MAX);
	expect(cc_safe_path("p", s, &err), true, &err, NULL);
	free(s);
	s = fill("/", 'a', CC_SAFE_PATH_MAX + 1);
	expect(cc_safe_path("p", s, &err), false, &err, "too long (4097 bytes, at most 4096)");
	free(s);
	s = fill("", 'a', CC_SAFE_NAME_MAX);
	expect(cc_safe_filename("n", s, &err), true, &err, NULL);
	free(s);
	s = fill("", 'a', CC_SAFE_NAME_MAX + 1);
	expect(cc_safe_filename("n", s, &err), false, &err, "too long");
	free(s);
	s = fill("nginx ", 'a', CC_SAFE_CMD_MAX);
	expect(cc_safe_command("c", s, &argv, &err), true, &err, NULL);
	cc_strv_release(&argv);
	free(s);
	s = fill("nginx ", 'a', CC_SAFE_CMD_MAX + 1);
	expect(cc_safe_command("c", s, &argv, &err), false, &err, "too long");
	free(s);
	s = fill("http://h/", 'a', CC_SAFE_URL_MAX + 1);
	expect(cc_safe_url("u", s, &err), false, &err, "too long");
	free(s);
	/* NULL is empty */
	expect(cc_safe_path("p", NULL, &err), false, &err, "'p' is empty");
	expect(cc_safe_command(NULL, NULL, &argv, &err), false, &err, "'value' is empty");
	expect(cc_safe_url("u", NULL, &err), false, &err, "empty");
	expect(cc_safe_filename("n", NULL, &err), false, &err, "empty");
}

static void test_safe__word_count(void **state)
{
	struct cc_strv argv = CC_STRV_INIT;
	struct cc_err err = CC_ERR_INIT;
	struct cc_buf b = CC_BUF_INIT;

	(void)state;
	cc_buf_adds(&b, "prog");
	for (int i = 1; i < CC_SAFE_ARGS_MAX; i++)
		cc_buf_adds(&b, " x");
	expect(cc_safe_command("c", b.buf, &argv, &err), true, &err, NULL);
	assert_int_equal(argv.n, CC_SAFE_ARGS_MAX);
	cc_strv_release(&argv);
	cc_buf_adds(&b, " y");
	expect(cc_safe_command("c", b.buf, &argv, &err), false, &err, "too many words");
	assert_int_equal(argv.n, 0);
	cc_buf_release(&b);
}

/* argv is appended to, NULL-terminated, and usable as execvp argv */
static void test_safe__argv_appends(void **state)
{
	struct cc_strv argv = CC_STRV_INIT;
	struct cc_err err = CC_ERR_INIT;

	(void)state;
	cc_strv_push(&argv, "first");
	assert_int_equal(cc_safe_command("c", "nginx -s reload", &argv, &err), 0);
	assert_int_equal(argv.n, 4);
	assert_string_equal(argv.v[0], "first");
	assert_string_equal(argv.v[3], "reload");
	assert_null(argv.v[4]);
	/* a refused command leaves it as it was */
	assert_int_equal(cc_safe_command("c", "nginx; id", &argv, &err), -1);
	assert_int_equal(argv.n, 4);
	cc_strv_release(&argv);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_safe__table),
		cmocka_unit_test(test_safe__lengths),
		cmocka_unit_test(test_safe__word_count),
		cmocka_unit_test(test_safe__argv_appends),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
