/* args.c: checking tools/call arguments against a tool's schema and turning them into the
 * REST request: path parameters escaped into the template, a query string, a JSON body */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "mcp/mcp.h"
#include "libcc/buf.h"
#include "libcc/err.h"
#include "libcc/banned.h"

static const struct mcp_arg *arg_find(const struct mcp_tool *t, const char *name)
{
	const struct mcp_arg *a;

	for (size_t i = 0; (a = mcp_tool_arg(t, i)); i++)
		if (!strcmp(a->name, name))
			return a;
	return NULL;
}

/* an integer, or a real with no fraction (some clients send 5.0) */
static bool is_int(json_t *v)
{
	double d;

	if (json_is_integer(v))
		return true;
	if (!json_is_real(v))
		return false;
	d = json_real_value(v);
	return d == floor(d) && fabs(d) < 9007199254740992.0;
}

static json_int_t int_of(json_t *v)
{
	return json_is_integer(v) ? json_integer_value(v) : (json_int_t)json_real_value(v);
}

static bool all_items(json_t *arr, bool (*ok)(json_t *))
{
	size_t i;
	json_t *v;

	json_array_foreach (arr, i, v)
		if (!ok(v))
			return false;
	return true;
}

static bool is_string(json_t *v)
{
	return json_is_string(v);
}

static bool is_object(json_t *v)
{
	return json_is_object(v);
}

static bool in_enum(const char *enums, const char *s)
{
	size_t n = strlen(s);

	for (const char *p = enums; p; p = strchr(p, '|')) {
		p += *p == '|';
		if (!strncmp(p, s, n) && (p[n] == '|' || !p[n]))
			return true;
	}
	return false;
}

static const char *const expected[] = {
	[MCP_T_STR] = "a string",
	[MCP_T_INT] = "an integer",
	[MCP_T_BOOL] = "a boolean",
	[MCP_T_STRS] = "an array of strings",
	[MCP_T_INTS] = "an array of integers",
	[MCP_T_OBJ] = "an object",
	[MCP_T_OBJS] = "an array of objects",
	[MCP_T_STRMAP] = "an object of strings",
	[MCP_T_ANY] = "any JSON value",
};

static bool type_ok(const struct mcp_arg *a, json_t *v)
{
	switch (a->type) {
	case MCP_T_STR:
		return json_is_string(v) && (a->in != MCP_IN_PATH || json_string_length(v));
	case MCP_T_INT:
		return is_int(v);
	case MCP_T_BOOL:
		return json_is_boolean(v);
	case MCP_T_STRS:
		return json_is_array(v) && all_items(v, is_string);
	case MCP_T_INTS:
		return json_is_array(v) && all_items(v, is_int);
	case MCP_T_OBJ:
		return json_is_object(v);
	case MCP_T_OBJS:
		return json_is_array(v) && all_items(v, is_object);
	case MCP_T_STRMAP: {
		const char *k;
		json_t *x;
		if (!json_is_object(v))
			return false;
		json_object_foreach (v, k, x)
			if (!json_is_string(x))
				return false;
		return true;
	}
	case MCP_T_ANY:
		return true;
	}
	return false;
}

static int check(const struct mcp_tool *t, json_t *args, struct cc_err *err)
{
	const struct mcp_arg *a;
	const char *k;
	json_t *v;

	if (args && !json_is_object(args))
		return cc_err_set(err, CC_E_INVALID, "arguments must be an object");
	json_object_foreach (args, k, v) {
		if (!(a = arg_find(t, k)))
			return cc_err_set(err, CC_E_INVALID, "unknown argument '%.64s' for %s", k,
					  t->name);
		if (!type_ok(a, v))
			return cc_err_set(err, CC_E_INVALID, "argument '%s' must be %s%s", k,
					  expected[a->type],
					  a->in == MCP_IN_PATH ? " (not empty)" : "");
		if (a->enums && !in_enum(a->enums, json_string_value(v)))
			return cc_err_set(err, CC_E_INVALID, "argument '%s' must be one of: %s", k,
					  a->enums);
	}
	for (size_t i = 0; (a = mcp_tool_arg(t, i)); i++)
		if (a->required && !json_object_get(args, a->name))
			return cc_err_set(err, CC_E_INVALID, "missing required argument '%s'",
					  a->name);
	return 0;
}

/* the template with each {name} replaced by its escaped argument */
static char *fill_path(const struct mcp_tool *t, json_t *args)
{
	struct cc_buf b = CC_BUF_INIT;

	for (const char *p = t->path; *p;) {
		const char *close = *p == '{' ? strchr(p, '}') : NULL;
		if (!close) {
			cc_buf_addc(&b, *p++);
			continue;
		}
		char name[64];
		snprintf(name, sizeof(name), "%.*s", (int)(close - p - 1), p + 1);
		char *esc = cc_url_escape(json_string_value(json_object_get(args, name)));
		cc_buf_adds(&b, esc);
		free(esc);
		p = close + 1;
	}
	return cc_buf_detach(&b, NULL);
}

static void add_query(struct cc_buf *b, const char *name, json_t *v)
{
	char *esc;

	cc_buf_addf(b, "%c%s=", strchr(b->buf, '?') ? '&' : '?', name);
	if (json_is_string(v)) {
		esc = cc_url_escape(json_string_value(v));
		cc_buf_adds(b, esc);
		free(esc);
	} else if (json_is_boolean(v)) {
		cc_buf_adds(b, json_is_true(v) ? "true" : "false");
	} else {
		cc_buf_addf(b, "%" JSON_INTEGER_FORMAT, int_of(v));
	}
}

int mcp_request_build(const struct mcp_tool *t, json_t *args, struct mcp_request *rq,
		      struct cc_err *err)
{
	struct cc_buf path = CC_BUF_INIT;
	const struct mcp_arg *a;
	json_t *body = NULL, *v;
	char *base;

	memset(rq, 0, sizeof(*rq));
	if (check(t, args, err) < 0)
		return -1;
	base = fill_path(t, args);
	cc_buf_adds(&path, base);
	free(base);
	for (size_t i = 0; (a = mcp_tool_arg(t, i)); i++) {
		if (a->in == MCP_IN_BODY && !body)
			body = json_object(); /* a tool with a body sends {} at least */
		if (!(v = json_object_get(args, a->name)))
			continue;
		if (a->in == MCP_IN_QUERY)
			add_query(&path, a->name, v);
		else if (a->in == MCP_IN_BODY)
			json_object_set_new(body, a->name,
					    a->type == MCP_T_INT ? json_integer(int_of(v))
								 : json_incref(v));
	}
	rq->method = t->method;
	rq->path = cc_buf_detach(&path, NULL);
	if (body)
		rq->body = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	return 0;
}

void mcp_request_release(struct mcp_request *rq)
{
	free(rq->path);
	free(rq->body);
	memset(rq, 0, sizeof(*rq));
}
