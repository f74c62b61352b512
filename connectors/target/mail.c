/* mail.c: the Postfix and Dovecot targets: one connector, two types. `mode` ("postfix" or
 * "dovecot", default: the type) picks the default paths and commands */
#include <strings.h>
#include "connectors/target/common.h"
#include "connectors/target/paths.h"
#include "connectors/target/target.h"
#include "libcc/err.h"
#include "libcc/banned.h"

static const struct cc_tgt_paths_spec postfix_spec = {
	.type = "postfix",
	.cert_path = "/etc/postfix/certs/cert.pem",
	.key_path = "/etc/postfix/certs/key.pem",
	.validate = "postfix check",
	.reload = "postfix reload",
};

static const struct cc_tgt_paths_spec dovecot_spec = {
	.type = "dovecot",
	.cert_path = "/etc/dovecot/certs/cert.pem",
	.key_path = "/etc/dovecot/certs/key.pem",
	.validate = "doveconf -n",
	.reload = "doveadm reload",
};

static const struct cc_tgt_paths_spec *
mail_spec(const json_t *config, const struct cc_tgt_paths_spec *def, struct cc_err *err)
{
	const char *mode;

	if (cc_tgt_object(config, err) < 0 ||
	    cc_tgt_str(config, "mode", NULL, false, &mode, err) < 0)
		return NULL;
	if (!mode)
		return def;
	if (!strcasecmp(mode, "postfix"))
		return &postfix_spec;
	if (!strcasecmp(mode, "dovecot"))
		return &dovecot_spec;
	cc_err_set(err, CC_E_INVALID, "'mode' must be \"postfix\" or \"dovecot\"");
	return NULL;
}

static int mail_validate(const json_t *config, const struct cc_tgt_paths_spec *def,
			 struct cc_err *err)
{
	const struct cc_tgt_paths_spec *spec = mail_spec(config, def, err);

	return spec ? cc_tgt_paths_validate(spec, config, err) : -1;
}

static int mail_deploy(const struct cc_deploy_req *req, const struct cc_tgt_paths_spec *def,
		       struct cc_deploy_res *res, struct cc_err *err)
{
	const struct cc_tgt_paths_spec *spec = mail_spec(req->config, def, err);

	return spec ? cc_tgt_paths_deploy(spec, req, res, err) : -1;
}

static int mail_check(const json_t *config, const struct cc_tgt_paths_spec *def,
		      const char *serial_hex, struct cc_deploy_res *res, struct cc_err *err)
{
	const struct cc_tgt_paths_spec *spec = mail_spec(config, def, err);

	return spec ? cc_tgt_paths_check(spec, config, serial_hex, res, err) : -1;
}

static int postfix_validate(const json_t *config, struct cc_err *err)
{
	return mail_validate(config, &postfix_spec, err);
}

static int postfix_deploy(const struct cc_deploy_req *req, struct cc_deploy_res *res,
			  struct cc_err *err)
{
	return mail_deploy(req, &postfix_spec, res, err);
}

static int postfix_check(const json_t *config, const char *serial_hex, struct cc_deploy_res *res,
			 struct cc_err *err)
{
	return mail_check(config, &postfix_spec, serial_hex, res, err);
}

static int dovecot_validate(const json_t *config, struct cc_err *err)
{
	return mail_validate(config, &dovecot_spec, err);
}

static int dovecot_deploy(const struct cc_deploy_req *req, struct cc_deploy_res *res,
			  struct cc_err *err)
{
	return mail_deploy(req, &dovecot_spec, res, err);
}

static int dovecot_check(const json_t *config, const char *serial_hex, struct cc_deploy_res *res,
			 struct cc_err *err)
{
	return mail_check(config, &dovecot_spec, serial_hex, res, err);
}

const struct cc_target_ops cc_target_postfix = {
	.name = "Postfix",
	.caps = CC_TGT_RELOADS,
	.validate_config = postfix_validate,
	.deploy = postfix_deploy,
	.validate_deployment = postfix_check,
};

const struct cc_target_ops cc_target_dovecot = {
	.name = "Dovecot",
	.caps = CC_TGT_RELOADS,
	.validate_config = dovecot_validate,
	.deploy = dovecot_deploy,
	.validate_deployment = dovecot_check,
};
