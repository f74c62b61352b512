/* bulk-select.c: a bulk revocation's request — validation, the criteria as one WHERE
 * clause over managed_certificates, the dry run, and the job with its items */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "daemon/bulk-revoke.h"
#include "libcc/audit.h"
#include "libcc/buf.h"
#include "libcc/db.h"
#include "libcc/err.h"
#include "libcc/id.h"
#include "libcc/job.h"
#include "libcc/mem.h"
#include "libcc/revocation.h"
#include "libcc/time.h"
#include "libcc/banned.h"

#define ID_MAX 255
#define IDS_LISTED 10000 /* a dry run lists at most this many ids per list */

static const char *const filter_keys[] = { "profile_id", "owner_id", "agent_id", "issuer_id",
					   "team_id" };

static int string_member(json_t *body, const char *key, const char **out, struct cc_err *err)
{
	json_t *v = json_object_get(body, key);

	*out = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v) || json_string_length(v) > ID_MAX ||
	    strlen(json_string_value(v)) != json_string_length(v))
		return cc_err_set(err, CC_E_INVALID,
				  "%s: must be a string of at most %d characters", key, ID_MAX);
	if (json_string_length(v))
		*out = json_string_value(v);
	return 0;
}

static int ids_member(json_t *body, struct api_bulk_request *r, struct cc_err *err)
{
	json_t *v = json_object_get(body, "certificate_ids"), *id;
	size_t i;

	if (!v || json_is_null(v))
		return 0;
	if (!json_is_array(v))
		return cc_err_set(err, CC_E_INVALID, "certificate_ids: must be an array of ids");
	json_array_foreach (v, i, id) {
		const char *s = json_string_value(id);
		if (!s || !*s || json_string_length(id) > ID_MAX ||
		    strlen(s) != json_string_length(id))
			return cc_err_set(err, CC_E_INVALID,
					  "certificate_ids[%zu]: must be a non-empty id string", i);
		if (!cc_strv_has(&r->ids, s))
			cc_strv_push(&r->ids, s);
	}
	r->has_ids = json_array_size(v) > 0;
	return 0;
}

static bool known_key(const char *k)
{
	static const char *const others[] = { "reason", "certificate_ids", "dry_run" };

	for (size_t i = 0; i < CC_ARRAY_SIZE(filter_keys); i++)
		if (!strcmp(k, filter_keys[i]))
			return true;
	for (size_t i = 0; i < CC_ARRAY_SIZE(others); i++)
		if (!strcmp(k, others[i]))
			return true;
	return false;
}

int api_bulk_parse(json_t *body, struct api_bulk_request *r, struct cc_err *err)
{
	const char **slots[] = { &r->profile_id, &r->owner_id, &r->agent_id, &r->issuer_id,
				 &r->team_id };
	const char *reason = NULL, *k;
	json_t *v, *dry;
	bool any = false;

	memset(r, 0, sizeof(*r));
	r->body = body;
	json_object_foreach (body, k, v)
		if (!known_key(k))
			return cc_err_set(err, CC_E_INVALID, "unknown field '%s'", k);
	for (size_t i = 0; i < CC_ARRAY_SIZE(filter_keys); i++) {
		if (string_member(body, filter_keys[i], slots[i], err) < 0)
			return -1;
		any |= *slots[i] != NULL;
	}
	if (ids_member(body, r, err) < 0 || string_member(body, "reason", &reason, err) < 0)
		return -1;
	if (!any && !r->has_ids)
		return cc_err_set(err, CC_E_INVALID,
				  "At least one filter criterion is required (profile_id, "
				  "owner_id, agent_id, issuer_id, team_id, or certificate_ids)");
	if (reason && cc_revocation_reason_code(reason) < 0)
		return cc_err_set(err, CC_E_INVALID, "Invalid revocation reason: %s (one of %s)",
				  reason, CC_REVOCATION_REASONS);
	snprintf(r->reason, sizeof(r->reason), "%s", reason ? reason : "unspecified");
	dry = json_object_get(body, "dry_run");
	if (dry && !json_is_null(dry) && !json_is_boolean(dry))
		return cc_err_set(err, CC_E_INVALID, "dry_run: must be true or false");
	r->dry_run = json_is_true(dry);
	return 0;
}

void api_bulk_request_release(struct api_bulk_request *r)
{
	cc_strv_release(&r->ids);
	json_decref(r->body);
	r->body = NULL;
}

json_t *api_bulk_criteria(const struct api_bulk_request *r)
{
	const char *vals[] = { r->profile_id, r->owner_id, r->agent_id, r->issuer_id, r->team_id };
	json_t *o = json_object();

	for (size_t i = 0; i < CC_ARRAY_SIZE(filter_keys); i++)
		if (vals[i])
			json_object_set_new(o, filter_keys[i], json_string(vals[i]));
	if (r->has_ids) {
		json_t *a = json_array();
		for (size_t i = 0; i < r->ids.n; i++)
			json_array_append_new(a, json_string(r->ids.v[i]));
		json_object_set_new(o, "certificate_ids", a);
	}
	json_object_set_new(o, "reason", json_string(r->reason));
	return o;
}

/* ---- the WHERE clause ---- */

struct where {
	struct cc_buf sql;
	struct cc_dbarg args[8];
	int n;
};

/* frag's "$?" marks become this clause's parameter number ($1 is the caller's) */
static void where_add(struct where *w, const char *frag, struct cc_dbarg a)
{
	int no = w->n + 2;

	cc_buf_adds(&w->sql, " AND ");
	for (const char *p = frag, *q; *p; p = q + 2) {
		if (!(q = strstr(p, "$?"))) {
			cc_buf_adds(&w->sql, p);
			break;
		}
		cc_buf_add(&w->sql, p, (size_t)(q - p));
		cc_buf_addf(&w->sql, "$%d", no);
	}
	w->args[w->n++] = a;
}

static void where_build(struct cc_dbc *c, const struct api_bulk_request *r, struct where *w)
{
	w->sql = (struct cc_buf)CC_BUF_INIT;
	w->n = 0;
	/* $1 is always bound: the job id on create, unused (but harmless) elsewhere */
	cc_buf_adds(&w->sql, "WHERE CAST($1 AS TEXT) IS NOT NULL");
	if (r->profile_id)
		where_add(w, "m.certificate_profile_id = $?", CC_DB_TEXT(r->profile_id));
	if (r->owner_id)
		where_add(w, "m.owner_id = $?", CC_DB_TEXT(r->owner_id));
	if (r->issuer_id)
		where_add(w, "m.issuer_id = $?", CC_DB_TEXT(r->issuer_id));
	if (r->team_id)
		where_add(w,
			  "(m.team_id = $? OR m.owner_id IN (SELECT o.id FROM owners o "
			  "WHERE o.team_id = $?))",
			  CC_DB_TEXT(r->team_id));
	if (r->agent_id)
		where_add(w,
			  "m.id IN (SELECT ctm.certificate_id FROM certificate_target_mappings "
			  "ctm JOIN deployment_targets t ON t.id = ctm.target_id "
			  "WHERE t.agent_id = $?)",
			  CC_DB_TEXT(r->agent_id));
	if (r->has_ids)
		where_add(w,
			  cc_dbc_engine(c) == CC_DB_PG
				  ? "m.id = ANY($?::text[])"
				  : "m.id IN (SELECT value FROM json_each($?))",
			  CC_DB_STRV(&r->ids));
}

/* runs "<head> <where> <tail>" with $1 = first */
static int where_exec(struct cc_dbc *c, const char *head, const struct where *w, const char *tail,
		      const char *first, struct cc_dbres *res, struct cc_err *err)
{
	struct cc_buf sql = CC_BUF_INIT;
	struct cc_dbarg args[9];
	int rc;

	cc_buf_adds(&sql, head);
	cc_buf_adds(&sql, w->sql.buf);
	cc_buf_adds(&sql, tail);
	args[0] = CC_DB_TEXT(first);
	memcpy(args + 1, w->args, sizeof(w->args[0]) * (size_t)w->n);
	rc = cc_db_exec(c, sql.buf, args, w->n + 1, res, err);
	cc_buf_release(&sql);
	return rc;
}

/* the requested ids that name no certificate */
static int not_found(struct cc_dbc *c, const struct api_bulk_request *r, json_t **out,
		     struct cc_err *err)
{
	struct cc_dbres res = CC_DBRES_INIT;
	struct api_bulk_request only_ids = { .ids = r->ids, .has_ids = r->has_ids };
	struct where w;
	struct cc_strv found = CC_STRV_INIT;
	int rc;

	*out = json_array();
	if (!r->has_ids)
		return 0;
	where_build(c, &only_ids, &w);
	rc = where_exec(c, "SELECT m.id FROM managed_certificates m ", &w, "", "-", &res, err);
	for (int i = 0; rc == 0 && i < res.nrows; i++)
		cc_strv_push(&found, cc_dbres_str(&res, i, 0));
	for (size_t i = 0; rc == 0 && i < r->ids.n; i++)
		if (!cc_strv_has(&found, r->ids.v[i]))
			json_array_append_new(*out, json_string(r->ids.v[i]));
	cc_strv_release(&found);
	cc_dbres_release(&res);
	cc_buf_release(&w.sql);
	return rc;
}

int api_bulk_preview(struct cc_dbc *c, const struct api_bulk_request *r, json_t **out,
		     struct cc_err *err)
{
	struct cc_dbres res = CC_DBRES_INIT;
	json_t *revoke = json_array(), *skip = json_array(), *missing = NULL;
	size_t nrevoke = 0, nskip = 0;
	struct where w;
	int rc;

	*out = NULL;
	where_build(c, r, &w);
	rc = where_exec(c, "SELECT m.id, m.status FROM managed_certificates m ", &w,
			" ORDER BY m.created_at, m.id", "-", &res, err);
	if (rc == 0)
		rc = not_found(c, r, &missing, err);
	for (int i = 0; rc == 0 && i < res.nrows; i++) {
		const char *st = cc_dbres_str(&res, i, 1);
		bool skipped = !strcmp(st, "Revoked") || !strcmp(st, "Archived");
		size_t *n = skipped ? &nskip : &nrevoke;

		if ((*n)++ < IDS_LISTED)
			json_array_append_new(skipped ? skip : revoke,
					      json_string(cc_dbres_str(&res, i, 0)));
	}
	if (rc == 0)
		*out = json_pack("{s:b, s:o, s:I, s:I, s:I, s:I, s:o, s:o, s:o, s:b}", "dry_run", 1,
				 "criteria", api_bulk_criteria(r), "affected_count",
				 (json_int_t)nrevoke, "total_matched", (json_int_t)res.nrows,
				 "would_revoke_count", (json_int_t)nrevoke, "would_skip_count",
				 (json_int_t)nskip, "would_revoke", revoke, "would_skip", skip,
				 "not_found", missing, "ids_truncated",
				 nrevoke > IDS_LISTED || nskip > IDS_LISTED);
	else {
		json_decref(revoke);
		json_decref(skip);
		json_decref(missing);
	}
	cc_dbres_release(&res);
	cc_buf_release(&w.sql);
	return rc;
}

static const char sql_job[] =
	"INSERT INTO jobs (id, type, status, max_attempts, payload, progress_total, "
	"scheduled_at, started_at, created_at, lease_owner) "
	"VALUES ($1, 'BulkRevocation', 'Running', 1, $2, 0, $3, $4, $4, $5)";
static const char sql_total[] = "UPDATE jobs SET progress_total = $2 WHERE id = $1";

int api_bulk_create(struct cc_dbc *c, const struct api_bulk_request *r, const char *actor,
		    const char *actor_type, const char *owner, char **job_id, int64_t *matched,
		    struct cc_err *err)
{
	struct cc_dbres res = CC_DBRES_INIT;
	int64_t now = cc_time_now();
	char *id = cc_id_new("job"), *payload = NULL;
	json_t *missing = NULL, *p;
	struct where w;
	int rc = -1;

	where_build(c, r, &w);
	if (cc_db_begin(c, err) < 0)
		goto out;
	if (not_found(c, r, &missing, err) < 0)
		goto fail;
	p = json_pack("{s:o, s:s, s:s, s:s, s:O}", "criteria", api_bulk_criteria(r), "reason",
		      r->reason, "actor", actor, "actor_type", actor_type, "not_found", missing);
	payload = json_dumps(p, JSON_COMPACT);
	json_decref(p);
	if (cc_db_exec(c, sql_job,
		       CC_DB_ARGS(CC_DB_TEXT(id), CC_DB_JSON(payload),
				  CC_DB_TIME(now + API_BULK_LEASE), CC_DB_TIME(now),
				  CC_DB_TEXT(owner)),
		       NULL, err) < 0 ||
	    where_exec(c,
		       "INSERT INTO bulk_revocation_items (job_id, seq, certificate_id) "
		       "SELECT CAST($1 AS TEXT), ROW_NUMBER() OVER (ORDER BY m.created_at, m.id), "
		       "m.id "
		       "FROM managed_certificates m ",
		       &w, "", id, &res, err) < 0 ||
	    cc_db_exec(c, sql_total, CC_DB_ARGS(CC_DB_TEXT(id), CC_DB_INT(res.changes)), NULL,
		       err) < 0 ||
	    cc_db_commit(c, err) < 0)
		goto fail;
	*matched = res.changes;
	*job_id = id;
	id = NULL;
	rc = 0;
	goto out;
fail:
	cc_db_rollback(c);
out:
	json_decref(missing);
	free(payload);
	free(id);
	cc_dbres_release(&res);
	cc_buf_release(&w.sql);
	return rc;
}
