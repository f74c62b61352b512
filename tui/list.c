/* list.c: the list model — search, sort, selection and the cursor; no drawing */
#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "tui/widgets.h"
#include "libcc/banned.h"

void tui_list_init(struct tui_list *l)
{
	memset(l, 0, sizeof(*l));
	l->sort_col = -1;
	l->page = 10;
}

void tui_list_release(struct tui_list *l)
{
	tui_table_release(&l->t);
	free(l->vis);
	free(l->sel);
	l->vis = NULL;
	l->sel = NULL;
	l->nvis = l->nsel = 0;
}

static bool row_matches(const struct tui_list *l, const struct tui_row *r)
{
	if (!l->search[0])
		return true;
	if (strcasestr(r->id, l->search))
		return true;
	for (int c = 0; c < l->t.ncols; c++)
		if (strcasestr(r->cell[c], l->search))
			return true;
	return false;
}

/* numbers as numbers, the rest as text */
static int cell_cmp(const char *a, const char *b)
{
	char *ea, *eb;
	double x = strtod(a, &ea), y = strtod(b, &eb);

	if (ea != a && eb != b && !*ea && !*eb)
		return x < y ? -1 : x > y;
	return strcasecmp(a, b);
}

static const struct tui_list *sort_list; /* qsort has no context argument */

static int vis_cmp(const void *pa, const void *pb)
{
	const struct tui_list *l = sort_list;
	size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
	int c = cell_cmp(l->t.row[a].cell[l->sort_col], l->t.row[b].cell[l->sort_col]);

	if (!c)
		c = a < b ? -1 : a > b; /* stable */
	return l->sort_desc ? -c : c;
}

static void refilter(struct tui_list *l, const char *keep_id)
{
	l->nvis = 0;
	for (size_t i = 0; i < l->t.n; i++)
		if (row_matches(l, &l->t.row[i]))
			l->vis[l->nvis++] = i;
	if (l->sort_col >= 0 && l->sort_col < l->t.ncols && l->nvis > 1) {
		sort_list = l;
		qsort(l->vis, l->nvis, sizeof(*l->vis), vis_cmp);
		sort_list = NULL;
	}
	for (size_t i = 0; keep_id && i < l->nvis; i++)
		if (!strcmp(l->t.row[l->vis[i]].id, keep_id)) {
			l->cur = i;
			break;
		}
	if (l->cur >= l->nvis)
		l->cur = l->nvis ? l->nvis - 1 : 0;
}

void tui_list_set(struct tui_list *l, struct tui_table *t)
{
	const struct tui_row *cur = tui_list_current(l);
	char *keep = cur ? cc_xstrdup(cur->id) : NULL;
	bool *sel = cc_xcalloc(t->n + 1, sizeof(bool));
	size_t nsel = 0;

	/* the selection follows the ids */
	for (size_t i = 0; l->nsel && i < t->n; i++)
		for (size_t j = 0; j < l->t.n; j++)
			if (l->sel[j] && !strcmp(l->t.row[j].id, t->row[i].id)) {
				sel[i] = true;
				nsel++;
				break;
			}
	tui_table_release(&l->t);
	free(l->sel);
	free(l->vis);
	l->t = *t;
	memset(t, 0, sizeof(*t));
	l->sel = sel;
	l->nsel = nsel;
	l->vis = cc_xcalloc(l->t.n + 1, sizeof(size_t));
	refilter(l, keep);
	free(keep);
}

void tui_list_search(struct tui_list *l, const char *text)
{
	const struct tui_row *cur = tui_list_current(l);
	char *keep = cur ? cc_xstrdup(cur->id) : NULL;

	snprintf(l->search, sizeof(l->search), "%s", text);
	refilter(l, keep);
	free(keep);
}

const struct tui_row *tui_list_current(const struct tui_list *l)
{
	return l->nvis && l->cur < l->nvis ? &l->t.row[l->vis[l->cur]] : NULL;
}

void tui_list_ids(const struct tui_list *l, struct cc_strv *out)
{
	const struct tui_row *cur = tui_list_current(l);

	for (size_t i = 0; i < l->t.n; i++)
		if (l->sel[i])
			cc_strv_push(out, l->t.row[i].id);
	if (!out->n && cur)
		cc_strv_push(out, cur->id);
}

static int search_key(struct tui_list *l, int key)
{
	char text[sizeof(l->search)];
	size_t n = strlen(l->search);

	if (key == TUI_KEY_ESC) {
		l->searching = false;
		tui_list_search(l, "");
	} else if (key == '\n' || key == '\r' || key == KEY_ENTER || key == KEY_DOWN ||
		   key == KEY_UP) {
		l->searching = false;
		if (key == KEY_DOWN || key == KEY_UP)
			return tui_list_key(l, key);
	} else if (key == KEY_BACKSPACE || key == 127 || key == 8) {
		memcpy(text, l->search, n + 1);
		while (n && (text[n - 1] & 0xc0) == 0x80) /* a whole UTF-8 character */
			n--;
		text[n ? n - 1 : 0] = 0;
		tui_list_search(l, text);
	} else if (key >= 0x20 && key != 127 && key < 0x110000 && n + 5 < sizeof(text)) {
		char mb[8];
		int k = wctomb(mb, (wchar_t)key);
		if (k <= 0)
			return TUI_REDRAW;
		memcpy(text, l->search, n);
		memcpy(text + n, mb, (size_t)k);
		text[n + (size_t)k] = 0;
		tui_list_search(l, text);
	}
	return TUI_REDRAW;
}

static void toggle(struct tui_list *l, size_t row)
{
	l->sel[row] = !l->sel[row];
	l->nsel += l->sel[row] ? 1 : (size_t)-1;
}

static int select_key(struct tui_list *l, int key)
{
	if (key == ' ' && l->nvis) {
		toggle(l, l->vis[l->cur]);
		if (l->cur + 1 < l->nvis)
			l->cur++;
	} else if (key == '*') {
		/* all shown, or none when all shown are selected already */
		bool all = true;
		for (size_t i = 0; i < l->nvis; i++)
			all = all && l->sel[l->vis[i]];
		for (size_t i = 0; i < l->nvis; i++)
			if (l->sel[l->vis[i]] == all)
				toggle(l, l->vis[i]);
	}
	return TUI_REDRAW;
}

int tui_list_key(struct tui_list *l, int key)
{
	size_t last = l->nvis ? l->nvis - 1 : 0, page = l->page > 1 ? (size_t)l->page - 1 : 1;

	if (l->searching)
		return search_key(l, key);
	switch (key) {
	case KEY_DOWN:
	case 'j':
		l->cur = l->cur < last ? l->cur + 1 : last;
		break;
	case KEY_UP:
	case 'k':
		l->cur = l->cur ? l->cur - 1 : 0;
		break;
	case KEY_NPAGE:
		l->cur = l->cur + page < last ? l->cur + page : last;
		break;
	case KEY_PPAGE:
		l->cur = l->cur > page ? l->cur - page : 0;
		break;
	case KEY_HOME:
	case 'g':
		l->cur = 0;
		break;
	case KEY_END:
	case 'G':
		l->cur = last;
		break;
	case '/':
		l->searching = true;
		break;
	case 's':
	case 'S':
		if (key == 's')
			l->sort_col = l->sort_col + 1 < l->t.ncols ? l->sort_col + 1 : -1;
		else
			l->sort_desc = !l->sort_desc;
		tui_list_search(l, l->search);
		break;
	case ' ':
	case '*':
		return select_key(l, key);
	case TUI_KEY_ESC:
		if (!l->search[0] && !l->nsel)
			return TUI_PASS;
		if (l->search[0])
			tui_list_search(l, "");
		else
			for (size_t i = 0; i < l->t.n; i++)
				if (l->sel[i])
					toggle(l, i);
		break;
	default:
		return TUI_PASS;
	}
	return TUI_REDRAW;
}
