/* local-ca.h: the Local CA issuer (GenericCA) — state shared by its files: local-ca.c (config,
 * open/close, small ops), local-ca-store.c (CA key and certificate), local-ca-sign.c (leaves),
 * local-ca-crl.c (CRL and OCSP) */
#ifndef CC_LOCAL_CA_H
#define CC_LOCAL_CA_H

#include <pthread.h>
#include <stdint.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include "connectors/issuer/issuer.h"
#include "libcc/csr.h"
#include "libcc/strv.h"

#define LOCAL_CA_DEFAULT_CN "CertCtl Local CA"
#define LOCAL_CA_DEFAULT_DAYS 90
#define LOCAL_CA_MAX_DAYS 36500
#define LOCAL_CA_CN_MAX 64 /* ub-common-name */

struct local_ca_cfg {
	const char *common_name; /* borrowed from the JSON */
	int64_t validity_days;
	const char *cert_path; /* NULL: self-signed mode */
	const char *key_path;
};

/* an opened instance: read-only after open */
struct local_ca {
	EVP_PKEY *key;
	X509 *cert;
	char *cert_pem;	      /* the CA certificate alone */
	char *chain_pem;      /* returned with every leaf: the CA file's certificates */
	EVP_MD *md;	      /* SHA-256, NULL for an EdDSA CA key */
	EVP_MD *sha1;	      /* key identifiers */
	EVP_MD_CTX *sign_ctx; /* initialised once; each leaf signs with a copy */
	unsigned char ski[EVP_MAX_MD_SIZE];
	unsigned int ski_len;
	int64_t not_after; /* the CA's, µs */
	int64_t validity_days;
	/* the same in every leaf, built once; cdp and aia NULL without a base URL */
	X509_EXTENSION *ext_bc, *ext_aki, *ext_cdp, *ext_aia;
	struct cc_csr_cache *csrs; /* requests already verified */
	pthread_mutex_t lock;
};

extern const struct cc_issuer_ops cc_issuer_local_ca;

/* checks config (NULL or an object) and reads it; no file is opened */
int local_ca_parse_config(const json_t *config, struct local_ca_cfg *out, struct cc_err *err);

/* local-ca-store.c: fill ca->key, cert, cert_pem, chain_pem, md, ski, not_after */
int local_ca_load_sub(struct local_ca *ca, const char *cert_path, const char *key_path,
		      struct cc_err *err);
/* <data_dir>/ca/<issuer_id>/ca.{key,crt}, created on first use under a lock file */
int local_ca_load_self(struct local_ca *ca, const struct cc_issuer_env *env, const char *cn,
		       struct cc_err *err);
/* the per-leaf constant extensions from the loaded CA and the base URL */
int local_ca_prepare(struct local_ca *ca, const struct cc_issuer_env *env, struct cc_err *err);
void local_ca_release(struct local_ca *ca);

/* local-ca-sign.c */
int local_ca_issue(void *state, const struct cc_issue_req *req, struct cc_issue_res *res,
		   struct cc_err *err);
/* 20 random bytes, top bit clear (159 bits), not zero; hex = 40 lower-case digits */
int local_ca_serial(ASN1_INTEGER *ai, char hex[41], struct cc_err *err);

/* local-ca-crl.c */
int local_ca_crl(void *state, const struct cc_crl_entry *entries, size_t n, int64_t now,
		 int64_t number, struct cc_buf *der, struct cc_err *err);
int local_ca_ocsp(void *state, const unsigned char *request, size_t request_len,
		  const struct cc_ocsp_query *q, struct cc_buf *der, struct cc_err *err);
/* hex (any case, optional "0x") → a positive INTEGER; NULL with CC_E_INVALID */
ASN1_INTEGER *local_ca_hex_serial(const char *hex, struct cc_err *err);

#endif
