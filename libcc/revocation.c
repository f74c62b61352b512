/* revocation.c: the certificate_revocations table, its JSON keys and serial look-ups */
#include <stdlib.h>
#include <string.h>
#include "libcc/revocation.h"
#include "libcc/buf.h"
#include "libcc/err.h"
#include "libcc/id.h"
#include "libcc/mem.h"
#include "libcc/repo.h"
#include "libcc/time.h"
#include "libcc/banned.h"

static const struct cc_field fields[] = {
	CC_FIELD(struct cc_revocation, id, "id", TEXT, CC_F_PK),
	CC_FIELD(struct cc_revocation, certificate_id, "certificate_id", TEXT, 0),
	CC_FIELD(struct cc_revocation, serial_number, "serial_number", TEXT, 0),
	CC_FIELD(struct cc_revocation, reason, "reason", TEXT, 0),
	CC_FIELD(struct cc_revocation, revoked_by, "revoked_by", TEXT, 0),
	CC_FIELD(struct cc_revocation, revoked_at, "revoked_at", TIME, CC_F_RO | CC_F_CREATED),
	CC_FIELD(struct cc_revocation, issuer_id, "issuer_id", TEXT, 0),
	CC_FIELD(struct cc_revocation, issuer_notified, "issuer_notified", BOOL, CC_F_RO),
	CC_FIELD(struct cc_revocation, created_at, "created_at", TIME, CC_F_RO | CC_F_CREATED),
};

static const struct cc_filter filters[] = {
	{ "certificate_id", "certificate_id = $?", CC_FT_TEXT },
	{ "issuer_id", "issuer_id = $?", CC_FT_TEXT },
	{ "serial_number", "serial_number = $?", CC_FT_TEXT },
	{ "revoked_after", "revoked_at > $?", CC_FT_TIME },
	{ NULL, NULL, 0 },
};

const struct cc_entity cc_revocation_entity = {
	.name = "revocation",
	.table = "certificate_revocations",
	.id_prefix = "rev",
	.size = sizeof(struct cc_revocation),
	.fields = fields,
	.nfields = sizeof(fields) / sizeof(fields[0]),
	.default_sort = "revoked_at",
	.default_desc = false,
	.filters = filters,
};

static const struct {
	const char *name;
	int code;
} reasons[] = {
	{ "unspecified", 0 },	     { "keyCompromise", 1 },	  { "caCompromise", 2 },
	{ "affiliationChanged", 3 }, { "superseded", 4 },	  { "cessationOfOperation", 5 },
	{ "certificateHold", 6 },    { "privilegeWithdrawn", 9 },
};

int cc_revocation_reason_code(const char *name)
{
	for (size_t i = 0; name && i < sizeof(reasons) / sizeof(reasons[0]); i++)
		if (!strcmp(reasons[i].name, name))
			return reasons[i].code;
	return -1;
}

const char *cc_revocation_reason_name(int code)
{
	for (size_t i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
		if (reasons[i].code == code)
			return reasons[i].name;
	return NULL;
}

/* a serial seen before keeps its first record; RETURNING then yields no row */
static const char sql_record[] =
	"INSERT INTO certificate_revocations (id, certificate_id, serial_number, reason, "
	"revoked_by, revoked_at, issuer_id, issuer_notified, created_at) "
	"VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) "
	"ON CONFLICT (serial_number) DO NOTHING RETURNING ";

static const char sql_set_notified[] =
	"UPDATE certificate_revocations SET issuer_notified = $2 WHERE serial_number = $1";

int cc_revocation_record(struct cc_dbc *c, struct cc_revocation *r, bool *inserted,
			 struct cc_err *err)
{
	struct cc_buf sql = CC_BUF_INIT;
	struct cc_dbres res = CC_DBRES_INIT;
	int64_t now = cc_time_now();
	int rc = -1;

	*inserted = false;
	if (!r->id || !*r->id) {
		free(r->id);
		r->id = cc_id_new(cc_revocation_entity.id_prefix);
	}
	if (!r->reason)
		r->reason = cc_xstrdup("unspecified");
	if (!r->revoked_at)
		r->revoked_at = now;
	if (!r->created_at)
		r->created_at = now;
	cc_buf_adds(&sql, sql_record);
	cc_repo_columns(&cc_revocation_entity, NULL, &sql);
	if (cc_db_exec(c, sql.buf,
		       CC_DB_ARGS(CC_DB_TEXT(r->id), CC_DB_TEXT(r->certificate_id),
				  CC_DB_TEXT(r->serial_number), CC_DB_TEXT(r->reason),
				  CC_DB_TEXT(r->revoked_by), CC_DB_TIME(r->revoked_at),
				  CC_DB_TEXT(r->issuer_id), CC_DB_BOOL(r->issuer_notified),
				  CC_DB_TIME(r->created_at)),
		       &res, err) < 0)
		goto out;
	if (res.nrows) {
		cc_repo_row(&cc_revocation_entity, &res, 0, 0, r);
		*inserted = true;
		rc = 0;
		goto out;
	}
	rc = cc_revocation_by_serial(c, r->serial_number, r, err);
out:
	cc_dbres_release(&res);
	cc_buf_release(&sql);
	return rc;
}

int cc_revocation_set_notified(struct cc_dbc *c, const char *serial, struct cc_err *err)
{
	struct cc_dbres r = CC_DBRES_INIT;
	int rc;

	rc = cc_db_exec(c, sql_set_notified, CC_DB_ARGS(CC_DB_TEXT(serial), CC_DB_BOOL(true)), &r,
			err);
	if (rc == 0 && !r.changes)
		rc = cc_err_set(err, CC_E_NOT_FOUND, "revocation of serial '%s' not found", serial);
	cc_dbres_release(&r);
	return rc;
}

int cc_revocation_by_serial(struct cc_dbc *c, const char *serial, struct cc_revocation *out,
			    struct cc_err *err)
{
	int rc;

	rc = cc_repo_select_one(c, &cc_revocation_entity, "WHERE serial_number = $1",
				CC_DB_ARGS(CC_DB_TEXT(serial)), out, err);
	if (rc < 0 && err && err->code == CC_E_NOT_FOUND)
		cc_err_set(err, CC_E_NOT_FOUND, "revocation of serial '%s' not found", serial);
	return rc;
}
