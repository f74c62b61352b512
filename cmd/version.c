/* version.c: `certctl version` / `certctl --version [-v]` */
#include <stdio.h>
#include <string.h>
#include <curl/curl.h>
#include <jansson.h>
#include <libpq-fe.h>
#include <microhttpd.h>
#include <openssl/crypto.h>
#include <sqlite3.h>
#include "cmd/cmd.h"
#include "version.h"
#include "libcc/banned.h"

static const struct cc_opt opts[] = {
	{ "verbose", 'v', NULL, "also print the versions of the linked libraries", -1 },
	CC_OPT_END,
};

const struct cc_cmd_info cmd_version_info = {
	.usage = "[-v]",
	.description = NULL,
	.opts = opts,
	.subs = NULL,
};

int cmd_version(int argc, char **argv, struct cc_ctx *ctx)
{
	struct cc_optv ov;
	int rc;

	if (!cc_cmd_start(ctx, argc, argv, &ov, &rc))
		return rc;
	printf("certctl %s (commit %s, built %s)\n", CC_VERSION, CC_GIT_COMMIT, CC_BUILD_DATE);
	if (cc_opt_isset(ctx->cmd, &ov, "verbose")) {
		int pq = PQlibVersion();
		printf("  OpenSSL        %s\n", OpenSSL_version(OPENSSL_VERSION_STRING));
		printf("  libmicrohttpd  %s\n", MHD_get_version());
		printf("  SQLite         %s\n", sqlite3_libversion());
		printf("  libpq          %d.%d\n", pq / 10000, pq % 10000);
		printf("  jansson        %s\n", jansson_version_str());
		printf("  libcurl        %s\n", curl_version_info(CURLVERSION_NOW)->version);
	}
	cc_optv_release(&ov);
	return 0;
}
