/* sqlite-ckpt.c: one background WAL checkpointer per SQLite database (see sqlite-ckpt.h) */
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include "libcc/sqlite-ckpt.h"
#include "libcc/log.h"
#include "libcc/mem.h"
#include "libcc/banned.h"

/* how long a RESTART checkpoint waits for readers to leave the old WAL frames; it holds
 * the write lock meanwhile, so writers wait this long at worst */
#define RESTART_WAIT_MS 100

struct cc_sqlite_ckpt {
	char *path;
	struct cc_log *log;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	pthread_t th;
	bool started, stop;
	atomic_bool wake;    /* a checkpoint is wanted (set by the hooks, cleared by the thread) */
	atomic_bool inline_; /* no thread: the hooks checkpoint themselves, as SQLite would */
	_Atomic uint64_t runs, restarts, inline_restarts;
	atomic_int max_wal;
};

struct cc_sqlite_ckpt *cc_sqlite_ckpt_new(const char *path, struct cc_log *log)
{
	struct cc_sqlite_ckpt *k = cc_xcalloc(1, sizeof(*k));

	k->path = cc_xstrdup(path);
	k->log = log;
	pthread_mutex_init(&k->mu, NULL);
	pthread_cond_init(&k->cv, NULL);
	return k;
}

static void checkpoint(struct cc_sqlite_ckpt *k, sqlite3 *h)
{
	int frames = 0, done = 0;
	int rc = sqlite3_wal_checkpoint_v2(h, NULL, SQLITE_CHECKPOINT_PASSIVE, &frames, &done);

	atomic_fetch_add(&k->runs, 1);
	if (rc != SQLITE_OK && rc != SQLITE_BUSY)
		cc_warn(k->log, "WAL checkpoint of '%s' failed: %s", k->path, sqlite3_errmsg(h));
	if (frames < CC_SQLITE_CKPT_CAP)
		return;
	/* long readers kept the WAL from being rewound: make the next writer start it over */
	rc = sqlite3_wal_checkpoint_v2(h, NULL, SQLITE_CHECKPOINT_RESTART, &frames, &done);
	atomic_fetch_add(&k->restarts, 1);
	if (rc != SQLITE_OK && rc != SQLITE_BUSY)
		cc_warn(k->log, "WAL restart of '%s' failed: %s", k->path, sqlite3_errmsg(h));
}

static void *run(void *ud)
{
	struct cc_sqlite_ckpt *k = ud;
	sqlite3 *h = NULL;

	if (sqlite3_open_v2(k->path, &h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) !=
	    SQLITE_OK) {
		cc_warn(k->log, "WAL checkpointer cannot open '%s': %s; commits checkpoint instead",
			k->path, h ? sqlite3_errmsg(h) : "out of memory");
		atomic_store(&k->inline_, true);
		sqlite3_close(h);
		return NULL;
	}
	sqlite3_busy_timeout(h, RESTART_WAIT_MS);
	/* a connection finds the WAL at its first read: before it, checkpoints do nothing */
	sqlite3_exec(h, "SELECT 1 FROM sqlite_schema LIMIT 1", NULL, NULL, NULL);
	pthread_mutex_lock(&k->mu);
	for (;;) {
		while (!atomic_load(&k->wake) && !k->stop)
			pthread_cond_wait(&k->cv, &k->mu);
		if (k->stop)
			break;
		atomic_store(&k->wake, false);
		pthread_mutex_unlock(&k->mu);
		checkpoint(k, h);
		pthread_mutex_lock(&k->mu);
	}
	pthread_mutex_unlock(&k->mu);
	sqlite3_close(h);
	return NULL;
}

void cc_sqlite_ckpt_free(struct cc_sqlite_ckpt *k)
{
	if (!k)
		return;
	pthread_mutex_lock(&k->mu);
	k->stop = true;
	pthread_cond_signal(&k->cv);
	pthread_mutex_unlock(&k->mu);
	if (k->started)
		pthread_join(k->th, NULL);
	pthread_mutex_destroy(&k->mu);
	pthread_cond_destroy(&k->cv);
	free(k->path);
	free(k);
}

/* after each commit, with the WAL's size in pages: wake the thread (start it the first
 * time); a commit never checkpoints unless the thread could not start */
static int on_wal(void *ud, sqlite3 *h, const char *name, int pages)
{
	struct cc_sqlite_ckpt *k = ud;
	int seen = atomic_load(&k->max_wal);

	while (pages > seen && !atomic_compare_exchange_weak(&k->max_wal, &seen, pages))
		;
	if (pages < CC_SQLITE_CKPT_PAGES)
		return SQLITE_OK;
	if (pages >= CC_SQLITE_CKPT_HARD) {
		/* back pressure: this writer waits for the WAL to start over */
		atomic_fetch_add(&k->inline_restarts, 1);
		sqlite3_wal_checkpoint_v2(h, name, SQLITE_CHECKPOINT_RESTART, NULL, NULL);
		return SQLITE_OK;
	}
	if (atomic_load(&k->inline_)) {
		sqlite3_wal_checkpoint_v2(h, name, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
		return SQLITE_OK;
	}
	if (atomic_load(&k->wake))
		return SQLITE_OK;
	pthread_mutex_lock(&k->mu);
	if (!k->started && !k->stop) {
		if (pthread_create(&k->th, NULL, run, k) == 0)
			k->started = true;
		else
			atomic_store(&k->inline_, true);
	}
	atomic_store(&k->wake, true);
	pthread_cond_signal(&k->cv);
	pthread_mutex_unlock(&k->mu);
	return SQLITE_OK;
}

void cc_sqlite_ckpt_attach(struct cc_sqlite_ckpt *k, sqlite3 *h)
{
	sqlite3_wal_hook(h, on_wal, k);
}

void cc_sqlite_ckpt_get_stats(struct cc_sqlite_ckpt *k, struct cc_sqlite_ckpt_stats *out)
{
	out->runs = atomic_load(&k->runs);
	out->restarts = atomic_load(&k->restarts);
	out->inline_restarts = atomic_load(&k->inline_restarts);
	out->max_wal = atomic_load(&k->max_wal);
}
