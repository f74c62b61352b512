/* health-check.c: endpoint_health_checks and endpoint_health_history, due checks, summary */
#include <stdlib.h>
#include <string.h>
#include "libcc/health-check.h"
#include "libcc/buf.h"
#include "libcc/err.h"
#include "libcc/mem.h"
#include "libcc/repo.h"
#include "libcc/time.h"
#include "libcc/banned.h"

static const struct cc_field check_fields[] = {
	CC_FIELD(struct cc_health_check, id, "id", TEXT, CC_F_PK),
	CC_FIELD(struct cc_health_check, endpoint, "endpoint", TEXT, 0),
	CC_FIELD(struct cc_health_check, certificate_id, "certificate_id", TEXT, CC_F_OMIT),
	CC_FIELD(struct cc_health_check, network_scan_target_id, "network_scan_target_id", TEXT,
		 CC_F_OMIT),
	CC_FIELD(struct cc_health_check, expected_fingerprint, "expected_fingerprint", TEXT, 0),
	CC_FIELD(struct cc_health_check, observed_fingerprint, "observed_fingerprint", TEXT,
		 CC_F_RO),
	CC_FIELD(struct cc_health_check, status, "status", TEXT, CC_F_RO),
	CC_FIELD(struct cc_health_check, consecutive_failures, "consecutive_failures", INT,
		 CC_F_RO),
	CC_FIELD(struct cc_health_check, response_time_ms, "response_time_ms", INT, CC_F_RO),
	CC_FIELD(struct cc_health_check, tls_version, "tls_version", TEXT, CC_F_RO),
	CC_FIELD(struct cc_health_check, cipher_suite, "cipher_suite", TEXT, CC_F_RO),
	CC_FIELD(struct cc_health_check, cert_subject, "cert_subject", TEXT, CC_F_RO),
	CC_FIELD(struct cc_health_check, cert_issuer, "cert_issuer", TEXT, CC_F_RO),
	CC_FIELD(struct cc_health_check, cert_expiry, "cert_expiry", TIME, CC_F_OMIT | CC_F_RO),
	CC_FIELD(struct cc_health_check, last_checked_at, "last_checked_at", TIME,
		 CC_F_OMIT | CC_F_RO),
	CC_FIELD(struct cc_health_check, last_success_at, "last_success_at", TIME,
		 CC_F_OMIT | CC_F_RO),
	CC_FIELD(struct cc_health_check, last_failure_at, "last_failure_at", TIME,
		 CC_F_OMIT | CC_F_RO),
	CC_FIELD(struct cc_health_check, last_transition_at, "last_transition_at", TIME,
		 CC_F_OMIT | CC_F_RO),
	CC_FIELD(struct cc_health_check, failure_reason, "failure_reason", TEXT, CC_F_RO),
	CC_FIELD(struct cc_health_check, degraded_threshold, "degraded_threshold", INT, 0),
	CC_FIELD(struct cc_health_check, down_threshold, "down_threshold", INT, 0),
	CC_FIELD(struct cc_health_check, check_interval_seconds, "check_interval_seconds", INT, 0),
	CC_FIELD(struct cc_health_check, enabled, "enabled", BOOL, 0),
	CC_FIELD(struct cc_health_check, acknowledged, "acknowledged", BOOL, CC_F_RO),
	CC_FIELD(struct cc_health_check, acknowledged_by, "acknowledged_by", TEXT,
		 CC_F_OMIT | CC_F_RO),
	CC_FIELD(struct cc_health_check, acknowledged_at, "acknowledged_at", TIME,
		 CC_F_OMIT | CC_F_RO),
	CC_FIELD(struct cc_health_check, created_at, "created_at", TIME, CC_F_RO | CC_F_CREATED),
	CC_FIELD(struct cc_health_check, updated_at, "updated_at", TIME, CC_F_RO | CC_F_UPDATED),
};

static const struct cc_filter check_filters[] = {
	{ "status", "status = $?", CC_FT_TEXT },
	{ "certificate_id", "certificate_id = $?", CC_FT_TEXT },
	{ "network_scan_target_id", "network_scan_target_id = $?", CC_FT_TEXT },
	{ "enabled", "enabled = $?", CC_FT_BOOL },
	{ NULL, NULL, 0 },
};

const struct cc_entity cc_health_check_entity = {
	.name = "health check",
	.table = "endpoint_health_checks",
	.id_prefix = "hc",
	.size = sizeof(struct cc_health_check),
	.fields = check_fields,
	.nfields = sizeof(check_fields) / sizeof(check_fields[0]),
	.default_sort = "created_at",
	.default_desc = true,
	.filters = check_filters,
};

static const struct cc_field history_fields[] = {
	CC_FIELD(struct cc_health_history, id, "id", TEXT, CC_F_PK),
	CC_FIELD(struct cc_health_history, health_check_id, "health_check_id", TEXT, 0),
	CC_FIELD(struct cc_health_history, status, "status", TEXT, 0),
	CC_FIELD(struct cc_health_history, response_time_ms, "response_time_ms", INT, 0),
	CC_FIELD(struct cc_health_history, fingerprint, "fingerprint", TEXT, 0),
	CC_FIELD(struct cc_health_history, failure_reason, "failure_reason", TEXT, 0),
	CC_FIELD(struct cc_health_history, checked_at, "checked_at", TIME, CC_F_RO | CC_F_CREATED),
};

static const struct cc_filter history_filters[] = {
	{ "health_check_id", "health_check_id = $?", CC_FT_TEXT },
	{ NULL, NULL, 0 },
};

const struct cc_entity cc_health_history_entity = {
	.name = "health history entry",
	.table = "endpoint_health_history",
	.id_prefix = "hh",
	.size = sizeof(struct cc_health_history),
	.fields = history_fields,
	.nfields = sizeof(history_fields) / sizeof(history_fields[0]),
	.default_sort = "checked_at",
	.default_desc = true,
	.filters = history_filters,
};

static const char *const summary_keys[] = { "healthy", "degraded", "down", "cert_mismatch",
					    "unknown" };

static const char sql_summary[] =
	"SELECT status, COUNT(*) FROM endpoint_health_checks GROUP BY status";

/* candidates only: the per-row interval is applied in C, exactly on both engines */
static const char sql_due[] =
	" FROM endpoint_health_checks "
	"WHERE enabled = $1 AND (last_checked_at IS NULL OR last_checked_at <= $2) "
	"ORDER BY last_checked_at ASC NULLS FIRST, id ASC";

static const char tail_history[] =
	"WHERE health_check_id = $1 ORDER BY checked_at DESC, id DESC LIMIT $2";

static const char sql_prune[] = "DELETE FROM endpoint_health_history WHERE checked_at < $1";

int cc_health_check_summary(struct cc_dbc *c, json_t **out, struct cc_err *err)
{
	struct cc_dbres r = CC_DBRES_INIT;
	int64_t total = 0;

	*out = NULL;
	if (cc_db_exec(c, sql_summary, NULL, 0, &r, err) < 0) {
		cc_dbres_release(&r);
		return -1;
	}
	*out = json_object();
	for (size_t k = 0; k < CC_ARRAY_SIZE(summary_keys); k++)
		json_object_set_new(*out, summary_keys[k], json_integer(0));
	for (int i = 0; i < r.nrows; i++) {
		const char *status = cc_dbres_str(&r, i, 0);
		int64_t n = cc_dbres_int(&r, i, 1);

		total += n;
		for (size_t k = 0; status && k < CC_ARRAY_SIZE(summary_keys); k++)
			if (!strcmp(status, summary_keys[k]))
				json_object_set_new(*out, summary_keys[k], json_integer(n));
	}
	json_object_set_new(*out, "total", json_integer(total));
	cc_dbres_release(&r);
	return 0;
}

static bool is_due(const struct cc_dbres *r, int row, int c_last, int c_ival, int64_t now)
{
	int64_t last = cc_dbres_time(r, row, c_last), ival = cc_dbres_int(r, row, c_ival);

	if (!last || ival <= 0)
		return true;
	if (ival > INT64_MAX / CC_USEC_PER_SEC)
		return false;
	return last <= now - ival * CC_USEC_PER_SEC;
}

int cc_health_check_due(struct cc_dbc *c, int64_t now, int limit, struct cc_list *out,
			struct cc_err *err)
{
	const struct cc_entity *e = &cc_health_check_entity;
	struct cc_buf sql = CC_BUF_INIT;
	struct cc_dbres r = CC_DBRES_INIT;
	int c_last, c_ival, rc = -1;

	*out = (struct cc_list)CC_LIST_INIT;
	cc_buf_adds(&sql, "SELECT ");
	cc_repo_columns(e, NULL, &sql);
	cc_buf_adds(&sql, sql_due);
	if (cc_db_exec(c, sql.buf, CC_DB_ARGS(CC_DB_BOOL(true), CC_DB_TIME(now)), &r, err) < 0)
		goto out;
	c_last = cc_dbres_col(&r, "last_checked_at");
	c_ival = cc_dbres_col(&r, "check_interval_seconds");
	out->items = cc_xcalloc((size_t)r.nrows + 1, sizeof(void *));
	for (int i = 0; i < r.nrows && (limit < 1 || out->n < (size_t)limit); i++) {
		if (!is_due(&r, i, c_last, c_ival, now))
			continue;
		out->items[out->n] = cc_obj_new(e);
		cc_repo_row(e, &r, i, 0, out->items[out->n]);
		out->n++;
	}
	out->total = (int64_t)out->n;
	rc = 0;
out:
	cc_dbres_release(&r);
	cc_buf_release(&sql);
	return rc;
}

int cc_health_history_add(struct cc_dbc *c, struct cc_health_history *h, struct cc_err *err)
{
	return cc_repo_insert(c, &cc_health_history_entity, h, err);
}

int cc_health_history_list(struct cc_dbc *c, const char *check_id, int limit, struct cc_list *out,
			   struct cc_err *err)
{
	int64_t n = limit < 1 ? INT64_MAX : limit;

	return cc_repo_select(c, &cc_health_history_entity, tail_history,
			      CC_DB_ARGS(CC_DB_TEXT(check_id), CC_DB_INT(n)), out, err);
}

int cc_health_history_prune(struct cc_dbc *c, int64_t older_than, int64_t *deleted,
			    struct cc_err *err)
{
	struct cc_dbres r = CC_DBRES_INIT;
	int rc;

	rc = cc_db_exec(c, sql_prune, CC_DB_ARGS(CC_DB_TIME(older_than)), &r, err);
	if (rc == 0 && deleted)
		*deleted = r.changes;
	cc_dbres_release(&r);
	return rc;
}
