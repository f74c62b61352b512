/* deferred.c: a handler's last write handed to the group-commit writer, and the rest of the
 * request (response, audit, access log) finished when it has committed */
#include <stdlib.h>
#include "daemon/api.h"
#include "daemon/app.h"
#include "daemon/pipeline.h"
#include "libcc/db-group.h"
#include "libcc/db.h"
#include "libcc/mem.h"
#include "libcc/banned.h"

struct api_deferred {
	struct cc_db_group_item item;
	api_write_fn write;
	api_done_fn done;
	void *ud;
	struct api_req *rq;
	struct api_resp *rs;
	void (*resume)(void *);
	void *resume_ud;
};

/* without a writer: the write in a transaction of its own on the request's connection */
static void inline_write(struct api_req *rq, struct api_resp *rs, api_write_fn write,
			 api_done_fn done, void *ud)
{
	struct cc_err err = CC_ERR_INIT;
	struct cc_dbc *c = api_db(rq, rs);
	int rc = -1;

	if (!c)
		cc_err_set(&err, CC_E_UNAVAILABLE, "the database is not available");
	else
		rc = cc_db_write_tx(c, write, ud, &err);
	done(rq, rs, ud, rc, &err);
}

void api_defer_write(struct api_req *rq, struct api_resp *rs, api_write_fn write, api_done_fn done,
		     void *ud)
{
	struct api_deferred *d;

	if (!rq->app->group || rq->no_defer) {
		inline_write(rq, rs, write, done, ud);
		return;
	}
	d = cc_xcalloc(1, sizeof(*d));
	d->write = write;
	d->done = done;
	d->ud = ud;
	d->rq = rq;
	rq->deferred = d;
}

static int deferred_write(struct cc_dbc *c, void *ud, struct cc_err *err)
{
	struct api_deferred *d = ud;

	return d->write(c, d->ud, err);
}

/* on the writer's thread, once the batch has committed or this write failed */
static void deferred_done(void *ud, int rc, const struct cc_err *err)
{
	struct api_deferred *d = ud;
	void (*resume)(void *) = d->resume;
	void *resume_ud = d->resume_ud;

	d->done(d->rq, d->rs, d->ud, rc, err);
	if (d->rq->c) { /* what done() borrowed (its failure path records the failure) */
		if (cc_db_in_tx(d->rq->c))
			cc_db_rollback(d->rq->c);
		cc_db_put(d->rq->app->db, d->rq->c);
		d->rq->c = NULL;
	}
	d->rq->deferred = NULL;
	api_handle_finish(d->rq, d->rs);
	free(d);
	resume(resume_ud);
}

void api_deferred_submit(struct api_req *rq, struct api_resp *rs, void (*resume)(void *),
			 void *resume_ud)
{
	struct api_deferred *d = rq->deferred;

	d->rs = rs;
	d->resume = resume;
	d->resume_ud = resume_ud;
	d->item.write = deferred_write;
	d->item.done = deferred_done;
	d->item.ud = d;
	cc_db_group_submit(rq->app->group, &d->item);
}
