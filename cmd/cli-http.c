/* cli-http.c: requests of the resource commands, and one clear line per failure */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cmd/cli.h"
#include <unistd.h>
#include "libcc/err.h"
#include "libcc/fs.h"
#include "libcc/banned.h"

/* the server's message, cleaned of control characters and cut short */
static void server_message(const struct cc_response *r, char *out, size_t size)
{
	json_t *j =
		r->body.len ? json_loadb(r->body.buf, r->body.len, JSON_DECODE_ANY, NULL) : NULL;
	const char *m = json_string_value(json_object_get(j, "message"));
	size_t n = 0;

	if (!m)
		m = json_string_value(json_object_get(j, "error"));
	if (!m && r->body.len && !j && strncmp(r->content_type, "text/html", 9))
		m = r->body.buf; /* plain text */
	for (; m && *m && n + 1 < size && n < 200; m++)
		out[n++] = (unsigned char)*m < 0x20 ? ' ' : *m;
	while (n && out[n - 1] == ' ')
		n--;
	out[n] = '\0';
	json_decref(j);
}

/* true when msg quotes an id ('x') other than id */
static bool names_other(const char *msg, const char *id)
{
	const char *q = strchr(msg, '\'');
	size_t n = strlen(id);

	return q && strchr(q + 1, '\'') && !(!strncmp(q + 1, id, n) && q[n + 1] == '\'');
}

static int http_fail(struct cli *c, const struct cc_response *r)
{
	enum cc_errc code = cc_client_errc(r->status);
	struct cc_err err = { .code = code };
	char msg[256], *cred;

	server_message(r, msg, sizeof(msg));
	switch (r->status) {
	case 401:
		cred = cc_cfg_credentials_path(&c->ctx->cfg);
		cc_err_set(&err, code,
			   "not authenticated (HTTP 401%s%s): pass an API key with --api-key KEY, "
			   "CERTCTL_API_KEY or the credentials file %s",
			   *msg ? ": " : "", msg, cred);
		free(cred);
		break;
	case 403:
		cc_err_set(&err, code, "forbidden (HTTP 403%s%s): this API key may not do that",
			   *msg ? ": " : "", msg);
		break;
	case 404:
		/* the server may name another id that was not found (discover claim's CERT) */
		if (names_other(msg, c->id ? c->id : ""))
			cc_err_set(&err, code, "%s (HTTP 404)", msg);
		else if (c->id && c->noun)
			cc_err_set(&err, code, "%s '%s' not found (HTTP 404)", c->noun, c->id);
		else
			cc_err_set(&err, code, "not found (HTTP 404%s%s)", *msg ? ": " : "", msg);
		break;
	case 409:
		cc_err_set(&err, code, "conflict (HTTP 409): %s",
			   *msg ? msg
				: "the resource is "
				  "in a state that "
				  "forbids this");
		break;
	case 429:
		cc_err_set(&err, code, "rate limited (HTTP 429): retry after %ld s",
			   r->retry_after > 0 ? r->retry_after : 1L);
		break;
	default:
		if (r->status >= 500)
			cc_err_set(&err, code, "server error (HTTP %ld%s%s)%s%s%s", r->status,
				   *msg ? ": " : "", msg, *r->request_id ? " (request id " : "",
				   r->request_id, *r->request_id ? ")" : "");
		else
			cc_err_set(&err, code, "%s (HTTP %ld)", *msg ? msg : "request failed",
				   r->status);
	}
	return cli_fail(c, &err);
}

int cli_fail(struct cli *c, const struct cc_err *err)
{
	int st = cc_err_exit_status(err->code);

	fprintf(stderr, "certctl %s: %s\n", c->ctx->cmd->name, err->msg);
	return st ? st : 1;
}

int cli_request(struct cli *c, const char *method, const char *path, json_t *body,
		struct cc_response *r)
{
	struct cc_err err = CC_ERR_INIT;
	char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
	int rc = cc_client_request(&c->cl, method, path, text, text ? strlen(text) : 0, r, &err);

	free(text);
	if (rc < 0)
		return cli_fail(c, &err);
	if (r->status >= 200 && r->status < 300)
		return 0;
	rc = http_fail(c, r);
	cc_response_release(r);
	return rc;
}

int cli_json(struct cli *c, const char *method, const char *path, json_t *body, json_t **out)
{
	struct cc_response r;
	struct cc_err err = CC_ERR_INIT;
	int rc = cli_request(c, method, path, body, &r);

	*out = NULL;
	if (rc)
		return rc;
	if (r.body.len && !(*out = json_loadb(r.body.buf, r.body.len, JSON_DECODE_ANY, NULL))) {
		cc_err_set(&err, CC_E_INTERNAL, "the server answered HTTP %ld with invalid JSON",
			   r.status);
		rc = cli_fail(c, &err);
	}
	cc_response_release(&r);
	return rc;
}

void cli_print_raw(const struct cc_response *r)
{
	if (!r->body.len)
		return;
	fwrite(r->body.buf, 1, r->body.len, stdout);
	if (r->body.buf[r->body.len - 1] != '\n')
		putchar('\n');
}

int cli_emit(struct cli *c, const char *file, const void *data, size_t n, bool binary)
{
	struct cc_err err = CC_ERR_INIT;

	if (file) {
		if (cc_fs_write_atomic(file, data, n, 0644, &err) < 0)
			return cli_fail(c, &err);
		if (!c->quiet)
			fprintf(stderr, "wrote %s (%zu bytes)\n", file, n);
		return 0;
	}
	if (binary && isatty(1))
		return cc_usage_error(c->ctx->cmd, "binary output to a terminal: write it to a "
						   "file (--output FILE) or a pipe");
	fwrite(data, 1, n, stdout);
	return 0;
}
