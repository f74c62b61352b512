/* h-policies.c: /api/v1/policies — policy rules and the violations recorded against them.
 *
 * Rule types and the shape of their "config" object (unknown keys are refused for the
 * first five; the last five are certctl v2.1's, whose config was never read, so any object
 * is accepted for them):
 *
 *   KeyAlgorithm        {"allowed": ["RSA" | "ECDSA" | "Ed25519", ...]}   (non-empty)
 *   MinKeySize          {"min_bits": integer, 1024 to 16384}
 *   MaxLifetime         {"max_days": integer, 1 to 36500}
 *   RequiredSANPattern  {"pattern": POSIX extended regular expression}  (non-empty)
 *   IssuerRestriction   {"allowed_issuers": [issuer id, ...]}          (non-empty)
 *   AllowedIssuers, AllowedDomains, RequiredMetadata, AllowedEnvironments, RenewalLeadTime
 *                       {...}
 *
 * Every config may also carry "severity": "Warning" | "Error" | "Critical" (the severity
 * of the violations the rule produces; there is no column for it). It defaults to
 * "Warning" and is written into the stored config. An absent or null config is {}.
 */
#include <regex.h>
#include <string.h>
#include "daemon/resource.h"
#include "daemon/routes.h"
#include "libcc/db.h"
#include "libcc/id.h"
#include "libcc/policy.h"
#include "libcc/banned.h"

#define E (&cc_policy_rule_entity)

/* ---- config shapes ---- */

static int only_keys(json_t *cfg, const char *key, struct cc_err *err)
{
	const char *k;
	json_t *v;

	json_object_foreach (cfg, k, v) {
		if (strcmp(k, key) && strcmp(k, "severity"))
			return cc_err_set(err, CC_E_INVALID,
					  "config: unknown key '%s' (expected '%s' and optionally "
					  "'severity')",
					  k, key);
	}
	return 0;
}

static int int_in(json_t *cfg, const char *key, json_int_t min, json_int_t max, struct cc_err *err)
{
	json_t *v = json_object_get(cfg, key);

	if (only_keys(cfg, key, err) < 0)
		return -1;
	if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max)
		return cc_err_set(err, CC_E_INVALID,
				  "config.%s: must be an integer from %" JSON_INTEGER_FORMAT
				  " to %" JSON_INTEGER_FORMAT,
				  key, min, max);
	return 0;
}

/* a non-empty array of non-empty strings, each in allowed (NULL: any) */
static int str_array(json_t *cfg, const char *key, const char *const *allowed, struct cc_err *err)
{
	json_t *a = json_object_get(cfg, key), *v;
	size_t i;

	if (only_keys(cfg, key, err) < 0)
		return -1;
	if (!json_is_array(a) || !json_array_size(a))
		return cc_err_set(err, CC_E_INVALID,
				  "config.%s: must be a non-empty array of strings", key);
	json_array_foreach (a, i, v) {
		const char *s = json_string_value(v);
		size_t k = 0;
		if (!s || !*s)
			return cc_err_set(err, CC_E_INVALID,
					  "config.%s: must be a non-empty array of strings", key);
		while (allowed && allowed[k] && strcmp(allowed[k], s))
			k++;
		if (allowed && !allowed[k])
			return cc_err_set(err, CC_E_INVALID,
					  "config.%s: '%.64s' is not one of RSA, ECDSA, Ed25519",
					  key, s);
	}
	return 0;
}

static int check_key_algorithm(json_t *cfg, struct cc_err *err)
{
	static const char *const algs[] = { "RSA", "ECDSA", "Ed25519", NULL };

	return str_array(cfg, "allowed", algs, err);
}

static int check_min_key_size(json_t *cfg, struct cc_err *err)
{
	return int_in(cfg, "min_bits", 1024, 16384, err);
}

static int check_max_lifetime(json_t *cfg, struct cc_err *err)
{
	return int_in(cfg, "max_days", 1, 36500, err);
}

static int check_san_pattern(json_t *cfg, struct cc_err *err)
{
	const char *p = json_string_value(json_object_get(cfg, "pattern"));
	regex_t re;

	if (only_keys(cfg, "pattern", err) < 0)
		return -1;
	if (!p || !*p)
		return cc_err_set(err, CC_E_INVALID, "config.pattern: must be a non-empty string");
	if (regcomp(&re, p, REG_EXTENDED | REG_NOSUB))
		return cc_err_set(err, CC_E_INVALID,
				  "config.pattern: not a valid POSIX extended regular expression");
	regfree(&re);
	return 0;
}

static int check_issuers(json_t *cfg, struct cc_err *err)
{
	return str_array(cfg, "allowed_issuers", NULL, err);
}

static const struct {
	const char *name;
	int (*check)(json_t *cfg, struct cc_err *err); /* NULL: any object */
} rule_types[] = {
	{ "KeyAlgorithm", check_key_algorithm },
	{ "MinKeySize", check_min_key_size },
	{ "MaxLifetime", check_max_lifetime },
	{ "RequiredSANPattern", check_san_pattern },
	{ "IssuerRestriction", check_issuers },
	{ "AllowedIssuers", NULL },
	{ "AllowedDomains", NULL },
	{ "RequiredMetadata", NULL },
	{ "AllowedEnvironments", NULL },
	{ "RenewalLeadTime", NULL },
};

static int check_severity(json_t *cfg, struct cc_err *err)
{
	json_t *v = json_object_get(cfg, "severity");
	const char *s = json_string_value(v);

	if (!v) {
		json_object_set_new(cfg, "severity", json_string("Warning"));
		return 0;
	}
	if (!s || (strcmp(s, "Warning") && strcmp(s, "Error") && strcmp(s, "Critical")))
		return cc_err_set(err, CC_E_INVALID,
				  "config.severity: must be Warning, Error or Critical");
	return 0;
}

static int validate(struct cc_dbc *c, void *obj, bool create, struct cc_err *err)
{
	struct cc_policy_rule *r = obj;
	size_t i;

	(void)c;
	(void)create;
	if (!r->name || !*r->name)
		return cc_err_set(err, CC_E_INVALID, "name is required");
	if (strlen(r->name) > 255)
		return cc_err_set(err, CC_E_INVALID, "name must be 255 characters or fewer");
	if (!r->type || !*r->type)
		return cc_err_set(err, CC_E_INVALID, "type is required");
	for (i = 0; i < CC_ARRAY_SIZE(rule_types) && strcmp(rule_types[i].name, r->type); i++)
		;
	if (i == CC_ARRAY_SIZE(rule_types))
		return cc_err_set(err, CC_E_INVALID,
				  "type must be one of: KeyAlgorithm, MinKeySize, MaxLifetime, "
				  "RequiredSANPattern, IssuerRestriction, AllowedIssuers, "
				  "AllowedDomains, RequiredMetadata, AllowedEnvironments, "
				  "RenewalLeadTime");
	if (!r->config)
		r->config = json_object();
	else if (!json_is_object(r->config))
		return cc_err_set(err, CC_E_INVALID, "config: must be a JSON object");
	if (json_object_get(r->config, "severity") == NULL) {
		/* the body's object may be shared: complete a copy */
		json_t *copy = json_deep_copy(r->config);
		json_decref(r->config);
		r->config = copy;
	}
	if (check_severity(r->config, err) < 0)
		return -1;
	return rule_types[i].check ? rule_types[i].check(r->config, err) : 0;
}

/* enabled defaults to true (the generic insert writes booleans as given) */
static void defaults(void *obj)
{
	((struct cc_policy_rule *)obj)->enabled = true;
}

static const struct api_resource policies = {
	.e = E,
	.label = "Policy",
	.flags = RES_CLIENT_ID,
	.validate = validate,
	.defaults = defaults,
};

API_RESOURCE_HANDLERS(policies, &policies);

/* ---- GET /policies/{id}/violations ---- */

static const struct api_resource violations = {
	.e = &cc_policy_violation_entity,
	.label = "Policy violation",
};

void h_policies_violations(struct api_req *rq, struct api_resp *rs)
{
	struct cc_err err = CC_ERR_INIT;
	struct cc_list l = CC_LIST_INIT;
	struct cc_query q;
	struct cc_dbc *c;
	bool found;

	if (api_parse_query(rq, violations.e, &q, &err) < 0 ||
	    cc_query_filter(&q, "rule_id", rq->params[0], &err) < 0) {
		api_reply_err(rs, rq, &err);
		return;
	}
	if (!(c = api_db(rq, rs)))
		return;
	if (cc_repo_exists(c, E, rq->params[0], &found, &err) < 0 ||
	    (found && cc_repo_list(c, violations.e, &q, &l, &err) < 0)) {
		api_reply_err(rs, rq, &err);
		return;
	}
	if (!found)
		api_reply_error(rs, rq, 404, "Policy not found: %s", rq->params[0]);
	else
		api_list_reply(rq, rs, &violations, &q, &l, c);
	cc_list_release(violations.e, &l);
}
