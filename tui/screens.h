/* screens.h: the two generic screens most views are made of — a resource list (list view
 * + create/edit/delete/filter forms) and an object's detail (fields + related lists) — and
 * what views share (export to a file) */
#ifndef TUI_SCREENS_H
#define TUI_SCREENS_H

#include "tui/widgets.h"

/* result tags of the generic screens; a view's own start here */
#define TUI_TAG_LIST 1	 /* the list itself */
#define TUI_TAG_SAVE 2	 /* a create or edit: the list reloads */
#define TUI_TAG_TEST 190 /* a connection test (a view tag: TUI_TAG_USER + 90) */
#define TUI_TAG_USER 100

/* ---- resource list ---- */
struct tui_rl_desc {
	const char *path; /* the list, with a fixed query: "/api/v1/jobs?per_page=500" */
	const struct tui_col *cols;
	const char *open;      /* view Enter opens with the row id; NULL: the generic object */
	const char *item_path; /* "/api/v1/teams/%s": edit, delete and the generic object */
	const struct tui_field *form;	/* create and edit; NULL: neither */
	const struct tui_field *filter; /* server-side filters (query parameters) */
	const char *empty;		/* what an empty list says */
	const char *note;		/* a line above the list */
	bool live;			/* re-format the cells every second (countdowns) */
	int sort_col;			/* the first sort: column number + 1, 0 = the server's */
	/* the view's own: actions first (TUI_PASS: the generic one), results of its tags,
	 * a load that replaces the plain GET of path */
	int (*act)(struct tui_screen *s, enum tui_act a);
	int (*result)(struct tui_screen *s, const struct tui_res *r);
	void (*load)(struct tui_screen *s);
	void (*loaded)(struct tui_screen *s); /* after a new list is shown */
};

struct tui_rl {
	struct tui_list list;
	json_t *reply;	/* the last list reply */
	json_t *filter; /* the filter form's values, or NULL */
	json_t *user;	/* the view's own data */
	char *note;	/* a line above the list that the view sets, over desc->note */
	int64_t built_s;
};

struct tui_rl *tui_rl(struct tui_screen *s);
const struct tui_rl_desc *tui_rl_desc(const struct tui_screen *s);
/* the list from a reply (taken: new ref stolen) */
void tui_rl_set(struct tui_screen *s, json_t *reply);
/* path with the filter's query parameters (allocated) */
char *tui_rl_query(const struct tui_screen *s, const char *path);
void tui_rl_open(struct tui_screen *s);
void tui_rl_close(struct tui_screen *s);
void tui_rl_load(struct tui_screen *s);
int tui_rl_result(struct tui_screen *s, const struct tui_res *r);
int tui_rl_key(struct tui_screen *s, int key);
int tui_rl_act(struct tui_screen *s, enum tui_act a);
void tui_rl_draw(struct tui_screen *s, struct tui_rect r);
int tui_rl_tick(struct tui_screen *s, int64_t now_ms);

/* the operations of a resource list view */
#define TUI_RL_OPS TUI_VIEW_FNS(tui_rl), .tick = tui_rl_tick

/* a top screen that is a resource list */
#define TUI_RL_VIEW(id, nm, ttl, d, ...)                                                           \
	TUI_VIEW_DEF(id, nm, ttl, TUI_V_TOP, d, __VA_ARGS__) TUI_RL_OPS,                           \
	}
/* POSTs to path_fmt (%s: the id) for each selected row, or the current one */
void tui_rl_post_selected(struct tui_screen *s, int tag, const char *path_fmt);

/* ---- object detail ---- */
struct tui_sub {
	const char *title;
	const char *path; /* "/api/v1/jobs?certificate_id=%s": %s is the object's id */
	const struct tui_col *cols;
	const char *open; /* view its rows open */
};
#define TUI_SUB_END                                                                                \
	{                                                                                          \
		NULL, NULL, NULL, NULL                                                             \
	}

struct tui_obj_desc {
	const char *path;	    /* "/api/v1/jobs/%s"; NULL: the screen's arg is the path */
	const char *const *hide;    /* fields not shown (PEM blobs) */
	const struct tui_sub *subs; /* related lists, ended by TUI_SUB_END */
	int (*act)(struct tui_screen *s, enum tui_act a);
	int (*result)(struct tui_screen *s, const struct tui_res *r);
	void (*load)(struct tui_screen *s);				  /* extra requests */
	void (*extra)(struct tui_screen *s, struct tui_detail *d, int w); /* lines at the end */
};

#define TUI_OBJ_MAX_SUBS 8
struct tui_obj {
	struct tui_detail d;
	json_t *obj;
	json_t *sub[TUI_OBJ_MAX_SUBS];
	json_t *user; /* the view's own data */
	int built_w;  /* the width the lines were built for; 0: build again */
};

struct tui_obj *tui_obj(struct tui_screen *s);
/* the object's string field, or "" */
const char *tui_obj_str(struct tui_screen *s, const char *key);
void tui_obj_open(struct tui_screen *s);
void tui_obj_close(struct tui_screen *s);
void tui_obj_load(struct tui_screen *s);
int tui_obj_result(struct tui_screen *s, const struct tui_res *r);
int tui_obj_key(struct tui_screen *s, int key);
int tui_obj_act(struct tui_screen *s, enum tui_act a);
void tui_obj_draw(struct tui_screen *s, struct tui_rect r);

#define TUI_OBJ_VIEW(id, nm, ttl, d, ...)                                                          \
	TUI_VIEW_DEF(id, nm, ttl, 0, d, __VA_ARGS__) TUI_VIEW_FNS(tui_obj),                        \
	}

/* ---- columns.c: related lists shown by several screens ---- */
extern const struct tui_col tui_cols_certs[];	  /* name, status, expires */
extern const struct tui_col tui_cols_targets[];	  /* target, type, agent, test */
extern const struct tui_col tui_cols_cert_jobs[]; /* when, type, status, target */
extern const struct tui_col tui_cols_jobs[];	  /* when, type, status, certificate */

/* ---- shared actions ---- */
/* writes data to path (asked in a form first by the caller), reports on the status line */
int tui_export_write(struct tui_app *app, const char *path, const char *data, size_t n);
/* the ids as a JSON array of strings (new ref) */
json_t *tui_ids_json(const struct cc_strv *ids);
/* METHOD path_fmt (one %s: each id) for every id of a JSON array, with a copy of body
 * (borrowed, may be NULL) */
void tui_send_ids(struct tui_screen *s, int tag, const char *method, const char *path_fmt,
		  const json_t *ids, const json_t *body);
/* POST for every id of a list */
void tui_post_each(struct tui_screen *s, int tag, const char *path_fmt, const struct cc_strv *ids,
		   const json_t *body);
/* the fields of a new certificate (view-certificates.c) */
extern const struct tui_field tui_cert_form[];

/* the bulk revocation modal over parent, for the ids (may be NULL) and preset criteria
 * ({"owner_id": …}, may be NULL) */
void tui_bulk_revoke_open(struct tui_screen *parent, const struct cc_strv *ids,
			  const json_t *criteria);

/* ---- wizard.c: issuer and target creation, connection tests ---- */
struct tui_kind;
/* step 1 asks name, type and the fields of step1 (may be NULL); step 2 the type's config
 * fields; then POSTs to post_path and the answer reaches s with TUI_TAG_SAVE. agents, when
 * given, fills the choices of an "agent_id" field of step 1. */
void tui_wizard_open(struct tui_screen *s, const char *what, const struct tui_kind *kinds,
		     const char *post_path, const struct tui_field *step1, const json_t *agents);
/* POST path_fmt with the id; the answer reaches s with TUI_TAG_TEST */
void tui_test_connection(struct tui_screen *s, const char *path_fmt, const char *id);
/* the status line for a TUI_TAG_TEST answer */
int tui_test_result(struct tui_screen *s, const struct tui_res *r);

#endif
