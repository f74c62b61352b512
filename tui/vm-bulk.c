/* vm-bulk.c: bulk revocation requests and answers as plain data */
#include <stdio.h>
#include <string.h>
#include "tui/bulk.h"
#include "tui/vm.h"
#include "libcc/banned.h"

const char tui_revoke_reasons[] = "unspecified|keyCompromise|caCompromise|affiliationChanged|"
				  "superseded|cessationOfOperation|certificateHold|"
				  "privilegeWithdrawn";

static const char *const criteria[] = { "profile_id", "owner_id", "agent_id",
					"issuer_id",  "team_id",  NULL };

json_t *tui_bulk_body(const json_t *form, const struct cc_strv *ids, bool dry_run)
{
	json_t *b = json_object();
	const char *reason = tui_jstr(form, "reason");

	if (reason && *reason)
		json_object_set_new(b, "reason", json_string(reason));
	for (int i = 0; criteria[i]; i++) {
		const char *v = tui_jstr(form, criteria[i]);
		if (v && *v)
			json_object_set_new(b, criteria[i], json_string(v));
	}
	if (ids && ids->n) {
		json_t *a = json_array();
		for (size_t i = 0; i < ids->n; i++)
			json_array_append_new(a, json_string(ids->v[i]));
		json_object_set_new(b, "certificate_ids", a);
	}
	json_object_set_new(b, "dry_run", json_boolean(dry_run));
	return b;
}

bool tui_bulk_has_criteria(const json_t *body)
{
	for (int i = 0; criteria[i]; i++)
		if (tui_jstr(body, criteria[i]))
			return true;
	return json_array_size(json_object_get(body, "certificate_ids")) > 0;
}

static long long count(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);

	if (json_is_array(v))
		return (long long)json_array_size(v);
	return tui_jint(o, key, 0);
}

static void totals(struct tui_bulk *b, const json_t *o)
{
	const json_t *errs = json_object_get(o, "errors"), *e0 = json_array_get(errs, 0);

	b->matched = tui_jint(o, "total_matched", b->matched);
	b->revoked = tui_jint(o, "total_revoked", b->revoked);
	b->skipped = tui_jint(o, "total_skipped", b->skipped);
	b->failed = tui_jint(o, "total_failed", b->failed);
	if (json_object_get(o, "not_found"))
		b->not_found = count(o, "not_found");
	if (e0)
		snprintf(b->error, sizeof(b->error), "%s: %s",
			 tui_jstr(e0, "certificate_id") ? tui_jstr(e0, "certificate_id") : "?",
			 tui_jstr(e0, "error") ? tui_jstr(e0, "error") : "failed");
}

void tui_bulk_reply(struct tui_bulk *b, long status, const json_t *r)
{
	const char *job = tui_jstr(r, "job_id"), *st = tui_jstr(r, "status");

	totals(b, r);
	if (json_object_get(r, "would_revoke"))
		b->would_revoke = count(r, "would_revoke");
	else
		b->would_revoke = tui_jint(r, "affected_count", b->matched - b->skipped);
	b->would_skip = json_object_get(r, "would_skip") ? count(r, "would_skip") : b->skipped;
	if (job)
		snprintf(b->job_id, sizeof(b->job_id), "%s", job);
	if (st)
		snprintf(b->status, sizeof(b->status), "%s", st);
	b->total = tui_jint(r, "affected_count", b->matched);
	b->done = b->revoked + b->failed;
	b->finished = status == 200 && (!st || strcmp(st, "Running") != 0) &&
		      strcmp(b->status, "Pending") != 0;
}

void tui_bulk_job(struct tui_bulk *b, const json_t *job)
{
	const char *st = tui_jstr(job, "status");
	const json_t *res = json_object_get(job, "result");

	if (st)
		snprintf(b->status, sizeof(b->status), "%s", st);
	b->done = tui_jint(job, "progress.done", b->done);
	b->total = tui_jint(job, "progress.total", b->total);
	if (json_is_object(res))
		totals(b, res);
	b->finished = st && (!strcmp(st, "Completed") || !strcmp(st, "Failed") ||
			     !strcmp(st, "Cancelled"));
}
