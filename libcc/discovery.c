/* discovery.c: the discovery_scans and discovered_certificates tables, upsert and triage */
#include <stdlib.h>
#include "libcc/discovery.h"
#include "libcc/buf.h"
#include "libcc/err.h"
#include "libcc/id.h"
#include "libcc/mem.h"
#include "libcc/repo.h"
#include "libcc/time.h"
#include "libcc/banned.h"

static const struct cc_field scan_fields[] = {
	CC_FIELD(struct cc_discovery_scan, id, "id", TEXT, CC_F_PK),
	CC_FIELD(struct cc_discovery_scan, agent_id, "agent_id", TEXT, 0),
	CC_FIELD(struct cc_discovery_scan, directories, "directories", STRV, 0),
	CC_FIELD(struct cc_discovery_scan, certificates_found, "certificates_found", INT, 0),
	CC_FIELD(struct cc_discovery_scan, certificates_new, "certificates_new", INT, 0),
	CC_FIELD(struct cc_discovery_scan, errors_count, "errors_count", INT, 0),
	CC_FIELD(struct cc_discovery_scan, scan_duration_ms, "scan_duration_ms", INT, 0),
	CC_FIELD(struct cc_discovery_scan, started_at, "started_at", TIME, CC_F_RO | CC_F_CREATED),
	CC_FIELD(struct cc_discovery_scan, completed_at, "completed_at", TIME, CC_F_OMIT | CC_F_RO),
};

static const struct cc_filter scan_filters[] = {
	{ "agent_id", "agent_id = $?", CC_FT_TEXT },
	{ NULL, NULL, 0 },
};

const struct cc_entity cc_discovery_scan_entity = {
	.name = "discovery scan",
	.table = "discovery_scans",
	.id_prefix = "dscan",
	.size = sizeof(struct cc_discovery_scan),
	.fields = scan_fields,
	.nfields = sizeof(scan_fields) / sizeof(scan_fields[0]),
	.default_sort = "started_at",
	.default_desc = true,
	.filters = scan_filters,
};

static const struct cc_field cert_fields[] = {
	CC_FIELD(struct cc_discovered_cert, id, "id", TEXT, CC_F_PK),
	CC_FIELD(struct cc_discovered_cert, fingerprint_sha256, "fingerprint_sha256", TEXT, 0),
	CC_FIELD(struct cc_discovered_cert, common_name, "common_name", TEXT, 0),
	CC_FIELD(struct cc_discovered_cert, sans, "sans", STRV, 0),
	CC_FIELD(struct cc_discovered_cert, serial_number, "serial_number", TEXT, 0),
	CC_FIELD(struct cc_discovered_cert, issuer_dn, "issuer_dn", TEXT, 0),
	CC_FIELD(struct cc_discovered_cert, subject_dn, "subject_dn", TEXT, 0),
	CC_FIELD(struct cc_discovered_cert, not_before, "not_before", TIME, CC_F_OMIT),
	CC_FIELD(struct cc_discovered_cert, not_after, "not_after", TIME, CC_F_OMIT),
	CC_FIELD(struct cc_discovered_cert, key_algorithm, "key_algorithm", TEXT, 0),
	CC_FIELD(struct cc_discovered_cert, key_size, "key_size", INT, 0),
	CC_FIELD(struct cc_discovered_cert, is_ca, "is_ca", BOOL, 0),
	CC_FIELD(struct cc_discovered_cert, pem_data, "pem_data", TEXT, CC_F_OMIT),
	CC_FIELD(struct cc_discovered_cert, source_path, "source_path", TEXT, 0),
	CC_FIELD(struct cc_discovered_cert, source_format, "source_format", TEXT, 0),
	CC_FIELD(struct cc_discovered_cert, agent_id, "agent_id", TEXT, 0),
	CC_FIELD(struct cc_discovered_cert, discovery_scan_id, "discovery_scan_id", TEXT,
		 CC_F_OMIT),
	CC_FIELD(struct cc_discovered_cert, managed_certificate_id, "managed_certificate_id", TEXT,
		 CC_F_OMIT | CC_F_RO),
	CC_FIELD(struct cc_discovered_cert, status, "status", TEXT, CC_F_RO),
	CC_FIELD(struct cc_discovered_cert, first_seen_at, "first_seen_at", TIME,
		 CC_F_RO | CC_F_CREATED),
	CC_FIELD(struct cc_discovered_cert, last_seen_at, "last_seen_at", TIME, CC_F_RO),
	CC_FIELD(struct cc_discovered_cert, dismissed_at, "dismissed_at", TIME,
		 CC_F_OMIT | CC_F_RO),
	CC_FIELD(struct cc_discovered_cert, created_at, "created_at", TIME, CC_F_RO | CC_F_CREATED),
	CC_FIELD(struct cc_discovered_cert, updated_at, "updated_at", TIME, CC_F_RO | CC_F_UPDATED),
};

static const struct cc_filter cert_filters[] = {
	{ "agent_id", "agent_id = $?", CC_FT_TEXT },
	{ "status", "status = $?", CC_FT_TEXT },
	{ "fingerprint", "fingerprint_sha256 = $?", CC_FT_TEXT },
	{ NULL, NULL, 0 },
};

const struct cc_entity cc_discovered_cert_entity = {
	.name = "discovered certificate",
	.table = "discovered_certificates",
	.id_prefix = "dcert",
	.size = sizeof(struct cc_discovered_cert),
	.fields = cert_fields,
	.nfields = sizeof(cert_fields) / sizeof(cert_fields[0]),
	.default_sort = "last_seen_at",
	.default_desc = true,
	.filters = cert_filters,
};

/* unset (NULL) text takes the column default; the key is (fingerprint, agent, path) */
static const char sql_insert_new[] =
	"INSERT INTO discovered_certificates (id, fingerprint_sha256, common_name, sans, "
	"serial_number, issuer_dn, subject_dn, not_before, not_after, key_algorithm, key_size, "
	"is_ca, pem_data, source_path, source_format, agent_id, discovery_scan_id, status, "
	"first_seen_at, last_seen_at, created_at, updated_at) "
	"VALUES ($1, $2, COALESCE($3, ''), $4, COALESCE($5, ''), COALESCE($6, ''), "
	"COALESCE($7, ''), $8, $9, COALESCE($10, ''), $11, $12, COALESCE($13, ''), "
	"COALESCE($14, ''), COALESCE($15, 'PEM'), $16, $17, 'Unmanaged', $18, $18, $18, $18) "
	"ON CONFLICT (fingerprint_sha256, agent_id, source_path) DO NOTHING RETURNING ";

static const char sql_touch_seen[] =
	"UPDATE discovered_certificates SET last_seen_at = $4, discovery_scan_id = $5, "
	"updated_at = $4 "
	"WHERE fingerprint_sha256 = $1 AND agent_id = $2 AND source_path = COALESCE($3, '') "
	"RETURNING ";

static const char sql_summary[] =
	"SELECT status, COUNT(*) FROM discovered_certificates GROUP BY status ORDER BY status";

static const char sql_claim[] =
	"UPDATE discovered_certificates SET status = 'Managed', managed_certificate_id = $2, "
	"updated_at = $3 WHERE id = $1";

static const char sql_dismiss[] =
	"UPDATE discovered_certificates SET status = 'Dismissed', dismissed_at = $2, "
	"updated_at = $2 WHERE id = $1";

static int insert_new(struct cc_dbc *c, struct cc_discovered_cert *d, int64_t now,
		      struct cc_dbres *res, struct cc_err *err)
{
	const struct cc_dbarg args[] = {
		CC_DB_TEXT(d->id),
		CC_DB_TEXT(d->fingerprint_sha256),
		CC_DB_TEXT(d->common_name),
		CC_DB_STRV(&d->sans),
		CC_DB_TEXT(d->serial_number),
		CC_DB_TEXT(d->issuer_dn),
		CC_DB_TEXT(d->subject_dn),
		CC_DB_TIME(d->not_before),
		CC_DB_TIME(d->not_after),
		CC_DB_TEXT(d->key_algorithm),
		CC_DB_INT(d->key_size),
		CC_DB_BOOL(d->is_ca),
		CC_DB_TEXT(d->pem_data),
		CC_DB_TEXT(d->source_path),
		CC_DB_TEXT(d->source_format),
		CC_DB_TEXT(d->agent_id),
		CC_DB_TEXT(d->discovery_scan_id),
		CC_DB_TIME(now),
	};
	struct cc_buf sql = CC_BUF_INIT;
	int rc;

	cc_buf_adds(&sql, sql_insert_new);
	cc_repo_columns(&cc_discovered_cert_entity, NULL, &sql);
	rc = cc_db_exec(c, sql.buf, args, (int)CC_ARRAY_SIZE(args), res, err);
	cc_buf_release(&sql);
	return rc;
}

static int touch_seen(struct cc_dbc *c, struct cc_discovered_cert *d, int64_t now,
		      struct cc_dbres *res, struct cc_err *err)
{
	struct cc_buf sql = CC_BUF_INIT;
	int rc;

	cc_buf_adds(&sql, sql_touch_seen);
	cc_repo_columns(&cc_discovered_cert_entity, NULL, &sql);
	rc = cc_db_exec(c, sql.buf,
			CC_DB_ARGS(CC_DB_TEXT(d->fingerprint_sha256), CC_DB_TEXT(d->agent_id),
				   CC_DB_TEXT(d->source_path), CC_DB_TIME(now),
				   CC_DB_TEXT(d->discovery_scan_id)),
			res, err);
	cc_buf_release(&sql);
	return rc;
}

int cc_discovered_upsert(struct cc_dbc *c, struct cc_discovered_cert *d, bool *inserted,
			 struct cc_err *err)
{
	struct cc_dbres res = CC_DBRES_INIT;
	int64_t now = cc_time_now();
	int rc = -1;

	*inserted = false;
	if (!d->id || !*d->id) {
		free(d->id);
		d->id = cc_id_new(cc_discovered_cert_entity.id_prefix);
	}
	if (insert_new(c, d, now, &res, err) < 0)
		goto out;
	if (res.nrows) {
		*inserted = true;
	} else {
		cc_dbres_release(&res);
		if (touch_seen(c, d, now, &res, err) < 0)
			goto out;
		/* the row that blocked the insert was deleted meanwhile */
		if (!res.nrows) {
			cc_err_set(err, CC_E_RETRY, "discovered certificate '%s' changed meanwhile",
				   d->fingerprint_sha256);
			goto out;
		}
	}
	cc_repo_row(&cc_discovered_cert_entity, &res, 0, 0, d);
	rc = 0;
out:
	cc_dbres_release(&res);
	return rc;
}

int cc_discovered_summary(struct cc_dbc *c, json_t **out, struct cc_err *err)
{
	struct cc_dbres r = CC_DBRES_INIT;

	*out = NULL;
	if (cc_db_exec(c, sql_summary, NULL, 0, &r, err) < 0) {
		cc_dbres_release(&r);
		return -1;
	}
	*out = json_object();
	for (int i = 0; i < r.nrows; i++) {
		const char *status = cc_dbres_str(&r, i, 0);
		json_object_set_new(*out, status ? status : "",
				    json_integer(cc_dbres_int(&r, i, 1)));
	}
	cc_dbres_release(&r);
	return 0;
}

/* runs an UPDATE by id; CC_E_NOT_FOUND when it touched nothing */
static int update_one(struct cc_dbc *c, const char *sql, const struct cc_dbarg *args, int nargs,
		      const char *id, struct cc_err *err)
{
	struct cc_dbres r = CC_DBRES_INIT;
	int rc;

	rc = cc_db_exec(c, sql, args, nargs, &r, err);
	if (rc == 0 && !r.changes)
		rc = cc_err_set(err, CC_E_NOT_FOUND, "discovered certificate '%s' not found", id);
	cc_dbres_release(&r);
	return rc;
}

int cc_discovered_claim(struct cc_dbc *c, const char *id, const char *managed_cert_id,
			struct cc_err *err)
{
	int64_t now = cc_time_now();

	return update_one(c, sql_claim,
			  CC_DB_ARGS(CC_DB_TEXT(id), CC_DB_TEXT(managed_cert_id), CC_DB_TIME(now)),
			  id, err);
}

int cc_discovered_dismiss(struct cc_dbc *c, const char *id, struct cc_err *err)
{
	int64_t now = cc_time_now();

	return update_one(c, sql_dismiss, CC_DB_ARGS(CC_DB_TEXT(id), CC_DB_TIME(now)), id, err);
}
