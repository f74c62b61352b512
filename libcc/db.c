/* db.c: connection pool, transactions and result access shared by both engines */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include "libcc/db.h"
#include "libcc/buf.h"
#include "libcc/err.h"
#include "libcc/log.h"
#include "libcc/time.h"
#include "libcc/banned.h"

#define CC_DB_WAIT_SECONDS 30

struct cc_db {
	const struct cc_db_driver *drv;
	char *target;	/* path or libpq URL */
	char *describe; /* without password */
	struct cc_log *log;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct cc_dbc *idle;
	int open, max;
	void *drv_state; /* the driver's, see pool_open */
	/* committed writes so far: to the audit trail, and to everything else */
	_Atomic uint64_t gen[2];
	_Atomic uint64_t vm_steps; /* see cc_db_vm_steps */
};

static char *strip_password(const char *url)
{
	const char *scheme = strstr(url, "://");
	const char *at = scheme ? strchr(scheme + 3, '@') : NULL;
	const char *colon;

	if (!at)
		return cc_xstrdup(url);
	colon = memchr(scheme + 3, ':', (size_t)(at - scheme - 3));
	if (!colon)
		return cc_xstrdup(url);
	return cc_xasprintf("%.*s:***%s", (int)(colon - url), url, at);
}

struct cc_db *cc_db_open(const char *url, int max_conns, struct cc_log *log, struct cc_err *err)
{
	struct cc_db *db = cc_xcalloc(1, sizeof(*db));
	struct cc_dbc *c;

	if (!strncmp(url, "postgres://", 11) || !strncmp(url, "postgresql://", 13)) {
		db->drv = &cc_db_pg_driver;
		db->target = cc_xstrdup(url);
		db->describe = strip_password(url);
	} else if (!strncmp(url, "sqlite:", 7) && url[7]) {
		db->drv = &cc_db_sqlite_driver;
		db->target = cc_xstrdup(url + 7);
		db->describe = cc_xasprintf("sqlite:%s", url + 7);
	} else {
		free(db);
		return cc_err_set(err, CC_E_CONFIG, "unsupported database URL '%s'", url), NULL;
	}
	db->log = log;
	db->max = max_conns > 0 ? max_conns : 1;
	pthread_mutex_init(&db->mu, NULL);
	pthread_cond_init(&db->cv, NULL);
	if (db->drv->pool_open && db->drv->pool_open(db, err) < 0) {
		cc_db_close(db);
		return NULL;
	}
	/* connect once now so configuration errors surface at startup */
	c = db->drv->connect(db, err);
	if (!c) {
		cc_db_close(db);
		return NULL;
	}
	db->open = 1;
	cc_db_put(db, c);
	return db;
}

void cc_db_close(struct cc_db *db)
{
	if (!db)
		return;
	if (db->drv->pool_close)
		db->drv->pool_close(db);
	while (db->idle) {
		struct cc_dbc *c = db->idle;
		db->idle = c->next_idle;
		db->drv->disconnect(c);
	}
	pthread_mutex_destroy(&db->mu);
	pthread_cond_destroy(&db->cv);
	free(db->target);
	free(db->describe);
	free(db);
}

enum cc_db_engine cc_db_engine_of(const struct cc_db *db)
{
	return db->drv->engine;
}

const char *cc_db_engine_name(enum cc_db_engine e)
{
	return e == CC_DB_PG ? "postgresql" : "sqlite";
}

const char *cc_db_describe(const struct cc_db *db)
{
	return db->describe;
}

const char *cc_db_target(const struct cc_db *db)
{
	return db->target;
}

struct cc_log *cc_db_log(const struct cc_db *db)
{
	return db->log;
}

void **cc_db_driver_state(struct cc_db *db)
{
	return &db->drv_state;
}

enum cc_db_engine cc_dbc_engine(const struct cc_dbc *c)
{
	return c->drv->engine;
}

struct cc_dbc *cc_db_get(struct cc_db *db, struct cc_err *err)
{
	struct timespec deadline;
	struct cc_dbc *c = NULL;

	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += CC_DB_WAIT_SECONDS;
	pthread_mutex_lock(&db->mu);
	while (!db->idle && db->open >= db->max) {
		if (pthread_cond_timedwait(&db->cv, &db->mu, &deadline) == ETIMEDOUT) {
			pthread_mutex_unlock(&db->mu);
			return cc_err_set(err, CC_E_UNAVAILABLE,
					  "no database connection free after %d s",
					  CC_DB_WAIT_SECONDS),
			       NULL;
		}
	}
	if (db->idle) {
		c = db->idle;
		db->idle = c->next_idle;
	} else {
		db->open++;
	}
	pthread_mutex_unlock(&db->mu);
	if (c && !db->drv->healthy(c)) {
		db->drv->disconnect(c);
		c = NULL;
	}
	if (!c) {
		c = db->drv->connect(db, err);
		if (!c) {
			pthread_mutex_lock(&db->mu);
			db->open--;
			pthread_cond_signal(&db->cv);
			pthread_mutex_unlock(&db->mu);
			return NULL;
		}
	}
	return c;
}

void cc_db_put(struct cc_db *db, struct cc_dbc *c)
{
	if (!c)
		return;
	if (c->tx_depth) {
		cc_warn(db->log, "database connection returned inside a transaction; rolling back");
		c->tx_depth = 1;
		cc_db_rollback(c);
	}
	pthread_mutex_lock(&db->mu);
	if (c->broken) {
		db->drv->disconnect(c);
		db->open--;
	} else {
		c->next_idle = db->idle;
		db->idle = c;
	}
	pthread_cond_signal(&db->cv);
	pthread_mutex_unlock(&db->mu);
}

void cc_db_let_writers_in(const struct cc_dbc *c)
{
	/* longer than one poll of the SQLite busy handler (db-sqlite.c); PostgreSQL locks rows,
	 * not the database */
	if (c->drv->engine == CC_DB_SQLITE)
		nanosleep(&(struct timespec){ 0, 300000 }, NULL);
}

void cc_db_shrink(struct cc_db *db)
{
	struct cc_dbc *spare;

	pthread_mutex_lock(&db->mu);
	/* keep the most recently used idle connection */
	spare = db->idle && db->drv->shrink_closes_idle ? db->idle->next_idle : NULL;
	if (spare)
		db->idle->next_idle = NULL;
	for (struct cc_dbc *c = spare, *next; c; c = next) {
		next = c->next_idle;
		db->drv->disconnect(c);
		db->open--;
	}
	for (struct cc_dbc *c = db->idle; c && db->drv->shrink; c = c->next_idle)
		db->drv->shrink(c);
	pthread_mutex_unlock(&db->mu);
#ifdef __GLIBC__
	malloc_trim(0);
#endif
}

int cc_db_open_connections(struct cc_db *db)
{
	int n;

	pthread_mutex_lock(&db->mu);
	n = db->open;
	pthread_mutex_unlock(&db->mu);
	return n;
}

/* which generations a statement moves: 0 for reads */
static unsigned write_bits(const char *sql)
{
	while (*sql == ' ' || *sql == '\n' || *sql == '\t')
		sql++;
	if (strncasecmp(sql, "INSERT", 6) && strncasecmp(sql, "UPDATE", 6) &&
	    strncasecmp(sql, "DELETE", 6) && strncasecmp(sql, "REPLACE", 7))
		return 0;
	return strstr(sql, "audit_events") ? CC_DB_GEN_AUDIT : CC_DB_GEN_DATA;
}

/* counted once committed: a reader that sees the new number also sees the rows */
static void bump(struct cc_dbc *c, unsigned bits)
{
	if (c->tx_depth > 0) {
		c->pending_gen |= bits;
		return;
	}
	for (int i = 0; i < 2; i++)
		if (bits & (1u << i))
			atomic_fetch_add(&c->db->gen[i], 1);
}

uint64_t cc_db_generation(struct cc_db *db, unsigned which)
{
	uint64_t g = 0;

	for (int i = 0; i < 2; i++)
		if (which & (1u << i))
			g += atomic_load(&db->gen[i]);
	return g;
}

void cc_db_add_vm_steps(struct cc_db *db, uint64_t n)
{
	atomic_fetch_add_explicit(&db->vm_steps, n, memory_order_relaxed);
}

uint64_t cc_db_vm_steps(const struct cc_db *db)
{
	return atomic_load(&db->vm_steps);
}

int cc_db_exec(struct cc_dbc *c, const char *sql, const struct cc_dbarg *args, int nargs,
	       struct cc_dbres *res, struct cc_err *err)
{
	unsigned bits = write_bits(sql);
	int rc;

	if (res)
		*res = (struct cc_dbres)CC_DBRES_INIT;
	rc = c->drv->exec(c, sql, args, nargs, res, err);
	if (bits && rc == 0)
		bump(c, bits);
	return rc;
}

static bool is_tx_control(const char *sql)
{
	return !strcmp(sql, "BEGIN") || !strcmp(sql, "BEGIN IMMEDIATE") || !strcmp(sql, "COMMIT") ||
	       !strcmp(sql, "ROLLBACK");
}

int cc_db_exec_script(struct cc_dbc *c, const char *sql, struct cc_err *err)
{
	int rc = c->drv->script(c, sql, err);

	/* scripts are migrations and fixtures: anything may have changed */
	if (rc == 0 && !is_tx_control(sql))
		bump(c, CC_DB_GEN_DATA | CC_DB_GEN_AUDIT);
	return rc;
}

int cc_db_begin(struct cc_dbc *c, struct cc_err *err)
{
	if (c->tx_depth++ > 0)
		return 0;
	c->tx_doomed = false;
	c->pending_gen = 0;
	/* IMMEDIATE takes SQLite's write lock up front: no deadlock on lock upgrade */
	if (cc_db_exec_script(c, c->drv->engine == CC_DB_SQLITE ? "BEGIN IMMEDIATE" : "BEGIN",
			      err) < 0) {
		c->tx_depth = 0;
		return -1;
	}
	return 0;
}

int cc_db_commit(struct cc_dbc *c, struct cc_err *err)
{
	if (c->tx_depth <= 0)
		CC_BUG("commit without transaction");
	if (--c->tx_depth > 0)
		return 0;
	if (c->tx_doomed) {
		cc_db_exec_script(c, "ROLLBACK", NULL);
		c->pending_gen = 0;
		return cc_err_set(err, CC_E_DB, "transaction rolled back after an earlier failure");
	}
	if (cc_db_exec_script(c, "COMMIT", err) < 0) {
		cc_db_exec_script(c, "ROLLBACK", NULL);
		return -1;
	}
	bump(c, c->pending_gen);
	c->pending_gen = 0;
	return 0;
}

void cc_db_rollback(struct cc_dbc *c)
{
	if (c->tx_depth <= 0)
		return;
	if (--c->tx_depth > 0) {
		c->tx_doomed = true;
		return;
	}
	cc_db_exec_script(c, "ROLLBACK", NULL);
	c->pending_gen = 0;
}

int cc_db_write_tx(struct cc_dbc *c, int (*write)(struct cc_dbc *c, void *ud, struct cc_err *err),
		   void *ud, struct cc_err *err)
{
	if (cc_db_begin(c, err) < 0)
		return -1;
	if (write(c, ud, err) == 0 && cc_db_commit(c, err) == 0)
		return 0;
	cc_db_rollback(c); /* a no-op when the failed commit rolled back already */
	return -1;
}

int cc_db_savepoint(struct cc_dbc *c, struct cc_err *err)
{
	if (c->tx_depth <= 0)
		CC_BUG("savepoint without transaction");
	/* a prepared statement from the connection's cache: sqlite3_exec would compile these
	 * for every unit */
	if (cc_db_exec(c, "SAVEPOINT cc_unit", NULL, 0, NULL, err) < 0)
		return -1;
	c->tx_depth++;
	return 0;
}

bool cc_db_savepoint_end(struct cc_dbc *c, bool keep)
{
	if (c->tx_depth != 2)
		CC_BUG("savepoint ended at transaction depth %d", c->tx_depth);
	keep = keep && !c->tx_doomed && !c->broken;
	c->tx_depth--;
	c->tx_doomed = false;
	/* a rolled-back unit's generation bits stay: an extra bump only empties a cache */
	if (!keep && cc_db_exec(c, "ROLLBACK TO SAVEPOINT cc_unit", NULL, 0, NULL, NULL) < 0)
		c->tx_doomed = true; /* cannot undo it: nothing of the transaction may stay */
	if (cc_db_exec(c, "RELEASE SAVEPOINT cc_unit", NULL, 0, NULL, NULL) < 0)
		c->tx_doomed = true;
	return keep && !c->tx_doomed;
}

bool cc_db_in_tx(const struct cc_dbc *c)
{
	return c->tx_depth > 0;
}

int cc_db_ping(struct cc_db *db, struct cc_err *err)
{
	struct cc_dbc *c = cc_db_get(db, err);
	int rc;

	if (!c)
		return -1;
	rc = cc_db_exec(c, "SELECT 1", NULL, 0, NULL, err);
	cc_db_put(db, c);
	return rc;
}

/* ---- results ---- */

struct cc_dbres_builder {
	int ncols;
	struct cc_buf arena;
	size_t *offs; /* SIZE_MAX = NULL */
	size_t *lens;
	size_t ncells, alloc;
	size_t *name_offs;
};

struct cc_dbres_builder *cc_dbres_builder_new(int ncols)
{
	struct cc_dbres_builder *b = cc_xcalloc(1, sizeof(*b));

	b->ncols = ncols;
	cc_buf_init(&b->arena, 0);
	b->name_offs = cc_xcalloc((size_t)ncols + 1, sizeof(size_t));
	return b;
}

void cc_dbres_builder_name(struct cc_dbres_builder *b, int col, const char *name)
{
	b->name_offs[col] = b->arena.len;
	cc_buf_adds(&b->arena, name);
	cc_buf_addc(&b->arena, '\0');
}

void cc_dbres_builder_cell(struct cc_dbres_builder *b, const char *data, size_t len)
{
	if (b->ncells == b->alloc) {
		b->alloc = b->alloc ? b->alloc * 2 : 64;
		b->offs = cc_xrealloc(b->offs, b->alloc * sizeof(size_t));
		b->lens = cc_xrealloc(b->lens, b->alloc * sizeof(size_t));
	}
	if (!data) {
		b->offs[b->ncells] = SIZE_MAX;
		b->lens[b->ncells++] = 0;
		return;
	}
	b->offs[b->ncells] = b->arena.len;
	b->lens[b->ncells++] = len;
	cc_buf_add(&b->arena, data, len);
	cc_buf_addc(&b->arena, '\0');
}

void cc_dbres_builder_finish(struct cc_dbres_builder *b, struct cc_dbres *out)
{
	char *base;

	out->ncols = b->ncols;
	out->nrows = b->ncols ? (int)(b->ncells / (size_t)b->ncols) : 0;
	cc_buf_grow(&b->arena, 0);
	out->arena = cc_buf_detach(&b->arena, NULL);
	base = out->arena;
	out->cells = cc_xcalloc(b->ncells + 1, sizeof(char *));
	out->lens = b->lens ? b->lens : cc_xcalloc(1, sizeof(size_t));
	for (size_t i = 0; i < b->ncells; i++)
		out->cells[i] = b->offs[i] == SIZE_MAX ? NULL : base + b->offs[i];
	out->names = cc_xcalloc((size_t)b->ncols + 1, sizeof(char *));
	for (int i = 0; i < b->ncols; i++)
		out->names[i] = base + b->name_offs[i];
	free(b->offs);
	free(b->name_offs);
	free(b);
}

void cc_dbres_release(struct cc_dbres *r)
{
	if (!r)
		return;
	free(r->cells);
	free(r->lens);
	free(r->names);
	free(r->arena);
	*r = (struct cc_dbres)CC_DBRES_INIT;
}

const char *cc_dbres_str(const struct cc_dbres *r, int row, int col)
{
	if (row < 0 || row >= r->nrows || col < 0 || col >= r->ncols)
		CC_BUG("result cell %d,%d out of range", row, col);
	return r->cells[row * r->ncols + col];
}

char *cc_dbres_dup(const struct cc_dbres *r, int row, int col)
{
	const char *s = cc_dbres_str(r, row, col);

	return s ? cc_xstrdup(s) : NULL;
}

int64_t cc_dbres_int(const struct cc_dbres *r, int row, int col)
{
	const char *s = cc_dbres_str(r, row, col);

	return s ? strtoll(s, NULL, 10) : 0;
}

bool cc_dbres_bool(const struct cc_dbres *r, int row, int col)
{
	const char *s = cc_dbres_str(r, row, col);

	return s && (s[0] == '1' || s[0] == 't');
}

int64_t cc_dbres_time(const struct cc_dbres *r, int row, int col)
{
	const char *s = cc_dbres_str(r, row, col);
	int64_t us = 0;

	if (s && cc_time_parse(s, &us) < 0)
		return 0;
	return us;
}

json_t *cc_dbres_json(const struct cc_dbres *r, int row, int col)
{
	const char *s = cc_dbres_str(r, row, col);

	return s ? json_loads(s, JSON_DECODE_ANY, NULL) : NULL;
}

void cc_dbres_strv(const struct cc_dbres *r, int row, int col, struct cc_strv *out)
{
	json_t *a = cc_dbres_json(r, row, col);
	size_t i;
	json_t *v;

	json_array_foreach (a, i, v) {
		if (json_is_string(v))
			cc_strv_push(out, json_string_value(v));
	}
	json_decref(a);
}

int cc_dbres_col(const struct cc_dbres *r, const char *name)
{
	for (int i = 0; i < r->ncols; i++)
		if (!strcmp(r->names[i], name))
			return i;
	return -1;
}
