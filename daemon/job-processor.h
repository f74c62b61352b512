/* job-processor.h: the scheduler's job-processor tick — issuance and renewal jobs signed
 * (server keygen) or handed to agents (agent keygen), agentless deployments dispatched,
 * failed jobs retried with backoff */
#ifndef CC_JOB_PROCESSOR_H
#define CC_JOB_PROCESSOR_H

#include <stdint.h>

struct api_app;
struct cc_dbc;
struct cc_err;

/* the most jobs one pass claims */
#define API_JOB_BATCH 500

/* one pass over the waiting jobs (API_JOB_BATCH at most); returns how many were handled, -1
 * on a database error */
int api_job_processor_tick(struct api_app *app, int64_t now, struct cc_err *err);

/* an issuance or renewal job of the certificate ended without a new version (failed for
 * good, rejected, cancelled): RenewalInProgress goes back to Pending/Expired/Active by its
 * expiry, so that the renewal check tries again later */
int api_job_release_cert(struct cc_dbc *c, const char *cert_id, int64_t now, struct cc_err *err);

#endif
