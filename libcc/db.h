/* db.h: one database API over SQLite (embedded default) and PostgreSQL (libpq).
 *
 * SQL is written once with $1..$N placeholders. Results look the same on both engines:
 * booleans "0"/"1", timestamps canonical UTC text (cc_time_format_db), arrays as JSON
 * text, JSON columns as JSON text, blobs as raw bytes. Every value reaches the database
 * as a bound parameter; SQL text only ever comes from constants in the code.
 * PostgreSQL infers each parameter's type from its first use: do not reuse one $N for
 * columns of different types. */
#ifndef CC_DB_H
#define CC_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include "libcc/strv.h"

struct cc_err;
struct cc_log;

enum cc_db_engine { CC_DB_SQLITE, CC_DB_PG };

enum cc_dbt {
	CC_DBT_NULL,
	CC_DBT_TEXT,
	CC_DBT_INT,
	CC_DBT_BOOL,
	CC_DBT_TIME,
	CC_DBT_JSON,
	CC_DBT_STRV,
	CC_DBT_INTV,
	CC_DBT_BLOB
};

struct cc_dbarg {
	enum cc_dbt t;
	const char *s;		  /* TEXT (NULL = SQL NULL), JSON text, BLOB bytes */
	int64_t i;		  /* INT, BOOL, TIME (0 = NULL) */
	const struct cc_strv *sv; /* STRV */
	const int64_t *iv;	  /* INTV */
	size_t n;		  /* INTV count, BLOB length */
};

#define CC_DB_NULL() ((struct cc_dbarg){ .t = CC_DBT_NULL })
#define CC_DB_TEXT(x) ((struct cc_dbarg){ .t = CC_DBT_TEXT, .s = (x) })
#define CC_DB_INT(x) ((struct cc_dbarg){ .t = CC_DBT_INT, .i = (int64_t)(x) })
#define CC_DB_BOOL(x) ((struct cc_dbarg){ .t = CC_DBT_BOOL, .i = (x) ? 1 : 0 })
#define CC_DB_TIME(x) ((struct cc_dbarg){ .t = CC_DBT_TIME, .i = (x) })
#define CC_DB_JSON(x) ((struct cc_dbarg){ .t = CC_DBT_JSON, .s = (x) })
#define CC_DB_STRV(x) ((struct cc_dbarg){ .t = CC_DBT_STRV, .sv = (x) })
#define CC_DB_INTV(v, cnt) ((struct cc_dbarg){ .t = CC_DBT_INTV, .iv = (v), .n = (cnt) })
#define CC_DB_BLOB(p, len)                                                                         \
	((struct cc_dbarg){ .t = CC_DBT_BLOB, .s = (const char *)(p), .n = (len) })
#define CC_DB_ARGS(...)                                                                            \
	((const struct cc_dbarg[]){ __VA_ARGS__ }),                                                \
		(int)(sizeof((const struct cc_dbarg[]){ __VA_ARGS__ }) / sizeof(struct cc_dbarg))

struct cc_dbres {
	int nrows, ncols;
	char **cells;	 /* nrows * ncols, NULL = SQL NULL */
	size_t *lens;	 /* byte length of each cell */
	char **names;	 /* ncols column names */
	int64_t changes; /* rows written by INSERT/UPDATE/DELETE */
	char *arena;
};

#define CC_DBRES_INIT                                                                              \
	{                                                                                          \
		0, 0, NULL, NULL, NULL, 0, NULL                                                    \
	}

struct cc_db;
struct cc_dbc;

/* opens a pool: url is postgres://..., postgresql://... or sqlite:PATH */
struct cc_db *cc_db_open(const char *url, int max_conns, struct cc_log *log, struct cc_err *err);
void cc_db_close(struct cc_db *db);
enum cc_db_engine cc_db_engine_of(const struct cc_db *db);
const char *cc_db_engine_name(enum cc_db_engine e);
/* where the data lives, without credentials (for logs) */
const char *cc_db_describe(const struct cc_db *db);

/* borrow a connection (blocks while all are busy); give it back with cc_db_put */
struct cc_dbc *cc_db_get(struct cc_db *db, struct cc_err *err);
void cc_db_put(struct cc_db *db, struct cc_dbc *c);
enum cc_db_engine cc_dbc_engine(const struct cc_dbc *c);

int cc_db_exec(struct cc_dbc *c, const char *sql, const struct cc_dbarg *args, int nargs,
	       struct cc_dbres *res, struct cc_err *err);
/* runs a multi-statement script without parameters (migrations) */
int cc_db_exec_script(struct cc_dbc *c, const char *sql, struct cc_err *err);
/* nested calls join the outer transaction; a failed inner one dooms the outer */
int cc_db_begin(struct cc_dbc *c, struct cc_err *err);
int cc_db_commit(struct cc_dbc *c, struct cc_err *err);
void cc_db_rollback(struct cc_dbc *c);
bool cc_db_in_tx(const struct cc_dbc *c);
/* inside the open transaction: a savepoint, and its end — kept (keep true and nothing
 * failed under it) or rolled back alone; the transaction goes on either way. Returns
 * whether what ran under it was kept. For callers that run several independent units of
 * work in one transaction (db-group.c) */
/* write(c, ud, err) in a transaction of its own on c (or nested in c's): committed when it
 * returns 0, rolled back otherwise; 0 once committed, else -1 with err set */
int cc_db_write_tx(struct cc_dbc *c, int (*write)(struct cc_dbc *c, void *ud, struct cc_err *err),
		   void *ud, struct cc_err *err);
int cc_db_savepoint(struct cc_dbc *c, struct cc_err *err);
bool cc_db_savepoint_end(struct cc_dbc *c, bool keep);
/* idle connections give back the memory of their caches (SQLite page caches and prepared
 * statements; on SQLite all idle connections but one are closed), then the allocator
 * returns free pages to the system: for quiet moments, so an idle daemon is small */
void cc_db_shrink(struct cc_db *db);
/* connections open now, in use or idle (tests, metrics) */
int cc_db_open_connections(struct cc_db *db);
/* for a loop of write transactions (scans, bulk work), between two of them: SQLite's write
 * lock is not fair, so a loop that takes it again at once starves every other writer (the
 * audit writer's queue overflows, API writes time out). A short pause lets them in. */
void cc_db_let_writers_in(const struct cc_dbc *c);
/* is the database answering? */
int cc_db_ping(struct cc_db *db, struct cc_err *err);

/* write generations: a number that grows with every committed write of this process
 * (to the audit trail, to the rest, or the sum of both); caches key on it */
#define CC_DB_GEN_DATA 0x1
#define CC_DB_GEN_AUDIT 0x2
uint64_t cc_db_generation(struct cc_db *db, unsigned which);
/* SQLite virtual-machine steps the pool's statements have run so far (0 on PostgreSQL):
 * a count of work that does not depend on the machine's speed, for tests that check a
 * query plan stays proportional to what it is asked for */
uint64_t cc_db_vm_steps(const struct cc_db *db);

void cc_dbres_release(struct cc_dbres *r);
const char *cc_dbres_str(const struct cc_dbres *r, int row, int col); /* NULL for SQL NULL */
char *cc_dbres_dup(const struct cc_dbres *r, int row, int col);	      /* NULL for SQL NULL */
int64_t cc_dbres_int(const struct cc_dbres *r, int row, int col);
bool cc_dbres_bool(const struct cc_dbres *r, int row, int col);
int64_t cc_dbres_time(const struct cc_dbres *r, int row, int col); /* 0 for NULL */
json_t *cc_dbres_json(const struct cc_dbres *r, int row, int col); /* new ref; NULL for NULL */
void cc_dbres_strv(const struct cc_dbres *r, int row, int col, struct cc_strv *out);
int cc_dbres_col(const struct cc_dbres *r, const char *name);

/* ---- driver interface (db-sqlite.c, db-pg.c) ---- */
struct cc_db_driver {
	enum cc_db_engine engine;
	struct cc_dbc *(*connect)(struct cc_db *db, struct cc_err *err);
	void (*disconnect)(struct cc_dbc *c);
	bool (*healthy)(struct cc_dbc *c);
	int (*exec)(struct cc_dbc *c, const char *sql, const struct cc_dbarg *args, int nargs,
		    struct cc_dbres *res, struct cc_err *err);
	int (*script)(struct cc_dbc *c, const char *sql, struct cc_err *err);
	void (*shrink)(struct cc_dbc *c); /* optional: drop caches it can rebuild */
	/* cc_db_shrink closes all idle connections but one: they cost memory here and are
	 * cheap to open again (SQLite), not a server round of authentication (PostgreSQL) */
	bool shrink_closes_idle;
	/* optional: the pool's own state (cc_db_driver_state), made before the first connect
	 * and released before the idle connections are closed (no statement runs then) */
	int (*pool_open)(struct cc_db *db, struct cc_err *err);
	void (*pool_close)(struct cc_db *db);
};

struct cc_dbc {
	struct cc_db *db;
	const struct cc_db_driver *drv;
	int tx_depth;
	bool tx_doomed;
	bool broken;
	unsigned pending_gen; /* CC_DB_GEN_* bits written by the open transaction */
	struct cc_dbc *next_idle;
};

extern const struct cc_db_driver cc_db_sqlite_driver;
extern const struct cc_db_driver cc_db_pg_driver;
/* the connection target as the driver needs it (path or libpq URL) */
const char *cc_db_target(const struct cc_db *db);
struct cc_log *cc_db_log(const struct cc_db *db);
/* a slot for the driver's per-pool state (pool_open/pool_close) */
void **cc_db_driver_state(struct cc_db *db);
/* the SQLite driver counts each statement's steps here */
void cc_db_add_vm_steps(struct cc_db *db, uint64_t n);

/* result building, shared by the drivers */
struct cc_dbres_builder;
struct cc_dbres_builder *cc_dbres_builder_new(int ncols);
void cc_dbres_builder_name(struct cc_dbres_builder *b, int col, const char *name);
void cc_dbres_builder_cell(struct cc_dbres_builder *b, const char *data,
			   size_t len); /* NULL: SQL NULL */
void cc_dbres_builder_finish(struct cc_dbres_builder *b, struct cc_dbres *out);

#endif
