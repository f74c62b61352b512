/* pipeline.h: one request through the middleware chain, in the documented order:
 * request id → access log → body limit → CORS → authentication → rate limit → handler → audit */
#ifndef CC_PIPELINE_H
#define CC_PIPELINE_H

#include "daemon/api.h"

void api_handle(struct api_req *rq, struct api_resp *rs);
/* the middleware after the handler (audit, access log); api_handle calls it unless the
 * handler deferred its write */
void api_handle_finish(struct api_req *rq, struct api_resp *rs);
void api_req_release(struct api_req *rq);
void api_resp_release(struct api_resp *rs);

/* middleware steps: each returns true when it answered the request itself */
bool api_cors(struct api_req *rq, struct api_resp *rs);
bool api_authenticate(struct api_req *rq, struct api_resp *rs);
bool api_ratelimit_take(struct api_req *rq, struct api_resp *rs);
/* after a 401: spends the client address's bucket, turning the reply into 429 when empty */
void api_ratelimit_charge_failure(struct api_req *rq, struct api_resp *rs);
void api_audit_record(struct api_req *rq, const struct api_resp *rs, int64_t latency_ms);

#endif
