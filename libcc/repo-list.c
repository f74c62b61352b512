/* repo-list.c: filtered, sorted lists with page or keyset-cursor paging */
#include <stdlib.h>
#include <string.h>
#include "libcc/repo.h"
#include "libcc/b64.h"
#include "libcc/buf.h"
#include "libcc/err.h"
#include "libcc/mem.h"
#include "libcc/time.h"
#include "libcc/banned.h"

/* API sort names of certctl v2.1 (camelCase) plus the column names themselves */
static const struct {
	const char *api;
	const char *column;
} sort_names[] = {
	{ "notAfter", "expires_at" },	 { "expiresAt", "expires_at" },
	{ "createdAt", "created_at" },	 { "updatedAt", "updated_at" },
	{ "commonName", "common_name" }, { "name", "name" },
	{ "status", "status" },		 { "environment", "environment" },
};

static const char *sortable[] = { "expires_at", "created_at", "updated_at", "common_name",
				  "name",	"status",     "environment" };

static const struct cc_field *sort_field(const struct cc_entity *e, const char *name)
{
	for (size_t i = 0; i < CC_ARRAY_SIZE(sort_names); i++)
		if (!strcmp(name, sort_names[i].api))
			return cc_entity_field(e, sort_names[i].column);
	for (size_t i = 0; i < CC_ARRAY_SIZE(sortable); i++)
		if (!strcmp(name, sortable[i]))
			return cc_entity_field(e, sortable[i]);
	/* the resource's own time order (timestamp, registered_at, last_seen_at …) */
	if (!strcmp(name, e->default_sort))
		return cc_entity_field(e, e->default_sort);
	return NULL;
}

struct plan {
	struct cc_buf where;
	struct cc_dbarg args[CC_QUERY_MAX_FILTERS + 4];
	char *owned[CC_QUERY_MAX_FILTERS + 4];
	int nargs;
};

static void plan_release(struct plan *p)
{
	cc_buf_release(&p->where);
	for (int i = 0; i < p->nargs; i++)
		free(p->owned[i]);
}

/* appends a constant fragment, replacing "$?" with the next placeholder number */
static void add_cond(struct plan *p, const char *frag)
{
	cc_buf_adds(&p->where, p->where.len ? " AND (" : " WHERE (");
	for (const char *s = frag; *s; s++) {
		if (s[0] == '$' && s[1] == '?') {
			cc_buf_addf(&p->where, "$%d", p->nargs + 1);
			s++;
		} else {
			cc_buf_addc(&p->where, *s);
		}
	}
	cc_buf_addc(&p->where, ')');
}

static int bind_filter(struct plan *p, const struct cc_filter *f, const char *v, struct cc_err *err)
{
	int64_t t;

	switch (f->type) {
	case CC_FT_TIME:
		if (cc_time_parse(v, &t) < 0)
			return cc_err_set(
				err, CC_E_INVALID,
				"%s: '%s' is not an RFC 3339 time (e.g. 2026-01-31T00:00:00Z)",
				f->param, v);
		p->args[p->nargs] = CC_DB_TIME(t);
		break;
	case CC_FT_BOOL:
		if (strcmp(v, "true") && strcmp(v, "false"))
			return cc_err_set(err, CC_E_INVALID, "%s: must be true or false", f->param);
		p->args[p->nargs] = CC_DB_BOOL(!strcmp(v, "true"));
		break;
	case CC_FT_INT: {
		char *end;
		long long n = strtoll(v, &end, 10);
		if (!*v || *end)
			return cc_err_set(err, CC_E_INVALID, "%s: '%s' is not an integer", f->param,
					  v);
		p->args[p->nargs] = CC_DB_INT(n);
		break;
	}
	default:
		p->owned[p->nargs] = cc_xstrdup(v);
		p->args[p->nargs] = CC_DB_TEXT(p->owned[p->nargs]);
		break;
	}
	add_cond(p, f->sql);
	p->nargs++;
	return 0;
}

static int add_filters(const struct cc_entity *e, const struct cc_query *q, struct plan *p,
		       struct cc_err *err)
{
	for (int i = 0; i < q->nfilt; i++) {
		const struct cc_filter *f = e->filters;

		while (f && f->param && strcmp(f->param, q->filt[i].param))
			f++;
		if (!f || !f->param)
			return cc_err_set(err, CC_E_INVALID, "unknown filter '%s' for %s",
					  q->filt[i].param, e->table);
		if (bind_filter(p, f, q->filt[i].value, err) < 0)
			return -1;
	}
	return 0;
}

/* cursor = base64url("<sort name>\x1f<N|V><value>\x1f<id>") */
static char *make_cursor(const char *sortname, const char *value, const char *id)
{
	char *raw = cc_xasprintf("%s\x1f%s%s\x1f%s", sortname, value ? "V" : "N",
				 value ? value : "", id);
	char *tok = cc_b64url_encode(raw, strlen(raw));

	free(raw);
	return tok;
}

static void add_raw_cond(struct plan *p, const char *text)
{
	cc_buf_addf(&p->where, "%s(%s)", p->where.len ? " AND " : " WHERE ", text);
}

/* keyset condition after the cursor row; NULLs sort first ascending, last descending */
static int add_cursor(const struct cc_entity *e, const struct cc_field *sf, bool desc,
		      const char *sortname, const char *cursor, struct plan *p, struct cc_err *err)
{
	const char *col = sf->column, *pk = cc_entity_pk(e)->column, *op = desc ? "<" : ">";
	struct cc_buf cond = CC_BUF_INIT;
	unsigned char *raw = NULL;
	char *s = NULL, *a, *b;
	size_t n;
	int64_t t;

	if (cc_b64url_decode(cursor, &raw, &n) < 0 || memchr(raw, '\0', n))
		goto bad;
	s = cc_xstrndup((char *)raw, n);
	a = strchr(s, '\x1f');
	b = a ? strchr(a + 1, '\x1f') : NULL;
	if (!a || !b || (a[1] != 'N' && a[1] != 'V'))
		goto bad;
	*a = *b = '\0';
	if (strcmp(s, sortname)) {
		free(raw);
		free(s);
		return cc_err_set(err, CC_E_INVALID, "cursor: made for another sort order");
	}
	if (a[1] == 'N') {
		if (desc)
			cc_buf_addf(&cond, "%s IS NULL AND %s < $%d", col, pk, p->nargs + 1);
		else
			cc_buf_addf(&cond, "(%s IS NULL AND %s > $%d) OR %s IS NOT NULL", col, pk,
				    p->nargs + 1, col);
	} else {
		if (sf->type == CC_FT_TIME) {
			if (cc_time_parse(a + 2, &t) < 0)
				goto bad;
			p->args[p->nargs] = CC_DB_TIME(t);
		} else if (sf->type == CC_FT_INT) {
			p->args[p->nargs] = CC_DB_INT(strtoll(a + 2, NULL, 10));
		} else {
			p->owned[p->nargs] = cc_xstrdup(a + 2);
			p->args[p->nargs] = CC_DB_TEXT(p->owned[p->nargs]);
		}
		p->nargs++;
		cc_buf_addf(&cond, "%s %s $%d OR (%s = $%d AND %s %s $%d)%s%s", col, op, p->nargs,
			    col, p->nargs, pk, op, p->nargs + 1, desc ? " OR " : "",
			    desc ? col : "");
		if (desc)
			cc_buf_adds(&cond, " IS NULL");
	}
	p->owned[p->nargs] = cc_xstrdup(b + 1);
	p->args[p->nargs] = CC_DB_TEXT(p->owned[p->nargs]);
	p->nargs++;
	add_raw_cond(p, cond.buf);
	cc_buf_release(&cond);
	free(raw);
	free(s);
	return 0;
bad:
	cc_buf_release(&cond);
	free(raw);
	free(s);
	return cc_err_set(err, CC_E_INVALID, "cursor: not a cursor returned by this server");
}

static int count_rows(struct cc_dbc *c, const struct cc_entity *e, struct plan *p, int nargs,
		      int64_t *total, struct cc_err *err)
{
	struct cc_buf sql = CC_BUF_INIT;
	struct cc_dbres r = CC_DBRES_INIT;
	int rc;

	cc_buf_addf(&sql, "SELECT COUNT(*) FROM %s%s", e->table, p->where.buf);
	rc = cc_db_exec(c, sql.buf, p->args, nargs, &r, err);
	if (rc == 0)
		*total = cc_dbres_int(&r, 0, 0);
	cc_dbres_release(&r);
	cc_buf_release(&sql);
	return rc;
}

static int resolve_sort(const struct cc_entity *e, const struct cc_query *q,
			const struct cc_field **sf, bool *desc, const char **name,
			struct cc_err *err)
{
	const char *s = q->sort;

	*desc = e->default_desc;
	if (!s || !*s) {
		*sf = cc_entity_field(e, e->default_sort);
		*name = e->default_sort;
		return 0;
	}
	*desc = s[0] == '-';
	if (s[0] == '-' || s[0] == '+')
		s++;
	*sf = sort_field(e, s);
	*name = q->sort;
	if (!*sf)
		return cc_err_set(err, CC_E_INVALID,
				  "sort: '%s' is not sortable (use notAfter, expiresAt, createdAt, "
				  "updatedAt, commonName, name, status or environment where the "
				  "resource has it)",
				  s);
	return 0;
}

int cc_repo_list(struct cc_dbc *c, const struct cc_entity *e, const struct cc_query *q,
		 struct cc_list *out, struct cc_err *err)
{
	struct plan p = { .where = CC_BUF_INIT };
	struct cc_buf sql = CC_BUF_INIT;
	struct cc_dbres r = CC_DBRES_INIT;
	const struct cc_field *sf;
	const char *sortname;
	int per = q->per_page ? q->per_page : CC_PAGE_DEFAULT, page = q->page ? q->page : 1;
	int nfilter_args, rc = -1;
	bool desc;

	*out = (struct cc_list)CC_LIST_INIT;
	if (per < 1 || per > CC_PAGE_MAX)
		return cc_err_set(err, CC_E_INVALID, "per_page: must be between 1 and %d",
				  CC_PAGE_MAX);
	if (page < 1 || page > 10000000)
		return cc_err_set(err, CC_E_INVALID, "page: must be 1 or more");
	if (resolve_sort(e, q, &sf, &desc, &sortname, err) < 0 || add_filters(e, q, &p, err) < 0)
		goto out;
	nfilter_args = p.nargs;
	if (!q->no_total && count_rows(c, e, &p, nfilter_args, &out->total, err) < 0)
		goto out;
	if (q->cursor_mode && q->cursor && *q->cursor &&
	    add_cursor(e, sf, desc, sortname, q->cursor, &p, err) < 0)
		goto out;
	cc_buf_adds(&sql, "SELECT ");
	cc_repo_columns(e, NULL, &sql);
	cc_buf_addf(&sql, " FROM %s%s ORDER BY %s %s, %s %s", e->table, p.where.buf, sf->column,
		    desc ? "DESC NULLS LAST" : "ASC NULLS FIRST", cc_entity_pk(e)->column,
		    desc ? "DESC" : "ASC");
	/* one row more than asked tells whether another cursor page exists */
	if (q->cursor_mode)
		cc_buf_addf(&sql, " LIMIT %d", per + 1);
	else if (!q->all)
		cc_buf_addf(&sql, " LIMIT %d OFFSET %lld", per, (long long)(page - 1) * per);
	if (cc_db_exec(c, sql.buf, p.args, p.nargs, &r, err) < 0)
		goto out;
	cc_repo_fill(e, &r, q->all && !q->cursor_mode ? -1 : per, out);
	if (q->cursor_mode && r.nrows > per) {
		const char *id = cc_obj_id(e, out->items[per - 1]);
		int col = cc_dbres_col(&r, sf->column);
		out->next_cursor = make_cursor(sortname, cc_dbres_str(&r, per - 1, col), id);
	}
	rc = 0;
out:
	cc_dbres_release(&r);
	cc_buf_release(&sql);
	plan_release(&p);
	return rc;
}
