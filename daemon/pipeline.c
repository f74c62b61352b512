/* pipeline.c: the middleware chain around every handler */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "daemon/pipeline.h"
#include "daemon/app.h"
#include "daemon/routes.h"
#include "libcc/db.h"
#include "libcc/hash.h"
#include "libcc/log.h"
#include "libcc/time.h"
#include "libcc/banned.h"

/* X-Request-ID: kept when the client sent a sane one, generated otherwise */
static void request_id(struct api_req *rq, struct api_resp *rs)
{
	const char *in = rq->request_id_in;
	size_t n = in ? strlen(in) : 0;

	if (n && n < sizeof(rq->request_id) &&
	    strspn(in, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.:") == n) {
		memcpy(rq->request_id, in, n + 1);
	} else {
		char hex[33];
		if (cc_random_hex(16, hex) < 0)
			CC_BUG("no randomness");
		snprintf(rq->request_id, sizeof(rq->request_id), "%.8s-%.4s-%.4s-%.4s-%.12s", hex,
			 hex + 8, hex + 12, hex + 16, hex + 20);
	}
	api_header(rs, "X-Request-ID", rq->request_id);
}

static void access_log(struct api_req *rq, const struct api_resp *rs, int64_t latency_ms)
{
	char status[8], bytes[24], lat[24];

	if (!cc_log_enabled(rq->app->log, CC_LOG_INFO))
		return;
	snprintf(status, sizeof(status), "%d", rs->status);
	snprintf(bytes, sizeof(bytes), "%zu", rs->body.len);
	snprintf(lat, sizeof(lat), "%lld", (long long)latency_ms);
	cc_log_kv(rq->app->log, CC_LOG_INFO, "request", "req", rq->request_id, "method",
		  rq->head ? "HEAD" : rq->method, "path", rq->path, "status", status, "bytes",
		  bytes, "latency_ms", lat, "client", rq->client_ip, "actor", rq->actor,
		  (const char *)NULL);
}

static void route(struct api_req *rq, struct api_resp *rs)
{
	char allow[64];

	switch (api_route_match(rq, allow, sizeof(allow))) {
	case API_MATCH_OK:
		break;
	case API_MATCH_METHOD:
		api_header(rs, "Allow", allow);
		api_reply_error(rs, rq, 405, "%s is not allowed on %s (allowed: %s)", rq->method,
				rq->path, allow);
		return;
	default:
		api_reply_error(rs, rq, 404, "no route for %s %s", rq->method, rq->path);
		return;
	}
	if (!(rq->route->flags & R_PUBLIC) && api_authenticate(rq, rs)) {
		if (rs->status == 401)
			api_ratelimit_charge_failure(rq, rs);
		return;
	}
	/* health probes are never throttled: a load balancer must not see a busy server as down */
	if (!(rq->route->flags & R_NOLIMIT) && api_ratelimit_take(rq, rs))
		return;
	rq->route->fn(rq, rs);
}

void api_handle(struct api_req *rq, struct api_resp *rs)
{
	rq->start_ms = cc_time_mono_ms();
	snprintf(rq->actor, sizeof(rq->actor), "anonymous");
	rs->status = 500;
	request_id(rq, rs);
	if (rq->app->starting) {
		rq->refused_starting = true;
		api_header(rs, "Retry-After", "1");
		api_reply_error(rs, rq, 503, "certctl serve is starting; retry in a moment");
	} else if (rq->body_too_big) {
		api_reply_error(rs, rq, 413,
				"request body larger than %zu bytes (CERTCTL_MAX_BODY_SIZE)",
				rq->app->max_body);
	} else if (!api_cors(rq, rs)) {
		route(rq, rs);
	}
	if (rq->c) {
		/* a handler that left a transaction open failed half-way: undo it */
		if (cc_db_in_tx(rq->c))
			cc_db_rollback(rq->c);
		cc_db_put(rq->app->db, rq->c);
		rq->c = NULL;
	}
	if (!rq->deferred) /* otherwise once its write is done (deferred.c) */
		api_handle_finish(rq, rs);
}

void api_handle_finish(struct api_req *rq, struct api_resp *rs)
{
	int64_t latency = cc_time_mono_ms() - rq->start_ms;

	/* a refusal while starting is not an API call; there is no route to judge it by */
	if (!rq->refused_starting && (!rq->route || !(rq->route->flags & R_NOAUDIT)))
		api_audit_record(rq, rs, latency);
	access_log(rq, rs, latency);
}

void api_req_release(struct api_req *rq)
{
	free(rq->path);
	for (int i = 0; i < rq->nparams; i++)
		free(rq->params[i]);
	for (int i = 0; i < rq->nquery; i++) {
		free(rq->query[i].k);
		free(rq->query[i].v);
	}
	cc_buf_release(&rq->body);
}

void api_resp_release(struct api_resp *rs)
{
	for (int i = 0; i < rs->nheaders; i++) {
		free(rs->headers[i].k);
		free(rs->headers[i].v);
	}
	cc_buf_release(&rs->body);
}
