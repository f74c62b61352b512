/* envoy.c: the Envoy target: cert, key and optional chain files under cert_dir, and with
 * sds_config an SDS file (sds.json) naming them; Envoy watches the files, so no reload */
#include <stdlib.h>
#include <string.h>
#include "connectors/target/common.h"
#include "connectors/target/files.h"
#include "connectors/target/target.h"
#include "libcc/buf.h"
#include "libcc/err.h"
#include "libcc/mem.h"
#include "libcc/banned.h"

#define SDS_FILE "sds.json"
#define SDS_TYPE "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret"

struct envoy {
	char *cert_dir, *cert_filename, *key_filename, *chain_filename;
	bool sds;
};

static void envoy_release(struct envoy *e)
{
	free(e->cert_dir);
	free(e->cert_filename);
	free(e->key_filename);
	free(e->chain_filename);
}

static int envoy_parse(const json_t *config, struct envoy *e, struct cc_err *err)
{
	memset(e, 0, sizeof(*e));
	if (cc_tgt_object(config, err) < 0 ||
	    cc_tgt_path(config, "cert_dir", NULL, true, &e->cert_dir, err) < 0 ||
	    cc_tgt_filename(config, "cert_filename", "cert.pem", true, &e->cert_filename, err) <
		    0 ||
	    cc_tgt_filename(config, "key_filename", "key.pem", true, &e->key_filename, err) < 0 ||
	    cc_tgt_filename(config, "chain_filename", NULL, false, &e->chain_filename, err) < 0 ||
	    cc_tgt_bool(config, "sds_config", false, &e->sds, err) < 0) {
		envoy_release(e);
		return -1;
	}
	return 0;
}

static int envoy_validate(const json_t *config, struct cc_err *err)
{
	struct envoy e;

	if (envoy_parse(config, &e, err) < 0)
		return -1;
	envoy_release(&e);
	return 0;
}

/* the SDS resource pointing at the two files, 2-space indented */
static char *sds_json(const char *cert_path, const char *key_path)
{
	json_t *j =
		json_pack("{s:[{s:s, s:s, s:{s:{s:s}, s:{s:s}}}]}", "resources", "@type", SDS_TYPE,
			  "name", "server_cert", "tls_certificate", "certificate_chain", "filename",
			  cert_path, "private_key", "filename", key_path); /* new ref */
	char *text = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	char *out = cc_xasprintf("%s\n", text);

	free(text);
	json_decref(j);
	return out;
}

static int envoy_files(struct cc_fileset *fs, const struct envoy *e,
		       const struct cc_deploy_req *req, const char *cert_path, const char *key_path,
		       struct cc_err *err)
{
	struct cc_buf cert = CC_BUF_INIT, chain = CC_BUF_INIT;
	const char *ch = cc_tgt_chain(req);
	char *chain_path = NULL, *sds_path = NULL, *sds = NULL;
	int rc = -1;

	cc_buf_addf(&cert, "%s\n", req->cert_pem);
	if (!e->chain_filename && *ch)
		cc_buf_addf(&cert, "%s\n", ch);
	if (cc_fileset_add(fs, "cert_filename", cert_path, cert.buf, cert.len, 0644, err) < 0)
		goto out;
	if (req->key_pem && *req->key_pem &&
	    cc_fileset_add(fs, "key_filename", key_path, req->key_pem, strlen(req->key_pem), 0600,
			   err) < 0)
		goto out;
	if (e->chain_filename) {
		chain_path = cc_fileset_join(e->cert_dir, e->chain_filename);
		cc_buf_addf(&chain, "%s\n", ch);
		if (cc_fileset_add(fs, "chain_filename", chain_path, chain.buf, chain.len, 0644,
				   err) < 0)
			goto out;
	}
	if (e->sds) {
		sds_path = cc_fileset_join(e->cert_dir, SDS_FILE);
		sds = sds_json(cert_path, key_path);
		if (cc_fileset_add(fs, "sds_config", sds_path, sds, strlen(sds), 0644, err) < 0)
			goto out;
	}
	rc = 0;
out:
	free(sds);
	free(sds_path);
	free(chain_path);
	cc_buf_release(&chain);
	cc_buf_release(&cert);
	return rc;
}

static int envoy_deploy(const struct cc_deploy_req *req, struct cc_deploy_res *res,
			struct cc_err *err)
{
	struct cc_fileset fs = CC_FILESET_INIT;
	struct cc_strv none = CC_STRV_INIT;
	struct envoy e;
	char *cert_path = NULL, *key_path = NULL, *what = NULL;
	int rc = -1;

	if (cc_tgt_req_check(req, err) < 0 || envoy_parse(req->config, &e, err) < 0)
		return -1;
	cert_path = cc_fileset_join(e.cert_dir, e.cert_filename);
	key_path = cc_fileset_join(e.cert_dir, e.key_filename);
	if (envoy_files(&fs, &e, req, cert_path, key_path, err) < 0 ||
	    cc_tgt_apply(&fs, &none, &none, &what, err) < 0)
		goto out;
	cc_tgt_result(res, "envoy", cert_path, "%s (picked up by Envoy's file watch)", what);
	rc = 0;
out:
	free(what);
	free(cert_path);
	free(key_path);
	cc_fileset_release(&fs);
	envoy_release(&e);
	return rc;
}

static int envoy_check(const json_t *config, const char *serial_hex, struct cc_deploy_res *res,
		       struct cc_err *err)
{
	struct envoy e;
	int rc;

	if (envoy_parse(config, &e, err) < 0)
		return -1;
	rc = cc_tgt_check_serial_in(e.cert_dir, e.cert_filename, serial_hex, res, err);
	envoy_release(&e);
	return rc;
}

const struct cc_target_ops cc_target_envoy = {
	.name = "Envoy",
	.caps = 0,
	.validate_config = envoy_validate,
	.deploy = envoy_deploy,
	.validate_deployment = envoy_check,
};
