/* testtgt.h: helpers shared by the target connector tests (test-targets*.c): temp dirs,
 * file contents and modes, configs, test certificates from the openssl CLI */
#ifndef CC_TESTTGT_H
#define CC_TESTTGT_H

#include <stdbool.h>
#include <sys/types.h>
#include <jansson.h>

/* fake PEM blocks: the file connectors never parse them */
#define TT_CERT "-----BEGIN CERTIFICATE-----\nTEVBRg==\n-----END CERTIFICATE-----\n"
#define TT_CHAIN "-----BEGIN CERTIFICATE-----\nQ0hBSU4=\n-----END CERTIFICATE-----\n"
#define TT_KEY "-----BEGIN PRIVATE KEY-----\nS0VZ\n-----END PRIVATE KEY-----\n"

/* a fresh directory under /tmp (caller frees; tt_rmrf removes it) */
char *tt_tmpdir(void);
void tt_rmrf(const char *dir);
/* cmocka setup and teardown: *state is a tt_tmpdir */
int tt_setup(void **state);
int tt_teardown(void **state);
/* "dir/name" (caller frees) */
char *tt_path(const char *dir, const char *name);
/* the content (caller frees), NULL when absent */
char *tt_read(const char *path);
void tt_write(const char *path, const char *content, mode_t mode);
/* permission bits, or -1 when absent */
int tt_mode(const char *path);
/* dir/name exists with content and mode (fails the test otherwise) */
void tt_expect_file(const char *dir, const char *name, const char *content, int mode);
bool tt_exists(const char *path);
/* the number of entries in dir (without . and ..) */
int tt_count(const char *dir);
/* no "*.certctl-prev" or "*.certctl-new-*" left in dir */
bool tt_clean(const char *dir);
/* a config from printf-style JSON text (new ref; fails the test when invalid) */
json_t *tt_json(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* CERTCTL_SHARED_DIR, else <repo>/../shared (caller frees) */
char *tt_shared_dir(void);
/* a self-signed EC certificate for localhost: dir/name.pem, dir/name.key; false when the
 * openssl CLI failed */
bool tt_gen_cert(const char *dir, const char *name, const char *cn);
/* "openssl x509 -noout -<what> -sha256" of a PEM file, value after '=' (caller frees) */
char *tt_x509(const char *path, const char *what);

#endif
