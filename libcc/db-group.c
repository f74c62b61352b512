/* db-group.c: the group-commit writer (see db-group.h) */
#include <pthread.h>
#include <stdlib.h>
#include "libcc/db-group.h"
#include "libcc/db.h"
#include "libcc/mem.h"
#include "libcc/banned.h"

/* the most units one transaction carries: a bound on how long the first of them waits */
#define BATCH 128

struct cc_db_group {
	struct cc_db *db;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct cc_db_group_item *head, *tail; /* under mu */
	bool stopping, stopped;		      /* under mu */
	unsigned long batches, units;	      /* under mu */
};

/* every unit's fate: done() is called for each, in order */
static void finish(struct cc_db_group_item *first)
{
	for (struct cc_db_group_item *it = first, *next; it; it = next) {
		next = it->next; /* it belongs to its caller once done() runs */
		it->done(it->ud, it->rc, &it->err);
	}
}

static void fail_all(struct cc_db_group_item *first, const struct cc_err *why)
{
	for (struct cc_db_group_item *it = first; it; it = it->next) {
		if (it->rc == 0) {
			it->rc = -1;
			it->err = *why;
		}
	}
}

/* one transaction for the list; each unit under its own savepoint */
static void write_batch(struct cc_db_group *g, struct cc_db_group_item *first, unsigned long n)
{
	struct cc_err err = CC_ERR_INIT;
	struct cc_dbc *c = cc_db_get(g->db, &err);

	for (struct cc_db_group_item *it = first; it; it = it->next) {
		it->rc = 0;
		it->err = (struct cc_err)CC_ERR_INIT;
	}
	if (!c || cc_db_begin(c, &err) < 0) {
		fail_all(first, &err);
		goto out;
	}
	for (struct cc_db_group_item *it = first; it; it = it->next) {
		if (cc_db_savepoint(c, &it->err) < 0) {
			it->rc = -1;
			continue;
		}
		it->rc = it->write(c, it->ud, &it->err);
		if (!cc_db_savepoint_end(c, it->rc == 0) && it->rc == 0) {
			it->rc = -1;
			cc_err_set(&it->err, CC_E_DB, "the write could not be kept");
		}
	}
	if (cc_db_commit(c, &err) < 0)
		fail_all(first, &err);
	pthread_mutex_lock(&g->mu);
	g->batches++;
	g->units += n;
	pthread_mutex_unlock(&g->mu);
out:
	if (c)
		cc_db_put(g->db, c);
	finish(first);
}

static void *run(void *arg)
{
	struct cc_db_group *g = arg;

	pthread_mutex_lock(&g->mu);
	for (;;) {
		struct cc_db_group_item *first, *last;
		unsigned long n = 1;

		while (!g->head && !g->stopping)
			pthread_cond_wait(&g->cv, &g->mu);
		if (!g->head)
			break;
		/* what came while the last batch was committing goes together */
		first = last = g->head;
		while (last->next && n < BATCH) {
			last = last->next;
			n++;
		}
		g->head = last->next;
		if (!g->head)
			g->tail = NULL;
		last->next = NULL;
		pthread_mutex_unlock(&g->mu);
		write_batch(g, first, n);
		pthread_mutex_lock(&g->mu);
	}
	g->stopped = true;
	pthread_mutex_unlock(&g->mu);
	return NULL;
}

struct cc_db_group *cc_db_group_start(struct cc_db *db)
{
	struct cc_db_group *g = cc_xcalloc(1, sizeof(*g));

	g->db = db;
	pthread_mutex_init(&g->mu, NULL);
	pthread_cond_init(&g->cv, NULL);
	if (pthread_create(&g->thread, NULL, run, g) != 0)
		CC_BUG("cannot start the group-commit writer thread");
	return g;
}

void cc_db_group_submit(struct cc_db_group *g, struct cc_db_group_item *it)
{
	it->next = NULL;
	pthread_mutex_lock(&g->mu);
	if (g->stopped) {
		/* the writer is gone: a transaction of its own, here */
		pthread_mutex_unlock(&g->mu);
		write_batch(g, it, 1);
		return;
	}
	if (g->tail)
		g->tail->next = it;
	else
		g->head = it;
	g->tail = it;
	pthread_cond_signal(&g->cv);
	pthread_mutex_unlock(&g->mu);
}

/* cc_db_group_run's item: the caller's write, and where the caller waits */
struct waiter {
	int (*write)(struct cc_dbc *, void *, struct cc_err *);
	void *ud;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool done;
	int rc;
	struct cc_err err;
};

static int run_write(struct cc_dbc *c, void *ud, struct cc_err *err)
{
	struct waiter *w = ud;

	return w->write(c, w->ud, err);
}

static void wake(void *ud, int rc, const struct cc_err *err)
{
	struct waiter *w = ud;

	pthread_mutex_lock(&w->mu);
	w->rc = rc;
	w->err = *err;
	w->done = true;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

int cc_db_group_run(struct cc_db_group *g, int (*write)(struct cc_dbc *, void *, struct cc_err *),
		    void *ud, struct cc_err *err)
{
	struct waiter w = { .write = write, .ud = ud };
	struct cc_db_group_item it = { .write = run_write, .done = wake, .ud = &w };

	pthread_mutex_init(&w.mu, NULL);
	pthread_cond_init(&w.cv, NULL);
	cc_db_group_submit(g, &it);
	pthread_mutex_lock(&w.mu);
	while (!w.done)
		pthread_cond_wait(&w.cv, &w.mu);
	pthread_mutex_unlock(&w.mu);
	pthread_mutex_destroy(&w.mu);
	pthread_cond_destroy(&w.cv);
	if (w.rc < 0 && err)
		*err = w.err;
	return w.rc;
}

void cc_db_group_stop(struct cc_db_group *g)
{
	if (!g)
		return;
	pthread_mutex_lock(&g->mu);
	g->stopping = true;
	pthread_cond_signal(&g->cv);
	pthread_mutex_unlock(&g->mu);
	pthread_join(g->thread, NULL);
	pthread_mutex_destroy(&g->mu);
	pthread_cond_destroy(&g->cv);
	free(g);
}

void cc_db_group_counts(struct cc_db_group *g, unsigned long *batches, unsigned long *units)
{
	pthread_mutex_lock(&g->mu);
	*batches = g->batches;
	*units = g->units;
	pthread_mutex_unlock(&g->mu);
}
