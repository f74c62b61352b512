/* caddy.c: the Caddy target. mode "file" (or unset): <cert_dir>/<cert_file> and <key_file>.
 * mode "api": the certificate goes into Caddy's running config through its admin API (no
 * restart, no file), falling back to the files when that fails and cert_dir is set.
 *
 * What Caddy 2.6.2 does (tried with `caddy run --config`; tests/e2e/t4002-deploy-caddy.bats):
 * - There is no "load" certificate loader: v2.1's POST {"cert","key"} to
 *   /config/apps/tls/certificates/load gets HTTP 500 "... unknown module:
 *   tls.certificates.load". The loaders are automate, load_files, load_folders, load_pem and
 *   load_storage. load_pem is an array of {"certificate": leaf+chain PEM, "key": PEM,
 *   "tags": [...]} held in the config itself; ours carries the tag "certctl:<cert id>".
 * - Each change is a config reload. The reply (200, empty body) comes once the new config
 *   runs: the next handshake already gets the new certificate. A rejected change (bad PEM,
 *   key not matching: 500 {"error":"loading new config: ... PEM pair 0: tls: private key
 *   does not match public key"}) leaves the running config as it was. An unchanged config
 *   is 200 as well.
 * - GET /config/<path>: 200 and the value; 200 "null" when the last key is absent; 400
 *   {"error":"invalid traversal path at: ..."} when a parent is absent. The reply carries
 *   ETag "<path> <hash of that value>" (a trailer of the chunked body); a change sent with
 *   that If-Match gets 412 when the value at <path> changed meanwhile.
 * - PATCH load_pem/<i> replaces entry i (500 "array index out of bounds" past the end); PUT
 *   load_pem/<i> inserts before entry i (out of bounds on an empty array); POST load_pem
 *   appends; POST <path> of an absent key creates it; PUT load_pem/0 with no load_pem fails.
 * - Among the certificates for an SNI name the handshake takes the first one loaded that has
 *   not expired. In load_pem that is array order, so our new entry goes first. Across
 *   loaders (load_files and load_pem) the order changes from one reload to the next (a Go
 *   map): a "certificate_selection": {"any_tag": ["certctl:<id>"]} in the server's
 *   tls_connection_policies makes the choice certain.
 * - Loaded certificates live in the running config. Caddy autosaves it (key included, 0600)
 *   but a restart from the original config file (without --resume) forgets them until the
 *   next deployment.
 * - An admin URL whose host Caddy does not list in admin.origins: 403 "host not allowed".
 *
 * So: GET load_pem. Our tag at entry i: PATCH load_pem/i; a non-empty array without it: PUT
 * load_pem/0; an empty one: POST load_pem; none (null): POST [entry]; a missing parent: the
 * nearest ancestor that GET finds absent gets the nested object POSTed. Each change carries
 * the If-Match of that GET; a 412 starts over, CADDY_TRIES times. */
#include <stdio.h>
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
#define CADDY_TIMEOUT_MS 10000L
#define CADDY_TRIES 3
#define CADDY_GET_MAX (32u << 20) /* load_pem holds every loaded certificate and key */
#define CADDY_ERR_MAX 4096u
#define CADDY_TEXT_MAX 120 /* the end of Caddy's error text: its nested causes come last */
#define CADDY_PEM "/config/apps/tls/certificates/load_pem"

/* load_pem and its ancestors, each the key of the next level up in the config */
static const struct {
	const char *path, *key;
} caddy_levels[] = {
	{ CADDY_PEM, NULL },
	{ "/config/apps/tls/certificates", "load_pem" },
	{ "/config/apps/tls", "certificates" },
	{ "/config/apps", "tls" },
	{ "/config/", "apps" },
};

struct caddy {
	bool api;
	char *admin_api, *cert_dir, *cert_file, *key_file;
};

struct caddy_reply {
	long status;
	struct cc_buf body; /* capped at body.max; truncated set when more came */
	bool truncated;
	char etag[256];
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
	struct caddy_reply *r = arg;
	size_t room = r->body.max - r->body.len;

	if (size * n > room)
		r->truncated = true;
	cc_buf_add(&r->body, p, size * n < room ? size * n : room);
	return size * n;
}

/* headers and trailers: Caddy sends its ETag as a trailer */
static size_t on_header(char *p, size_t size, size_t n, void *arg)
{
	struct caddy_reply *r = arg;
	size_t len = size * n;

	if (len > 5 && !strncasecmp(p, "etag:", 5)) {
		const char *v = p + 5;
		size_t vlen = len - 5;
		while (vlen && (*v == ' ' || *v == '\t'))
			v++, vlen--;
		while (vlen && strchr("\r\n \t", v[vlen - 1]))
			vlen--;
		if (vlen < sizeof(r->etag))
			snprintf(r->etag, sizeof(r->etag), "%.*s", (int)vlen, v);
	}
	return len;
}

static void reply_release(struct caddy_reply *r)
{
	memset(r->body.buf, 0, r->body.len); /* may hold keys */
	cc_buf_release(&r->body);
}

/* one request; r->status is Caddy's answer, -1 only when nothing came back */
static int caddy_http(const struct caddy *c, const char *method, const char *path, const char *body,
		      const char *if_match, struct caddy_reply *r, struct cc_err *err)
{
	CURL *h = curl_easy_init();
	struct curl_slist *hdrs = curl_slist_append(NULL, "Expect:");
	char *url = cc_xasprintf("%s%s", c->admin_api, path), *im = NULL;
	char errbuf[CURL_ERROR_SIZE] = "";
	CURLcode rc;
	int ret = -1;

	memset(r, 0, sizeof(*r));
	cc_buf_init(&r->body, body ? CADDY_ERR_MAX : CADDY_GET_MAX);
	if (!h) {
		cc_err_set(err, CC_E_INTERNAL, "cannot initialise libcurl");
		goto out;
	}
	if (body) {
		hdrs = curl_slist_append(hdrs, "Content-Type: application/json");
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(body));
	}
	if (if_match && *if_match) {
		im = cc_xasprintf("If-Match: %s", if_match);
		hdrs = curl_slist_append(hdrs, im);
	}
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, CADDY_TIMEOUT_MS);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_USERAGENT, "certctl");
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, r);
	rc = curl_easy_perform(h);
	if (rc != CURLE_OK) {
		cc_err_set(err, CC_E_UNAVAILABLE, "cannot reach the Caddy admin API at %s: %s",
			   c->admin_api, *errbuf ? errbuf : curl_easy_strerror(rc));
		goto out;
	}
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r->status);
	ret = 0;
out:
	curl_slist_free_all(hdrs);
	if (h)
		curl_easy_cleanup(h);
	free(im);
	free(url);
	return ret;
}

/* Caddy's {"error": text}, else the body's first line; printable ASCII, its end when long */
static void caddy_text(const struct caddy_reply *r, char *out, size_t outlen)
{
	json_t *j = json_loadb(r->body.buf, r->body.len, 0, NULL); /* new ref */
	const char *s = json_string_value(json_object_get(j, "error"));
	size_t len = s ? strlen(s) : strcspn(r->body.buf, "\r\n"), n = 0;

	if (!s)
		s = r->body.buf;
	if (len > CADDY_TEXT_MAX) {
		n = (size_t)snprintf(out, outlen, "...");
		s += len - CADDY_TEXT_MAX;
		len = CADDY_TEXT_MAX;
	}
	for (size_t i = 0; i < len && n + 1 < outlen; i++) {
		unsigned char ch = (unsigned char)s[i];
		out[n++] = ch < 0x20 || ch >= 0x7f ? '?' : (char)ch;
	}
	out[n] = '\0';
	json_decref(j);
}

static int caddy_fail(const struct caddy *c, const char *method, const char *path,
		      const struct caddy_reply *r, struct cc_err *err)
{
	char text[CADDY_TEXT_MAX + 8];

	caddy_text(r, text, sizeof(text));
	return cc_err_set(err, r->status == 412 ? CC_E_RETRY : CC_E_UNAVAILABLE,
			  "the Caddy admin API at %s answered HTTP %ld to %s %s%s%s", c->admin_api,
			  r->status, method, path, *text ? ": " : "", text);
}

/* the index of the load_pem entry tagged tag, -1 when none */
static long find_tagged(const json_t *arr, const char *tag)
{
	size_t i, k;
	json_t *e, *t;

	json_array_foreach (arr, i, e) {
		json_array_foreach (json_object_get(e, "tags"), k, t) {
			const char *s = json_string_value(t);
			if (s && !strcmp(s, tag))
				return (long)i;
		}
	}
	return -1;
}

/* the change to make for what GET of caddy_levels[lv] found (v): method, path and body */
struct caddy_change {
	const char *method;
	char path[96];
	json_t *body; /* new ref */
	char what[96];
};

static int plan(const json_t *v, size_t lv, json_t *entry, const char *tag, struct caddy_change *ch)
{
	size_t n = json_array_size(v);
	long i;

	if (lv == 0 && json_is_array(v)) {
		i = find_tagged(v, tag);
		ch->body = json_incref(entry);
		if (i >= 0) {
			ch->method = "PATCH"; /* in place */
			snprintf(ch->path, sizeof(ch->path), CADDY_PEM "/%ld", i);
			snprintf(ch->what, sizeof(ch->what), "replaced load_pem entry %ld", i);
			return 0;
		}
		ch->method = n ? "PUT" : "POST"; /* first: it wins the handshake */
		snprintf(ch->path, sizeof(ch->path), "%s", n ? CADDY_PEM "/0" : CADDY_PEM);
		snprintf(ch->what, sizeof(ch->what), "added load_pem entry 0 of %zu", n + 1);
		return 0;
	}
	if (!json_is_null(v))
		return lv == 0 ? -1 : 1;    /* not an array; or created since the GET below it */
	ch->body = json_pack("[O]", entry); /* new ref */
	for (size_t k = 1; k <= lv; k++)
		ch->body = json_pack("{s:o}", caddy_levels[k].key, ch->body);
	ch->method = "POST";
	snprintf(ch->path, sizeof(ch->path), "%s", caddy_levels[lv].path);
	snprintf(ch->what, sizeof(ch->what), "created %s", CADDY_PEM);
	return 0;
}

/* one try: 0 done (*what set), 1 to start over (412, or the config changed), -1 failed */
static int caddy_try(const struct caddy *c, json_t *entry, const char *tag, char *what,
		     size_t whatlen, struct cc_err *err)
{
	struct caddy_change ch = { 0 };
	struct caddy_reply r = { .body = CC_BUF_INIT };
	json_t *v = NULL;
	char *text = NULL, etag[sizeof(r.etag)];
	size_t lv;
	int rc = -1, p;

	for (lv = 0; lv < CC_ARRAY_SIZE(caddy_levels); lv++) {
		reply_release(&r);
		if (caddy_http(c, "GET", caddy_levels[lv].path, NULL, NULL, &r, err) < 0)
			goto out;
		if (r.status == 200)
			break;
		if (r.status != 400 || !strstr(r.body.buf, "invalid traversal path")) {
			caddy_fail(c, "GET", caddy_levels[lv].path, &r, err);
			goto out;
		}
	}
	if (lv == CC_ARRAY_SIZE(caddy_levels) || r.truncated) {
		cc_err_set(err, CC_E_UNAVAILABLE, "the Caddy admin API at %s: GET %s %s",
			   c->admin_api,
			   lv < CC_ARRAY_SIZE(caddy_levels) ? caddy_levels[lv].path : "/config/",
			   r.truncated ? "answered more than 32 MiB" : "found no config");
		goto out;
	}
	v = json_loadb(r.body.buf, r.body.len, JSON_DECODE_ANY, NULL); /* new ref */
	p = v ? plan(v, lv, entry, tag, &ch) : -1;
	if (p > 0)
		cc_err_set(err, CC_E_RETRY, "%s appeared during the deployment",
			   caddy_levels[lv].path);
	else if (p < 0)
		cc_err_set(err, CC_E_UNAVAILABLE, "the Caddy admin API at %s: GET %s answered %s",
			   c->admin_api, caddy_levels[lv].path,
			   v ? "something else than an array" : "no JSON");
	if (p) {
		rc = p;
		goto out;
	}
	text = json_dumps(ch.body, JSON_COMPACT);
	if (!text) {
		cc_err_set(err, CC_E_INVALID, "the certificate or key is not valid UTF-8");
		goto out;
	}
	memcpy(etag, r.etag, sizeof(etag));
	reply_release(&r);
	if (caddy_http(c, ch.method, ch.path, text, etag, &r, err) < 0)
		goto out;
	if (r.status == 412) {
		rc = 1;
		caddy_fail(c, ch.method, ch.path, &r, err);
	} else if (r.status < 200 || r.status > 299) {
		caddy_fail(c, ch.method, ch.path, &r, err);
	} else {
		snprintf(what, whatlen, "%s", ch.what);
		rc = 0;
	}
out:
	if (text) {
		memset(text, 0, strlen(text)); /* holds the key */
		free(text);
	}
	json_decref(ch.body);
	json_decref(v);
	reply_release(&r);
	return rc;
}

/* our load_pem entry: {"certificate": cert "\n" [chain "\n"], "key", "tags": [tag]} */
static int caddy_load(const struct caddy *c, const struct cc_deploy_req *req, char *what,
		      size_t whatlen, struct cc_err *err)
{
	const char *chain = cc_tgt_chain(req), *id = req->certificate_id;
	char *cert, *tag;
	json_t *entry;
	int rc = -1;

	if (!req->key_pem || !*req->key_pem)
		return cc_err_set(err, CC_E_INVALID, "the Caddy admin API needs the private key");
	cert = cc_xasprintf("%s\n%s%s", req->cert_pem, chain, *chain ? "\n" : "");
	tag = cc_xasprintf("certctl%s%s", id && *id ? ":" : "", id && *id ? id : "");
	entry = json_pack("{s:s, s:s, s:[s]}", "certificate", cert, "key", req->key_pem, "tags",
			  tag); /* new ref */
	if (!entry)
		cc_err_set(err, CC_E_INVALID, "the certificate or key is not valid UTF-8");
	for (int i = 0; entry && i < CADDY_TRIES && rc; i++) {
		rc = caddy_try(c, entry, tag, what, whatlen, err);
		if (rc < 0)
			break;
	}
	if (entry && rc > 0)
		cc_err_prefix(err, "the config kept changing (%d tries)", CADDY_TRIES);
	json_decref(entry);
	free(tag);
	free(cert);
	return rc ? -1 : 0;
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
	char *why = NULL, what[96] = "";
	int rc = -1;

	if (cc_tgt_req_check(req, err) < 0 || caddy_parse(req->config, &c, err) < 0)
		return -1;
	if (c.api) {
		if (caddy_load(&c, req, what, sizeof(what), &api) == 0) {
			cc_tgt_result(res, "caddy", c.admin_api,
				      "loaded into Caddy through the admin API at %s (%s)",
				      c.admin_api, what);
			rc = 0;
			goto out;
		}
		if (!c.cert_dir) {
			cc_err_set(err, api.code, "%s", api.msg);
			goto out;
		}
		why = cc_xasprintf("admin API failed (%.300s), fell back to files", api.msg);
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
	int rc;

	if (caddy_parse(config, &c, err) < 0)
		return -1;
	if (!c.cert_dir) {
		caddy_release(&c);
		return cc_err_set(
			err, CC_E_UNSUPPORTED,
			"a Caddy target in API mode without cert_dir has no file to check");
	}
	rc = cc_tgt_check_serial_in(c.cert_dir, c.cert_file, serial_hex, res, err);
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
