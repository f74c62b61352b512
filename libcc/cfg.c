/* cfg.c: configuration — the only place that reads the environment */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "libcc/cfg.h"
#include "libcc/buf.h"
#include "libcc/err.h"
#include "libcc/time.h"
#include "libcc/banned.h"

const struct cc_cfg_desc cc_cfg_table[CC_CFG__COUNT] = {
#define CC_CFG(key, env, type, def, spec, flags, help)                                             \
	{ #key, env, CFG_T_##type, def, spec, flags, help },
#include "libcc/config.def"
#undef CC_CFG
};

void cc_cfg_init(struct cc_cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	for (int i = 0; i < CC_CFG__COUNT; i++)
		cfg->val[i] = cc_xstrdup(cc_cfg_table[i].def);
	cfg->uid = getuid();
}

void cc_cfg_release(struct cc_cfg *cfg)
{
	for (int i = 0; i < CC_CFG__COUNT; i++)
		free(cfg->val[i]);
	free(cfg->home);
	free(cfg->xdg_data_home);
	free(cfg->xdg_config_home);
	free(cfg->xdg_state_home);
	free(cfg->runtime_dir);
	cc_strv_release(&cfg->warnings);
	memset(cfg, 0, sizeof(*cfg));
}

int cc_cfg_lookup(const char *name, enum cc_cfg_key *out)
{
	for (int i = 0; i < CC_CFG__COUNT; i++) {
		if (!strcmp(name, cc_cfg_table[i].env) || !strcmp(name, cc_cfg_table[i].key)) {
			*out = (enum cc_cfg_key)i;
			return 0;
		}
	}
	return -1;
}

int cc_cfg_set(struct cc_cfg *cfg, enum cc_cfg_key key, const char *value, enum cc_cfg_src src,
	       struct cc_err *err)
{
	if (strlen(value) > 8192)
		return cc_err_set(err, CC_E_INVALID, "%s: value too long", cc_cfg_table[key].env);
	free(cfg->val[key]);
	cfg->val[key] = cc_xstrdup(value);
	cfg->src[key] = src;
	return 0;
}

static char *env_dup(char **envp, const char *name)
{
	size_t n = strlen(name);

	for (char **e = envp; e && *e; e++)
		if (!strncmp(*e, name, n) && (*e)[n] == '=')
			return cc_xstrdup(*e + n + 1);
	return NULL;
}

static void warn_unknown(struct cc_cfg *cfg, const char *name)
{
	int best = 3;
	const char *guess = NULL;

	for (int i = 0; i < CC_CFG__COUNT; i++) {
		int d = cc_str_distance(name, cc_cfg_table[i].env);
		if (d < best) {
			best = d;
			guess = cc_cfg_table[i].env;
		}
	}
	if (guess)
		cc_strv_take(&cfg->warnings,
			     cc_xasprintf("unknown variable %s: did you mean %s?", name, guess));
}

static void load_env(struct cc_cfg *cfg, char **envp)
{
	for (char **e = envp; e && *e; e++) {
		const char *eq = strchr(*e, '=');
		enum cc_cfg_key key;
		char *name;

		if (!eq || strncmp(*e, "CERTCTL_", 8))
			continue;
		name = cc_xstrndup(*e, (size_t)(eq - *e));
		/* an empty variable means "unset", as in v2.1 */
		if (!cc_cfg_lookup(name, &key) && !strcmp(name, cc_cfg_table[key].env)) {
			if (eq[1])
				cc_cfg_set(cfg, key, eq + 1, CFG_SRC_ENV, NULL);
		} else if (strncmp(name, "CERTCTL_TEST_", 13)) {
			warn_unknown(cfg, name);
		}
		free(name);
	}
}

static char *trim(char *s)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

int cc_cfg_load_file(struct cc_cfg *cfg, const char *path, bool must_exist, struct cc_err *err)
{
	FILE *f = fopen(path, "re");
	char line[9000];
	int lineno = 0, rc = -1;

	if (!f) {
		if (!must_exist && errno == ENOENT)
			return 0;
		return cc_err_set(err, CC_E_CONFIG, "cannot read config file '%s': %s", path,
				  strerror(errno));
	}
	while (fgets(line, sizeof(line), f)) {
		char *s = trim(line), *eq, *k, *v;
		enum cc_cfg_key key;
		size_t n;

		lineno++;
		if (!*s || *s == '#')
			continue;
		eq = strchr(s, '=');
		if (!eq) {
			cc_err_set(err, CC_E_CONFIG, "%s:%d: expected KEY=VALUE", path, lineno);
			goto out;
		}
		*eq = '\0';
		k = trim(s);
		v = trim(eq + 1);
		n = strlen(v);
		if (n >= 2 && (v[0] == '"' || v[0] == '\'') && v[n - 1] == v[0]) {
			v[n - 1] = '\0';
			v++;
		}
		if (cc_cfg_lookup(k, &key)) {
			cc_err_set(err, CC_E_CONFIG, "%s:%d: unknown setting '%s'", path, lineno,
				   k);
			goto out;
		}
		/* a file never overrides the environment or a flag, whenever it is read */
		if (*v && cfg->src[key] <= CFG_SRC_FILE)
			cc_cfg_set(cfg, key, v, CFG_SRC_FILE, NULL);
	}
	rc = 0;
out:
	fclose(f);
	return rc;
}

static char *default_config_file(const struct cc_cfg *cfg)
{
	if (cfg->uid == 0)
		return cc_xstrdup("/etc/certctl/certctl.conf");
	if (cfg->xdg_config_home)
		return cc_xasprintf("%s/certctl/certctl.conf", cfg->xdg_config_home);
	if (cfg->home)
		return cc_xasprintf("%s/.config/certctl/certctl.conf", cfg->home);
	return NULL;
}

int cc_cfg_load(struct cc_cfg *cfg, char **envp, struct cc_err *err)
{
	char *file;
	int rc;

	cfg->home = env_dup(envp, "HOME");
	cfg->xdg_data_home = env_dup(envp, "XDG_DATA_HOME");
	cfg->xdg_config_home = env_dup(envp, "XDG_CONFIG_HOME");
	cfg->xdg_state_home = env_dup(envp, "XDG_STATE_HOME");
	cfg->runtime_dir = env_dup(envp, "XDG_RUNTIME_DIR");
	char *nc = env_dup(envp, "NO_COLOR");
	cfg->no_color = nc && *nc;
	free(nc);

	file = env_dup(envp, "CERTCTL_CONFIG_FILE");
	if (file && *file) {
		rc = cc_cfg_load_file(cfg, file, true, err);
	} else {
		free(file);
		file = default_config_file(cfg);
		rc = file ? cc_cfg_load_file(cfg, file, false, err) : 0;
	}
	free(file);
	if (rc < 0)
		return -1;
	load_env(cfg, envp);
	return 0;
}

static int parse_int(const char *s, int64_t *out)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (!*s || *end || errno)
		return -1;
	*out = v;
	return 0;
}

/* spec "min..max", either side optional; DUR bounds are durations */
static int check_range(const struct cc_cfg_desc *d, const char *text, int64_t v, struct cc_err *err)
{
	const char *dots = strstr(d->spec, "..");
	char lo[32] = "", hi[32] = "";
	int64_t min, max;

	if (!dots)
		return 0;
	snprintf(lo, sizeof(lo), "%.*s", (int)(dots - d->spec), d->spec);
	snprintf(hi, sizeof(hi), "%s", dots + 2);
	if (d->type == CFG_T_DUR) {
		if (*lo && !cc_duration_parse(lo, &min) && v < min)
			return cc_err_set(err, CC_E_CONFIG, "%s: '%s' is too short (at least %s)",
					  d->env, text, lo);
		if (*hi && !cc_duration_parse(hi, &max) && v > max)
			return cc_err_set(err, CC_E_CONFIG, "%s: '%s' is too long (at most %s)",
					  d->env, text, hi);
		return 0;
	}
	if ((*lo && !parse_int(lo, &min) && v < min) || (*hi && !parse_int(hi, &max) && v > max))
		return cc_err_set(err, CC_E_CONFIG, "%s: '%s' is out of range (%s to %s)", d->env,
				  text, *lo ? lo : "-", *hi ? hi : "any");
	return 0;
}

static int check_enum(const struct cc_cfg_desc *d, const char *v, struct cc_err *err)
{
	struct cc_strv opts = CC_STRV_INIT;
	bool ok;

	cc_strv_split(&opts, d->spec, '|');
	ok = cc_strv_has(&opts, v);
	cc_strv_release(&opts);
	if (!ok)
		return cc_err_set(err, CC_E_CONFIG, "%s: '%s' is not one of %s", d->env, v,
				  d->spec);
	return 0;
}

static int validate_one(struct cc_cfg *cfg, int i, struct cc_err *err)
{
	const struct cc_cfg_desc *d = &cc_cfg_table[i];
	const char *v = cfg->val[i];

	switch (d->type) {
	case CFG_T_INT:
		if (parse_int(v, &cfg->num[i]))
			return cc_err_set(err, CC_E_CONFIG, "%s: '%s' is not an integer", d->env,
					  v);
		return check_range(d, v, cfg->num[i], err);
	case CFG_T_BOOL:
		if (!strcasecmp(v, "true") || !strcmp(v, "1") || !strcasecmp(v, "yes") ||
		    !strcasecmp(v, "on"))
			cfg->num[i] = 1;
		else if (!strcasecmp(v, "false") || !strcmp(v, "0") || !strcasecmp(v, "no") ||
			 !strcasecmp(v, "off"))
			cfg->num[i] = 0;
		else
			return cc_err_set(err, CC_E_CONFIG, "%s: '%s' is not true or false", d->env,
					  v);
		return 0;
	case CFG_T_DUR:
		if (!*v) {
			cfg->num[i] = 0;
			return 0;
		}
		if (cc_duration_parse(v, &cfg->num[i]))
			return cc_err_set(err, CC_E_CONFIG,
					  "%s: '%s' is not a duration (e.g. 30s, 5m, 1h30m)",
					  d->env, v);
		return check_range(d, v, cfg->num[i], err);
	case CFG_T_ENUM:
		return check_enum(d, v, err);
	case CFG_T_URL:
		if (*v && strncmp(v, "http://", 7) && strncmp(v, "https://", 8))
			return cc_err_set(err, CC_E_CONFIG, "%s: '%s' is not an http(s) URL",
					  d->env, v);
		return 0;
	default:
		return 0;
	}
}

int cc_cfg_validate(struct cc_cfg *cfg, struct cc_err *err)
{
	for (int i = 0; i < CC_CFG__COUNT; i++)
		if (validate_one(cfg, i, err) < 0)
			return -1;
	/* the v2.1 name wins over our alias only when the alias is unset */
	if (cfg->src[CC_CFG_renewal_check_interval] != CFG_SRC_DEFAULT &&
	    cfg->src[CC_CFG_scheduler_renewal_check_interval] == CFG_SRC_DEFAULT)
		cfg->num[CC_CFG_scheduler_renewal_check_interval] =
			cfg->num[CC_CFG_renewal_check_interval];
	const char *db = cfg->val[CC_CFG_database_url];
	if (*db && strncmp(db, "postgres://", 11) && strncmp(db, "postgresql://", 13) &&
	    strncmp(db, "sqlite:", 7)) {
		/* name the value, but never a password in it: hide user:password@ */
		const char *sep = strstr(db, "://"), *at = sep ? strchr(sep + 3, '@') : NULL;
		const char *slash = sep ? strchr(sep + 3, '/') : NULL;
		if (at && slash && slash < at)
			at = NULL;
		return cc_err_set(err, CC_E_CONFIG,
				  "CERTCTL_DATABASE_URL: '%.*s%s%s' is not supported; expected "
				  "postgres://... or sqlite:PATH",
				  at ? (int)(sep + 3 - db) : 200, db, at ? "***" : "",
				  at ? at : "");
	}
	return 0;
}

const char *cc_cfg_str(const struct cc_cfg *cfg, enum cc_cfg_key key)
{
	return cfg->val[key];
}

int64_t cc_cfg_int(const struct cc_cfg *cfg, enum cc_cfg_key key)
{
	return cfg->num[key];
}

bool cc_cfg_bool(const struct cc_cfg *cfg, enum cc_cfg_key key)
{
	return cfg->num[key] != 0;
}

int64_t cc_cfg_dur(const struct cc_cfg *cfg, enum cc_cfg_key key)
{
	return cfg->num[key];
}

void cc_cfg_list(const struct cc_cfg *cfg, enum cc_cfg_key key, struct cc_strv *out)
{
	cc_strv_split(out, cfg->val[key], ',');
}

const char *cc_cfg_src_name(enum cc_cfg_src src)
{
	static const char *names[] = { "default", "file", "env", "flag" };

	return names[src];
}

char *cc_cfg_data_dir(const struct cc_cfg *cfg)
{
	if (*cfg->val[CC_CFG_data_dir])
		return cc_xstrdup(cfg->val[CC_CFG_data_dir]);
	if (cfg->uid == 0)
		return cc_xstrdup("/var/lib/certctl");
	if (cfg->xdg_data_home && *cfg->xdg_data_home)
		return cc_xasprintf("%s/certctl", cfg->xdg_data_home);
	return cc_xasprintf("%s/.local/share/certctl", cfg->home ? cfg->home : ".");
}

char *cc_cfg_credentials_path(const struct cc_cfg *cfg)
{
	if (cfg->uid == 0 || *cfg->val[CC_CFG_data_dir]) {
		char *dir = cc_cfg_data_dir(cfg);
		char *p = cc_xasprintf("%s/credentials", dir);
		free(dir);
		return p;
	}
	if (cfg->xdg_config_home && *cfg->xdg_config_home)
		return cc_xasprintf("%s/certctl/credentials", cfg->xdg_config_home);
	return cc_xasprintf("%s/.config/certctl/credentials", cfg->home ? cfg->home : ".");
}

char *cc_cfg_state_dir(const struct cc_cfg *cfg)
{
	if (cfg->xdg_state_home && *cfg->xdg_state_home)
		return cc_xasprintf("%s/certctl", cfg->xdg_state_home);
	return cc_xasprintf("%s/.local/state/certctl", cfg->home ? cfg->home : ".");
}
