/* job-outcome.c: deployment reports become certificate stamps, retries and notifications */
#include <stdlib.h>
#include <string.h>
#include "daemon/job-outcome.h"
#include "libcc/db.h"
#include "libcc/err.h"
#include "libcc/job.h"
#include "libcc/notify.h"
#include "libcc/repo.h"
#include "libcc/banned.h"

#define SEC INT64_C(1000000)
#define RETRY_BASE (60 * SEC)

static const char sql_retry[] =
	"UPDATE jobs SET status = 'Pending', attempts = attempts + 1, scheduled_at = $2, "
	"completed_at = NULL WHERE id = $1";
static const char sql_count_attempt[] = "UPDATE jobs SET attempts = attempts + 1 WHERE id = $1";
static const char sql_deployed[] =
	"UPDATE managed_certificates SET last_deployment_at = $2 WHERE id = $1";

static int tell_owner(struct cc_dbc *c, const struct cc_job *j, const char *type, const char *msg,
		      int64_t now, struct cc_err *err)
{
	char *who = NULL;
	int rc = cc_notify_recipient(c, j->certificate_id, &who, err);

	if (rc == 0)
		rc = cc_notify_create(c, type, j->certificate_id, "Email", who, msg, now, err);
	free(who);
	return rc;
}

int api_deployment_reported(struct cc_dbc *c, const char *job_id, const char *status,
			    const char *error, int64_t now, struct cc_err *err)
{
	struct cc_job j = { 0 };
	char *msg = NULL;
	int rc = -1;

	if (cc_repo_get(c, &cc_job_entity, job_id, &j, err) < 0)
		goto out;
	if (strcmp(j.type, "Deployment") || !j.certificate_id) {
		rc = 0;
		goto out;
	}
	if (!strcmp(status, "Completed")) {
		msg = cc_xasprintf("Certificate %s was deployed to target %s", j.certificate_id,
				   j.target_id ? j.target_id : "");
		rc = cc_db_exec(c, sql_deployed,
				CC_DB_ARGS(CC_DB_TEXT(j.certificate_id), CC_DB_TIME(now)), NULL,
				err) < 0
			     ? -1
			     : tell_owner(c, &j, CC_NOTIFY_DEPLOYMENT_SUCCESS, msg, now, err);
	} else if (!strcmp(status, "Failed")) {
		if (j.attempts + 1 < j.max_attempts) {
			/* 1 min, 2 min, 4 min …: the agent picks it up again when it is due */
			int64_t delay = RETRY_BASE << (j.attempts < 10 ? j.attempts : 10);
			rc = cc_db_exec(c, sql_retry,
					CC_DB_ARGS(CC_DB_TEXT(j.id), CC_DB_TIME(now + delay)), NULL,
					err);
			goto out;
		}
		msg = cc_xasprintf("Deployment of certificate %s to target %s failed: %s",
				   j.certificate_id, j.target_id ? j.target_id : "",
				   error ? error : "no reason given");
		rc = cc_db_exec(c, sql_count_attempt, CC_DB_ARGS(CC_DB_TEXT(j.id)), NULL, err) < 0
			     ? -1
			     : tell_owner(c, &j, CC_NOTIFY_DEPLOYMENT_FAILURE, msg, now, err);
	} else {
		rc = 0;
	}
out:
	free(msg);
	cc_obj_release(&cc_job_entity, &j);
	return rc;
}
