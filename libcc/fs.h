/* fs.h: directories, whole-file reads, and atomic writes (temp, fsync, rename) */
#ifndef CC_FS_H
#define CC_FS_H

#include <stddef.h>
#include <sys/types.h>

struct cc_buf;
struct cc_err;

/* mkdir -p with mode for every directory it creates */
int cc_fs_mkdirs(const char *path, mode_t mode, struct cc_err *err);
/* reads at most max bytes (0 = no limit); CC_E_TOO_BIG past it */
int cc_fs_read(const char *path, struct cc_buf *out, size_t max, struct cc_err *err);
/* writes path.tmp-XXXXXX with mode, fsyncs it and renames it over path */
int cc_fs_write_atomic(const char *path, const void *data, size_t n, mode_t mode,
		       struct cc_err *err);

#endif
