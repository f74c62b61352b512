/* client-opts.c: building the HTTP client from the shared client options */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cmd/client-opts.h"
#include "libcc/err.h"
#include "libcc/banned.h"

int cc_cmd_client(struct cc_ctx *ctx, const struct cc_optv *ov, struct cc_client *cl)
{
	struct cc_err err = CC_ERR_INIT;
	const char *t = cc_opt_get(ctx->cmd, ov, "timeout"),
		   *ca = cc_opt_get(ctx->cmd, ov, "ca-cert");

	if (cc_client_init(cl, &ctx->cfg, NULL, NULL, &err) < 0)
		return cc_cmd_fail(ctx, &err);
	if (t) {
		char *end;
		double s = strtod(t, &end);
		if (*end || s <= 0 || s > 3600) {
			cc_client_release(cl);
			return cc_usage_error(ctx->cmd,
					      "--timeout must be a number of seconds (0-3600)");
		}
		cl->timeout_ms = (long)(s * 1000);
	}
	if (ca)
		cl->ca_cert = cc_xstrdup(ca);
	cl->insecure = cc_opt_isset(ctx->cmd, ov, "insecure");
	if (cc_opt_isset(ctx->cmd, ov, "no-color"))
		ctx->color = false;
	return 0;
}

bool cc_cmd_json(struct cc_ctx *ctx, const struct cc_optv *ov, int *rc)
{
	const char *f = cc_opt_get(ctx->cmd, ov, "format");

	*rc = 0;
	if (!f || !strcmp(f, "table"))
		return false;
	if (!strcmp(f, "json"))
		return true;
	*rc = cc_usage_error(ctx->cmd, "--format must be table or json");
	return false;
}
