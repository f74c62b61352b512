/* routes.c: `certctl __routes` — the routes serve answers, for the OpenAPI cross-check */
#include <stdio.h>
#include <string.h>
#include "cmd/cmd.h"
#include "daemon/routes.h"
#include "libcc/banned.h"

static const struct cc_opt opts[] = { CC_OPT_END };

const struct cc_cmd_info cmd___routes_info = {
	.usage = "",
	.description =
		"One line per route whose handler is built in: METHOD PATH [public] [agent].",
	.opts = opts,
	.subs = NULL,
};

int cmd___routes(int argc, char **argv, struct cc_ctx *ctx)
{
	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		cc_cmd_print_help(ctx->cmd, stdout);
		return 0;
	}
	if (argc > 1)
		return cc_usage_error(ctx->cmd, "takes no arguments");
	for (size_t i = 0; i < api_nroutes; i++) {
		const struct api_route *r = &api_routes[i];
		if (!r->fn)
			continue;
		printf("%s %s%s%s\n", r->method, r->pattern, r->flags & R_PUBLIC ? " public" : "",
		       r->flags & R_AGENT ? " agent" : "");
	}
	return 0;
}
