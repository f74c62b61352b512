/* log.c: leveled text or JSON-lines logging */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <jansson.h>
#include "libcc/log.h"
#include "libcc/buf.h"
#include "libcc/err.h"
#include "libcc/time.h"
#include "libcc/banned.h"

static const char *level_names[] = { "debug", "info", "warn", "error", "off" };

void cc_log_init(struct cc_log *l, enum cc_log_level level, bool json)
{
	l->level = level;
	l->json = json;
	l->fd = 2;
	l->path = NULL;
	pthread_mutex_init(&l->mu, NULL);
}

void cc_log_release(struct cc_log *l)
{
	if (l->fd > 2)
		close(l->fd);
	l->fd = 2;
	cc_freep(&l->path);
	pthread_mutex_destroy(&l->mu);
}

static int open_log(const char *path, struct cc_err *err)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);

	if (fd < 0)
		return cc_err_set(err, CC_E_IO, "cannot open log file '%s': %s", path,
				  strerror(errno));
	return fd;
}

int cc_log_open(struct cc_log *l, const char *path, struct cc_err *err)
{
	int fd = open_log(path, err);

	if (fd < 0)
		return -1;
	pthread_mutex_lock(&l->mu);
	if (l->fd > 2)
		close(l->fd);
	l->fd = fd;
	free(l->path);
	l->path = cc_xstrdup(path);
	pthread_mutex_unlock(&l->mu);
	return 0;
}

int cc_log_reopen(struct cc_log *l, struct cc_err *err)
{
	int fd;

	if (!l->path)
		return 0;
	fd = open_log(l->path, err);
	if (fd < 0)
		return -1;
	pthread_mutex_lock(&l->mu);
	if (l->fd > 2)
		close(l->fd);
	l->fd = fd;
	pthread_mutex_unlock(&l->mu);
	return 0;
}

int cc_log_level_parse(const char *s, enum cc_log_level *out)
{
	for (size_t i = 0; i < CC_ARRAY_SIZE(level_names); i++) {
		if (!strcasecmp(s, level_names[i])) {
			*out = (enum cc_log_level)i;
			return 0;
		}
	}
	if (!strcasecmp(s, "warning")) {
		*out = CC_LOG_WARN;
		return 0;
	}
	return -1;
}

const char *cc_log_level_name(enum cc_log_level lvl)
{
	return lvl <= CC_LOG_OFF ? level_names[lvl] : "?";
}

bool cc_log_enabled(const struct cc_log *l, enum cc_log_level lvl)
{
	return l && lvl >= l->level && l->level != CC_LOG_OFF;
}

static void add_text_value(struct cc_buf *b, const char *v)
{
	if (*v && !strpbrk(v, " \t\"=\n\r\\")) {
		cc_buf_adds(b, v);
		return;
	}
	cc_buf_addc(b, '"');
	for (; *v; v++) {
		if (*v == '"' || *v == '\\')
			cc_buf_addc(b, '\\');
		if (*v == '\n')
			cc_buf_adds(b, "\\n");
		else if (*v == '\r')
			cc_buf_adds(b, "\\r");
		else
			cc_buf_addc(b, *v);
	}
	cc_buf_addc(b, '"');
}

static void emit(struct cc_log *l, enum cc_log_level lvl, const char *msg, va_list kv)
{
	struct cc_buf b = CC_BUF_INIT;
	char ts[CC_TIME_BUFSZ];
	const char *k, *v;

	cc_time_format(cc_time_now(), ts);
	if (l->json) {
		json_t *o = json_object();
		json_object_set_new(o, "time", json_string(ts));
		json_object_set_new(o, "level", json_string(level_names[lvl]));
		json_object_set_new(o, "msg", json_string(msg));
		while ((k = va_arg(kv, const char *)) != NULL) {
			v = va_arg(kv, const char *);
			if (v)
				json_object_set_new(o, k, json_string(v));
		}
		char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
		if (s)
			cc_buf_adds(&b, s);
		free(s);
		json_decref(o);
	} else {
		cc_buf_addf(&b, "%s %-5s ", ts, level_names[lvl]);
		cc_buf_adds(&b, msg);
		while ((k = va_arg(kv, const char *)) != NULL) {
			v = va_arg(kv, const char *);
			if (!v)
				continue;
			cc_buf_addf(&b, " %s=", k);
			add_text_value(&b, v);
		}
	}
	cc_buf_addc(&b, '\n');
	pthread_mutex_lock(&l->mu);
	/* one write per line keeps lines whole when several threads log */
	ssize_t off = 0;
	while ((size_t)off < b.len) {
		ssize_t n = write(l->fd, b.buf + off, b.len - (size_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		off += n;
	}
	pthread_mutex_unlock(&l->mu);
	cc_buf_release(&b);
}

void cc_log_kv(struct cc_log *l, enum cc_log_level lvl, const char *msg, ...)
{
	va_list ap;

	if (!cc_log_enabled(l, lvl))
		return;
	va_start(ap, msg);
	emit(l, lvl, msg, ap);
	va_end(ap);
}

static void emit_plain(struct cc_log *l, enum cc_log_level lvl, const char *msg, ...)
{
	va_list ap;

	va_start(ap, msg);
	emit(l, lvl, msg, ap);
	va_end(ap);
}

void cc_logf(struct cc_log *l, enum cc_log_level lvl, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	if (!cc_log_enabled(l, lvl))
		return;
	va_start(ap, fmt);
	msg = cc_xvasprintf(fmt, ap);
	va_end(ap);
	emit_plain(l, lvl, msg, (const char *)NULL);
	free(msg);
}
