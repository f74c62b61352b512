/* stdio.c: the MCP stdio transport — one JSON-RPC message per line in, one per line out.
 * A line past MCP_LINE_MAX is skipped to its end and answered with a parse error. */
#include <stdlib.h>
#include <string.h>
#include "mcp/mcp.h"
#include "libcc/buf.h"
#include "libcc/banned.h"

/* reads one line without its "\n" (and "\r"); false at EOF with nothing read.
 * *too_big is set when the line was longer than b->max (b then holds its start). */
static bool read_line(FILE *in, struct cc_buf *b, bool *too_big)
{
	int c;
	bool any = false;

	cc_buf_reset(b);
	*too_big = false;
	while ((c = getc_unlocked(in)) != EOF) {
		any = true;
		if (c == '\n')
			break;
		if (b->len < b->max)
			cc_buf_addc(b, (char)c);
		else
			*too_big = true;
	}
	if (b->len && b->buf[b->len - 1] == '\r')
		cc_buf_setlen(b, b->len - 1);
	return any;
}

static int put(FILE *out, const char *line)
{
	if (fputs(line, out) < 0 || putc_unlocked('\n', out) == EOF || fflush(out))
		return -1;
	return 0;
}

int mcp_server_run(struct mcp_server *s, FILE *in, FILE *out)
{
	struct cc_buf line;
	bool too_big;
	int rc = 0;

	cc_buf_init(&line, MCP_LINE_MAX);
	while (rc == 0 && read_line(in, &line, &too_big)) {
		char *reply = NULL;
		if (too_big)
			reply = cc_xasprintf(
				"{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":%d,"
				"\"message\":\"parse error: a message is limited to "
				"%u bytes\"}}",
				MCP_PARSE_ERROR, MCP_LINE_MAX);
		else if (line.len && strspn(line.buf, " \t") != line.len)
			reply = mcp_server_handle(s, line.buf, line.len);
		if (reply)
			rc = put(out, reply);
		free(reply);
	}
	cc_buf_release(&line);
	return rc;
}
