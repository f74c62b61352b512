/* paths.h: the connectors configured by cert_path, key_path, chain_path, validate_command and
 * reload_command (NGINX, Apache, Postfix, Dovecot), with per-type defaults.
 *
 * Files: cert_path (0644) holds the leaf, followed by "\n" and the chain when chain_path is
 * unset and there is a chain; chain_path (0644) the chain as given; key_path (0600) the key
 * when both the key and key_path are there. Then validate_command, then reload_command. */
#ifndef CC_TARGET_PATHS_H
#define CC_TARGET_PATHS_H

#include <jansson.h>
#include "libcc/strv.h"

struct cc_err;
struct cc_deploy_req;
struct cc_deploy_res;

struct cc_tgt_paths_spec {
	const char *type; /* lower case, for deployment ids */
	/* defaults (NULL: none) applied by validate_config and deploy alike */
	const char *cert_path, *key_path, *validate, *reload;
};

struct cc_tgt_paths {
	char *cert_path, *key_path, *chain_path;
	struct cc_strv validate, reload;
};

int cc_tgt_paths_parse(const json_t *config, const struct cc_tgt_paths_spec *spec,
		       struct cc_tgt_paths *p, struct cc_err *err);
void cc_tgt_paths_release(struct cc_tgt_paths *p);
/* parse and forget: the validate_config of these connectors */
int cc_tgt_paths_validate(const struct cc_tgt_paths_spec *spec, const json_t *config,
			  struct cc_err *err);
int cc_tgt_paths_deploy(const struct cc_tgt_paths_spec *spec, const struct cc_deploy_req *req,
			struct cc_deploy_res *res, struct cc_err *err);
int cc_tgt_paths_check(const struct cc_tgt_paths_spec *spec, const json_t *config,
		       const char *serial_hex, struct cc_deploy_res *res, struct cc_err *err);

#endif
