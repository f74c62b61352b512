/* client.c: libcurl requests to certctl serve with API-key auth and clear transport errors */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <curl/curl.h>
#include "libcc/client.h"
#include "libcc/cfg.h"
#include "libcc/err.h"
#include "libcc/fs.h"
#include "libcc/mem.h"
#include "libcc/banned.h"

#define MAX_RESPONSE (256u << 20)

int cc_credentials_read(const char *path, char **key, char **url, struct cc_err *err)
{
	struct cc_buf b = CC_BUF_INIT;
	char *line, *save = NULL;

	*key = *url = NULL;
	if (cc_fs_read(path, &b, 1 << 16, err) < 0)
		return -1;
	for (line = strtok_r(b.buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(line, "CERTCTL_API_KEY=", 16) && !*key)
			*key = cc_xstrdup(line + 16);
		else if (!strncmp(line, "CERTCTL_SERVER_URL=", 19) && !*url)
			*url = cc_xstrdup(line + 19);
	}
	cc_buf_release(&b);
	return 0;
}

int cc_client_init(struct cc_client *cl, const struct cc_cfg *cfg, const char *base_url,
		   const char *api_key, struct cc_err *err)
{
	char *file_key = NULL, *file_url = NULL, *path = cc_cfg_credentials_path(cfg);
	const char *url;
	size_t n;

	memset(cl, 0, sizeof(*cl));
	/* the credentials file written by serve is the default for both */
	cc_credentials_read(path, &file_key, &file_url, NULL);
	free(path);
	if (!api_key || !*api_key)
		api_key = *cc_cfg_str(cfg, CC_CFG_api_key) ? cc_cfg_str(cfg, CC_CFG_api_key)
							   : file_key;
	url = base_url && *base_url ? base_url : NULL;
	if (!url && cfg->src[CC_CFG_server_url] != CFG_SRC_DEFAULT)
		url = cc_cfg_str(cfg, CC_CFG_server_url);
	if (!url)
		url = file_url ? file_url : cc_cfg_str(cfg, CC_CFG_server_url);
	if (strncmp(url, "http://", 7) && strncmp(url, "https://", 8)) {
		free(file_key);
		free(file_url);
		return cc_err_set(err, CC_E_USAGE,
				  "server URL '%s' must start with http:// or https://", url);
	}
	cl->base_url = cc_xstrdup(url);
	n = strlen(cl->base_url);
	while (n && cl->base_url[n - 1] == '/')
		cl->base_url[--n] = '\0';
	cl->api_key = api_key && *api_key ? cc_xstrdup(api_key) : NULL;
	cl->timeout_ms = 30000;
	free(file_key);
	free(file_url);
	cl->curl = curl_easy_init();
	if (!cl->curl)
		return cc_err_set(err, CC_E_INTERNAL, "cannot initialise libcurl");
	return 0;
}

void cc_client_release(struct cc_client *cl)
{
	if (cl->curl)
		curl_easy_cleanup(cl->curl);
	free(cl->base_url);
	if (cl->api_key)
		memset(cl->api_key, 0, strlen(cl->api_key));
	free(cl->api_key);
	free(cl->ca_cert);
	memset(cl, 0, sizeof(*cl));
}

void cc_response_release(struct cc_response *r)
{
	cc_buf_release(&r->body);
}

static size_t on_body(char *p, size_t size, size_t n, void *arg)
{
	struct cc_response *r = arg;

	if (cc_buf_add_checked(&r->body, p, size * n, NULL) < 0)
		return 0; /* aborts the transfer */
	return size * n;
}

static void header_value(const char *line, size_t len, const char *name, char *out, size_t outlen)
{
	size_t n = strlen(name);
	const char *v;
	size_t vl;

	if (len <= n + 1 || strncasecmp(line, name, n) || line[n] != ':')
		return;
	v = line + n + 1;
	vl = len - n - 1;
	while (vl && isspace((unsigned char)*v))
		v++, vl--;
	while (vl && isspace((unsigned char)v[vl - 1]))
		vl--;
	snprintf(out, outlen, "%.*s", (int)vl, v);
}

static size_t on_header(char *p, size_t size, size_t n, void *arg)
{
	struct cc_response *r = arg;
	char ra[32] = "";

	header_value(p, size * n, "Content-Type", r->content_type, sizeof(r->content_type));
	header_value(p, size * n, "X-Request-ID", r->request_id, sizeof(r->request_id));
	header_value(p, size * n, "Retry-After", ra, sizeof(ra));
	if (*ra)
		r->retry_after = strtol(ra, NULL, 10);
	return size * n;
}

static int transport_error(const struct cc_client *cl, CURLcode rc, const char *detail,
			   struct cc_err *err)
{
	switch (rc) {
	case CURLE_COULDNT_CONNECT:
		return cc_err_set(
			err, CC_E_UNAVAILABLE,
			"cannot connect to %s: is `certctl serve` running? (set --server or "
			"CERTCTL_SERVER_URL)",
			cl->base_url);
	case CURLE_COULDNT_RESOLVE_HOST:
		return cc_err_set(err, CC_E_UNAVAILABLE, "cannot resolve the host of %s",
				  cl->base_url);
	case CURLE_OPERATION_TIMEDOUT:
		return cc_err_set(err, CC_E_UNAVAILABLE, "%s did not answer within %ld ms",
				  cl->base_url, cl->timeout_ms);
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
		return cc_err_set(err, CC_E_UNAVAILABLE,
				  "TLS verification of %s failed: %s (use --ca-cert FILE, or "
				  "--insecure to skip)",
				  cl->base_url, detail);
	case CURLE_WRITE_ERROR:
		return cc_err_set(err, CC_E_TOO_BIG, "the response from %s is too large",
				  cl->base_url);
	default:
		return cc_err_set(err, CC_E_UNAVAILABLE, "request to %s failed: %s", cl->base_url,
				  *detail ? detail : curl_easy_strerror(rc));
	}
}

int cc_client_request(struct cc_client *cl, const char *method, const char *path, const void *body,
		      size_t body_len, struct cc_response *out, struct cc_err *err)
{
	CURL *h = cl->curl;
	struct curl_slist *hdrs = NULL;
	char *url = cc_xasprintf("%s%s", cl->base_url, path), *auth = NULL;
	char errbuf[CURL_ERROR_SIZE] = "";
	CURLcode rc;

	memset(out, 0, sizeof(*out));
	cc_buf_init(&out->body, MAX_RESPONSE);
	curl_easy_reset(h);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, cl->timeout_ms);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
			 cl->timeout_ms < 10000 ? cl->timeout_ms : 10000L);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, out);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, out);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_USERAGENT, "certctl");
	if (!strcmp(method, "HEAD"))
		curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
	if (cl->ca_cert)
		curl_easy_setopt(h, CURLOPT_CAINFO, cl->ca_cert);
	if (cl->insecure) {
		curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	hdrs = curl_slist_append(hdrs, "Accept: application/json");
	if (cl->api_key) {
		auth = cc_xasprintf("Authorization: Bearer %s", cl->api_key);
		hdrs = curl_slist_append(hdrs, auth);
	}
	if (body) {
		hdrs = curl_slist_append(hdrs, "Content-Type: application/json");
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
	}
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
	rc = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &out->status);
	curl_slist_free_all(hdrs);
	if (auth)
		memset(auth, 0, strlen(auth));
	free(auth);
	free(url);
	if (rc != CURLE_OK) {
		cc_response_release(out);
		return transport_error(cl, rc, errbuf, err);
	}
	return 0;
}

enum cc_errc cc_client_errc(long status)
{
	switch (status) {
	case 400:
	case 422:
		return CC_E_INVALID;
	case 401:
		return CC_E_UNAUTHORIZED;
	case 403:
		return CC_E_FORBIDDEN;
	case 404:
		return CC_E_NOT_FOUND;
	case 409:
		return CC_E_CONFLICT;
	case 413:
		return CC_E_TOO_BIG;
	case 429:
		return CC_E_RATE_LIMITED;
	case 503:
		return CC_E_UNAVAILABLE;
	default:
		return CC_E_INTERNAL;
	}
}

int cc_client_json(struct cc_client *cl, const char *method, const char *path, json_t *body,
		   json_t **out, struct cc_err *err)
{
	struct cc_response r;
	char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
	json_t *j = NULL;
	int rc = cc_client_request(cl, method, path, text, text ? strlen(text) : 0, &r, err);

	free(text);
	*out = NULL;
	if (rc < 0)
		return -1;
	if (r.body.len)
		j = json_loadb(r.body.buf, r.body.len, JSON_DECODE_ANY, NULL);
	if (r.status >= 400) {
		const char *msg = json_string_value(json_object_get(j, "message"));
		if (!msg)
			msg = json_string_value(json_object_get(j, "error"));
		cc_err_set(err, cc_client_errc(r.status), "%s (HTTP %ld)",
			   msg ? msg : "request failed", r.status);
		if (r.status == 429 && r.retry_after)
			cc_err_set(err, CC_E_RATE_LIMITED, "rate limited: retry after %ld s",
				   r.retry_after);
		json_decref(j);
		cc_response_release(&r);
		return -1;
	}
	if (r.body.len && !j) {
		cc_response_release(&r);
		return cc_err_set(err, CC_E_INTERNAL, "the server answered with invalid JSON");
	}
	*out = j;
	cc_response_release(&r);
	return 0;
}

char *cc_url_escape(const char *s)
{
	struct cc_buf b = CC_BUF_INIT;

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~')
			cc_buf_addc(&b, (char)c);
		else
			cc_buf_addf(&b, "%%%02X", c);
	}
	return cc_buf_detach(&b, NULL);
}
