/* app.h: the daemon's shared state, handed to every request */
#ifndef CC_APP_H
#define CC_APP_H

#include <stdbool.h>
#include <stdint.h>
#include "libcc/strv.h"

struct cc_db;
struct cc_cfg;
struct cc_log;
struct api_auth;
struct api_ratelimit;
struct api_audit;
struct api_issuers;
struct api_sched;
struct api_list_cache;
struct api_crl_cache;
struct api_ocsp_cache;
struct api_bulk;
struct cc_db_group;
struct cc_csr_cache;

struct api_app {
	struct cc_db *db;
	const struct cc_cfg *cfg;
	struct cc_log *log;
	struct api_auth *auth;
	struct api_ratelimit *rl; /* NULL when rate limiting is off */
	struct api_audit *audit;
	struct cc_strv cors_origins; /* empty: deny; "*": any */
	size_t max_body;
	int64_t started_at;	      /* µs */
	char *data_dir;		      /* the CA keys live below it */
	char base_url[256];	      /* CERTCTL_PUBLIC_URL, else the listen address */
	struct api_issuers *issuers;  /* open issuer connectors */
	struct api_list_cache *lists; /* rendered list pages; NULL: none kept */
	struct api_crl_cache *crl;    /* signed CRLs per issuer */
	struct api_ocsp_cache *ocsp;  /* signed OCSP answers per serial */
	struct api_bulk *bulk;	      /* the bulk revocation worker; NULL: runs inline */
	struct cc_db_group *group;    /* group commit of deferred writes; NULL: inline */
	/* submitted CSRs' parsed keys and verifications; made on first use (it starts OpenSSL,
	 * which an idle server does without): api_csr_cache */
	struct cc_csr_cache *_Atomic csrs;
	/* set between listening and the end of start-up (the first key and its credentials
	 * file, the public URL): requests then get 503, so whoever sees /health answer 200
	 * finds both in place */
	_Atomic bool starting;
};

#endif
