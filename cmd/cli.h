/* cli.h: the resource commands (certs, jobs, issuers ...): one generic layer driven by each
 * command's verb table (struct cc_subcmd: options, handler, API path, columns) */
#ifndef CC_CLI_H
#define CC_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>
#include "cmd/client-opts.h"
#include "libcc/buf.h"

/* how a column or detail value is shown in a table */
enum cli_cell {
	CELL_TEXT,
	CELL_ID,     /* never shortened: people copy it */
	CELL_STATUS, /* coloured on a terminal */
	CELL_TIME,   /* "in 12 days" in tables, RFC 3339 in JSON */
	CELL_NUM,
	CELL_BOOL,
	CELL_LIST, /* an array of strings, joined with "," */
};

struct cli_col {
	const char *title; /* NULL ends a column list */
	const char *key;   /* member of each item */
	enum cli_cell kind;
};

/* one run of a verb: everything a handler needs */
struct cli {
	struct cc_ctx *ctx; /* ctx->cmd is the verb as a command ("certs list") */
	const struct cc_cmd *parent;
	const struct cc_subcmd *verb;
	struct cc_optv ov;
	struct cc_client cl;
	char *path; /* verb->path with the arguments in place of {x} */
	bool json, quiet;
	bool color;	  /* status colours: stdout is a terminal, no NO_COLOR/--no-color */
	bool progress;	  /* progress bars: stderr is a terminal and not --quiet */
	unsigned width;	  /* terminal columns for tables, 0 = no limit */
	int64_t now;	  /* for human times */
	const char *id;	  /* the first argument, named in "not found" errors */
	const char *noun; /* what the first argument is: "certificate" */
};

/* the generic command of a resource: `certctl NAME VERB [options] [args]` */
int cli_main(struct cc_ctx *ctx, int argc, char **argv);

/* defines cmd_NAME and cmd_NAME_info for a command whose verbs are in VERBS; the options
 * of every verb are OPTS (CLI_COMMAND: the client options) */
#define CLI_COMMAND_WITH(name, desc, verbs, common)                                                \
	const struct cc_cmd_info cmd_##name##_info = {                                             \
		.usage = "<command> [options] [args]",                                             \
		.description = desc,                                                               \
		.opts = common,                                                                    \
		.subs = verbs,                                                                     \
	};                                                                                         \
	int cmd_##name(int argc, char **argv, struct cc_ctx *ctx)                                  \
	{                                                                                          \
		return cli_main(ctx, argc, argv);                                                  \
	}
#define CLI_COMMAND(name, desc, verbs)                                                             \
	static const struct cc_opt name##_common_opts[] = { CC_CLIENT_OPTS, CC_OPT_END };          \
	CLI_COMMAND_WITH(name, desc, verbs, name##_common_opts)

/* the verb of `certctl CMD [options] VERB ...`: the index of its word in argv, or -1 */
int cli_verb_index(const struct cc_cmd *cmd, int argc, char **argv);
const struct cc_subcmd *cli_verb_find(const struct cc_cmd *cmd, const char *name);
/* the verb as a command of its own (name "certs list", options of both); release after */
struct cli_verb_cmd {
	struct cc_cmd cmd;
	struct cc_cmd_info info;
	struct cc_opt *opts;
	char *name, *usage;
};
void cli_verb_cmd_init(struct cli_verb_cmd *vc, const struct cc_cmd *cmd,
		       const struct cc_subcmd *verb);
void cli_verb_cmd_release(struct cli_verb_cmd *vc);
/* `certctl help certs list`: -1 when NAME is no verb of cmd */
int cli_verb_help(const struct cc_cmd *cmd, const char *name, FILE *out);
/* min and max (-1: any) positional arguments of a usage string such as "CERT [ID...]" */
void cli_usage_args(const char *usage, int *min, int *max);

/* ---- cli-http.c: requests; on failure the error is printed and an exit status returned ---- */
/* 0 for a 2xx response in *r (release it), else the exit status after one line on stderr */
int cli_request(struct cli *c, const char *method, const char *path, json_t *body,
		struct cc_response *r);
/* cli_request + JSON parse of the reply (*out NULL for an empty body) */
int cli_json(struct cli *c, const char *method, const char *path, json_t *body, json_t **out);
/* prints the error of a transport or HTTP failure; returns its exit status */
int cli_fail(struct cli *c, const struct cc_err *err);
/* data to FILE (when not NULL) or stdout; binary data is not written to a terminal */
int cli_emit(struct cli *c, const char *file, const void *data, size_t n, bool binary);
/* prints a response body verbatim (the API's JSON) with a final newline */
void cli_print_raw(const struct cc_response *r);

/* ---- cli-query.c: flags to query strings and request bodies (no I/O) ---- */
/* a --expires-before style value: RFC 3339, YYYY-MM-DD, or +DURATION / -DURATION from now
 * (s, m, h, d, w); out gets RFC 3339. -1 when the value is none of these. Options whose
 * placeholder is TIME take these values. */
int cli_time_arg(const char *in, int64_t now, char out[72]);
/* the query string ("?a=1&b=2", or "") of the verb options that are set, each --name-x
 * becoming name_x; TIME values converted by cli_time_arg. -1 and *bad = the option on error. */
int cli_query_build(const struct cc_opt *opts, const struct cc_optv *ov, int64_t now,
		    struct cc_buf *out, const char **bad);
/* adds the set verb options to a JSON object body; the value's type follows the placeholder:
 * "A,B" a list, "true|false" a boolean, "N"/"SECONDS"/"DAYS" an integer, "JSON" any value.
 * renames: pairs { option, member } ended by { NULL, NULL }, may be NULL. */
int cli_body_build(const struct cc_opt *opts, const struct cc_optv *ov,
		   const char *const (*renames)[2], json_t *body, const char **bad);
/* true for options the verbs handle themselves (--all, --data, --output) */
bool cli_opt_local(const char *name);

/* ---- table.c: layout and printing ---- */
size_t cli_text_width(const char *s);
/* s cut to w columns, ending in "…" when cut */
void cli_text_fit(const char *s, size_t w, struct cc_buf *out);
/* column widths: natural widths shrunk (widest first, down to min) to fit width (0 = no
 * limit) with gap spaces between columns */
void cli_table_layout(const size_t *natural, const size_t *min, size_t ncols, size_t width,
		      size_t gap, size_t *out);
/* the text of one cell (NULL member: "") */
void cli_cell_text(const json_t *v, enum cli_cell kind, int64_t now, struct cc_buf *out);
/* the escape that colours a status, "" for none */
const char *cli_status_color(const char *status);
/* prints items (an array of objects) as a table; cols NULL: from fields ("a,b") */
void cli_print_table(struct cli *c, const json_t *items, const struct cli_col *cols,
		     const char *fields);
/* prints one object as aligned "Label: value" lines */
void cli_print_detail(struct cli *c, const json_t *obj);
/* "common_name" -> "Common Name", "ip_address" -> "IP Address" */
void cli_label(const char *key, struct cc_buf *out);

/* ---- cli-verbs.c: the generic verbs; verb->data is noted for each ---- */
int cli_list(struct cli *c);   /* GET a list (also of one object's items); data: columns */
int cli_get(struct cli *c);    /* GET one object */
int cli_create(struct cli *c); /* POST the body of the options (and --data) */
int cli_update(struct cli *c); /* PUT the same; data: renames or NULL */
int cli_delete(struct cli *c); /* DELETE */
/* sends a request to c->path and prints: the API's JSON, the id (--quiet), or the message
 * (done: {id} stands for the first argument) and the details of the reply */
int cli_send(struct cli *c, const char *method, json_t *body, const char *done);
/* the query string of the verb's options in q; else the exit status of the usage error */
int cli_query(struct cli *c, struct cc_buf *q);
/* every item of the list at c->path + query (cursor or pages), with a progress bar */
int cli_fetch_all(struct cli *c, const char *query, json_t **all);
int cli_action(struct cli *c); /* POST, body from the options; data: message, {id} */

/* verbs of one resource */
int cli_export(struct cli *c);	       /* certs export (certs.c) */
int cli_revoke(struct cli *c);	       /* certs revoke (revoke.c) */
int cli_bulk_revoke(struct cli *c);    /* certs bulk-revoke (revoke.c) */
int cli_crl_get(struct cli *c);	       /* crl get (crl.c) */
int cli_ocsp_check(struct cli *c);     /* ocsp check (ocsp.c) */
int cli_audit_export(struct cli *c);   /* audit export (operations.c) */
int cli_discover_claim(struct cli *c); /* discover claim (operations.c) */

/* list verb options: paging, sort and fields */
#define CLI_LIST_OPTS                                                                              \
	{ "page", 0, "N", "page number (default 1)", -1 },                                         \
		{ "per-page", 0, "N", "items per page, 1-500 (default 50)", -1 },                  \
		{ "all", 'a', NULL, "follow every page (or cursor) and print all items", -1 },     \
		{ "sort", 0, "FIELD", "sort by FIELD; -FIELD sorts descending", -1 },              \
	{                                                                                          \
		"fields", 0, "A,B", "only these fields (also the table columns)", -1               \
	}
/* the five verbs of a plain resource: list, get, create, update, delete */
#define CLI_CRUD(path, ID, many, one, list_opts, cols, write_opts)                                     \
	{ "list", "list " many, NULL, list_opts, cli_list, path, cols },                               \
		{ "get", "show one " one, ID, NULL, cli_get, path "/{id}", NULL },                     \
		{ "create", "create " one, NULL, write_opts, cli_create, path, NULL },                 \
		{ "update", "change fields of " one, ID, write_opts, cli_update, path "/{id}", NULL }, \
	{                                                                                              \
		"delete", "delete " one, ID, NULL, cli_delete, path "/{id}", NULL                      \
	}
/* paging only, for lists without filters */
#define CLI_PAGE_OPTS                                                                              \
	{ "page", 0, "N", "page number (default 1)", -1 },                                         \
		{ "per-page", 0, "N", "items per page (default 50)", -1 },                         \
	{                                                                                          \
		"all", 'a', NULL, "follow every page and print all items", -1                      \
	}
/* the columns of deployment targets (targets list, certs deployments) */
extern const struct cli_col cli_target_cols[];
#define CLI_DATA_OPT                                                                               \
	{                                                                                          \
		"data", 'd', "JSON", "request body: JSON text, @FILE or @- (stdin)", -1            \
	}

#endif
