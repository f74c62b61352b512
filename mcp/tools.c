/* tools.c: the tool table expanded from tools.def, and the tools/list entries made from it */
#include <string.h>
#include "mcp/mcp.h"
#include "libcc/mem.h"
#include "libcc/banned.h"

#define REQ 1
#define ARGS_END                                                                                   \
	{                                                                                          \
		0                                                                                  \
	}

/* one argument array per tool, NULL-terminated: each TOOL row ends the previous array */
#define TOOL(name, method, path, flags, desc)                                                      \
	ARGS_END                                                                                   \
	}                                                                                          \
	;                                                                                          \
	static const struct mcp_arg args_##name[] = {
#define ARG(name, type, in, flags, enums, desc)                                                    \
	{ #name, MCP_T_##type, MCP_IN_##in, (flags) == REQ, enums, desc },
static const struct mcp_arg args_before_first_[] CC_UNUSED = {
#include "mcp/tools.def"
	ARGS_END
};
#undef TOOL
#undef ARG

#define TOOL(name, method, path, flags, desc) { #name, #method, path, flags, desc, args_##name },
#define ARG(name, type, in, flags, enums, desc)
static const struct mcp_tool tools[] = {
#include "mcp/tools.def"
};
#undef TOOL
#undef ARG

static const struct mcp_arg paging[] = {
	{ "page", MCP_T_INT, MCP_IN_QUERY, false, NULL, "Page number, from 1 (default 1)." },
	{ "per_page", MCP_T_INT, MCP_IN_QUERY, false, NULL,
	  "Items per page (default 50, at most 1000)." },
	{ "sort", MCP_T_STR, MCP_IN_QUERY, false, NULL,
	  "Sort key such as created_at or name; a leading '-' sorts descending." },
	{ "fields", MCP_T_STR, MCP_IN_QUERY, false, NULL,
	  "Comma-separated keys to keep in each item, e.g. id,name,status: smaller answers." },
	ARGS_END,
};

size_t mcp_tool_count(void)
{
	return sizeof(tools) / sizeof(tools[0]);
}

const struct mcp_tool *mcp_tool_at(size_t i)
{
	return i < mcp_tool_count() ? &tools[i] : NULL;
}

const struct mcp_tool *mcp_tool_find(const char *name)
{
	for (size_t i = 0; name && i < mcp_tool_count(); i++)
		if (!strcmp(tools[i].name, name))
			return &tools[i];
	return NULL;
}

const struct mcp_arg *mcp_tool_arg(const struct mcp_tool *t, size_t i)
{
	size_t own = 0;

	while (t->args[own].name)
		own++;
	if (i < own)
		return &t->args[i];
	if (!(t->flags & MCP_PAGED) || i - own >= sizeof(paging) / sizeof(paging[0]) - 1)
		return NULL;
	return &paging[i - own];
}

static const char *const type_names[] = {
	[MCP_T_STR] = "string", [MCP_T_INT] = "integer",   [MCP_T_BOOL] = "boolean",
	[MCP_T_STRS] = "array", [MCP_T_INTS] = "array",	   [MCP_T_OBJ] = "object",
	[MCP_T_OBJS] = "array", [MCP_T_STRMAP] = "object",
};

/* the JSON Schema of one argument (new ref) */
static json_t *arg_schema(const struct mcp_arg *a)
{
	json_t *s = json_object();

	if (a->type != MCP_T_ANY)
		json_object_set_new(s, "type", json_string(type_names[a->type]));
	if (a->type == MCP_T_STRS)
		json_object_set_new(s, "items", json_pack("{s:s}", "type", "string"));
	else if (a->type == MCP_T_INTS)
		json_object_set_new(s, "items", json_pack("{s:s}", "type", "integer"));
	else if (a->type == MCP_T_OBJS)
		json_object_set_new(s, "items", json_pack("{s:s}", "type", "object"));
	else if (a->type == MCP_T_STRMAP)
		json_object_set_new(s, "additionalProperties",
				    json_pack("{s:s}", "type", "string"));
	else if (a->type == MCP_T_STR && a->in == MCP_IN_PATH)
		json_object_set_new(s, "minLength", json_integer(1));
	if (a->enums) {
		json_t *e = json_array();
		const char *p = a->enums, *bar;
		do {
			bar = strchr(p, '|');
			json_array_append_new(e,
					      json_stringn(p, bar ? (size_t)(bar - p) : strlen(p)));
			p = bar + 1;
		} while (bar);
		json_object_set_new(s, "enum", e);
	}
	json_object_set_new(s, "description", json_string(a->desc));
	return s;
}

static json_t *input_schema(const struct mcp_tool *t)
{
	json_t *props = json_object(), *req = json_array();
	const struct mcp_arg *a;
	json_t *s;

	for (size_t i = 0; (a = mcp_tool_arg(t, i)); i++) {
		json_object_set_new(props, a->name, arg_schema(a));
		if (a->required)
			json_array_append_new(req, json_string(a->name));
	}
	s = json_pack("{s:s, s:o}", "type", "object", "properties", props);
	if (json_array_size(req))
		json_object_set(s, "required", req);
	json_object_set_new(s, "additionalProperties", json_false());
	json_decref(req);
	return s;
}

json_t *mcp_tool_json(const struct mcp_tool *t)
{
	bool ro = t->flags & MCP_RO;
	json_t *ann = json_pack("{s:b}", "readOnlyHint", ro);

	/* the spec's defaults for writes are destructive and not idempotent: say it each time */
	if (!ro) {
		json_object_set_new(ann, "destructiveHint",
				    json_boolean(t->flags & MCP_DESTRUCTIVE));
		json_object_set_new(
			ann, "idempotentHint",
			json_boolean(!strcmp(t->method, "PUT") || !strcmp(t->method, "DELETE")));
	}
	return json_pack("{s:s, s:s, s:o, s:o}", "name", t->name, "description", t->desc,
			 "inputSchema", input_schema(t), "annotations", ann);
}
