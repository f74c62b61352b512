/* mcp.h: the Model Context Protocol server of `certctl mcp` — JSON-RPC 2.0 lines on stdio,
 * one tool per API operation (mcp/tools.def), each call one REST request to certctl serve */
#ifndef CC_MCP_H
#define CC_MCP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <jansson.h>
#include "libcc/client.h"

struct cc_err;
struct cc_log;

/* tool flags (tools.def) */
#define MCP_RO 0x1	    /* readOnlyHint */
#define MCP_DESTRUCTIVE 0x2 /* destructiveHint (other writes: false) */
#define MCP_PAGED 0x4	    /* takes page, per_page, sort and fields */
#define MCP_EXTRA 0x8	    /* not a tool of certctl v2.1 */

#define MCP_PAGE_SIZE 50 /* tools per tools/list page */
#define MCP_LINE_MAX (8u << 20)

enum mcp_type {
	MCP_T_STR,
	MCP_T_INT,
	MCP_T_BOOL,
	MCP_T_STRS, /* array of strings */
	MCP_T_INTS, /* array of integers */
	MCP_T_OBJ,
	MCP_T_OBJS,   /* array of objects */
	MCP_T_STRMAP, /* object of strings */
	MCP_T_ANY,
};

enum mcp_in { MCP_IN_PATH, MCP_IN_QUERY, MCP_IN_BODY };

struct mcp_arg {
	const char *name; /* NULL ends a tool's list */
	enum mcp_type type;
	enum mcp_in in;
	bool required;
	const char *enums; /* "a|b|c" or NULL */
	const char *desc;
};

struct mcp_tool {
	const char *name;
	const char *method;
	const char *path; /* template: {arg} is a PATH argument */
	unsigned flags;
	const char *desc;
	const struct mcp_arg *args; /* without the paging ones */
};

/* the table (tools.c) */
size_t mcp_tool_count(void);
const struct mcp_tool *mcp_tool_at(size_t i);
const struct mcp_tool *mcp_tool_find(const char *name);
/* the i-th argument, paging ones included; NULL past the last */
const struct mcp_arg *mcp_tool_arg(const struct mcp_tool *t, size_t i);
/* the tools/list entry: name, description, inputSchema, annotations (new ref) */
json_t *mcp_tool_json(const struct mcp_tool *t);

/* the REST request a tools/call makes (args.c) */
struct mcp_request {
	const char *method;
	char *path; /* escaped, with the query string */
	char *body; /* NULL: none */
};

/* checks arguments (an object or NULL) against the tool's schema and builds the request;
 * CC_E_INVALID with a message naming the argument otherwise */
int mcp_request_build(const struct mcp_tool *t, json_t *args, struct mcp_request *rq,
		      struct cc_err *err);
void mcp_request_release(struct mcp_request *rq);

/* CallToolResults (result.c), new refs. url names the resource of a binary body. */
json_t *mcp_result_http(const struct mcp_request *rq, const char *url, const struct cc_response *r,
			bool structured);
json_t *mcp_result_error(const char *text);
/* a JSON string of text, bytes that are not valid UTF-8 made '?' (new ref) */
json_t *mcp_text(const char *text);

/* sends one HTTP request; cc_client_request in the command, a fake in tests */
typedef int mcp_http_fn(void *arg, const char *method, const char *path, const void *body,
			size_t body_len, struct cc_response *out, struct cc_err *err);

struct mcp_server {
	mcp_http_fn *http;
	void *http_arg;
	const char *base_url;
	struct cc_log *log; /* may be NULL */
	char version[16];   /* negotiated protocol version, "" before initialize */
};

void mcp_server_init(struct mcp_server *s, mcp_http_fn *http, void *http_arg, const char *base_url,
		     struct cc_log *log);
/* one incoming message (a line without its newline) → the reply to write, compact JSON on
 * one line (caller frees), or NULL when none is due (notifications, responses) */
char *mcp_server_handle(struct mcp_server *s, const char *line, size_t len);
/* answers each line of in on out until EOF (0), or -1 when out fails */
int mcp_server_run(struct mcp_server *s, FILE *in, FILE *out);

/* the JSON-RPC methods (methods.c): result (new ref) or NULL with *code and err set */
json_t *mcp_method_call(struct mcp_server *s, const char *method, json_t *params, int *code,
			struct cc_err *err);

/* JSON-RPC error codes */
#define MCP_PARSE_ERROR -32700
#define MCP_INVALID_REQUEST -32600
#define MCP_METHOD_NOT_FOUND -32601
#define MCP_INVALID_PARAMS -32602
#define MCP_INTERNAL_ERROR -32603

#endif
