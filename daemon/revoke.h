/* revoke.h: revoking one certificate — the path single and bulk revocation share:
 * eligibility, status, revocation record, audit event (one transaction, the caller's),
 * then telling the issuer (best effort, after the commit) */
#ifndef CC_REVOKE_H
#define CC_REVOKE_H

#include <stdbool.h>
#include <stdint.h>

struct api_app;
struct cc_dbc;
struct cc_dbres;
struct cc_err;

/* what revocation reads about a certificate: columns API_REVOKE_COLUMNS of one row */
struct api_revoke_row {
	const char *cert_id;
	const char *status; /* NULL: no such certificate */
	const char *issuer_id;
	const char *common_name;
	const char *serial; /* of the newest version; NULL: never issued */
};

/* the select list that api_revoke_row_at reads, over managed_certificates m */
#define API_REVOKE_COLUMNS                                                                         \
	"m.status, m.issuer_id, m.common_name, (SELECT v.serial_number FROM certificate_versions " \
	"v WHERE v.certificate_id = m.id ORDER BY v.created_at DESC, v.id DESC LIMIT 1)"
/* fills row from the API_REVOKE_COLUMNS starting at column col (pointers into res) */
void api_revoke_row_at(const struct cc_dbres *res, int row, int col, const char *cert_id,
		       struct api_revoke_row *out);

enum api_revoke_verdict {
	API_REVOKE_OK,		    /* eligible */
	API_REVOKE_ALREADY_REVOKED, /* skipped */
	API_REVOKE_ARCHIVED,	    /* skipped */
	API_REVOKE_NOT_FOUND,
	API_REVOKE_NO_VERSION, /* nothing was ever issued: there is no serial to revoke */
};

/* may row be revoked? Anything but OK sets err (CONFLICT, NOT_FOUND or UNPROCESSABLE) */
enum api_revoke_verdict api_revoke_check(const struct api_revoke_row *row, struct cc_err *err);

struct api_revoke_opts {
	const char *reason; /* RFC 5280 name, already validated */
	const char *actor;
	const char *actor_type; /* "User", "System", … */
	int64_t now;
	bool notify; /* a Revocation notification to the owner */
};

/* the database steps for an eligible row, in the caller's transaction: status Revoked,
 * the revocation record, the certificate_revoked audit event and (opts->notify) the
 * notification. CC_E_CONFLICT when another request revoked it meanwhile */
int api_revoke_apply(struct cc_dbc *c, const struct api_revoke_row *row,
		     const struct api_revoke_opts *o, struct cc_err *err);

/* api_revoke_apply for n eligible rows at once, with o->notify false (bulk batches): one
 * UPDATE, one INSERT of revocation records and one INSERT of audit events for all of them,
 * so that each statement (and SQLite's statement journal) runs once per batch, not once
 * per certificate. applied[i] says which rows it revoked; the others were revoked or
 * archived meanwhile. On an error nothing is undone: the caller rolls back. */
int api_revoke_apply_many(struct cc_dbc *c, const struct api_revoke_row *rows, size_t n,
			  const struct api_revoke_opts *o, bool *applied, struct cc_err *err);

/* after the commit: issuer_id is told of serials[0..n) (best effort) and those it took
 * are recorded in issuer_notified; told[i] says which. Failures are logged, the last one
 * left in err */
void api_revoke_tell_issuer(struct api_app *app, struct cc_dbc *c, const char *issuer_id,
			    const char *const *serials, size_t n, const char *reason, bool *told,
			    struct cc_err *err);

#endif
