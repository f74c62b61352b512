/* haproxy.c: the HAProxy target: one combined PEM (cert, chain, key; 0600) at pem_path,
 * validate_command (optional), reload_command (required) */
#include <stdlib.h>
#include <string.h>
#include "connectors/target/common.h"
#include "connectors/target/files.h"
#include "connectors/target/target.h"
#include "libcc/buf.h"
#include "libcc/err.h"
#include "libcc/banned.h"

struct haproxy {
	char *pem_path;
	struct cc_strv validate, reload;
};

static void haproxy_release(struct haproxy *h)
{
	free(h->pem_path);
	cc_strv_release(&h->validate);
	cc_strv_release(&h->reload);
}

static int haproxy_parse(const json_t *config, struct haproxy *h, struct cc_err *err)
{
	memset(h, 0, sizeof(*h));
	if (cc_tgt_object(config, err) < 0 ||
	    cc_tgt_path(config, "pem_path", NULL, true, &h->pem_path, err) < 0 ||
	    cc_tgt_command(config, "validate_command", NULL, false, &h->validate, err) < 0 ||
	    cc_tgt_command(config, "reload_command", NULL, true, &h->reload, err) < 0) {
		haproxy_release(h);
		return -1;
	}
	return 0;
}

static int haproxy_validate(const json_t *config, struct cc_err *err)
{
	struct haproxy h;

	if (haproxy_parse(config, &h, err) < 0)
		return -1;
	haproxy_release(&h);
	return 0;
}

static int haproxy_deploy(const struct cc_deploy_req *req, struct cc_deploy_res *res,
			  struct cc_err *err)
{
	struct cc_fileset fs = CC_FILESET_INIT;
	struct cc_buf pem = CC_BUF_INIT;
	const char *chain = cc_tgt_chain(req);
	struct haproxy h;
	char *what = NULL;
	int rc = -1;

	if (cc_tgt_req_check(req, err) < 0 || haproxy_parse(req->config, &h, err) < 0)
		return -1;
	cc_buf_addf(&pem, "%s\n", req->cert_pem);
	if (*chain)
		cc_buf_addf(&pem, "%s\n", chain);
	if (req->key_pem && *req->key_pem)
		cc_buf_addf(&pem, "%s\n", req->key_pem);
	if (cc_fileset_add(&fs, "pem_path", h.pem_path, pem.buf, pem.len, 0600, err) < 0 ||
	    cc_tgt_apply(&fs, &h.validate, &h.reload, &what, err) < 0)
		goto out;
	cc_tgt_result(res, "haproxy", h.pem_path, "%s", what);
	rc = 0;
out:
	free(what);
	memset(pem.buf, 0, pem.len);
	cc_buf_release(&pem);
	cc_fileset_release(&fs);
	haproxy_release(&h);
	return rc;
}

static int haproxy_check(const json_t *config, const char *serial_hex, struct cc_deploy_res *res,
			 struct cc_err *err)
{
	struct haproxy h;
	int rc;

	if (haproxy_parse(config, &h, err) < 0)
		return -1;
	rc = cc_tgt_check_serial(h.pem_path, serial_hex, res, err);
	haproxy_release(&h);
	return rc;
}

const struct cc_target_ops cc_target_haproxy = {
	.name = "HAProxy",
	.caps = CC_TGT_RELOADS,
	.validate_config = haproxy_validate,
	.deploy = haproxy_deploy,
	.validate_deployment = haproxy_check,
};
