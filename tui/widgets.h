/* widgets.h: the list view, the detail view and the form — each a model that handles
 * keys without a terminal (unit-tested), plus a draw function */
#ifndef TUI_WIDGETS_H
#define TUI_WIDGETS_H

#include <stdbool.h>
#include <stddef.h>
#include "libcc/strv.h"
#include "tui/app.h"
#include "tui/draw.h"
#include "tui/vm.h"

/* ---- list view: columns, sort, incremental search, multi-select ---- */
struct tui_list {
	struct tui_table t;
	size_t *vis; /* rows shown (search + sort), indexes into t.row */
	size_t nvis;
	bool *sel; /* per row */
	size_t nsel;
	size_t cur, top; /* positions in vis */
	int sort_col;	 /* -1: the server's order */
	bool sort_desc;
	char search[96];
	bool searching; /* the search line takes the keys */
	int page;	/* rows per page, set by draw */
};

void tui_list_init(struct tui_list *l);
void tui_list_release(struct tui_list *l);
/* takes the table's rows (t is emptied); keeps the selection and the current row by id */
void tui_list_set(struct tui_list *l, struct tui_table *t);
/* navigation, search, sort and selection keys: TUI_REDRAW, or TUI_PASS when unused */
int tui_list_key(struct tui_list *l, int key);
/* sets the search text and applies it */
void tui_list_search(struct tui_list *l, const char *text);
const struct tui_row *tui_list_current(const struct tui_list *l);
/* the ids of the selected rows, or of the current row when none is selected */
void tui_list_ids(const struct tui_list *l, struct cc_strv *out);
void tui_list_draw(struct tui_list *l, struct tui_rect r, const char *empty);

/* ---- detail view: lines of label/value, section titles and links ---- */
struct tui_dline {
	char *label; /* NULL for a plain line */
	char *text;
	enum tui_style style;
	bool head;
	char *view, *arg; /* Enter opens view(arg) */
};

struct tui_detail {
	struct tui_dline *v;
	size_t n, alloc;
	size_t cur, top;
	int page;
};

void tui_detail_init(struct tui_detail *d);
void tui_detail_release(struct tui_detail *d); /* also resets for reuse */
void tui_detail_head(struct tui_detail *d, const char *title);
void tui_detail_kv(struct tui_detail *d, const char *label, const char *text, enum tui_style st);
void tui_detail_line(struct tui_detail *d, const char *text, enum tui_style st);
void tui_detail_link(struct tui_detail *d, const char *text, enum tui_style st, const char *view,
		     const char *arg);
/* every field of an object (nested objects as "a.b"), skipping the keys in hide */
void tui_detail_object(struct tui_detail *d, const json_t *o, const char *const *hide,
		       int64_t now_us);
/* a table as aligned lines; rows link to view with their id when view is set */
void tui_detail_table(struct tui_detail *d, const struct tui_table *t, const char *view, int width);
int tui_detail_key(struct tui_detail *d, int key);
const struct tui_dline *tui_detail_current(const struct tui_detail *d);
void tui_detail_draw(struct tui_detail *d, struct tui_rect r);

/* ---- form: text, number, list and choice fields ---- */
enum tui_ftype {
	TUI_FT_TEXT,
	TUI_FT_INT,
	TUI_FT_LIST,   /* comma-separated text sent as an array of strings */
	TUI_FT_CHOICE, /* Left/Right through choices */
	TUI_FT_BOOL,
	TUI_FT_JSON, /* text parsed as JSON: {"min_days":14} */
};

struct tui_field {
	const char *key; /* the JSON member (dotted: "config.cert_path") */
	const char *label;
	enum tui_ftype type;
	const char *choices; /* TUI_FT_CHOICE: "a|b|c" ("" first: may stay empty) */
	const char *def;
	bool required;
};
#define TUI_FIELD_END                                                                              \
	{                                                                                          \
		NULL, NULL, TUI_FT_TEXT, NULL, NULL, false                                         \
	}

struct tui_fval {
	char *key, *label;
	enum tui_ftype type;
	bool required;
	char text[256];
	struct cc_strv choices, labels; /* values and what is shown for them */
	size_t idx;
};

struct tui_form;
/* values: the fields as a JSON object (dotted keys nest); borrowed. ctx: the opener's */
typedef void (*tui_form_fn)(struct tui_screen *parent, int tag, const json_t *values,
			    const json_t *ctx);

struct tui_form {
	char *title, *note;
	struct tui_fval *f;
	size_t n, cur;
	char err[160];
	tui_form_fn submit;
	int tag;
	json_t *ctx;
};

/* opens a form above parent; ctx is stolen (may be NULL) */
struct tui_form *tui_form_open(struct tui_screen *parent, const char *title, int tag,
			       tui_form_fn submit, json_t *ctx);
void tui_form_init(struct tui_form *f);
void tui_form_release(struct tui_form *f);
void tui_form_add(struct tui_form *f, const struct tui_field *spec);
void tui_form_fields(struct tui_form *f, const struct tui_field *specs);
/* the choices of field key from a list reply: value = item[idkey], label = item[labelkey] */
void tui_form_choices(struct tui_form *f, const char *key, const json_t *reply, const char *idkey,
		      const char *labelkey, bool allow_empty);
/* sets a field's text or chooses a value */
void tui_form_set(struct tui_form *f, const char *key, const char *value);
const char *tui_form_get(const struct tui_form *f, const char *key);
/* a key: 1 to submit, -1 to cancel, 0 otherwise */
int tui_form_keypress(struct tui_form *f, int key);
/* the values (new ref), or NULL with f->err set when a field is missing or wrong */
json_t *tui_form_values(struct tui_form *f);
/* the form in a centered box inside r */
void tui_form_draw(struct tui_form *f, struct tui_rect r);

/* ---- modals: confirm, message ---- */
typedef void (*tui_confirm_fn)(struct tui_screen *parent, int tag, const json_t *ctx);
/* asks text (lines split on '\n'); yes runs on y/Enter. ctx is stolen */
void tui_confirm(struct tui_screen *parent, const char *title, const char *text, int tag,
		 tui_confirm_fn yes, json_t *ctx);
void tui_message(struct tui_screen *parent, const char *title, const char *text);
/* a progress bar: done of total in w columns */
void tui_progress_draw(int y, int x, int w, long long done, long long total);

#endif
