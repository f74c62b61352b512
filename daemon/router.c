/* router.c: matches a request path against routes.def */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "daemon/routes.h"
#include "libcc/mem.h"
#include "libcc/banned.h"

const struct api_route api_routes[] = {
#define ROUTE(method, pattern, fn, flags) { #method, pattern, h_##fn, flags, #fn },
#include "daemon/routes.def"
#undef ROUTE
};
const size_t api_nroutes = sizeof(api_routes) / sizeof(api_routes[0]);

/* number of literal segments matched, or -1; params are recorded when out != NULL.
 * tail: the last {param} takes the rest of the path, slashes included */
static int match(const char *pattern, const char *path, bool tail, char **out, int *nout)
{
	const char *p = pattern, *s = path;
	int literal = 0, n = 0;

	while (*p && *s) {
		if (*p != '/' || *s != '/')
			return -1;
		p++;
		s++;
		const char *pe = strchr(p, '/'), *se = strchr(s, '/');
		size_t pl = pe ? (size_t)(pe - p) : strlen(p);
		size_t sl = se ? (size_t)(se - s) : strlen(s);

		if (tail && pl && p[0] == '{' && !p[pl])
			sl = strlen(s);
		if (pl && p[0] == '{') {
			if (!sl || n == API_MAX_PARAMS)
				return -1;
			if (out)
				out[n] = cc_xstrndup(s, sl);
			n++;
		} else if (pl != sl || strncmp(p, s, pl)) {
			return -1;
		} else {
			literal++;
		}
		p += pl;
		s += sl;
	}
	if (*s == '/' && !s[1] && !*p && n + literal > 0)
		s++; /* one trailing slash is forgiven ("…/ocsp/iss-local/" as OCSP clients POST) */
	if (*p || *s) {
		for (int i = 0; out && i < n; i++)
			cc_freep(&out[i]);
		return -1;
	}
	if (nout)
		*nout = n;
	return literal;
}

enum api_match api_route_match(struct api_req *rq, char *allow, size_t allowlen)
{
	const struct api_route *best = NULL;
	int bestlit = -1;
	bool path_known = false;

	allow[0] = '\0';
	for (size_t i = 0; i < api_nroutes; i++) {
		const struct api_route *r = &api_routes[i];
		int lit = r->fn ? match(r->pattern, rq->path, r->flags & R_TAIL, NULL, NULL) : -1;

		if (lit < 0)
			continue;
		if (strcmp(r->method, rq->method)) {
			/* remember the method unless a more literal route owns this path */
			if (!strstr(allow, r->method)) {
				size_t n = strlen(allow);
				snprintf(allow + n, allowlen - n, "%s%s", n ? ", " : "", r->method);
			}
			path_known = true;
			continue;
		}
		if (lit > bestlit) {
			best = r;
			bestlit = lit;
		}
	}
	if (!best)
		return path_known ? API_MATCH_METHOD : API_MATCH_NONE;
	rq->route = best;
	match(best->pattern, rq->path, best->flags & R_TAIL, rq->params, &rq->nparams);
	return API_MATCH_OK;
}
