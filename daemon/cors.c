/* cors.c: CORS — deny by default; CERTCTL_CORS_ORIGINS lists origins or "*" */
#include <string.h>
#include "daemon/api.h"
#include "daemon/app.h"
#include "daemon/pipeline.h"
#include "libcc/banned.h"

#define CORS_METHODS "GET, POST, PUT, DELETE, PATCH, OPTIONS"
#define CORS_HEADERS "Content-Type, Authorization, X-Request-ID"

static const char *allowed_origin(const struct api_req *rq)
{
	const struct cc_strv *list = &rq->app->cors_origins;

	if (!rq->origin || !*rq->origin)
		return NULL;
	if (cc_strv_has(list, "*"))
		return "*";
	return cc_strv_has(list, rq->origin) ? rq->origin : NULL;
}

bool api_cors(struct api_req *rq, struct api_resp *rs)
{
	const char *allow = allowed_origin(rq);

	if (allow) {
		api_header(rs, "Access-Control-Allow-Origin", allow);
		if (strcmp(allow, "*"))
			api_header(rs, "Vary", "Origin");
		api_header(rs, "Access-Control-Expose-Headers", "X-Request-ID, Retry-After");
	}
	if (strcmp(rq->method, "OPTIONS"))
		return false;
	if (rq->origin && *rq->origin && !allow) {
		api_reply_error(rs, rq, 403, "origin '%s' is not allowed (CERTCTL_CORS_ORIGINS)",
				rq->origin);
		return true;
	}
	if (allow) {
		api_header(rs, "Access-Control-Allow-Methods", CORS_METHODS);
		api_header(rs, "Access-Control-Allow-Headers", CORS_HEADERS);
		api_header(rs, "Access-Control-Max-Age", "86400");
	}
	api_reply_empty(rs, 204);
	return true;
}
