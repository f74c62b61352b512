/* revoke.c: `certctl certs revoke` and `certctl certs bulk-revoke` (a dry run, confirmation
 * on a terminal, then the revocation job followed to its end with a progress bar) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "cmd/cli.h"
#include "cmd/progress.h"
#include "libcc/err.h"
#include "libcc/revocation.h"
#include "libcc/banned.h"

#define POLL_MS 250
#define LIST_MAX 10 /* ids shown before the confirmation question */

static const char *opt(const struct cli *c, const char *name)
{
	return cc_opt_get(c->ctx->cmd, &c->ov, name);
}

static json_int_t num(const json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

static const char *str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

/* --reason, when given, must be an RFC 5280 name: refused here before anything is sent */
static bool reason_ok(struct cli *c)
{
	const char *reason = opt(c, "reason");

	if (!reason || cc_revocation_reason_code(reason) >= 0)
		return true;
	cc_usage_error(c->ctx->cmd, "unknown reason '%s' (one of %s)", reason,
		       CC_REVOCATION_REASONS);
	return false;
}

int cli_revoke(struct cli *c)
{
	const char *reason = opt(c, "reason");
	json_t *body, *reply = NULL;
	struct cc_response r;
	int rc;

	if (!reason_ok(c))
		return 2;
	body = reason ? json_pack("{s:s}", "reason", reason) : json_object();
	rc = cli_request(c, "POST", c->path, body, &r);
	json_decref(body);
	if (rc)
		return rc;
	if (c->json) {
		cli_print_raw(&r);
	} else if (!c->quiet) {
		reply = json_loadb(r.body.buf, r.body.len, 0, NULL);
		printf("revoked certificate %s (reason %s)\n", c->id,
		       *str(reply, "reason") ? str(reply, "reason")
		       : reason		     ? reason
					     : "unspecified");
	}
	json_decref(reply);
	cc_response_release(&r);
	return 0;
}

/* the request body: reason, criteria and the certificate ids of the arguments */
static json_t *criteria(struct cli *c)
{
	static const char *const keys[] = { "profile-id", "owner-id", "agent-id", "issuer-id",
					    "team-id" };
	json_t *body =
		json_pack("{s:s}", "reason", opt(c, "reason") ? opt(c, "reason") : "unspecified");
	bool any = c->ov.pos.n > 0;

	for (size_t i = 0; i < CC_ARRAY_SIZE(keys); i++) {
		const char *v = opt(c, keys[i]);
		char k[32];
		if (!v)
			continue;
		snprintf(k, sizeof(k), "%s", keys[i]);
		k[strcspn(k, "-")] = '_';
		json_object_set_new(body, k, json_string(v));
		any = true;
	}
	if (c->ov.pos.n) {
		json_t *ids = json_array();
		for (size_t i = 0; i < c->ov.pos.n; i++)
			json_array_append_new(ids, json_string(c->ov.pos.v[i]));
		json_object_set_new(body, "certificate_ids", ids);
	}
	if (!any) {
		json_decref(body);
		return NULL;
	}
	return body;
}

static void print_ids(const char *title, const json_t *ids, size_t max)
{
	size_t i;
	json_t *v;

	if (!json_array_size(ids))
		return;
	printf("  %s:\n", title);
	json_array_foreach (ids, i, v) {
		if (i == max) {
			printf("    ... and %zu more\n", json_array_size(ids) - max);
			break;
		}
		printf("    %s\n", json_string_value(v) ? json_string_value(v) : "?");
	}
}

static void print_preview(const json_t *p)
{
	printf("%lld certificate%s match: %zu would be revoked, %zu skipped\n",
	       (long long)num(p, "total_matched"), num(p, "total_matched") == 1 ? "" : "s",
	       json_array_size(json_object_get(p, "would_revoke")),
	       json_array_size(json_object_get(p, "would_skip")));
	print_ids("would revoke", json_object_get(p, "would_revoke"), LIST_MAX);
	print_ids("would skip", json_object_get(p, "would_skip"), LIST_MAX);
	print_ids("not found", json_object_get(p, "not_found"), LIST_MAX);
}

/* the dry run; 0 to go on, else an exit status (3: nothing to revoke) */
static int confirm(struct cli *c, json_t *body)
{
	json_t *dry = json_deep_copy(body), *p = NULL;
	char answer[16] = "";
	int rc;

	json_object_set_new(dry, "dry_run", json_true());
	rc = cli_json(c, "POST", c->path, dry, &p);
	json_decref(dry);
	if (rc)
		return rc;
	print_preview(p);
	if (!json_array_size(json_object_get(p, "would_revoke"))) {
		printf("nothing to revoke\n");
		json_decref(p);
		return 3;
	}
	fprintf(stderr, "Revoke %zu certificate%s with reason %s? [y/N] ",
		json_array_size(json_object_get(p, "would_revoke")),
		json_array_size(json_object_get(p, "would_revoke")) == 1 ? "" : "s",
		str(body, "reason"));
	fflush(stderr);
	json_decref(p);
	if (!fgets(answer, sizeof(answer), stdin) ||
	    (strcmp(answer, "y\n") && strcmp(answer, "yes\n") && strcmp(answer, "Y\n"))) {
		fprintf(stderr, "certctl %s: aborted, nothing revoked\n", c->ctx->cmd->name);
		return 1;
	}
	return 0;
}

static bool finished(const char *status)
{
	return !strcmp(status, "Completed") || !strcmp(status, "Failed") ||
	       !strcmp(status, "Cancelled");
}

/* follows the job until it ends; *raw gets its last reply, *job the parsed one */
static int follow(struct cli *c, const char *job_id, struct cc_response *raw, json_t **job)
{
	struct cc_progress pg;
	char *path, *esc = cc_url_escape(job_id);
	struct timespec ts = { 0, POLL_MS * 1000000L };
	int rc;

	path = cc_xasprintf("/api/v1/jobs/%s", esc);
	free(esc);
	cc_progress_start(&pg, c->progress && !c->json, "revoking");
	for (;;) {
		json_t *prog;
		if ((rc = cli_request(c, "GET", path, NULL, raw)))
			break;
		*job = json_loadb(raw->body.buf, raw->body.len, 0, NULL);
		prog = json_object_get(*job, "progress");
		cc_progress_update(&pg, (size_t)num(prog, "done"), (size_t)num(prog, "total"));
		if (!*job || finished(str(*job, "status")))
			break;
		json_decref(*job);
		*job = NULL;
		cc_response_release(raw);
		nanosleep(&ts, NULL);
	}
	cc_progress_end(&pg);
	free(path);
	return rc;
}

static int report(struct cli *c, const json_t *res, const char *job_status)
{
	size_t i;
	json_t *e;
	bool failed = num(res, "total_failed") > 0 || !strcmp(job_status, "Failed");

	if (!c->quiet) {
		printf("Bulk revocation %s:\n",
		       !strcmp(job_status, "Failed") ? "failed" : "complete");
		printf("  Matched: %lld\n  Revoked: %lld\n  Skipped: %lld\n  Failed:  %lld\n",
		       (long long)num(res, "total_matched"), (long long)num(res, "total_revoked"),
		       (long long)num(res, "total_skipped"), (long long)num(res, "total_failed"));
		print_ids("not found", json_object_get(res, "not_found"), (size_t)-1);
	}
	json_array_foreach (json_object_get(res, "errors"), i, e)
		fprintf(stderr, "certctl %s: %s: %s\n", c->ctx->cmd->name, str(e, "certificate_id"),
			str(e, "error"));
	if (failed)
		return 1;
	return num(res, "total_matched") == 0 ? 3 : 0;
}

int cli_bulk_revoke(struct cli *c)
{
	json_t *body, *reply = NULL, *job = NULL;
	struct cc_response r, jr = { 0 };
	const json_t *res;
	const char *status;
	int rc;

	if (!reason_ok(c))
		return 2;
	if (!(body = criteria(c)))
		return cc_usage_error(c->ctx->cmd,
				      "give certificate ids or at least one of --profile-id, "
				      "--owner-id, --agent-id, --issuer-id, --team-id");
	if (opt(c, "dry-run")) {
		json_object_set_new(body, "dry_run", json_true());
		if (!(rc = cli_request(c, "POST", c->path, body, &r))) {
			reply = json_loadb(r.body.buf, r.body.len, 0, NULL);
			c->json ? cli_print_raw(&r) : print_preview(reply);
			cc_response_release(&r);
		}
		goto out;
	}
	if (!opt(c, "yes") && !isatty(0)) {
		rc = cc_usage_error(c->ctx->cmd, "refusing to revoke without confirmation: stdin "
						 "is not a terminal (pass --yes)");
		goto out;
	}
	if (!opt(c, "yes") && (rc = confirm(c, body)))
		goto out;
	if ((rc = cli_request(c, "POST", c->path, body, &r)))
		goto out;
	reply = json_loadb(r.body.buf, r.body.len, 0, NULL);
	status = str(reply, "status");
	res = reply;
	if (r.status == 202 || (*status && !finished(status))) {
		if ((rc = follow(c, str(reply, "job_id"), &jr, &job))) {
			cc_response_release(&r);
			goto out;
		}
		res = json_object_get(job, "result") ? json_object_get(job, "result") : job;
		status = str(job, "status");
	}
	if (c->json)
		cli_print_raw(jr.body.len ? &jr : &r);
	rc = report(c->json ? &(struct cli){ .ctx = c->ctx, .quiet = true } : c, res, status);
	cc_response_release(&r);
	cc_response_release(&jr);
out:
	json_decref(job);
	json_decref(reply);
	json_decref(body);
	return rc;
}
