/* repo.c: generic create/get/update/delete over a struct cc_entity (SQL from constants only) */
#include <stdlib.h>
#include <string.h>
#include "libcc/repo.h"
#include "libcc/buf.h"
#include "libcc/err.h"
#include "libcc/id.h"
#include "libcc/mem.h"
#include "libcc/time.h"
#include "libcc/banned.h"

#define AT(obj, f, type) ((type *)((char *)(obj) + (f)->off))
#define CAT(obj, f, type) ((const type *)((const char *)(obj) + (f)->off))
/* a pointer member of a const object */
#define CPTR(obj, f, type) (*(type *const *)((const char *)(obj) + (f)->off))

static bool has_column(const struct cc_field *f)
{
	return f->column && !(f->flags & CC_F_NOCOL);
}

void cc_repo_columns(const struct cc_entity *e, const char *alias, struct cc_buf *out)
{
	int n = 0;

	for (size_t i = 0; i < e->nfields; i++) {
		if (!has_column(&e->fields[i]))
			continue;
		cc_buf_addf(out, "%s%s%s%s", n++ ? ", " : "", alias ? alias : "", alias ? "." : "",
			    e->fields[i].column);
	}
}

static void read_intv(const char *s, struct cc_intv *iv)
{
	json_t *a = s ? json_loads(s, JSON_DECODE_ANY, NULL) : NULL;
	size_t i;
	json_t *v;

	iv->v = cc_xcalloc(json_array_size(a) + 1, sizeof(int64_t));
	iv->n = 0;
	json_array_foreach (a, i, v) {
		if (json_is_integer(v))
			iv->v[iv->n++] = json_integer_value(v);
	}
	json_decref(a);
}

void cc_repo_row(const struct cc_entity *e, const struct cc_dbres *r, int row, int col0, void *obj)
{
	int col = col0;

	for (size_t i = 0; i < e->nfields; i++) {
		const struct cc_field *f = &e->fields[i];

		if (!has_column(f))
			continue;
		switch (f->type) {
		case CC_FT_TEXT:
			free(*AT(obj, f, char *));
			*AT(obj, f, char *) = cc_dbres_dup(r, row, col);
			break;
		case CC_FT_INT:
			*AT(obj, f, int64_t) = cc_dbres_int(r, row, col);
			break;
		case CC_FT_BOOL:
			*AT(obj, f, bool) = cc_dbres_bool(r, row, col);
			break;
		case CC_FT_TIME:
			*AT(obj, f, int64_t) = cc_dbres_time(r, row, col);
			break;
		case CC_FT_JSON:
			json_decref(*AT(obj, f, json_t *));
			*AT(obj, f, json_t *) = cc_dbres_json(r, row, col);
			break;
		case CC_FT_STRV:
			cc_strv_release(AT(obj, f, struct cc_strv));
			cc_dbres_strv(r, row, col, AT(obj, f, struct cc_strv));
			break;
		case CC_FT_INTV:
			cc_intv_release(AT(obj, f, struct cc_intv));
			read_intv(cc_dbres_str(r, row, col), AT(obj, f, struct cc_intv));
			break;
		case CC_FT_BLOB: {
			struct cc_bytes *b = AT(obj, f, struct cc_bytes);
			const char *s = cc_dbres_str(r, row, col);
			cc_bytes_release(b);
			if (s) {
				b->n = r->lens[row * r->ncols + col];
				b->p = cc_xmalloc(b->n + 1);
				memcpy(b->p, s, b->n);
			}
			break;
		}
		}
		col++;
	}
}

/* the bound value of one field; json text is kept alive in *tmp */
static struct cc_dbarg field_arg(const struct cc_field *f, const void *obj, char **tmp)
{
	switch (f->type) {
	case CC_FT_TEXT:
		return CC_DB_TEXT(CPTR(obj, f, char));
	case CC_FT_INT:
		return CC_DB_INT(*CAT(obj, f, int64_t));
	case CC_FT_BOOL:
		return CC_DB_BOOL(*CAT(obj, f, bool));
	case CC_FT_TIME:
		return CC_DB_TIME(*CAT(obj, f, int64_t));
	case CC_FT_JSON: {
		json_t *v = CPTR(obj, f, json_t);
		*tmp = v ? json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
		return CC_DB_JSON(*tmp);
	}
	case CC_FT_STRV:
		return CC_DB_STRV(CAT(obj, f, struct cc_strv));
	case CC_FT_INTV: {
		const struct cc_intv *iv = CAT(obj, f, struct cc_intv);
		return CC_DB_INTV(iv->v, iv->n);
	}
	case CC_FT_BLOB: {
		const struct cc_bytes *b = CAT(obj, f, struct cc_bytes);
		return CC_DB_BLOB(b->p, b->n);
	}
	}
	CC_BUG("bad field type");
}

/* unset values are left out of INSERT so the database default applies */
static bool is_unset(const struct cc_field *f, const void *obj)
{
	switch (f->type) {
	case CC_FT_TEXT:
		return !CPTR(obj, f, char);
	case CC_FT_TIME:
		return !*CAT(obj, f, int64_t);
	case CC_FT_JSON:
		return !CPTR(obj, f, json_t);
	case CC_FT_BLOB:
		return !CAT(obj, f, struct cc_bytes)->p;
	default:
		return false;
	}
}

static void free_tmps(char **tmps, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(tmps[i]);
	free(tmps);
}

static int run_returning(struct cc_dbc *c, const struct cc_entity *e, const char *sql,
			 const struct cc_dbarg *args, int nargs, void *obj, const char *id,
			 struct cc_err *err)
{
	struct cc_dbres r = CC_DBRES_INIT;
	int rc = -1;

	if (cc_db_exec(c, sql, args, nargs, &r, err) < 0)
		goto out;
	if (r.nrows == 0) {
		cc_err_set(err, CC_E_NOT_FOUND, "%s '%s' not found", e->name, id);
		goto out;
	}
	cc_repo_row(e, &r, 0, 0, obj);
	rc = 0;
out:
	cc_dbres_release(&r);
	return rc;
}

int cc_repo_insert(struct cc_dbc *c, const struct cc_entity *e, void *obj, struct cc_err *err)
{
	const struct cc_field *pk = cc_entity_pk(e);
	struct cc_buf sql = CC_BUF_INIT, vals = CC_BUF_INIT;
	struct cc_dbarg *args = cc_xcalloc(e->nfields + 1, sizeof(*args));
	char **tmps = cc_xcalloc(e->nfields + 1, sizeof(char *));
	char **idp = AT(obj, pk, char *);
	int64_t now = cc_time_now();
	int n = 0, rc;

	if (!*idp || !**idp) {
		free(*idp);
		*idp = cc_id_new(e->id_prefix);
	}
	cc_buf_addf(&sql, "INSERT INTO %s (", e->table);
	for (size_t i = 0; i < e->nfields; i++) {
		const struct cc_field *f = &e->fields[i];

		if (!has_column(f))
			continue;
		if (f->type == CC_FT_TIME &&
		    ((f->flags & CC_F_UPDATED) || ((f->flags & CC_F_CREATED) && is_unset(f, obj))))
			*AT(obj, f, int64_t) = now;
		if (is_unset(f, obj))
			continue;
		args[n] = field_arg(f, obj, &tmps[n]);
		cc_buf_addf(&sql, "%s%s", n ? ", " : "", f->column);
		cc_buf_addf(&vals, "%s$%d", n ? ", " : "", n + 1);
		n++;
	}
	cc_buf_addf(&sql, ") VALUES (%s) RETURNING ", vals.buf);
	cc_repo_columns(e, NULL, &sql);
	rc = run_returning(c, e, sql.buf, args, n, obj, *idp, err);
	free_tmps(tmps, e->nfields);
	free(args);
	cc_buf_release(&sql);
	cc_buf_release(&vals);
	return rc;
}

int cc_repo_get(struct cc_dbc *c, const struct cc_entity *e, const char *id, void *out,
		struct cc_err *err)
{
	struct cc_buf sql = CC_BUF_INIT;
	int rc;

	cc_buf_adds(&sql, "SELECT ");
	cc_repo_columns(e, NULL, &sql);
	cc_buf_addf(&sql, " FROM %s WHERE %s = $1", e->table, cc_entity_pk(e)->column);
	rc = run_returning(c, e, sql.buf, CC_DB_ARGS(CC_DB_TEXT(id)), out, id, err);
	cc_buf_release(&sql);
	return rc;
}

int cc_repo_exists(struct cc_dbc *c, const struct cc_entity *e, const char *id, bool *out,
		   struct cc_err *err)
{
	struct cc_buf sql = CC_BUF_INIT;
	struct cc_dbres r = CC_DBRES_INIT;
	int rc;

	cc_buf_addf(&sql, "SELECT 1 FROM %s WHERE %s = $1", e->table, cc_entity_pk(e)->column);
	rc = cc_db_exec(c, sql.buf, CC_DB_ARGS(CC_DB_TEXT(id)), &r, err);
	*out = rc == 0 && r.nrows > 0;
	cc_dbres_release(&r);
	cc_buf_release(&sql);
	return rc;
}

int cc_repo_update(struct cc_dbc *c, const struct cc_entity *e, void *obj, struct cc_err *err)
{
	const struct cc_field *pk = cc_entity_pk(e);
	struct cc_buf sql = CC_BUF_INIT;
	struct cc_dbarg *args = cc_xcalloc(e->nfields + 1, sizeof(*args));
	char **tmps = cc_xcalloc(e->nfields + 1, sizeof(char *));
	int64_t now = cc_time_now();
	int n = 0, rc;

	if (e->flags & CC_E_APPEND_ONLY) {
		free(args);
		free(tmps);
		return cc_err_set(err, CC_E_CONFLICT, "%s records cannot be changed", e->name);
	}
	cc_buf_addf(&sql, "UPDATE %s SET ", e->table);
	for (size_t i = 0; i < e->nfields; i++) {
		const struct cc_field *f = &e->fields[i];

		if (!has_column(f) || (f->flags & (CC_F_PK | CC_F_NOUPDATE | CC_F_CREATED)))
			continue;
		if (f->flags & CC_F_UPDATED)
			*AT(obj, f, int64_t) = now;
		args[n] = field_arg(f, obj, &tmps[n]);
		cc_buf_addf(&sql, "%s%s = $%d", n ? ", " : "", f->column, n + 1);
		n++;
	}
	args[n++] = CC_DB_TEXT(CPTR(obj, pk, char));
	cc_buf_addf(&sql, " WHERE %s = $%d RETURNING ", pk->column, n);
	cc_repo_columns(e, NULL, &sql);
	rc = run_returning(c, e, sql.buf, args, n, obj, CPTR(obj, pk, char), err);
	free_tmps(tmps, e->nfields);
	free(args);
	cc_buf_release(&sql);
	return rc;
}

int cc_repo_delete(struct cc_dbc *c, const struct cc_entity *e, const char *id, struct cc_err *err)
{
	struct cc_buf sql = CC_BUF_INIT;
	struct cc_dbres r = CC_DBRES_INIT;
	int rc = -1;

	if (e->flags & CC_E_APPEND_ONLY)
		return cc_err_set(err, CC_E_CONFLICT, "%s records cannot be deleted", e->name);
	cc_buf_addf(&sql, "DELETE FROM %s WHERE %s = $1", e->table, cc_entity_pk(e)->column);
	if (cc_db_exec(c, sql.buf, CC_DB_ARGS(CC_DB_TEXT(id)), &r, err) == 0) {
		rc = r.changes ? 0
			       : cc_err_set(err, CC_E_NOT_FOUND, "%s '%s' not found", e->name, id);
	}
	cc_dbres_release(&r);
	cc_buf_release(&sql);
	return rc;
}

int cc_repo_fill(const struct cc_entity *e, const struct cc_dbres *r, int limit,
		 struct cc_list *out)
{
	int n = limit >= 0 && r->nrows > limit ? limit : r->nrows;

	out->items = cc_xcalloc((size_t)n + 1, sizeof(void *));
	for (int i = 0; i < n; i++) {
		out->items[i] = cc_obj_new(e);
		cc_repo_row(e, r, i, 0, out->items[i]);
	}
	out->n = (size_t)n;
	return 0;
}

int cc_repo_select(struct cc_dbc *c, const struct cc_entity *e, const char *tail,
		   const struct cc_dbarg *args, int nargs, struct cc_list *out, struct cc_err *err)
{
	struct cc_buf sql = CC_BUF_INIT;
	struct cc_dbres r = CC_DBRES_INIT;
	int rc;

	*out = (struct cc_list)CC_LIST_INIT;
	cc_buf_adds(&sql, "SELECT ");
	cc_repo_columns(e, NULL, &sql);
	cc_buf_addf(&sql, " FROM %s %s", e->table, tail ? tail : "");
	rc = cc_db_exec(c, sql.buf, args, nargs, &r, err);
	if (rc == 0) {
		cc_repo_fill(e, &r, -1, out);
		out->total = (int64_t)out->n;
	}
	cc_dbres_release(&r);
	cc_buf_release(&sql);
	return rc;
}

int cc_repo_select_one(struct cc_dbc *c, const struct cc_entity *e, const char *tail,
		       const struct cc_dbarg *args, int nargs, void *out, struct cc_err *err)
{
	struct cc_buf sql = CC_BUF_INIT;
	struct cc_dbres r = CC_DBRES_INIT;
	int rc = -1;

	cc_buf_adds(&sql, "SELECT ");
	cc_repo_columns(e, NULL, &sql);
	cc_buf_addf(&sql, " FROM %s %s", e->table, tail);
	if (cc_db_exec(c, sql.buf, args, nargs, &r, err) == 0) {
		if (r.nrows) {
			cc_repo_row(e, &r, 0, 0, out);
			rc = 0;
		} else {
			cc_err_set(err, CC_E_NOT_FOUND, "%s not found", e->name);
		}
	}
	cc_dbres_release(&r);
	cc_buf_release(&sql);
	return rc;
}

void cc_list_release(const struct cc_entity *e, struct cc_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		cc_obj_free(e, l->items[i]);
	free(l->items);
	free(l->next_cursor);
	*l = (struct cc_list)CC_LIST_INIT;
}

int cc_query_filter(struct cc_query *q, const char *param, const char *value, struct cc_err *err)
{
	if (q->nfilt >= CC_QUERY_MAX_FILTERS)
		return cc_err_set(err, CC_E_INVALID, "too many filters");
	q->filt[q->nfilt].param = param;
	q->filt[q->nfilt].value = value;
	q->nfilt++;
	return 0;
}
