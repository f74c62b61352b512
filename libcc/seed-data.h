/* seed-data.h: the demo data set as tables of constant strings; seed*.c only */
#ifndef CC_SEED_DATA_H
#define CC_SEED_DATA_H

#include <stddef.h>
#include "libcc/mem.h"

/*
 * Each row is one INSERT … ON CONFLICT … DO NOTHING with $1..$ncols; one letter of `types`
 * per column:
 *   s text   i integer   b bool ("1"/"0")   j JSON text
 *   t time relative to now: "-30d", "+12h", "-28d+10m" (d, h, m, s)
 *   a string array, space separated   n integer array, space separated
 *   H a fresh SHA-256 hex of a random value (the cell is ignored)
 *   S / F serial number / fingerprint of the demo certificate version named in the cell
 * A NULL cell is SQL NULL.
 */
struct cc_seed_table {
	const char *sql;
	const char *types;
	const char *const *cells;
	size_t ncols, nrows;
};

#define CC_SEED_TABLE(sql, types, rows)                                                            \
	{                                                                                          \
		sql, types, &rows[0][0], CC_ARRAY_SIZE(rows[0]), CC_ARRAY_SIZE(rows)               \
	}

/* managed_certificates columns the demo certificate versions are signed from */
enum { CC_SEED_MC_ID, CC_SEED_MC_CN = 2, CC_SEED_MC_SANS, CC_SEED_MC_PROFILE = 9 };

/* seed-fleet.c: teams … certificate_target_mappings, in foreign-key order */
const struct cc_seed_table *cc_seed_fleet(size_t *n);
/* the managed_certificates row with this id */
const char *const *cc_seed_fleet_cert(const char *id);
/* seed-history.c: policy, scans, jobs, notifications and audit events; inserted after the
 * certificate versions, whose serial numbers and fingerprints they quote */
const struct cc_seed_table *cc_seed_history(size_t *n);

#endif
