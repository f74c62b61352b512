/* h-bulk-revoke.c: POST /api/v1/certificates/bulk-revoke — a dry run, or a bulk
 * revocation job: small sets finish within the request (200), larger ones are handed to
 * the background worker at once (202) and followed through GET /api/v1/jobs/{id} */
#include <stdio.h>
#include <stdlib.h>
#include "daemon/bulk-revoke.h"
#include "daemon/app.h"
#include "daemon/routes.h"
#include "libcc/db.h"
#include "libcc/log.h"
#include "libcc/time.h"
#include "libcc/banned.h"

#define INLINE_MAX 2000 /* certificates revoked before the response; more go to the worker */
#define INLINE_BUDGET (5 * INT64_C(1000000))

static void start(struct api_req *rq, struct api_resp *rs, struct cc_dbc *c,
		  const struct api_bulk_request *r)
{
	struct cc_err err = CC_ERR_INIT;
	char owner[64], *job = NULL;
	int64_t matched;
	json_t *out = NULL;
	int done = 0;

	snprintf(owner, sizeof(owner), "request-%s", rq->request_id);
	if (api_bulk_create(c, r, rq->actor, rq->actor_type == API_ACTOR_AGENT ? "Agent" : "User",
			    owner, &job, &matched, &err) < 0) {
		api_reply_err(rs, rq, &err);
		return;
	}
	if (matched <= INLINE_MAX) {
		done = api_bulk_run(rq->app, c, job, owner, cc_time_now() + INLINE_BUDGET, &err);
		if (done < 0)
			cc_log_kv(rq->app->log, CC_LOG_ERROR, "bulk revocation left to the worker",
				  "job", job, "error", err.msg, (const char *)NULL);
	}
	if (done != 1) {
		api_bulk_release(c, job, owner, NULL);
		api_bulk_wake(rq->app->bulk);
	}
	cc_err_clear(&err);
	if (api_bulk_status(c, job, &out, &err) < 0)
		api_reply_err(rs, rq, &err);
	else
		api_reply_json(rs, done == 1 ? 200 : 202, out);
	free(job);
}

void h_certificates_bulk_revoke(struct api_req *rq, struct api_resp *rs)
{
	struct api_bulk_request r;
	struct cc_err err = CC_ERR_INIT;
	json_t *body = api_body_json(rq, rs, false), *out = NULL;
	struct cc_dbc *c;

	if (!body)
		return;
	if (api_bulk_parse(body, &r, &err) < 0) {
		api_reply_err(rs, rq, &err);
	} else if ((c = api_db(rq, rs))) {
		if (!r.dry_run)
			start(rq, rs, c, &r);
		else if (api_bulk_preview(c, &r, &out, &err) < 0)
			api_reply_err(rs, rq, &err);
		else
			api_reply_json(rs, 200, out);
	}
	api_bulk_request_release(&r);
}
