/* policy-check.h: the policy engine at work — the enabled rules that apply to a
 * certificate (agent-group scope), evaluated on issuance and on import, violations stored
 * once per (certificate, rule, message) with an audit event; the profile's required SAN
 * patterns; and whether a new issuance or renewal job needs an approval first */
#ifndef CC_POLICY_CHECK_H
#define CC_POLICY_CHECK_H

#include <stdbool.h>
#include <stdint.h>

struct api_app;
struct api_issuance;
struct cc_cert_info;
struct cc_certificate;
struct cc_dbc;
struct cc_err;
struct cc_profile;

struct api_policy_result {
	int violations;		  /* rules violated */
	int stored;		  /* of which new rows in policy_violations */
	int blocking;		  /* of which Error or Critical */
	char first_blocking[256]; /* "policy rule '<name>' (<id>, Error): <why>" */
	int64_t ttl_cap_s;	  /* the smallest MaxLifetime of the rules that apply, 0: none */
	bool approval;		  /* a RequireApproval rule applies */
};

/* evaluates the certificate as it stands, with the facts of leaf when given (names, key,
 * lifetime, expiry; else the certificate's common name, SANs and expires_at) — for
 * imports. Stores each violation (new ones audited as policy_violation, actor NULL:
 * "system"/"System") with c, in the caller's transaction if it holds one. Never refuses:
 * out->blocking tells the caller. The certificate row must exist (violations reference
 * it) */
int api_policy_check_cert(struct api_app *app, struct cc_dbc *c, const struct cc_certificate *m,
			  const struct cc_cert_info *leaf, const char *actor,
			  const char *actor_type, struct api_policy_result *out,
			  struct cc_err *err);

/* api_issue's check before signing, in its own transaction (the caller holds none):
 *   - p (the certificate's profile, p->id NULL when it has none): each required SAN
 *     pattern must match the common name or a SAN of the request (the certificate's and
 *     the CSR's): CC_E_INVALID naming the pattern;
 *   - an issuance without a job (an ad-hoc CSR) of a certificate whose profile or rules
 *     require approval: CC_E_CONFLICT;
 *   - the rules: violations stored and audited; an Error or Critical one is CC_E_INVALID
 *     naming the rule. The lifetime checked is the profile's max TTL.
 * *max_ttl_s (the profile's cap, 0 for none) is lowered to the MaxLifetime rules' cap */
int api_policy_issuance(struct api_app *app, struct cc_dbc *c, const struct cc_certificate *m,
			const struct api_issuance *in, const struct cc_profile *p,
			int64_t *max_ttl_s, struct cc_err *err);

/* the status a new Issuance/Renewal job of the certificate starts in: "AwaitingApproval"
 * when its profile has requires_approval or a RequireApproval rule applies to it, else
 * usual. CC_E_NOT_FOUND for an unknown certificate */
int api_policy_job_status(struct cc_dbc *c, const char *cert_id, const char *usual,
			  const char **status, struct cc_err *err);

#endif
