/* cmd.h: the command table, option tables and the context every command gets */
#ifndef CC_CMD_H
#define CC_CMD_H

#include <stdbool.h>
#include <stdio.h>
#include "libcc/cfg.h"
#include "libcc/log.h"
#include "libcc/strv.h"

struct cc_db;

#define CMD_CFG 0x1    /* loads and validates the configuration */
#define CMD_HIDDEN 0x2 /* not listed in help */

/* an option of a command; cfg >= 0 makes it override that configuration key */
struct cc_opt {
	const char *name; /* long name without "--" */
	char shortc;	  /* 0 = none */
	const char *arg;  /* value placeholder, NULL for a switch */
	const char *help;
	int cfg; /* enum cc_cfg_key or -1 */
};

#define CC_OPT_END                                                                                 \
	{                                                                                          \
		NULL, 0, NULL, NULL, -1                                                            \
	}

struct cli;

/* a subcommand (verb) of a command. Resource commands (certs, jobs ...) also give its
 * options, handler and API path; help, man pages, completion and the shell read them. */
struct cc_subcmd {
	const char *name;
	const char *summary;
	const char *usage;	    /* arguments after the subcommand name */
	const struct cc_opt *opts;  /* options of this verb only, NULL = none */
	int (*run)(struct cli *cl); /* the handler of a resource verb (cmd/cli.h) */
	const char *path;	    /* API path; {x} takes the next argument */
	const void *data;	    /* columns, field renames ... for run */
};

struct cc_cmd_info {
	const char *usage;	 /* "[options]" */
	const char *description; /* paragraph for --help and the man page */
	const struct cc_opt *opts;
	const struct cc_subcmd *subs; /* NULL-terminated or NULL */
};

struct cc_ctx {
	struct cc_cfg cfg;
	struct cc_log log;
	char **envp;
	const struct cc_cmd *cmd;
	bool color; /* stderr/stdout is a terminal and NO_COLOR is unset */
};

struct cc_cmd {
	const char *name;
	const char *link;
	unsigned flags;
	const char *summary;
	int (*fn)(int argc, char **argv, struct cc_ctx *ctx);
	const struct cc_cmd_info *info;
};

#define CC_CMD(name, link, flags, summary)                                                         \
	int cmd_##name(int argc, char **argv, struct cc_ctx *ctx);                                 \
	extern const struct cc_cmd_info cmd_##name##_info;
#define CC_CMDN(ident, name, link, flags, summary) CC_CMD(ident, link, flags, summary)
#include "cmd/commands.def"
#undef CC_CMDN
#undef CC_CMD

extern const struct cc_cmd cc_commands[];
const struct cc_cmd *cc_cmd_find(const char *name);
/* runs a command with a fresh context (configuration loaded for CMD_CFG); argv[0] is its name */
int cc_cmd_run(const struct cc_cmd *cmd, int argc, char **argv);

/* parsed options: values indexed like the opts[] table, plus positionals */
struct cc_optv {
	const char *val[64];
	bool set[64];
	struct cc_strv pos;
};

/* parses argv[1..]; options may follow positionals, "--" ends options.
 * Returns 0, or exit status 2 after printing a usage error; *help is set by --help. */
int cc_opts_parse(const struct cc_cmd *cmd, int argc, char **argv, struct cc_optv *ov, bool *help);
void cc_optv_release(struct cc_optv *ov);
/* the start of every command: parses the options; false when the command is done already
 * (--help printed: *rc = 0, or a usage error: *rc = 2), with ov released */
bool cc_cmd_start(struct cc_ctx *ctx, int argc, char **argv, struct cc_optv *ov, int *rc);
const struct cc_opt *cc_opt_find(const struct cc_opt *opts, const char *name);
const char *cc_opt_get(const struct cc_cmd *cmd, const struct cc_optv *ov, const char *name);
bool cc_opt_isset(const struct cc_cmd *cmd, const struct cc_optv *ov, const char *name);
/* applies options that override configuration keys, then validates the configuration */
int cc_opts_apply_cfg(struct cc_ctx *ctx, const struct cc_optv *ov);
void cc_cmd_print_help(const struct cc_cmd *cmd, FILE *out);
/* usage error: prints "certctl NAME: msg" and a --help hint, returns 2 */
int cc_usage_error(const struct cc_cmd *cmd, const char *fmt, ...) CC_PRINTF(2, 3);
/* prints "certctl: message" (+ hint) and returns the exit status of the error code */
int cc_cmd_fail(struct cc_ctx *ctx, const struct cc_err *err);

/* the meaning of each exit status, 0 to 4, NULL-terminated (help exit-codes, man pages) */
extern const char *const cc_exit_codes[];

/* opens the configured database (default: SQLite file under the data dir) */
struct cc_db *cc_ctx_open_db(struct cc_ctx *ctx, struct cc_err *err);
char *cc_ctx_database_url(struct cc_ctx *ctx, struct cc_err *err);
/* applies option overrides, validates the configuration, sets log level and format;
 * returns 0 or an exit status */
int cc_ctx_setup(struct cc_ctx *ctx, const struct cc_optv *ov);

#endif
