/* nginx.c: the NGINX target: cert/chain/key files, validate_command, reload_command */
#include "connectors/target/common.h"
#include "connectors/target/paths.h"
#include "connectors/target/target.h"
#include "libcc/banned.h"

static const struct cc_tgt_paths_spec nginx_spec = { .type = "nginx" };

static int nginx_validate(const json_t *config, struct cc_err *err)
{
	return cc_tgt_paths_validate(&nginx_spec, config, err);
}

static int nginx_deploy(const struct cc_deploy_req *req, struct cc_deploy_res *res,
			struct cc_err *err)
{
	return cc_tgt_paths_deploy(&nginx_spec, req, res, err);
}

static int nginx_check(const json_t *config, const char *serial_hex, struct cc_deploy_res *res,
		       struct cc_err *err)
{
	return cc_tgt_paths_check(&nginx_spec, config, serial_hex, res, err);
}

const struct cc_target_ops cc_target_nginx = {
	.name = "NGINX",
	.caps = CC_TGT_RELOADS,
	.validate_config = nginx_validate,
	.deploy = nginx_deploy,
	.validate_deployment = nginx_check,
};
