/* mcp.c: `certctl mcp` — the MCP server on stdin/stdout for AI clients, and --list-tools */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cmd/client-opts.h"
#include "mcp/mcp.h"
#include "version.h"
#include "libcc/banned.h"

static const struct cc_opt opts[] = {
	CC_CLIENT_OPTS,
	{ "list-tools", 0, NULL,
	  "print the tools instead of serving: a Markdown table, or JSON with --format json", -1 },
	CC_OPT_END,
};

const struct cc_cmd_info cmd_mcp_info = {
	.usage = "[options]",
	.description =
		"Serves the Model Context Protocol on stdin and stdout (one JSON-RPC message per\n"
		"line) so that an AI client can manage certificates: every API operation is a "
		"tool\n"
		"(certctl_list_certificates, certctl_revoke_certificate, ...), each call one REST\n"
		"request to certctl serve at --server (CERTCTL_SERVER_URL) with --api-key\n"
		"(CERTCTL_API_KEY, default: the credentials file). Logs go to stderr. Ends at "
		"EOF.\n"
		"Protocol versions 2025-06-18, 2025-03-26 and 2024-11-05. See docs/mcp.md.",
	.opts = opts,
	.subs = NULL,
};

static int http(void *arg, const char *method, const char *path, const void *body, size_t body_len,
		struct cc_response *out, struct cc_err *err)
{
	return cc_client_request(arg, method, path, body, body_len, out, err);
}

static const char *kind(const struct mcp_tool *t)
{
	if (t->flags & MCP_RO)
		return "read-only";
	return t->flags & MCP_DESTRUCTIVE ? "destructive" : "write";
}

static void list_markdown(void)
{
	puts("| tool | REST call | kind | v2.1 | description |\n|---|---|---|---|---|");
	for (size_t i = 0; i < mcp_tool_count(); i++) {
		const struct mcp_tool *t = mcp_tool_at(i);
		printf("| `%s` | `%s %s` | %s | %s | ", t->name, t->method, t->path, kind(t),
		       t->flags & MCP_EXTRA ? "new" : "yes");
		for (const char *p = t->desc; *p; p++) /* a '|' would end the cell */
			fputs(*p == '|' ? "\\|" : (char[]){ *p, '\0' }, stdout);
		puts(" |");
	}
}

static void list_json(void)
{
	json_t *all = json_array();
	char *s;

	for (size_t i = 0; i < mcp_tool_count(); i++) {
		const struct mcp_tool *t = mcp_tool_at(i);
		json_t *o = mcp_tool_json(t);
		json_object_set_new(o, "method", json_string(t->method));
		json_object_set_new(o, "path", json_string(t->path));
		json_object_set_new(o, "v2_1", json_boolean(!(t->flags & MCP_EXTRA)));
		json_array_append_new(all, o);
	}
	s = json_dumps(all, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	puts(s);
	free(s);
	json_decref(all);
}

static int serve(struct cc_ctx *ctx, const struct cc_optv *ov)
{
	struct cc_client cl;
	struct mcp_server s;
	int rc = cc_cmd_client(ctx, ov, &cl);

	if (rc)
		return rc;
	/* a client that goes away must end us through EOF or a write error, not a signal */
	signal(SIGPIPE, SIG_IGN);
	if (!cc_opt_isset(ctx->cmd, ov, "quiet"))
		fprintf(stderr, "certctl MCP server %s (backend: %s)\n", CC_VERSION, cl.base_url);
	mcp_server_init(&s, http, &cl, cl.base_url, &ctx->log);
	rc = mcp_server_run(&s, stdin, stdout) < 0 ? 1 : 0;
	if (rc)
		fprintf(stderr, "certctl mcp: cannot write to stdout, stopping\n");
	cc_client_release(&cl);
	return rc;
}

/* --list-tools: the table as Markdown (docs/mcp.md) or, with --format json, every schema */
static int list_tools(struct cc_ctx *ctx, const struct cc_optv *ov)
{
	int rc;
	bool json = cc_cmd_json(ctx, ov, &rc);

	if (!rc)
		json ? list_json() : list_markdown();
	return rc;
}

int cmd_mcp(int argc, char **argv, struct cc_ctx *ctx)
{
	struct cc_optv ov;
	int rc;

	if (!cc_cmd_start(ctx, argc, argv, &ov, &rc))
		return rc;
	rc = ov.pos.n ? cc_usage_error(ctx->cmd, "unexpected argument '%s'", ov.pos.v[0])
		      : cc_ctx_setup(ctx, &ov);
	if (!rc)
		rc = cc_opt_isset(ctx->cmd, &ov, "list-tools") ? list_tools(ctx, &ov)
							       : serve(ctx, &ov);
	cc_optv_release(&ov);
	return rc;
}
