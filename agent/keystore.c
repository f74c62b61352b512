/* keystore.c: the agent's private keys — <key-dir>/<certificate_id>.key, PKCS#8, 0600,
 * written atomically; the directory is 0700 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "agent/agent.h"
#include "libcc/buf.h"
#include "libcc/err.h"
#include "libcc/fs.h"
#include "libcc/banned.h"

int agent_keydir_prepare(const char *dir, struct cc_log *log, struct cc_err *err)
{
	struct stat st;

	if (cc_fs_mkdirs(dir, 0700, err) < 0)
		return cc_err_prefix(err, "key dir (set --key-dir or CERTCTL_KEY_DIR)");
	if (stat(dir, &st) < 0)
		return cc_err_set(err, CC_E_IO, "key dir '%s': %s", dir, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return cc_err_set(err, CC_E_IO, "key dir '%s' is not a directory", dir);
	if ((st.st_mode & 07777) == 0700)
		return 0;
	if (chmod(dir, 0700) < 0) {
		if (st.st_mode & 077)
			return cc_err_set(err, CC_E_IO,
					  "key dir '%s' is open to other users (mode %04o) and "
					  "chmod 0700 failed: %s",
					  dir, (unsigned)(st.st_mode & 07777), strerror(errno));
		cc_warn(log, "key dir '%s': chmod 0700 failed: %s", dir, strerror(errno));
		return 0;
	}
	cc_info(log, "key dir '%s': mode %04o changed to 0700", dir,
		(unsigned)(st.st_mode & 07777));
	return 0;
}

bool agent_id_safe(const char *id)
{
	size_t n = 0;

	if (!id || !*id || *id == '.')
		return false;
	for (; id[n]; n++) {
		char c = id[n];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '_' || c == '-'))
			return false;
	}
	return n <= 200;
}

static char *key_path(const char *dir, const char *cert_id, const char *suffix, struct cc_err *err)
{
	if (!agent_id_safe(cert_id))
		return cc_err_set(err, CC_E_INVALID,
				  "certificate id '%.64s' cannot name a key file", cert_id),
		       NULL;
	return cc_xasprintf("%s/%s.key%s", dir, cert_id, suffix);
}

/* the key being replaced stays as <id>.key.prev (a hard link, so <id>.key never goes
 * missing): a renewal whose CSR is refused must not cost the deployed certificate its key */
int agent_key_write(const char *dir, const char *cert_id, const char *pem, struct cc_err *err)
{
	char *path = key_path(dir, cert_id, "", err), *prev = key_path(dir, cert_id, ".prev", NULL);
	int rc = -1;

	if (!path)
		goto out;
	if ((unlink(prev) < 0 && errno != ENOENT) || (link(path, prev) < 0 && errno != ENOENT)) {
		cc_err_set(err, CC_E_IO, "cannot keep the previous key as '%s': %s", prev,
			   strerror(errno));
		goto out;
	}
	rc = cc_fs_write_atomic(path, pem, strlen(pem), 0600, err);
out:
	free(path);
	free(prev);
	return rc;
}

static char *read_key(const char *path, struct cc_err *err)
{
	struct cc_buf b = CC_BUF_INIT;
	char *out = NULL;
	struct stat st;

	if (stat(path, &st) < 0) {
		cc_err_set(err, CC_E_NOT_FOUND, "'%s': %s", path, strerror(errno));
	} else if (st.st_mode & 077) {
		cc_err_set(err, CC_E_IO, "'%s' is readable by other users (mode %04o)", path,
			   (unsigned)(st.st_mode & 07777));
	} else if (cc_fs_read(path, &b, AGENT_KEY_MAX, err) == 0) {
		out = cc_buf_detach(&b, NULL);
	}
	if (b.len)
		memset(b.buf, 0, b.len);
	cc_buf_release(&b);
	return out;
}

static void wipe_free(char *s)
{
	if (s)
		memset(s, 0, strlen(s));
	free(s);
}

char *agent_key_read(const char *dir, const char *cert_id, struct cc_err *err)
{
	char *path = key_path(dir, cert_id, "", err), *out = path ? read_key(path, err) : NULL;

	free(path);
	return out;
}

char *agent_key_for(const char *dir, const char *cert_id, const char *cert_pem, struct cc_err *err)
{
	char *key = agent_key_read(dir, cert_id, err), *path, *prev;

	if (!key || agent_key_matches(cert_pem, key, err) == 0)
		return key;
	wipe_free(key);
	path = key_path(dir, cert_id, ".prev", NULL);
	prev = read_key(path, NULL);
	free(path);
	if (prev && agent_key_matches(cert_pem, prev, NULL) == 0)
		return prev;
	wipe_free(prev);
	return NULL; /* err: the current key does not belong to the certificate */
}
