/* common.c: config access, the deploy sequence with rollback, results and serial checks
 * shared by the target connectors */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include "connectors/target/common.h"
#include "connectors/target/files.h"
#include "connectors/target/target.h"
#include "libcc/buf.h"
#include "libcc/err.h"
#include "libcc/exec.h"
#include "libcc/fs.h"
#include "libcc/mem.h"
#include "libcc/safe.h"
#include "libcc/time.h"
#include "libcc/banned.h"

extern char **environ;

int cc_tgt_object(const json_t *config, struct cc_err *err)
{
	if (!json_is_object(config))
		return cc_err_set(err, CC_E_INVALID, "the target config must be a JSON object");
	return 0;
}

/* the raw string and its length (it may hold NUL bytes); absent or null: def. 1 when there
 * is a value, 0 when unset */
static int get_str(const json_t *config, const char *key, const char *def, bool required,
		   const char **out, size_t *len, struct cc_err *err)
{
	const json_t *v = json_object_get(config, key);

	*out = NULL;
	*len = 0;
	if (!v || json_is_null(v)) {
		*out = def;
		*len = def ? strlen(def) : 0;
	} else if (!json_is_string(v)) {
		return cc_err_set(err, CC_E_INVALID, "'%s' must be a string", key);
	} else {
		*out = json_string_value(v);
		*len = json_string_length(v);
	}
	if (*out && !*len)
		*out = NULL;
	if (!*out && required)
		return cc_err_set(err, CC_E_INVALID, "'%s' is required", key);
	return *out != NULL;
}

int cc_tgt_str(const json_t *config, const char *key, const char *def, bool required,
	       const char **out, struct cc_err *err)
{
	size_t len;

	if (get_str(config, key, def, required, out, &len, err) < 0)
		return -1;
	if (*out && strlen(*out) != len) {
		*out = NULL;
		return cc_err_set(err, CC_E_INVALID, "'%s' contains a NUL byte", key);
	}
	return 0;
}

/* a string that passes check (cc_safe_path_n or cc_safe_filename_n), duplicated */
static int get_checked(const json_t *config, const char *key, const char *def, bool required,
		       int (*check)(const char *, const char *, size_t, struct cc_err *),
		       char **out, struct cc_err *err)
{
	const char *s;
	size_t len;
	int rc;

	*out = NULL;
	if ((rc = get_str(config, key, def, required, &s, &len, err)) <= 0)
		return rc;
	if (check(key, s, len, err) < 0)
		return -1;
	*out = cc_xstrdup(s);
	return 0;
}

int cc_tgt_path(const json_t *config, const char *key, const char *def, bool required, char **out,
		struct cc_err *err)
{
	return get_checked(config, key, def, required, cc_safe_path_n, out, err);
}

int cc_tgt_filename(const json_t *config, const char *key, const char *def, bool required,
		    char **out, struct cc_err *err)
{
	return get_checked(config, key, def, required, cc_safe_filename_n, out, err);
}

int cc_tgt_command(const json_t *config, const char *key, const char *def, bool required,
		   struct cc_strv *argv, struct cc_err *err)
{
	const char *s;
	size_t len;
	int rc = get_str(config, key, def, required, &s, &len, err);

	return rc <= 0 ? rc : cc_safe_command_n(key, s, len, argv, err);
}

int cc_tgt_bool(const json_t *config, const char *key, bool def, bool *out, struct cc_err *err)
{
	const json_t *v = json_object_get(config, key);

	*out = def;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_boolean(v))
		return cc_err_set(err, CC_E_INVALID, "'%s' must be true or false", key);
	*out = json_is_true(v);
	return 0;
}

int cc_tgt_exec(const struct cc_strv *argv, struct cc_err *err)
{
	const char **env;
	size_t n = 0;
	int rc;

	for (char **e = environ; e && *e; e++)
		n++;
	env = cc_xcalloc(n + 1, sizeof(*env));
	n = 0;
	for (char **e = environ; e && *e; e++)
		if (strncmp(*e, "CERTCTL_", 8))
			env[n++] = *e;
	rc = cc_exec((const char *const *)argv->v, env, CC_TGT_CMD_TIMEOUT_MS, NULL, err);
	free(env);
	return rc;
}

static int reload_failed(struct cc_fileset *fs, const struct cc_strv *reload,
			 const struct cc_err *e, struct cc_err *err)
{
	struct cc_err e2 = CC_ERR_INIT;

	if (cc_fileset_restore(fs, &e2) < 0)
		return cc_err_set(err, e->code,
				  "reload_command failed: %.100s; restoring the previous files "
				  "failed too: %.100s",
				  e->msg, e2.msg);
	if (cc_tgt_exec(reload, &e2) < 0)
		return cc_err_set(err, e->code,
				  "reload_command failed: %.100s; previous files restored, but "
				  "reloading them failed too: %.80s",
				  e->msg, e2.msg);
	return cc_err_set(err, e->code,
			  "reload_command failed, previous files restored and reloaded: %.170s",
			  e->msg);
}

int cc_tgt_apply(struct cc_fileset *fs, const struct cc_strv *validate,
		 const struct cc_strv *reload, char **what, struct cc_err *err)
{
	struct cc_err e = CC_ERR_INIT, e2 = CC_ERR_INIT;
	char *files;

	*what = NULL;
	if (cc_fileset_install(fs, err) < 0)
		return -1;
	if (validate->n && cc_tgt_exec(validate, &e) < 0) {
		if (cc_fileset_restore(fs, &e2) < 0)
			return cc_err_set(err, e.code,
					  "validate_command failed: %.100s; restoring the previous "
					  "files failed too: %.100s",
					  e.msg, e2.msg);
		return cc_err_set(err, e.code,
				  "validate_command failed, previous files restored, not "
				  "reloaded: %.160s",
				  e.msg);
	}
	if (reload->n && cc_tgt_exec(reload, &e) < 0)
		return reload_failed(fs, reload, &e, err);
	cc_fileset_commit(fs);
	files = cc_fileset_list(fs);
	*what = cc_xasprintf("wrote %s%s%s", files, validate->n ? "; validated" : "",
			     reload->n ? "; reloaded" : "");
	free(files);
	return 0;
}

int cc_tgt_req_check(const struct cc_deploy_req *req, struct cc_err *err)
{
	if (!req || !req->cert_pem || !*req->cert_pem)
		return cc_err_set(err, CC_E_INVALID, "no certificate to deploy");
	return 0;
}

const char *cc_tgt_chain(const struct cc_deploy_req *req)
{
	return req->chain_pem ? req->chain_pem : "";
}

int cc_tgt_dir_files(struct cc_fileset *fs, const char *dir, const char *cert_file,
		     const char *key_file, const struct cc_deploy_req *req, char **cert_path,
		     struct cc_err *err)
{
	struct cc_buf cert = CC_BUF_INIT;
	const char *chain = cc_tgt_chain(req);
	char *key_path = cc_fileset_join(dir, key_file);
	int rc = -1;

	*cert_path = cc_fileset_join(dir, cert_file);
	cc_buf_addf(&cert, "%s\n", req->cert_pem);
	if (*chain)
		cc_buf_addf(&cert, "%s\n", chain);
	if (cc_fileset_add(fs, "cert_file", *cert_path, cert.buf, cert.len, 0644, err) < 0)
		goto out;
	if (req->key_pem && *req->key_pem &&
	    cc_fileset_add(fs, "key_file", key_path, req->key_pem, strlen(req->key_pem), 0600,
			   err) < 0)
		goto out;
	rc = 0;
out:
	if (rc < 0)
		cc_freep(cert_path);
	free(key_path);
	cc_buf_release(&cert);
	return rc;
}

void cc_tgt_result(struct cc_deploy_res *res, const char *type_lower, const char *address,
		   const char *fmt, ...)
{
	va_list ap;

	snprintf(res->deployment_id, sizeof(res->deployment_id), "%s-%lld", type_lower,
		 (long long)(cc_time_now() / CC_USEC_PER_SEC));
	snprintf(res->target_address, sizeof(res->target_address), "%s", address ? address : "");
	va_start(ap, fmt);
	vsnprintf(res->message, sizeof(res->message), fmt, ap);
	va_end(ap);
}

/* lower case hex without ':', '-', blanks and leading zeros ("0" for zero) */
static void serial_norm(const char *in, char *out, size_t outlen)
{
	size_t n = 0;

	for (; *in && n + 1 < outlen; in++) {
		char c = *in;
		if (c == ':' || c == '-' || c == ' ')
			continue;
		if (c >= 'A' && c <= 'F')
			c = (char)(c - 'A' + 'a');
		if (!n && c == '0')
			continue;
		out[n++] = c;
	}
	if (!n)
		out[n++] = '0';
	out[n] = '\0';
}

int cc_tgt_check_serial(const char *path, const char *serial_hex, struct cc_deploy_res *res,
			struct cc_err *err)
{
	struct cc_buf pem = CC_BUF_INIT;
	char have[128], want[128];
	BIO *bio = NULL;
	X509 *x = NULL;
	BIGNUM *bn = NULL;
	char *hex = NULL;
	int rc = -1;

	if (cc_fs_read(path, &pem, 1u << 20, err) < 0)
		goto out;
	bio = BIO_new_mem_buf(pem.buf, (int)pem.len);
	x = bio ? PEM_read_bio_X509(bio, NULL, NULL, NULL) : NULL;
	if (!x) {
		cc_err_ssl(err, CC_E_CONFLICT, "no certificate in the deployed file");
		cc_err_prefix(err, "'%s'", path);
		goto out;
	}
	bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL);
	hex = bn ? BN_bn2hex(bn) : NULL;
	if (!hex) {
		cc_err_ssl(err, CC_E_CRYPTO, "cannot read the serial number");
		goto out;
	}
	serial_norm(hex, have, sizeof(have));
	serial_norm(serial_hex ? serial_hex : "", want, sizeof(want));
	snprintf(res->target_address, sizeof(res->target_address), "%s", path);
	if (strcmp(have, want)) {
		cc_err_set(err, CC_E_CONFLICT, "'%s' holds serial %s, not %s", path, have, want);
		goto out;
	}
	snprintf(res->message, sizeof(res->message), "'%s' holds serial %s", path, have);
	rc = 0;
out:
	OPENSSL_free(hex);
	BN_free(bn);
	X509_free(x);
	BIO_free(bio);
	cc_buf_release(&pem);
	return rc;
}

int cc_tgt_check_serial_in(const char *dir, const char *file, const char *serial_hex,
			   struct cc_deploy_res *res, struct cc_err *err)
{
	char *path = cc_fileset_join(dir, file);
	int rc = cc_tgt_check_serial(path, serial_hex, res, err);

	free(path);
	return rc;
}
