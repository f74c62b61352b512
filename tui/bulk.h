/* bulk.h: the bulk revocation modal's view model — the request body, the server's answer
 * (dry run, finished, or a job to follow) and the job's progress, from JSON */
#ifndef TUI_BULK_H
#define TUI_BULK_H

#include <stdbool.h>
#include <jansson.h>
#include "libcc/strv.h"

/* RFC 5280 reason names, "unspecified" first */
extern const char tui_revoke_reasons[];

struct tui_bulk {
	long long matched, revoked, skipped, failed, not_found;
	long long would_revoke, would_skip; /* dry run */
	long long done, total;		    /* progress of the job */
	char job_id[96];
	char status[32]; /* the job's: Pending, Running, Completed, Failed */
	char error[200]; /* the first per-certificate error */
	bool finished;
};

/* {reason, <criteria>, certificate_ids?, dry_run}; empty criteria are left out (new ref) */
json_t *tui_bulk_body(const json_t *form, const struct cc_strv *ids, bool dry_run);
/* true when the body names at least one criterion */
bool tui_bulk_has_criteria(const json_t *body);
/* reads a bulk-revoke reply (200: finished or dry run, 202: running) */
void tui_bulk_reply(struct tui_bulk *b, long status, const json_t *reply);
/* reads GET /api/v1/jobs/{id}: progress, status, and the result once finished */
void tui_bulk_job(struct tui_bulk *b, const json_t *job);

#endif
