/* routes.h: the route table (routes.def) and path matching */
#ifndef CC_ROUTES_H
#define CC_ROUTES_H

#include <stddef.h>
#include "daemon/api.h"

#define R_PUBLIC 0x1   /* no authentication */
#define R_AGENT 0x2    /* per-agent keys may call it (for their own agent id) */
#define R_NOAUDIT 0x4  /* not recorded by the API audit (health probes, OCSP, CRL) */
#define R_TAIL 0x8     /* the last {param} takes the rest of the path, slashes included */
#define R_NOLIMIT 0x10 /* never rate limited (health probes) */

typedef void api_handler(struct api_req *rq, struct api_resp *rs);

struct api_route {
	const char *method;
	const char *pattern;
	api_handler *fn;
	unsigned flags;
	const char *name;
};

/* weak: a route whose handler is not linked in is simply absent (404), so capabilities
 * can land one at a time; t5001 checks that every route of the spec has its handler */
#define ROUTE(method, pattern, fn, flags) api_handler h_##fn __attribute__((weak));
#include "daemon/routes.def"
#undef ROUTE

extern const struct api_route api_routes[];
extern const size_t api_nroutes;

enum api_match { API_MATCH_OK, API_MATCH_NONE, API_MATCH_METHOD };

/* finds the route; path params are copied into rq->params. On API_MATCH_METHOD, allow
 * receives the comma-separated methods the path has. */
enum api_match api_route_match(struct api_req *rq, char *allow, size_t allowlen);

#endif
