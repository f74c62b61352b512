/* files.c: all-or-nothing deployment of a set of files with a rollback (see files.h) */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "connectors/target/files.h"
#include "libcc/buf.h"
#include "libcc/err.h"
#include "libcc/fs.h"
#include "libcc/mem.h"
#include "libcc/banned.h"

#define PREV_SUFFIX ".certctl-prev"
#define NEW_SUFFIX ".certctl-new-XXXXXX"

struct cc_fileset_item {
	char *key, *path, *dir;
	struct cc_buf data;
	mode_t mode;
	char *tmp;  /* the new content, until renamed into place */
	char *prev; /* hard link to the previous file */
	bool existed, in_mem, installed;
	struct cc_buf old; /* when in_mem */
	struct stat st;	   /* of the previous file */
};

char *cc_fileset_join(const char *dir, const char *name)
{
	size_t n = strlen(dir);

	while (n > 1 && dir[n - 1] == '/')
		n--;
	if (n == 1 && dir[0] == '/')
		n = 0;
	return cc_xasprintf("%.*s/%s", (int)n, dir, name);
}

static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return cc_xstrdup(".");
	if (slash == path)
		return cc_xstrdup("/");
	return cc_xstrndup(path, (size_t)(slash - path));
}

int cc_fileset_add(struct cc_fileset *fs, const char *key, const char *path, const void *data,
		   size_t len, mode_t mode, struct cc_err *err)
{
	struct cc_fileset_item *it;

	for (size_t i = 0; i < fs->n; i++)
		if (!strcmp(fs->v[i].path, path))
			return cc_err_set(err, CC_E_INVALID,
					  "'%s' and '%s' name the same file '%s'", fs->v[i].key,
					  key, path);
	fs->v = cc_xrealloc(fs->v, (fs->n + 1) * sizeof(*fs->v));
	it = &fs->v[fs->n++];
	memset(it, 0, sizeof(*it));
	it->key = cc_xstrdup(key);
	it->path = cc_xstrdup(path);
	it->dir = dir_of(path);
	cc_buf_init(&it->data, 0);
	cc_buf_add(&it->data, data, len);
	cc_buf_init(&it->old, 0);
	it->mode = mode;
	return 0;
}

/* the directory exists; what is at the path now */
static int inspect(struct cc_fileset_item *it, struct cc_err *err)
{
	struct stat st;

	if (stat(it->dir, &st) < 0)
		return cc_err_set(err, CC_E_IO, "directory '%s' of '%s' %s", it->dir, it->key,
				  errno == ENOENT ? "does not exist" : strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return cc_err_set(err, CC_E_IO, "'%s' of '%s' is not a directory", it->dir,
				  it->key);
	if (lstat(it->path, &it->st) == 0) {
		if (S_ISDIR(it->st.st_mode))
			return cc_err_set(err, CC_E_IO, "'%s' ('%s') is a directory", it->path,
					  it->key);
		it->existed = true;
		return 0;
	}
	if (errno != ENOENT)
		return cc_err_set(err, CC_E_IO, "cannot inspect '%s': %s", it->path,
				  strerror(errno));
	it->existed = false;
	return 0;
}

/* a hard link to the previous file, else a copy of a regular file in memory */
static int keep_previous(struct cc_fileset_item *it, struct cc_err *err)
{
	char *prev;

	if (!it->existed)
		return 0;
	prev = cc_xasprintf("%s" PREV_SUFFIX, it->path);
	if (unlink(prev) < 0 && errno != ENOENT) {
		cc_err_set(err, CC_E_IO, "cannot remove '%s': %s", prev, strerror(errno));
		free(prev);
		return -1;
	}
	if (link(it->path, prev) == 0) {
		it->prev = prev;
		return 0;
	}
	free(prev);
	if (!S_ISREG(it->st.st_mode))
		return cc_err_set(err, CC_E_IO, "cannot keep the previous '%s': %s", it->path,
				  strerror(errno));
	if (cc_fs_read(it->path, &it->old, CC_FILESET_PREV_MAX, err) < 0)
		return cc_err_prefix(err, "cannot keep the previous '%s'", it->path);
	it->in_mem = true;
	return 0;
}

static void sync_dirs(const struct cc_fileset *fs)
{
	for (size_t i = 0; i < fs->n; i++) {
		int fd;
		size_t j;

		for (j = 0; j < i && strcmp(fs->v[j].dir, fs->v[i].dir); j++)
			;
		if (j < i)
			continue; /* done already */
		fd = open(fs->v[i].dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd >= 0) {
			fsync(fd);
			close(fd);
		}
	}
}

static void drop_temps(struct cc_fileset *fs)
{
	for (size_t i = 0; i < fs->n; i++) {
		if (fs->v[i].tmp)
			unlink(fs->v[i].tmp);
		cc_freep(&fs->v[i].tmp);
	}
}

/* the previous state of one installed item */
static int restore_one(struct cc_fileset_item *it, struct cc_err *err)
{
	char *tmp = NULL;

	if (it->prev) {
		if (rename(it->prev, it->path) < 0)
			return cc_err_set(err, CC_E_IO, "cannot restore '%s' from '%s': %s",
					  it->path, it->prev, strerror(errno));
		cc_freep(&it->prev);
		return 0;
	}
	if (!it->in_mem) {
		if (unlink(it->path) < 0 && errno != ENOENT)
			return cc_err_set(err, CC_E_IO, "cannot remove '%s': %s", it->path,
					  strerror(errno));
		return 0;
	}
	if (cc_fs_write_temp(it->path, NEW_SUFFIX, it->old.buf, it->old.len, it->st.st_mode & 07777,
			     &it->st, &tmp, err) < 0)
		return -1;
	if (rename(tmp, it->path) < 0) {
		cc_err_set(err, CC_E_IO, "cannot restore '%s': %s", it->path, strerror(errno));
		unlink(tmp);
		free(tmp);
		return -1;
	}
	free(tmp);
	return 0;
}

int cc_fileset_restore(struct cc_fileset *fs, struct cc_err *err)
{
	struct cc_err first = CC_ERR_INIT, e = CC_ERR_INIT;
	int rc = 0;

	for (size_t i = fs->n; i-- > 0;) {
		struct cc_fileset_item *it = &fs->v[i];

		if (!it->installed)
			continue;
		if (restore_one(it, &e) < 0) {
			if (!rc)
				first = e;
			rc = -1;
			cc_freep(&it->prev); /* left on disk for a manual repair */
			continue;
		}
		it->installed = false;
	}
	sync_dirs(fs);
	cc_fileset_commit(fs);
	if (rc < 0)
		return cc_err_set(err, first.code, "%s", first.msg);
	return 0;
}

int cc_fileset_install(struct cc_fileset *fs, struct cc_err *err)
{
	struct cc_err e = CC_ERR_INIT;
	size_t i;

	if (fs->installed)
		CC_BUG("cc_fileset_install twice");
	for (i = 0; i < fs->n; i++) {
		struct cc_fileset_item *it = &fs->v[i];

		if (inspect(it, err) < 0 ||
		    cc_fs_write_temp(it->path, NEW_SUFFIX, it->data.buf, it->data.len, it->mode,
				     it->existed && S_ISREG(it->st.st_mode) ? &it->st : NULL,
				     &it->tmp, err) < 0)
			goto fail;
	}
	for (i = 0; i < fs->n; i++)
		if (keep_previous(&fs->v[i], err) < 0)
			goto fail;
	fs->installed = true;
	for (i = 0; i < fs->n; i++) {
		struct cc_fileset_item *it = &fs->v[i];

		if (rename(it->tmp, it->path) < 0) {
			cc_err_set(err, CC_E_IO, "cannot replace '%s': %s", it->path,
				   strerror(errno));
			goto fail;
		}
		cc_freep(&it->tmp);
		it->installed = true;
	}
	sync_dirs(fs);
	return 0;
fail:
	drop_temps(fs);
	if (cc_fileset_restore(fs, &e) < 0 && err) {
		char first[sizeof(err->msg)];

		memcpy(first, err->msg, sizeof(first));
		cc_err_set(err, err->code, "%.120s; restoring also failed: %.120s", first, e.msg);
	}
	return -1;
}

void cc_fileset_commit(struct cc_fileset *fs)
{
	for (size_t i = 0; i < fs->n; i++) {
		struct cc_fileset_item *it = &fs->v[i];

		if (it->prev)
			unlink(it->prev);
		cc_freep(&it->prev);
		if (it->old.len)
			memset(it->old.buf, 0, it->old.len); /* may be a key */
		cc_buf_release(&it->old);
		it->in_mem = false;
		it->installed = false;
	}
	fs->installed = false;
}

void cc_fileset_release(struct cc_fileset *fs)
{
	cc_fileset_commit(fs);
	drop_temps(fs);
	for (size_t i = 0; i < fs->n; i++) {
		struct cc_fileset_item *it = &fs->v[i];

		if (it->data.len)
			memset(it->data.buf, 0, it->data.len);
		cc_buf_release(&it->data);
		free(it->key);
		free(it->path);
		free(it->dir);
	}
	free(fs->v);
	fs->v = NULL;
	fs->n = 0;
}

char *cc_fileset_list(const struct cc_fileset *fs)
{
	struct cc_buf b = CC_BUF_INIT;

	for (size_t i = 0; i < fs->n; i++)
		cc_buf_addf(&b, "%s%s", i ? ", " : "", fs->v[i].path);
	return cc_buf_detach(&b, NULL);
}
