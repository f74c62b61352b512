/* test-lazylib.c: libpq, libcurl, libcrypto, libssl, ncurses and readline load on first call (ncurses with the
 * variables its macros read); a missing library or symbol stops the process with 127 and
 * names the package */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>
#include <curl/curl.h>
#include <libpq-fe.h>
#include <curses.h>
#include <readline/readline.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include "libcc/lazylib.h"

extern struct cc_lazylib cc_lazy_pq, cc_lazy_curl, cc_lazy_curses, cc_lazy_readline, cc_lazy_crypto,
	cc_lazy_ssl;

static void test_lazylib__loads_on_first_call(void **state)
{
	(void)state;
	assert_false(cc_lazylib_loaded(&cc_lazy_pq));
	assert_false(cc_lazylib_loaded(&cc_lazy_curl));
	assert_true(PQlibVersion() >= 100000);
	assert_true(cc_lazylib_loaded(&cc_lazy_pq));
	assert_false(cc_lazylib_loaded(&cc_lazy_curl));
	assert_non_null(curl_version_info(CURLVERSION_NOW)->version);
	assert_true(cc_lazylib_loaded(&cc_lazy_curl));
}

/* ncurses loads with the first screen, and the variables its macros read are the library's */
static void test_lazylib__curses_globals_follow_the_screen(void **state)
{
	FILE *out = fopen("/dev/null", "w"), *in = fopen("/dev/null", "r");
	SCREEN *sp;

	(void)state;
	assert_false(cc_lazylib_loaded(&cc_lazy_curses));
	sp = newterm("xterm", out, in);
	assert_non_null(sp);
	assert_true(cc_lazylib_loaded(&cc_lazy_curses));
	assert_non_null(stdscr);
	assert_ptr_equal(stdscr, *(WINDOW **)cc_lazylib_sym(&cc_lazy_curses, "stdscr"));
	assert_non_null(curscr);
	assert_true(ACS_HLINE != 0 && ACS_VLINE != ACS_HLINE); /* acs_map filled by newterm */
	resizeterm(30, 100);
	assert_int_equal(getmaxx(stdscr), 100);
	assert_int_equal(getmaxy(stdscr), 30);
	assert_int_equal(mvaddnstr(1, 2, "abc", 3), OK);
	endwin();
	delscreen(sp);
	fclose(out);
	fclose(in);
}

static char *one_cand(const char *text, int state)
{
	(void)text;
	return state ? NULL : strdup("certs");
}

/* readline loads with its first call */
static void test_lazylib__readline_on_first_call(void **state)
{
	char **m;

	(void)state;
	assert_false(cc_lazylib_loaded(&cc_lazy_readline));
	m = rl_completion_matches("ce", one_cand);
	assert_true(cc_lazylib_loaded(&cc_lazy_readline));
	assert_non_null(m);
	assert_string_equal(m[0], "certs");
	for (char **p = m; *p; p++)
		free(*p);
	free(m);
}

/* the variadic shims pass each option type through: a long, a string, an off_t, a callback */
static size_t sink(char *p, size_t size, size_t n, void *ud)
{
	(void)p;
	(void)ud;
	return size * n;
}

static void test_lazylib__curl_setopt_types(void **state)
{
	CURL *h = curl_easy_init();
	long code = -1;

	(void)state;
	assert_non_null(h);
	assert_int_equal(curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 1000L), CURLE_OK);
	assert_int_equal(curl_easy_setopt(h, CURLOPT_URL, "http://127.0.0.1:1/"), CURLE_OK);
	assert_int_equal(curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)1 << 33),
			 CURLE_OK);
	assert_int_equal(curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, sink), CURLE_OK);
	/* an option number curl does not know is refused by curl itself, not by the shim */
	assert_int_not_equal(curl_easy_setopt(h, (CURLoption)9999, 1L), CURLE_OK);
	assert_int_equal(curl_easy_perform(h), CURLE_COULDNT_CONNECT);
	assert_int_equal(curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code), CURLE_OK);
	assert_int_equal(code, 0);
	curl_easy_cleanup(h);
}

/* libcrypto loads with the first OpenSSL call and libssl with the first TLS one; the
 * variadic EVP_PKEY_Q_keygen passes a curve name, a bit count, or nothing */
static void test_lazylib__openssl_on_first_call(void **state)
{
	EVP_PKEY *k;
	SSL_CTX *ctx;

	(void)state;
	assert_false(cc_lazylib_loaded(&cc_lazy_crypto));
	assert_false(cc_lazylib_loaded(&cc_lazy_ssl));
	k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
	assert_true(cc_lazylib_loaded(&cc_lazy_crypto));
	assert_false(cc_lazylib_loaded(&cc_lazy_ssl));
	assert_non_null(k);
	assert_int_equal(EVP_PKEY_get_bits(k), 384);
	EVP_PKEY_free(k);
	k = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)1024);
	assert_non_null(k);
	assert_int_equal(EVP_PKEY_get_bits(k), 1024);
	EVP_PKEY_free(k);
	k = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	assert_non_null(k);
	assert_int_equal(EVP_PKEY_get_base_id(k), EVP_PKEY_ED25519);
	EVP_PKEY_free(k);
	ctx = SSL_CTX_new(TLS_client_method());
	assert_true(cc_lazylib_loaded(&cc_lazy_ssl));
	assert_non_null(ctx);
	SSL_CTX_free(ctx);
}

/* runs fn in a child with stderr on a pipe: its exit status and what it wrote */
static int in_child(void (*fn)(void), char *msg, size_t cap)
{
	int fds[2], st = 0;
	ssize_t n;
	pid_t pid;

	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(fds[1], 2);
		fn();
		_exit(0);
	}
	close(fds[1]);
	n = read(fds[0], msg, cap - 1);
	msg[n > 0 ? n : 0] = '\0';
	close(fds[0]);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static struct cc_lazylib nope = CC_LAZYLIB_INIT("libcertctl-nope.so.9", "certctl-nope");

static void missing_library(void)
{
	(void)cc_lazylib_sym(&nope, "anything");
}

static void missing_symbol(void)
{
	(void)cc_lazylib_sym(&cc_lazy_pq, "PQcertctlNope");
}

static void test_lazylib__missing_is_fatal_and_named(void **state)
{
	char msg[512];

	(void)state;
	assert_int_equal(in_child(missing_library, msg, sizeof(msg)), 127);
	assert_non_null(strstr(msg, "libcertctl-nope.so.9"));
	assert_non_null(strstr(msg, "install the Debian package certctl-nope"));
	assert_int_equal(in_child(missing_symbol, msg, sizeof(msg)), 127);
	assert_non_null(strstr(msg, "PQcertctlNope"));
	assert_non_null(strstr(msg, "libpq5"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lazylib__loads_on_first_call),
		cmocka_unit_test(test_lazylib__curses_globals_follow_the_screen),
		cmocka_unit_test(test_lazylib__readline_on_first_call),
		cmocka_unit_test(test_lazylib__openssl_on_first_call),
		cmocka_unit_test(test_lazylib__curl_setopt_types),
		cmocka_unit_test(test_lazylib__missing_is_fatal_and_named),
	};
	return cmocka_run_group_tests_name("lazylib", tests, NULL, NULL);
}
