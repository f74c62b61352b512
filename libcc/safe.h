/* safe.h: the one validation module for paths, file names, commands and URLs that come
 * from configuration (target configs, API input) before they reach the file system or
 * cc_exec().
 *
 * Every check fails with CC_E_INVALID and a message "'<key>' <reason>" naming the config
 * key. Values are never echoed into the message (they may hold control characters);
 * an offending character is named with its byte offset instead.
 *
 * Common rules: printable ASCII only (0x21-0x7e, plus the blank where noted); no NUL,
 * no control characters, no byte >= 0x80 (no UTF-8 homoglyphs or overlong encodings); none
 * of the shell metacharacters CC_SAFE_META. Nothing is ever percent-decoded, so "%2e%2e"
 * is an ordinary file name. The _n variants take an explicit length so that embedded NUL
 * bytes (JSON "\u0000") are caught; the others use strlen(). */
#ifndef CC_SAFE_H
#define CC_SAFE_H

#include <stddef.h>

struct cc_err;
struct cc_strv;

#define CC_SAFE_PATH_MAX 4096
#define CC_SAFE_NAME_MAX 255
#define CC_SAFE_CMD_MAX 1024
#define CC_SAFE_ARGS_MAX 64
#define CC_SAFE_URL_MAX 2048
/* refused everywhere: the shell's special characters, blanks excepted */
#define CC_SAFE_META ";|&$`(){}<>\\\"'*?[]~!#"
/* what the v2.1 API returns instead of a secret-looking value */
#define CC_SAFE_REDACTED "********"

/* an absolute path: starts with '/', no blank, no "//", no "." or ".." segment, at most
 * CC_SAFE_PATH_MAX bytes; one trailing '/' is allowed (a directory) */
int cc_safe_path(const char *key, const char *path, struct cc_err *err);
int cc_safe_path_n(const char *key, const char *path, size_t len, struct cc_err *err);

/* one path component: no '/' or '\\', not "." or "..", no leading '-', no blank, at most
 * CC_SAFE_NAME_MAX bytes */
int cc_safe_filename(const char *key, const char *name, struct cc_err *err);
int cc_safe_filename_n(const char *key, const char *name, size_t len, struct cc_err *err);

/* splits cmd on blanks (space, tab) into argv_out (appended; left untouched on failure),
 * without any shell: no quoting, no escapes, no expansion. At most CC_SAFE_CMD_MAX bytes and
 * CC_SAFE_ARGS_MAX words; newline and CR are refused like every control character. The
 * program (first word) is either an absolute path passing cc_safe_path() or a bare name of
 * [A-Za-z0-9._+-] (looked up in PATH) not starting with '-' or '.'; a relative path
 * with '/' ("./reload.sh", "bin/x") is refused. An argument that needs a blank or a
 * metacharacter needs a wrapper script. */
int cc_safe_command(const char *key, const char *cmd, struct cc_strv *argv_out, struct cc_err *err);
int cc_safe_command_n(const char *key, const char *cmd, size_t len, struct cc_strv *argv_out,
		      struct cc_err *err);

/* http:// or https:// (case-insensitive), a host of [A-Za-z0-9.-] or a bracketed IPv6
 * literal, an optional port 1-65535, an optional path of [A-Za-z0-9._~%/:@+,=-] without
 * "." or ".." segments; no userinfo, query or fragment; at most CC_SAFE_URL_MAX bytes */
int cc_safe_url(const char *key, const char *url, struct cc_err *err);
int cc_safe_url_n(const char *key, const char *url, size_t len, struct cc_err *err);

#endif
