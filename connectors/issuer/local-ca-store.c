/* local-ca-store.c: the Local CA's key and certificate — a sub-CA loaded from files, or a
 * self-signed ECDSA P-256 CA created once under <data_dir>/ca/<issuer_id>/ and reused */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include "connectors/issuer/local-ca.h"
#include "libcc/buf.h"
#include "libcc/err.h"
#include "libcc/fs.h"
#include "libcc/mem.h"
#include "libcc/time.h"
#include "libcc/x509.h"
#include "libcc/banned.h"

#define FILE_MAX (1024 * 1024)
#define CA_DAYS 3652 /* ten years */
#define SKEW_S 60

static int no_password(char *buf, int size, int rwflag, void *u)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	(void)u;
	return -1; /* never prompt */
}

/* an unreadable CA file is a configuration problem */
static void as_config(struct cc_err *err)
{
	if (err)
		err->code = CC_E_CONFIG;
}

static EVP_PKEY *read_key(const char *path, struct cc_err *err)
{
	struct cc_buf b = CC_BUF_INIT;
	EVP_PKEY *key = NULL;
	BIO *bio = NULL;

	if (cc_fs_read(path, &b, FILE_MAX, err) < 0) {
		as_config(err);
		goto out;
	}
	bio = BIO_new_mem_buf(b.buf, (int)b.len);
	key = bio ? PEM_read_bio_PrivateKey(bio, NULL, no_password, NULL) : NULL;
	if (!key)
		cc_err_ssl(err, CC_E_CONFIG,
			   "cannot read the CA key (PEM RSA, EC or PKCS#8 "
			   "PRIVATE KEY, unencrypted)");
out:
	BIO_free(bio);
	if (b.len)
		OPENSSL_cleanse(b.buf, b.len);
	cc_buf_release(&b);
	return key;
}

/* every certificate of the file; the first is the CA */
static STACK_OF(X509) * read_certs(const char *path, struct cc_err *err)
{
	struct cc_buf b = CC_BUF_INIT;
	STACK_OF(X509) *sk = sk_X509_new_null();
	BIO *bio = NULL;
	X509 *x;

	if (!sk)
		CC_BUG("out of memory");
	if (cc_fs_read(path, &b, FILE_MAX, err) < 0) {
		as_config(err);
		goto fail;
	}
	bio = BIO_new_mem_buf(b.buf, (int)b.len);
	while (bio && (x = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL)
		if (!sk_X509_push(sk, x))
			CC_BUG("out of memory");
	ERR_clear_error(); /* the end of the file */
	if (!sk_X509_num(sk)) {
		cc_err_set(err, CC_E_CONFIG, "'%s' holds no PEM certificate", path);
		goto fail;
	}
	BIO_free(bio);
	cc_buf_release(&b);
	return sk;
fail:
	BIO_free(bio);
	cc_buf_release(&b);
	sk_X509_pop_free(sk, X509_free);
	return NULL;
}

static int is_eddsa(const EVP_PKEY *key)
{
	int id = EVP_PKEY_get_base_id(key);

	return id == EVP_PKEY_ED25519 || id == EVP_PKEY_ED448;
}

/* checks that certs[0] is a CA certificate for key, then takes both */
static int adopt(struct local_ca *ca, EVP_PKEY *key, STACK_OF(X509) * certs, const char *what,
		 struct cc_err *err)
{
	X509 *x = sk_X509_value(certs, 0);
	const ASN1_OCTET_STRING *ski;
	struct cc_buf chain = CC_BUF_INIT;
	uint32_t flags = X509_get_extension_flags(x);

	if (!(flags & EXFLAG_CA))
		return cc_err_set(err, CC_E_CONFIG,
				  "%s is not a CA certificate (basicConstraints CA:TRUE missing)",
				  what);
	if (!(flags & EXFLAG_KUSAGE) || !(X509_get_key_usage(x) & KU_KEY_CERT_SIGN))
		return cc_err_set(err, CC_E_CONFIG,
				  "%s may not sign certificates (keyUsage keyCertSign missing)",
				  what);
	if (X509_check_private_key(x, key) != 1) {
		ERR_clear_error();
		return cc_err_set(err, CC_E_CONFIG, "the CA key does not match %s", what);
	}
	for (int i = 0; i < sk_X509_num(certs); i++) {
		char *pem = cc_x509_pem(sk_X509_value(certs, i));

		if (!pem)
			return cc_err_ssl(err, CC_E_CRYPTO, "cannot encode the CA certificate");
		cc_buf_adds(&chain, pem);
		free(pem);
	}
	ca->chain_pem = cc_buf_detach(&chain, NULL);
	ca->cert_pem = cc_x509_pem(x);
	if (!is_eddsa(key) && !(ca->md = EVP_MD_fetch(NULL, "SHA256", NULL)))
		return cc_err_ssl(err, CC_E_CRYPTO, "SHA-256 is unavailable");
	if (!(ca->sha1 = EVP_MD_fetch(NULL, "SHA1", NULL)))
		return cc_err_ssl(err, CC_E_CRYPTO, "SHA-1 is unavailable");
	if ((ski = X509_get0_subject_key_id(x)) != NULL &&
	    (size_t)ASN1_STRING_length(ski) <= sizeof(ca->ski)) {
		ca->ski_len = (unsigned)ASN1_STRING_length(ski);
		memcpy(ca->ski, ASN1_STRING_get0_data(ski), ca->ski_len);
	} else if (!X509_pubkey_digest(x, ca->sha1, ca->ski, &ca->ski_len)) {
		return cc_err_ssl(err, CC_E_CRYPTO, "cannot hash the CA key");
	}
	ca->not_after = cc_x509_time(X509_get0_notAfter(x));
	if (!X509_up_ref(x) || !EVP_PKEY_up_ref(key))
		CC_BUG("cannot take a reference");
	ca->cert = x;
	ca->key = key;
	return 0;
}

int local_ca_load_sub(struct local_ca *ca, const char *cert_path, const char *key_path,
		      struct cc_err *err)
{
	STACK_OF(X509) *certs = read_certs(cert_path, err);
	EVP_PKEY *key = certs ? read_key(key_path, err) : NULL;
	char *what = cc_xasprintf("'%s'", cert_path);
	int rc = key ? adopt(ca, key, certs, what, err) : -1;

	free(what);
	EVP_PKEY_free(key);
	sk_X509_pop_free(certs, X509_free);
	return rc;
}

/* ---- self-signed ---- */

static int add_ext(X509 *x, int nid, int crit, void *value)
{
	return X509_add1_ext_i2d(x, nid, value, crit, X509V3_ADD_DEFAULT) == 1;
}

static int ca_extensions(X509 *x, const EVP_MD *sha1)
{
	BASIC_CONSTRAINTS *bc = BASIC_CONSTRAINTS_new();
	ASN1_BIT_STRING *ku = ASN1_BIT_STRING_new();
	ASN1_OCTET_STRING *ski = ASN1_OCTET_STRING_new();
	AUTHORITY_KEYID *aki = AUTHORITY_KEYID_new();
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	int ok = 0;

	if (!bc || !ku || !ski || !aki || !(aki->keyid = ASN1_OCTET_STRING_new()))
		goto out;
	bc->ca = 0xff;
	ok = ASN1_BIT_STRING_set_bit(ku, 5, 1) && /* keyCertSign */
	     ASN1_BIT_STRING_set_bit(ku, 6, 1) && /* cRLSign */
	     X509_pubkey_digest(x, sha1, md, &n) && ASN1_OCTET_STRING_set(ski, md, (int)n) &&
	     ASN1_OCTET_STRING_set(aki->keyid, md, (int)n) &&
	     add_ext(x, NID_basic_constraints, 1, bc) && add_ext(x, NID_key_usage, 1, ku) &&
	     add_ext(x, NID_subject_key_identifier, 0, ski) &&
	     add_ext(x, NID_authority_key_identifier, 0, aki);
out:
	BASIC_CONSTRAINTS_free(bc);
	ASN1_BIT_STRING_free(ku);
	ASN1_OCTET_STRING_free(ski);
	AUTHORITY_KEYID_free(aki);
	return ok;
}

static X509 *self_sign(EVP_PKEY *key, const char *cn, struct cc_err *err)
{
	time_t now = (time_t)(cc_time_now() / CC_USEC_PER_SEC);
	EVP_MD *sha1 = EVP_MD_fetch(NULL, "SHA1", NULL);
	X509 *x = X509_new();
	char serial[41];
	int ok;

	if (!x || !sha1)
		goto fail;
	if (local_ca_serial(X509_get_serialNumber(x), serial, err) < 0)
		goto out;
	ok = X509_set_version(x, X509_VERSION_3) &&
	     ASN1_TIME_set(X509_getm_notBefore(x), now - SKEW_S) &&
	     ASN1_TIME_adj(X509_getm_notAfter(x), now, CA_DAYS, 0) &&
	     X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN", MBSTRING_UTF8,
					(const unsigned char *)cn, -1, -1, 0) &&
	     X509_set_issuer_name(x, X509_get_subject_name(x)) && X509_set_pubkey(x, key) &&
	     ca_extensions(x, sha1) && X509_sign(x, key, EVP_sha256());
	if (ok) {
		EVP_MD_free(sha1);
		return x;
	}
fail:
	cc_err_ssl(err, CC_E_CRYPTO, "cannot create the CA certificate");
out:
	EVP_MD_free(sha1);
	X509_free(x);
	return NULL;
}

/* a new key and certificate, written key first: ca.crt exists only with its key */
static int create(const char *key_path, const char *cert_path, const char *cn, struct cc_err *err)
{
	EVP_PKEY *key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	X509 *x = key ? self_sign(key, cn, err) : NULL;
	BIO *b = BIO_new(BIO_s_secmem());
	char *pem = x ? cc_x509_pem(x) : NULL, *kdata = NULL;
	long klen = 0;
	int rc = -1;

	if (!key)
		cc_err_ssl(err, CC_E_CRYPTO, "cannot generate the CA key");
	if (!x)
		goto out;
	if (!b || !pem || !PEM_write_bio_PrivateKey(b, key, NULL, NULL, 0, NULL, NULL) ||
	    (klen = BIO_get_mem_data(b, &kdata)) <= 0) {
		cc_err_ssl(err, CC_E_CRYPTO, "cannot encode the CA");
		goto out;
	}
	if (cc_fs_write_atomic(key_path, kdata, (size_t)klen, 0600, err) < 0 ||
	    cc_fs_write_atomic(cert_path, pem, strlen(pem), 0644, err) < 0)
		goto out;
	rc = 0;
out:
	BIO_free(b); /* secure memory: cleared */
	free(pem);
	X509_free(x);
	EVP_PKEY_free(key);
	return rc;
}

static int safe_id(const char *id)
{
	if (!id || !*id || *id == '.')
		return 0;
	for (; *id; id++)
		if (!isascii((unsigned char)*id) ||
		    (!isalnum((unsigned char)*id) && !strchr("._-", *id)))
			return 0;
	return 1;
}

static int exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

/* under the lock: load, or create then load */
static int load_or_create(struct local_ca *ca, const char *dir, const char *cn, struct cc_err *err)
{
	char *key_path = cc_xasprintf("%s/ca.key", dir),
	     *cert_path = cc_xasprintf("%s/ca.crt", dir);
	int rc = -1;

	if (exists(cert_path) && !exists(key_path)) {
		cc_err_set(err, CC_E_CONFIG,
			   "'%s' exists without its key '%s': restore the key or remove both",
			   cert_path, key_path);
		goto out;
	}
	if (!exists(cert_path) && create(key_path, cert_path, cn, err) < 0)
		goto out;
	rc = local_ca_load_sub(ca, cert_path, key_path, err);
out:
	free(key_path);
	free(cert_path);
	return rc;
}

int local_ca_load_self(struct local_ca *ca, const struct cc_issuer_env *env, const char *cn,
		       struct cc_err *err)
{
	char *dir = NULL, *lock = NULL;
	int fd = -1, rc = -1;

	if (!env || !env->data_dir || !*env->data_dir)
		return cc_err_set(err, CC_E_CONFIG, "the Local CA needs a data directory");
	if (!safe_id(env->issuer_id))
		return cc_err_set(err, CC_E_CONFIG, "issuer id '%s' cannot name a directory",
				  env->issuer_id ? env->issuer_id : "");
	dir = cc_xasprintf("%s/ca/%s", env->data_dir, env->issuer_id);
	lock = cc_xasprintf("%s/ca.lock", dir);
	if (cc_fs_mkdirs(dir, 0700, err) < 0)
		goto out;
	if (chmod(dir, 0700) < 0) {
		cc_err_set(err, CC_E_IO, "cannot chmod '%s': %s", dir, strerror(errno));
		goto out;
	}
	/* a second process (or instance) opening at the same time waits, then loads */
	fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0 || flock(fd, LOCK_EX) < 0) {
		cc_err_set(err, CC_E_IO, "cannot lock '%s': %s", lock, strerror(errno));
		goto out;
	}
	rc = load_or_create(ca, dir, cn, err);
out:
	if (fd >= 0)
		close(fd); /* releases the lock */
	free(lock);
	free(dir);
	return rc;
}

void local_ca_release(struct local_ca *ca)
{
	EVP_PKEY_free(ca->key);
	X509_free(ca->cert);
	free(ca->cert_pem);
	free(ca->chain_pem);
	EVP_MD_free(ca->md);
	EVP_MD_free(ca->sha1);
	EVP_MD_CTX_free(ca->sign_ctx);
	ca->sign_ctx = NULL;
	X509_EXTENSION_free(ca->ext_bc);
	X509_EXTENSION_free(ca->ext_aki);
	X509_EXTENSION_free(ca->ext_cdp);
	X509_EXTENSION_free(ca->ext_aia);
	ca->key = NULL;
	ca->cert = NULL;
	ca->cert_pem = ca->chain_pem = NULL;
	ca->md = ca->sha1 = NULL;
	ca->ext_bc = ca->ext_aki = ca->ext_cdp = ca->ext_aia = NULL;
}
