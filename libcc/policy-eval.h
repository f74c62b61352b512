/* policy-eval.h: the policy rule types — the shape of each one's config, checked when a
 * rule is written — and the pure evaluation of a rule against a certificate that is about
 * to be issued or imported. No database: daemon/policy-check.c loads the rules, works out
 * the facts and stores the violations.
 *
 * Rule types and their config (every key is checked; unknown keys are refused):
 *
 *   KeyAlgorithm        {"allowed": ["RSA" | "ECDSA" | "Ed25519", ...]}        (required)
 *   MinKeySize          {"RSA": bits, "ECDSA": bits, "Ed25519": bits}      (at least one)
 *   MaxLifetime         {"max_days": 1..36500}                                  (required)
 *   RequiredSANPattern  {"patterns": [POSIX extended regex, ...]}               (required)
 *   AllowedIssuers      {"issuers": [issuer id, ...]}           {}: an issuer must be set
 *   AllowedDomains      {"domains": ["example.com", "*.corp.example", "10.0.0.1", ...],
 *                        "deny": false}                  {}: at least one SAN must be set
 *   RequiredMetadata    {"keys": [tag name, ...]}                {}: at least one tag
 *   AllowedEnvironments {"environments": [name, ...]}        {}: an environment must be set
 *   RenewalLeadTime     {"min_days": 1..3650}                          {}: min_days 30
 *   RequireApproval     {}           (no check: issuance and renewal jobs need an approval)
 *
 * The {} forms are certctl v2.1's checks, whose config was never read. */
#ifndef CC_POLICY_EVAL_H
#define CC_POLICY_EVAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

struct cc_err;
struct cc_policy_rule;
struct cc_strv;

#define CC_POLICY_DAY_S INT64_C(86400)

/* what a rule is checked against; a fact left unset (NULL, 0, false) is unknown and the
 * rules that need it pass */
struct cc_policy_subject {
	const char *common_name;
	const struct cc_strv *sans; /* DNS names, IP addresses, e-mail addresses */
	const char *issuer_id;
	const char *environment;
	const json_t *tags;	   /* object of strings */
	const char *key_algorithm; /* "RSA", "ECDSA", "Ed25519" */
	int key_size;		   /* bits */
	int64_t lifetime_s;	   /* not_after - not_before, seconds; 0: unknown */
	bool remaining_known;
	int64_t remaining_s;	      /* validity left (negative once expired) */
	const struct cc_strv *groups; /* ids of the agent groups of the agents that deploy
				       * the certificate */
};

/* type is one of the table above and config (an object) has its shape; CC_E_INVALID
 * naming the key ("config.max_days: ...", "type must be one of: ...") */
int cc_policy_config_check(const char *type, const json_t *config, struct cc_err *err);
/* Warning, Error or Critical */
bool cc_policy_severity_valid(const char *severity);
/* Error and Critical violations refuse an issuance */
bool cc_policy_severity_blocks(const char *severity);

/* enabled, and unscoped or scoped to one of s->groups */
bool cc_policy_applies(const struct cc_policy_rule *r, const struct cc_policy_subject *s);
/* 1 when s violates r (msg gets why, without the rule's name), 0 when it complies. A rule
 * whose stored config is malformed counts as violated (fail closed). Applicability is not
 * checked here */
int cc_policy_eval(const struct cc_policy_rule *r, const struct cc_policy_subject *s, char *msg,
		   size_t msglen);
/* does the rule look at names (so that the caller gathers them) */
bool cc_policy_needs_names(const struct cc_policy_rule *r);
/* MaxLifetime: max_days in seconds, the cap an issuance gets; 0 for other types */
int64_t cc_policy_ttl_cap(const struct cc_policy_rule *r);
/* RequireApproval */
bool cc_policy_requires_approval(const struct cc_policy_rule *r);

/* every pattern (POSIX extended regex, an array of strings) matches the common name or at
 * least one SAN: 0; else 1 with *missing the first pattern that matches none (lent by
 * patterns); -1 (CC_E_INVALID) for a pattern that does not compile */
int cc_policy_match_patterns(const json_t *patterns, const char *common_name,
			     const struct cc_strv *sans, const char **missing, struct cc_err *err);

#endif
