/* fs.c: directories, whole-file reads, atomic writes */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "libcc/fs.h"
#include "libcc/buf.h"
#include "libcc/err.h"
#include "libcc/mem.h"
#include "libcc/banned.h"

int cc_fs_mkdirs(const char *path, mode_t mode, struct cc_err *err)
{
	char *p = cc_xstrdup(path);
	int rc = 0;

	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, mode) < 0 && errno != EEXIST)
			rc = -1;
		*s = '/';
		if (rc)
			break;
	}
	if (!rc && mkdir(p, mode) < 0 && errno != EEXIST)
		rc = -1;
	if (rc)
		cc_err_set(err, CC_E_IO, "cannot create directory '%s': %s", p, strerror(errno));
	free(p);
	return rc;
}

int cc_fs_read(const char *path, struct cc_buf *out, size_t max, struct cc_err *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	char chunk[65536];
	ssize_t n;

	if (fd < 0)
		return cc_err_set(err, errno == ENOENT ? CC_E_NOT_FOUND : CC_E_IO,
				  "cannot read '%s': %s", path, strerror(errno));
	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			cc_err_set(err, CC_E_IO, "cannot read '%s': %s", path, strerror(errno));
			close(fd);
			return -1;
		}
		if (max && out->len + (size_t)n > max) {
			close(fd);
			return cc_err_set(err, CC_E_TOO_BIG, "'%s' is larger than %zu bytes", path,
					  max);
		}
		cc_buf_add(out, chunk, (size_t)n);
	}
	close(fd);
	return 0;
}

static int write_all(int fd, const void *data, size_t n)
{
	const char *p = data;

	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int cc_fs_write_temp(const char *path, const char *suffix, const void *data, size_t n, mode_t mode,
		     const struct stat *owner, char **tmp_out, struct cc_err *err)
{
	char *tmp = cc_xasprintf("%s%s", path, suffix);
	int fd = mkostemp(tmp, O_CLOEXEC);

	if (fd < 0) {
		cc_err_set(err, CC_E_IO, "cannot create a file beside '%s': %s", path,
			   strerror(errno));
		free(tmp);
		return -1;
	}
	if (owner && fchown(fd, owner->st_uid, owner->st_gid) < 0 && errno != EPERM)
		goto fail;
	if (fchmod(fd, mode) < 0 || write_all(fd, data, n) < 0 || fsync(fd) < 0)
		goto fail;
	if (close(fd) < 0) {
		fd = -1;
		goto fail;
	}
	*tmp_out = tmp;
	return 0;
fail:
	cc_err_set(err, CC_E_IO, "cannot write '%s': %s", tmp, strerror(errno));
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	free(tmp);
	return -1;
}

int cc_fs_write_atomic(const char *path, const void *data, size_t n, mode_t mode,
		       struct cc_err *err)
{
	char *tmp = NULL;
	char *dir = cc_xstrdup(path);
	int dfd, rc = -1;

	if (cc_fs_write_temp(path, ".tmp-XXXXXX", data, n, mode, NULL, &tmp, err) < 0)
		goto out;
	if (rename(tmp, path) < 0) {
		cc_err_set(err, CC_E_IO, "cannot replace '%s': %s", path, strerror(errno));
		unlink(tmp);
		goto out;
	}
	/* make the rename itself durable */
	dfd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	rc = 0;
out:
	free(tmp);
	free(dir);
	return rc;
}
