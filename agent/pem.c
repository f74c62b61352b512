/* pem.c: PEM handling of the agent — CERTIFICATE blocks in text, leaf/chain split, and
 * the check that a private key belongs to a certificate */
#include <string.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include "agent/agent.h"
#include "libcc/buf.h"
#include "libcc/err.h"
#include "libcc/banned.h"

static const char pem_begin[] = "-----BEGIN CERTIFICATE-----";
static const char pem_end[] = "-----END CERTIFICATE-----";

const char *agent_pem_next(const char *p, const char *end, size_t *len)
{
	const char *b, *e;

	b = memmem(p, (size_t)(end - p), pem_begin, sizeof(pem_begin) - 1);
	if (!b)
		return NULL;
	e = memmem(b, (size_t)(end - b), pem_end, sizeof(pem_end) - 1);
	if (!e)
		return NULL;
	*len = (size_t)(e - b) + sizeof(pem_end) - 1;
	return b;
}

int agent_pem_split(const char *pem, char **leaf, char **chain, struct cc_err *err)
{
	const char *end = pem + strlen(pem), *p = pem, *blk;
	struct cc_buf c = CC_BUF_INIT;
	size_t len;

	*leaf = *chain = NULL;
	blk = agent_pem_next(p, end, &len);
	if (!blk)
		return cc_err_set(err, CC_E_INVALID, "no PEM CERTIFICATE block");
	*leaf = cc_xasprintf("%.*s\n", (int)len, blk);
	for (p = blk + len; (blk = agent_pem_next(p, end, &len)); p = blk + len)
		cc_buf_addf(&c, "%.*s\n", (int)len, blk);
	*chain = cc_buf_detach(&c, NULL);
	return 0;
}

int agent_key_matches(const char *cert_pem, const char *key_pem, struct cc_err *err)
{
	BIO *cb = BIO_new_mem_buf(cert_pem, -1), *kb = BIO_new_mem_buf(key_pem, -1);
	X509 *x = cb ? PEM_read_bio_X509(cb, NULL, NULL, NULL) : NULL;
	EVP_PKEY *k = kb ? PEM_read_bio_PrivateKey(kb, NULL, NULL, (void *)"") : NULL;
	int rc = -1;

	if (!x)
		cc_err_set(err, CC_E_INVALID, "the certificate cannot be read");
	else if (!k)
		cc_err_set(err, CC_E_INVALID, "the private key cannot be read");
	else if (X509_check_private_key(x, k) != 1)
		cc_err_set(err, CC_E_INVALID, "the private key does not belong to the certificate");
	else
		rc = 0;
	ERR_clear_error();
	EVP_PKEY_free(k);
	X509_free(x);
	BIO_free(kb);
	BIO_free(cb);
	return rc;
}
