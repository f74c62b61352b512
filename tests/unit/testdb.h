/* testdb.h: run a cmocka group against a fresh SQLite file and a fresh PostgreSQL schema */
#ifndef CC_TESTDB_H
#define CC_TESTDB_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include "libcc/db.h"
#include "libcc/err.h"

struct testdb {
	struct cc_db *db;
	struct cc_dbc *c; /* one connection, borrowed for the test */
	enum cc_db_engine engine;
	char *path;   /* SQLite file */
	char *schema; /* PostgreSQL schema */
};

/* group setup/teardown: state is a struct testdb * with migrations applied.
 * PostgreSQL needs CERTCTL_TEST_PG_URL; without it the PG group is skipped. */
int testdb_setup_sqlite(void **state);
int testdb_setup_pg(void **state);
int testdb_teardown(void **state);
/* per-test: empties every table (except the append-only audit_events) */
int testdb_reset(void **state);

/* runs the tests once per engine; returns the number of failures */
#define TESTDB_RUN(name, tests)                                                                    \
	(cmocka_run_group_tests_name(name " [sqlite]", tests, testdb_setup_sqlite,                 \
				     testdb_teardown) +                                            \
	 (testdb_have_pg() ? cmocka_run_group_tests_name(name " [postgresql]", tests,              \
							 testdb_setup_pg, testdb_teardown)         \
			   : 0))

/* false (with a note on stderr) when CERTCTL_TEST_PG_URL is unset */
int testdb_have_pg(void);

#define TDB(state) ((struct testdb *)*(state))
#define assert_ok(call)                                                                            \
	do {                                                                                       \
		struct cc_err e_ = CC_ERR_INIT;                                                    \
		(void)e_;                                                                          \
		if ((call) < 0)                                                                    \
			fail_msg("%s failed", #call);                                              \
	} while (0)

#endif
