/* api.c: replies, the v2.1 error envelope, query and body access for handlers */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "daemon/api.h"
#include "daemon/app.h"
#include "libcc/db.h"
#include "libcc/log.h"
#include "libcc/banned.h"

struct cc_dbc *api_db(struct api_req *rq, struct api_resp *rs)
{
	struct cc_err err = CC_ERR_INIT;

	if (rq->c)
		return rq->c;
	rq->c = cc_db_get(rq->app->db, &err);
	if (!rq->c)
		api_reply_err(rs, rq, &err);
	return rq->c;
}

const char *api_query(const struct api_req *rq, const char *name)
{
	for (int i = 0; i < rq->nquery; i++)
		if (!strcmp(rq->query[i].k, name))
			return rq->query[i].v;
	return NULL;
}

void api_header(struct api_resp *rs, const char *name, const char *value)
{
	for (int i = 0; i < rs->nheaders; i++) {
		if (!strcasecmp(rs->headers[i].k, name)) {
			free(rs->headers[i].v);
			rs->headers[i].v = cc_xstrdup(value);
			return;
		}
	}
	if (rs->nheaders == API_MAX_HEADERS)
		CC_BUG("too many response headers");
	rs->headers[rs->nheaders].k = cc_xstrdup(name);
	rs->headers[rs->nheaders].v = cc_xstrdup(value);
	rs->nheaders++;
}

void api_reply_json(struct api_resp *rs, int status, json_t *body)
{
	char *s = json_dumps(body, JSON_COMPACT | JSON_ENCODE_ANY | JSON_PRESERVE_ORDER);

	cc_buf_reset(&rs->body);
	if (s)
		cc_buf_adds(&rs->body, s);
	cc_buf_addc(&rs->body, '\n');
	free(s);
	json_decref(body);
	rs->status = status;
	rs->content_type = "application/json";
}

void api_reply_status(struct api_resp *rs, int status, const char *key, const char *value)
{
	api_reply_json(rs, status, json_pack("{s:s}", key, value));
}

void api_reply_empty(struct api_resp *rs, int status)
{
	cc_buf_reset(&rs->body);
	rs->status = status;
	rs->content_type = NULL;
}

void api_reply_bytes(struct api_resp *rs, int status, const char *content_type, const void *data,
		     size_t n)
{
	cc_buf_reset(&rs->body);
	cc_buf_add(&rs->body, data, n);
	rs->status = status;
	rs->content_type = content_type;
}

const char *api_reason(int status)
{
	switch (status) {
	case 200:
		return "OK";
	case 201:
		return "Created";
	case 202:
		return "Accepted";
	case 204:
		return "No Content";
	case 301:
		return "Moved Permanently";
	case 400:
		return "Bad Request";
	case 401:
		return "Unauthorized";
	case 403:
		return "Forbidden";
	case 404:
		return "Not Found";
	case 405:
		return "Method Not Allowed";
	case 409:
		return "Conflict";
	case 413:
		return "Request Entity Too Large";
	case 415:
		return "Unsupported Media Type";
	case 422:
		return "Unprocessable Entity";
	case 429:
		return "Too Many Requests";
	case 500:
		return "Internal Server Error";
	case 501:
		return "Not Implemented";
	case 503:
		return "Service Unavailable";
	default:
		return "Error";
	}
}

void api_reply_error(struct api_resp *rs, const struct api_req *rq, int status, const char *fmt,
		     ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	api_reply_json(rs, status,
		       json_pack("{s:s, s:s, s:s}", "error", api_reason(status), "message", msg,
				 "request_id", rq->request_id));
}

void api_reply_err(struct api_resp *rs, const struct api_req *rq, const struct cc_err *err)
{
	int status = cc_err_http_status(err->code);

	if (status < 400)
		status = 500;
	if (status >= 500) {
		/* internal detail goes to the log; the client gets the request id */
		cc_log_kv(rq->app->log, CC_LOG_ERROR, "request failed", "req", rq->request_id,
			  "path", rq->path, "error", err->msg, (const char *)NULL);
		if (err->code == CC_E_UNAVAILABLE || err->code == CC_E_RETRY) {
			api_header(rs, "Retry-After", "1");
			api_reply_error(rs, rq, 503,
					"the service is temporarily unavailable; retry");
			return;
		}
		api_reply_error(rs, rq, status, "internal error (request %s)", rq->request_id);
		return;
	}
	api_reply_error(rs, rq, status, "%s", err->msg);
}

json_t *api_body_json(struct api_req *rq, struct api_resp *rs, bool optional)
{
	json_error_t je;
	json_t *j;

	if (!rq->body.len) {
		if (optional)
			return json_object();
		api_reply_error(rs, rq, 400, "request body required: a JSON object");
		return NULL;
	}
	j = json_loadb(rq->body.buf, rq->body.len, JSON_REJECT_DUPLICATES, &je);
	if (!j) {
		api_reply_error(rs, rq, 400, "malformed JSON at line %d column %d: %s", je.line,
				je.column, je.text);
		return NULL;
	}
	if (!json_is_object(j)) {
		json_decref(j);
		api_reply_error(rs, rq, 400, "request body must be a JSON object");
		return NULL;
	}
	return j;
}
