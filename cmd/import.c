/* import.c: `certctl import FILE...` — existing certificates into the inventory through
 * POST /api/v1/certificates/import, in batches, with a progress bar on a terminal and a
 * summary */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cmd/client-opts.h"
#include "cmd/import.h"
#include "cmd/progress.h"
#include "libcc/err.h"
#include "libcc/banned.h"

#define BATCH_DEFAULT 100
#define BATCH_MAX 500
#define BODY_BUDGET ((size_t)768 << 10) /* under serve's default 1 MiB body limit */
#define PROGRESS_MIN 100		/* entries: a smaller import shows no progress */
#define LIST_MAX 20			/* skipped entries listed in the table */
#define RETRIES 4
#define PATH_IMPORT "/api/v1/certificates/import"

static const struct cc_opt opts[] = {
	CC_CLIENT_OPTS,
	{ "owner", 0, "ID", "owner of the imported certificates (required)", -1 },
	{ "team", 0, "ID", "team of the imported certificates (required)", -1 },
	{ "issuer", 0, "ID", "issuer that renews them from now on (required)", -1 },
	{ "renewal-policy", 0, "ID", "renewal policy (default rp-default)", -1 },
	{ "environment", 0, "NAME", "environment, e.g. production", -1 },
	{ "name-prefix", 0, "TEXT", "certificate names are TEXT followed by the common name", -1 },
	{ "dry-run", 'n', NULL, "read and check the files, report, send nothing", -1 },
	{ "batch", 0, "N", "certificates per request, 1-500 (default 100)", -1 },
	CC_OPT_END,
};

const struct cc_cmd_info cmd_import_info = {
	.usage = "[options] FILE|DIR...",
	.description =
		"Brings existing certificates into the inventory: PEM bundles (any number of\n"
		"certificates), DER files, and directories walked for *.pem, *.crt, *.cer, *.der\n"
		"and *.cert; FILE - reads stdin. Each end-entity certificate becomes one managed\n"
		"certificate with one version, with the CA certificates that issued it (found by\n"
		"issuer and signature in its file, then in the other files) as its chain; its\n"
		"status follows its dates. A certificate already in the inventory (same SHA-256\n"
		"fingerprint) is skipped; a corrupt file or block is reported and skipped, the\n"
		"others still import. Batches go to POST /api/v1/certificates/import, each\n"
		"certificate in a transaction of its own. A large import shows a progress bar\n"
		"when stderr is a terminal. Exits 0 when nothing failed, 1 when something did, 2 "
		"on usage errors.",
	.opts = opts,
	.subs = NULL,
};

enum { N_IMPORTED, N_SKIPPED, N_FAILED, N_WOULD, N_PENDING };

struct run {
	struct cc_ctx *ctx;
	const struct cc_optv *ov;
	struct imp_set set;
	bool json, dry, quiet;
	size_t batch;
	struct cc_progress bar; /* stderr, only on a terminal */
	size_t total, sent;
	char error[300]; /* a request that failed after others went through */
};

static int kind(const char *status)
{
	if (!status)
		return N_PENDING;
	if (!strcmp(status, "imported"))
		return N_IMPORTED;
	if (!strcmp(status, "skipped"))
		return N_SKIPPED;
	return !strcmp(status, "would_import") ? N_WOULD : N_FAILED;
}

static void count(const struct imp_set *set, int c[5])
{
	memset(c, 0, 5 * sizeof(*c));
	for (size_t i = 0; i < set->n; i++)
		c[kind(set->v[i].status)]++;
}

/* the request body of the next batch from item *next on; idx gets the items sent */
static json_t *batch_body(struct run *r, size_t *next, size_t *idx, size_t *n)
{
	static const char *const refs[][2] = {
		{ "owner", "owner_id" },	  { "team", "team_id" },
		{ "issuer", "issuer_id" },	  { "renewal-policy", "renewal_policy_id" },
		{ "environment", "environment" }, { "name-prefix", "name_prefix" },
	};
	json_t *body = json_object(), *list = json_array();
	size_t bytes = 0;

	for (size_t i = 0; i < CC_ARRAY_SIZE(refs); i++) {
		const char *v = cc_opt_get(r->ctx->cmd, r->ov, refs[i][0]);
		if (v)
			json_object_set_new(body, refs[i][1], json_string(v));
	}
	for (*n = 0; *next < r->set.n && *n < r->batch; (*next)++) {
		struct imp_item *it = &r->set.v[*next];
		size_t size = strlen(it->pem ? it->pem : "") * 11 / 10 + strlen(it->source) + 64;

		if (it->status)
			continue;
		if (*n && bytes + size > BODY_BUDGET)
			break;
		bytes += size;
		idx[(*n)++] = *next;
		json_array_append_new(
			list, json_pack("{s:s, s:s}", "pem", it->pem, "source", it->source));
	}
	json_object_set_new(body, "certificates", list);
	return body;
}

/* POST with a few retries when the server asks to slow down or retry */
static int post(struct cc_client *cl, json_t *body, json_t **res, struct cc_err *err)
{
	for (int attempt = 0;; attempt++) {
		cc_err_clear(err);
		if (cc_client_json(cl, "POST", PATH_IMPORT, body, res, err) == 0)
			return 0;
		if (attempt == RETRIES ||
		    (err->code != CC_E_RATE_LIMITED && err->code != CC_E_RETRY))
			return -1;
		sleep((unsigned)attempt + 1);
	}
}

static char *dup_member(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? cc_xstrdup(s) : NULL;
}

/* the server's results onto the items sent */
static void apply(struct run *r, json_t *res, const size_t *idx, size_t n)
{
	static const char *const statuses[] = { "imported", "skipped", "failed" };
	json_t *results = json_object_get(res, "results"), *o;
	size_t i;

	json_array_foreach (results, i, o) {
		json_int_t k = json_integer_value(json_object_get(o, "index"));
		const char *st = json_string_value(json_object_get(o, "status"));
		struct imp_item *it;
		int s = 2;

		if (k < 0 || (size_t)k >= n || !st)
			continue;
		it = &r->set.v[idx[k]];
		while (s > 0 && strcmp(st, statuses[s]))
			s--;
		it->status = statuses[s];
		it->reason = dup_member(o, "reason");
		it->cert_id = dup_member(o, "certificate_id");
		cc_freep(&it->pem);
	}
	for (i = 0; i < n; i++)
		if (!r->set.v[idx[i]].status)
			imp_item_set(&r->set.v[idx[i]], "failed", "the server gave no result");
}

/* 0, or the exit status when the first request failed (the error printed) */
static int send_all(struct run *r)
{
	struct cc_err err = CC_ERR_INIT;
	struct cc_client cl;
	size_t next = 0, n, *idx = cc_xcalloc(r->batch, sizeof(*idx));
	int rc = cc_cmd_client(r->ctx, r->ov, &cl);

	if (rc) {
		free(idx);
		return rc;
	}
	for (size_t i = 0; i < r->set.n; i++)
		r->total += !r->set.v[i].status;
	cc_progress_start(&r->bar, !r->quiet && isatty(2) && r->total >= PROGRESS_MIN, "importing");
	while (next < r->set.n) {
		json_t *body = batch_body(r, &next, idx, &n), *res = NULL;
		int st;

		if (!n) {
			json_decref(body);
			break;
		}
		st = post(&cl, body, &res, &err);
		json_decref(body);
		if (st < 0 && !r->sent) {
			rc = cc_cmd_fail(r->ctx, &err);
			break;
		}
		if (st < 0) {
			snprintf(r->error, sizeof(r->error), "%s", err.msg);
			for (size_t i = 0; i < r->set.n; i++)
				if (!r->set.v[i].status)
					imp_item_set(&r->set.v[i], "failed", "not sent: %s",
						     err.msg);
			break;
		}
		apply(r, res, idx, n);
		json_decref(res);
		r->sent += n;
		cc_progress_update(&r->bar, r->sent, r->total);
	}
	cc_progress_end(&r->bar);
	free(idx);
	cc_client_release(&cl);
	return rc;
}

static json_t *item_json(const struct imp_item *it)
{
	json_t *o = json_pack("{s:s, s:s}", "source", it->source, "status", it->status);

	if (it->common_name && *it->common_name)
		json_object_set_new(o, "common_name", json_string(it->common_name));
	if (it->fp[0])
		json_object_set_new(o, "fingerprint_sha256", json_string(it->fp));
	if (it->cert_id)
		json_object_set_new(o, "certificate_id", json_string(it->cert_id));
	if (it->fp[0] && kind(it->status) != N_FAILED)
		json_object_set_new(o, "chain_length", json_integer(it->chain));
	if (it->reason)
		json_object_set_new(o, "reason", json_string(it->reason));
	return o;
}

static void print_json(const struct run *r, const int c[5])
{
	json_t *o = json_pack("{s:b, s:I, s:I}", "dry_run", r->dry, "files",
			      (json_int_t)r->set.files, "certificates", (json_int_t)r->set.certs),
	       *list = json_array();
	char *s;

	if (r->dry)
		json_object_set_new(o, "would_import", json_integer(c[N_WOULD]));
	else
		json_object_set_new(o, "imported", json_integer(c[N_IMPORTED]));
	json_object_set_new(o, "skipped", json_integer(c[N_SKIPPED]));
	json_object_set_new(o, "failed", json_integer(c[N_FAILED]));
	for (size_t i = 0; i < r->set.n; i++)
		json_array_append_new(list, item_json(&r->set.v[i]));
	json_object_set_new(o, "results", list);
	if (r->error[0])
		json_object_set_new(o, "error", json_string(r->error));
	s = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	puts(s);
	free(s);
	json_decref(o);
}

static void print_row(const struct run *r, const struct imp_item *it, int width)
{
	bool failed = kind(it->status) == N_FAILED;
	const char *on = !r->ctx->color ? "" : failed ? "\033[31m" : "\033[33m";

	printf("%s%-8s%s %-*s %s\n", on, it->status, *on ? "\033[0m" : "", width, it->source,
	       it->reason ? it->reason : "");
}

static void print_table(const struct run *r, const int c[5])
{
	int width = 6, listed = 0, skipped = 0, more = 0;

	printf("read          %zu certificate%s in %zu file%s\n", r->set.certs,
	       r->set.certs == 1 ? "" : "s", r->set.files, r->set.files == 1 ? "" : "s");
	if (r->dry)
		printf("would import  %d\n", c[N_WOULD]);
	else
		printf("imported      %d\n", c[N_IMPORTED]);
	printf("skipped       %d\nfailed        %d\n", c[N_SKIPPED], c[N_FAILED]);
	for (size_t i = 0; i < r->set.n; i++) {
		int k = kind(r->set.v[i].status), w = (int)strlen(r->set.v[i].source);
		if ((k == N_FAILED || k == N_SKIPPED) && w > width)
			width = w > 48 ? 48 : w;
	}
	for (size_t i = 0; i < r->set.n; i++) {
		const struct imp_item *it = &r->set.v[i];
		int k = kind(it->status);

		if (k == N_SKIPPED && skipped++ >= LIST_MAX)
			more++;
		if (k != N_FAILED && (k != N_SKIPPED || skipped > LIST_MAX))
			continue;
		if (!listed++)
			printf("\n%-8s %-*s %s\n", "STATUS", width, "SOURCE", "REASON");
		print_row(r, it, width);
	}
	if (more)
		printf("... and %d more skipped (--format json lists every one)\n", more);
}

static void report(const struct run *r)
{
	int c[5];

	count(&r->set, c);
	if (r->json)
		print_json(r, c);
	else if (!r->quiet)
		print_table(r, c);
	else
		for (size_t i = 0; i < r->set.n; i++)
			if (kind(r->set.v[i].status) == N_FAILED)
				fprintf(stderr, "certctl import: %s: %s\n", r->set.v[i].source,
					r->set.v[i].reason);
	if (r->error[0])
		fprintf(stderr, "certctl import: stopped: %s\n", r->error);
}

/* --batch and, unless --dry-run, the references the server needs */
static int check_opts(struct run *r)
{
	const struct cc_cmd *cmd = r->ctx->cmd;
	const char *b = cc_opt_get(cmd, r->ov, "batch"), *missing = NULL;
	char *end;
	long n;

	r->batch = BATCH_DEFAULT;
	if (b) {
		n = strtol(b, &end, 10);
		if (*end || !*b || n < 1 || n > BATCH_MAX)
			return cc_usage_error(cmd, "--batch must be a number from 1 to %d",
					      BATCH_MAX);
		r->batch = (size_t)n;
	}
	if (r->dry)
		return 0;
	if (!cc_opt_isset(cmd, r->ov, "owner"))
		missing = "--owner";
	else if (!cc_opt_isset(cmd, r->ov, "team"))
		missing = "--team";
	else if (!cc_opt_isset(cmd, r->ov, "issuer"))
		missing = "--issuer";
	if (missing)
		return cc_usage_error(cmd,
				      "%s is required: imported certificates need an owner, a team "
				      "and an issuer (--owner, --team, --issuer)",
				      missing);
	return 0;
}

static int run(struct cc_ctx *ctx, const struct cc_optv *ov, bool json)
{
	struct run r = {
		.ctx = ctx,
		.ov = ov,
		.json = json,
		.dry = cc_opt_isset(ctx->cmd, ov, "dry-run"),
		.quiet = cc_opt_isset(ctx->cmd, ov, "quiet"),
	};
	int rc, c[5];

	if ((rc = check_opts(&r)))
		return rc;
	if (cc_opt_isset(ctx->cmd, ov, "no-color"))
		ctx->color = false;
	imp_read_paths(&ov->pos, &r.set);
	if (r.dry) {
		for (size_t i = 0; i < r.set.n; i++)
			if (!r.set.v[i].status)
				r.set.v[i].status = "would_import";
	} else if ((rc = send_all(&r))) {
		imp_set_release(&r.set);
		return rc;
	}
	report(&r);
	count(&r.set, c);
	imp_set_release(&r.set);
	return c[N_FAILED] || r.error[0] ? 1 : 0;
}

int cmd_import(int argc, char **argv, struct cc_ctx *ctx)
{
	struct cc_optv ov;
	bool json;
	int rc;

	if (!cc_cmd_start(ctx, argc, argv, &ov, &rc))
		return rc;
	if (!ov.pos.n)
		rc = cc_usage_error(ctx->cmd,
				    "no FILE given: name certificate files or directories");
	else if (!(rc = cc_ctx_setup(ctx, &ov)) && (json = cc_cmd_json(ctx, &ov, &rc), !rc))
		rc = run(ctx, &ov, json);
	cc_optv_release(&ov);
	return rc;
}
