/* bulk-worker.c: the thread that runs bulk revocation jobs in the background — those
 * too large to finish within their request, and those a crashed server left behind */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include "daemon/bulk-revoke.h"
#include "daemon/app.h"
#include "libcc/db.h"
#include "libcc/err.h"
#include "libcc/hash.h"
#include "libcc/log.h"
#include "libcc/mem.h"
#include "libcc/time.h"
#include "libcc/banned.h"

#define SEC INT64_C(1000000)
#define SLICE (2 * SEC) /* between looks at the stop flag */
#define POLL_SECONDS 2	/* leftovers of a dead runner are looked for this often */

struct api_bulk {
	struct api_app *app;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool wake;
	atomic_bool stop;
	char owner[48];
};

/* runs one claimed job to its end, or hands it back when stopping */
static int run_job(struct api_app *app, struct cc_dbc *c, const char *job_id, const char *owner,
		   const atomic_bool *stop, struct cc_err *err)
{
	int rc;

	do
		rc = api_bulk_run(app, c, job_id, owner, cc_time_now() + SLICE, err);
	while (rc == 0 && !(stop && atomic_load(stop)));
	if (rc == 0)
		api_bulk_release(c, job_id, owner, NULL);
	return rc;
}

static int work(struct api_app *app, const char *owner, int64_t deadline, const atomic_bool *stop,
		struct cc_err *err)
{
	struct cc_dbc *c = cc_db_get(app->db, err);
	int done = 0;

	if (!c)
		return -1;
	while (!(stop && atomic_load(stop)) && (!deadline || cc_time_now() < deadline)) {
		char *job = NULL;
		int rc;

		if (api_bulk_claim(c, owner, cc_time_now(), &job, err) < 0) {
			if (err->code == CC_E_NOTHING) {
				cc_err_clear(err);
				break;
			}
			done = -1;
			break;
		}
		rc = run_job(app, c, job, owner, stop, err);
		if (rc < 0)
			cc_log_kv(app->log, CC_LOG_ERROR, "bulk revocation stopped", "job", job,
				  "error", err->msg, (const char *)NULL);
		else if (rc == 1)
			done++;
		free(job);
		if (rc < 0) {
			done = -1;
			break;
		}
	}
	cc_db_put(app->db, c);
	return done;
}

int api_bulk_work(struct api_app *app, const char *owner, int64_t deadline, struct cc_err *err)
{
	return work(app, owner, deadline, NULL, err);
}

static void *loop(void *arg)
{
	struct api_bulk *b = arg;

	while (!atomic_load(&b->stop)) {
		struct cc_err err = CC_ERR_INIT;
		struct timespec ts;

		work(b->app, b->owner, 0, &b->stop, &err);
		pthread_mutex_lock(&b->mu);
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += POLL_SECONDS;
		while (!b->wake && !atomic_load(&b->stop))
			if (pthread_cond_timedwait(&b->cv, &b->mu, &ts))
				break;
		b->wake = false;
		pthread_mutex_unlock(&b->mu);
	}
	return NULL;
}

struct api_bulk *api_bulk_start(struct api_app *app)
{
	struct api_bulk *b = cc_xcalloc(1, sizeof(*b));
	char hex[17];

	b->app = app;
	pthread_mutex_init(&b->mu, NULL);
	pthread_cond_init(&b->cv, NULL);
	if (cc_random_hex(8, hex) < 0)
		CC_BUG("no randomness");
	memcpy(b->owner, "bulk-", 5);
	memcpy(b->owner + 5, hex, sizeof(hex));
	if (pthread_create(&b->thread, NULL, loop, b))
		CC_BUG("cannot start the bulk revocation thread");
	return b;
}

void api_bulk_wake(struct api_bulk *b)
{
	if (!b)
		return;
	pthread_mutex_lock(&b->mu);
	b->wake = true;
	pthread_cond_signal(&b->cv);
	pthread_mutex_unlock(&b->mu);
}

void api_bulk_stop(struct api_bulk *b)
{
	if (!b)
		return;
	atomic_store(&b->stop, true);
	api_bulk_wake(b);
	pthread_join(b->thread, NULL);
	pthread_cond_destroy(&b->cv);
	pthread_mutex_destroy(&b->mu);
	free(b);
}
