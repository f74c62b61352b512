/* job.h: jobs (issuance, renewal, deployment, validation), claiming and status transitions */
#ifndef CC_JOB_H
#define CC_JOB_H

#include <stdint.h>
#include <jansson.h>
#include "libcc/db.h"
#include "libcc/entity.h"

struct cc_err;

/* the job type of a bulk revocation (certificate_id NULL; see daemon/bulk-revoke.c) */
#define CC_JOB_BULK_REVOCATION "BulkRevocation"

struct cc_job {
	char *id;
	char *type; /* Issuance | Renewal | Deployment | Validation */
	char *certificate_id;
	char *target_id;
	char *agent_id;
	char *status; /* Pending, AwaitingCSR, AwaitingApproval, Running, Completed, ... */
	int64_t attempts;
	int64_t max_attempts;
	char *last_error;
	json_t *deployment_result; /* never in JSON */
	int64_t scheduled_at;
	int64_t started_at;
	int64_t completed_at;
	int64_t created_at;
	char *verification_status;
	int64_t verified_at;
	char *verification_fingerprint;
	char *verification_error;
	/* bulk revocation jobs: how far the run is, what it was asked and what it did */
	int64_t progress_done;
	int64_t progress_total;
	json_t *payload; /* never in JSON */
	json_t *result;
};

extern const struct cc_entity cc_job_entity;

/* atomically moves the oldest due job (scheduled_at unset or <= now; oldest by scheduled_at,
 * else created_at) in from_status, of
 * type type_or_NULL (NULL: any), to to_status with started_at = now, and fills *out with
 * the updated row; concurrent callers never receive the same job. CC_E_NOTHING when no
 * job is waiting */
int cc_job_claim(struct cc_dbc *c, const char *from_status, const char *to_status,
		 const char *type_or_NULL, int64_t now, struct cc_job *out, struct cc_err *err);
/* sets status and last_error (NULL clears it), only if the current status is
 * expect_status_or_NULL (NULL: any). Completed, Failed and Cancelled set completed_at =
 * now; Running sets started_at = now when unset. CC_E_NOT_FOUND for an unknown id,
 * CC_E_CONFLICT when the current status differs from the expected one */
int cc_job_set_status(struct cc_dbc *c, const char *id, const char *expect_status_or_NULL,
		      const char *status, const char *last_error_or_NULL, int64_t now,
		      struct cc_err *err);

#endif
