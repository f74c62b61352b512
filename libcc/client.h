/* client.h: the HTTP client of certctl serve (libcurl), shared by the CLI, TUI, MCP and agent */
#ifndef CC_CLIENT_H
#define CC_CLIENT_H

#include <stdbool.h>
#include <jansson.h>
#include "libcc/buf.h"
#include "libcc/err.h"

struct cc_cfg;
struct cc_err;

struct cc_client {
	char *base_url; /* without a trailing slash */
	char *api_key;	/* NULL: no Authorization header */
	char *ca_cert;	/* PEM file to trust for https, NULL = system store */
	bool insecure;	/* skip TLS verification */
	long timeout_ms;
	void *curl; /* CURL *, reused between requests (keep-alive) */
};

struct cc_response {
	long status;
	struct cc_buf body;
	char content_type[128];
	long retry_after; /* seconds, from Retry-After; 0 if absent */
	char request_id[64];
};

/* base_url NULL → CERTCTL_SERVER_URL, api_key NULL → CERTCTL_API_KEY or the credentials file */
int cc_client_init(struct cc_client *cl, const struct cc_cfg *cfg, const char *base_url,
		   const char *api_key, struct cc_err *err);
void cc_client_release(struct cc_client *cl);
/* path is appended to the base URL (it must start with '/'); body may be NULL.
 * Transport errors are CC_E_UNAVAILABLE with a message that says what to check. */
int cc_client_request(struct cc_client *cl, const char *method, const char *path, const void *body,
		      size_t body_len, struct cc_response *out, struct cc_err *err);
/* JSON convenience: parses a JSON reply (NULL *out for an empty body); an HTTP error status
 * becomes a struct cc_err with the code of that status and the server's message */
int cc_client_json(struct cc_client *cl, const char *method, const char *path, json_t *body,
		   json_t **out, struct cc_err *err);
void cc_response_release(struct cc_response *r);
/* the error code of an HTTP error status (404 -> CC_E_NOT_FOUND ...) */
enum cc_errc cc_client_errc(long status);
/* reads CERTCTL_API_KEY / CERTCTL_SERVER_URL lines of a credentials file (caller frees) */
int cc_credentials_read(const char *path, char **key, char **url, struct cc_err *err);
/* percent-encodes s for a URL path segment or query value */
char *cc_url_escape(const char *s);

#endif
