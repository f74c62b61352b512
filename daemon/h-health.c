/* h-health.c: liveness, readiness and the auth probes */
#include <string.h>
#include "daemon/api.h"
#include "daemon/app.h"
#include "daemon/auth.h"
#include "daemon/pipeline.h"
#include "daemon/routes.h"
#include "libcc/db.h"
#include "libcc/log.h"
#include "libcc/banned.h"

void h_health(struct api_req *rq, struct api_resp *rs)
{
	(void)rq;
	api_reply_status(rs, 200, "status", "healthy");
}

void h_ready(struct api_req *rq, struct api_resp *rs)
{
	struct cc_err err = CC_ERR_INIT;

	if (cc_db_ping(rq->app->db, &err) < 0) {
		cc_warn(rq->app->log, "not ready: %s", err.msg);
		api_reply_json(rs, 503,
			       json_pack("{s:s, s:s}", "status", "not ready", "message",
					 "database unavailable"));
		return;
	}
	api_reply_status(rs, 200, "status", "ready");
}

void h_auth_info(struct api_req *rq, struct api_resp *rs)
{
	const char *type = api_auth_type(rq->app->auth);

	api_reply_json(
		rs, 200,
		json_pack("{s:s, s:b}", "auth_type", type, "required", strcmp(type, "none") != 0));
}

void h_auth_check(struct api_req *rq, struct api_resp *rs)
{
	/* public route that performs the check itself: 401 for a missing or wrong key */
	if (api_authenticate(rq, rs))
		return;
	api_reply_json(rs, 200,
		       json_pack("{s:s, s:s, s:s}", "status", "authenticated", "actor", rq->actor,
				 "role", rq->actor_type == API_ACTOR_AGENT ? "agent" : "admin"));
}
