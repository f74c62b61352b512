/* certificate.h: managed certificates, their deployment-target mappings and status counts */
#ifndef CC_CERTIFICATE_H
#define CC_CERTIFICATE_H

#include <stdint.h>
#include <jansson.h>
#include "libcc/db.h"
#include "libcc/entity.h"

struct cc_err;

struct cc_certificate {
	char *id;
	char *name;
	char *common_name;
	struct cc_strv sans;
	char *environment;
	char *owner_id;
	char *team_id;
	char *issuer_id;
	struct cc_strv target_ids; /* no column: certificate_target_mappings, see below */
	char *renewal_policy_id;
	char *certificate_profile_id;
	char *status;	    /* Pending, Active, Expiring, Expired, RenewalInProgress, ... */
	int64_t expires_at; /* 0 = never issued */
	json_t *tags;	    /* object string -> string */
	int64_t last_renewal_at;
	int64_t last_deployment_at;
	int64_t revoked_at;
	char *revocation_reason;
	int64_t created_at;
	int64_t updated_at;
};

extern const struct cc_entity cc_certificate_entity;

/* replaces the certificate's target mappings with target_ids (duplicates ignored); the
 * caller holds the transaction. CC_E_NOT_FOUND for an unknown certificate, CC_E_CONFLICT
 * for an unknown target */
int cc_certificate_set_targets(struct cc_dbc *c, const char *cert_id,
			       const struct cc_strv *target_ids, struct cc_err *err);
/* fills cert->target_ids from the mappings, sorted (byte order) */
int cc_certificate_load_targets(struct cc_dbc *c, struct cc_certificate *cert, struct cc_err *err);
/* sets status and updated_at; CC_E_NOT_FOUND for an unknown id */
int cc_certificate_set_status(struct cc_dbc *c, const char *id, const char *status,
			      struct cc_err *err);
/* *out = {"<status>": count, ...} over every certificate (new reference) */
int cc_certificate_count_by_status(struct cc_dbc *c, json_t **out, struct cc_err *err);

#endif
