/* crl.h: each issuer's DER CRL, built from the revocation records and kept until a
 * revocation changes it (or it is an hour old) */
#ifndef CC_DAEMON_CRL_H
#define CC_DAEMON_CRL_H

#include <stdint.h>

struct api_app;
struct api_crl_cache;
struct cc_buf;
struct cc_dbc;
struct cc_err;

struct api_crl_cache *api_crl_cache_new(void);
void api_crl_cache_free(struct api_crl_cache *cc);

/* *der = issuer_id's current CRL (a copy); *this_update its thisUpdate. CC_E_NOT_FOUND for
 * an issuer the registry does not have, CC_E_UNSUPPORTED when it keeps no CRL */
int api_crl_get(struct api_app *app, struct cc_dbc *c, const char *issuer_id, struct cc_buf *der,
		int64_t *this_update, struct cc_err *err);

#endif
