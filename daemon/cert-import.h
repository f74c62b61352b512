/* cert-import.h: one entry of POST /api/v1/certificates/import — its PEM read, the leaf and
 * chain found, and, when its fingerprint is new, a managed certificate with one version
 * written in a transaction of its own (policy check and audit event included) */
#ifndef CC_CERT_IMPORT_H
#define CC_CERT_IMPORT_H

#include <stddef.h>
#include "libcc/cert-bundle.h"
#include "libcc/id.h"
#include "libcc/thresholds.h"

struct api_req;
struct cc_dbc;

#define API_IMPORT_MAX_CERTS 32	 /* leaf + chain in one entry */
#define API_IMPORT_MAX_SANS 1000 /* subjectAltNames of one leaf */

/* what every certificate of the request gets (references already checked) */
struct api_import_opts {
	const char *owner_id, *team_id, *issuer_id, *renewal_policy_id;
	const char *environment; /* NULL: none */
	const char *name_prefix; /* "" when none */
	struct cc_thresholds th; /* the renewal policy's: Active, Expiring or Expired */
};

struct api_import {
	const char *source; /* file name the caller gave, NULL when none */
	struct cc_bundle b;
	size_t leaf;	    /* index of the leaf in b */
	size_t chain_len;   /* certificates after the leaf in pem_chain */
	char *pem_chain;    /* leaf + chain, re-encoded */
	const char *status; /* "imported", "skipped" or "failed" */
	char reason[256];
	char cert_id[CC_ID_MAX + 1];
	int violations; /* policy rules the certificate breaks (stored, not refused) */
};

/* reads pem: 0 with the leaf found, or -1 with im->status "failed" and the reason */
int api_import_read(const char *pem, size_t len, struct api_import *im);
/* the leaf's fingerprint after a successful api_import_read */
const char *api_import_fingerprint(const struct api_import *im);
/* skips a fingerprint the inventory has; otherwise writes the certificate, its version,
 * the policy findings and a certificate_imported audit event, or nothing. Sets status */
void api_import_write(struct api_req *rq, struct cc_dbc *c, const struct api_import_opts *o,
		      struct api_import *im);
void api_import_release(struct api_import *im);

#endif
