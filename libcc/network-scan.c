/* network-scan.c: the network_scan_targets table, its JSON keys and scan results */
#include "libcc/network-scan.h"
#include "libcc/err.h"
#include "libcc/time.h"
#include "libcc/banned.h"

static const struct cc_field fields[] = {
	CC_FIELD(struct cc_network_scan_target, id, "id", TEXT, CC_F_PK),
	CC_FIELD(struct cc_network_scan_target, name, "name", TEXT, 0),
	CC_FIELD(struct cc_network_scan_target, cidrs, "cidrs", STRV, 0),
	CC_FIELD(struct cc_network_scan_target, ports, "ports", INTV, 0),
	CC_FIELD(struct cc_network_scan_target, enabled, "enabled", BOOL, 0),
	CC_FIELD(struct cc_network_scan_target, scan_interval_hours, "scan_interval_hours", INT, 0),
	CC_FIELD(struct cc_network_scan_target, timeout_ms, "timeout_ms", INT, 0),
	CC_FIELD(struct cc_network_scan_target, last_scan_at, "last_scan_at", TIME,
		 CC_F_OMIT | CC_F_RO),
	CC_FIELD(struct cc_network_scan_target, last_scan_duration_ms, "last_scan_duration_ms", INT,
		 CC_F_OMIT | CC_F_RO),
	CC_FIELD(struct cc_network_scan_target, last_scan_certs_found, "last_scan_certs_found", INT,
		 CC_F_OMIT | CC_F_RO),
	CC_FIELD(struct cc_network_scan_target, created_at, "created_at", TIME,
		 CC_F_RO | CC_F_CREATED),
	CC_FIELD(struct cc_network_scan_target, updated_at, "updated_at", TIME,
		 CC_F_RO | CC_F_UPDATED),
	CC_FIELD(struct cc_network_scan_target, health_check_enabled, "health_check_enabled", BOOL,
		 CC_F_HIDDEN),
	CC_FIELD(struct cc_network_scan_target, health_check_interval_seconds,
		 "health_check_interval_seconds", INT, CC_F_HIDDEN),
};

static const struct cc_filter filters[] = {
	{ "enabled", "enabled = $?", CC_FT_BOOL },
	{ NULL, NULL, 0 },
};

const struct cc_entity cc_network_scan_target_entity = {
	.name = "network scan target",
	.table = "network_scan_targets",
	.id_prefix = "nst",
	.size = sizeof(struct cc_network_scan_target),
	.fields = fields,
	.nfields = sizeof(fields) / sizeof(fields[0]),
	.default_sort = "created_at",
	.default_desc = true,
	.filters = filters,
};

static const char sql_record_result[] =
	"UPDATE network_scan_targets SET last_scan_at = $2, last_scan_duration_ms = $3, "
	"last_scan_certs_found = $4, updated_at = $5 WHERE id = $1";

int cc_network_scan_record_result(struct cc_dbc *c, const char *id, int64_t at, int64_t duration_ms,
				  int64_t certs_found, struct cc_err *err)
{
	struct cc_dbres r = CC_DBRES_INIT;
	int rc;

	rc = cc_db_exec(c, sql_record_result,
			CC_DB_ARGS(CC_DB_TEXT(id), CC_DB_TIME(at), CC_DB_INT(duration_ms),
				   CC_DB_INT(certs_found), CC_DB_TIME(cc_time_now())),
			&r, err);
	if (rc == 0 && !r.changes)
		rc = cc_err_set(err, CC_E_NOT_FOUND, "network scan target '%s' not found", id);
	cc_dbres_release(&r);
	return rc;
}
