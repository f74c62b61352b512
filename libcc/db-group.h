/* db-group.h: group commit — one writer thread runs the writes of many concurrent callers
 * in one transaction, each under a savepoint of its own, and commits them together.
 *
 * A commit costs the same for one unit of work as for a hundred: on SQLite it copies every
 * page the transaction touched into the WAL (the same index pages again and again for
 * similar rows) and empties every other connection's page cache; on PostgreSQL it waits
 * for the log flush. Callers hand their write to the writer and are told when it is
 * durable, so a server under load commits once per batch instead of once per request. */
#ifndef CC_DB_GROUP_H
#define CC_DB_GROUP_H

#include <stdbool.h>
#include "libcc/err.h"

struct cc_db;
struct cc_dbc;
struct cc_db_group;

struct cc_db_group_item {
	/* the unit of work: runs on the writer thread inside the shared transaction; -1 with
	 * err set rolls back what it wrote (and only that) */
	int (*write)(struct cc_dbc *c, void *ud, struct cc_err *err);
	/* then, once the batch has committed (rc 0) or this unit failed (rc -1, err), on the
	 * writer thread; the item is the caller's again when it is called */
	void (*done)(void *ud, int rc, const struct cc_err *err);
	void *ud;
	/* the writer's */
	struct cc_db_group_item *next;
	int rc;
	struct cc_err err;
};

struct cc_db_group *cc_db_group_start(struct cc_db *db);
/* queues it; never blocks on the database. After cc_db_group_stop has begun, the write
 * runs at once on the calling thread in a transaction of its own */
void cc_db_group_submit(struct cc_db_group *g, struct cc_db_group_item *it);
/* submits and waits for done: for callers that have nothing else to do meanwhile */
int cc_db_group_run(struct cc_db_group *g, int (*write)(struct cc_dbc *, void *, struct cc_err *),
		    void *ud, struct cc_err *err);
/* commits what is queued, then stops the thread */
void cc_db_group_stop(struct cc_db_group *g);
/* batches committed and units written since start (tests, metrics) */
void cc_db_group_counts(struct cc_db_group *g, unsigned long *batches, unsigned long *units);

#endif
