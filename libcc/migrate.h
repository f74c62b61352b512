/* migrate.h: numbered schema migrations built into the binary, applied once each */
#ifndef CC_MIGRATE_H
#define CC_MIGRATE_H

#include <stdint.h>

struct cc_db;
struct cc_err;

struct cc_migration {
	int version;
	const char *name;
	const char *sql;
};

/* generated from schema/ (build/gen/schema.c), terminated by version 0 */
extern const struct cc_migration cc_migrations_sqlite[];
extern const struct cc_migration cc_migrations_pg[];

struct cc_migration_state {
	int version;
	const char *name;
	int64_t applied_at; /* 0 = pending */
	int checksum_ok;    /* the applied text is the one built in */
};

/* applies every pending migration, each in its own transaction; safe to run
 * concurrently from several processes; *applied counts the new ones */
int cc_migrate_up(struct cc_db *db, int *applied, struct cc_err *err);
/* the state of every built-in migration (caller frees *out) */
int cc_migrate_status(struct cc_db *db, struct cc_migration_state **out, int *n,
		      struct cc_err *err);
int cc_migrate_latest(const struct cc_db *db);

#endif
