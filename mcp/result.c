/* result.c: an HTTP response of certctl serve as an MCP CallToolResult — JSON and text as
 * text content (JSON objects also as structuredContent where the protocol has it), binary
 * bodies (DER CRL, OCSP, PKCS#12) base64 in an embedded resource, errors with isError */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "mcp/mcp.h"
#include "libcc/b64.h"
#include "libcc/mem.h"
#include "libcc/banned.h"

static json_t *text_item(json_t *text) /* steals text */
{
	return json_pack("{s:s, s:o}", "type", "text", "text", text);
}

json_t *mcp_text(const char *text)
{
	json_t *s = json_string(text);
	char *copy;

	if (s)
		return s;
	copy = cc_xstrdup(text);
	for (char *p = copy; *p; p++)
		if ((unsigned char)*p >= 0x80)
			*p = '?';
	s = json_string(copy);
	free(copy);
	return s;
}

json_t *mcp_result_error(const char *text)
{
	return json_pack("{s:[o], s:b}", "content", text_item(mcp_text(text)), "isError", 1);
}

static bool type_is(const char *ct, const char *want)
{
	size_t n = strlen(want);

	return !strncasecmp(ct, want, n) && (!ct[n] || ct[n] == ';' || ct[n] == ' ');
}

static bool is_json(const char *ct)
{
	const char *semi = strchr(ct, ';');
	size_t n = semi ? (size_t)(semi - ct) : strlen(ct);

	return type_is(ct, "application/json") || (n > 5 && !strncasecmp(ct + n - 5, "+json", 5));
}

static bool is_text(const char *ct)
{
	return !strncasecmp(ct, "text/", 5) || type_is(ct, "application/x-pem-file") ||
	       type_is(ct, "application/pem-certificate-chain");
}

static const char *binary_name(const char *ct)
{
	if (type_is(ct, "application/pkix-crl"))
		return "DER-encoded CRL";
	if (type_is(ct, "application/ocsp-response"))
		return "DER-encoded OCSP response";
	if (type_is(ct, "application/x-pkcs12"))
		return "PKCS#12 file";
	return "binary response";
}

static json_t *binary_result(const char *url, const struct cc_response *r)
{
	const char *ct = *r->content_type ? r->content_type : "application/octet-stream";
	char *b64 = cc_b64_encode(r->body.buf, r->body.len);
	json_t *res = json_pack("{s:s, s:s, s:s}", "uri", url, "mimeType", ct, "blob", b64);
	char *what = cc_xasprintf("%s: %zu bytes, %s, base64 in the attached resource %s",
				  binary_name(ct), r->body.len, ct, url);
	json_t *out = json_pack("{s:[o, {s:s, s:o}]}", "content", text_item(json_string(what)),
				"type", "resource", "resource", res);

	free(b64);
	free(what);
	return out;
}

/* "certctl API error (HTTP 404 not_found): certificate 'x' not found" */
static json_t *http_error(const struct cc_response *r, json_t *body)
{
	const char *msg = json_string_value(json_object_get(body, "message")),
		   *code = json_string_value(json_object_get(body, "error"));
	char *text;
	json_t *out;

	if (!msg && !code)
		msg = r->body.len ? r->body.buf : "no details";
	if (r->status == 429 && r->retry_after)
		text = cc_xasprintf("certctl API error (HTTP 429): rate limited, retry after %ld s",
				    r->retry_after);
	else
		text = cc_xasprintf("certctl API error (HTTP %ld%s%s): %.2000s", r->status,
				    code ? " " : "", code ? code : "", msg ? msg : code);
	out = mcp_result_error(text);
	free(text);
	return out;
}

json_t *mcp_result_http(const struct mcp_request *rq, const char *url, const struct cc_response *r,
			bool structured)
{
	json_t *body = NULL, *text = NULL, *out;

	if (is_json(r->content_type) && r->body.len)
		body = json_loadb(r->body.buf, r->body.len, JSON_DECODE_ANY, NULL);
	if (r->status >= 400) {
		out = http_error(r, body);
		json_decref(body);
		return out;
	}
	if (!r->body.len) /* 204: what v2.1 said, with the method's meaning */
		body = json_pack("{s:s}", "status",
				 !strcmp(rq->method, "DELETE") ? "deleted" : "ok");
	if (body && r->body.len) {
		text = json_stringn(r->body.buf, r->body.len);
	} else if (body) {
		char *s = json_dumps(body, JSON_COMPACT);
		text = json_string(s);
		free(s);
	} else if (is_json(r->content_type) || is_text(r->content_type) || !*r->content_type)
		text = json_stringn(r->body.buf, r->body.len); /* NULL when not UTF-8 */
	if (!text) {
		json_decref(body);
		return binary_result(url, r);
	}
	out = json_pack("{s:[o]}", "content", text_item(text));
	if (structured && json_is_object(body))
		json_object_set(out, "structuredContent", body);
	json_decref(body);
	return out;
}
