/* issuer.h: the issuer connector interface (a CA that signs, revokes, publishes CRLs and
 * OCSP answers) and its registry. Each issuer type is one file plus one registry row.
 * (struct cc_issuer is the issuers table row, libcc/issuer.h; an open connector is a
 * struct cc_issuer_conn) */
#ifndef CC_ISSUER_CONN_H
#define CC_ISSUER_CONN_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct cc_err;
struct cc_buf;
struct cc_csr;
struct cc_csr_key;

/* what an issuer instance may need from its host process */
struct cc_issuer_env {
	const char *issuer_id;	  /* "iss-local": names the CA's files */
	const char *data_dir;	  /* the CA's key lives in <data_dir>/ca/<issuer_id>/ (0700) */
	const char *base_url;	  /* "http://127.0.0.1:8443": CRL DP and OCSP URLs of leaves */
	const char *ca_cert_path; /* sub-CA mode (CERTCTL_CA_CERT_PATH), "" or NULL: none */
	const char *ca_key_path;
};

struct cc_issue_req {
	const char *common_name;
	const char *const *sans;
	size_t nsans;
	const char *csr_pem;
	/* csr_pem already read and verified by the caller (cc_csr_read), with its key; NULL:
	 * the issuer reads csr_pem itself */
	const struct cc_csr *csr;
	const struct cc_csr_key *csr_key;
	const char *const *ekus; /* "serverAuth", "clientAuth", "codeSigning",
				    "emailProtection", "timeStamping" */
	size_t nekus;
	int64_t max_ttl_s;    /* 0: the issuer's own validity */
	const char *order_id; /* renew only; may be NULL */
};

struct cc_issue_res {
	char *cert_pem;	 /* the leaf */
	char *chain_pem; /* issuing CA(s) */
	char *serial;	 /* as stored in certificate_versions.serial_number */
	/* SHA-256 of the leaf's DER, lower hex, when the issuer knows it ("" otherwise): spares
	 * the caller parsing the leaf again */
	char fingerprint_sha256[65];
	int64_t not_before; /* µs */
	int64_t not_after;
	char *order_id;
};

struct cc_crl_entry {
	const char *serial_hex;
	int64_t revoked_at; /* µs */
	int reason_code;    /* RFC 5280 CRLReason */
};

struct cc_ocsp_query {
	const char *serial_hex;
	int status; /* 0 good, 1 revoked, 2 unknown */
	int64_t revoked_at;
	int reason_code;
	int64_t this_update;
	int64_t next_update;
};

struct cc_renewal_info {
	int64_t window_start;
	int64_t window_end;
	int64_t retry_after;
	char explanation_url[256];
};

struct cc_issuer_conn;

#define CC_ISS_CRL 0x1	/* generate_crl */
#define CC_ISS_OCSP 0x2 /* sign_ocsp */

struct cc_issuer_ops {
	const char *name;	    /* canonical type: "GenericCA" */
	const char *const *aliases; /* other accepted spellings, NULL-terminated */
	unsigned caps;
	int (*validate_config)(const json_t *config, struct cc_err *err);
	int (*open)(const json_t *config, const struct cc_issuer_env *env, void **state,
		    struct cc_err *err);
	void (*close)(void *state);
	int (*issue)(void *state, const struct cc_issue_req *req, struct cc_issue_res *res,
		     struct cc_err *err);
	int (*renew)(void *state, const struct cc_issue_req *req, struct cc_issue_res *res,
		     struct cc_err *err);
	int (*revoke)(void *state, const char *serial, const char *reason, struct cc_err *err);
	int (*get_order_status)(void *state, const char *order_id, struct cc_issue_res *res,
				struct cc_err *err);
	/* DER CRL over entries, signed now, valid 24 h, with CRL number `number` (the caller
	 * keeps the numbers growing) */
	int (*generate_crl)(void *state, const struct cc_crl_entry *entries, size_t n, int64_t now,
			    int64_t number, struct cc_buf *der, struct cc_err *err);
	/* DER OCSPResponse for q, answering request (DER OCSPRequest, may carry a nonce) */
	int (*sign_ocsp)(void *state, const unsigned char *request, size_t request_len,
			 const struct cc_ocsp_query *q, struct cc_buf *der, struct cc_err *err);
	int (*get_ca_cert_pem)(void *state, char **pem, struct cc_err *err);
	/* 0 and *out filled, or 1 when the issuer has no renewal info (ARI) */
	int (*get_renewal_info)(void *state, const char *leaf_pem, struct cc_renewal_info *out,
				struct cc_err *err);
};

/* the registry: NULL-terminated; lookup by name or alias, case-insensitive */
extern const struct cc_issuer_ops *const cc_issuer_registry[];
const struct cc_issuer_ops *cc_issuer_find(const char *type);

/* an open instance: thread-safe, shared by every request and loop */
int cc_issuer_open(const char *type, const json_t *config, const struct cc_issuer_env *env,
		   struct cc_issuer_conn **out, struct cc_err *err);
void cc_issuer_close(struct cc_issuer_conn *iss);
const struct cc_issuer_ops *cc_issuer_ops_of(const struct cc_issuer_conn *iss);
/* the operations; an op the connector lacks is CC_E_UNSUPPORTED */
int cc_issuer_issue(struct cc_issuer_conn *iss, const struct cc_issue_req *req,
		    struct cc_issue_res *res, struct cc_err *err);
int cc_issuer_renew(struct cc_issuer_conn *iss, const struct cc_issue_req *req,
		    struct cc_issue_res *res, struct cc_err *err);
int cc_issuer_revoke(struct cc_issuer_conn *iss, const char *serial, const char *reason,
		     struct cc_err *err);
int cc_issuer_generate_crl(struct cc_issuer_conn *iss, const struct cc_crl_entry *entries, size_t n,
			   int64_t now, int64_t number, struct cc_buf *der, struct cc_err *err);
int cc_issuer_sign_ocsp(struct cc_issuer_conn *iss, const unsigned char *request,
			size_t request_len, const struct cc_ocsp_query *q, struct cc_buf *der,
			struct cc_err *err);
int cc_issuer_ca_pem(struct cc_issuer_conn *iss, char **pem, struct cc_err *err);
void cc_issue_res_release(struct cc_issue_res *res);

#endif
