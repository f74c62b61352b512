/* registry.c: the issuer connector table, lookup by type, and the thread-safe wrappers every
 * caller uses (an op a connector lacks is CC_E_UNSUPPORTED) */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "connectors/issuer/issuer.h"
#include "libcc/err.h"
#include "libcc/mem.h"
#include "libcc/strv.h"
#include "libcc/banned.h"

extern const struct cc_issuer_ops cc_issuer_local_ca;

const struct cc_issuer_ops *const cc_issuer_registry[] = {
	&cc_issuer_local_ca,
	NULL,
};

struct cc_issuer_conn {
	const struct cc_issuer_ops *ops;
	void *state;
};

const struct cc_issuer_ops *cc_issuer_find(const char *type)
{
	if (!type)
		return NULL;
	for (size_t i = 0; cc_issuer_registry[i]; i++) {
		const struct cc_issuer_ops *o = cc_issuer_registry[i];

		if (!strcasecmp(o->name, type))
			return o;
		for (size_t k = 0; o->aliases && o->aliases[k]; k++)
			if (!strcasecmp(o->aliases[k], type))
				return o;
	}
	return NULL;
}

/* "unknown issuer type 'x'", with the closest name when one is near */
static int unknown_type(const char *type, struct cc_err *err)
{
	const char *best = NULL;
	int best_d = 3;

	for (size_t i = 0; type && cc_issuer_registry[i]; i++) {
		int d = cc_str_distance(type, cc_issuer_registry[i]->name);

		if (d < best_d) {
			best_d = d;
			best = cc_issuer_registry[i]->name;
		}
	}
	if (best)
		return cc_err_set(err, CC_E_INVALID,
				  "unknown issuer type '%s' (did you mean '%s'?)", type, best);
	return cc_err_set(err, CC_E_INVALID, "unknown issuer type '%s'", type ? type : "");
}

int cc_issuer_open(const char *type, const json_t *config, const struct cc_issuer_env *env,
		   struct cc_issuer_conn **out, struct cc_err *err)
{
	const struct cc_issuer_ops *ops = cc_issuer_find(type);
	void *state = NULL;

	*out = NULL;
	if (!ops)
		return unknown_type(type, err);
	if (ops->open && ops->open(config, env, &state, err) < 0)
		return -1;
	*out = cc_xcalloc(1, sizeof(**out));
	(*out)->ops = ops;
	(*out)->state = state;
	return 0;
}

void cc_issuer_close(struct cc_issuer_conn *iss)
{
	if (!iss)
		return;
	if (iss->ops->close)
		iss->ops->close(iss->state);
	free(iss);
}

const struct cc_issuer_ops *cc_issuer_ops_of(const struct cc_issuer_conn *iss)
{
	return iss ? iss->ops : NULL;
}

static int unsupported(const struct cc_issuer_conn *iss, const char *what, struct cc_err *err)
{
	return cc_err_set(err, CC_E_UNSUPPORTED, "issuer type '%s' does not support %s",
			  iss->ops->name, what);
}

int cc_issuer_issue(struct cc_issuer_conn *iss, const struct cc_issue_req *req,
		    struct cc_issue_res *res, struct cc_err *err)
{
	memset(res, 0, sizeof(*res));
	if (!iss->ops->issue)
		return unsupported(iss, "issuing", err);
	return iss->ops->issue(iss->state, req, res, err);
}

int cc_issuer_renew(struct cc_issuer_conn *iss, const struct cc_issue_req *req,
		    struct cc_issue_res *res, struct cc_err *err)
{
	memset(res, 0, sizeof(*res));
	if (!iss->ops->renew)
		return unsupported(iss, "renewal", err);
	return iss->ops->renew(iss->state, req, res, err);
}

int cc_issuer_revoke(struct cc_issuer_conn *iss, const char *serial, const char *reason,
		     struct cc_err *err)
{
	if (!iss->ops->revoke)
		return unsupported(iss, "revocation", err);
	return iss->ops->revoke(iss->state, serial, reason, err);
}

int cc_issuer_generate_crl(struct cc_issuer_conn *iss, const struct cc_crl_entry *entries, size_t n,
			   int64_t now, int64_t number, struct cc_buf *der, struct cc_err *err)
{
	if (!iss->ops->generate_crl)
		return unsupported(iss, "CRLs", err);
	return iss->ops->generate_crl(iss->state, entries, n, now, number, der, err);
}

int cc_issuer_sign_ocsp(struct cc_issuer_conn *iss, const unsigned char *request,
			size_t request_len, const struct cc_ocsp_query *q, struct cc_buf *der,
			struct cc_err *err)
{
	if (!iss->ops->sign_ocsp)
		return unsupported(iss, "OCSP", err);
	return iss->ops->sign_ocsp(iss->state, request, request_len, q, der, err);
}

int cc_issuer_ca_pem(struct cc_issuer_conn *iss, char **pem, struct cc_err *err)
{
	*pem = NULL;
	if (!iss->ops->get_ca_cert_pem)
		return unsupported(iss, "CA certificate retrieval", err);
	return iss->ops->get_ca_cert_pem(iss->state, pem, err);
}

void cc_issue_res_release(struct cc_issue_res *res)
{
	if (!res)
		return;
	free(res->cert_pem);
	free(res->chain_pem);
	free(res->serial);
	free(res->order_id);
	memset(res, 0, sizeof(*res));
}
