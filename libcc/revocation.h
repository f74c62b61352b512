/* revocation.h: certificate revocation records (one per serial; they feed the CRL and OCSP) */
#ifndef CC_REVOCATION_H
#define CC_REVOCATION_H

#include <stdbool.h>
#include <stdint.h>
#include "libcc/db.h"
#include "libcc/entity.h"

struct cc_err;

struct cc_revocation {
	char *id;
	char *certificate_id;
	char *serial_number; /* unique */
	char *reason;	     /* RFC 5280 name: unspecified, keyCompromise, ... */
	char *revoked_by;    /* actor */
	int64_t revoked_at;
	char *issuer_id;
	bool issuer_notified;
	int64_t created_at;
};

extern const struct cc_entity cc_revocation_entity;

/* RFC 5280 CRLReason names (case-sensitive, as certctl v2.1 spells them) and codes */
#define CC_REVOCATION_REASONS                                                                      \
	"unspecified|keyCompromise|caCompromise|affiliationChanged|superseded|"                    \
	"cessationOfOperation|certificateHold|privilegeWithdrawn"
/* the CRL code of a reason name, -1 when it is not one */
int cc_revocation_reason_code(const char *name);
/* the name of a code, NULL when it is not one */
const char *cc_revocation_reason_name(int code);

/* inserts r unless its serial is already recorded (*inserted = false, and r is replaced by
 * the existing row). Fills an empty id, reason "unspecified" and unset times with now. */
int cc_revocation_record(struct cc_dbc *c, struct cc_revocation *r, bool *inserted,
			 struct cc_err *err);
/* marks the issuer as told about the revocation; CC_E_NOT_FOUND for an unknown serial */
int cc_revocation_set_notified(struct cc_dbc *c, const char *serial, struct cc_err *err);
/* CC_E_NOT_FOUND when the serial was never revoked */
int cc_revocation_by_serial(struct cc_dbc *c, const char *serial, struct cc_revocation *out,
			    struct cc_err *err);

#endif
