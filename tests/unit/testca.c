/* testca.c: Local CA test helpers (see testca.h) */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <jansson.h>
#include "libcc/csr.h"
#include "libcc/err.h"
#include "libcc/mem.h"
#include "tests/unit/testca.h"
#include "tests/unit/testossl.h"

int testca_try_open(const char *dir, const char *id, const char *config,
		    const struct cc_issuer_env *env_extra, struct cc_issuer_conn **out,
		    struct cc_err *err)
{
	struct cc_issuer_env env = { 0 };
	json_t *cfg = NULL;
	int rc;

	if (env_extra)
		env = *env_extra;
	env.issuer_id = id;
	env.data_dir = dir;
	if (config) {
		cfg = json_loads(config, 0, NULL);
		assert_non_null(cfg);
	}
	rc = cc_issuer_open("GenericCA", cfg, &env, out, err);
	json_decref(cfg);
	return rc;
}

struct cc_issuer_conn *testca_open(const char *dir, const char *id, const char *config,
				   const char *base_url)
{
	struct cc_issuer_env env = { .base_url = base_url };
	struct cc_err err = CC_ERR_INIT;
	struct cc_issuer_conn *iss = NULL;

	if (testca_try_open(dir, id, config, &env, &iss, &err) < 0)
		fail_msg("open: %s", err.msg);
	return iss;
}

char *testca_csr(const char *key_type, const char *cn, const char *const *sans)
{
	struct cc_err err = CC_ERR_INIT;
	char *key = NULL, *csr = NULL;
	size_t n = 0;

	while (sans && sans[n])
		n++;
	if (cc_csr_generate(key_type, cn, sans, n, &key, &csr, &err) < 0)
		fail_msg("csr: %s", err.msg);
	free(key);
	return csr;
}

static size_t count(const char *const *v)
{
	size_t n = 0;

	while (v && v[n])
		n++;
	return n;
}

int testca_issue(struct cc_issuer_conn *iss, const char *csr, const char *cn,
		 const char *const *sans, const char *const *ekus, int64_t max_ttl_s,
		 struct cc_issue_res *res, struct cc_err *err)
{
	struct cc_issue_req req = {
		.common_name = cn,
		.sans = sans,
		.nsans = count(sans),
		.csr_pem = csr,
		.ekus = ekus,
		.nekus = count(ekus),
		.max_ttl_s = max_ttl_s,
	};

	return cc_issuer_issue(iss, &req, res, err);
}

char *testca_ca_pem(struct cc_issuer_conn *iss)
{
	struct cc_err err = CC_ERR_INIT;
	char *pem = NULL;

	assert_int_equal(cc_issuer_ca_pem(iss, &pem, &err), 0);
	return pem;
}

void testca_verify_ok(const char *dir, const char *root_pem, const char *chain_pem,
		      const char *leaf_pem)
{
	char *root = testossl_path(dir, "v-root.pem"), *chain = testossl_path(dir, "v-chain.pem");
	char *leaf = testossl_path(dir, "v-leaf.pem"), *out = NULL, *want;
	int rc;

	testossl_write(root, root_pem);
	testossl_write(leaf, leaf_pem);
	if (chain_pem) {
		testossl_write(chain, chain_pem);
		rc = testossl_openssl(&out, "verify", "-CAfile", root, "-untrusted", chain, leaf,
				      NULL);
	} else {
		rc = testossl_openssl(&out, "verify", "-CAfile", root, leaf, NULL);
	}
	want = cc_xasprintf("%s: OK\n", leaf);
	if (rc != 0 || strcmp(out, want))
		fail_msg("openssl verify: %s", out);
	free(want);
	free(out);
	free(root);
	free(chain);
	free(leaf);
}

char *testca_x509(const char *dir, const char *pem, ...)
{
	const char *argv[40] = { "openssl", "x509", "-noout", "-in" };
	char *path = testossl_path(dir, "x.pem"), *out = NULL;
	size_t n = 5;
	va_list ap;

	testossl_write(path, pem);
	argv[4] = path;
	va_start(ap, pem);
	while (n < CC_ARRAY_SIZE(argv) - 1 && (argv[n] = va_arg(ap, const char *)) != NULL)
		n++;
	va_end(ap);
	argv[n] = NULL;
	if (testossl_run(&out, argv) != 0)
		fail_msg("openssl x509: %s", out);
	free(path);
	return out;
}

/* ---- sub-CAs ---- */

const char testca_ext_good[] = "[v3]\nbasicConstraints=critical,CA:TRUE,pathlen:0\n"
			       "keyUsage=critical,keyCertSign,cRLSign,digitalSignature\n"
			       "subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n";
const char testca_ext_not_ca[] = "[v3]\nbasicConstraints=critical,CA:FALSE\n"
				 "keyUsage=critical,keyCertSign,cRLSign\n";
const char testca_ext_no_sign[] = "[v3]\nbasicConstraints=critical,CA:TRUE\n"
				  "keyUsage=critical,digitalSignature,cRLSign\n";

static void make_root(const char *dir)
{
	char *k = testossl_path(dir, "root.key"), *c = testossl_path(dir, "root.crt");

	if (access(c, R_OK) != 0)
		TESTCA_OSSL("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
			    "-nodes", "-subj", "/CN=Test Root", "-days", "3650", "-keyout", k,
			    "-out", c);
	free(k);
	free(c);
}

struct testca_sub testca_sub_make(const char *dir, const char *name, const char *ext,
				  const char *const *keygen)
{
	struct testca_sub s;
	char *csr = cc_xasprintf("%s/%s.csr", dir, name),
	     *cnf = cc_xasprintf("%s/%s.cnf", dir, name);
	char *rk = testossl_path(dir, "root.key"), *subj = cc_xasprintf("/CN=Test Sub %s", name);
	char *chain, *a, *b;
	const char *argv[16] = { "openssl" };
	size_t n = 1;

	make_root(dir);
	s.key = cc_xasprintf("%s/%s.key", dir, name);
	s.crt = cc_xasprintf("%s/%s.crt", dir, name);
	s.chain = cc_xasprintf("%s/%s-chain.pem", dir, name);
	s.root = testossl_path(dir, "root.crt");
	for (; *keygen; keygen++)
		argv[n++] = strcmp(*keygen, "%K") ? *keygen : s.key;
	argv[n] = NULL;
	assert_int_equal(testossl_run(NULL, argv), 0);
	testossl_write(cnf, ext);
	TESTCA_OSSL("req", "-new", "-key", s.key, "-subj", subj, "-out", csr);
	TESTCA_OSSL("x509", "-req", "-in", csr, "-CA", s.root, "-CAkey", rk, "-set_serial", "4097",
		    "-days", "365", "-extfile", cnf, "-extensions", "v3", "-out", s.crt);
	chain = cc_xasprintf("%s%s", a = testossl_read(s.crt, NULL),
			     b = testossl_read(s.root, NULL));
	testossl_write(s.chain, chain);
	free(chain);
	free(a);
	free(b);
	free(csr);
	free(cnf);
	free(rk);
	free(subj);
	return s;
}

void testca_sub_release(struct testca_sub *s)
{
	free(s->key);
	free(s->crt);
	free(s->chain);
	free(s->root);
}

char *testca_sub_config(const struct testca_sub *s, const char *key)
{
	return cc_xasprintf("{\"ca_cert_path\":\"%s\",\"ca_key_path\":\"%s\",\"validity_days\":30}",
			    s->chain, key ? key : s->key);
}

const char *const testca_key_rsa1[] = { "genrsa", "-traditional", "-out", "%K", "2048", NULL };
const char *const testca_key_sec1[] = { "ecparam", "-name", "prime256v1", "-genkey",
					"-noout",  "-out",  "%K",	  NULL };
const char *const testca_key_p8[] = {
	"genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384", "-out", "%K", NULL
};
const char *const testca_key_ed[] = { "genpkey", "-algorithm", "ed25519", "-out", "%K", NULL };
