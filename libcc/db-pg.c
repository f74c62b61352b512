/* db-pg.c: the PostgreSQL driver (libpq), normalising results to the SQLite shapes */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libpq-fe.h>
#include "libcc/db.h"
#include "libcc/buf.h"
#include "libcc/err.h"
#include "libcc/log.h"
#include "libcc/time.h"
#include "libcc/banned.h"

/* type OIDs from pg_type.h */
#define OID_BOOL 16
#define OID_BYTEA 17
#define OID_INT4_ARRAY 1007
#define OID_TEXT_ARRAY 1009
#define OID_VARCHAR_ARRAY 1015
#define OID_INT8_ARRAY 1016
#define OID_TIMESTAMP 1114
#define OID_TIMESTAMPTZ 1184

struct pg_conn {
	struct cc_dbc base;
	PGconn *h;
};

static void quiet_notices(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
}

static int setup_session(PGconn *h)
{
	PGresult *r = PQexec(h, "SET TIME ZONE 'UTC'; SET client_min_messages = warning");
	int ok = PQresultStatus(r) == PGRES_COMMAND_OK;

	PQclear(r);
	return ok ? 0 : -1;
}

static struct cc_dbc *pg_connect(struct cc_db *db, struct cc_err *err)
{
	struct pg_conn *pc = cc_xcalloc(1, sizeof(*pc));

	pc->h = PQconnectdb(cc_db_target(db));
	if (PQstatus(pc->h) != CONNECTION_OK || setup_session(pc->h) < 0) {
		char msg[200];
		snprintf(msg, sizeof(msg), "%s", PQerrorMessage(pc->h));
		msg[strcspn(msg, "\n")] = '\0';
		cc_err_set(err, CC_E_UNAVAILABLE, "cannot connect to PostgreSQL at %s: %s",
			   cc_db_describe(db), msg);
		PQfinish(pc->h);
		free(pc);
		return NULL;
	}
	PQsetNoticeProcessor(pc->h, quiet_notices, NULL);
	pc->base.db = db;
	pc->base.drv = &cc_db_pg_driver;
	return &pc->base;
}

static void pg_disconnect(struct cc_dbc *c)
{
	struct pg_conn *pc = (struct pg_conn *)c;

	PQfinish(pc->h);
	free(pc);
}

static bool pg_healthy(struct cc_dbc *c)
{
	return PQstatus(((struct pg_conn *)c)->h) == CONNECTION_OK;
}

static int pg_err(struct pg_conn *pc, PGresult *r, struct cc_err *err)
{
	const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	const char *primary = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	char msg[200];

	snprintf(msg, sizeof(msg), "%s", primary ? primary : PQerrorMessage(pc->h));
	msg[strcspn(msg, "\n")] = '\0';
	if (PQstatus(pc->h) != CONNECTION_OK) {
		pc->base.broken = true;
		return cc_err_set(err, CC_E_UNAVAILABLE, "lost connection to PostgreSQL: %s", msg);
	}
	if (!state)
		return cc_err_set(err, CC_E_DB, "postgresql: %s", msg);
	if (!strcmp(state, "23505"))
		return cc_err_set(err, CC_E_CONFLICT, "already exists (%s)", msg);
	if (!strcmp(state, "23503"))
		return cc_err_set(err, CC_E_CONFLICT,
				  "a referenced resource does not exist or is still in use");
	if (!strcmp(state, "23502") || !strcmp(state, "23514") || !strncmp(state, "22", 2))
		return cc_err_set(err, CC_E_INVALID, "invalid value (%s)", msg);
	if (!strcmp(state, "40001") || !strcmp(state, "40P01") || !strcmp(state, "55P03"))
		return cc_err_set(err, CC_E_RETRY, "transient conflict: %s", msg);
	if (!strcmp(state, "P0001"))
		return cc_err_set(err, CC_E_CONFLICT, "%s", msg);
	return cc_err_set(err, CC_E_DB, "postgresql %s: %s", state, msg);
}

static void array_literal(struct cc_buf *b, const struct cc_dbarg *a)
{
	cc_buf_addc(b, '{');
	if (a->t == CC_DBT_STRV) {
		for (size_t i = 0; a->sv && i < a->sv->n; i++) {
			cc_buf_adds(b, i ? ",\"" : "\"");
			for (const char *p = a->sv->v[i]; *p; p++) {
				if (*p == '"' || *p == '\\')
					cc_buf_addc(b, '\\');
				cc_buf_addc(b, *p);
			}
			cc_buf_addc(b, '"');
		}
	} else {
		for (size_t i = 0; i < a->n; i++)
			cc_buf_addf(b, "%s%lld", i ? "," : "", (long long)a->iv[i]);
	}
	cc_buf_addc(b, '}');
}

/* PostgreSQL array text ({a,"b c",NULL}) to a JSON array; ints stay numbers */
static void array_to_json(struct cc_buf *out, const char *s, bool numeric)
{
	const char *p = s;
	int first = 1;

	cc_buf_addc(out, '[');
	if (*p == '{')
		p++;
	while (*p && *p != '}') {
		struct cc_buf item = CC_BUF_INIT;
		bool quoted = *p == '"';

		if (quoted) {
			for (p++; *p && *p != '"'; p++) {
				if (*p == '\\' && p[1])
					p++;
				cc_buf_addc(&item, *p);
			}
			if (*p == '"')
				p++;
		} else {
			while (*p && *p != ',' && *p != '}')
				cc_buf_addc(&item, *p++);
		}
		if (!first)
			cc_buf_addc(out, ',');
		first = 0;
		if (!quoted && !strcmp(item.buf, "NULL")) {
			cc_buf_adds(out, "null");
		} else if (numeric) {
			cc_buf_adds(out, item.buf);
		} else {
			json_t *js = json_string(item.buf);
			char *t = js ? json_dumps(js, JSON_ENCODE_ANY) : NULL;
			cc_buf_adds(out, t ? t : "\"\"");
			free(t);
			json_decref(js);
		}
		cc_buf_release(&item);
		if (*p == ',')
			p++;
	}
	cc_buf_addc(out, ']');
}

static void add_cell(struct cc_dbres_builder *b, PGresult *r, int row, int col)
{
	const char *v = PQgetvalue(r, row, col);
	struct cc_buf tmp = CC_BUF_INIT;
	char ts[CC_TIME_BUFSZ];
	int64_t us;

	if (PQgetisnull(r, row, col)) {
		cc_dbres_builder_cell(b, NULL, 0);
		return;
	}
	switch (PQftype(r, col)) {
	case OID_BOOL:
		cc_dbres_builder_cell(b, v[0] == 't' ? "1" : "0", 1);
		return;
	case OID_TIMESTAMP:
	case OID_TIMESTAMPTZ:
		if (cc_time_parse(v, &us) == 0) {
			cc_time_format_db(us, ts);
			cc_dbres_builder_cell(b, ts, strlen(ts));
			return;
		}
		break;
	case OID_TEXT_ARRAY:
	case OID_VARCHAR_ARRAY:
	case OID_INT4_ARRAY:
	case OID_INT8_ARRAY:
		array_to_json(&tmp, v,
			      PQftype(r, col) == OID_INT4_ARRAY ||
				      PQftype(r, col) == OID_INT8_ARRAY);
		cc_dbres_builder_cell(b, tmp.buf, tmp.len);
		cc_buf_release(&tmp);
		return;
	case OID_BYTEA: {
		size_t n = 0;
		unsigned char *raw = PQunescapeBytea((const unsigned char *)v, &n);
		cc_dbres_builder_cell(b, raw ? (const char *)raw : "", raw ? n : 0);
		PQfreemem(raw);
		return;
	}
	default:
		break;
	}
	cc_dbres_builder_cell(b, v, (size_t)PQgetlength(r, row, col));
}

static PGresult *run(struct pg_conn *pc, const char *sql, const struct cc_dbarg *args, int nargs)
{
	const char **vals = cc_xcalloc((size_t)nargs + 1, sizeof(char *));
	int *lens = cc_xcalloc((size_t)nargs + 1, sizeof(int));
	int *fmts = cc_xcalloc((size_t)nargs + 1, sizeof(int));
	struct cc_buf *bufs = cc_xcalloc((size_t)nargs + 1, sizeof(struct cc_buf));
	PGresult *r;

	for (int i = 0; i < nargs; i++) {
		const struct cc_dbarg *a = &args[i];
		struct cc_buf *b = &bufs[i];
		char ts[CC_TIME_BUFSZ];

		cc_buf_init(b, 0);
		switch (a->t) {
		case CC_DBT_NULL:
			continue;
		case CC_DBT_TEXT:
		case CC_DBT_JSON:
			vals[i] = a->s;
			continue;
		case CC_DBT_INT:
			cc_buf_addf(b, "%lld", (long long)a->i);
			break;
		case CC_DBT_BOOL:
			cc_buf_adds(b, a->i ? "true" : "false");
			break;
		case CC_DBT_TIME:
			if (!a->i)
				continue;
			cc_buf_adds(b, cc_time_format_db(a->i, ts));
			break;
		case CC_DBT_STRV:
		case CC_DBT_INTV:
			array_literal(b, a);
			break;
		case CC_DBT_BLOB:
			if (!a->s)
				continue;
			vals[i] = a->s;
			lens[i] = (int)a->n;
			fmts[i] = 1;
			continue;
		}
		vals[i] = b->buf;
	}
	r = PQexecParams(pc->h, sql, nargs, NULL, vals, lens, fmts, 0);
	for (int i = 0; i < nargs; i++)
		cc_buf_release(&bufs[i]);
	free(bufs);
	free(vals);
	free(lens);
	free(fmts);
	return r;
}

static int pg_exec(struct cc_dbc *c, const char *sql, const struct cc_dbarg *args, int nargs,
		   struct cc_dbres *res, struct cc_err *err)
{
	struct pg_conn *pc = (struct pg_conn *)c;
	PGresult *r = run(pc, sql, args, nargs);
	ExecStatusType st = PQresultStatus(r);

	/* the server restarted: outside a transaction it is safe to reconnect and retry once */
	if (st == PGRES_FATAL_ERROR && PQstatus(pc->h) != CONNECTION_OK && !c->tx_depth) {
		PQclear(r);
		PQreset(pc->h);
		if (PQstatus(pc->h) == CONNECTION_OK && setup_session(pc->h) == 0) {
			r = run(pc, sql, args, nargs);
			st = PQresultStatus(r);
		} else {
			r = NULL;
		}
	}
	if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
		pg_err(pc, r, err);
		PQclear(r);
		if (c->tx_depth)
			c->tx_doomed = true;
		return -1;
	}
	if (res) {
		int nrows = PQntuples(r), ncols = PQnfields(r);
		struct cc_dbres_builder *b = cc_dbres_builder_new(ncols);
		const char *ch = PQcmdTuples(r);

		for (int i = 0; i < ncols; i++)
			cc_dbres_builder_name(b, i, PQfname(r, i));
		for (int row = 0; row < nrows; row++)
			for (int col = 0; col < ncols; col++)
				add_cell(b, r, row, col);
		cc_dbres_builder_finish(b, res);
		res->changes = ch && *ch ? strtoll(ch, NULL, 10) : 0;
	}
	PQclear(r);
	return 0;
}

static int pg_script(struct cc_dbc *c, const char *sql, struct cc_err *err)
{
	struct pg_conn *pc = (struct pg_conn *)c;
	PGresult *r = PQexec(pc->h, sql);
	ExecStatusType st = PQresultStatus(r);

	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && st != PGRES_EMPTY_QUERY) {
		pg_err(pc, r, err);
		PQclear(r);
		if (c->tx_depth)
			c->tx_doomed = true;
		return -1;
	}
	PQclear(r);
	return 0;
}

const struct cc_db_driver cc_db_pg_driver = {
	.engine = CC_DB_PG,
	.connect = pg_connect,
	.disconnect = pg_disconnect,
	.healthy = pg_healthy,
	.exec = pg_exec,
	.script = pg_script,
};
