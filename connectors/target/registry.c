/* registry.c: the target connectors by type, and the find-validate-deploy entry point */
#include <ctype.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>
#include "connectors/target/common.h"
#include "connectors/target/target.h"
#include "libcc/err.h"
#include "libcc/strv.h"
#include "libcc/banned.h"

const struct cc_target_ops *const cc_target_registry[] = {
	&cc_target_nginx,   &cc_target_apache,	&cc_target_haproxy,
	&cc_target_traefik, &cc_target_caddy,	&cc_target_envoy,
	&cc_target_postfix, &cc_target_dovecot, NULL,
};

const struct cc_target_ops *cc_target_find(const char *type)
{
	for (size_t i = 0; type && cc_target_registry[i]; i++)
		if (!strcasecmp(cc_target_registry[i]->name, type))
			return cc_target_registry[i];
	return NULL;
}

static void lower(const char *s, char *out, size_t outlen)
{
	size_t n = 0;

	for (; *s && n + 1 < outlen; s++)
		out[n++] = (char)tolower((unsigned char)*s);
	out[n] = '\0';
}

/* "unknown target type 'x'", with the closest name when there is one */
static int unknown(const char *type, struct cc_err *err)
{
	const char *best = NULL;
	char a[64], b[64];
	int best_d = 3;

	for (size_t i = 0; type && cc_target_registry[i]; i++) {
		int d;

		lower(type, a, sizeof(a));
		lower(cc_target_registry[i]->name, b, sizeof(b));
		d = cc_str_distance(a, b);
		if (d < best_d) {
			best_d = d;
			best = cc_target_registry[i]->name;
		}
	}
	if (!type || !*type)
		return cc_err_set(err, CC_E_INVALID, "no target type");
	if (best)
		return cc_err_set(err, CC_E_INVALID,
				  "unknown target type '%.64s' (did you mean '%s'?)", type, best);
	return cc_err_set(err, CC_E_INVALID, "unknown target type '%.64s'", type);
}

int cc_target_deploy(const char *type, const struct cc_deploy_req *req, struct cc_deploy_res *res,
		     struct cc_err *err)
{
	const struct cc_target_ops *ops = cc_target_find(type);

	memset(res, 0, sizeof(*res));
	if (!ops)
		return unknown(type, err);
	if (ops->validate_config(req->config, err) < 0)
		return cc_err_prefix(err, "%s target", ops->name);
	if (ops->deploy(req, res, err) < 0)
		return cc_err_prefix(err, "%s target", ops->name);
	return 0;
}
