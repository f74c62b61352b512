/* rpc.c: JSON-RPC 2.0 framing of MCP — requests, notifications (never answered), client
 * responses (ignored), errors, and batches (answered under 2024-11-05 and 2025-03-26,
 * refused under 2025-06-18, which removed them) */
#include <stdlib.h>
#include <string.h>
#include "mcp/mcp.h"
#include "libcc/err.h"
#include "libcc/log.h"
#include "libcc/mem.h"
#include "libcc/banned.h"

void mcp_server_init(struct mcp_server *s, mcp_http_fn *http, void *http_arg, const char *base_url,
		     struct cc_log *log)
{
	memset(s, 0, sizeof(*s));
	s->http = http;
	s->http_arg = http_arg;
	s->base_url = base_url;
	s->log = log;
}

/* id NULL answers with "id": null (the request's id could not be read) */
static json_t *error_reply(json_t *id, int code, const char *msg)
{
	return json_pack("{s:s, s:O, s:{s:i, s:o}}", "jsonrpc", "2.0", "id", id ? id : json_null(),
			 "error", "code", code, "message", mcp_text(msg));
}

static bool id_valid(json_t *id)
{
	return json_is_string(id) || json_is_integer(id);
}

static void note(struct mcp_server *s, const char *what, const char *method)
{
	if (s->log)
		cc_log_kv(s->log, CC_LOG_DEBUG, what, "method", method, (const char *)NULL);
}

/* the reply to one message (new ref), or NULL when none is due */
static json_t *handle_one(struct mcp_server *s, json_t *msg, bool in_batch)
{
	struct cc_err err = CC_ERR_INIT;
	json_t *id, *params, *result, *jv;
	const char *method;
	int code = MCP_INTERNAL_ERROR;

	if (!json_is_object(msg))
		return error_reply(NULL, MCP_INVALID_REQUEST, "a message must be a JSON object");
	id = json_object_get(msg, "id");
	if (id && !id_valid(id))
		return error_reply(NULL, MCP_INVALID_REQUEST, "id must be a string or an integer");
	jv = json_object_get(msg, "method");
	method = json_string_value(jv);
	if (!jv && (json_object_get(msg, "result") || json_object_get(msg, "error"))) {
		note(s, "ignored a response: this server sends no requests", NULL);
		return NULL;
	}
	if (!id) { /* a notification, valid or not, is never answered */
		note(s, "notification", method);
		return NULL;
	}
	if (!json_is_string(json_object_get(msg, "jsonrpc")) ||
	    strcmp(json_string_value(json_object_get(msg, "jsonrpc")), "2.0"))
		return error_reply(id, MCP_INVALID_REQUEST, "jsonrpc must be \"2.0\"");
	if (!method)
		return error_reply(id, MCP_INVALID_REQUEST, "method must be a string");
	params = json_object_get(msg, "params");
	if (params && !json_is_object(params) && !json_is_array(params))
		return error_reply(id, MCP_INVALID_REQUEST, "params must be an object");
	if (json_is_array(params))
		return error_reply(id, MCP_INVALID_PARAMS, "params must be an object");
	if (in_batch && !strcmp(method, "initialize"))
		return error_reply(id, MCP_INVALID_REQUEST, "initialize must not be in a batch");
	result = mcp_method_call(s, method, params, &code, &err);
	if (!result)
		return error_reply(id, code, err.msg[0] ? err.msg : "internal error");
	return json_pack("{s:s, s:O, s:o}", "jsonrpc", "2.0", "id", id, "result", result);
}

static json_t *handle_batch(struct mcp_server *s, json_t *batch)
{
	json_t *out, *r, *msg;
	size_t i;

	if (!strcmp(s->version, "2025-06-18"))
		return error_reply(NULL, MCP_INVALID_REQUEST,
				   "batches are not supported by protocol version 2025-06-18");
	if (!json_array_size(batch))
		return error_reply(NULL, MCP_INVALID_REQUEST, "empty batch");
	out = json_array();
	json_array_foreach (batch, i, msg)
		if ((r = handle_one(s, msg, true)))
			json_array_append_new(out, r);
	if (json_array_size(out))
		return out;
	json_decref(out); /* only notifications: nothing to say */
	return NULL;
}

char *mcp_server_handle(struct mcp_server *s, const char *line, size_t len)
{
	json_error_t je;
	json_t *msg = json_loadb(line, len, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &je);
	json_t *reply;
	char *text;

	if (!msg) {
		char m[200];
		snprintf(m, sizeof(m), "parse error: %s", je.text);
		reply = error_reply(NULL, MCP_PARSE_ERROR, m);
	} else if (json_is_array(msg)) {
		reply = handle_batch(s, msg);
	} else {
		reply = handle_one(s, msg, false);
	}
	json_decref(msg);
	if (!reply)
		return NULL;
	text = json_dumps(reply, JSON_COMPACT);
	json_decref(reply);
	if (!text) /* cannot happen for what we build; never leave a request unanswered */
		text = cc_xstrdup("{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32603,"
				  "\"message\":\"cannot encode the reply\"}}");
	return text;
}
