/* testcaddy.h: a libmicrohttpd stand-in for Caddy 2.6.2's admin API, answering as the real
 * one does (see the top of connectors/target/caddy.c): a config tree with GET (200 value,
 * 200 null, 400 traversal), POST/PUT/PATCH with their array and object rules, ETag
 * trailers and If-Match (412), and a config whose tls app fails to provision (500) left
 * unapplied */
#ifndef CC_TESTCADDY_H
#define CC_TESTCADDY_H

#include <jansson.h>
#include "libcc/buf.h"

struct MHD_Daemon;

struct tc_caddy {
	struct MHD_Daemon *d;
	unsigned port;
	json_t *cfg;	     /* the running config; NULL is Caddy's null */
	int races;	     /* the next this many GETs: someone else then adds an entry */
	unsigned force;	     /* answer everything with this status (0: behave) */
	struct cc_buf body;  /* of the request being read */
	struct cc_buf trace; /* "METHOD path[ *]; " per request, * when it had If-Match */
};

/* a stand-in on 127.0.0.1 running cfg (stolen; NULL: no config at all) */
void tc_start(struct tc_caddy *s, json_t *cfg);
void tc_stop(struct tc_caddy *s);
/* apps.tls.certificates.load_pem of its config (borrowed; NULL when absent) */
json_t *tc_load_pem(const struct tc_caddy *s);

#endif
