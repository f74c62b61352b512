/* testmcp.h: an MCP server wired to a fake certctl serve, for the MCP unit tests */
#ifndef CC_TESTMCP_H
#define CC_TESTMCP_H

#include <jansson.h>
#include "mcp/mcp.h"

struct testmcp {
	struct mcp_server s;
	/* what the fake server got last */
	int calls;
	char method[8];
	char path[1024];
	char *body; /* NULL: no body */
	/* what it answers next; unreachable fails the request like a refused connection */
	long status;
	const char *ctype;
	const void *reply;
	size_t reply_len; /* 0: strlen(reply) */
	bool unreachable;
};

/* version NULL: not initialized yet; else initialize negotiated that version */
void testmcp_init(struct testmcp *t, const char *version);
void testmcp_release(struct testmcp *t);
/* one line in; the parsed reply (new ref), or NULL when none was written */
json_t *testmcp_send(struct testmcp *t, const char *line);
/* tools/call NAME with ARGS (JSON text or NULL): the reply (new ref) */
json_t *testmcp_call(struct testmcp *t, const char *name, const char *args);
/* the reply is a JSON-RPC error with this code and a message holding word (or NULL);
 * takes the reference */
void testmcp_assert_error(json_t *reply, int code, const char *word);
/* the text of content[i] of a tools/call reply (borrowed) */
const char *testmcp_text(json_t *reply, size_t i);

#endif
