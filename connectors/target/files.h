/* files.h: deploy a set of files together, keeping the previous versions for a rollback.
 *
 * cc_fileset_install() writes each file to "<path>.certctl-new-XXXXXX" in its own
 * directory (mode set before any byte is written, fsync), keeps each existing file as a hard
 * link "<path>.certctl-prev" (or, when the file system refuses the link, a copy in memory of
 * content, mode and owner), then renames every file into place and fsyncs the directories.
 * A new file takes the owner and group of the file it replaces when the process may chown.
 * Missing directories are an error naming them; nothing is created but the files.
 *
 * After install: cc_fileset_restore() puts back the previous files exactly (the same inode
 * when linked) and removes the files that did not exist; cc_fileset_commit() drops the kept
 * versions. A symlink at a path is replaced by a regular file (and restored as the link). */
#ifndef CC_TARGET_FILES_H
#define CC_TARGET_FILES_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct cc_err;
struct cc_fileset_item;

struct cc_fileset {
	struct cc_fileset_item *v;
	size_t n;
	bool installed; /* between install and commit/restore */
};

#define CC_FILESET_INIT                                                                            \
	{                                                                                          \
		NULL, 0, false                                                                     \
	}

/* previous versions held in memory are read up to this size */
#define CC_FILESET_PREV_MAX (1u << 20)

/* adds a file (data is copied); key is the config key that named it, for messages.
 * The same path twice is CC_E_INVALID naming both keys. */
int cc_fileset_add(struct cc_fileset *fs, const char *key, const char *path, const void *data,
		   size_t len, mode_t mode, struct cc_err *err);
/* all files or none: on failure every file is as before */
int cc_fileset_install(struct cc_fileset *fs, struct cc_err *err);
/* back to the state before install; continues past errors and reports the first */
int cc_fileset_restore(struct cc_fileset *fs, struct cc_err *err);
/* keeps the new files and removes the kept previous versions */
void cc_fileset_commit(struct cc_fileset *fs);
/* commits an installed set, then frees everything */
void cc_fileset_release(struct cc_fileset *fs);
/* "dir/name" with one '/' */
char *cc_fileset_join(const char *dir, const char *name);
/* the paths written, "a, b, c" (caller frees) */
char *cc_fileset_list(const struct cc_fileset *fs);

#endif
