/* repo.h: generic create/get/list/update/delete over a struct cc_entity */
#ifndef CC_REPO_H
#define CC_REPO_H

#include "libcc/db.h"
#include "libcc/entity.h"

struct cc_buf;

#define CC_QUERY_MAX_FILTERS 24
#define CC_PAGE_MAX 500
#define CC_PAGE_DEFAULT 50

struct cc_query {
	int page;     /* page mode: 1-based (0 = 1) */
	int per_page; /* 0 = CC_PAGE_DEFAULT */
	bool cursor_mode;
	const char *cursor; /* opaque token from a previous next_cursor, or NULL/"" */
	const char *sort;   /* API sort name, '-' prefix = descending; NULL = entity default */
	struct {
		const char *param;
		const char *value;
	} filt[CC_QUERY_MAX_FILTERS];
	int nfilt;
	bool no_total; /* skip COUNT(*) */
	bool all;      /* page mode: every matching row, no LIMIT (page and per_page unused) */
};

struct cc_list {
	void **items;
	size_t n;
	int64_t total;
	char *next_cursor; /* cursor mode: set when more rows may follow */
};

#define CC_LIST_INIT                                                                               \
	{                                                                                          \
		NULL, 0, 0, NULL                                                                   \
	}

int cc_query_filter(struct cc_query *q, const char *param, const char *value, struct cc_err *err);

/* fills an empty id ("<prefix>-…"), created/updated times; reads back DB defaults.
 * Only unset TEXT/TIME/JSON/BLOB values fall back to the column default: INT, BOOL and
 * array members are always written, so callers set their defaults explicitly. */
int cc_repo_insert(struct cc_dbc *c, const struct cc_entity *e, void *obj, struct cc_err *err);
/* CC_E_NOT_FOUND "<entity> '<id>' not found" */
int cc_repo_get(struct cc_dbc *c, const struct cc_entity *e, const char *id, void *out,
		struct cc_err *err);
/* writes every updatable column of obj (full replace); CC_E_NOT_FOUND when absent */
int cc_repo_update(struct cc_dbc *c, const struct cc_entity *e, void *obj, struct cc_err *err);
int cc_repo_delete(struct cc_dbc *c, const struct cc_entity *e, const char *id, struct cc_err *err);
int cc_repo_exists(struct cc_dbc *c, const struct cc_entity *e, const char *id, bool *out,
		   struct cc_err *err);
int cc_repo_list(struct cc_dbc *c, const struct cc_entity *e, const struct cc_query *q,
		 struct cc_list *out, struct cc_err *err);
/* rows chosen by a constant SQL tail ("WHERE x = $1 ORDER BY y"), for entity modules */
int cc_repo_select(struct cc_dbc *c, const struct cc_entity *e, const char *tail,
		   const struct cc_dbarg *args, int nargs, struct cc_list *out, struct cc_err *err);
/* one row by a constant tail; CC_E_NOT_FOUND when none */
int cc_repo_select_one(struct cc_dbc *c, const struct cc_entity *e, const char *tail,
		       const struct cc_dbarg *args, int nargs, void *out, struct cc_err *err);
/* objects from result rows (at most limit, -1 = all) */
int cc_repo_fill(const struct cc_entity *e, const struct cc_dbres *r, int limit,
		 struct cc_list *out);
void cc_list_release(const struct cc_entity *e, struct cc_list *l);

/* the SELECT column list of an entity, e.g. for joins ("t.id, t.name, ...") */
void cc_repo_columns(const struct cc_entity *e, const char *alias, struct cc_buf *out);
/* fills obj from a result row produced with cc_repo_columns */
void cc_repo_row(const struct cc_entity *e, const struct cc_dbres *r, int row, int col0, void *obj);

#endif
