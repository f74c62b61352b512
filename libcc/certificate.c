/* certificate.c: the managed_certificates table, target mappings and status queries */
#include <stdlib.h>
#include <string.h>
#include "libcc/certificate.h"
#include "libcc/err.h"
#include "libcc/repo.h"
#include "libcc/time.h"
#include "libcc/banned.h"

static const struct cc_field fields[] = {
	CC_FIELD(struct cc_certificate, id, "id", TEXT, CC_F_PK),
	CC_FIELD(struct cc_certificate, name, "name", TEXT, 0),
	CC_FIELD(struct cc_certificate, common_name, "common_name", TEXT, 0),
	CC_FIELD(struct cc_certificate, sans, "sans", STRV, 0),
	CC_FIELD(struct cc_certificate, environment, "environment", TEXT, 0),
	CC_FIELD(struct cc_certificate, owner_id, "owner_id", TEXT, 0),
	CC_FIELD(struct cc_certificate, team_id, "team_id", TEXT, 0),
	CC_FIELD(struct cc_certificate, issuer_id, "issuer_id", TEXT, 0),
	CC_FIELD_AS(struct cc_certificate, target_ids, NULL, "target_ids", STRV, CC_F_NOCOL),
	CC_FIELD(struct cc_certificate, renewal_policy_id, "renewal_policy_id", TEXT, 0),
	CC_FIELD(struct cc_certificate, certificate_profile_id, "certificate_profile_id", TEXT,
		 CC_F_OMIT),
	CC_FIELD(struct cc_certificate, status, "status", TEXT, 0),
	CC_FIELD(struct cc_certificate, expires_at, "expires_at", TIME, 0),
	CC_FIELD(struct cc_certificate, tags, "tags", JSON, 0),
	CC_FIELD(struct cc_certificate, last_renewal_at, "last_renewal_at", TIME,
		 CC_F_OMIT | CC_F_RO),
	CC_FIELD(struct cc_certificate, last_deployment_at, "last_deployment_at", TIME,
		 CC_F_OMIT | CC_F_RO),
	CC_FIELD(struct cc_certificate, revoked_at, "revoked_at", TIME, CC_F_OMIT | CC_F_RO),
	CC_FIELD(struct cc_certificate, revocation_reason, "revocation_reason", TEXT,
		 CC_F_OMIT | CC_F_RO),
	CC_FIELD(struct cc_certificate, created_at, "created_at", TIME, CC_F_RO | CC_F_CREATED),
	CC_FIELD(struct cc_certificate, updated_at, "updated_at", TIME, CC_F_RO | CC_F_UPDATED),
};

static const struct cc_filter filters[] = {
	{ "status", "status = $?", CC_FT_TEXT },
	{ "environment", "environment = $?", CC_FT_TEXT },
	{ "owner_id", "owner_id = $?", CC_FT_TEXT },
	{ "team_id", "team_id = $?", CC_FT_TEXT },
	{ "issuer_id", "issuer_id = $?", CC_FT_TEXT },
	{ "profile_id", "certificate_profile_id = $?", CC_FT_TEXT },
	{ "agent_id",
	  "id IN (SELECT m.certificate_id FROM certificate_target_mappings m "
	  "JOIN deployment_targets t ON t.id = m.target_id WHERE t.agent_id = $?)",
	  CC_FT_TEXT },
	{ "expires_before", "expires_at < $?", CC_FT_TIME },
	{ "expires_after", "expires_at > $?", CC_FT_TIME },
	{ "created_after", "created_at > $?", CC_FT_TIME },
	{ "updated_after", "updated_at > $?", CC_FT_TIME },
	{ NULL, NULL, 0 },
};

const struct cc_entity cc_certificate_entity = {
	.name = "certificate",
	.table = "managed_certificates",
	.id_prefix = "cert",
	.size = sizeof(struct cc_certificate),
	.fields = fields,
	.nfields = sizeof(fields) / sizeof(fields[0]),
	.default_sort = "created_at",
	.default_desc = false, /* oldest first, as v2.1 */
	.filters = filters,
};

static const char sql_unmap[] = "DELETE FROM certificate_target_mappings WHERE certificate_id = $1";
/* ON CONFLICT DO NOTHING: both engines; a repeated target id maps once */
static const char sql_map[] =
	"INSERT INTO certificate_target_mappings (certificate_id, target_id) VALUES ($1, $2) "
	"ON CONFLICT DO NOTHING";
static const char sql_targets[] =
	"SELECT target_id FROM certificate_target_mappings WHERE certificate_id = $1";
static const char sql_set_status[] =
	"UPDATE managed_certificates SET status = $2, updated_at = $3 WHERE id = $1";
static const char sql_count_status[] =
	"SELECT status, COUNT(*) FROM managed_certificates GROUP BY status";

int cc_certificate_set_targets(struct cc_dbc *c, const char *cert_id,
			       const struct cc_strv *target_ids, struct cc_err *err)
{
	bool found;

	if (cc_repo_exists(c, &cc_certificate_entity, cert_id, &found, err) < 0)
		return -1;
	if (!found)
		return cc_err_set(err, CC_E_NOT_FOUND, "certificate '%s' not found", cert_id);
	if (cc_db_exec(c, sql_unmap, CC_DB_ARGS(CC_DB_TEXT(cert_id)), NULL, err) < 0)
		return -1;
	for (size_t i = 0; target_ids && i < target_ids->n; i++) {
		if (cc_db_exec(c, sql_map,
			       CC_DB_ARGS(CC_DB_TEXT(cert_id), CC_DB_TEXT(target_ids->v[i])), NULL,
			       err) < 0)
			return cc_err_prefix(err, "target '%s'", target_ids->v[i]);
	}
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int cc_certificate_load_targets(struct cc_dbc *c, struct cc_certificate *cert, struct cc_err *err)
{
	struct cc_dbres r = CC_DBRES_INIT;

	if (cc_db_exec(c, sql_targets, CC_DB_ARGS(CC_DB_TEXT(cert->id)), &r, err) < 0) {
		cc_dbres_release(&r);
		return -1;
	}
	cc_strv_release(&cert->target_ids);
	for (int i = 0; i < r.nrows; i++)
		cc_strv_push(&cert->target_ids, cc_dbres_str(&r, i, 0));
	/* sorted here, not by ORDER BY: PostgreSQL collations differ from byte order */
	if (cert->target_ids.n > 1)
		qsort(cert->target_ids.v, cert->target_ids.n, sizeof(char *), cmp_str);
	cc_dbres_release(&r);
	return 0;
}

int cc_certificate_set_status(struct cc_dbc *c, const char *id, const char *status,
			      struct cc_err *err)
{
	struct cc_dbres r = CC_DBRES_INIT;
	int rc = -1;

	if (cc_db_exec(c, sql_set_status,
		       CC_DB_ARGS(CC_DB_TEXT(id), CC_DB_TEXT(status), CC_DB_TIME(cc_time_now())),
		       &r, err) < 0)
		goto out;
	if (!r.changes) {
		cc_err_set(err, CC_E_NOT_FOUND, "certificate '%s' not found", id);
		goto out;
	}
	rc = 0;
out:
	cc_dbres_release(&r);
	return rc;
}

int cc_certificate_count_by_status(struct cc_dbc *c, json_t **out, struct cc_err *err)
{
	struct cc_dbres r = CC_DBRES_INIT;
	json_t *o;

	*out = NULL;
	if (cc_db_exec(c, sql_count_status, NULL, 0, &r, err) < 0) {
		cc_dbres_release(&r);
		return -1;
	}
	o = json_object();
	for (int i = 0; i < r.nrows; i++)
		json_object_set_new(o, cc_dbres_str(&r, i, 0),
				    json_integer(cc_dbres_int(&r, i, 1)));
	cc_dbres_release(&r);
	*out = o;
	return 0;
}
