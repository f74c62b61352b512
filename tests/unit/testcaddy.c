/* testcaddy.c: a stand-in for Caddy's admin API (see testcaddy.h) */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <microhttpd.h>
#include "tests/unit/testcaddy.h"
#include "tests/unit/testtgt.h"
#include "libcc/mem.h"

/* the value at the path's segments (borrowed; NULL when absent); *parent_missing when
 * what should hold the last segment is absent (as in Caddy, GET /config/apps is null in an
 * object without "apps" but a traversal error when the whole config is null) */
static json_t *walk(json_t *root, char **seg, int n, bool *parent_missing)
{
	json_t *v = root;

	*parent_missing = false;
	for (int i = 0; i < n; i++) {
		json_t *next = json_is_object(v)  ? json_object_get(v, seg[i])
			       : json_is_array(v) ? json_array_get(v, strtoul(seg[i], NULL, 10))
						  : NULL;
		if (!next) {
			*parent_missing = i < n - 1 || !json_is_object(v);
			return NULL;
		}
		v = next;
	}
	return v;
}

/* "/config/a/b/" → {"a","b"}; returns the count, seg[] point into buf */
static int split(const char *url, char *buf, size_t len, char **seg)
{
	int n = 0;

	snprintf(buf, len, "%s", url + strlen("/config"));
	for (char *p = buf; *p && n < 16;) {
		while (*p == '/')
			*p++ = '\0';
		if (!*p)
			break;
		seg[n++] = p;
		p += strcspn(p, "/");
	}
	return n;
}

/* someone else adds a certificate in front of load_pem (when there is one) */
static void interfere(struct tc_caddy *s)
{
	char *seg[] = { "apps", "tls", "certificates", "load_pem" };
	bool missing;
	json_t *arr = walk(s->cfg, seg, 4, &missing);

	if (json_is_array(arr))
		json_array_insert_new(arr, 0,
				      json_pack("{s:s, s:s, s:[s]}", "certificate", TT_CERT, "key",
						TT_KEY, "tags", "other"));
}

static char *etag_of(const char *url, const json_t *v)
{
	char *s = v ? json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY) : NULL;
	uint32_t h = 2166136261u;

	for (const char *p = s ? s : "null"; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	free(s);
	return cc_xasprintf("\"%s %08x\"", url, h);
}

static ssize_t chunk_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	const char *s = cls;
	size_t len = strlen(s);

	if (pos >= len)
		return MHD_CONTENT_READER_END_OF_STREAM;
	if (len - pos < max)
		max = len - pos;
	memcpy(buf, s + pos, max);
	return (ssize_t)max;
}

/* Caddy's JSON replies are chunked, with the ETag as a trailer; errors {"error": text} */
static enum MHD_Result reply(struct MHD_Connection *c, unsigned status, char *body,
			     const char *etag)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	if (etag) {
		r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, chunk_read, body,
						      free);
		MHD_add_response_header(r, "Trailer", "ETag");
		MHD_add_response_footer(r, "ETag", etag);
	} else {
		r = MHD_create_response_from_buffer(strlen(body), body, MHD_RESPMEM_MUST_FREE);
	}
	MHD_add_response_header(r, "Content-Type", "application/json");
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static char *error_body(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *error_body(const char *fmt, ...)
{
	char text[512];
	va_list ap;
	json_t *j;
	char *s;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	j = json_pack("{s:s}", "error", text);
	s = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	return s;
}

/* what provisioning the tls app says about cfg: NULL when it loads */
static char *provision(const json_t *cfg)
{
	const json_t *certs = json_object_get(json_object_get(json_object_get(cfg, "apps"), "tls"),
					      "certificates");
	const char *k;
	json_t *v, *e;
	size_t i;

	json_object_foreach ((json_t *)certs, k, v) {
		if (strcmp(k, "load_pem") && strcmp(k, "load_files") && strcmp(k, "automate"))
			return error_body("loading new config: loading tls app module: provision "
					  "tls: loading certificate loader modules: module name "
					  "'%s': unknown module: tls.certificates.%s",
					  k, k);
	}
	json_array_foreach (json_object_get(certs, "load_pem"), i, e) {
		const char *c = json_string_value(json_object_get(e, "certificate"));
		if (!c || !strstr(c, "-----BEGIN CERTIFICATE-----"))
			return error_body(
				"loading new config: loading http app module: provision http: "
				"getting tls app: loading tls app module: provision tls: loading "
				"certificates: PEM pair %zu: tls: failed to find any PEM data in "
				"certificate input",
				i);
	}
	return NULL;
}

/* applies a change to the copy root; an error body when Caddy refuses it */
static char *change(json_t **root, const char *method, const char *url, char **seg, int n,
		    json_t *val)
{
	bool missing;
	json_t *parent = walk(*root, seg, n - 1, &missing), *cur;
	const char *key = n ? seg[n - 1] : "";
	size_t idx = strtoul(key, NULL, 10);

	if (!n) { /* POST /config/ */
		json_decref(*root);
		*root = json_incref(val);
		return NULL;
	}
	if (!parent)
		return error_body("invalid traversal path at: config%s", url + 7);
	if (json_is_array(parent)) {
		if (idx >= json_array_size(parent) || !strcmp(method, "POST"))
			return error_body("[%s] array index out of bounds: %s", url, key);
		if (!strcmp(method, "PUT"))
			json_array_insert(parent, idx, val);
		else
			json_array_set(parent, idx, val);
		return NULL;
	}
	cur = json_object_get(parent, key);
	if (!strcmp(method, "PUT") && cur)
		return error_body("[%s] key already exists: %s", url, key);
	if (!strcmp(method, "PATCH") && !cur)
		return error_body("[%s] key does not exist: %s", url, key);
	if (!strcmp(method, "POST") && json_is_array(cur))
		json_array_append(cur, val);
	else
		json_object_set(parent, key, val);
	return NULL;
}

static enum MHD_Result handle(struct tc_caddy *s, struct MHD_Connection *c, const char *url,
			      const char *method)
{
	const char *ct = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
	const char *im = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "If-Match");
	char buf[256], *seg[16], *msg, *etag;
	json_t *root, *v, *val;
	bool missing;
	int n;

	cc_buf_addf(&s->trace, "%s %s%s; ", method, url, im ? " *" : "");
	if (s->force)
		return reply(c, s->force, error_body("host not allowed: 127.0.0.1"), NULL);
	if (strncmp(url, "/config/", 8) && strcmp(url, "/config"))
		return reply(c, 404, cc_xstrdup("404 page not found\n"), NULL);
	n = split(url, buf, sizeof(buf), seg);
	if (!strcmp(method, "GET")) {
		v = walk(s->cfg, seg, n, &missing);
		if (missing)
			return reply(c, 400,
				     error_body("invalid traversal path at: config%s", url + 7),
				     NULL);
		etag = etag_of(url, v);
		msg = json_dumps(v ? v : json_null(), JSON_COMPACT | JSON_ENCODE_ANY);
		cc_buf_reset(&s->body);
		cc_buf_addf(&s->body, "%s\n", msg);
		free(msg);
		if (s->races && s->races--)
			interfere(s); /* after the GET: its ETag is stale now */
		msg = cc_xstrdup(s->body.buf);
		n = reply(c, 200, msg, etag);
		free(etag);
		return n;
	}
	if (!ct || strcmp(ct, "application/json"))
		return reply(c, 400,
			     error_body("unacceptable content-type: %s; 'application/json' "
					"required",
					ct ? ct : ""),
			     NULL);
	if (im) {
		char path[200] = "";
		sscanf(im, "\"%199s", path);
		n = split(path, buf, sizeof(buf), seg);
		etag = etag_of(path, walk(s->cfg, seg, n, &missing));
		n = strcmp(etag, im);
		free(etag);
		if (n)
			return reply(
				c, 412,
				error_body("If-Match header did not match current config hash"),
				NULL);
	}
	val = json_loadb(s->body.buf, s->body.len, JSON_DECODE_ANY, NULL);
	if (!val)
		return reply(c, 400, error_body("decoding request body: invalid JSON"), NULL);
	root = s->cfg ? json_deep_copy(s->cfg) : NULL;
	n = split(url, buf, sizeof(buf), seg);
	msg = change(&root, method, url, seg, n, val);
	if (!msg)
		msg = provision(root);
	json_decref(val);
	if (msg) {
		json_decref(root);
		return reply(c, 500, msg, NULL);
	}
	json_decref(s->cfg);
	s->cfg = root;
	return reply(c, 200, cc_xstrdup(""), NULL);
}

static enum MHD_Result caddy_handler(void *cls, struct MHD_Connection *c, const char *url,
				     const char *method, const char *version, const char *upload,
				     size_t *upload_size, void **con_cls)
{
	struct tc_caddy *s = cls;

	(void)version;
	if (!*con_cls) {
		*con_cls = s;
		cc_buf_reset(&s->body);
		return MHD_YES;
	}
	if (*upload_size) {
		cc_buf_add(&s->body, upload, *upload_size);
		*upload_size = 0;
		return MHD_YES;
	}
	return handle(s, c, url, method);
}

/* a stand-in running cfg (stolen; NULL: no config at all) */
void tc_start(struct tc_caddy *s, json_t *cfg)
{
	struct sockaddr_in a = { .sin_family = AF_INET };

	memset(s, 0, sizeof(*s));
	cc_buf_init(&s->body, 0);
	cc_buf_init(&s->trace, 0);
	s->cfg = cfg;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	s->d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL, caddy_handler, s,
				MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&a, MHD_OPTION_END);
	assert_non_null(s->d);
	s->port = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT)->port;
}

void tc_stop(struct tc_caddy *s)
{
	MHD_stop_daemon(s->d);
	json_decref(s->cfg);
	cc_buf_release(&s->body);
	cc_buf_release(&s->trace);
}

json_t *tc_load_pem(const struct tc_caddy *s)
{
	char *seg[] = { "apps", "tls", "certificates", "load_pem" };
	bool missing;

	return walk(s->cfg, seg, 4, &missing);
}
