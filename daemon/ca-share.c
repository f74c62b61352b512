/* ca-share.c: the self-signed Local CA kept in the database for every replica */
#include <stdlib.h>
#include <string.h>
#include <openssl/crypto.h>
#include <jansson.h>
#include "daemon/ca-share.h"
#include "daemon/app.h"
#include "connectors/issuer/issuer.h"
#include "libcc/buf.h"
#include "libcc/cfg.h"
#include "libcc/db.h"
#include "libcc/err.h"
#include "libcc/fs.h"
#include "libcc/issuer.h"
#include "libcc/secretbox.h"
#include "libcc/banned.h"

#define PEM_MAX (1024 * 1024)

static const char sql_get[] =
	"SELECT cert_pem, key_sealed FROM local_ca_material WHERE issuer_id = $1";
static const char sql_put[] =
	"INSERT INTO local_ca_material (issuer_id, cert_pem, key_sealed) VALUES ($1, $2, $3) "
	"ON CONFLICT (issuer_id) DO NOTHING";

static bool set(const char *s)
{
	return s && *s;
}

bool api_ca_shared(struct api_app *app, const struct cc_issuer *row, const json_t *config)
{
	return cc_issuer_find(row->type) == cc_issuer_find("GenericCA") &&
	       !set(json_string_value(json_object_get(config, "ca_cert_path"))) &&
	       !set(cc_cfg_str(app->cfg, CC_CFG_ca_cert_path));
}

static const char *passphrase(const struct api_app *app)
{
	return cc_cfg_str(app->cfg, CC_CFG_config_encryption_key);
}

/* the file at path holds exactly data[n] */
static bool same_file(const char *path, const char *data, size_t n)
{
	struct cc_buf b = CC_BUF_INIT;
	bool same =
		cc_fs_read(path, &b, PEM_MAX, NULL) == 0 && b.len == n && !memcmp(b.buf, data, n);

	OPENSSL_cleanse(b.buf, b.len);
	cc_buf_release(&b);
	return same;
}

static int put_file(const char *dir, const char *name, const char *data, size_t n, mode_t mode,
		    struct cc_err *err)
{
	char *path = cc_xasprintf("%s/%s", dir, name);
	int rc = same_file(path, data, n) ? 0 : cc_fs_write_atomic(path, data, n, mode, err);

	free(path);
	return rc;
}

int api_ca_pull(struct api_app *app, struct cc_dbc *c, const char *issuer_id, bool *stored,
		struct cc_err *err)
{
	struct cc_dbres r = CC_DBRES_INIT;
	struct cc_bytes key = { 0 };
	char *dir = NULL;
	const char *sealed;
	int rc = -1;

	*stored = false;
	if (cc_db_exec(c, sql_get, CC_DB_ARGS(CC_DB_TEXT(issuer_id)), &r, err) < 0)
		goto out;
	if (!r.nrows) {
		rc = 0;
		goto out;
	}
	sealed = cc_dbres_str(&r, 0, 1);
	if (r.lens[1] > 10 && !memcmp(sealed, "-----BEGIN", 10)) {
		key.p = (unsigned char *)cc_xstrndup(sealed, r.lens[1]);
		key.n = r.lens[1];
	} else if (cc_secretbox_open(passphrase(app), sealed, r.lens[1], &key, err) < 0) {
		cc_err_prefix(err, "the stored key of CA '%s'", issuer_id);
		goto out;
	}
	dir = cc_xasprintf("%s/ca/%s", app->data_dir, issuer_id);
	if (cc_fs_mkdirs(dir, 0700, err) < 0 ||
	    put_file(dir, "ca.key", (const char *)key.p, key.n, 0600, err) < 0 ||
	    put_file(dir, "ca.crt", cc_dbres_str(&r, 0, 0), r.lens[0], 0644, err) < 0)
		goto out;
	*stored = true;
	rc = 0;
out:
	if (key.p)
		OPENSSL_cleanse(key.p, key.n);
	cc_bytes_release(&key);
	free(dir);
	cc_dbres_release(&r);
	return rc;
}

int api_ca_push(struct api_app *app, struct cc_dbc *c, const char *issuer_id, struct cc_err *err)
{
	struct cc_buf cert = CC_BUF_INIT, key = CC_BUF_INIT;
	struct cc_bytes sealed = { 0 };
	struct cc_dbres r = CC_DBRES_INIT;
	char *kp = cc_xasprintf("%s/ca/%s/ca.key", app->data_dir, issuer_id);
	char *cp = cc_xasprintf("%s/ca/%s/ca.crt", app->data_dir, issuer_id);
	int rc = -1;

	if (cc_fs_read(cp, &cert, PEM_MAX, err) < 0 || cc_fs_read(kp, &key, PEM_MAX, err) < 0)
		goto out;
	if (*passphrase(app)) {
		if (cc_secretbox_seal(passphrase(app), key.buf, key.len, &sealed, err) < 0)
			goto out;
	} else {
		sealed.p = cc_xmalloc(key.len);
		memcpy(sealed.p, key.buf, key.len);
		sealed.n = key.len;
	}
	if (cc_db_exec(c, sql_put,
		       CC_DB_ARGS(CC_DB_TEXT(issuer_id), CC_DB_TEXT(cert.buf),
				  CC_DB_BLOB(sealed.p, sealed.n)),
		       &r, err) < 0)
		goto out;
	rc = r.changes ? 0 : 1;
out:
	OPENSSL_cleanse(key.buf, key.len);
	if (sealed.p)
		OPENSSL_cleanse(sealed.p, sealed.n);
	cc_bytes_release(&sealed);
	cc_buf_release(&cert);
	cc_buf_release(&key);
	cc_dbres_release(&r);
	free(kp);
	free(cp);
	return rc;
}
