/* local-ca.c: the Local CA issuer (GenericCA) — config, open/close, revoke, CA certificate;
 * signing lives in local-ca-sign.c, the CA files in local-ca-store.c, CRL/OCSP in
 * local-ca-crl.c. Self-signed (persisted under the data dir) or sub-CA (key and cert files). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "connectors/issuer/local-ca.h"
#include "libcc/err.h"
#include "libcc/mem.h"
#include "libcc/banned.h"

static int str_opt(const char *key, json_t *v, const char **out, struct cc_err *err)
{
	if (json_is_null(v)) {
		*out = NULL;
		return 0;
	}
	if (!json_is_string(v))
		return cc_err_set(err, CC_E_INVALID, "Local CA config '%s' must be a string", key);
	*out = *json_string_value(v) ? json_string_value(v) : NULL; /* "" = unset */
	return 0;
}

static int parse_key(const char *key, json_t *v, struct local_ca_cfg *out, struct cc_err *err)
{
	if (!strcmp(key, "validity_days")) {
		if (!json_is_integer(v) || json_integer_value(v) < 1 ||
		    json_integer_value(v) > LOCAL_CA_MAX_DAYS)
			return cc_err_set(err, CC_E_INVALID,
					  "Local CA config 'validity_days' must be an integer "
					  "from 1 to %d",
					  LOCAL_CA_MAX_DAYS);
		out->validity_days = json_integer_value(v);
		return 0;
	}
	if (!strcmp(key, "ca_common_name")) {
		const char *cn = NULL;

		if (str_opt(key, v, &cn, err) < 0)
			return -1;
		if (cn && strlen(cn) > LOCAL_CA_CN_MAX)
			return cc_err_set(
				err, CC_E_INVALID,
				"Local CA config 'ca_common_name' is longer than %d bytes",
				LOCAL_CA_CN_MAX);
		out->common_name = cn ? cn : LOCAL_CA_DEFAULT_CN;
		return 0;
	}
	if (!strcmp(key, "ca_cert_path"))
		return str_opt(key, v, &out->cert_path, err);
	if (!strcmp(key, "ca_key_path"))
		return str_opt(key, v, &out->key_path, err);
	return cc_err_set(err, CC_E_INVALID,
			  "unknown Local CA config key '%s' (known: ca_common_name, validity_days, "
			  "ca_cert_path, ca_key_path)",
			  key);
}

int local_ca_parse_config(const json_t *config, struct local_ca_cfg *out, struct cc_err *err)
{
	const char *key;
	json_t *v;

	out->common_name = LOCAL_CA_DEFAULT_CN;
	out->validity_days = LOCAL_CA_DEFAULT_DAYS;
	out->cert_path = out->key_path = NULL;
	if (!config || json_is_null(config))
		return 0;
	if (!json_is_object(config))
		return cc_err_set(err, CC_E_INVALID, "the Local CA config must be a JSON object");
	json_object_foreach ((json_t *)config, key, v)
		if (parse_key(key, v, out, err) < 0)
			return -1;
	if (!out->cert_path != !out->key_path)
		return cc_err_set(err, CC_E_INVALID,
				  "Local CA config needs both 'ca_cert_path' and 'ca_key_path', "
				  "or neither");
	return 0;
}

static int readable(const char *key, const char *path, struct cc_err *err)
{
	if (access(path, R_OK) < 0)
		return cc_err_set(err, CC_E_INVALID, "Local CA config '%s': cannot read '%s': %s",
				  key, path, strerror(errno));
	return 0;
}

static int lca_validate_config(const json_t *config, struct cc_err *err)
{
	struct local_ca_cfg cfg;
	struct local_ca ca = { 0 };
	int rc;

	if (local_ca_parse_config(config, &cfg, err) < 0)
		return -1;
	if (!cfg.cert_path)
		return 0;
	if (readable("ca_cert_path", cfg.cert_path, err) < 0 ||
	    readable("ca_key_path", cfg.key_path, err) < 0)
		return -1;
	/* a CA certificate with a matching key, not merely two files */
	rc = local_ca_load_sub(&ca, cfg.cert_path, cfg.key_path, err);
	local_ca_release(&ca);
	return rc;
}

static void lca_close(void *state)
{
	struct local_ca *ca = state;

	if (!ca)
		return;
	local_ca_release(ca);
	pthread_mutex_destroy(&ca->lock);
	cc_csr_cache_free(ca->csrs);
	free(ca);
}

static int set(const char *s)
{
	return s && *s;
}

static int lca_open(const json_t *config, const struct cc_issuer_env *env, void **state,
		    struct cc_err *err)
{
	struct local_ca_cfg cfg;
	struct local_ca *ca;
	int rc;

	*state = NULL;
	if (local_ca_parse_config(config, &cfg, err) < 0)
		return -1;
	/* the environment's sub-CA applies when the config names none */
	if (!cfg.cert_path && env && (set(env->ca_cert_path) || set(env->ca_key_path))) {
		if (!set(env->ca_cert_path) || !set(env->ca_key_path))
			return cc_err_set(err, CC_E_CONFIG,
					  "CERTCTL_CA_CERT_PATH and CERTCTL_CA_KEY_PATH must be "
					  "set together");
		cfg.cert_path = env->ca_cert_path;
		cfg.key_path = env->ca_key_path;
	}
	ca = cc_xcalloc(1, sizeof(*ca));
	pthread_mutex_init(&ca->lock, NULL);
	ca->csrs = cc_csr_cache_new();
	ca->validity_days = cfg.validity_days;
	if (cfg.cert_path)
		rc = local_ca_load_sub(ca, cfg.cert_path, cfg.key_path, err);
	else
		rc = local_ca_load_self(ca, env, cfg.common_name, err);
	if (rc == 0)
		rc = local_ca_prepare(ca, env, err);
	if (rc < 0) {
		lca_close(ca);
		return -1;
	}
	*state = ca;
	return 0;
}

/* nothing to tell: the CRL and OCSP answers come from the database's revocation records;
 * the serial is checked so that a bad one fails here as it would at a remote CA */
static int lca_revoke(void *state, const char *serial, const char *reason, struct cc_err *err)
{
	ASN1_INTEGER *ai = local_ca_hex_serial(serial, err);

	(void)state;
	(void)reason;
	if (!ai)
		return -1;
	ASN1_INTEGER_free(ai);
	return 0;
}

static int lca_ca_pem(void *state, char **pem, struct cc_err *err)
{
	struct local_ca *ca = state;

	(void)err;
	*pem = cc_xstrdup(ca->chain_pem);
	return 0;
}

static int lca_renewal_info(void *state, const char *leaf_pem, struct cc_renewal_info *out,
			    struct cc_err *err)
{
	(void)state;
	(void)leaf_pem;
	(void)out;
	(void)err;
	return 1; /* no ARI */
}

static const char *const lca_aliases[] = { "local", "local_ca", "genericca", NULL };

const struct cc_issuer_ops cc_issuer_local_ca = {
	.name = "GenericCA",
	.aliases = lca_aliases,
	.caps = CC_ISS_CRL | CC_ISS_OCSP,
	.validate_config = lca_validate_config,
	.open = lca_open,
	.close = lca_close,
	.issue = local_ca_issue,
	.renew = local_ca_issue, /* the same for this CA: a fresh certificate for the CSR */
	.revoke = lca_revoke,
	.generate_crl = local_ca_crl,
	.sign_ocsp = local_ca_ocsp,
	.get_ca_cert_pem = lca_ca_pem,
	.get_renewal_info = lca_renewal_info,
};
