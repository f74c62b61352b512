/* safe.c: validation of configured paths, file names, commands and URLs (see safe.h) */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "libcc/safe.h"
#include "libcc/err.h"
#include "libcc/mem.h"
#include "libcc/strv.h"
#include "libcc/banned.h"

#define KEY(k) ((k) ? (k) : "value")

static bool is_alnum(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* empty, length, redaction, then every byte; blanks (space, tab) only when allowed, and the
 * metacharacters in allow */
static int check_text(const char *key, const char *s, size_t len, size_t max, bool blanks,
		      const char *allow, struct cc_err *err)
{
	if (!s || !len)
		return cc_err_set(err, CC_E_INVALID, "'%s' is empty", KEY(key));
	if (len > max)
		return cc_err_set(err, CC_E_INVALID, "'%s' is too long (%zu bytes, at most %zu)",
				  KEY(key), len, max);
	if (len == strlen(CC_SAFE_REDACTED) && !memcmp(s, CC_SAFE_REDACTED, len))
		return cc_err_set(err, CC_E_INVALID,
				  "'%s' holds the redacted placeholder '" CC_SAFE_REDACTED
				  "', not a real value",
				  KEY(key));
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\0')
			return cc_err_set(err, CC_E_INVALID,
					  "'%s' contains a NUL byte at offset %zu", KEY(key), i);
		if (c == '\n' || c == '\r')
			return cc_err_set(err, CC_E_INVALID,
					  "'%s' contains a line break at offset %zu", KEY(key), i);
		if ((c == ' ' || c == '\t') && blanks)
			continue;
		if (c == ' ' || c == '\t')
			return cc_err_set(err, CC_E_INVALID, "'%s' contains a blank at offset %zu",
					  KEY(key), i);
		if (c < 0x20 || c == 0x7f)
			return cc_err_set(
				err, CC_E_INVALID,
				"'%s' contains a control character (0x%02x) at offset %zu",
				KEY(key), c, i);
		if (c >= 0x80)
			return cc_err_set(err, CC_E_INVALID,
					  "'%s' contains a non-ASCII byte (0x%02x) at offset %zu",
					  KEY(key), c, i);
		if (strchr(CC_SAFE_META, c) && !strchr(allow, c))
			return cc_err_set(
				err, CC_E_INVALID,
				"'%s' contains the shell metacharacter '%c' at offset %zu",
				KEY(key), c, i);
	}
	return 0;
}

/* "/"-separated segments of s[0..len): no empty one (but a trailing '/' when trailing_ok),
 * no "." or ".." */
static int check_segments(const char *key, const char *s, size_t len, bool trailing_ok,
			  struct cc_err *err)
{
	size_t i = 0;

	while (i < len) {
		size_t start = ++i; /* s[i - 1] == '/' */
		size_t n;

		while (i < len && s[i] != '/')
			i++;
		n = i - start;
		if (!n && (i < len || !trailing_ok))
			return cc_err_set(err, CC_E_INVALID,
					  "'%s' contains an empty segment ('//')", KEY(key));
		if (n == 1 && s[start] == '.')
			return cc_err_set(err, CC_E_INVALID, "'%s' contains a '.' segment",
					  KEY(key));
		if (n == 2 && s[start] == '.' && s[start + 1] == '.')
			return cc_err_set(err, CC_E_INVALID,
					  "'%s' contains a '..' segment (path traversal)",
					  KEY(key));
	}
	return 0;
}

int cc_safe_path_n(const char *key, const char *path, size_t len, struct cc_err *err)
{
	if (check_text(key, path, len, CC_SAFE_PATH_MAX, false, "", err) < 0)
		return -1;
	if (path[0] != '/')
		return cc_err_set(err, CC_E_INVALID, "'%s' is not an absolute path", KEY(key));
	/* "/" alone: one empty trailing segment */
	return check_segments(key, path, len, true, err);
}

int cc_safe_path(const char *key, const char *path, struct cc_err *err)
{
	return cc_safe_path_n(key, path, path ? strlen(path) : 0, err);
}

int cc_safe_filename_n(const char *key, const char *name, size_t len, struct cc_err *err)
{
	if (name && (memchr(name, '/', len) || memchr(name, '\\', len)))
		return cc_err_set(err, CC_E_INVALID,
				  "'%s' must be a file name, not a path (it contains '%c')",
				  KEY(key), memchr(name, '/', len) ? '/' : '\\');
	if (check_text(key, name, len, CC_SAFE_NAME_MAX, false, "", err) < 0)
		return -1;
	if ((len == 1 && name[0] == '.') || (len == 2 && name[0] == '.' && name[1] == '.'))
		return cc_err_set(err, CC_E_INVALID, "'%s' cannot be '.' or '..'", KEY(key));
	if (name[0] == '-')
		return cc_err_set(err, CC_E_INVALID,
				  "'%s' starts with '-' (it could be taken for an option)",
				  KEY(key));
	return 0;
}

int cc_safe_filename(const char *key, const char *name, struct cc_err *err)
{
	return cc_safe_filename_n(key, name, name ? strlen(name) : 0, err);
}

static int check_program(const char *key, const char *p, struct cc_err *err)
{
	if (p[0] == '/')
		return cc_safe_path(key, p, err);
	if (strchr(p, '/'))
		return cc_err_set(err, CC_E_INVALID,
				  "'%s' runs a relative path: use an absolute path or a bare "
				  "program name",
				  KEY(key));
	if (p[0] == '-' || p[0] == '.')
		return cc_err_set(err, CC_E_INVALID, "'%s' has a program name starting with '%c'",
				  KEY(key), p[0]);
	for (const char *c = p; *c; c++)
		if (!is_alnum((unsigned char)*c) && !strchr("._+-", *c))
			return cc_err_set(err, CC_E_INVALID,
					  "'%s' has a program name containing '%c'", KEY(key), *c);
	return 0;
}

int cc_safe_command_n(const char *key, const char *cmd, size_t len, struct cc_strv *argv_out,
		      struct cc_err *err)
{
	struct cc_strv words = CC_STRV_INIT;
	size_t i = 0;
	int rc = -1;

	if (check_text(key, cmd, len, CC_SAFE_CMD_MAX, true, "", err) < 0)
		return -1;
	while (i < len) {
		size_t start;

		while (i < len && (cmd[i] == ' ' || cmd[i] == '\t'))
			i++;
		start = i;
		while (i < len && cmd[i] != ' ' && cmd[i] != '\t')
			i++;
		if (i == start)
			break;
		if (words.n == CC_SAFE_ARGS_MAX) {
			cc_err_set(err, CC_E_INVALID, "'%s' has too many words (at most %d)",
				   KEY(key), CC_SAFE_ARGS_MAX);
			goto out;
		}
		cc_strv_take(&words, cc_xstrndup(cmd + start, i - start));
	}
	if (!words.n) {
		cc_err_set(err, CC_E_INVALID, "'%s' is empty", KEY(key));
		goto out;
	}
	if (check_program(key, words.v[0], err) < 0)
		goto out;
	for (size_t k = 0; k < words.n; k++)
		cc_strv_take(argv_out, words.v[k]);
	free(words.v);
	words.v = NULL;
	words.n = 0;
	rc = 0;
out:
	cc_strv_release(&words);
	return rc;
}

int cc_safe_command(const char *key, const char *cmd, struct cc_strv *argv_out, struct cc_err *err)
{
	return cc_safe_command_n(key, cmd, cmd ? strlen(cmd) : 0, argv_out, err);
}

static int check_host(const char *key, const char *h, size_t n, struct cc_err *err)
{
	if (!n)
		return cc_err_set(err, CC_E_INVALID, "'%s' has no host", KEY(key));
	if (h[0] == '[') {
		if (n < 3 || h[n - 1] != ']')
			return cc_err_set(err, CC_E_INVALID, "'%s' has an invalid IPv6 host",
					  KEY(key));
		for (size_t i = 1; i + 1 < n; i++)
			if (!strchr("0123456789abcdefABCDEF:.", h[i]))
				return cc_err_set(err, CC_E_INVALID,
						  "'%s' has an invalid IPv6 host", KEY(key));
		return 0;
	}
	if (h[0] == '-' || h[0] == '.')
		return cc_err_set(err, CC_E_INVALID, "'%s' has an invalid host", KEY(key));
	for (size_t i = 0; i < n; i++)
		if (!is_alnum((unsigned char)h[i]) && h[i] != '-' && h[i] != '.')
			return cc_err_set(err, CC_E_INVALID,
					  "'%s' has an invalid host (it contains '%c')", KEY(key),
					  h[i]);
	return 0;
}

static int check_port(const char *key, const char *p, size_t n, struct cc_err *err)
{
	long v = 0;

	if (!n || n > 5)
		return cc_err_set(err, CC_E_INVALID, "'%s' has an invalid port", KEY(key));
	for (size_t i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return cc_err_set(err, CC_E_INVALID, "'%s' has an invalid port", KEY(key));
		v = v * 10 + (p[i] - '0');
	}
	if (v < 1 || v > 65535)
		return cc_err_set(err, CC_E_INVALID, "'%s' has an invalid port (1 to 65535)",
				  KEY(key));
	return 0;
}

int cc_safe_url_n(const char *key, const char *url, size_t len, struct cc_err *err)
{
	const char *auth, *end, *colon;
	size_t skip, n;

	if (url && (memchr(url, '?', len) || memchr(url, '#', len)))
		return cc_err_set(err, CC_E_INVALID, "'%s' cannot have a query or fragment",
				  KEY(key));
	/* brackets: IPv6 literals, checked with the host */
	if (check_text(key, url, len, CC_SAFE_URL_MAX, false, "[]", err) < 0)
		return -1;
	if (len >= 7 && !strncasecmp(url, "http://", 7))
		skip = 7;
	else if (len >= 8 && !strncasecmp(url, "https://", 8))
		skip = 8;
	else
		return cc_err_set(err, CC_E_INVALID,
				  "'%s' has an unsupported scheme (http:// or https:// only)",
				  KEY(key));
	auth = url + skip;
	end = memchr(auth, '/', len - skip);
	if (!end)
		end = url + len;
	n = (size_t)(end - auth);
	if (memchr(auth, '@', n))
		return cc_err_set(err, CC_E_INVALID, "'%s' cannot contain userinfo ('user@')",
				  KEY(key));
	colon = n && auth[0] == '[' ? memchr(auth, ']', n) : auth;
	colon = colon ? memchr(colon, ':', (size_t)(end - colon)) : NULL;
	if (check_host(key, auth, colon ? (size_t)(colon - auth) : n, err) < 0)
		return -1;
	if (colon && check_port(key, colon + 1, (size_t)(end - colon - 1), err) < 0)
		return -1;
	for (const char *p = end; p < url + len; p++)
		if (!is_alnum((unsigned char)*p) && !strchr("._%/:@+,=-", *p))
			return cc_err_set(err, CC_E_INVALID, "'%s' has a path containing '%c'",
					  KEY(key), *p);
	return check_segments(key, end, (size_t)(url + len - end), true, err);
}

int cc_safe_url(const char *key, const char *url, struct cc_err *err)
{
	return cc_safe_url_n(key, url, url ? strlen(url) : 0, err);
}
