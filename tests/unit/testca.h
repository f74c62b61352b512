/* testca.h: opening Local CA instances, making CSRs and checking leaves with the openssl CLI
 * (test-local-ca*.c) */
#ifndef CC_TESTCA_H
#define CC_TESTCA_H

#include <stddef.h>
#include <stdint.h>
#include "connectors/issuer/issuer.h"

struct cc_err;

/* opens a GenericCA with data_dir = dir; config is JSON text (NULL: none), base_url may be
 * NULL; fails the test on error */
struct cc_issuer_conn *testca_open(const char *dir, const char *id, const char *config,
				   const char *base_url);
/* the same, returning the error instead */
int testca_try_open(const char *dir, const char *id, const char *config,
		    const struct cc_issuer_env *env_extra, struct cc_issuer_conn **out,
		    struct cc_err *err);
/* a CSR made by cc_csr_generate (the key is thrown away); sans NULL-terminated */
char *testca_csr(const char *key_type, const char *cn, const char *const *sans);
/* issue with a CSR and optional request fields; sans/ekus NULL-terminated or NULL */
int testca_issue(struct cc_issuer_conn *iss, const char *csr, const char *cn,
		 const char *const *sans, const char *const *ekus, int64_t max_ttl_s,
		 struct cc_issue_res *res, struct cc_err *err);
/* the CA of iss as PEM (malloc'd) */
char *testca_ca_pem(struct cc_issuer_conn *iss);
/* `openssl verify -CAfile <root> [-untrusted <chain>] <leaf>` prints "OK"; chain may be NULL */
void testca_verify_ok(const char *dir, const char *root_pem, const char *chain_pem,
		      const char *leaf_pem);
/* `openssl x509 -noout <args…>` over pem (NULL-terminated args) */
char *testca_x509(const char *dir, const char *pem, ...);

/* ---- sub-CAs made with the openssl CLI under dir (root.crt/root.key made once) ---- */

/* runs openssl with the arguments; fails the test on a non-zero exit */
#define TESTCA_OSSL(...)                                                                           \
	do {                                                                                       \
		char *o_ = NULL;                                                                   \
		if (testossl_openssl(&o_, __VA_ARGS__, NULL) != 0)                                 \
			fail_msg("openssl: %s", o_);                                               \
		free(o_);                                                                          \
	} while (0)

struct testca_sub {
	char *key, *crt, *chain, *root; /* paths; chain = sub + root */
};

/* extension sections "v3" for the sub-CA certificate */
extern const char testca_ext_good[];	/* CA:TRUE, keyCertSign, cRLSign */
extern const char testca_ext_not_ca[];	/* CA:FALSE, keyCertSign */
extern const char testca_ext_no_sign[]; /* CA:TRUE, no keyCertSign */
/* openssl argv (after "openssl") writing a key to the "%K" argument */
extern const char *const testca_key_rsa1[]; /* RSA-2048, PKCS#1 "RSA PRIVATE KEY" */
extern const char *const testca_key_sec1[]; /* P-256, SEC1 "EC PRIVATE KEY" */
extern const char *const testca_key_p8[];   /* P-384, PKCS#8 */
extern const char *const testca_key_ed[];   /* Ed25519, PKCS#8 */

/* <dir>/<name>.key (by keygen), .crt (signed by the root with ext) and -chain.pem */
struct testca_sub testca_sub_make(const char *dir, const char *name, const char *ext,
				  const char *const *keygen);
void testca_sub_release(struct testca_sub *s);
/* {"ca_cert_path": chain, "ca_key_path": key (s->key when NULL), "validity_days": 30} */
char *testca_sub_config(const struct testca_sub *s, const char *key);

#endif
