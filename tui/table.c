/* table.c: a list reply as rows of cells, column widths and CSV */
#include <stdlib.h>
#include <string.h>
#include "libcc/buf.h"
#include "tui/vm.h"
#include "libcc/banned.h"

void tui_table_release(struct tui_table *t)
{
	for (size_t i = 0; i < t->n; i++) {
		for (int c = 0; c < t->ncols; c++)
			free(t->row[i].cell[c]);
		free(t->row[i].cell);
		free(t->row[i].id);
		json_decref(t->row[i].item);
	}
	free(t->row);
	memset(t, 0, sizeof(*t));
}

int tui_table_fill(struct tui_table *t, const struct tui_col *cols, const json_t *reply,
		   int64_t now_us)
{
	const json_t *data = tui_jdata(reply), *item;
	size_t i;

	tui_table_release(t);
	t->cols = cols;
	while (cols && cols[t->ncols].title)
		t->ncols++;
	if (!data)
		return -1;
	t->row = cc_xcalloc(json_array_size(data) + 1, sizeof(*t->row));
	json_array_foreach (data, i, item) {
		struct tui_row *r;
		const char *id = tui_jstr(item, "id");

		if (!json_is_object(item))
			continue;
		r = &t->row[t->n++];
		r->id = cc_xstrdup(id ? id : "");
		r->item = json_incref((json_t *)item);
		r->cell = cc_xcalloc((size_t)t->ncols + 1, sizeof(char *));
		for (int c = 0; c < t->ncols; c++)
			r->cell[c] = tui_format(tui_jget(item, cols[c].key), cols[c].fmt, now_us);
	}
	t->total = tui_jint(reply, "total", (long long)t->n);
	return (int)t->n;
}

void tui_table_widths(const struct tui_col *cols, int ncols, int w, int *out)
{
	int fixed = 0, flex = 0, sum = 0;

	for (int c = 0; c < ncols; c++) {
		fixed += cols[c].width + 1;
		flex += !cols[c].width;
	}
	for (int c = 0; c < ncols; c++) {
		out[c] = cols[c].width;
		if (!cols[c].width)
			out[c] = w - fixed > flex * 4 ? (w - fixed) / flex : 4;
		sum += out[c] + 1;
	}
	/* too narrow: shrink from the right, keeping at least 3 columns each */
	for (int c = ncols - 1; c >= 0 && sum > w; c--) {
		int cut = out[c] - 3 < sum - w ? out[c] - 3 : sum - w;
		if (cut > 0) {
			out[c] -= cut;
			sum -= cut;
		}
	}
}

static void csv_field(struct cc_buf *b, const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		cc_buf_adds(b, s);
		return;
	}
	cc_buf_addc(b, '"');
	for (; *s; s++) {
		if (*s == '"')
			cc_buf_addc(b, '"');
		cc_buf_addc(b, *s);
	}
	cc_buf_addc(b, '"');
}

char *tui_table_csv(const struct tui_table *t)
{
	struct cc_buf b = CC_BUF_INIT;

	for (int c = 0; c < t->ncols; c++) {
		if (c)
			cc_buf_addc(&b, ',');
		csv_field(&b, t->cols[c].title);
	}
	cc_buf_adds(&b, "\r\n");
	for (size_t i = 0; i < t->n; i++) {
		for (int c = 0; c < t->ncols; c++) {
			if (c)
				cc_buf_addc(&b, ',');
			csv_field(&b, t->row[i].cell[c]);
		}
		cc_buf_adds(&b, "\r\n");
	}
	return cc_buf_detach(&b, NULL);
}

char *tui_json_csv(const json_t *reply, const char *const *keys)
{
	struct cc_buf b = CC_BUF_INIT;
	const json_t *it;
	size_t i;

	for (int k = 0; keys[k]; k++) {
		if (k)
			cc_buf_addc(&b, ',');
		csv_field(&b, keys[k]);
	}
	cc_buf_adds(&b, "\r\n");
	json_array_foreach (tui_jdata(reply), i, it) {
		for (int k = 0; keys[k]; k++) {
			const json_t *v = tui_jget(it, keys[k]);
			char *t = json_is_object(v) || json_is_array(v)
					  ? json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS)
					  : tui_jtext(v);
			if (k)
				cc_buf_addc(&b, ',');
			csv_field(&b, t ? t : "");
			free(t);
		}
		cc_buf_adds(&b, "\r\n");
	}
	return cc_buf_detach(&b, NULL);
}
