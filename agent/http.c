/* http.c: the agent's calls to serve — one place deciding "retry later" vs "refused" */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "agent/agent.h"
#include "libcc/buf.h"
#include "libcc/err.h"
#include "libcc/banned.h"

bool agent_err_retry(const struct cc_err *err)
{
	return err->code == CC_E_UNAVAILABLE;
}

char *agent_path(const struct agent *a, const char *fmt, ...)
{
	char *id = cc_url_escape(a->id), *rest, *out;
	va_list ap;

	va_start(ap, fmt);
	rest = cc_xvasprintf(fmt, ap);
	va_end(ap);
	out = cc_xasprintf("/api/v1/agents/%s%s", id, rest);
	free(id);
	free(rest);
	return out;
}

/* the server's message of an error reply ({"message"} or {"error"}), else the status */
static void refused(const struct cc_response *r, const char *method, const char *path,
		    struct cc_err *err)
{
	json_t *j = json_loadb(r->body.buf, r->body.len, 0, NULL);
	const char *msg = json_string_value(json_object_get(j, "message"));
	enum cc_errc code;

	if (!msg)
		msg = json_string_value(json_object_get(j, "error"));
	if (r->status >= 500 || r->status == 429)
		code = CC_E_UNAVAILABLE;
	else if (r->status == 401)
		code = CC_E_UNAUTHORIZED;
	else if (r->status == 403)
		code = CC_E_FORBIDDEN;
	else if (r->status == 404)
		code = CC_E_NOT_FOUND;
	else if (r->status == 409)
		code = CC_E_CONFLICT;
	else
		code = CC_E_INVALID;
	cc_err_set(err, code, "%s %s: HTTP %ld: %s", method, path, r->status,
		   msg ? msg : "no error message");
	json_decref(j);
}

int agent_http(struct agent *a, const char *method, const char *path, json_t *body, json_t **reply,
	       struct cc_err *err)
{
	struct cc_response r;
	char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
	int rc = -1;

	if (reply)
		*reply = NULL;
	if (cc_client_request(&a->cl, method, path, text, text ? strlen(text) : 0, &r, err) < 0)
		goto out;
	if (r.status < 200 || r.status > 299) {
		refused(&r, method, path, err);
		goto release;
	}
	if (reply && r.body.len) {
		json_error_t je;
		*reply = json_loadb(r.body.buf, r.body.len, JSON_REJECT_DUPLICATES, &je);
		if (!*reply) {
			cc_err_set(err, CC_E_UNAVAILABLE, "%s %s: the reply is not JSON: %s",
				   method, path, je.text);
			goto release;
		}
	}
	rc = 0;
release:
	cc_response_release(&r);
out:
	if (text)
		memset(text, 0, strlen(text)); /* may hold a private key or a CSR */
	free(text);
	return rc;
}
