/* import-read.c: the files of `certctl import` turned into items — PEM bundles and DER files
 * read block by block, directories walked, each leaf grouped with its chain, duplicates
 * skipped (import.h) */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <jansson.h>
#include "cmd/import.h"
#include "libcc/buf.h"
#include "libcc/cert-bundle.h"
#include "libcc/err.h"
#include "libcc/fs.h"
#include "libcc/mem.h"
#include "libcc/banned.h"

#define FILE_MAX ((size_t)64 << 20)
#define FILE_CERTS_MAX 100000
#define CHAIN_MAX 16
#define WALK_DEPTH 32

/* a file read, kept until every leaf has its chain (CA certificates of other files count) */
struct imp_file {
	char *path;
	struct cc_bundle b;
	char *error; /* could not be read */
};

struct reader {
	struct imp_file *v;
	size_t n;
	struct cc_bundle_cert **pool; /* the CA certificates of every file */
	size_t npool;
};

static const char *const cert_exts[] = { ".pem", ".crt", ".cer", ".der", ".cert" };

/* text JSON can carry: a name that is not UTF-8 gets '?' for its high bytes */
static char *safe_text(const char *s)
{
	json_t *j = json_string(s);
	char *out = cc_xstrdup(s);

	if (!j)
		for (char *p = out; *p; p++)
			if ((unsigned char)*p >= 0x80)
				*p = '?';
	json_decref(j);
	return out;
}

static struct imp_item *add_item(struct imp_set *set, const char *source)
{
	struct imp_item *it;

	if (set->n == set->alloc) {
		set->alloc = set->alloc ? 2 * set->alloc : 64;
		set->v = cc_xrealloc(set->v, set->alloc * sizeof(*set->v));
	}
	it = &set->v[set->n++];
	memset(it, 0, sizeof(*it));
	it->source = safe_text(source);
	return it;
}

void imp_item_set(struct imp_item *it, const char *status, const char *fmt, ...)
{
	va_list ap;
	char *r;

	va_start(ap, fmt);
	r = cc_xvasprintf(fmt, ap);
	va_end(ap);
	free(it->reason);
	it->reason = safe_text(r);
	free(r);
	it->status = status;
	cc_freep(&it->pem);
}

static int read_stdin(struct cc_buf *buf, struct cc_err *err)
{
	char chunk[65536];
	size_t n;

	while ((n = fread(chunk, 1, sizeof(chunk), stdin)) > 0)
		if (cc_buf_add_checked(buf, chunk, n, err) < 0)
			return -1;
	if (ferror(stdin))
		return cc_err_set(err, CC_E_IO, "cannot read stdin: %s", strerror(errno));
	return 0;
}

static void read_file(struct reader *r, const char *path)
{
	struct cc_buf buf = CC_BUF_INIT;
	struct cc_err err = CC_ERR_INIT;
	struct imp_file *f;

	r->v = cc_xrealloc(r->v, (r->n + 1) * sizeof(*r->v));
	f = &r->v[r->n++];
	memset(f, 0, sizeof(*f));
	f->path = cc_xstrdup(path);
	cc_buf_init(&buf, FILE_MAX);
	if ((!strcmp(path, "-") ? read_stdin(&buf, &err) : cc_fs_read(path, &buf, FILE_MAX, &err)) <
		    0 ||
	    cc_bundle_parse(buf.buf, buf.len, FILE_CERTS_MAX, &f->b, &err) < 0)
		f->error = cc_xstrdup(err.msg);
	cc_buf_release(&buf);
}

static bool cert_name(const char *name)
{
	const char *dot = strrchr(name, '.');

	for (size_t i = 0; dot && i < CC_ARRAY_SIZE(cert_exts); i++)
		if (!strcasecmp(dot, cert_exts[i]))
			return true;
	return false;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* certificate files below dir, in name order; hidden entries and links to directories
 * are left out */
static void walk(struct reader *r, struct imp_set *set, const char *dir, int depth)
{
	struct cc_strv names = CC_STRV_INIT;
	DIR *d = opendir(dir);
	struct dirent *de;

	if (!d) {
		imp_item_set(add_item(set, dir), "failed", "cannot read the directory: %s",
			     strerror(errno));
		return;
	}
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			cc_strv_push(&names, de->d_name);
	closedir(d);
	if (names.n)
		qsort(names.v, names.n, sizeof(*names.v), by_name);
	for (size_t i = 0; i < names.n; i++) {
		char *p = cc_xasprintf("%s/%s", dir, names.v[i]);
		struct stat ls, st;

		if (lstat(p, &ls) == 0 && stat(p, &st) == 0) {
			if (S_ISDIR(st.st_mode) && !S_ISLNK(ls.st_mode) && depth < WALK_DEPTH)
				walk(r, set, p, depth + 1);
			else if (S_ISREG(st.st_mode) && cert_name(names.v[i]))
				read_file(r, p);
		}
		free(p);
	}
	cc_strv_release(&names);
}

static void make_pool(struct reader *r)
{
	for (size_t i = 0; i < r->n; i++)
		for (size_t k = 0; k < r->v[i].b.n; k++)
			if (!r->v[i].b.certs[k].leaf) {
				r->pool = cc_xrealloc(r->pool, (r->npool + 1) * sizeof(*r->pool));
				r->pool[r->npool++] = &r->v[i].b.certs[k];
			}
}

static bool used(X509 *const *chain, size_t n, X509 *x)
{
	for (size_t i = 0; i < n; i++)
		if (chain[i] == x)
			return true;
	return false;
}

/* the leaf's PEM and its chain: the file's own certificates first, then the pool */
static char *leaf_pem(const struct reader *r, const struct imp_file *f, size_t leaf, int *nchain)
{
	size_t idx[CHAIN_MAX], n = cc_bundle_chain(&f->b, leaf, idx, CHAIN_MAX);
	X509 *chain[CHAIN_MAX + 1] = { f->b.certs[leaf].x };
	struct cc_buf pem = CC_BUF_INIT;

	cc_buf_adds(&pem, f->b.certs[leaf].info.pem);
	for (size_t i = 0; i < n; i++) {
		chain[i + 1] = f->b.certs[idx[i]].x;
		cc_buf_adds(&pem, f->b.certs[idx[i]].info.pem);
	}
	while (n < CHAIN_MAX && !cc_bundle_self_signed(chain[n])) {
		size_t j;

		for (j = 0; j < r->npool; j++)
			if (!used(chain, n + 1, r->pool[j]->x) &&
			    cc_bundle_issued_by(chain[n], r->pool[j]->x))
				break;
		if (j == r->npool)
			break;
		chain[++n] = r->pool[j]->x;
		cc_buf_adds(&pem, r->pool[j]->info.pem);
	}
	*nchain = (int)n;
	return cc_buf_detach(&pem, NULL);
}

static void add_leaf(struct imp_set *set, const struct reader *r, const struct imp_file *f,
		     size_t k)
{
	const struct cc_cert_info *ci = &f->b.certs[k].info;
	char *src = f->b.nleaves > 1 ? cc_xasprintf("%s#%d", f->path, f->b.certs[k].block)
				     : cc_xstrdup(f->path);
	struct imp_item *it = add_item(set, src);

	it->pem = leaf_pem(r, f, k, &it->chain);
	it->common_name = safe_text(*ci->common_name ? ci->common_name
				    : ci->sans.n     ? ci->sans.v[0]
						     : "");
	memcpy(it->fp, ci->fingerprint_sha256, sizeof(it->fp));
	free(src);
}

/* the items of one file, in block order */
static void file_items(struct imp_set *set, const struct reader *r, const struct imp_file *f)
{
	const struct cc_bundle *b = &f->b;
	size_t c = 0, k = 0;
	char why[240];

	if (f->error) {
		imp_item_set(add_item(set, f->path), "failed", "%s", f->error);
		return;
	}
	set->files++;
	set->certs += b->n;
	if (!b->n && !b->nbad) {
		if (b->other)
			imp_item_set(add_item(set, f->path), "skipped",
				     "no certificate in the file, only %s", b->other_label);
		else
			imp_item_set(add_item(set, f->path), "failed",
				     "no certificate in the file");
		return;
	}
	if (b->n && !b->nleaves)
		imp_item_set(add_item(set, f->path), "skipped",
			     "only CA certificates (%zu): nothing to import on their own", b->n);
	while (c < b->n || k < b->nbad) {
		if (k < b->nbad && (c == b->n || b->bad[k].block < b->certs[c].block)) {
			cc_bundle_bad_text(&b->bad[k++], why, sizeof(why));
			imp_item_set(add_item(set, f->path), "failed", "%s", why);
		} else if (b->certs[c++].leaf) {
			add_leaf(set, r, f, c - 1);
		}
	}
}

static int by_fp(const void *a, const void *b, void *arg)
{
	const struct imp_set *set = arg;
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	int d = strcmp(set->v[i].fp, set->v[j].fp);

	return d ? d : (i > j) - (i < j);
}

/* a leaf seen before is skipped, naming where */
static void dedup(struct imp_set *set)
{
	size_t *idx = cc_xcalloc(set->n ? set->n : 1, sizeof(*idx)), m = 0;

	for (size_t i = 0; i < set->n; i++)
		if (!set->v[i].status)
			idx[m++] = i;
	if (m)
		qsort_r(idx, m, sizeof(*idx), by_fp, set);
	for (size_t i = 1; i < m; i++) {
		struct imp_item *first = &set->v[idx[i - 1]], *it = &set->v[idx[i]];

		if (!strcmp(first->fp, it->fp)) {
			imp_item_set(it, "skipped", "duplicate of %s", first->source);
			idx[i] = idx[i - 1]; /* name the first for every later one */
		}
	}
	free(idx);
}

void imp_read_paths(const struct cc_strv *paths, struct imp_set *set)
{
	struct reader r = { 0 };
	struct stat st;

	memset(set, 0, sizeof(*set));
	for (size_t i = 0; i < paths->n; i++) {
		const char *p = paths->v[i];

		if (strcmp(p, "-") && stat(p, &st) == 0 && S_ISDIR(st.st_mode)) {
			size_t before = r.n, items = set->n;
			walk(&r, set, p, 0);
			if (r.n == before && set->n == items)
				imp_item_set(add_item(set, p), "skipped",
					     "no certificate files (*.pem, *.crt, *.cer, *.der, "
					     "*.cert) in the directory");
		} else {
			read_file(&r, p);
		}
	}
	make_pool(&r);
	for (size_t i = 0; i < r.n; i++)
		file_items(set, &r, &r.v[i]);
	dedup(set);
	for (size_t i = 0; i < r.n; i++) {
		free(r.v[i].path);
		free(r.v[i].error);
		cc_bundle_release(&r.v[i].b);
	}
	free(r.v);
	free(r.pool);
}

void imp_set_release(struct imp_set *set)
{
	for (size_t i = 0; i < set->n; i++) {
		free(set->v[i].source);
		free(set->v[i].pem);
		free(set->v[i].common_name);
		free(set->v[i].reason);
		free(set->v[i].cert_id);
	}
	free(set->v);
	memset(set, 0, sizeof(*set));
}
