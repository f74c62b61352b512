/* common.h: what the target connectors share: typed config access through libcc/safe.h,
 * the write-validate-reload-rollback sequence, results, and the deployed-serial check.
 *
 * Config rules for every connector: the config is a JSON object; a key that is absent or
 * null takes its default (if any); "" means "not set" (no default, and an error when the
 * key is required); any other JSON type than the expected one is CC_E_INVALID naming the
 * key. Unknown keys are ignored. */
#ifndef CC_TARGET_COMMON_H
#define CC_TARGET_COMMON_H

#include <stdbool.h>
#include <jansson.h>
#include "libcc/strv.h"

struct cc_err;
struct cc_fileset;
struct cc_deploy_req;
struct cc_deploy_res;

struct cc_target_ops;

/* the connectors, for registry.c */
extern const struct cc_target_ops cc_target_nginx, cc_target_apache, cc_target_haproxy,
	cc_target_traefik, cc_target_caddy, cc_target_envoy, cc_target_postfix, cc_target_dovecot;

/* validate and reload commands are killed after this long */
#define CC_TGT_CMD_TIMEOUT_MS 30000

/* config must be an object */
int cc_tgt_object(const json_t *config, struct cc_err *err);
/* a string value (borrowed; NULL when unset and no default) */
int cc_tgt_str(const json_t *config, const char *key, const char *def, bool required,
	       const char **out, struct cc_err *err);
/* an absolute path (caller frees *out; NULL when unset) */
int cc_tgt_path(const json_t *config, const char *key, const char *def, bool required, char **out,
		struct cc_err *err);
/* a single file name (caller frees *out; NULL when unset) */
int cc_tgt_filename(const json_t *config, const char *key, const char *def, bool required,
		    char **out, struct cc_err *err);
/* a command split into argv (argv->n == 0 when unset) */
int cc_tgt_command(const json_t *config, const char *key, const char *def, bool required,
		   struct cc_strv *argv, struct cc_err *err);
int cc_tgt_bool(const json_t *config, const char *key, bool def, bool *out, struct cc_err *err);

/* runs argv with CC_TGT_CMD_TIMEOUT_MS and the caller's environment minus CERTCTL_*
 * variables (the agent's API key is none of a reload script's business) */
int cc_tgt_exec(const struct cc_strv *argv, struct cc_err *err);

/* installs fs, runs validate (when set), then reload (when set). A failed validation
 * restores the previous files and does not reload; a failed reload restores them and reloads
 * again, best effort. The error says which step failed and what was restored. On success
 * the kept previous versions are dropped and *what describes the steps (caller frees). */
int cc_tgt_apply(struct cc_fileset *fs, const struct cc_strv *validate,
		 const struct cc_strv *reload, char **what, struct cc_err *err);

/* the request has a certificate (CC_E_INVALID otherwise) */
int cc_tgt_req_check(const struct cc_deploy_req *req, struct cc_err *err);
/* the chain of the request, "" when none */
const char *cc_tgt_chain(const struct cc_deploy_req *req);

/* adds <dir>/<cert_file> (0644: cert "\n", then chain "\n" when there is one) and, when the
 * request has a key, <dir>/<key_file> (0600); *cert_path (caller frees) is the first */
int cc_tgt_dir_files(struct cc_fileset *fs, const char *dir, const char *cert_file,
		     const char *key_file, const struct cc_deploy_req *req, char **cert_path,
		     struct cc_err *err);

/* fills res: deployment_id "<type_lower>-<unix seconds>", target_address, message */
void cc_tgt_result(struct cc_deploy_res *res, const char *type_lower, const char *address,
		   const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* the first certificate in the PEM file at path has serial serial_hex (any case, leading
 * zeros and ':' ignored); CC_E_CONFLICT when it is another one */
int cc_tgt_check_serial(const char *path, const char *serial_hex, struct cc_deploy_res *res,
			struct cc_err *err);
/* cc_tgt_check_serial() of <dir>/<file> */
int cc_tgt_check_serial_in(const char *dir, const char *file, const char *serial_hex,
			   struct cc_deploy_res *res, struct cc_err *err);

#endif
