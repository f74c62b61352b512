/* apache.c: the Apache httpd target: cert/chain/key files, validate_command, reload_command */
#include "connectors/target/common.h"
#include "connectors/target/paths.h"
#include "connectors/target/target.h"
#include "libcc/banned.h"

static const struct cc_tgt_paths_spec apache_spec = { .type = "apache" };

static int apache_validate(const json_t *config, struct cc_err *err)
{
	return cc_tgt_paths_validate(&apache_spec, config, err);
}

static int apache_deploy(const struct cc_deploy_req *req, struct cc_deploy_res *res,
			 struct cc_err *err)
{
	return cc_tgt_paths_deploy(&apache_spec, req, res, err);
}

static int apache_check(const json_t *config, const char *serial_hex, struct cc_deploy_res *res,
			struct cc_err *err)
{
	return cc_tgt_paths_check(&apache_spec, config, serial_hex, res, err);
}

const struct cc_target_ops cc_target_apache = {
	.name = "Apache",
	.caps = CC_TGT_RELOADS,
	.validate_config = apache_validate,
	.deploy = apache_deploy,
	.validate_deployment = apache_check,
};
