/* cert-version.c: the certificate_versions table, its JSON keys and lookups */
#include "libcc/cert-version.h"
#include "libcc/err.h"
#include "libcc/repo.h"
#include "libcc/banned.h"

static const struct cc_field fields[] = {
	CC_FIELD(struct cc_cert_version, id, "id", TEXT, CC_F_PK),
	CC_FIELD(struct cc_cert_version, certificate_id, "certificate_id", TEXT, 0),
	CC_FIELD(struct cc_cert_version, serial_number, "serial_number", TEXT, 0),
	CC_FIELD(struct cc_cert_version, not_before, "not_before", TIME, 0),
	CC_FIELD(struct cc_cert_version, not_after, "not_after", TIME, 0),
	CC_FIELD(struct cc_cert_version, fingerprint_sha256, "fingerprint_sha256", TEXT, 0),
	CC_FIELD(struct cc_cert_version, pem_chain, "pem_chain", TEXT, 0),
	CC_FIELD(struct cc_cert_version, csr_pem, "csr_pem", TEXT, 0),
	CC_FIELD(struct cc_cert_version, key_algorithm, "key_algorithm", TEXT, CC_F_OMIT),
	CC_FIELD(struct cc_cert_version, key_size, "key_size", INT, CC_F_OMIT),
	CC_FIELD(struct cc_cert_version, created_at, "created_at", TIME, CC_F_RO | CC_F_CREATED),
};

static const struct cc_filter filters[] = {
	{ "certificate_id", "certificate_id = $?", CC_FT_TEXT },
	{ NULL, NULL, 0 },
};

const struct cc_entity cc_cert_version_entity = {
	.name = "certificate version",
	.table = "certificate_versions",
	.id_prefix = "certver",
	.size = sizeof(struct cc_cert_version),
	.fields = fields,
	.nfields = sizeof(fields) / sizeof(fields[0]),
	.default_sort = "created_at",
	.default_desc = true,
	.filters = filters,
};

static const char tail_latest[] =
	"WHERE certificate_id = $1 ORDER BY created_at DESC, id DESC LIMIT 1";
static const char tail_fingerprint[] = "WHERE fingerprint_sha256 = $1";

int cc_cert_version_latest(struct cc_dbc *c, const char *cert_id, struct cc_cert_version *out,
			   struct cc_err *err)
{
	if (cc_repo_select_one(c, &cc_cert_version_entity, tail_latest,
			       CC_DB_ARGS(CC_DB_TEXT(cert_id)), out, err) == 0)
		return 0;
	if (err && err->code == CC_E_NOT_FOUND)
		cc_err_set(err, CC_E_NOT_FOUND, "certificate '%s' has no version", cert_id);
	return -1;
}

int cc_cert_version_by_fingerprint(struct cc_dbc *c, const char *fp, struct cc_cert_version *out,
				   struct cc_err *err)
{
	if (cc_repo_select_one(c, &cc_cert_version_entity, tail_fingerprint,
			       CC_DB_ARGS(CC_DB_TEXT(fp)), out, err) == 0)
		return 0;
	if (err && err->code == CC_E_NOT_FOUND)
		cc_err_set(err, CC_E_NOT_FOUND, "no certificate version with fingerprint '%s'", fp);
	return -1;
}
