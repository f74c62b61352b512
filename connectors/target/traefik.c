/* traefik.c: the Traefik target: <cert_dir>/<cert_file> (cert and chain) and
 * <cert_dir>/<key_file>; Traefik's file provider watches them, so no reload */
#include <stdlib.h>
#include <string.h>
#include "connectors/target/common.h"
#include "connectors/target/files.h"
#include "connectors/target/target.h"
#include "libcc/err.h"
#include "libcc/banned.h"

struct traefik {
	char *cert_dir, *cert_file, *key_file;
};

static void traefik_release(struct traefik *t)
{
	free(t->cert_dir);
	free(t->cert_file);
	free(t->key_file);
}

static int traefik_parse(const json_t *config, struct traefik *t, struct cc_err *err)
{
	memset(t, 0, sizeof(*t));
	if (cc_tgt_object(config, err) < 0 ||
	    cc_tgt_path(config, "cert_dir", NULL, true, &t->cert_dir, err) < 0 ||
	    cc_tgt_filename(config, "cert_file", "cert.pem", true, &t->cert_file, err) < 0 ||
	    cc_tgt_filename(config, "key_file", "key.pem", true, &t->key_file, err) < 0) {
		traefik_release(t);
		return -1;
	}
	return 0;
}

static int traefik_validate(const json_t *config, struct cc_err *err)
{
	struct traefik t;

	if (traefik_parse(config, &t, err) < 0)
		return -1;
	traefik_release(&t);
	return 0;
}

static int traefik_deploy(const struct cc_deploy_req *req, struct cc_deploy_res *res,
			  struct cc_err *err)
{
	struct cc_fileset fs = CC_FILESET_INIT;
	struct cc_strv none = CC_STRV_INIT;
	struct traefik t;
	char *cert_path = NULL, *what = NULL;
	int rc = -1;

	if (cc_tgt_req_check(req, err) < 0 || traefik_parse(req->config, &t, err) < 0)
		return -1;
	if (cc_tgt_dir_files(&fs, t.cert_dir, t.cert_file, t.key_file, req, &cert_path, err) < 0 ||
	    cc_tgt_apply(&fs, &none, &none, &what, err) < 0)
		goto out;
	cc_tgt_result(res, "traefik", cert_path, "%s (picked up by the file provider)", what);
	rc = 0;
out:
	free(what);
	free(cert_path);
	cc_fileset_release(&fs);
	traefik_release(&t);
	return rc;
}

static int traefik_check(const json_t *config, const char *serial_hex, struct cc_deploy_res *res,
			 struct cc_err *err)
{
	struct traefik t;
	int rc;

	if (traefik_parse(config, &t, err) < 0)
		return -1;
	rc = cc_tgt_check_serial_in(t.cert_dir, t.cert_file, serial_hex, res, err);
	traefik_release(&t);
	return rc;
}

const struct cc_target_ops cc_target_traefik = {
	.name = "Traefik",
	.caps = 0,
	.validate_config = traefik_validate,
	.deploy = traefik_deploy,
	.validate_deployment = traefik_check,
};
