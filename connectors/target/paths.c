/* paths.c: deploy to cert_path/key_path/chain_path, validate, reload (see paths.h) */
#include <stdlib.h>
#include <string.h>
#include "connectors/target/paths.h"
#include "connectors/target/common.h"
#include "connectors/target/files.h"
#include "connectors/target/target.h"
#include "libcc/buf.h"
#include "libcc/err.h"
#include "libcc/mem.h"
#include "libcc/banned.h"

int cc_tgt_paths_parse(const json_t *config, const struct cc_tgt_paths_spec *spec,
		       struct cc_tgt_paths *p, struct cc_err *err)
{
	memset(p, 0, sizeof(*p));
	if (cc_tgt_object(config, err) < 0 ||
	    cc_tgt_path(config, "cert_path", spec->cert_path, true, &p->cert_path, err) < 0 ||
	    cc_tgt_path(config, "key_path", spec->key_path, false, &p->key_path, err) < 0 ||
	    cc_tgt_path(config, "chain_path", NULL, false, &p->chain_path, err) < 0 ||
	    cc_tgt_command(config, "validate_command", spec->validate, false, &p->validate, err) <
		    0 ||
	    cc_tgt_command(config, "reload_command", spec->reload, false, &p->reload, err) < 0) {
		cc_tgt_paths_release(p);
		return -1;
	}
	return 0;
}

void cc_tgt_paths_release(struct cc_tgt_paths *p)
{
	free(p->cert_path);
	free(p->key_path);
	free(p->chain_path);
	cc_strv_release(&p->validate);
	cc_strv_release(&p->reload);
	memset(p, 0, sizeof(*p));
}

int cc_tgt_paths_validate(const struct cc_tgt_paths_spec *spec, const json_t *config,
			  struct cc_err *err)
{
	struct cc_tgt_paths p;

	if (cc_tgt_paths_parse(config, spec, &p, err) < 0)
		return -1;
	cc_tgt_paths_release(&p);
	return 0;
}

int cc_tgt_paths_deploy(const struct cc_tgt_paths_spec *spec, const struct cc_deploy_req *req,
			struct cc_deploy_res *res, struct cc_err *err)
{
	struct cc_tgt_paths p;
	struct cc_fileset fs = CC_FILESET_INIT;
	struct cc_buf cert = CC_BUF_INIT;
	const char *chain = cc_tgt_chain(req);
	char *what = NULL;
	int rc = -1;

	if (cc_tgt_req_check(req, err) < 0 || cc_tgt_paths_parse(req->config, spec, &p, err) < 0)
		return -1;
	cc_buf_adds(&cert, req->cert_pem);
	if (!p.chain_path && *chain)
		cc_buf_addf(&cert, "\n%s", chain);
	if (cc_fileset_add(&fs, "cert_path", p.cert_path, cert.buf, cert.len, 0644, err) < 0)
		goto out;
	if (p.chain_path &&
	    cc_fileset_add(&fs, "chain_path", p.chain_path, chain, strlen(chain), 0644, err) < 0)
		goto out;
	if (p.key_path && req->key_pem &&
	    cc_fileset_add(&fs, "key_path", p.key_path, req->key_pem, strlen(req->key_pem), 0600,
			   err) < 0)
		goto out;
	if (cc_tgt_apply(&fs, &p.validate, &p.reload, &what, err) < 0)
		goto out;
	cc_tgt_result(res, spec->type, p.cert_path, "%s%s", what,
		      req->key_pem && !p.key_path ? "; key not written (no key_path)" : "");
	rc = 0;
out:
	free(what);
	cc_buf_release(&cert);
	cc_fileset_release(&fs);
	cc_tgt_paths_release(&p);
	return rc;
}

int cc_tgt_paths_check(const struct cc_tgt_paths_spec *spec, const json_t *config,
		       const char *serial_hex, struct cc_deploy_res *res, struct cc_err *err)
{
	struct cc_tgt_paths p;
	int rc;

	if (cc_tgt_paths_parse(config, spec, &p, err) < 0)
		return -1;
	rc = cc_tgt_check_serial(p.cert_path, serial_hex, res, err);
	cc_tgt_paths_release(&p);
	return rc;
}
