/* log.h: leveled text or JSON-lines logging to stderr or a file; never log secrets */
#ifndef CC_LOG_H
#define CC_LOG_H

#include <stdbool.h>
#include <pthread.h>
#include "libcc/mem.h"

struct cc_err;

enum cc_log_level { CC_LOG_DEBUG, CC_LOG_INFO, CC_LOG_WARN, CC_LOG_ERROR, CC_LOG_OFF };

struct cc_log {
	enum cc_log_level level;
	bool json;
	int fd;
	char *path; /* NULL: stderr */
	pthread_mutex_t mu;
};

void cc_log_init(struct cc_log *l, enum cc_log_level level, bool json);
void cc_log_release(struct cc_log *l);
/* log to a file (appending, 0640) instead of stderr */
int cc_log_open(struct cc_log *l, const char *path, struct cc_err *err);
/* reopen the file after rotation (SIGHUP) */
int cc_log_reopen(struct cc_log *l, struct cc_err *err);
int cc_log_level_parse(const char *s, enum cc_log_level *out);
const char *cc_log_level_name(enum cc_log_level lvl);
bool cc_log_enabled(const struct cc_log *l, enum cc_log_level lvl);

/* one line: message, then NULL-terminated key/value string pairs (a NULL value is skipped) */
void cc_log_kv(struct cc_log *l, enum cc_log_level lvl, const char *msg, ...);
/* one line from a printf format */
void cc_logf(struct cc_log *l, enum cc_log_level lvl, const char *fmt, ...) CC_PRINTF(3, 4);

#define cc_debug(l, ...) cc_logf((l), CC_LOG_DEBUG, __VA_ARGS__)
#define cc_info(l, ...) cc_logf((l), CC_LOG_INFO, __VA_ARGS__)
#define cc_warn(l, ...) cc_logf((l), CC_LOG_WARN, __VA_ARGS__)
#define cc_error(l, ...) cc_logf((l), CC_LOG_ERROR, __VA_ARGS__)

#endif
