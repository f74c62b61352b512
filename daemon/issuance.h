/* issuance.h: signing a certificate request for a managed certificate and recording all
 * that follows in one transaction (version, certificate status, job, deployment jobs,
 * notification, audit) */
#ifndef CC_ISSUANCE_H
#define CC_ISSUANCE_H

#include <stdint.h>
#include "connectors/issuer/issuer.h"
#include "libcc/x509.h"

struct api_app;
struct cc_certificate;
struct cc_csr;
struct cc_csr_key;
struct cc_dbc;
struct cc_err;

struct api_issuance {
	const char *actor; /* audit actor and its type ("User", "Agent", "System") */
	const char *actor_type;
	const char *csr_pem;	  /* the request to sign (already parsed and verified) */
	const struct cc_csr *csr; /* csr_pem as cc_csr_read gave it, or NULL */
	const struct cc_csr_key *csr_key;
	const char *key_algorithm; /* of the CSR's key: "ECDSA", "RSA", "Ed25519" */
	int key_size;
	const char *key_pem; /* server keygen: the private key to keep for the agent */
	const char *job_id;  /* the Issuance/Renewal job this completes (Running), or NULL */
	/* optional: more writes for the same transaction, before the issuance's own (the
	 * caller's audit of the submission, so one request commits once) */
	int (*in_tx)(struct cc_dbc *c, void *ud, struct cc_err *err);
	void *in_tx_ud;
};

struct api_issued {
	char version_id[64];
	char serial[96];
	char fingerprint[65];
	int64_t not_after;
	int deployments; /* deployment jobs created */
};

/* An issuance in two steps, so that its record can share a transaction with others (the
 * group-commit writer): api_issue_sign checks the CSR key against the certificate's
 * profile and the policies and signs with the certificate's issuer, outside any
 * transaction; a refused request (profile, issuer) is CC_E_INVALID/CC_E_CONFLICT/
 * CC_E_UNSUPPORTED, and when a job was given the caller decides its fate.
 * api_issue_record then writes the version, certificate, job, deployments, notification
 * and audit in the caller's transaction. sg is released by api_signed_release after a
 * successful sign (a failed one leaves nothing to release) */
struct api_signed {
	struct cc_issue_res res;
	struct cc_cert_info ci;
};
int api_issue_sign(struct api_app *app, struct cc_dbc *c, const struct cc_certificate *m,
		   const struct api_issuance *in, struct api_signed *sg, struct api_issued *out,
		   struct cc_err *err);
int api_issue_record(struct api_app *app, struct cc_dbc *c, const struct cc_certificate *m,
		     const struct api_issuance *in, const struct api_signed *sg,
		     struct api_issued *out, struct cc_err *err);
void api_signed_release(struct api_signed *sg);

/* creates one Pending deployment job per enabled target mapped to the certificate (in the
 * caller's transaction); returns how many, or -1 */
int api_deployment_jobs(struct cc_dbc *c, const char *cert_id, const char *only_target_id,
			int64_t now, struct cc_err *err);

#endif
