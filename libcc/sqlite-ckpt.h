/* sqlite-ckpt.h: WAL checkpoints in a background thread, off the committing request's path.
 *
 * SQLite's wal_autocheckpoint makes the connection that commits past 1,000 WAL pages run
 * the checkpoint (copy the WAL into the database, sync both) before its call returns: a
 * request paid for it. Here every connection of a pool gets a WAL hook that only wakes one
 * checkpointer thread per database; the thread runs PASSIVE checkpoints on its own
 * connection (never blocking readers or writers), and a RESTART one, with a short wait,
 * when the WAL grows past CC_SQLITE_CKPT_CAP pages anyway. The thread starts at the first
 * wake-up, so short-lived commands never start one. */
#ifndef CC_SQLITE_CKPT_H
#define CC_SQLITE_CKPT_H

#include <stdint.h>
#include <sqlite3.h>

struct cc_log;

/* WAL pages that wake the checkpointer; the size past which it insists (RESTART: the
 * writers that keep appending never let a PASSIVE one reach the end of the WAL, and only
 * then does the next writer start the WAL over); the size past which a committing
 * connection restarts the WAL itself, when writers outrun the thread */
#define CC_SQLITE_CKPT_PAGES 4000
#define CC_SQLITE_CKPT_CAP 12000
#define CC_SQLITE_CKPT_HARD 32000

struct cc_sqlite_ckpt;

struct cc_sqlite_ckpt_stats {
	uint64_t runs;		  /* checkpoints run */
	uint64_t restarts;	  /* RESTART ones (the WAL past the cap) */
	uint64_t inline_restarts; /* by a committing connection (past CC_SQLITE_CKPT_HARD) */
	int max_wal;		  /* largest WAL seen by a commit, in pages */
};

struct cc_sqlite_ckpt *cc_sqlite_ckpt_new(const char *path, struct cc_log *log);
/* stops and joins the thread (which closes its connection) */
void cc_sqlite_ckpt_free(struct cc_sqlite_ckpt *k);
/* installs the WAL hook on a connection of the pool (replaces autocheckpoint) */
void cc_sqlite_ckpt_attach(struct cc_sqlite_ckpt *k, sqlite3 *h);
void cc_sqlite_ckpt_get_stats(struct cc_sqlite_ckpt *k, struct cc_sqlite_ckpt_stats *out);

#endif
