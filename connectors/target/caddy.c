/* caddy.c: the Caddy target. mode "api": POST {"cert","key"} to
 * <admin_api>/config/apps/tls/certificates/load (10 s, 200/204 = done), falling back to the
 * files when cert_dir is set; mode "file" (or unset): <cert_dir>/<cert_file> and <key_file> */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <curl/curl.h>
#include "connectors/target/common.h"
#include "connectors/target/files.h"
#include "connectors/target/target.h"
#include "libcc/buf.h"
#include "libcc/err.h"
#include "libcc/mem.h"
#include "libcc/safe.h"
#include "libcc/banned.h"

#define CADDY_ADMIN "http://localhost:2019"
#define CADDY_LOAD "/config/apps/tls/certificates/load"
#define CADDY_TIMEOUT_MS 10000L

struct caddy {
	bool api;
	char *admin_api, *cert_dir, *cert_file, *key_file;
};

static void caddy_release(struct caddy *c)
{
	free(c->admin_api);
	free(c->cert_dir);
	free(c->cert_file);
	free(c->key_file);
}

static int caddy_parse(const json_t *config, struct caddy *c, struct cc_err *err)
{
	const char *mode, *url;

	memset(c, 0, sizeof(*c));
	if (cc_tgt_object(config, err) < 0 ||
	    cc_tgt_str(config, "mode", NULL, false, &mode, err) < 0)
		return -1;
	if (mode && strcasecmp(mode, "api") && strcasecmp(mode, "file"))
		return cc_err_set(err, CC_E_INVALID, "'mode' must be \"api\" or \"file\"");
	c->api = mode && !strcasecmp(mode, "api");
	if (cc_tgt_str(config, "admin_api", c->api ? CADDY_ADMIN : NULL, false, &url, err) < 0 ||
	    (url && cc_safe_url("admin_api", url, err) < 0) ||
	    cc_tgt_path(config, "cert_dir", NULL, !c->api, &c->cert_dir, err) < 0 ||
	    cc_tgt_filename(config, "cert_file", "cert.pem", true, &c->cert_file, err) < 0 ||
	    cc_tgt_filename(config, "key_file", "key.pem", true, &c->key_file, err) < 0) {
		caddy_release(c);
		return -1;
	}
	if (url) {
		size_t n = strlen(url);
		while (n && url[n - 1] == '/')
			n--;
		c->admin_api = cc_xstrndup(url, n);
	}
	return 0;
}

static int caddy_validate(const json_t *config, struct cc_err *err)
{
	struct caddy c;

	if (caddy_parse(config, &c, err) < 0)
		return -1;
	caddy_release(&c);
	return 0;
}

static size_t on_body(char *p, size_t size, size_t n, void *arg)
{
	struct cc_buf *b = arg;

	if (b->len < 4096)
		cc_buf_add(b, p, size * n < 4096 - b->len ? size * n : 4096 - b->len);
	return size * n;
}

/* the start of an error body, printable */
static void snippet(const struct cc_buf *b, char *out, size_t outlen)
{
	size_t n = 0;

	for (size_t i = 0; i < b->len && n + 1 < outlen; i++) {
		unsigned char c = (unsigned char)b->buf[i];
		if (c == '\n' || c == '\r')
			break;
		out[n++] = c < 0x20 || c >= 0x7f ? '?' : (char)c;
	}
	out[n] = '\0';
}

static int caddy_post(const char *admin, const char *body, struct cc_err *err)
{
	CURL *h = curl_easy_init();
	struct curl_slist *hdrs = curl_slist_append(NULL, "Content-Type: application/json");
	char *url = cc_xasprintf("%s" CADDY_LOAD, admin);
	char errbuf[CURL_ERROR_SIZE] = "", text[120];
	struct cc_buf resp = CC_BUF_INIT;
	long status = 0;
	CURLcode rc;
	int ret = -1;

	if (!h) {
		cc_err_set(err, CC_E_INTERNAL, "cannot initialise libcurl");
		goto out;
	}
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_POST, 1L);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(body));
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, CADDY_TIMEOUT_MS);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_USERAGENT, "certctl");
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &resp);
	rc = curl_easy_perform(h);
	if (rc != CURLE_OK) {
		cc_err_set(err, CC_E_UNAVAILABLE, "cannot reach the Caddy admin API at %s: %s",
			   admin, *errbuf ? errbuf : curl_easy_strerror(rc));
		goto out;
	}
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	if (status != 200 && status != 204) {
		snippet(&resp, text, sizeof(text));
		cc_err_set(err, CC_E_UNAVAILABLE, "the Caddy admin API at %s answered HTTP %ld%s%s",
			   admin, status, *text ? ": " : "", text);
		goto out;
	}
	ret = 0;
out:
	cc_buf_release(&resp);
	curl_slist_free_all(hdrs);
	if (h)
		curl_easy_cleanup(h);
	free(url);
	return ret;
}

/* the v2.1 body: {"cert": cert "\n" [chain "\n"], "key": key} */
static int caddy_load(const struct caddy *c, const struct cc_deploy_req *req, struct cc_err *err)
{
	const char *chain = cc_tgt_chain(req);
	char *cert, *text;
	json_t *body;
	int rc;

	if (!req->key_pem || !*req->key_pem)
		return cc_err_set(err, CC_E_INVALID, "the Caddy admin API needs the private key");
	cert = cc_xasprintf("%s\n%s%s", req->cert_pem, chain, *chain ? "\n" : "");
	body = json_pack("{s:s, s:s}", "cert", cert, "key", req->key_pem); /* new ref */
	text = body ? json_dumps(body, JSON_COMPACT) : NULL;
	json_decref(body);
	free(cert);
	if (!text)
		return cc_err_set(err, CC_E_INVALID, "the certificate or key is not valid UTF-8");
	rc = caddy_post(c->admin_api, text, err);
	memset(text, 0, strlen(text)); /* holds the key */
	free(text);
	return rc;
}

static int caddy_files(const struct caddy *c, const struct cc_deploy_req *req,
		       struct cc_deploy_res *res, const char *why, struct cc_err *err)
{
	struct cc_fileset fs = CC_FILESET_INIT;
	struct cc_strv none = CC_STRV_INIT;
	char *cert_path = NULL, *what = NULL;
	int rc = -1;

	if (cc_tgt_dir_files(&fs, c->cert_dir, c->cert_file, c->key_file, req, &cert_path, err) <
		    0 ||
	    cc_tgt_apply(&fs, &none, &none, &what, err) < 0)
		goto out;
	cc_tgt_result(res, "caddy", cert_path, "%s%s%s", why ? why : "", why ? "; " : "", what);
	rc = 0;
out:
	free(what);
	free(cert_path);
	cc_fileset_release(&fs);
	return rc;
}

static int caddy_deploy(const struct cc_deploy_req *req, struct cc_deploy_res *res,
			struct cc_err *err)
{
	struct cc_err api = CC_ERR_INIT;
	struct caddy c;
	char *why = NULL;
	int rc = -1;

	if (cc_tgt_req_check(req, err) < 0 || caddy_parse(req->config, &c, err) < 0)
		return -1;
	if (c.api) {
		if (caddy_load(&c, req, &api) == 0) {
			cc_tgt_result(res, "caddy", c.admin_api,
				      "loaded into Caddy through the admin API at %s", c.admin_api);
			rc = 0;
			goto out;
		}
		if (!c.cert_dir) {
			cc_err_set(err, api.code, "%s", api.msg);
			goto out;
		}
		why = cc_xasprintf("admin API failed (%.200s), fell back to files", api.msg);
	}
	rc = caddy_files(&c, req, res, why, err);
out:
	free(why);
	caddy_release(&c);
	return rc;
}

static int caddy_check(const json_t *config, const char *serial_hex, struct cc_deploy_res *res,
		       struct cc_err *err)
{
	struct caddy c;
	char *path;
	int rc;

	if (caddy_parse(config, &c, err) < 0)
		return -1;
	if (!c.cert_dir) {
		caddy_release(&c);
		return cc_err_set(
			err, CC_E_UNSUPPORTED,
			"a Caddy target in API mode without cert_dir has no file to check");
	}
	path = cc_fileset_join(c.cert_dir, c.cert_file);
	rc = cc_tgt_check_serial(path, serial_hex, res, err);
	free(path);
	caddy_release(&c);
	return rc;
}

const struct cc_target_ops cc_target_caddy = {
	.name = "Caddy",
	.caps = CC_TGT_API,
	.validate_config = caddy_validate,
	.deploy = caddy_deploy,
	.validate_deployment = caddy_check,
};
