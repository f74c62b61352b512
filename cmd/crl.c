/* crl.c: `certctl crl get ISSUER` — an issuer's CRL, DER or PEM, to a file or stdout */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include "cmd/cli.h"
#include "libcc/err.h"
#include "libcc/banned.h"

static const struct cc_opt get_opts[] = {
	{ "output", 'o', "FILE", "write the CRL to FILE instead of stdout", -1 },
	{ "pem", 0, NULL, "PEM instead of DER", -1 },
	CC_OPT_END,
};

static const struct cc_subcmd verbs[] = {
	{ "get", "download the CRL of an issuer (e.g. iss-local)", "ISSUER", get_opts, cli_crl_get,
	  "/api/v1/crl/{issuer}", NULL },
	{ .name = NULL },
};

/* no --format: a CRL is DER or PEM, and -o names the output file */
static const struct cc_opt common_opts[] = { CC_CLIENT_CONN_OPTS, CC_OPT_END };

CLI_COMMAND_WITH(crl,
		 "Downloads the certificate revocation list an issuer signs, as DER (the\n"
		 "default, for a file or a pipe) or PEM. The CRL is checked to parse before it\n"
		 "is written.",
		 verbs, common_opts)

int cli_crl_get(struct cli *c)
{
	struct cc_response r;
	struct cc_err err = CC_ERR_INIT;
	const unsigned char *p;
	X509_CRL *crl = NULL;
	BIO *mem = NULL;
	char *pem;
	long n;
	int rc = cli_request(c, "GET", c->path, NULL, &r);

	if (rc)
		return rc;
	p = (const unsigned char *)r.body.buf;
	crl = d2i_X509_CRL(NULL, &p, (long)r.body.len);
	if (!crl) {
		cc_err_set(&err, CC_E_INTERNAL, "the server's answer is not a DER CRL (%zu bytes)",
			   r.body.len);
		rc = cli_fail(c, &err);
	} else if (!cc_opt_isset(c->ctx->cmd, &c->ov, "pem")) {
		rc = cli_emit(c, cc_opt_get(c->ctx->cmd, &c->ov, "output"), r.body.buf, r.body.len,
			      true);
	} else {
		mem = BIO_new(BIO_s_mem());
		PEM_write_bio_X509_CRL(mem, crl);
		n = BIO_get_mem_data(mem, &pem);
		rc = cli_emit(c, cc_opt_get(c->ctx->cmd, &c->ov, "output"), pem, (size_t)n, false);
	}
	BIO_free(mem);
	X509_CRL_free(crl);
	cc_response_release(&r);
	return rc;
}
