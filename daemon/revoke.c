/* revoke.c: the revocation path every revocation takes (single route, bulk jobs) */
#include <stdlib.h>
#include <string.h>
#include "daemon/revoke.h"
#include "daemon/app.h"
#include "daemon/issuers.h"
#include "connectors/issuer/issuer.h"
#include "libcc/audit.h"
#include "libcc/db.h"
#include "libcc/err.h"
#include "libcc/id.h"
#include "libcc/log.h"
#include "libcc/mem.h"
#include "libcc/notify.h"
#include "libcc/revocation.h"
#include "libcc/time.h"
#include "libcc/banned.h"

/* the status guard makes a concurrent second revocation a no-op that we notice */
static const char sql_set_revoked[] =
	"UPDATE managed_certificates SET status = 'Revoked', revoked_at = $2, "
	"revocation_reason = $3, updated_at = $2 "
	"WHERE id = $1 AND status NOT IN ('Revoked', 'Archived')";

void api_revoke_row_at(const struct cc_dbres *res, int row, int col, const char *cert_id,
		       struct api_revoke_row *out)
{
	out->cert_id = cert_id;
	out->status = cc_dbres_str(res, row, col);
	out->issuer_id = cc_dbres_str(res, row, col + 1);
	out->common_name = cc_dbres_str(res, row, col + 2);
	out->serial = cc_dbres_str(res, row, col + 3);
}

enum api_revoke_verdict api_revoke_check(const struct api_revoke_row *row, struct cc_err *err)
{
	if (!row->status) {
		cc_err_set(err, CC_E_NOT_FOUND, "Certificate not found: %s", row->cert_id);
		return API_REVOKE_NOT_FOUND;
	}
	if (!strcmp(row->status, "Revoked")) {
		cc_err_set(err, CC_E_CONFLICT, "certificate %s is already revoked", row->cert_id);
		return API_REVOKE_ALREADY_REVOKED;
	}
	if (!strcmp(row->status, "Archived")) {
		cc_err_set(err, CC_E_CONFLICT, "cannot revoke archived certificate %s",
			   row->cert_id);
		return API_REVOKE_ARCHIVED;
	}
	if (!row->serial || !*row->serial) {
		cc_err_set(err, CC_E_UNPROCESSABLE,
			   "certificate %s has no issued version, so there is no serial to revoke",
			   row->cert_id);
		return API_REVOKE_NO_VERSION;
	}
	return API_REVOKE_OK;
}

static int notify_owner(struct cc_dbc *c, const struct api_revoke_row *row,
			const struct api_revoke_opts *o, struct cc_err *err)
{
	char *who = NULL, *msg;
	int rc;

	if (cc_notify_recipient(c, row->cert_id, &who, err) < 0)
		return -1;
	msg = cc_xasprintf("Certificate %s (serial %s) was revoked (%s) by %s",
			   row->common_name ? row->common_name : row->cert_id, row->serial,
			   o->reason, o->actor);
	rc = cc_notify_create(c, CC_NOTIFY_REVOCATION, row->cert_id, "Email", who, msg, o->now,
			      err);
	free(msg);
	free(who);
	return rc;
}

int api_revoke_apply(struct cc_dbc *c, const struct api_revoke_row *row,
		     const struct api_revoke_opts *o, struct cc_err *err)
{
	struct cc_dbres res = CC_DBRES_INIT;
	struct cc_revocation r = { 0 };
	bool inserted;
	int rc = -1;

	if (cc_db_exec(
		    c, sql_set_revoked,
		    CC_DB_ARGS(CC_DB_TEXT(row->cert_id), CC_DB_TIME(o->now), CC_DB_TEXT(o->reason)),
		    &res, err) < 0)
		goto out;
	if (!res.changes) {
		cc_err_set(err, CC_E_CONFLICT, "certificate %s was revoked or archived meanwhile",
			   row->cert_id);
		goto out;
	}
	r.certificate_id = cc_xstrdup(row->cert_id);
	r.serial_number = cc_xstrdup(row->serial);
	r.reason = cc_xstrdup(o->reason);
	r.revoked_by = cc_xstrdup(o->actor);
	r.issuer_id = row->issuer_id ? cc_xstrdup(row->issuer_id) : NULL;
	r.revoked_at = o->now;
	if (cc_revocation_record(c, &r, &inserted, err) < 0 ||
	    cc_audit_record(c, o->actor, o->actor_type, "certificate_revoked", "certificate",
			    row->cert_id,
			    json_pack("{s:s?, s:s, s:s}", "common_name", row->common_name, "serial",
				      row->serial, "reason", o->reason),
			    err) < 0 ||
	    (o->notify && notify_owner(c, row, o, err) < 0))
		goto out;
	rc = 0;
out:
	cc_obj_release(&cc_revocation_entity, &r);
	cc_dbres_release(&res);
	return rc;
}

/* ---- many at once ---- */

static const char *const sql_set_revoked_many[] = {
	[CC_DB_SQLITE] = "UPDATE managed_certificates SET status = 'Revoked', revoked_at = $2, "
			 "revocation_reason = $3, updated_at = $2 "
			 "WHERE id IN (SELECT value FROM json_each($1)) "
			 "AND status NOT IN ('Revoked', 'Archived') RETURNING id",
	[CC_DB_PG] = "UPDATE managed_certificates SET status = 'Revoked', revoked_at = $2, "
		     "revocation_reason = $3, updated_at = $2 "
		     "WHERE id = ANY($1::text[]) AND status NOT IN ('Revoked', 'Archived') "
		     "RETURNING id",
};
/* $1: [[id, certificate_id, serial, issuer_id], …] */
static const char *const sql_records_many[] = {
	[CC_DB_SQLITE] = "INSERT INTO certificate_revocations (id, certificate_id, serial_number, "
			 "reason, revoked_by, revoked_at, issuer_id, issuer_notified, created_at) "
			 "SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), "
			 "json_extract(value, '$[2]'), $2, $3, $4, json_extract(value, '$[3]'), "
			 "FALSE, $4 FROM json_each($1) WHERE true "
			 "ON CONFLICT (serial_number) DO NOTHING",
	[CC_DB_PG] = "INSERT INTO certificate_revocations (id, certificate_id, serial_number, "
		     "reason, revoked_by, revoked_at, issuer_id, issuer_notified, created_at) "
		     "SELECT value->>0, value->>1, value->>2, $2, $3, CAST($4 AS TIMESTAMPTZ), "
		     "value->>3, FALSE, CAST($4 AS TIMESTAMPTZ) "
		     "FROM jsonb_array_elements(CAST($1 AS JSONB)) AS t(value) "
		     "ON CONFLICT (serial_number) DO NOTHING",
};
/* $1: [[id, certificate_id, details text], …]; what cc_audit_record writes for each */
static const char *const sql_audit_many[] = {
	[CC_DB_SQLITE] = "INSERT INTO audit_events (id, actor, actor_type, action, resource_type, "
			 "resource_id, details, timestamp) SELECT json_extract(value, '$[0]'), $2, "
			 "$3, 'certificate_revoked', 'certificate', json_extract(value, '$[1]'), "
			 "json_extract(value, '$[2]'), $4 FROM json_each($1)",
	[CC_DB_PG] =
		"INSERT INTO audit_events (id, actor, actor_type, action, resource_type, "
		"resource_id, details, timestamp) SELECT value->>0, $2, $3, "
		"'certificate_revoked', 'certificate', value->>1, CAST(value->>2 AS JSONB), "
		"CAST($4 AS TIMESTAMPTZ) FROM jsonb_array_elements(CAST($1 AS JSONB)) AS t(value)",
};

static int by_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* applied[i]: was rows[i] among the ids the UPDATE returned? */
static void mark_applied(const struct cc_dbres *res, const struct api_revoke_row *rows, size_t n,
			 bool *applied)
{
	const char **got;

	if ((size_t)res->nrows == n) { /* the usual case: all of them */
		for (size_t i = 0; i < n; i++)
			applied[i] = true;
		return;
	}
	got = cc_xcalloc((size_t)res->nrows + 1, sizeof(*got));
	for (int i = 0; i < res->nrows; i++)
		got[i] = cc_dbres_str(res, i, 0);
	qsort(got, (size_t)res->nrows, sizeof(*got), by_str);
	for (size_t i = 0; i < n; i++)
		applied[i] = res->nrows && bsearch(&rows[i].cert_id, got, (size_t)res->nrows,
						   sizeof(*got), by_str);
	free(got);
}

int api_revoke_apply_many(struct cc_dbc *c, const struct api_revoke_row *rows, size_t n,
			  const struct api_revoke_opts *o, bool *applied, struct cc_err *err)
{
	enum cc_db_engine eng = cc_dbc_engine(c);
	struct cc_strv ids = CC_STRV_INIT;
	struct cc_dbres res = CC_DBRES_INIT;
	json_t *recs = json_array(), *events = json_array();
	char *recs_text = NULL, *events_text = NULL;
	size_t k = 0;
	int rc = -1;

	for (size_t i = 0; i < n; i++) {
		applied[i] = false;
		cc_strv_push(&ids, rows[i].cert_id);
	}
	if (!n)
		goto done;
	if (cc_db_exec(c, sql_set_revoked_many[eng],
		       CC_DB_ARGS(CC_DB_STRV(&ids), CC_DB_TIME(o->now), CC_DB_TEXT(o->reason)),
		       &res, err) < 0)
		goto out;
	mark_applied(&res, rows, n, applied);
	for (size_t i = 0; i < n; i++) {
		const struct api_revoke_row *row = &rows[i];
		json_t *details;
		char *rev_id, *audit_id, *text;

		if (!applied[i])
			continue;
		rev_id = cc_id_new(cc_revocation_entity.id_prefix);
		audit_id = cc_id_new("audit");
		details = json_pack("{s:s?, s:s, s:s}", "common_name", row->common_name, "serial",
				    row->serial, "reason", o->reason);
		text = json_dumps(details, JSON_COMPACT | JSON_PRESERVE_ORDER);
		json_array_append_new(recs, json_pack("[s, s, s, s?]", rev_id, row->cert_id,
						      row->serial, row->issuer_id));
		json_array_append_new(events, json_pack("[s, s, s]", audit_id, row->cert_id, text));
		json_decref(details);
		free(text);
		free(rev_id);
		free(audit_id);
		k++;
	}
	if (!k)
		goto done;
	recs_text = json_dumps(recs, JSON_COMPACT);
	events_text = json_dumps(events, JSON_COMPACT);
	if (cc_db_exec(c, sql_records_many[eng],
		       CC_DB_ARGS(CC_DB_TEXT(recs_text), CC_DB_TEXT(o->reason),
				  CC_DB_TEXT(o->actor), CC_DB_TIME(o->now)),
		       NULL, err) < 0 ||
	    cc_db_exec(c, sql_audit_many[eng],
		       CC_DB_ARGS(CC_DB_TEXT(events_text), CC_DB_TEXT(o->actor),
				  CC_DB_TEXT(o->actor_type), CC_DB_TIME(cc_time_now())),
		       NULL, err) < 0)
		goto out;
done:
	rc = 0;
out:
	free(recs_text);
	free(events_text);
	json_decref(recs);
	json_decref(events);
	cc_dbres_release(&res);
	cc_strv_release(&ids);
	return rc;
}

static const char *const sql_notified[] = {
	[CC_DB_SQLITE] = "UPDATE certificate_revocations SET issuer_notified = TRUE "
			 "WHERE serial_number IN (SELECT value FROM json_each($1))",
	[CC_DB_PG] = "UPDATE certificate_revocations SET issuer_notified = TRUE "
		     "WHERE serial_number = ANY($1::text[])",
};

void api_revoke_tell_issuer(struct api_app *app, struct cc_dbc *c, const char *issuer_id,
			    const char *const *serials, size_t n, const char *reason, bool *told,
			    struct cc_err *err)
{
	struct cc_strv ok = CC_STRV_INIT;
	struct cc_issuer_conn *iss = NULL;
	struct cc_err e = CC_ERR_INIT;

	for (size_t i = 0; i < n; i++)
		told[i] = false;
	if (api_issuer_get(app, c, issuer_id, &iss, &e) < 0)
		goto out;
	for (size_t i = 0; i < n; i++) {
		if (cc_issuer_revoke(iss, serials[i], reason, &e) == 0) {
			told[i] = true;
			cc_strv_push(&ok, serials[i]);
		} else {
			if (err)
				*err = e;
			cc_err_clear(&e);
		}
	}
	if (ok.n && cc_db_exec(c, sql_notified[cc_dbc_engine(c)], CC_DB_ARGS(CC_DB_STRV(&ok)), NULL,
			       &e) < 0)
		for (size_t i = 0; i < n; i++)
			told[i] = false;
out:
	if (e.code) {
		cc_log_kv(app->log, CC_LOG_WARN, "the issuer was not told of a revocation",
			  "issuer_id", issuer_id ? issuer_id : "", "error", e.msg,
			  (const char *)NULL);
		if (err)
			*err = e;
	} else if (err && err->code) {
		cc_log_kv(app->log, CC_LOG_WARN, "the issuer refused a revocation", "issuer_id",
			  issuer_id ? issuer_id : "", "error", err->msg, (const char *)NULL);
	}
	cc_strv_release(&ok);
}
