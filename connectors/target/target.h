/* target.h: the target connector interface (deploy a certificate onto a server) and its
 * registry. Connectors run inside the agent; each is one file plus one registry row. */
#ifndef CC_CONNECTORS_TARGET_H
#define CC_CONNECTORS_TARGET_H

#include <jansson.h>
#include <stdint.h>

struct cc_err;

struct cc_deploy_req {
	const char *cert_pem;  /* the leaf, one PEM block */
	const char *chain_pem; /* intermediates, "" when none */
	const char *key_pem;   /* NULL when the connector must not write a key */
	const json_t *config;  /* the target's config object (borrowed) */
	const char *certificate_id;
	const char *job_id;
};

struct cc_deploy_res {
	char target_address[256]; /* host:port or path that now serves the certificate */
	char deployment_id[96];	  /* "<type>-<unix seconds>" */
	char message[512];	  /* what was done, for the job record */
};

#define CC_TGT_RELOADS 0x1 /* runs validate/reload commands */
#define CC_TGT_API 0x2	   /* talks to a management API over HTTP */

struct cc_target_ops {
	const char *name; /* the target type as stored: "NGINX", "Apache", … */
	unsigned caps;
	/* every path and command passes cc_safe_* checks; defaults are applied here and in
	 * deploy alike. CC_E_INVALID naming the key */
	int (*validate_config)(const json_t *config, struct cc_err *err);
	/* writes the files atomically (previous ones kept), validates, reloads; on a failed
	 * validation the previous files are restored and the error says why */
	int (*deploy)(const struct cc_deploy_req *req, struct cc_deploy_res *res,
		      struct cc_err *err);
	/* optional (NULL): checks that the deployed files hold the certificate of serial */
	int (*validate_deployment)(const json_t *config, const char *serial_hex,
				   struct cc_deploy_res *res, struct cc_err *err);
};

/* the connector of a target type (case-insensitive); NULL when unknown */
const struct cc_target_ops *cc_target_find(const char *type);
/* the registry: NULL-terminated */
extern const struct cc_target_ops *const cc_target_registry[];
/* find + validate_config + deploy; CC_E_INVALID for an unknown type */
int cc_target_deploy(const char *type, const struct cc_deploy_req *req, struct cc_deploy_res *res,
		     struct cc_err *err);

#endif
