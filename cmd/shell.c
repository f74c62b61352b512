/* shell.c: placeholder */
#include "cmd/cmd.h"
static const struct cc_opt opts[] = { CC_OPT_END };
const struct cc_cmd_info cmd_shell_info = { .usage = "[options]", .opts = opts };
int cmd_shell(int argc, char **argv, struct cc_ctx *ctx)
{
	(void)argc;
	(void)argv;
	(void)ctx;
	return 1;
}
