/* fs.h: directories, whole-file reads, and atomic writes (temp, fsync, rename) */
#ifndef CC_FS_H
#define CC_FS_H

#include <stddef.h>
#include <sys/types.h>

struct cc_buf;
struct cc_err;
struct stat;

/* mkdir -p with mode for every directory it creates */
int cc_fs_mkdirs(const char *path, mode_t mode, struct cc_err *err);
/* reads at most max bytes (0 = no limit); CC_E_TOO_BIG past it */
int cc_fs_read(const char *path, struct cc_buf *out, size_t max, struct cc_err *err);
/* writes data to a new file path<suffix> (suffix ends in "XXXXXX") with mode and, when owner
 * is not NULL, its uid and gid (best effort: EPERM is ignored); fsyncs and closes it. On
 * success *tmp_out (caller frees) names it; on failure nothing is left behind */
int cc_fs_write_temp(const char *path, const char *suffix, const void *data, size_t n, mode_t mode,
		     const struct stat *owner, char **tmp_out, struct cc_err *err);
/* writes path.tmp-XXXXXX with mode, fsyncs it and renames it over path */
int cc_fs_write_atomic(const char *path, const void *data, size_t n, mode_t mode,
		       struct cc_err *err);

#endif
