/* policy-eval.c: policy rule types — config shapes and the pure evaluation of one rule
 * (policy-eval.h has the table of types and what their configs mean) */
#include <regex.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "libcc/policy-eval.h"
#include "libcc/err.h"
#include "libcc/policy.h"
#include "libcc/strv.h"
#include "libcc/x509.h"
#include "libcc/banned.h"

#define LEAD_TIME_DAYS 30 /* RenewalLeadTime {} (v2.1's fixed 30 days) */

static const char *const algorithms[] = { "RSA", "ECDSA", "Ed25519", NULL };

/* ---- config checks ---- */

static int only_keys(const json_t *cfg, const char *type, const char *const *keys,
		     const char *expected, struct cc_err *err)
{
	const char *k;
	json_t *v;

	json_object_foreach ((json_t *)cfg, k, v) {
		size_t i = 0;
		while (keys[i] && strcmp(keys[i], k))
			i++;
		if (!keys[i])
			return cc_err_set(err, CC_E_INVALID,
					  "config: unknown key '%.64s' for %s (expected %s)", k,
					  type, expected);
	}
	return 0;
}

static bool in_list(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(s, *list))
			return true;
	return false;
}

/* a non-empty array of non-empty strings (each in allowed, unless NULL) */
static int str_list(const json_t *cfg, const char *key, bool required, const char *const *allowed,
		    struct cc_err *err)
{
	json_t *a = json_object_get(cfg, key), *v;
	size_t i;

	if (!a && !required)
		return 0;
	if (!json_is_array(a) || !json_array_size(a))
		return cc_err_set(err, CC_E_INVALID,
				  "config.%s: must be a non-empty array of non-empty strings", key);
	json_array_foreach (a, i, v) {
		const char *s = json_string_value(v);
		if (!s || !*s || strlen(s) != json_string_length(v))
			return cc_err_set(err, CC_E_INVALID,
					  "config.%s[%zu]: must be a non-empty "
					  "string",
					  key, i);
		if (allowed && !in_list(s, allowed))
			return cc_err_set(
				err, CC_E_INVALID,
				"config.%s[%zu]: '%.64s' is not one of RSA, ECDSA, Ed25519", key, i,
				s);
	}
	return 0;
}

static int int_key(const json_t *cfg, const char *key, bool required, json_int_t min,
		   json_int_t max, struct cc_err *err)
{
	json_t *v = json_object_get(cfg, key);

	if (!v && !required)
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max)
		return cc_err_set(err, CC_E_INVALID,
				  "config.%s: must be an integer from %" JSON_INTEGER_FORMAT
				  " to %" JSON_INTEGER_FORMAT,
				  key, min, max);
	return 0;
}

static int check_key_algorithm(const json_t *cfg, struct cc_err *err)
{
	return str_list(cfg, "allowed", true, algorithms, err);
}

static int check_min_key_size(const json_t *cfg, struct cc_err *err)
{
	if (!json_object_size(cfg))
		return cc_err_set(err, CC_E_INVALID,
				  "config: give a minimum for at least one of RSA, ECDSA, Ed25519");
	return int_key(cfg, "RSA", false, 1024, 16384, err) < 0 ||
			       int_key(cfg, "ECDSA", false, 1, 521, err) < 0 ||
			       int_key(cfg, "Ed25519", false, 1, 256, err) < 0
		       ? -1
		       : 0;
}

static int check_max_lifetime(const json_t *cfg, struct cc_err *err)
{
	return int_key(cfg, "max_days", true, 1, 36500, err);
}

static int check_san_patterns(const json_t *cfg, struct cc_err *err)
{
	json_t *v;
	size_t i;

	if (str_list(cfg, "patterns", true, NULL, err) < 0)
		return -1;
	json_array_foreach (json_object_get(cfg, "patterns"), i, v) {
		regex_t re;
		if (regcomp(&re, json_string_value(v), REG_EXTENDED | REG_NOSUB))
			return cc_err_set(
				err, CC_E_INVALID,
				"config.patterns[%zu]: not a valid POSIX extended regular "
				"expression",
				i);
		regfree(&re);
	}
	return 0;
}

static int check_issuers(const json_t *cfg, struct cc_err *err)
{
	return str_list(cfg, "issuers", false, NULL, err);
}

/* "example.com", "*.example.com" or an IP address: no blanks, '*' only as "*." first */
static int check_domains(const json_t *cfg, struct cc_err *err)
{
	json_t *deny = json_object_get(cfg, "deny"), *v;
	size_t i;

	if (str_list(cfg, "domains", false, NULL, err) < 0)
		return -1;
	if (deny && !json_is_boolean(deny))
		return cc_err_set(err, CC_E_INVALID, "config.deny: must be true or false");
	if (json_is_true(deny) && !json_object_get(cfg, "domains"))
		return cc_err_set(err, CC_E_INVALID, "config.deny: needs config.domains");
	json_array_foreach (json_object_get(cfg, "domains"), i, v) {
		const char *d = json_string_value(v), *body = strncmp(d, "*.", 2) ? d : d + 2;
		if (!*body || strpbrk(body, "* \t\r\n/"))
			return cc_err_set(err, CC_E_INVALID,
					  "config.domains[%zu]: '%.64s' is not a name, '*.' and a "
					  "name, or an IP address",
					  i, d);
	}
	return 0;
}

static int check_metadata(const json_t *cfg, struct cc_err *err)
{
	return str_list(cfg, "keys", false, NULL, err);
}

static int check_environments(const json_t *cfg, struct cc_err *err)
{
	return str_list(cfg, "environments", false, NULL, err);
}

static int check_lead_time(const json_t *cfg, struct cc_err *err)
{
	return int_key(cfg, "min_days", false, 1, 3650, err);
}

/* ---- evaluation ---- */

typedef int eval_fn(const json_t *cfg, const struct cc_policy_subject *s, char *msg, size_t n);

static int eval_key_algorithm(const json_t *cfg, const struct cc_policy_subject *s, char *msg,
			      size_t n)
{
	json_t *v;
	size_t i;

	if (!s->key_algorithm || !*s->key_algorithm)
		return 0;
	json_array_foreach (json_object_get(cfg, "allowed"), i, v)
		if (!strcasecmp(json_string_value(v), s->key_algorithm))
			return 0;
	snprintf(msg, n, "key algorithm %s is not allowed", s->key_algorithm);
	return 1;
}

static int eval_min_key_size(const json_t *cfg, const struct cc_policy_subject *s, char *msg,
			     size_t n)
{
	const char *k;
	json_t *v;

	if (!s->key_algorithm || !s->key_size)
		return 0;
	json_object_foreach ((json_t *)cfg, k, v) {
		if (strcasecmp(k, s->key_algorithm) || s->key_size >= json_integer_value(v))
			continue;
		snprintf(msg, n,
			 "%s key of %d bits is below the minimum of %" JSON_INTEGER_FORMAT " bits",
			 s->key_algorithm, s->key_size, json_integer_value(v));
		return 1;
	}
	return 0;
}

/* whole days: a backdated notBefore (clock skew) must not count as a day more */
static int eval_max_lifetime(const json_t *cfg, const struct cc_policy_subject *s, char *msg,
			     size_t n)
{
	json_int_t max = json_integer_value(json_object_get(cfg, "max_days"));
	int64_t days = s->lifetime_s / CC_POLICY_DAY_S;

	if (s->lifetime_s <= 0 || days <= max)
		return 0;
	snprintf(msg, n,
		 "lifetime of %lld days exceeds the maximum of %" JSON_INTEGER_FORMAT " days",
		 (long long)days, max);
	return 1;
}

static int eval_san_patterns(const json_t *cfg, const struct cc_policy_subject *s, char *msg,
			     size_t n)
{
	struct cc_err err = CC_ERR_INIT;
	const char *missing = NULL;
	int rc = cc_policy_match_patterns(json_object_get(cfg, "patterns"), s->common_name, s->sans,
					  &missing, &err);

	if (rc == 1)
		snprintf(msg, n, "no subject alternative name matches the required pattern '%s'",
			 missing);
	else if (rc < 0)
		snprintf(msg, n, "%s", err.msg);
	return rc ? 1 : 0;
}

static bool empty(const char *s)
{
	return !s || !*s;
}

static bool str_in(const json_t *a, const char *s)
{
	json_t *v;
	size_t i;

	json_array_foreach (a, i, v)
		if (!strcmp(json_string_value(v), s))
			return true;
	return false;
}

static int eval_issuers(const json_t *cfg, const struct cc_policy_subject *s, char *msg, size_t n)
{
	const json_t *list = json_object_get(cfg, "issuers");

	if (empty(s->issuer_id)) {
		snprintf(msg, n, "no issuer is set");
		return 1;
	}
	if (!list || str_in(list, s->issuer_id))
		return 0;
	snprintf(msg, n, "issuer %s is not in the allowed list", s->issuer_id);
	return 1;
}

/* "*.x" covers every name below x (not x itself); others match exactly, ignoring case */
static bool domain_match(const char *entry, const char *name)
{
	size_t ne = strlen(entry), nn = strlen(name);

	if (!strncmp(entry, "*.", 2))
		return nn > ne - 1 && !strcasecmp(name + nn - (ne - 1), entry + 1);
	return !strcasecmp(entry, name);
}

/* the part a domain rule looks at: an e-mail address's domain, else the name itself */
static bool name_allowed(const json_t *domains, const char *name)
{
	const char *at = strrchr(name, '@'), *d = at ? at + 1 : name;
	unsigned char ip[16];
	int iplen;
	json_t *v;
	size_t i;

	json_array_foreach (domains, i, v) {
		const char *e = json_string_value(v);
		if (cc_x509_san_kind(d, ip, &iplen) == CC_SAN_IP ? !strcasecmp(e, d)
								 : domain_match(e, d))
			return true;
	}
	return false;
}

static int eval_domains(const json_t *cfg, const struct cc_policy_subject *s, char *msg, size_t n)
{
	const json_t *domains = json_object_get(cfg, "domains");
	bool deny = json_is_true(json_object_get(cfg, "deny"));
	size_t nsans = s->sans ? s->sans->n : 0;

	if (!domains) {
		if (nsans)
			return 0;
		snprintf(msg, n, "the certificate has no subject alternative names");
		return 1;
	}
	for (size_t i = 0; i <= nsans; i++) {
		const char *name = i < nsans ? s->sans->v[i] : s->common_name;
		if (empty(name) || name_allowed(domains, name) != deny)
			continue;
		snprintf(msg, n,
			 deny ? "name %s is in a denied domain"
			      : "name %s is not in an allowed domain",
			 name);
		return 1;
	}
	return 0;
}

static int eval_metadata(const json_t *cfg, const struct cc_policy_subject *s, char *msg, size_t n)
{
	const json_t *keys = json_object_get(cfg, "keys"), *v;
	size_t i;

	if (!keys) {
		if (json_object_size(s->tags))
			return 0;
		snprintf(msg, n, "the certificate has no tags");
		return 1;
	}
	json_array_foreach (keys, i, v) {
		const char *k = json_string_value(v);
		if (!empty(json_string_value(json_object_get(s->tags, k))))
			continue;
		snprintf(msg, n, "required tag '%s' is missing", k);
		return 1;
	}
	return 0;
}

static int eval_environments(const json_t *cfg, const struct cc_policy_subject *s, char *msg,
			     size_t n)
{
	const json_t *list = json_object_get(cfg, "environments");

	if (empty(s->environment)) {
		snprintf(msg, n, "no environment is set");
		return 1;
	}
	if (!list || str_in(list, s->environment))
		return 0;
	snprintf(msg, n, "environment '%s' is not allowed", s->environment);
	return 1;
}

static int eval_lead_time(const json_t *cfg, const struct cc_policy_subject *s, char *msg, size_t n)
{
	json_t *v = json_object_get(cfg, "min_days");
	json_int_t days = v ? json_integer_value(v) : LEAD_TIME_DAYS;

	if (!s->remaining_known || s->remaining_s >= days * CC_POLICY_DAY_S)
		return 0;
	snprintf(msg, n,
		 "less than %" JSON_INTEGER_FORMAT " days of validity left (renewal lead time)",
		 days);
	return 1;
}

/* ---- the table ---- */

static const char *const k_allowed[] = { "allowed", NULL };
static const char *const k_sizes[] = { "RSA", "ECDSA", "Ed25519", NULL };
static const char *const k_max_days[] = { "max_days", NULL };
static const char *const k_patterns[] = { "patterns", NULL };
static const char *const k_issuers[] = { "issuers", NULL };
static const char *const k_domains[] = { "domains", "deny", NULL };
static const char *const k_keys[] = { "keys", NULL };
static const char *const k_envs[] = { "environments", NULL };
static const char *const k_lead[] = { "min_days", NULL };
static const char *const k_none[] = { NULL };

static const struct rule_type {
	const char *name;
	const char *const *keys;
	const char *expected; /* the keys, for messages */
	int (*check)(const json_t *cfg, struct cc_err *err);
	eval_fn *eval; /* NULL: nothing to violate */
	bool names;    /* looks at the common name and SANs */
} types[] = {
	{ "KeyAlgorithm", k_allowed, "allowed", check_key_algorithm, eval_key_algorithm, false },
	{ "MinKeySize", k_sizes, "RSA, ECDSA, Ed25519", check_min_key_size, eval_min_key_size,
	  false },
	{ "MaxLifetime", k_max_days, "max_days", check_max_lifetime, eval_max_lifetime, false },
	{ "RequiredSANPattern", k_patterns, "patterns", check_san_patterns, eval_san_patterns,
	  true },
	{ "AllowedIssuers", k_issuers, "issuers", check_issuers, eval_issuers, false },
	{ "AllowedDomains", k_domains, "domains, deny", check_domains, eval_domains, true },
	{ "RequiredMetadata", k_keys, "keys", check_metadata, eval_metadata, false },
	{ "AllowedEnvironments", k_envs, "environments", check_environments, eval_environments,
	  false },
	{ "RenewalLeadTime", k_lead, "min_days", check_lead_time, eval_lead_time, false },
	{ "RequireApproval", k_none, "no keys", NULL, NULL, false },
};

static const struct rule_type *find_type(const char *name)
{
	for (size_t i = 0; name && i < CC_ARRAY_SIZE(types); i++)
		if (!strcmp(types[i].name, name))
			return &types[i];
	return NULL;
}

int cc_policy_config_check(const char *type, const json_t *config, struct cc_err *err)
{
	const struct rule_type *t = find_type(type);

	if (!t)
		return cc_err_set(err, CC_E_INVALID,
				  "type must be one of: KeyAlgorithm, MinKeySize, MaxLifetime, "
				  "RequiredSANPattern, AllowedIssuers, AllowedDomains, "
				  "RequiredMetadata, AllowedEnvironments, RenewalLeadTime, "
				  "RequireApproval");
	if (!json_is_object(config))
		return cc_err_set(err, CC_E_INVALID, "config: must be a JSON object");
	if (only_keys(config, t->name, t->keys, t->expected, err) < 0)
		return -1;
	return t->check ? t->check(config, err) : 0;
}

bool cc_policy_severity_valid(const char *severity)
{
	static const char *const sev[] = { "Warning", "Error", "Critical", NULL };

	return severity && in_list(severity, sev);
}

bool cc_policy_severity_blocks(const char *severity)
{
	return severity && (!strcmp(severity, "Error") || !strcmp(severity, "Critical"));
}

bool cc_policy_applies(const struct cc_policy_rule *r, const struct cc_policy_subject *s)
{
	if (!r->enabled)
		return false;
	if (empty(r->agent_group_id))
		return true;
	return s->groups && cc_strv_has(s->groups, r->agent_group_id);
}

int cc_policy_eval(const struct cc_policy_rule *r, const struct cc_policy_subject *s, char *msg,
		   size_t msglen)
{
	const struct rule_type *t = find_type(r->type);
	struct cc_err err = CC_ERR_INIT;

	*msg = '\0';
	if (cc_policy_config_check(r->type, r->config, &err) < 0) {
		snprintf(msg, msglen, "the rule cannot be applied: %s", err.msg);
		return 1;
	}
	return t->eval ? t->eval(r->config, s, msg, msglen) : 0;
}

bool cc_policy_needs_names(const struct cc_policy_rule *r)
{
	const struct rule_type *t = find_type(r->type);

	return t && t->names;
}

int64_t cc_policy_ttl_cap(const struct cc_policy_rule *r)
{
	json_t *v = json_object_get(r->config, "max_days");

	if (!r->type || strcmp(r->type, "MaxLifetime") || !json_is_integer(v) ||
	    json_integer_value(v) <= 0)
		return 0;
	return (int64_t)json_integer_value(v) * CC_POLICY_DAY_S;
}

bool cc_policy_requires_approval(const struct cc_policy_rule *r)
{
	return r->type && !strcmp(r->type, "RequireApproval");
}

static bool matches(const regex_t *re, const char *cn, const struct cc_strv *sans)
{
	if (!empty(cn) && !regexec(re, cn, 0, NULL, 0))
		return true;
	for (size_t i = 0; sans && i < sans->n; i++)
		if (!regexec(re, sans->v[i], 0, NULL, 0))
			return true;
	return false;
}

int cc_policy_match_patterns(const json_t *patterns, const char *common_name,
			     const struct cc_strv *sans, const char **missing, struct cc_err *err)
{
	json_t *v;
	size_t i;

	*missing = NULL;
	json_array_foreach (patterns, i, v) {
		const char *p = json_string_value(v);
		regex_t re;
		bool ok;

		if (!p || regcomp(&re, p, REG_EXTENDED | REG_NOSUB))
			return cc_err_set(err, CC_E_INVALID,
					  "pattern '%.64s' is not a valid POSIX extended regular "
					  "expression",
					  p ? p : "");
		ok = matches(&re, common_name, sans);
		regfree(&re);
		if (!ok) {
			*missing = p;
			return 1;
		}
	}
	return 0;
}
