/* migrate.c: applies the built-in numbered migrations, recording them in schema_migrations */
#include <stdlib.h>
#include <string.h>
#include "libcc/migrate.h"
#include "libcc/db.h"
#include "libcc/err.h"
#include "libcc/hash.h"
#include "libcc/log.h"
#include "libcc/mem.h"
#include "libcc/time.h"
#include "libcc/banned.h"

/* any constant shared by every certctl process: serialises migrations across replicas */
#define MIGRATE_LOCK "SELECT pg_advisory_xact_lock(7234001)"

static const char *create_table[] = {
	[CC_DB_SQLITE] = "CREATE TABLE IF NOT EXISTS schema_migrations ("
			 "version INTEGER NOT NULL PRIMARY KEY, name TEXT NOT NULL, "
			 "checksum TEXT NOT NULL, applied_at TEXT NOT NULL)",
	[CC_DB_PG] = "CREATE TABLE IF NOT EXISTS schema_migrations ("
		     "version INTEGER NOT NULL PRIMARY KEY, name TEXT NOT NULL, "
		     "checksum TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL)",
};

static const struct cc_migration *migrations(enum cc_db_engine e)
{
	return e == CC_DB_PG ? cc_migrations_pg : cc_migrations_sqlite;
}

int cc_migrate_latest(const struct cc_db *db)
{
	const struct cc_migration *m = migrations(cc_db_engine_of(db));
	int v = 0;

	for (; m->version; m++)
		v = m->version;
	return v;
}

static int lock_if_pg(struct cc_dbc *c, struct cc_err *err)
{
	if (cc_dbc_engine(c) != CC_DB_PG)
		return 0;
	return cc_db_exec(c, MIGRATE_LOCK, NULL, 0, NULL, err);
}

static int ensure_table(struct cc_dbc *c, struct cc_err *err)
{
	if (cc_db_begin(c, err) < 0)
		return -1;
	if (lock_if_pg(c, err) < 0 ||
	    cc_db_exec(c, create_table[cc_dbc_engine(c)], NULL, 0, NULL, err) < 0) {
		cc_db_rollback(c);
		return -1;
	}
	return cc_db_commit(c, err);
}

static int apply_one(struct cc_dbc *c, const struct cc_migration *m, bool *applied,
		     struct cc_err *err)
{
	struct cc_dbres r = CC_DBRES_INIT;
	char sum[CC_SHA256_HEX];

	*applied = false;
	if (cc_db_begin(c, err) < 0)
		return -1;
	if (lock_if_pg(c, err) < 0 ||
	    cc_db_exec(c, "SELECT 1 FROM schema_migrations WHERE version = $1",
		       CC_DB_ARGS(CC_DB_INT(m->version)), &r, err) < 0)
		goto fail;
	if (r.nrows) {
		cc_dbres_release(&r);
		return cc_db_commit(c, err);
	}
	if (cc_db_exec_script(c, m->sql, err) < 0) {
		cc_err_prefix(err, "migration %04d_%s", m->version, m->name);
		goto fail;
	}
	cc_sha256_hex(m->sql, strlen(m->sql), sum);
	if (cc_db_exec(c,
		       "INSERT INTO schema_migrations (version, name, checksum, applied_at) "
		       "VALUES ($1, $2, $3, $4)",
		       CC_DB_ARGS(CC_DB_INT(m->version), CC_DB_TEXT(m->name), CC_DB_TEXT(sum),
				  CC_DB_TIME(cc_time_now())),
		       NULL, err) < 0)
		goto fail;
	cc_dbres_release(&r);
	*applied = true;
	return cc_db_commit(c, err);
fail:
	cc_dbres_release(&r);
	cc_db_rollback(c);
	return -1;
}

int cc_migrate_up(struct cc_db *db, int *applied, struct cc_err *err)
{
	struct cc_dbc *c = cc_db_get(db, err);
	int rc = -1, n = 0;

	if (!c)
		return -1;
	if (ensure_table(c, err) < 0)
		goto out;
	for (const struct cc_migration *m = migrations(cc_dbc_engine(c)); m->version; m++) {
		bool did;
		if (apply_one(c, m, &did, err) < 0)
			goto out;
		if (did) {
			n++;
			cc_info(cc_db_log(db), "applied migration %04d_%s", m->version, m->name);
		}
	}
	rc = 0;
out:
	cc_db_put(db, c);
	if (applied)
		*applied = n;
	return rc;
}

int cc_migrate_status(struct cc_db *db, struct cc_migration_state **out, int *n, struct cc_err *err)
{
	const struct cc_migration *m = migrations(cc_db_engine_of(db));
	struct cc_dbres r = CC_DBRES_INIT;
	struct cc_dbc *c = cc_db_get(db, err);
	int count = 0, rc = -1;

	if (!c)
		return -1;
	for (const struct cc_migration *p = m; p->version; p++)
		count++;
	*out = cc_xcalloc((size_t)count + 1, sizeof(**out));
	*n = count;
	if (ensure_table(c, err) < 0 ||
	    cc_db_exec(c, "SELECT version, checksum, applied_at FROM schema_migrations", NULL, 0,
		       &r, err) < 0)
		goto out;
	for (int i = 0; i < count; i++) {
		char sum[CC_SHA256_HEX];
		(*out)[i].version = m[i].version;
		(*out)[i].name = m[i].name;
		(*out)[i].checksum_ok = 1;
		cc_sha256_hex(m[i].sql, strlen(m[i].sql), sum);
		for (int row = 0; row < r.nrows; row++) {
			if (cc_dbres_int(&r, row, 0) != m[i].version)
				continue;
			(*out)[i].applied_at = cc_dbres_time(&r, row, 2);
			(*out)[i].checksum_ok = !strcmp(cc_dbres_str(&r, row, 1), sum);
		}
	}
	rc = 0;
out:
	cc_dbres_release(&r);
	cc_db_put(db, c);
	if (rc < 0) {
		free(*out);
		*out = NULL;
	}
	return rc;
}
