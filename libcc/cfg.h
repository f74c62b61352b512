/* cfg.h: configuration from config.def — defaults, file, CERTCTL_* environment, flags */
#ifndef CC_CFG_H
#define CC_CFG_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include "libcc/strv.h"

struct cc_err;

enum cc_cfg_key {
#define CC_CFG(key, env, type, def, spec, flags, help) CC_CFG_##key,
#include "libcc/config.def"
#undef CC_CFG
	CC_CFG__COUNT
};

enum cc_cfg_type {
	CFG_T_STR,
	CFG_T_SECRET,
	CFG_T_INT,
	CFG_T_BOOL,
	CFG_T_DUR,
	CFG_T_ENUM,
	CFG_T_LIST,
	CFG_T_PATH,
	CFG_T_URL
};
enum cc_cfg_src { CFG_SRC_DEFAULT, CFG_SRC_FILE, CFG_SRC_ENV, CFG_SRC_FLAG };

#define CFG_SRV 1
#define CFG_AGT 2
#define CFG_CLI 4
#define CFG_ALL 7

struct cc_cfg_desc {
	const char *key;
	const char *env;
	enum cc_cfg_type type;
	const char *def;
	const char *spec;
	int flags;
	const char *help;
};

struct cc_cfg {
	char *val[CC_CFG__COUNT];
	enum cc_cfg_src src[CC_CFG__COUNT];
	int64_t num[CC_CFG__COUNT]; /* INT value, BOOL 0/1, DUR microseconds */
	/* the process environment this configuration was read from */
	char *home, *xdg_data_home, *xdg_config_home, *xdg_state_home, *runtime_dir;
	bool no_color;
	uid_t uid;
	struct cc_strv warnings; /* e.g. an unknown CERTCTL_ variable close to a known one */
};

extern const struct cc_cfg_desc cc_cfg_table[CC_CFG__COUNT];

void cc_cfg_init(struct cc_cfg *cfg);
void cc_cfg_release(struct cc_cfg *cfg);
/* reads the config file (CERTCTL_CONFIG_FILE, or the default one if present), then envp */
int cc_cfg_load(struct cc_cfg *cfg, char **envp, struct cc_err *err);
int cc_cfg_load_file(struct cc_cfg *cfg, const char *path, bool must_exist, struct cc_err *err);
int cc_cfg_set(struct cc_cfg *cfg, enum cc_cfg_key key, const char *value, enum cc_cfg_src src,
	       struct cc_err *err);
/* checks every value; the message names the variable */
int cc_cfg_validate(struct cc_cfg *cfg, struct cc_err *err);
int cc_cfg_lookup(const char *name, enum cc_cfg_key *out);

const char *cc_cfg_str(const struct cc_cfg *cfg, enum cc_cfg_key key);
int64_t cc_cfg_int(const struct cc_cfg *cfg, enum cc_cfg_key key);
bool cc_cfg_bool(const struct cc_cfg *cfg, enum cc_cfg_key key);
int64_t cc_cfg_dur(const struct cc_cfg *cfg, enum cc_cfg_key key);
void cc_cfg_list(const struct cc_cfg *cfg, enum cc_cfg_key key, struct cc_strv *out);
const char *cc_cfg_src_name(enum cc_cfg_src src);

/* derived paths (caller frees) */
char *cc_cfg_data_dir(const struct cc_cfg *cfg);
char *cc_cfg_credentials_path(const struct cc_cfg *cfg);
char *cc_cfg_state_dir(const struct cc_cfg *cfg);

#endif
