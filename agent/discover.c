/* discover.c: the filesystem scan — walk the discovery dirs (symlinked dirs not followed,
 * files over 1 MiB skipped), read certificates out of PEM and DER files */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <sys/stat.h>
#include "agent/agent.h"
#include "libcc/buf.h"
#include "libcc/err.h"
#include "libcc/time.h"
#include "libcc/x509.h"
#include "libcc/banned.h"

#define MAX_DEPTH 64
#define PROGRESS_MS 5000
#define STOP_EVERY 64 /* files between two looks at the stop callback */

enum kind { K_SKIP, K_PEM, K_DER };

struct walk {
	struct cc_log *log;
	bool (*stop)(void *);
	void *arg;
	struct agent_scan *out;
	size_t found, entries;
	int64_t next_progress;
	bool stopped;
};

static void add_error(struct walk *w, const char *fmt, ...) CC_PRINTF(2, 3);
static void add_error(struct walk *w, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = cc_xvasprintf(fmt, ap);
	va_end(ap);
	json_array_append_new(w->out->errors, json_string(s));
	cc_log_kv(w->log, CC_LOG_DEBUG, "discovery error", "error", s, (const char *)NULL);
	free(s);
}

/* by extension, case-insensitive, as v2.1: no extension and .key are skipped, .der is
 * one DER certificate, anything else is searched for PEM CERTIFICATE blocks */
static enum kind kind_of(const char *name)
{
	const char *dot = strrchr(name, '.');

	if (!dot || !strcasecmp(dot, ".key"))
		return K_SKIP;
	return strcasecmp(dot, ".der") ? K_PEM : K_DER;
}

static json_t *entry_json(const struct cc_cert_info *ci, const char *path, const char *format)
{
	char nb[CC_TIME_BUFSZ], na[CC_TIME_BUFSZ];
	json_t *sans = json_array();

	for (size_t i = 0; i < ci->sans.n; i++)
		json_array_append_new(sans, json_string(ci->sans.v[i]));
	/* whole seconds, as certificates have them */
	return json_pack(
		"{s:s, s:s, s:o, s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:b, s:s, s:s, s:s}",
		"fingerprint_sha256", ci->fingerprint_sha256, "common_name",
		ci->common_name ? ci->common_name : "", "sans", sans, "serial_number",
		ci->serial_hex, "issuer_dn", ci->issuer_dn ? ci->issuer_dn : "", "subject_dn",
		ci->subject_dn ? ci->subject_dn : "", "not_before",
		cc_time_format(ci->not_before - ci->not_before % CC_USEC_PER_SEC, nb), "not_after",
		cc_time_format(ci->not_after - ci->not_after % CC_USEC_PER_SEC, na),
		"key_algorithm", ci->key_algorithm, "key_size", ci->key_size, "is_ca", ci->is_ca,
		"pem_data", ci->pem ? ci->pem : "", "source_path", path, "source_format", format);
}

static void add_cert(struct walk *w, const struct cc_cert_info *ci, const char *path,
		     const char *format)
{
	json_t *e = entry_json(ci, path, format);

	if (!e)
		return;
	json_array_append_new(w->out->certificates, e);
	w->found++;
}

static void parse(struct walk *w, const char *buf, size_t len, enum kind k, const char *path)
{
	struct cc_err err = CC_ERR_INIT;
	struct cc_cert_info ci;
	const char *p = buf, *end = buf + len, *blk;
	size_t n;

	if (k == K_DER) {
		memset(&ci, 0, sizeof(ci));
		if (cc_cert_info_from_der((const unsigned char *)buf, len, &ci, &err) == 0)
			add_cert(w, &ci, path, "DER");
		else
			cc_log_kv(w->log, CC_LOG_DEBUG, "not a DER certificate", "path", path,
				  "reason", err.msg, (const char *)NULL);
		cc_cert_info_release(&ci);
		return;
	}
	for (; (blk = agent_pem_next(p, end, &n)); p = blk + n) {
		memset(&ci, 0, sizeof(ci));
		if (cc_cert_info_from_pem(blk, n, &ci, &err) == 0)
			add_cert(w, &ci, path, "PEM");
		else
			cc_log_kv(w->log, CC_LOG_DEBUG, "unreadable CERTIFICATE block", "path",
				  path, "reason", err.msg, (const char *)NULL);
		cc_cert_info_release(&ci);
	}
}

/* reads a regular file of at most AGENT_FILE_MAX bytes; 1 read, 0 skipped, -1 error */
static int read_file(int dfd, const char *name, struct cc_buf *b)
{
	int fd = openat(dfd, name, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	struct stat st;
	char chunk[16384];
	ssize_t r;
	int rc = -1;

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0)
		goto out;
	rc = 0;
	if (!S_ISREG(st.st_mode) || st.st_size > AGENT_FILE_MAX)
		goto out;
	cc_buf_init(b, AGENT_FILE_MAX);
	while ((r = read(fd, chunk, sizeof(chunk))) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 || cc_buf_add_checked(b, chunk, (size_t)r, NULL) < 0) {
			rc = r < 0 ? -1 : 0; /* grew past the limit while we read: skipped */
			goto out;
		}
	}
	rc = 1;
out:
	close(fd);
	return rc;
}

static void progress(struct walk *w, const char *path)
{
	int64_t now = cc_time_mono_ms();
	char files[24], found[24];

	if (!w->next_progress) {
		w->next_progress = now + PROGRESS_MS;
		return;
	}
	if (now < w->next_progress)
		return;
	w->next_progress = now + PROGRESS_MS;
	snprintf(files, sizeof(files), "%zu", w->out->files);
	snprintf(found, sizeof(found), "%zu", w->found);
	cc_log_kv(w->log, CC_LOG_INFO, "discovery in progress", "files", files, "certificates",
		  found, "at", path, (const char *)NULL);
}

static void scan_file(struct walk *w, int dfd, const char *name, const char *path)
{
	struct cc_buf b = CC_BUF_INIT;
	enum kind k = kind_of(name);
	int r;

	if (k == K_SKIP)
		return;
	r = read_file(dfd, name, &b);
	if (r < 0)
		add_error(w, "walk error at %s: %s", path, strerror(errno));
	if (r == 1) {
		w->out->files++;
		parse(w, b.buf, b.len, k, path);
		progress(w, path);
	}
	cc_buf_release(&b);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* the entries of d, sorted (the walk order is lexical, as v2.1's) */
static void list_dir(DIR *d, struct cc_strv *names)
{
	struct dirent *de;

	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			cc_strv_push(names, de->d_name);
	if (names->n)
		qsort(names->v, names->n, sizeof(*names->v), cmp_str);
}

static void walk_dir(struct walk *w, int dfd, const char *path, int depth);

static void walk_entry(struct walk *w, int dfd, const char *name, const char *path, int depth)
{
	struct stat st;
	int fd;

	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		add_error(w, "walk error at %s: %s", path, strerror(errno));
	} else if (S_ISDIR(st.st_mode) && depth >= MAX_DEPTH) {
		add_error(w, "walk error at %s: more than %d directory levels", path, MAX_DEPTH);
	} else if (S_ISDIR(st.st_mode)) {
		fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			add_error(w, "walk error at %s: %s", path, strerror(errno));
		else
			walk_dir(w, fd, path, depth + 1);
	} else if (S_ISREG(st.st_mode) || (S_ISLNK(st.st_mode) && fstatat(dfd, name, &st, 0) == 0 &&
					   S_ISREG(st.st_mode))) {
		scan_file(w, dfd, name, path); /* a symlinked file is read; a symlinked dir not */
	}
}

/* takes dfd */
static void walk_dir(struct walk *w, int dfd, const char *path, int depth)
{
	struct cc_strv names = CC_STRV_INIT;
	DIR *d = fdopendir(dfd);

	if (!d) {
		add_error(w, "walk error at %s: %s", path, strerror(errno));
		close(dfd);
		return;
	}
	list_dir(d, &names);
	for (size_t i = 0; i < names.n && !w->stopped; i++) {
		char *child = cc_xasprintf("%s/%s", strcmp(path, "/") ? path : "", names.v[i]);
		if (w->stop && ++w->entries % STOP_EVERY == 0 && w->stop(w->arg))
			w->stopped = true;
		else
			walk_entry(w, dirfd(d), names.v[i], child, depth);
		free(child);
	}
	closedir(d);
	cc_strv_release(&names);
}

void agent_discover_scan(const struct cc_strv *dirs, struct cc_log *log, bool (*stop)(void *),
			 void *arg, struct agent_scan *out)
{
	struct walk w = { .log = log, .stop = stop, .arg = arg, .out = out };
	int64_t t0 = cc_time_mono_ms();

	memset(out, 0, sizeof(*out));
	out->certificates = json_array();
	out->errors = json_array();
	for (size_t i = 0; i < dirs->n && !w.stopped; i++) {
		size_t n = strlen(dirs->v[i]);
		char *root = cc_xstrdup(dirs->v[i]);
		int fd;

		while (n > 1 && root[n - 1] == '/')
			root[--n] = '\0';
		fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0)
			add_error(&w, "failed to walk %s: %s", root, strerror(errno));
		else
			walk_dir(&w, fd, root, 0);
		free(root);
	}
	out->stopped = w.stopped;
	out->duration_ms = cc_time_mono_ms() - t0;
}

void agent_scan_release(struct agent_scan *s)
{
	json_decref(s->certificates);
	json_decref(s->errors);
	memset(s, 0, sizeof(*s));
}
