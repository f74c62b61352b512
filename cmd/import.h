/* import.h: `certctl import` — the certificates found in files and directories
 * (import-read.c), and what became of each (import.c) */
#ifndef CC_CMD_IMPORT_H
#define CC_CMD_IMPORT_H

#include <stddef.h>
#include "libcc/strv.h"

/* one leaf to import, or a file or block that cannot be */
struct imp_item {
	char *source;	    /* the path, "path#N" when the file has several leaves (N: block) */
	char *pem;	    /* leaf + chain to send; NULL for a local result or once sent */
	char *common_name;  /* of the leaf */
	char fp[65];	    /* SHA-256 of the leaf, "" for a local result */
	int chain;	    /* chain certificates sent with the leaf */
	const char *status; /* NULL: to send; "imported", "skipped", "failed", "would_import" */
	char *reason;
	char *cert_id;
};

struct imp_set {
	struct imp_item *v;
	size_t n, alloc;
	size_t files; /* files read */
	size_t certs; /* certificates in them */
};

/* reads every path (a file, a directory walked for *.pem, *.crt, *.cer, *.der, *.cert, or
 * "-" for stdin) into set: one item per leaf with its chain (found in the same file, then
 * among the CA certificates of all files), one failed item per unreadable file or block,
 * duplicates of an earlier leaf skipped */
void imp_read_paths(const struct cc_strv *paths, struct imp_set *set);
void imp_set_release(struct imp_set *set);
/* a local result */
void imp_item_set(struct imp_item *it, const char *status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
