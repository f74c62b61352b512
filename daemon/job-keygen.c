/* job-keygen.c: server keygen — a job's key, request and certificate, then their record */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <openssl/crypto.h>
#include "daemon/job-keygen.h"
#include "libcc/certificate.h"
#include "libcc/db.h"
#include "libcc/err.h"
#include "libcc/job.h"
#include "libcc/profile.h"
#include "libcc/repo.h"
#include "libcc/banned.h"

/* the key the profile prefers: its first rule, else ECDSA P-256 */
static const char *key_type_for(struct cc_dbc *c, const struct cc_certificate *m, int *bits)
{
	struct cc_err err = CC_ERR_INIT;
	struct cc_profile p = { 0 };
	const char *type = "ECDSA-P256";
	json_t *rule;

	*bits = 256;
	if (m->certificate_profile_id && *m->certificate_profile_id &&
	    cc_repo_get(c, &cc_profile_entity, m->certificate_profile_id, &p, &err) == 0 &&
	    (rule = json_array_get(p.allowed_key_algorithms, 0))) {
		const char *alg = json_string_value(json_object_get(rule, "algorithm"));
		json_int_t min = json_integer_value(json_object_get(rule, "min_size"));

		if (alg && !strcasecmp(alg, "RSA")) {
			*bits = min > 3072 ? 4096 : min > 2048 ? 3072 : 2048;
			type = *bits == 4096 ? "RSA-4096" : *bits == 3072 ? "RSA-3072" : "RSA-2048";
		} else if (alg && !strcasecmp(alg, "ECDSA") && min > 256) {
			*bits = 384;
			type = "ECDSA-P384";
		} else if (alg && !strcasecmp(alg, "Ed25519")) {
			*bits = 256;
			type = "Ed25519";
		}
	}
	cc_obj_release(&cc_profile_entity, &p);
	return type;
}

int api_keygen_sign(struct api_app *app, struct cc_dbc *c, const struct cc_certificate *m,
		    const struct cc_job *j, struct api_keygen *kg, struct cc_err *err)
{
	int bits;
	const char *type = key_type_for(c, m, &bits);

	memset(kg, 0, sizeof(*kg));
	kg->m = m;
	/* the issuer takes the request as made: not parsed and verified a second time */
	if (cc_csr_generate_own(type, m->common_name, (const char *const *)m->sans.v, m->sans.n,
				&kg->key_pem, &kg->csr_pem, &kg->csr, &kg->facts, err) < 0)
		return -1;
	kg->in = (struct api_issuance){
		.actor = "system",
		.actor_type = "System",
		.job_id = j->id, /* lent by the caller's job, like m */
		.csr_pem = kg->csr_pem,
		.csr = kg->csr,
		.csr_key = &kg->facts,
		.key_pem = kg->key_pem,
		.key_algorithm = !strncmp(type, "RSA", 3)     ? "RSA"
				 : !strncmp(type, "ECDSA", 5) ? "ECDSA"
							      : "Ed25519",
		.key_size = bits,
	};
	return api_issue_sign(app, c, m, &kg->in, &kg->sg, &kg->out, err);
}

int api_keygen_record(struct api_app *app, struct cc_dbc *c, struct api_keygen *kg,
		      struct cc_err *err)
{
	return api_issue_record(app, c, kg->m, &kg->in, &kg->sg, &kg->out, err);
}

void api_keygen_release(struct api_keygen *kg)
{
	if (kg->key_pem)
		OPENSSL_cleanse(kg->key_pem, strlen(kg->key_pem));
	free(kg->key_pem);
	free(kg->csr_pem);
	cc_csr_free(kg->csr);
	api_signed_release(&kg->sg);
	memset(kg, 0, sizeof(*kg));
}
