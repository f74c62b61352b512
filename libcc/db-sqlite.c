/* db-sqlite.c: the SQLite driver (WAL, foreign keys on, busy timeout, statement cache,
 * checkpoints in the background: sqlite-ckpt.c) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sqlite3.h>
#include "libcc/db.h"
#include "libcc/buf.h"
#include "libcc/err.h"
#include "libcc/log.h"
#include "libcc/sqlite-ckpt.h"
#include "libcc/time.h"
#include "libcc/banned.h"

#define STMT_CACHE 48
#define BUSY_TIMEOUT_MS 10000

struct stmt_slot {
	char *sql; /* as written by the caller ($N placeholders) */
	sqlite3_stmt *st;
	uint64_t used;
};

struct sqlite_conn {
	struct cc_dbc base;
	sqlite3 *h;
	struct stmt_slot cache[STMT_CACHE];
	uint64_t tick;
	int64_t busy_since_ms; /* when the current wait for a lock began */
};

/* Waiting for another connection's write lock. sqlite3_busy_timeout sleeps 1, 2, 5, 10 ...
 * 100 ms between tries, so a waiter keeps sleeping long after a writer that held the lock
 * for 200 µs is gone: under concurrent writes most of a request's time went to those naps.
 * This polls every 50 µs for the first 2 ms, then every 250 µs, up to the same timeout
 * (cc_db_let_writers_in's pause is longer than one poll). */
static int on_busy(void *ud, int count)
{
	struct sqlite_conn *sc = ud;
	int64_t now = cc_time_mono_ms();
	struct timespec ts = { 0, count < 40 ? 50000 : 250000 };

	if (count == 0)
		sc->busy_since_ms = now;
	else if (now - sc->busy_since_ms >= BUSY_TIMEOUT_MS)
		return 0;
	nanosleep(&ts, NULL);
	return 1;
}

static int sq_err(struct sqlite_conn *sc, int rc, struct cc_err *err)
{
	int ext = sqlite3_extended_errcode(sc->h);
	const char *msg = sqlite3_errmsg(sc->h);

	switch (ext) {
	case SQLITE_CONSTRAINT_UNIQUE:
	case SQLITE_CONSTRAINT_PRIMARYKEY:
		return cc_err_set(err, CC_E_CONFLICT, "already exists (%s)", msg);
	case SQLITE_CONSTRAINT_FOREIGNKEY:
		return cc_err_set(err, CC_E_CONFLICT,
				  "a referenced resource does not exist or is still in use");
	case SQLITE_CONSTRAINT_NOTNULL:
	case SQLITE_CONSTRAINT_CHECK:
		return cc_err_set(err, CC_E_INVALID, "invalid value (%s)", msg);
	case SQLITE_CONSTRAINT_TRIGGER:
		return cc_err_set(err, CC_E_CONFLICT, "%s", msg);
	default:
		break;
	}
	if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
		return cc_err_set(err, CC_E_RETRY, "database is busy: %s", msg);
	return cc_err_set(err, CC_E_DB, "sqlite: %s", msg);
}

static struct cc_dbc *sq_connect(struct cc_db *db, struct cc_err *err)
{
	struct sqlite_conn *sc = cc_xcalloc(1, sizeof(*sc));
	int rc;

	rc = sqlite3_open_v2(cc_db_target(db), &sc->h,
			     SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX |
				     SQLITE_OPEN_EXRESCODE,
			     NULL);
	if (rc != SQLITE_OK) {
		cc_err_set(err, CC_E_UNAVAILABLE, "cannot open SQLite database '%s': %s",
			   cc_db_target(db), sc->h ? sqlite3_errmsg(sc->h) : sqlite3_errstr(rc));
		sqlite3_close(sc->h);
		free(sc);
		return NULL;
	}
	sqlite3_extended_result_codes(sc->h, 1);
	sqlite3_busy_handler(sc->h, on_busy, sc);
	rc = sqlite3_exec(sc->h,
			  "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; "
			  "PRAGMA synchronous=NORMAL; PRAGMA temp_store=MEMORY; "
			  /* 8 MiB: COUNT(*) over 100k rows must not thrash the page cache */
			  "PRAGMA cache_size=-8192;",
			  NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		cc_err_set(err, CC_E_UNAVAILABLE, "cannot set up SQLite database '%s': %s",
			   cc_db_target(db), sqlite3_errmsg(sc->h));
		sqlite3_close(sc->h);
		free(sc);
		return NULL;
	}
	/* commits wake the background checkpointer instead of checkpointing themselves */
	cc_sqlite_ckpt_attach(*cc_db_driver_state(db), sc->h);
	sc->base.db = db;
	sc->base.drv = &cc_db_sqlite_driver;
	return &sc->base;
}

static int sq_pool_open(struct cc_db *db, struct cc_err *err)
{
	(void)err;
	*cc_db_driver_state(db) = cc_sqlite_ckpt_new(cc_db_target(db), cc_db_log(db));
	return 0;
}

static void sq_pool_close(struct cc_db *db)
{
	cc_sqlite_ckpt_free(*cc_db_driver_state(db));
	*cc_db_driver_state(db) = NULL;
}

static void sq_disconnect(struct cc_dbc *c)
{
	struct sqlite_conn *sc = (struct sqlite_conn *)c;

	for (int i = 0; i < STMT_CACHE; i++) {
		sqlite3_finalize(sc->cache[i].st);
		free(sc->cache[i].sql);
	}
	sqlite3_close(sc->h);
	free(sc);
}

static void sq_shrink(struct cc_dbc *c)
{
	struct sqlite_conn *sc = (struct sqlite_conn *)c;

	/* prepared again on their next use */
	for (int i = 0; i < STMT_CACHE; i++) {
		sqlite3_finalize(sc->cache[i].st);
		free(sc->cache[i].sql);
		sc->cache[i] = (struct stmt_slot){ 0 };
	}
	sqlite3_db_release_memory(sc->h);
}

static bool sq_healthy(struct cc_dbc *c)
{
	(void)c;
	return true;
}

/* $N -> ?N outside of quotes, so one SQL text serves both engines */
static char *convert_placeholders(const char *sql)
{
	struct cc_buf b = CC_BUF_INIT;
	char quote = 0;

	for (const char *p = sql; *p; p++) {
		if (quote) {
			if (*p == quote)
				quote = 0;
		} else if (*p == '\'' || *p == '"') {
			quote = *p;
		} else if (*p == '$' && p[1] >= '0' && p[1] <= '9') {
			cc_buf_addc(&b, '?');
			continue;
		}
		cc_buf_addc(&b, *p);
	}
	return cc_buf_detach(&b, NULL);
}

static sqlite3_stmt *prepare(struct sqlite_conn *sc, const char *sql, struct cc_err *err)
{
	struct stmt_slot *victim = &sc->cache[0];
	char *conv;
	int rc;

	for (int i = 0; i < STMT_CACHE; i++) {
		struct stmt_slot *s = &sc->cache[i];
		if (s->sql && !strcmp(s->sql, sql)) {
			s->used = ++sc->tick;
			return s->st;
		}
		if (s->used < victim->used)
			victim = s;
	}
	conv = convert_placeholders(sql);
	sqlite3_finalize(victim->st);
	free(victim->sql);
	victim->st = NULL;
	victim->sql = NULL;
	victim->used = 0;
	rc = sqlite3_prepare_v3(sc->h, conv, -1, SQLITE_PREPARE_PERSISTENT, &victim->st, NULL);
	free(conv);
	if (rc != SQLITE_OK) {
		sq_err(sc, rc, err);
		return NULL;
	}
	victim->sql = cc_xstrdup(sql);
	victim->used = ++sc->tick;
	return victim->st;
}

static void json_array_text(struct cc_buf *b, const struct cc_dbarg *a)
{
	cc_buf_addc(b, '[');
	if (a->t == CC_DBT_STRV) {
		for (size_t i = 0; a->sv && i < a->sv->n; i++) {
			json_t *s = json_string(a->sv->v[i]);
			char *t = s ? json_dumps(s, JSON_ENCODE_ANY) : NULL;
			if (i)
				cc_buf_addc(b, ',');
			cc_buf_adds(b, t ? t : "\"\"");
			free(t);
			json_decref(s);
		}
	} else {
		for (size_t i = 0; i < a->n; i++)
			cc_buf_addf(b, "%s%lld", i ? "," : "", (long long)a->iv[i]);
	}
	cc_buf_addc(b, ']');
}

static int bind_args(struct sqlite_conn *sc, sqlite3_stmt *st, const struct cc_dbarg *args,
		     int nargs, struct cc_err *err)
{
	for (int i = 0; i < nargs; i++) {
		const struct cc_dbarg *a = &args[i];
		char ts[CC_TIME_BUFSZ];
		struct cc_buf b = CC_BUF_INIT;
		int rc;

		switch (a->t) {
		case CC_DBT_NULL:
			rc = sqlite3_bind_null(st, i + 1);
			break;
		case CC_DBT_TEXT:
		case CC_DBT_JSON:
			rc = a->s ? sqlite3_bind_text(st, i + 1, a->s, -1, SQLITE_TRANSIENT)
				  : sqlite3_bind_null(st, i + 1);
			break;
		case CC_DBT_INT:
		case CC_DBT_BOOL:
			rc = sqlite3_bind_int64(st, i + 1, a->i);
			break;
		case CC_DBT_TIME:
			rc = a->i ? sqlite3_bind_text(st, i + 1, cc_time_format_db(a->i, ts), -1,
						      SQLITE_TRANSIENT)
				  : sqlite3_bind_null(st, i + 1);
			break;
		case CC_DBT_STRV:
		case CC_DBT_INTV:
			json_array_text(&b, a);
			rc = sqlite3_bind_text(st, i + 1, b.buf, (int)b.len, SQLITE_TRANSIENT);
			cc_buf_release(&b);
			break;
		case CC_DBT_BLOB:
			rc = a->s ? sqlite3_bind_blob64(st, i + 1, a->s, a->n, SQLITE_TRANSIENT)
				  : sqlite3_bind_null(st, i + 1);
			break;
		default:
			CC_BUG("bad argument type %d", a->t);
		}
		if (rc != SQLITE_OK)
			return sq_err(sc, rc, err);
	}
	return 0;
}

static void add_cell(struct cc_dbres_builder *b, sqlite3_stmt *st, int col)
{
	char num[32];

	switch (sqlite3_column_type(st, col)) {
	case SQLITE_NULL:
		cc_dbres_builder_cell(b, NULL, 0);
		break;
	case SQLITE_INTEGER:
		snprintf(num, sizeof(num), "%lld", (long long)sqlite3_column_int64(st, col));
		cc_dbres_builder_cell(b, num, strlen(num));
		break;
	case SQLITE_FLOAT:
		snprintf(num, sizeof(num), "%.17g", sqlite3_column_double(st, col));
		cc_dbres_builder_cell(b, num, strlen(num));
		break;
	default: {
		const void *p = sqlite3_column_blob(st, col);
		cc_dbres_builder_cell(b, p ? p : "", (size_t)sqlite3_column_bytes(st, col));
	}
	}
}

static int sq_exec(struct cc_dbc *c, const char *sql, const struct cc_dbarg *args, int nargs,
		   struct cc_dbres *res, struct cc_err *err)
{
	struct sqlite_conn *sc = (struct sqlite_conn *)c;
	struct cc_dbres_builder *b = NULL;
	sqlite3_stmt *st = prepare(sc, sql, err);
	int rc, ret = -1, ncols;

	if (!st)
		goto fail;
	if (bind_args(sc, st, args, nargs, err) < 0)
		goto out;
	ncols = sqlite3_column_count(st);
	if (res) {
		b = cc_dbres_builder_new(ncols);
		for (int i = 0; i < ncols; i++)
			cc_dbres_builder_name(b, i, sqlite3_column_name(st, i));
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		for (int i = 0; b && i < ncols; i++)
			add_cell(b, st, i);
	}
	if (rc != SQLITE_DONE) {
		sq_err(sc, rc, err);
		goto out;
	}
	if (res) {
		cc_dbres_builder_finish(b, res);
		b = NULL;
		res->changes = sqlite3_changes64(sc->h);
	}
	ret = 0;
out:
	cc_db_add_vm_steps(c->db, (uint64_t)sqlite3_stmt_status(st, SQLITE_STMTSTATUS_VM_STEP, 1));
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (b) {
		struct cc_dbres tmp;
		cc_dbres_builder_finish(b, &tmp);
		cc_dbres_release(&tmp);
	}
fail:
	if (ret < 0 && c->tx_depth)
		c->tx_doomed = true;
	return ret;
}

static int sq_script(struct cc_dbc *c, const char *sql, struct cc_err *err)
{
	struct sqlite_conn *sc = (struct sqlite_conn *)c;
	char *msg = NULL;
	int rc = sqlite3_exec(sc->h, sql, NULL, NULL, &msg);

	if (rc != SQLITE_OK) {
		sq_err(sc, rc, err);
		sqlite3_free(msg);
		if (c->tx_depth)
			c->tx_doomed = true;
		return -1;
	}
	return 0;
}

const struct cc_db_driver cc_db_sqlite_driver = {
	.engine = CC_DB_SQLITE,
	.connect = sq_connect,
	.disconnect = sq_disconnect,
	.healthy = sq_healthy,
	.exec = sq_exec,
	.script = sq_script,
	.shrink = sq_shrink,
	/* each idle connection holds a parsed schema and its statements (about 150 kB);
	 * opening one again takes a millisecond */
	.shrink_closes_idle = true,
	.pool_open = sq_pool_open,
	.pool_close = sq_pool_close,
};
