/* vm.h: view models — server JSON to the strings, rows and series a screen shows. Pure
 * functions (no terminal), each tolerant of missing fields and wrong types. */
#ifndef TUI_VM_H
#define TUI_VM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

/* ---- fields ---- */
/* the value at a dotted path ("config.mode", "progress.done"): borrowed, NULL if absent */
const json_t *tui_jget(const json_t *o, const char *path);
/* a string field, NULL when absent or not a string */
const char *tui_jstr(const json_t *o, const char *path);
/* an integer (or a real, truncated) field; def otherwise */
long long tui_jint(const json_t *o, const char *path, long long def);
/* the rows of a reply: the "data" array of an envelope, or the reply when it is an array */
const json_t *tui_jdata(const json_t *reply);
/* any value as text: scalars as such, arrays of scalars joined by ", ", objects as
 * "k=v, …"; NULL and absent as "" (allocated) */
char *tui_jtext(const json_t *v);

enum tui_fmt {
	TUI_F_TEXT,
	TUI_F_STATUS, /* text, drawn in the color of the word */
	TUI_F_DATE,   /* 2026-12-04 */
	TUI_F_WHEN,   /* 2026-12-04 (in 6 days) */
	TUI_F_AGO,    /* 3 days ago / in 6 days */
	TUI_F_NUM,
	TUI_F_BOOL, /* yes / no */
	TUI_F_TTL,  /* time left until the timestamp, counting down: 4m 12s */
};
/* a value formatted for a cell (allocated) */
char *tui_format(const json_t *v, enum tui_fmt f, int64_t now_us);
/* "2h 03m", "4m 12s", "expired" for seconds left */
void tui_fmt_ttl(long long secs, char *out, size_t n);

/* ---- tables ---- */
struct tui_col {
	const char *title;
	const char *key; /* dotted path into the item */
	int width;	 /* columns; 0 shares what is left */
	enum tui_fmt fmt;
};
#define TUI_COL_END                                                                                \
	{                                                                                          \
		NULL, NULL, 0, TUI_F_TEXT                                                          \
	}

struct tui_row {
	char *id;    /* the item's "id" (or "" ) */
	char **cell; /* one per column */
	json_t *item;
};

struct tui_table {
	const struct tui_col *cols;
	int ncols;
	struct tui_row *row;
	size_t n;
	long long total; /* the envelope's total, or n */
};

/* rows from a reply ({data:[…]} or […]); items that are not objects are skipped. Returns
 * the row count, -1 (and an empty table) when the reply holds no list */
int tui_table_fill(struct tui_table *t, const struct tui_col *cols, const json_t *reply,
		   int64_t now_us);
void tui_table_release(struct tui_table *t);
/* the column widths for w screen columns (fixed ones first, the rest shared) */
void tui_table_widths(const struct tui_col *cols, int ncols, int w, int *out);
/* the table as CSV (RFC 4180 quoting), header first (allocated) */
char *tui_table_csv(const struct tui_table *t);
/* the raw fields keys of a list reply's items as CSV (objects as compact JSON), header
 * first (allocated) */
char *tui_json_csv(const json_t *reply, const char *const *keys);

#endif
