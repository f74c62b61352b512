/* bulk-revoke.h: revoking every certificate that matches some criteria, as a job that
 * survives a crash. The matching certificates are listed as items when the job is
 * created; batches then revoke them through the single-revocation path, each batch one
 * transaction that also advances the items and the job's progress. */
#ifndef CC_BULK_REVOKE_H
#define CC_BULK_REVOKE_H

#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>
#include "libcc/strv.h"

struct api_app;
struct api_bulk;
struct cc_dbc;
struct cc_err;

/* a runner renews its lease with every batch; a job whose lease ran out is taken over */
#define API_BULK_LEASE (10 * INT64_C(1000000))

struct api_bulk_request {
	char reason[32];
	const char *profile_id, *owner_id, *agent_id, *issuer_id, *team_id; /* NULL: unset */
	struct cc_strv ids; /* certificate_ids, without duplicates */
	bool has_ids;
	bool dry_run;
	json_t *body; /* owns the strings above */
};

/* validates the request body (takes a reference): 400-worthy CC_E_INVALID messages for a
 * wrong type, an unknown reason or field, or no criterion at all */
int api_bulk_parse(json_t *body, struct api_bulk_request *r, struct cc_err *err);
void api_bulk_request_release(struct api_bulk_request *r);
/* the criteria as the response and audit show them */
json_t *api_bulk_criteria(const struct api_bulk_request *r);

/* the dry run: {"total_matched", "would_revoke": [...], "would_skip": [...],
 * "not_found": [...]} — nothing is written */
int api_bulk_preview(struct cc_dbc *c, const struct api_bulk_request *r, json_t **out,
		     struct cc_err *err);
/* creates the job (Running, leased to owner) with its items, in one transaction;
 * *matched = number of items */
int api_bulk_create(struct cc_dbc *c, const struct api_bulk_request *r, const char *actor,
		    const char *actor_type, const char *owner, char **job_id, int64_t *matched,
		    struct cc_err *err);

/* runs job batches until the job ends (1), the deadline passes (0; the job stays leased,
 * until api_bulk_release or the lease runs out) or it fails (-1) */
int api_bulk_run(struct api_app *app, struct cc_dbc *c, const char *job_id, const char *owner,
		 int64_t deadline, struct cc_err *err);
/* hands a job back (Pending, unleased) so that the worker takes it at once */
int api_bulk_release(struct cc_dbc *c, const char *job_id, const char *owner, struct cc_err *err);
/* leases the oldest Pending job, or a Running one whose lease ran out (its runner died);
 * CC_E_NOTHING when there is none */
int api_bulk_claim(struct cc_dbc *c, const char *owner, int64_t now, char **job_id,
		   struct cc_err *err);
/* the response body of the job: {job_id, criteria, affected_count, status, totals…} */
int api_bulk_status(struct cc_dbc *c, const char *job_id, json_t **out, struct cc_err *err);

/* the background worker: resumes leftover jobs and takes over long ones */
struct api_bulk *api_bulk_start(struct api_app *app);
void api_bulk_wake(struct api_bulk *b);
void api_bulk_stop(struct api_bulk *b);
/* one pass of the worker's work (tests without the thread): jobs finished */
int api_bulk_work(struct api_app *app, const char *owner, int64_t deadline, struct cc_err *err);

#endif
