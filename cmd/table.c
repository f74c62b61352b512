/* table.c: aligned tables sized to the terminal, and "Label: value" details */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cmd/cli.h"
#include "libcc/strv.h"
#include "libcc/time.h"
#include "libcc/banned.h"

#define GAP 2
#define MIN_SHRUNK 8 /* a shortened column keeps this many columns */
#define RESET "\033[0m"

/* code points; every one counts as one column */
size_t cli_text_width(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

void cli_text_fit(const char *s, size_t w, struct cc_buf *out)
{
	const char *p = s;
	size_t n = 0;

	if (cli_text_width(s) <= w) {
		cc_buf_adds(out, s);
		return;
	}
	if (!w)
		return;
	/* w - 1 code points, then the ellipsis */
	while (*p && n < w - 1) {
		p++;
		while ((*p & 0xC0) == 0x80)
			p++;
		n++;
	}
	cc_buf_add(out, s, (size_t)(p - s));
	cc_buf_adds(out, "…");
}

void cli_table_layout(const size_t *natural, const size_t *min, size_t ncols, size_t width,
		      size_t gap, size_t *out)
{
	size_t total = ncols ? gap * (ncols - 1) : 0;

	for (size_t i = 0; i < ncols; i++) {
		out[i] = natural[i];
		total += natural[i];
	}
	while (width && total > width) {
		size_t widest = ncols;
		for (size_t i = 0; i < ncols; i++)
			if (out[i] > min[i] && (widest == ncols || out[i] > out[widest]))
				widest = i;
		if (widest == ncols)
			return; /* nothing left to shrink: the line wraps */
		out[widest]--;
		total--;
	}
}

const char *cli_status_color(const char *status)
{
	static const struct {
		const char *color, *words;
	} map[] = {
		{ "\033[32m",
		  " Active Online Completed Issued healthy success Managed Valid good " },
		{ "\033[33m", " Expiring Pending Running RenewalInProgress AwaitingCSR "
			      "AwaitingApproval Unmanaged degraded warning Stale " },
		{ "\033[31m", " Expired Revoked Failed Offline down error critical revoked "
			      "cert_mismatch " },
		{ "\033[2m", " Archived Cancelled Dismissed Disabled unknown " },
	};
	char word[64];

	if (!status || strlen(status) > sizeof(word) - 3)
		return "";
	snprintf(word, sizeof(word), " %s ", status);
	for (size_t i = 0; i < CC_ARRAY_SIZE(map); i++)
		if (strstr(map[i].words, word))
			return map[i].color;
	return "";
}

/* control characters from the server never reach the terminal */
static void add_clean(struct cc_buf *out, const char *s)
{
	for (; *s; s++)
		cc_buf_addc(out, (unsigned char)*s < 0x20 || *s == 0x7f ? ' ' : *s);
}

void cli_cell_text(const json_t *v, enum cli_cell kind, int64_t now, struct cc_buf *out)
{
	char t[CC_TIME_BUFSZ];
	int64_t us;
	size_t i;
	json_t *e;
	char *s;

	if (!v || json_is_null(v))
		return;
	if (json_is_string(v)) {
		if (kind == CELL_TIME && cc_time_parse(json_string_value(v), &us) == 0)
			add_clean(out, us > 0 ? cc_time_human(us, now, t) : "-");
		else
			add_clean(out, json_string_value(v));
	} else if (json_is_integer(v)) {
		cc_buf_addf(out, "%lld", (long long)json_integer_value(v));
	} else if (json_is_real(v)) {
		cc_buf_addf(out, "%g", json_real_value(v));
	} else if (json_is_boolean(v)) {
		cc_buf_adds(out, json_is_true(v) ? "yes" : "no");
	} else if (json_is_array(v) && kind == CELL_LIST) {
		json_array_foreach (v, i, e) {
			if (i)
				cc_buf_addc(out, ',');
			cli_cell_text(e, CELL_TEXT, now, out);
		}
	} else if ((s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY))) {
		add_clean(out, s);
		free(s);
	}
}

/* the columns from --fields: "id,common_name" -> ID, COMMON NAME */
static struct cli_col *fields_cols(const char *fields, struct cc_strv *keep)
{
	struct cli_col *cols;

	cc_strv_split(keep, fields, ',');
	size_t n = keep->n;

	cols = cc_xcalloc(n + 1, sizeof(*cols));
	for (size_t i = 0; i < n; i++) {
		const char *k = keep->v[i];
		struct cc_buf t = CC_BUF_INIT;

		for (const char *p = k; *p; p++)
			cc_buf_addc(&t, *p == '_'		 ? ' '
					: *p >= 'a' && *p <= 'z' ? (char)(*p - 32)
								 : *p);
		cc_strv_take(keep, cc_buf_detach(&t, NULL));
		cols[i].title = keep->v[keep->n - 1];
		cols[i].key = k;
		if (strstr(k, "_at") || !strncmp(k, "not_", 4))
			cols[i].kind = CELL_TIME;
		else if (!strcmp(k, "id"))
			cols[i].kind = CELL_ID;
		else
			cols[i].kind = !strcmp(k, "status") ? CELL_STATUS : CELL_LIST;
	}
	return cols;
}

static void print_cell(struct cli *c, const char *text, size_t w, const char *color, bool last)
{
	struct cc_buf b = CC_BUF_INIT;
	size_t n;

	cli_text_fit(text, w, &b);
	n = cli_text_width(b.buf);
	if (*color)
		printf("%s%s%s", color, b.buf, RESET);
	else
		fputs(b.buf, stdout);
	if (!last)
		printf("%*s", (int)(w - n + GAP), "");
	(void)c;
	cc_buf_release(&b);
}

void cli_print_table(struct cli *c, const json_t *items, const struct cli_col *cols,
		     const char *fields)
{
	struct cc_strv keep = CC_STRV_INIT;
	struct cli_col *own = fields ? fields_cols(fields, &keep) : NULL;
	size_t nc = 0, nr = json_array_size(items), *nat, *min, *w;
	struct cc_buf *cell;

	if (own)
		cols = own;
	while (cols[nc].title)
		nc++;
	nat = cc_xcalloc(nc * 3 + 1, sizeof(*nat));
	min = nat + nc, w = nat + 2 * nc;
	cell = cc_xcalloc(nr * nc + 1, sizeof(*cell));
	for (size_t j = 0; j < nc; j++)
		nat[j] = cli_text_width(cols[j].title);
	for (size_t i = 0; i < nr; i++)
		for (size_t j = 0; j < nc; j++) {
			struct cc_buf *b = &cell[i * nc + j];
			cc_buf_init(b, 0);
			cli_cell_text(json_object_get(json_array_get(items, i), cols[j].key),
				      cols[j].kind, c->now, b);
			if (cli_text_width(b->buf) > nat[j])
				nat[j] = cli_text_width(b->buf);
		}
	for (size_t j = 0; j < nc; j++)
		min[j] = cols[j].kind == CELL_ID || nat[j] < MIN_SHRUNK ? nat[j] : MIN_SHRUNK;
	cli_table_layout(nat, min, nc, c->width, GAP, w);
	for (size_t j = 0; j < nc; j++)
		print_cell(c, cols[j].title, w[j], "", j + 1 == nc);
	putchar('\n');
	for (size_t i = 0; i < nr; i++) {
		for (size_t j = 0; j < nc; j++) {
			const char *t = cell[i * nc + j].buf;
			print_cell(c, t, w[j],
				   c->color && cols[j].kind == CELL_STATUS ? cli_status_color(t)
									   : "",
				   j + 1 == nc);
		}
		putchar('\n');
	}
	for (size_t i = 0; i < nr * nc; i++)
		cc_buf_release(&cell[i]);
	free(cell);
	free(nat);
	free(own);
	cc_strv_release(&keep);
}

void cli_label(const char *key, struct cc_buf *out)
{
	static const char *const words[][2] = {
		{ "id", "ID" },		 { "ip", "IP" },     { "os", "OS" },	 { "url", "URL" },
		{ "csr", "CSR" },	 { "pem", "PEM" },   { "ttl", "TTL" },	 { "ca", "CA" },
		{ "dn", "DN" },		 { "sans", "SANs" }, { "ekus", "EKUs" }, { "api", "API" },
		{ "cidr", "CIDR" },	 { "crl", "CRL" },   { "ids", "IDs" },	 { "ms", "(ms)" },
		{ "sha256", "SHA-256" },
	};
	struct cc_strv w = CC_STRV_INIT;

	cc_strv_split(&w, key, '_');
	for (size_t i = 0; i < w.n; i++) {
		const char *s = w.v[i], *word = NULL;
		if (i)
			cc_buf_addc(out, ' ');
		for (size_t k = 0; k < CC_ARRAY_SIZE(words) && !word; k++)
			if (!strcmp(s, words[k][0]))
				word = words[k][1];
		if (word) {
			cc_buf_adds(out, word);
		} else if (*s) {
			cc_buf_addc(out, *s >= 'a' && *s <= 'z' ? (char)(*s - 32) : *s);
			cc_buf_adds(out, s + 1);
		}
	}
	cc_strv_release(&w);
}

void cli_print_detail(struct cli *c, const json_t *obj)
{
	const char *key;
	json_t *v;
	size_t width = 0;

	json_object_foreach ((json_t *)obj, key, v) {
		struct cc_buf l = CC_BUF_INIT;
		cli_label(key, &l);
		if (cli_text_width(l.buf) > width)
			width = cli_text_width(l.buf);
		cc_buf_release(&l);
	}
	json_object_foreach ((json_t *)obj, key, v) {
		struct cc_buf l = CC_BUF_INIT, t = CC_BUF_INIT;
		bool is_time = json_is_string(v) && strlen(key) > 3 &&
			       (!strcmp(key + strlen(key) - 3, "_at") || !strncmp(key, "not_", 4));
		const char *color = c->color && !strcmp(key, "status")
					    ? cli_status_color(json_string_value(v))
					    : "";

		cli_label(key, &l);
		if (json_is_string(v) && strchr(json_string_value(v), '\n')) {
			/* PEM and other text blocks: on their own lines */
			printf("%s:\n", l.buf);
			for (const char *p = json_string_value(v); *p; p++)
				if ((unsigned char)*p >= 0x20 || *p == '\n')
					putchar(*p);
			putchar('\n');
			cc_buf_release(&l);
			continue;
		}
		cli_cell_text(v, json_is_array(v) ? CELL_LIST : CELL_TEXT, c->now, &t);
		if (is_time) {
			char h[CC_TIME_BUFSZ];
			int64_t us;
			if (cc_time_parse(json_string_value(v), &us) == 0 && us > 0)
				cc_buf_addf(&t, " (%s)", cc_time_human(us, c->now, h));
		}
		printf("%s:%*s %s%s%s\n", l.buf, (int)(width - cli_text_width(l.buf)), "", color,
		       t.buf, *color ? RESET : "");
		cc_buf_release(&l);
		cc_buf_release(&t);
	}
}
