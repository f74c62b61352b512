/* test-policy-eval.c: the policy rule types without a database — each type's allow and
 * deny cases (table-driven over cc_policy_eval), severities, agent-group scope, config
 * validation, required SAN patterns, lifetime caps */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "libcc/err.h"
#include "libcc/policy.h"
#include "libcc/policy-eval.h"
#include "libcc/strv.h"

#define D CC_POLICY_DAY_S

/* a subject: unset members take the defaults of eval_case(); "" is an explicit empty */
struct ecase {
	const char *type, *config;
	const char *cn, *sans, *issuer, *env, *tags;
	const char *alg; /* NULL: key unknown */
	int bits;
	int64_t lifetime, remaining; /* seconds; remaining only with remaining_known */
	bool remaining_known;
	int want;
	const char *msg; /* a substring of the message when violated */
};

static const struct ecase cases[] = {
	/* KeyAlgorithm */
	{ .type = "KeyAlgorithm",
	  .config = "{\"allowed\":[\"ECDSA\",\"RSA\"]}",
	  .alg = "RSA",
	  .bits = 2048 },
	{ .type = "KeyAlgorithm",
	  .config = "{\"allowed\":[\"ECDSA\"]}",
	  .alg = "Ed25519",
	  .bits = 256,
	  .want = 1,
	  .msg = "key algorithm Ed25519 is not allowed" },
	{ .type = "KeyAlgorithm", .config = "{\"allowed\":[\"ECDSA\"]}" }, /* key unknown */
	/* MinKeySize */
	{ .type = "MinKeySize",
	  .config = "{\"RSA\":3072,\"ECDSA\":256}",
	  .alg = "RSA",
	  .bits = 3072 },
	{ .type = "MinKeySize",
	  .config = "{\"RSA\":3072,\"ECDSA\":256}",
	  .alg = "RSA",
	  .bits = 2048,
	  .want = 1,
	  .msg = "RSA key of 2048 bits is below the minimum of 3072" },
	{ .type = "MinKeySize",
	  .config = "{\"ECDSA\":384}",
	  .alg = "ECDSA",
	  .bits = 256,
	  .want = 1,
	  .msg = "ECDSA key of 256 bits" },
	{ .type = "MinKeySize", .config = "{\"RSA\":4096}", .alg = "ECDSA", .bits = 256 },
	/* MaxLifetime: whole days */
	{ .type = "MaxLifetime", .config = "{\"max_days\":90}", .lifetime = 90 * D + 300 },
	{ .type = "MaxLifetime",
	  .config = "{\"max_days\":90}",
	  .lifetime = 365 * D,
	  .want = 1,
	  .msg = "lifetime of 365 days exceeds the maximum of 90 days" },
	{ .type = "MaxLifetime", .config = "{\"max_days\":1}" }, /* lifetime unknown */
	/* RequiredSANPattern: every pattern matched by the CN or a SAN */
	{ .type = "RequiredSANPattern",
	  .config = "{\"patterns\":[\"^.*\\\\.example\\\\.com$\"]}",
	  .sans = "10.0.0.1,api.example.com" },
	{ .type = "RequiredSANPattern",
	  .config = "{\"patterns\":[\"\\\\.example\\\\.com$\",\"^10\\\\.\"]}",
	  .sans = "api.example.com",
	  .cn = "api.example.com",
	  .want = 1,
	  .msg = "no subject alternative name matches the required pattern '^10\\.'" },
	{ .type = "RequiredSANPattern",
	  .config = "{\"patterns\":[\"^a@example\\\\.com$\"]}",
	  .cn = "a@example.com",
	  .sans = "" },
	/* AllowedIssuers */
	{ .type = "AllowedIssuers", .config = "{\"issuers\":[\"iss-local\",\"iss-acme\"]}" },
	{ .type = "AllowedIssuers",
	  .config = "{\"issuers\":[\"iss-acme\"]}",
	  .want = 1,
	  .msg = "issuer iss-local is not in the allowed list" },
	{ .type = "AllowedIssuers", .config = "{}" },
	{ .type = "AllowedIssuers",
	  .config = "{}",
	  .issuer = "",
	  .want = 1,
	  .msg = "no issuer is set" },
	/* AllowedDomains */
	{ .type = "AllowedDomains",
	  .config = "{\"domains\":[\"example.com\",\"*.example.com\",\"10.0.0.1\"]}",
	  .cn = "example.com",
	  .sans = "www.example.com,a.b.example.com,10.0.0.1,ops@example.com" },
	{ .type = "AllowedDomains",
	  .config = "{\"domains\":[\"*.example.com\"]}",
	  .cn = "example.com",
	  .want = 1,
	  .msg = "name example.com is not in an allowed domain" },
	{ .type = "AllowedDomains",
	  .config = "{\"domains\":[\"*.example.com\"]}",
	  .sans = "www.example.com,10.9.9.9",
	  .want = 1,
	  .msg = "name 10.9.9.9" },
	{ .type = "AllowedDomains",
	  .config = "{\"domains\":[\"*.EXAMPLE.com\"]}",
	  .sans = "WWW.example.com,mail@Corp.Example.com" },
	{ .type = "AllowedDomains",
	  .config = "{\"domains\":[\"*.staging.example.com\"],"
		    "\"deny\":true}",
	  .sans = "www.example.com" },
	{ .type = "AllowedDomains",
	  .config = "{\"domains\":[\"*.staging.example.com\"],\"deny\":true}",
	  .sans = "www.example.com,*.staging.example.com",
	  .want = 1,
	  .msg = "name *.staging.example.com is in a denied domain" },
	{ .type = "AllowedDomains",
	  .config = "{}",
	  .sans = "",
	  .want = 1,
	  .msg = "no subject alternative names" },
	{ .type = "AllowedDomains", .config = "{}" },
	/* RequiredMetadata */
	{ .type = "RequiredMetadata", .config = "{\"keys\":[\"app\"]}" },
	{ .type = "RequiredMetadata",
	  .config = "{\"keys\":[\"app\",\"cost-center\"]}",
	  .want = 1,
	  .msg = "required tag 'cost-center' is missing" },
	{ .type = "RequiredMetadata",
	  .config = "{\"keys\":[\"app\"]}",
	  .tags = "{\"app\":\"\"}",
	  .want = 1,
	  .msg = "required tag 'app' is missing" },
	{ .type = "RequiredMetadata", .config = "{}", .tags = "{}", .want = 1, .msg = "no tags" },
	/* AllowedEnvironments */
	{ .type = "AllowedEnvironments", .config = "{\"environments\":[\"production\"]}" },
	{ .type = "AllowedEnvironments",
	  .config = "{\"environments\":[\"production\"]}",
	  .env = "qa",
	  .want = 1,
	  .msg = "environment 'qa' is not allowed" },
	{ .type = "AllowedEnvironments",
	  .config = "{}",
	  .env = "",
	  .want = 1,
	  .msg = "no environment is set" },
	/* RenewalLeadTime */
	{ .type = "RenewalLeadTime",
	  .config = "{\"min_days\":14}",
	  .remaining_known = true,
	  .remaining = 20 * D },
	{ .type = "RenewalLeadTime",
	  .config = "{\"min_days\":14}",
	  .remaining_known = true,
	  .remaining = 5 * D,
	  .want = 1,
	  .msg = "less than 14 days of validity left" },
	{ .type = "RenewalLeadTime",
	  .config = "{}",
	  .remaining_known = true,
	  .remaining = 29 * D,
	  .want = 1,
	  .msg = "less than 30 days" },
	{ .type = "RenewalLeadTime",
	  .config = "{}",
	  .remaining_known = true,
	  .remaining = -3 * D,
	  .want = 1 },
	{ .type = "RenewalLeadTime", .config = "{}" }, /* expiry unknown */
	/* RequireApproval never reports a violation */
	{ .type = "RequireApproval", .config = "{}", .sans = "", .issuer = "" },
	/* a stored config that no longer fits fails closed */
	{ .type = "MaxLifetime",
	  .config = "{\"max_days\":\"90\"}",
	  .want = 1,
	  .msg = "the rule cannot be applied: config.max_days" },
	{ .type = "NoSuchType", .config = "{}", .want = 1, .msg = "type must be one of" },
};

static const char * or (const char *v, const char *dflt)
{
	return v ? v : dflt;
}

static int eval_case(const struct ecase *c, char *msg, size_t n)
{
	struct cc_strv sans = CC_STRV_INIT;
	json_t *tags = json_loads(or (c->tags, "{\"app\":\"web\"}"), 0, NULL);
	struct cc_policy_rule r = {
		.id = "r",
		.name = "rule",
		.type = (char *)c->type,
		.config = json_loads(c->config, 0, NULL),
		.severity = "Warning",
		.enabled = true,
	};
	struct cc_policy_subject s = {
		.common_name = or (c->cn, "www.example.com"),
		.sans = &sans,
		.issuer_id = or (c->issuer, "iss-local"),
		.environment = or (c->env, "production"),
		.tags = tags,
		.key_algorithm = c->alg,
		.key_size = c->bits,
		.lifetime_s = c->lifetime,
		.remaining_known = c->remaining_known,
		.remaining_s = c->remaining,
	};
	int rc;

	assert_non_null(r.config);
	cc_strv_split(&sans, or (c->sans, "www.example.com"), ',');
	rc = cc_policy_eval(&r, &s, msg, n);
	json_decref(r.config);
	json_decref(tags);
	cc_strv_release(&sans);
	return rc;
}

static void test_policy_eval__each_type_allows_and_denies(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char msg[256];
		int rc = eval_case(&cases[i], msg, sizeof(msg));

		if (rc != cases[i].want)
			fail_msg("case %zu (%s %s): %d, want %d (%s)", i, cases[i].type,
				 cases[i].config, rc, cases[i].want, msg);
		if (rc && cases[i].msg && !strstr(msg, cases[i].msg))
			fail_msg("case %zu (%s): message '%s', want '%s'", i, cases[i].type, msg,
				 cases[i].msg);
	}
}

static void test_policy_eval__severities(void **state)
{
	(void)state;
	assert_true(cc_policy_severity_valid("Warning"));
	assert_true(cc_policy_severity_valid("Error"));
	assert_true(cc_policy_severity_valid("Critical"));
	assert_false(cc_policy_severity_valid("error"));
	assert_false(cc_policy_severity_valid(""));
	assert_false(cc_policy_severity_valid(NULL));
	assert_false(cc_policy_severity_blocks("Warning"));
	assert_true(cc_policy_severity_blocks("Error"));
	assert_true(cc_policy_severity_blocks("Critical"));
}

static void test_policy_eval__agent_group_scope(void **state)
{
	struct cc_strv groups = CC_STRV_INIT;
	struct cc_policy_rule r = { .type = "RequireApproval", .enabled = true };
	struct cc_policy_subject s = { 0 };

	(void)state;
	assert_true(cc_policy_applies(&r, &s)); /* unscoped */
	r.agent_group_id = "";
	assert_true(cc_policy_applies(&r, &s));
	r.agent_group_id = "g-prod";
	assert_false(cc_policy_applies(&r, &s)); /* no agent of the certificate in a group */
	cc_strv_push(&groups, "g-dev");
	s.groups = &groups;
	assert_false(cc_policy_applies(&r, &s));
	cc_strv_push(&groups, "g-prod");
	assert_true(cc_policy_applies(&r, &s));
	r.enabled = false;
	assert_false(cc_policy_applies(&r, &s));
	cc_strv_release(&groups);
}

static void test_policy_eval__config_checks(void **state)
{
	static const struct {
		const char *type, *config, *msg; /* msg NULL: valid */
	} checks[] = {
		{ "KeyAlgorithm", "{\"allowed\":[\"RSA\",\"ECDSA\",\"Ed25519\"]}", NULL },
		{ "KeyAlgorithm", "{}", "config.allowed: must be a non-empty array" },
		{ "KeyAlgorithm", "{\"allowed\":[\"rsa\"]}",
		  "config.allowed[0]: 'rsa' is not one" },
		{ "MinKeySize", "{\"RSA\":2048,\"ECDSA\":256,\"Ed25519\":256}", NULL },
		{ "MinKeySize", "{\"ECDSA\":1024}",
		  "config.ECDSA: must be an integer from 1 to 521" },
		{ "MinKeySize", "{\"DSA\":1024}", "config: unknown key 'DSA' for MinKeySize" },
		{ "MaxLifetime", "{\"max_days\":36500}", NULL },
		{ "MaxLifetime", "{\"max_days\":36501}", "config.max_days" },
		{ "RequiredSANPattern", "{\"patterns\":[\"^[a-z]+$\"]}", NULL },
		{ "RequiredSANPattern", "{\"patterns\":[\"*.internal\"]}",
		  "config.patterns[0]: not a valid POSIX extended regular expression" },
		{ "RequiredSANPattern", "{\"patterns\":\"^a$\"}", "config.patterns" },
		{ "AllowedIssuers", "{\"issuers\":[\"iss-local\"]}", NULL },
		{ "AllowedIssuers", "{\"issuers\":[]}", "config.issuers" },
		{ "AllowedIssuers", "{\"allowed_issuers\":[\"x\"]}",
		  "unknown key 'allowed_issuers'" },
		{ "AllowedDomains", "{\"domains\":[\"*.corp.example\",\"::1\"],\"deny\":false}",
		  NULL },
		{ "AllowedDomains", "{\"domains\":[\"a b\"]}", "config.domains[0]" },
		{ "AllowedDomains", "{\"domains\":[\"*.\"]}", "config.domains[0]" },
		{ "RequiredMetadata", "{\"keys\":[\"app\"]}", NULL },
		{ "RequiredMetadata", "{\"keys\":[1]}",
		  "config.keys[0]: must be a non-empty string" },
		{ "AllowedEnvironments", "{\"environments\":[\"production\"]}", NULL },
		{ "RenewalLeadTime", "{\"min_days\":3650}", NULL },
		{ "RenewalLeadTime", "{\"min_days\":1.5}", "config.min_days" },
		{ "RequireApproval", "{}", NULL },
		{ "RequireApproval", "{\"why\":\"x\"}", "expected no keys" },
		{ "IssuerRestriction", "{}", "type must be one of" },
		{ "AllowedDomains", "[]", "config: must be a JSON object" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(checks) / sizeof(checks[0]); i++) {
		struct cc_err err = CC_ERR_INIT;
		json_t *cfg = json_loads(checks[i].config, JSON_DECODE_ANY, NULL);
		int rc = cc_policy_config_check(checks[i].type, cfg, &err);

		json_decref(cfg);
		if ((rc == 0) != !checks[i].msg)
			fail_msg("check %zu (%s %s): %d (%s)", i, checks[i].type, checks[i].config,
				 rc, err.msg);
		if (rc < 0 && (err.code != CC_E_INVALID || !strstr(err.msg, checks[i].msg)))
			fail_msg("check %zu: message '%s', want '%s'", i, err.msg, checks[i].msg);
	}
}

static void test_policy_eval__patterns_caps_approval(void **state)
{
	struct cc_err err = CC_ERR_INIT;
	struct cc_strv sans = CC_STRV_INIT;
	json_t *p = json_pack("[s, s]", "@example\\.com$", "^alice");
	json_t *cfg = json_pack("{s:i}", "max_days", 30);
	struct cc_policy_rule life = { .type = "MaxLifetime", .config = cfg };
	struct cc_policy_rule appr = { .type = "RequireApproval" };
	const char *missing = "x";

	(void)state;
	cc_strv_push(&sans, "alice@example.com");
	assert_int_equal(cc_policy_match_patterns(p, "", &sans, &missing, &err), 0);
	assert_null(missing);
	assert_int_equal(cc_policy_match_patterns(p, "bob@example.com", NULL, &missing, &err), 1);
	assert_string_equal(missing, "^alice");
	assert_int_equal(cc_policy_match_patterns(NULL, NULL, NULL, &missing, &err), 0);
	json_array_append_new(p, json_string("(a"));
	assert_int_equal(cc_policy_match_patterns(p, "", &sans, &missing, &err), -1);
	assert_int_equal(err.code, CC_E_INVALID);
	assert_int_equal(cc_policy_ttl_cap(&life), 30 * D);
	assert_int_equal(cc_policy_ttl_cap(&appr), 0);
	assert_true(cc_policy_requires_approval(&appr));
	assert_false(cc_policy_requires_approval(&life));
	life.type = "AllowedDomains";
	assert_true(cc_policy_needs_names(&life));
	assert_false(cc_policy_needs_names(&appr));
	json_decref(p);
	json_decref(cfg);
	cc_strv_release(&sans);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_policy_eval__each_type_allows_and_denies),
		cmocka_unit_test(test_policy_eval__severities),
		cmocka_unit_test(test_policy_eval__agent_group_scope),
		cmocka_unit_test(test_policy_eval__config_checks),
		cmocka_unit_test(test_policy_eval__patterns_caps_approval),
	};

	return cmocka_run_group_tests_name("policy-eval", tests, NULL, NULL);
}
