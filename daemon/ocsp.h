/* ocsp.h: OCSP answers — pre-signed and cached per serial, re-signed only when the
 * certificate's status changed or the answer nears its nextUpdate */
#ifndef CC_DAEMON_OCSP_H
#define CC_DAEMON_OCSP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct api_app;
struct api_ocsp_cache;
struct cc_buf;
struct cc_dbc;
struct cc_err;

struct api_ocsp_cache *api_ocsp_cache_new(void);
void api_ocsp_cache_free(struct api_ocsp_cache *oc);

/* which answer: an issuer's serial, and the CertID a request asked with (hex of its DER;
 * NULL for the serial route, which answers with the CA's own SHA-1 CertID) */
struct api_ocsp_key {
	const char *issuer_id;
	const char *serial_hex; /* lower-case, no leading zeros */
	const char *certid_hex;
};

/* the cached answer, when it is still current (no database needed); false otherwise */
bool api_ocsp_cached(struct api_app *app, const struct api_ocsp_key *k, struct cc_buf *der,
		     int64_t *max_age);

/* *der = the signed OCSPResponse for k, and *max_age its remaining life in seconds.
 * request (DER OCSPRequest, NULL for the serial route) is what the answer echoes; with
 * cache false (a nonce to echo) it is signed for this request only.
 * CC_E_NOT_FOUND for an unknown issuer, CC_E_UNSUPPORTED when it signs no OCSP */
int api_ocsp_answer(struct api_app *app, struct cc_dbc *c, const struct api_ocsp_key *k,
		    const unsigned char *request, size_t request_len, bool cache,
		    struct cc_buf *der, int64_t *max_age, struct cc_err *err);

#endif
