/* job-processor.h: the scheduler's job-processor tick — issuance and renewal jobs signed
 * (server keygen) or handed to agents (agent keygen), agentless deployments dispatched,
 * failed jobs retried with backoff */
#ifndef CC_JOB_PROCESSOR_H
#define CC_JOB_PROCESSOR_H

#include <stdint.h>

struct api_app;
struct cc_err;

/* one pass over the waiting jobs; returns how many were handled, -1 on a database error */
int api_job_processor_tick(struct api_app *app, int64_t now, struct cc_err *err);

#endif
