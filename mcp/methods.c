/* methods.c: the MCP methods — initialize (version negotiation), ping, tools/list (pages
 * with an opaque cursor) and tools/call (one REST request per call) */
#include <stdlib.h>
#include <string.h>
#include "mcp/mcp.h"
#include "version.h"
#include "libcc/err.h"
#include "libcc/log.h"
#include "libcc/time.h"
#include "libcc/banned.h"

/* newest first: the answer to a version we do not know */
static const char *const versions[] = { "2025-06-18", "2025-03-26", "2024-11-05" };

#define INSTRUCTIONS                                                                               \
	"certctl manages X.509 certificates: inventory, issuance, renewal, deployment to "         \
	"servers through agents, and revocation. Start with certctl_dashboard_summary or "         \
	"certctl_list_certificates to find ids. Tools that revoke or delete are irreversible: "    \
	"certctl_bulk_revoke_certificates takes dry_run true to preview. Binary answers (CRL, "    \
	"OCSP, PKCS#12) come base64 in a resource item."

static json_t *fail(int *code, int c, struct cc_err *err, const char *msg)
{
	*code = c;
	cc_err_set(err, CC_E_INVALID, "%s", msg);
	return NULL;
}

static json_t *initialize(struct mcp_server *s, json_t *params, int *code, struct cc_err *err)
{
	const char *want = json_string_value(json_object_get(params, "protocolVersion"));
	const char *v = versions[0];

	if (*s->version)
		return fail(code, MCP_INVALID_REQUEST, err, "already initialized");
	if (!want)
		return fail(code, MCP_INVALID_PARAMS, err,
			    "initialize needs params.protocolVersion (a string)");
	for (size_t i = 0; i < sizeof(versions) / sizeof(versions[0]); i++)
		if (!strcmp(want, versions[i]))
			v = versions[i];
	snprintf(s->version, sizeof(s->version), "%s", v);
	if (s->log)
		cc_log_kv(s->log, CC_LOG_INFO, "mcp session", "protocol", v, "client_wants", want,
			  "client",
			  json_string_value(
				  json_object_get(json_object_get(params, "clientInfo"), "name")),
			  (const char *)NULL);
	return json_pack("{s:s, s:{s:{s:b}}, s:{s:s, s:s, s:s}, s:s}", "protocolVersion", v,
			 "capabilities", "tools", "listChanged", 0, "serverInfo", "name", "certctl",
			 "title", "certctl certificate lifecycle", "version", CC_VERSION,
			 "instructions", INSTRUCTIONS);
}

/* a cursor is "certctl-tools:<offset>"; clients treat it as opaque */
static json_t *tools_list(json_t *params, int *code, struct cc_err *err)
{
	json_t *cur = json_object_get(params, "cursor"), *tools = json_array(), *out;
	size_t from = 0, n = mcp_tool_count();

	if (cur && !json_is_null(cur)) {
		const char *c = json_string_value(cur);
		char *end;
		unsigned long off;
		if (!c || strncmp(c, "certctl-tools:", 14) || !c[14] || c[14] == '-' ||
		    (off = strtoul(c + 14, &end, 10), *end) || off >= n) {
			json_decref(tools);
			return fail(code, MCP_INVALID_PARAMS, err, "invalid cursor");
		}
		from = off;
	}
	for (size_t i = from; i < n && i < from + MCP_PAGE_SIZE; i++)
		json_array_append_new(tools, mcp_tool_json(mcp_tool_at(i)));
	out = json_pack("{s:o}", "tools", tools);
	if (from + MCP_PAGE_SIZE < n) {
		char next[48];
		snprintf(next, sizeof(next), "certctl-tools:%zu", from + MCP_PAGE_SIZE);
		json_object_set_new(out, "nextCursor", json_string(next));
	}
	return out;
}

static json_t *tools_call(struct mcp_server *s, json_t *params, int *code, struct cc_err *err)
{
	const char *name = json_string_value(json_object_get(params, "name"));
	const struct mcp_tool *t = mcp_tool_find(name);
	struct mcp_request rq;
	struct cc_response r;
	struct cc_err herr = CC_ERR_INIT;
	int64_t t0 = cc_time_now();
	long status = 0;
	json_t *out, *args;
	char *url;

	if (!name)
		return fail(code, MCP_INVALID_PARAMS, err,
			    "tools/call needs params.name (a string)");
	if (!t) {
		*code = MCP_INVALID_PARAMS;
		return cc_err_set(err, CC_E_INVALID, "unknown tool: %.100s", name), NULL;
	}
	args = json_object_get(params, "arguments");
	if (mcp_request_build(t, json_is_null(args) ? NULL : args, &rq, err) < 0) {
		*code = MCP_INVALID_PARAMS;
		return NULL;
	}
	url = cc_xasprintf("%s%s", s->base_url, rq.path);
	if (s->http(s->http_arg, rq.method, rq.path, rq.body, rq.body ? strlen(rq.body) : 0, &r,
		    &herr) < 0) {
		char *msg =
			cc_xasprintf("cannot reach certctl serve at %s: %s", s->base_url, herr.msg);
		out = mcp_result_error(msg);
		free(msg);
	} else {
		out = mcp_result_http(&rq, url, &r, !strcmp(s->version, "2025-06-18"));
		status = r.status;
		cc_response_release(&r);
	}
	if (s->log)
		cc_logf(s->log, CC_LOG_INFO, "tool %s: %s %s -> HTTP %ld (%lld ms)", t->name,
			rq.method, rq.path, status, (long long)((cc_time_now() - t0) / 1000));
	free(url);
	mcp_request_release(&rq);
	return out;
}

json_t *mcp_method_call(struct mcp_server *s, const char *method, json_t *params, int *code,
			struct cc_err *err)
{
	if (!strcmp(method, "initialize"))
		return initialize(s, params, code, err);
	if (!strcmp(method, "ping"))
		return json_object();
	if (!*s->version) /* the lifecycle: initialize comes first */
		return fail(code, MCP_INVALID_REQUEST, err,
			    "not initialized: send initialize first");
	if (!strcmp(method, "tools/list"))
		return tools_list(params, code, err);
	if (!strcmp(method, "tools/call"))
		return tools_call(s, params, code, err);
	*code = MCP_METHOD_NOT_FOUND;
	cc_err_set(err, CC_E_NOT_FOUND, "method not found: %.100s", method);
	return NULL;
}
