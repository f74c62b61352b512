/* job.c: the jobs table, its JSON keys, claiming a waiting job and status transitions */
#include <string.h>
#include "libcc/job.h"
#include "libcc/buf.h"
#include "libcc/err.h"
#include "libcc/repo.h"
#include "libcc/banned.h"

static const struct cc_field fields[] = {
	CC_FIELD(struct cc_job, id, "id", TEXT, CC_F_PK),
	CC_FIELD(struct cc_job, type, "type", TEXT, 0),
	CC_FIELD(struct cc_job, certificate_id, "certificate_id", TEXT, 0),
	CC_FIELD(struct cc_job, target_id, "target_id", TEXT, CC_F_OMIT),
	CC_FIELD(struct cc_job, agent_id, "agent_id", TEXT, CC_F_OMIT),
	CC_FIELD(struct cc_job, status, "status", TEXT, 0),
	CC_FIELD(struct cc_job, attempts, "attempts", INT, 0),
	CC_FIELD(struct cc_job, max_attempts, "max_attempts", INT, 0),
	CC_FIELD(struct cc_job, last_error, "last_error", TEXT, CC_F_OMIT),
	CC_FIELD(struct cc_job, deployment_result, "deployment_result", JSON, CC_F_HIDDEN),
	CC_FIELD(struct cc_job, scheduled_at, "scheduled_at", TIME, 0),
	CC_FIELD(struct cc_job, started_at, "started_at", TIME, CC_F_OMIT | CC_F_RO),
	CC_FIELD(struct cc_job, completed_at, "completed_at", TIME, CC_F_OMIT | CC_F_RO),
	CC_FIELD(struct cc_job, created_at, "created_at", TIME, CC_F_RO | CC_F_CREATED),
	CC_FIELD(struct cc_job, verification_status, "verification_status", TEXT,
		 CC_F_OMIT | CC_F_RO),
	CC_FIELD(struct cc_job, verified_at, "verified_at", TIME, CC_F_OMIT | CC_F_RO),
	CC_FIELD(struct cc_job, verification_fingerprint, "verification_fingerprint", TEXT,
		 CC_F_OMIT | CC_F_RO),
	CC_FIELD(struct cc_job, verification_error, "verification_error", TEXT,
		 CC_F_OMIT | CC_F_RO),
	CC_FIELD(struct cc_job, progress_done, "progress_done", INT, CC_F_HIDDEN | CC_F_RO),
	CC_FIELD(struct cc_job, progress_total, "progress_total", INT, CC_F_HIDDEN | CC_F_RO),
	CC_FIELD(struct cc_job, payload, "payload", JSON, CC_F_HIDDEN),
	CC_FIELD(struct cc_job, result, "result", JSON, CC_F_OMIT | CC_F_RO),
};

static const struct cc_filter filters[] = {
	{ "status", "status = $?", CC_FT_TEXT },
	{ "type", "type = $?", CC_FT_TEXT },
	{ "certificate_id", "certificate_id = $?", CC_FT_TEXT },
	{ "agent_id", "agent_id = $?", CC_FT_TEXT },
	{ "target_id", "target_id = $?", CC_FT_TEXT },
	{ "created_after", "created_at > $?", CC_FT_TIME },
	{ NULL, NULL, 0 },
};

const struct cc_entity cc_job_entity = {
	.name = "job",
	.table = "jobs",
	.id_prefix = "job",
	.size = sizeof(struct cc_job),
	.fields = fields,
	.nfields = sizeof(fields) / sizeof(fields[0]),
	.default_sort = "created_at",
	.default_desc = true,
	.filters = filters,
};

/* $1 from, $2 to, $3 now, $4 type or NULL; the RETURNING column list is appended.
 * PostgreSQL: the row is locked by the sub-select, rows locked by another claimer are
 * skipped. SQLite: the UPDATE holds the single write lock, so the sub-select and the
 * write cannot interleave with another writer. */
static const char sql_claim_head[] =
	"UPDATE jobs SET status = $2, started_at = $3 WHERE id = (SELECT id FROM jobs "
	"WHERE status = $1 AND ";
/* a plain type = $4 lets the planner walk idx_jobs_claim (0020) in ORDER BY order */
static const char sql_claim_tail[] =
	" AND (scheduled_at IS NULL OR scheduled_at <= $3) "
	"ORDER BY COALESCE(scheduled_at, created_at), created_at, id LIMIT 1";

/* $1 id, $2 expected status or NULL, $3 status, $4 last_error, $5 completed_at or NULL,
 * $6 started_at or NULL */
static const char sql_set_status[] =
	"UPDATE jobs SET status = $3, last_error = $4, "
	"completed_at = COALESCE($5, completed_at), started_at = COALESCE(started_at, $6) "
	"WHERE id = $1 AND status = COALESCE($2, status)";
static const char sql_status_of[] = "SELECT status FROM jobs WHERE id = $1";

static const char *const final_statuses[] = { "Completed", "Failed", "Cancelled" };

int cc_job_claim(struct cc_dbc *c, const char *from_status, const char *to_status,
		 const char *type_or_NULL, int64_t now, struct cc_job *out, struct cc_err *err)
{
	struct cc_buf sql = CC_BUF_INIT;
	struct cc_dbres r = CC_DBRES_INIT;
	int rc = -1;

	cc_buf_adds(&sql, sql_claim_head);
	cc_buf_adds(&sql, type_or_NULL ? "type = $4" : "CAST($4 AS TEXT) IS NULL");
	cc_buf_adds(&sql, sql_claim_tail);
	if (cc_dbc_engine(c) == CC_DB_PG)
		cc_buf_adds(&sql, " FOR UPDATE SKIP LOCKED");
	cc_buf_adds(&sql, ") AND status = $1 RETURNING ");
	cc_repo_columns(&cc_job_entity, NULL, &sql);
	if (cc_db_exec(c, sql.buf,
		       CC_DB_ARGS(CC_DB_TEXT(from_status), CC_DB_TEXT(to_status), CC_DB_TIME(now),
				  CC_DB_TEXT(type_or_NULL)),
		       &r, err) < 0)
		goto out;
	if (!r.nrows) {
		if (type_or_NULL)
			cc_err_set(err, CC_E_NOTHING, "no %s job is %s", type_or_NULL, from_status);
		else
			cc_err_set(err, CC_E_NOTHING, "no job is %s", from_status);
		goto out;
	}
	cc_repo_row(&cc_job_entity, &r, 0, 0, out);
	rc = 0;
out:
	cc_dbres_release(&r);
	cc_buf_release(&sql);
	return rc;
}

/* after an UPDATE that changed nothing: unknown job, or a job in another status */
static int explain_unchanged(struct cc_dbc *c, const char *id, const char *expect,
			     struct cc_err *err)
{
	struct cc_dbres r = CC_DBRES_INIT;

	if (cc_db_exec(c, sql_status_of, CC_DB_ARGS(CC_DB_TEXT(id)), &r, err) < 0) {
		cc_dbres_release(&r);
		return -1;
	}
	if (!r.nrows)
		cc_err_set(err, CC_E_NOT_FOUND, "job '%s' not found", id);
	else
		cc_err_set(err, CC_E_CONFLICT, "job '%s' is %s, not %s", id, cc_dbres_str(&r, 0, 0),
			   expect ? expect : "");
	cc_dbres_release(&r);
	return -1;
}

int cc_job_set_status(struct cc_dbc *c, const char *id, const char *expect_status_or_NULL,
		      const char *status, const char *last_error_or_NULL, int64_t now,
		      struct cc_err *err)
{
	struct cc_dbres r = CC_DBRES_INIT;
	int64_t completed = 0, started = 0;
	int rc = -1;

	for (size_t i = 0; i < CC_ARRAY_SIZE(final_statuses); i++)
		if (!strcmp(status, final_statuses[i]))
			completed = now;
	if (!strcmp(status, "Running"))
		started = now;
	if (cc_db_exec(c, sql_set_status,
		       CC_DB_ARGS(CC_DB_TEXT(id), CC_DB_TEXT(expect_status_or_NULL),
				  CC_DB_TEXT(status), CC_DB_TEXT(last_error_or_NULL),
				  CC_DB_TIME(completed), CC_DB_TIME(started)),
		       &r, err) < 0)
		goto out;
	if (!r.changes) {
		explain_unchanged(c, id, expect_status_or_NULL, err);
		goto out;
	}
	rc = 0;
out:
	cc_dbres_release(&r);
	return rc;
}
