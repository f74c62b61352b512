/* h-profiles.c: /api/v1/profiles — certificate profiles (key algorithms, EKUs, lifetime,
 * SAN patterns a certificate may use) */
#include <regex.h>
#include <string.h>
#include "daemon/resource.h"
#include "daemon/routes.h"
#include "libcc/db.h"
#include "libcc/id.h"
#include "libcc/profile.h"
#include "libcc/banned.h"

#define E (&cc_profile_entity)
#define SHORT_LIVED_MAX 3600

static const char *const ekus[] = { "serverAuth",      "clientAuth",   "codeSigning",
				    "emailProtection", "timeStamping", NULL };

static bool in_list(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(s, *list))
			return true;
	return false;
}

/* [{"algorithm": "RSA" | "ECDSA" | "Ed25519", "min_size": int}, ...] */
static int check_algorithm(json_t *o, size_t i, struct cc_err *err)
{
	json_t *alg = json_object_get(o, "algorithm"), *min = json_object_get(o, "min_size");
	const char *a = json_string_value(alg), *k;
	json_int_t n = json_integer_value(min);
	json_t *v;

	json_object_foreach (o, k, v) {
		if (strcmp(k, "algorithm") && strcmp(k, "min_size"))
			return cc_err_set(err, CC_E_INVALID,
					  "allowed_key_algorithms[%zu]: unknown key '%s'", i, k);
	}
	if (!a || (strcmp(a, "RSA") && strcmp(a, "ECDSA") && strcmp(a, "Ed25519")))
		return cc_err_set(err, CC_E_INVALID,
				  "allowed_key_algorithms[%zu]: invalid algorithm: must be RSA, "
				  "ECDSA or Ed25519",
				  i);
	if (min && !json_is_integer(min))
		return cc_err_set(err, CC_E_INVALID,
				  "allowed_key_algorithms[%zu]: min_size must be an integer", i);
	if (!strcmp(a, "RSA") && (n < 2048 || n > 16384))
		return cc_err_set(err, CC_E_INVALID,
				  "allowed_key_algorithms[%zu]: RSA min_size must be from 2048 to "
				  "16384",
				  i);
	if (!strcmp(a, "ECDSA") && (n < 256 || n > 521))
		return cc_err_set(
			err, CC_E_INVALID,
			"allowed_key_algorithms[%zu]: ECDSA min_size must be from 256 to 521", i);
	if (n < 0)
		return cc_err_set(err, CC_E_INVALID,
				  "allowed_key_algorithms[%zu]: min_size must not be negative", i);
	return 0;
}

static int check_algorithms(json_t *a, struct cc_err *err)
{
	json_t *v;
	size_t i;

	if (!json_is_array(a))
		return cc_err_set(err, CC_E_INVALID,
				  "allowed_key_algorithms: must be an array of "
				  "{\"algorithm\", \"min_size\"} objects");
	json_array_foreach (a, i, v) {
		if (!json_is_object(v))
			return cc_err_set(err, CC_E_INVALID,
					  "allowed_key_algorithms[%zu]: must be an object", i);
		if (check_algorithm(v, i, err) < 0)
			return -1;
	}
	return 0;
}

static int check_ekus(json_t *a, struct cc_err *err)
{
	json_t *v;
	size_t i;

	if (!json_is_array(a))
		return cc_err_set(err, CC_E_INVALID, "allowed_ekus: must be an array of strings");
	json_array_foreach (a, i, v) {
		if (!json_is_string(v) || !in_list(json_string_value(v), ekus))
			return cc_err_set(
				err, CC_E_INVALID,
				"allowed_ekus[%zu]: invalid EKU: must be one of serverAuth, "
				"clientAuth, codeSigning, emailProtection, timeStamping",
				i);
	}
	return 0;
}

/* each pattern must compile as a POSIX extended regular expression */
static int check_san_patterns(json_t *a, struct cc_err *err)
{
	json_t *v;
	size_t i;

	if (!json_is_array(a))
		return cc_err_set(err, CC_E_INVALID,
				  "required_san_patterns: must be an array of strings");
	json_array_foreach (a, i, v) {
		const char *p = json_string_value(v);
		regex_t re;
		if (!p || !*p || strlen(p) != json_string_length(v))
			return cc_err_set(err, CC_E_INVALID,
					  "required_san_patterns[%zu]: must be a non-empty string",
					  i);
		if (regcomp(&re, p, REG_EXTENDED | REG_NOSUB))
			return cc_err_set(
				err, CC_E_INVALID,
				"required_san_patterns[%zu]: invalid POSIX extended regular "
				"expression",
				i);
		regfree(&re);
	}
	return 0;
}

/* create: absent or empty lists get the defaults; update: only null does (the columns are
 * NOT NULL), an explicit [] is kept */
static void fill_defaults(struct cc_profile *p, bool create)
{
	if (!p->allowed_key_algorithms || (create && json_is_array(p->allowed_key_algorithms) &&
					   !json_array_size(p->allowed_key_algorithms))) {
		json_decref(p->allowed_key_algorithms);
		p->allowed_key_algorithms =
			json_pack("[{s:s, s:i}, {s:s, s:i}]", "algorithm", "ECDSA", "min_size", 256,
				  "algorithm", "RSA", "min_size", 2048);
	}
	if (!p->allowed_ekus ||
	    (create && json_is_array(p->allowed_ekus) && !json_array_size(p->allowed_ekus))) {
		json_decref(p->allowed_ekus);
		p->allowed_ekus = json_pack("[s]", "serverAuth");
	}
	if (!p->required_san_patterns)
		p->required_san_patterns = json_array();
}

static int validate(struct cc_dbc *c, void *obj, bool create, struct cc_err *err)
{
	struct cc_profile *p = obj;

	(void)c;
	if (!p->name || !*p->name)
		return cc_err_set(err, CC_E_INVALID, "name is required");
	if (strlen(p->name) > 255)
		return cc_err_set(err, CC_E_INVALID, "name must be 255 characters or fewer");
	if (p->spiffe_uri_pattern && strlen(p->spiffe_uri_pattern) > 512)
		return cc_err_set(err, CC_E_INVALID,
				  "spiffe_uri_pattern must be 512 characters or fewer");
	fill_defaults(p, create);
	if (check_algorithms(p->allowed_key_algorithms, err) < 0 ||
	    check_ekus(p->allowed_ekus, err) < 0 ||
	    check_san_patterns(p->required_san_patterns, err) < 0)
		return -1;
	if (p->max_ttl_seconds < 0)
		return cc_err_set(err, CC_E_INVALID, "max_ttl_seconds must be 0 or more");
	/* as in v2.1, max_ttl_seconds 0 (no cap) is accepted: the profile is then simply not
	 * short-lived (that takes 0 < max_ttl_seconds < 3600) */
	if (p->allow_short_lived && p->max_ttl_seconds >= SHORT_LIVED_MAX)
		return cc_err_set(err, CC_E_INVALID,
				  "allow_short_lived requires max_ttl_seconds below %d",
				  SHORT_LIVED_MAX);
	return 0;
}

/* enabled defaults to true (the generic insert writes booleans as given) */
static void defaults(void *obj)
{
	((struct cc_profile *)obj)->enabled = true;
}

static const struct api_resource profiles = {
	.e = E,
	.label = "Profile",
	.flags = RES_CLIENT_ID | RES_UNPAGED,
	.validate = validate,
	.defaults = defaults,
	.audit_create = "create_profile",
	.audit_update = "update_profile",
	.audit_delete = "delete_profile",
	.audit_resource_type = "certificate_profile",
};

API_RESOURCE_HANDLERS(profiles, &profiles);

/* certificates and renewal policies that use the profile keep existing without one
 * (ON DELETE SET NULL) */
