/* job-keygen.h: server keygen (CERTCTL_KEYGEN_MODE=server) — the key, its request and the
 * signed certificate made for an Issuance/Renewal job, then recorded; split so that the job
 * processor can sign the next job while the group writer records this one */
#ifndef CC_JOB_KEYGEN_H
#define CC_JOB_KEYGEN_H

#include "daemon/issuance.h"
#include "libcc/csr.h"

struct api_app;
struct cc_certificate;
struct cc_dbc;
struct cc_err;
struct cc_job;

/* a signed job, waiting to be recorded */
struct api_keygen {
	const struct cc_certificate *m; /* lent by the caller until released */
	struct api_issuance in;
	struct api_signed sg;
	struct api_issued out;
	char *key_pem; /* cleared when released */
	char *csr_pem;
	struct cc_csr *csr;
	struct cc_csr_key facts;
};

/* a key of the type the certificate's profile prefers (ECDSA P-256 without one), its
 * request, and the certificate signed by the certificate's issuer; nothing written */
int api_keygen_sign(struct api_app *app, struct cc_dbc *c, const struct cc_certificate *m,
		    const struct cc_job *j, struct api_keygen *kg, struct cc_err *err);
/* what api_issue records (version, kept key, job Completed, deployments, notification,
 * audit), in the caller's transaction */
int api_keygen_record(struct api_app *app, struct cc_dbc *c, struct api_keygen *kg,
		      struct cc_err *err);
void api_keygen_release(struct api_keygen *kg);

#endif
