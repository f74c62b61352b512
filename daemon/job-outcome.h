/* job-outcome.h: what follows an agent's report on a deployment job */
#ifndef CC_JOB_OUTCOME_H
#define CC_JOB_OUTCOME_H

#include <stdint.h>

struct cc_dbc;
struct cc_err;

/* in the caller's transaction, after the job took status: Completed stamps the
 * certificate's last_deployment_at and tells its owner; Failed retries later (Pending
 * with a backoff) while attempts remain, else tells the owner */
int api_deployment_reported(struct cc_dbc *c, const char *job_id, const char *status,
			    const char *error, int64_t now, struct cc_err *err);

#endif
