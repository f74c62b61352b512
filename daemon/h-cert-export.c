/* h-cert-export.c: GET /certificates/{id}/export/pem and POST …/export/pkcs12 — the newest
 * version's certificates, never a private key */
#include <stdlib.h>
#include <string.h>
#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>
#include "daemon/resource.h"
#include "daemon/routes.h"
#include "libcc/buf.h"
#include "libcc/cert-version.h"
#include "libcc/certificate.h"
#include "libcc/db.h"
#include "libcc/x509.h"
#include "libcc/banned.h"

#define PASSWORD_MAX 256

/* every CERTIFICATE block of pem, in order (new stack); NULL when none parses */
static STACK_OF(X509) * read_chain(const char *pem)
{
	STACK_OF(X509) *sk = sk_X509_new_null();
	BIO *b = BIO_new_mem_buf(pem, -1);
	X509 *x;

	while (b && sk && (x = PEM_read_bio_X509(b, NULL, NULL, NULL)))
		sk_X509_push(sk, x);
	ERR_clear_error(); /* the end of the input reads as an error */
	BIO_free(b);
	if (sk && !sk_X509_num(sk)) {
		sk_X509_free(sk);
		sk = NULL;
	}
	return sk;
}

/* the certificate and its newest version, or 404 answered */
static bool load(struct api_req *rq, struct api_resp *rs, struct cc_dbc *c,
		 struct cc_cert_version *v)
{
	struct cc_err err = CC_ERR_INIT;
	bool found;

	if (cc_repo_exists(c, &cc_certificate_entity, rq->params[0], &found, &err) < 0) {
		api_reply_err(rs, rq, &err);
		return false;
	}
	if (!found) {
		api_reply_error(rs, rq, 404, "Certificate not found: %s", rq->params[0]);
		return false;
	}
	if (cc_cert_version_latest(c, rq->params[0], v, &err) < 0) {
		if (err.code == CC_E_NOT_FOUND)
			api_reply_error(rs, rq, 404, "certificate '%s' has no issued version yet",
					rq->params[0]);
		else
			api_reply_err(rs, rq, &err);
		return false;
	}
	return true;
}

static bool audit(struct api_req *rq, struct api_resp *rs, struct cc_dbc *c, const char *action,
		  const struct cc_cert_version *v)
{
	struct cc_err err = CC_ERR_INIT;
	json_t *d = json_pack("{s:s}", "serial", v->serial_number ? v->serial_number : "");

	if (!strcmp(action, "export_pkcs12"))
		json_object_set_new(d, "has_private_key", json_false());
	if (api_audit_event(c, rq, action, "certificate", rq->params[0], d, &err) < 0) {
		api_reply_err(rs, rq, &err);
		return false;
	}
	return true;
}

void h_certificates_export_pem(struct api_req *rq, struct api_resp *rs)
{
	struct cc_cert_version v = { 0 };
	const char *dl = api_query(rq, "download");
	STACK_OF(X509) *sk = NULL;
	struct cc_buf chain = CC_BUF_INIT;
	char *leaf = NULL;
	struct cc_dbc *c;

	if (dl && strcmp(dl, "true") && strcmp(dl, "false")) {
		api_reply_error(rs, rq, 400, "download: must be true or false");
		return;
	}
	if (!(c = api_db(rq, rs)) || !load(rq, rs, c, &v))
		goto out;
	if (!(sk = read_chain(v.pem_chain ? v.pem_chain : ""))) {
		api_reply_error(rs, rq, 422, "Certificate data cannot be parsed as X.509");
		goto out;
	}
	if (!audit(rq, rs, c, "export_pem", &v))
		goto out;
	if (dl && !strcmp(dl, "true")) {
		api_header(rs, "Content-Disposition", "attachment; filename=\"certificate.pem\"");
		api_reply_bytes(rs, 200, "application/x-pem-file", v.pem_chain,
				strlen(v.pem_chain));
		goto out;
	}
	leaf = cc_x509_pem(sk_X509_value(sk, 0));
	for (int i = 1; i < sk_X509_num(sk); i++) {
		char *p = cc_x509_pem(sk_X509_value(sk, i));
		cc_buf_adds(&chain, p);
		free(p);
	}
	api_reply_json(rs, 200,
		       json_pack("{s:s, s:s, s:s}", "cert_pem", leaf, "chain_pem", chain.buf,
				 "full_pem", v.pem_chain));
out:
	free(leaf);
	cc_buf_release(&chain);
	sk_X509_pop_free(sk, X509_free);
	cc_obj_release(&cc_cert_version_entity, &v);
}

/* {"password": "..."} or nothing; 400 answered on anything else */
static bool password_of(struct api_req *rq, struct api_resp *rs, char *out, size_t outlen)
{
	json_t *body = api_body_json(rq, rs, true), *p;
	const char *k;
	json_t *v;
	bool ok = false;

	*out = '\0';
	if (!body)
		return false;
	json_object_foreach (body, k, v) {
		if (strcmp(k, "password")) {
			api_reply_error(rs, rq, 400, "unknown field '%s' (only password)", k);
			goto out;
		}
	}
	p = json_object_get(body, "password");
	if (p && !json_is_null(p)) {
		if (!json_is_string(p) || json_string_length(p) >= outlen ||
		    strlen(json_string_value(p)) != json_string_length(p)) {
			api_reply_error(rs, rq, 400,
					"password: must be a string of at most %d bytes",
					PASSWORD_MAX - 1);
			goto out;
		}
		memcpy(out, json_string_value(p), json_string_length(p) + 1);
	}
	ok = true;
out:
	json_decref(body);
	return ok;
}

/* a trust store: the certificates only, AES-256/SHA-256 (OpenSSL 3's defaults) */
static unsigned char *pkcs12_der(STACK_OF(X509) * sk, const char *password, int *len)
{
	PKCS12 *p12 = PKCS12_create(password, NULL, NULL, NULL, sk, 0, 0, 0, 0, 0);
	unsigned char *der = NULL;

	*len = p12 ? i2d_PKCS12(p12, &der) : -1;
	PKCS12_free(p12);
	return *len > 0 ? der : NULL;
}

void h_certificates_export_pkcs12(struct api_req *rq, struct api_resp *rs)
{
	struct cc_cert_version v = { 0 };
	char password[PASSWORD_MAX];
	STACK_OF(X509) *sk = NULL;
	unsigned char *der = NULL;
	struct cc_dbc *c;
	int len;

	if (!password_of(rq, rs, password, sizeof(password)) || !(c = api_db(rq, rs)) ||
	    !load(rq, rs, c, &v))
		goto out;
	if (!(sk = read_chain(v.pem_chain ? v.pem_chain : ""))) {
		api_reply_error(rs, rq, 422, "Certificate data cannot be parsed as X.509");
		goto out;
	}
	if (!(der = pkcs12_der(sk, password, &len))) {
		struct cc_err err = CC_ERR_INIT;
		cc_err_ssl(&err, CC_E_CRYPTO, "PKCS#12 export");
		api_reply_err(rs, rq, &err);
		goto out;
	}
	if (!audit(rq, rs, c, "export_pkcs12", &v))
		goto out;
	api_header(rs, "Content-Disposition", "attachment; filename=\"certificate.p12\"");
	api_reply_bytes(rs, 200, "application/x-pkcs12", der, (size_t)len);
out:
	OPENSSL_cleanse(password, sizeof(password));
	OPENSSL_free(der);
	sk_X509_pop_free(sk, X509_free);
	cc_obj_release(&cc_cert_version_entity, &v);
}
