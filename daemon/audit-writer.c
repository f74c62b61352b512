/* audit-writer.c: a bounded queue of API audit events and the thread that stores them in
 * batches; when the queue is full an event is dropped and counted, never waited for */
#include <errno.h>
#include <pthread.h>
#include <time.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "daemon/audit-writer.h"
#include "daemon/api.h"
#include "daemon/app.h"
#include "daemon/pipeline.h"
#include "libcc/db.h"
#include "libcc/hash.h"
#include "libcc/id.h"
#include "libcc/log.h"
#include "libcc/time.h"
#include "libcc/banned.h"

/* 4 MB of slots, touched only when used: a few seconds of 20k requests/s while the
 * writer waits behind another writer */
#define QUEUE_CAP 65536
#define BATCH 256
/* a lone event waits this long for company: one commit per batch keeps the readers'
 * SQLite page caches warm (every commit by another connection empties them) */
#define LINGER_MS 250
#define RETRY_S 1 /* while the database is away */

struct event {
	char *id, *actor, *action, *path, *details;
	const char *actor_type;
	int64_t at;
};

struct api_audit {
	struct cc_db *db;
	struct cc_log *log;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv, idle;
	struct event q[QUEUE_CAP];
	size_t head, len;
	bool stopping, busy;
	int hurry;    /* flushes waiting: no lingering */
	bool db_down; /* the last write found no database (writer thread only) */
	atomic_uint_fast64_t dropped;
};

static void event_free(struct event *e)
{
	free(e->id);
	free(e->actor);
	free(e->action);
	free(e->path);
	free(e->details);
}

/* true when written; false when the database could not be reached (the caller keeps the
 * events for another try). Events refused for any other reason are dropped and logged */
static bool write_batch(struct api_audit *a, struct event *ev, size_t n)
{
	struct cc_err err = CC_ERR_INIT;
	struct cc_dbc *c = cc_db_get(a->db, &err);
	size_t i = 0;

	if (c && cc_db_begin(c, &err) == 0) {
		for (; i < n; i++) {
			if (cc_db_exec(c,
				       "INSERT INTO audit_events (id, actor, actor_type, action, "
				       "resource_type, resource_id, details, timestamp) VALUES "
				       "($1, $2, $3, $4, 'api', $5, $6, $7)",
				       CC_DB_ARGS(CC_DB_TEXT(ev[i].id), CC_DB_TEXT(ev[i].actor),
						  CC_DB_TEXT(ev[i].actor_type),
						  CC_DB_TEXT(ev[i].action), CC_DB_TEXT(ev[i].path),
						  CC_DB_JSON(ev[i].details), CC_DB_TIME(ev[i].at)),
				       NULL, &err) < 0)
				break;
		}
		if (i < n)
			cc_db_rollback(c);
		else if (cc_db_commit(c, &err) < 0)
			i = 0;
	}
	if (c)
		cc_db_put(a->db, c);
	if ((i < n || err.code != CC_E_OK) &&
	    (err.code == CC_E_UNAVAILABLE || err.code == CC_E_RETRY) && !a->stopping && !a->hurry) {
		if (!a->db_down)
			cc_warn(a->log, "API audit events wait for the database: %s", err.msg);
		a->db_down = true;
		return false;
	}
	if (i < n || err.code != CC_E_OK)
		cc_warn(a->log, "could not record %zu API audit events: %s", n, err.msg);
	else if (a->db_down)
		cc_info(a->log, "API audit events are recorded again");
	a->db_down = false;
	for (i = 0; i < n; i++)
		event_free(&ev[i]);
	return true;
}

/* with a->mu held: the unwritten batch goes back to the front of the queue, as much of it
 * as fits; the rest is dropped and counted */
static void requeue(struct api_audit *a, struct event *ev, size_t n)
{
	size_t room = QUEUE_CAP - a->len, keep = n < room ? n : room;

	for (size_t i = keep; i < n; i++)
		event_free(&ev[i]);
	atomic_fetch_add(&a->dropped, n - keep);
	for (size_t i = keep; i-- > 0;) {
		a->head = (a->head + QUEUE_CAP - 1) % QUEUE_CAP;
		a->q[a->head] = ev[i];
	}
	a->len += keep;
}

/* with a->mu held: a second before the next try, unless the writer is told to stop */
static void pause_retry(struct api_audit *a)
{
	struct timespec until;

	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += RETRY_S;
	while (!a->stopping)
		if (pthread_cond_timedwait(&a->cv, &a->mu, &until) == ETIMEDOUT)
			break;
}

/* called with a->mu held and events queued */
static void linger(struct api_audit *a)
{
	struct timespec until;

	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_nsec += LINGER_MS * 1000000L;
	until.tv_sec += until.tv_nsec / 1000000000L;
	until.tv_nsec %= 1000000000L;
	while (a->len < BATCH && !a->stopping && !a->hurry)
		if (pthread_cond_timedwait(&a->cv, &a->mu, &until) == ETIMEDOUT)
			break;
}

static void *run(void *arg)
{
	struct api_audit *a = arg;
	struct event *batch = cc_xcalloc(BATCH, sizeof(*batch));

	pthread_mutex_lock(&a->mu);
	for (;;) {
		while (!a->len && !a->stopping) {
			a->busy = false;
			pthread_cond_broadcast(&a->idle);
			pthread_cond_wait(&a->cv, &a->mu);
		}
		if (!a->len && a->stopping)
			break;
		linger(a);
		size_t n = 0;
		while (a->len && n < BATCH) {
			batch[n++] = a->q[a->head];
			a->head = (a->head + 1) % QUEUE_CAP;
			a->len--;
		}
		a->busy = true;
		pthread_mutex_unlock(&a->mu);
		bool ok = write_batch(a, batch, n);
		pthread_mutex_lock(&a->mu);
		if (!ok) {
			requeue(a, batch, n);
			pause_retry(a);
		}
	}
	a->busy = false;
	pthread_cond_broadcast(&a->idle);
	pthread_mutex_unlock(&a->mu);
	free(batch);
	return NULL;
}

struct api_audit *api_audit_start(struct cc_db *db, struct cc_log *log)
{
	struct api_audit *a = cc_xcalloc(1, sizeof(*a));
	pthread_condattr_t ca;

	a->db = db;
	a->log = log;
	pthread_mutex_init(&a->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&a->cv, &ca);
	pthread_condattr_destroy(&ca);
	pthread_cond_init(&a->idle, NULL);
	if (pthread_create(&a->thread, NULL, run, a) != 0)
		CC_BUG("cannot start the audit writer thread");
	return a;
}

void api_audit_flush(struct api_audit *a)
{
	pthread_mutex_lock(&a->mu);
	a->hurry++;
	pthread_cond_signal(&a->cv);
	while (a->len || a->busy)
		pthread_cond_wait(&a->idle, &a->mu);
	a->hurry--;
	pthread_mutex_unlock(&a->mu);
}

void api_audit_stop(struct api_audit *a)
{
	if (!a)
		return;
	pthread_mutex_lock(&a->mu);
	a->stopping = true;
	pthread_cond_signal(&a->cv);
	pthread_mutex_unlock(&a->mu);
	pthread_join(a->thread, NULL);
	pthread_mutex_destroy(&a->mu);
	pthread_cond_destroy(&a->cv);
	pthread_cond_destroy(&a->idle);
	free(a);
}

uint64_t api_audit_dropped(const struct api_audit *a)
{
	return atomic_load(&((struct api_audit *)a)->dropped);
}

void api_audit_record(struct api_req *rq, const struct api_resp *rs, int64_t latency_ms)
{
	struct api_audit *a = rq->app->audit;
	char hash[CC_SHA256_HEX] = "", method[16];
	struct event e;
	json_t *d;

	if (!a)
		return;
	if (rq->body.len)
		cc_sha256_hex(rq->body.buf, rq->body.len, hash);
	hash[16] = '\0';
	snprintf(method, sizeof(method), "%s", rq->head ? "HEAD" : rq->method);
	d = json_pack("{s:s, s:s, s:s, s:i, s:I}", "method", method, "path", rq->path, "body_hash",
		      hash, "status", rs->status, "latency_ms", (json_int_t)latency_ms);
	e.details = json_dumps(d, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(d);
	for (char *p = method; *p; p++)
		*p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
	e.id = cc_id_new("audit");
	e.actor = cc_xstrdup(rq->actor);
	e.actor_type = rq->actor_type == API_ACTOR_AGENT ? "Agent" : "User";
	e.action = cc_xasprintf("api_%s", method);
	e.path = cc_xstrdup(rq->path);
	e.at = cc_time_now();
	pthread_mutex_lock(&a->mu);
	if (a->len == QUEUE_CAP) {
		pthread_mutex_unlock(&a->mu);
		atomic_fetch_add(&a->dropped, 1);
		event_free(&e);
		return;
	}
	a->q[(a->head + a->len) % QUEUE_CAP] = e;
	a->len++;
	if (a->len == 1 || a->len == BATCH) /* wake it from idle, or end its lingering */
		pthread_cond_signal(&a->cv);
	pthread_mutex_unlock(&a->mu);
}
