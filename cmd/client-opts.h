/* client-opts.h: the options every command that talks to serve accepts */
#ifndef CC_CLIENT_OPTS_H
#define CC_CLIENT_OPTS_H

#include "cmd/cmd.h"
#include "libcc/client.h"

/* the connection options: server, key, TLS, timeout, and --quiet, --no-color */
#define CC_CLIENT_CONN_OPTS                                                                        \
	{ "server", 's', "URL", "certctl server URL", CC_CFG_server_url },                         \
		{ "api-key", 'k', "KEY",                                                           \
		  "API key (default: the credentials file written by serve)", CC_CFG_api_key },    \
		{ "timeout", 0, "SECONDS", "request timeout (default 30)", -1 },                   \
		{ "ca-cert", 0, "FILE", "PEM CA certificate to trust for https", -1 },             \
		{ "insecure", 0, NULL, "do not verify the server's TLS certificate", -1 },         \
		{ "config", 'c', "FILE", "read settings from FILE", CC_CFG_config_file },          \
		{ "quiet", 'q', NULL, "print only errors (lists: only the ids)", -1 },             \
	{                                                                                          \
		"no-color", 0, NULL, "never use colors (also NO_COLOR)", -1                        \
	}
#define CC_CLIENT_OPTS                                                                             \
	CC_CLIENT_CONN_OPTS,                                                                       \
	{                                                                                          \
		"format", 'o', "FORMAT", "output: table or json", -1                               \
	}

/* the client from --server/--api-key/--timeout/--ca-cert/--insecure (after cc_ctx_setup);
 * returns 0 or an exit status after printing the error */
int cc_cmd_client(struct cc_ctx *ctx, const struct cc_optv *ov, struct cc_client *cl);
/* true when --format json was asked; 2 (usage) is returned through *rc for a bad value */
bool cc_cmd_json(struct cc_ctx *ctx, const struct cc_optv *ov, int *rc);

#endif
