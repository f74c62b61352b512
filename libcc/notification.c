/* notification.c: the notification_events table, marker look-up and delivery outcomes */
#include "libcc/notification.h"
#include "libcc/err.h"
#include "libcc/banned.h"

static const struct cc_field fields[] = {
	CC_FIELD(struct cc_notification, id, "id", TEXT, CC_F_PK),
	CC_FIELD(struct cc_notification, type, "type", TEXT, 0),
	CC_FIELD(struct cc_notification, certificate_id, "certificate_id", TEXT, CC_F_OMIT),
	CC_FIELD(struct cc_notification, channel, "channel", TEXT, 0),
	CC_FIELD(struct cc_notification, recipient, "recipient", TEXT, 0),
	CC_FIELD(struct cc_notification, message, "message", TEXT, 0),
	CC_FIELD(struct cc_notification, sent_at, "sent_at", TIME, CC_F_OMIT | CC_F_RO),
	CC_FIELD(struct cc_notification, status, "status", TEXT, 0),
	CC_FIELD(struct cc_notification, error, "error", TEXT, CC_F_OMIT | CC_F_RO),
	CC_FIELD(struct cc_notification, created_at, "created_at", TIME, CC_F_RO | CC_F_CREATED),
};

static const struct cc_filter filters[] = {
	{ "status", "status = $?", CC_FT_TEXT },
	{ "type", "type = $?", CC_FT_TEXT },
	{ "channel", "channel = $?", CC_FT_TEXT },
	{ "certificate_id", "certificate_id = $?", CC_FT_TEXT },
	{ NULL, NULL, 0 },
};

const struct cc_entity cc_notification_entity = {
	.name = "notification",
	.table = "notification_events",
	.id_prefix = "notif",
	.size = sizeof(struct cc_notification),
	.fields = fields,
	.nfields = sizeof(fields) / sizeof(fields[0]),
	.default_sort = "created_at",
	.default_desc = true,
	.filters = filters,
};

/* a plain substring test: no LIKE, so '%' and '_' in the marker mean themselves */
static const char *const sql_exists_marker[] = {
	[CC_DB_SQLITE] = "SELECT 1 FROM notification_events WHERE certificate_id = $1 "
			 "AND type = $2 AND instr(message, $3) > 0 LIMIT 1",
	[CC_DB_PG] = "SELECT 1 FROM notification_events WHERE certificate_id = $1 "
		     "AND type = $2 AND strpos(message, $3) > 0 LIMIT 1",
};

static const char sql_mark[] =
	"UPDATE notification_events SET status = $2, sent_at = $3, error = $4 WHERE id = $1";

int cc_notification_exists_marker(struct cc_dbc *c, const char *cert_id, const char *type,
				  const char *marker, bool *out, struct cc_err *err)
{
	struct cc_dbres r = CC_DBRES_INIT;
	int rc;

	*out = false;
	rc = cc_db_exec(c, sql_exists_marker[cc_dbc_engine(c)],
			CC_DB_ARGS(CC_DB_TEXT(cert_id), CC_DB_TEXT(type), CC_DB_TEXT(marker)), &r,
			err);
	if (rc == 0)
		*out = r.nrows > 0;
	cc_dbres_release(&r);
	return rc;
}

int cc_notification_mark(struct cc_dbc *c, const char *id, const char *status, int64_t sent_at,
			 const char *error_or_NULL, struct cc_err *err)
{
	struct cc_dbres r = CC_DBRES_INIT;
	int rc = -1;

	if (cc_db_exec(c, sql_mark,
		       CC_DB_ARGS(CC_DB_TEXT(id), CC_DB_TEXT(status), CC_DB_TIME(sent_at),
				  CC_DB_TEXT(error_or_NULL)),
		       &r, err) < 0)
		goto out;
	if (!r.changes) {
		cc_err_set(err, CC_E_NOT_FOUND, "notification '%s' not found", id);
		goto out;
	}
	rc = 0;
out:
	cc_dbres_release(&r);
	return rc;
}
