/* testmcp.c: an MCP server wired to a fake certctl serve, for the MCP unit tests */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "tests/unit/testmcp.h"
#include "libcc/buf.h"
#include "libcc/err.h"
#include "libcc/mem.h"

static int fake_http(void *arg, const char *method, const char *path, const void *body,
		     size_t body_len, struct cc_response *out, struct cc_err *err)
{
	struct testmcp *t = arg;

	t->calls++;
	snprintf(t->method, sizeof(t->method), "%s", method);
	snprintf(t->path, sizeof(t->path), "%s", path);
	free(t->body);
	t->body = body ? cc_xstrndup(body, body_len) : NULL;
	memset(out, 0, sizeof(*out));
	if (t->unreachable)
		return cc_err_set(err, CC_E_UNAVAILABLE,
				  "cannot connect to http://fake: is "
				  "`certctl serve` running?");
	cc_buf_init(&out->body, 0);
	if (t->reply)
		cc_buf_add(&out->body, t->reply, t->reply_len ? t->reply_len : strlen(t->reply));
	out->status = t->status;
	snprintf(out->content_type, sizeof(out->content_type), "%s", t->ctype ? t->ctype : "");
	return 0;
}

void testmcp_init(struct testmcp *t, const char *version)
{
	memset(t, 0, sizeof(*t));
	mcp_server_init(&t->s, fake_http, t, "http://fake", NULL);
	t->status = 200;
	t->ctype = "application/json";
	t->reply = "{}";
	if (version) {
		char line[256];
		snprintf(line, sizeof(line),
			 "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":"
			 "{\"protocolVersion\":\"%s\",\"capabilities\":{}}}",
			 version);
		json_t *r = testmcp_send(t, line);
		assert_non_null(json_object_get(r, "result"));
		json_decref(r);
	}
}

void testmcp_release(struct testmcp *t)
{
	free(t->body);
	t->body = NULL;
}

json_t *testmcp_send(struct testmcp *t, const char *line)
{
	char *out = mcp_server_handle(&t->s, line, strlen(line));
	json_t *j;

	if (!out)
		return NULL;
	assert_null(strchr(out, '\n')); /* one message, one line */
	j = json_loads(out, 0, NULL);
	if (!j)
		fail_msg("reply is not JSON: %s", out);
	free(out);
	return j;
}

json_t *testmcp_call(struct testmcp *t, const char *name, const char *args)
{
	char *line = cc_xasprintf("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\","
				  "\"params\":{\"name\":\"%s\"%s%s}}",
				  name, args ? ",\"arguments\":" : "", args ? args : "");
	json_t *r = testmcp_send(t, line);

	free(line);
	assert_non_null(r);
	return r;
}

void testmcp_assert_error(json_t *reply, int code, const char *word)
{
	json_t *e = json_object_get(reply, "error");
	const char *msg = json_string_value(json_object_get(e, "message"));

	if (!e || json_integer_value(json_object_get(e, "code")) != code) {
		char *s = json_dumps(reply, JSON_COMPACT);
		fail_msg("want error %d, got %s", code, s ? s : "(no reply)");
	}
	assert_non_null(msg);
	if (word && !strstr(msg, word))
		fail_msg("error message '%s' lacks '%s'", msg, word);
	assert_non_null(json_object_get(reply, "id"));
	json_decref(reply);
}

const char *testmcp_text(json_t *reply, size_t i)
{
	json_t *c = json_object_get(json_object_get(reply, "result"), "content");

	return json_string_value(json_object_get(json_array_get(c, i), "text"));
}
