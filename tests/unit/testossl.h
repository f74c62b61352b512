/* testossl.h: temp dirs, files and the openssl CLI for the PKI and agent tests (test-x509,
 * test-local-ca*, test-agent-*) */
#ifndef CC_TESTOSSL_H
#define CC_TESTOSSL_H

#include <stdbool.h>
#include <stddef.h>

/* a fresh 0700 directory under $TMPDIR (malloc'd); removed with testossl_rmdir */
char *testossl_tmpdir(const char *tag);
void testossl_rmdir(const char *dir);
/* cmocka setup and teardown: *state is a fresh testossl_tmpdir named after the test program */
int testossl_setup(void **state);
int testossl_teardown(void **state);
/* "<dir>/<name>" (malloc'd) */
char *testossl_path(const char *dir, const char *name);
void testossl_write(const char *path, const char *data);
/* the whole file, NUL-terminated (malloc'd); *len may be NULL */
char *testossl_read(const char *path, size_t *len);
/* runs argv (argv[0] looked up in PATH, no shell) with stdin from /dev/null; *out (may be
 * NULL) gets stdout and stderr together. Returns the exit status, -1 when it died */
int testossl_run(char **out, const char *const *argv);
/* testossl_run(); fails the test on a non-zero exit */
void testossl_run_ok(const char *const *argv);
/* testossl_run({"openssl", ...}) with a NULL-terminated list */
int testossl_openssl(char **out, ...);
/* the permission bits of path (stat); fails the test when it cannot be read */
int testossl_mode(const char *path);

/* a self-signed P-256 certificate (2 days) for CN=cn in crt, its key in key; ext (an
 * "-addext" value such as "subjectAltName=DNS:x") may be NULL. testossl_run()'s status */
int testossl_self_signed(char **out, const char *crt, const char *key, const char *cn,
			 const char *ext);
/* the value after "<key>=" on its line of openssl's output (malloc'd); fails the test when
 * there is none */
char *testossl_field(const char *out, const char *key);
/* hex as openssl prints it ("AB:0C") made lower case without ':' in place; with strip_zeros
 * also without leading zeros (one is kept) */
void testossl_hex_norm(char *s, bool strip_zeros);

#endif
