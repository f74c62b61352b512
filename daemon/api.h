/* api.h: requests, responses and replies shared by the router, middleware and handlers */
#ifndef CC_API_H
#define CC_API_H

#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>
#include "libcc/buf.h"
#include "libcc/err.h"

struct cc_db;
struct cc_dbc;
struct cc_cfg;
struct cc_log;
struct cc_entity;
struct api_app;
struct api_route;
struct api_deferred;

#define API_MAX_PARAMS 4
#define API_MAX_QUERY 48
#define API_MAX_HEADERS 12

struct api_kv {
	char *k;
	char *v;
};

enum api_actor { API_ACTOR_ANON, API_ACTOR_USER, API_ACTOR_AGENT };

struct api_req {
	struct api_app *app;
	const char *method; /* GET, POST, … (HEAD is routed as GET) */
	bool head;
	char *path;
	char *params[API_MAX_PARAMS]; /* {id}-style path segments, in order */
	int nparams;
	struct api_kv query[API_MAX_QUERY];
	int nquery;
	bool query_overflow;
	/* the request headers the API reads */
	const char *authorization, *origin, *content_type, *content_length, *request_id_in,
		*acr_method;
	struct cc_buf body;
	bool body_too_big;
	char client_ip[64];
	char request_id[40];
	int64_t start_ms;
	/* set by authentication */
	enum api_actor actor_type;
	char actor[96];	   /* audit actor: key name, "api-key-user", agent id, or "anonymous" */
	char agent_id[96]; /* per-agent keys: the only agent this request may act for */
	char key_id[40];   /* which key: rate-limit bucket of an authenticated client */
	const struct api_route *route;
	struct cc_dbc *c;      /* borrowed lazily by api_db() and returned after the request */
	bool refused_starting; /* answered 503 before start-up was done */
	bool no_defer;	       /* the server is stopping: api_defer_write writes at once */
	struct api_deferred *deferred; /* set by api_defer_write: the answer comes later */
};

struct api_resp {
	int status;
	struct cc_buf body;
	const char *content_type;
	struct api_kv headers[API_MAX_HEADERS];
	int nheaders;
};

/* A handler's final write, committed with other requests' by the group-commit writer
 * (libcc/db-group.h): write runs in that shared transaction; done then fills the response
 * from its outcome and frees ud. Meanwhile the request's thread serves other connections
 * (server.c suspends this one). Without a writer (app->group NULL) both run at once, here.
 * The handler replies nothing itself after calling it; ud must not point at its stack. */
typedef int (*api_write_fn)(struct cc_dbc *c, void *ud, struct cc_err *err);
typedef void (*api_done_fn)(struct api_req *rq, struct api_resp *rs, void *ud, int rc,
			    const struct cc_err *err);
void api_defer_write(struct api_req *rq, struct api_resp *rs, api_write_fn write, api_done_fn done,
		     void *ud);
/* the server's part: hands the deferred write to the writer; when the response is
 * complete (and audited and logged), resume(resume_ud) runs on the writer's thread */
void api_deferred_submit(struct api_req *rq, struct api_resp *rs, void (*resume)(void *),
			 void *resume_ud);

/* the request's database connection, borrowed on first use; NULL with 503 already set */
struct cc_dbc *api_db(struct api_req *rq, struct api_resp *rs);

const char *api_query(const struct api_req *rq, const char *name);
void api_header(struct api_resp *rs, const char *name, const char *value);
/* JSON body + "\n", application/json; takes the reference */
void api_reply_json(struct api_resp *rs, int status, json_t *body);
void api_reply_status(struct api_resp *rs, int status, const char *key, const char *value);
void api_reply_empty(struct api_resp *rs, int status);
void api_reply_bytes(struct api_resp *rs, int status, const char *content_type, const void *data,
		     size_t n);
/* v2.1 error envelope {"error": reason, "message": msg, "request_id": id} */
void api_reply_error(struct api_resp *rs, const struct api_req *rq, int status, const char *fmt,
		     ...) CC_PRINTF(4, 5);
/* maps err->code to its HTTP status (errors.def); internal details are logged, not sent */
void api_reply_err(struct api_resp *rs, const struct api_req *rq, const struct cc_err *err);
const char *api_reason(int status);

/* parses the body as one JSON object (strict: duplicate keys rejected); 400 on failure */
json_t *api_body_json(struct api_req *rq, struct api_resp *rs, bool optional);

#endif
