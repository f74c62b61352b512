/* testossl.h: temp dirs, files and the openssl CLI for the PKI tests (test-x509, test-local-ca) */
#ifndef CC_TESTOSSL_H
#define CC_TESTOSSL_H

#include <stddef.h>

/* a fresh 0700 directory under $TMPDIR (malloc'd); removed with testossl_rmdir */
char *testossl_tmpdir(const char *tag);
void testossl_rmdir(const char *dir);
/* "<dir>/<name>" (malloc'd) */
char *testossl_path(const char *dir, const char *name);
void testossl_write(const char *path, const char *data);
/* the whole file, NUL-terminated (malloc'd); *len may be NULL */
char *testossl_read(const char *path, size_t *len);
/* runs argv (argv[0] looked up in PATH, no shell) with stdin from /dev/null; *out (may be
 * NULL) gets stdout and stderr together. Returns the exit status, -1 when it died */
int testossl_run(char **out, const char *const *argv);
/* testossl_run({"openssl", ...}) with a NULL-terminated list */
int testossl_openssl(char **out, ...);

#endif
