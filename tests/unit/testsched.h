/* testsched.h: fixtures of the scheduler tests (test-sched, test-sched-renewal): an api_app
 * on a testdb database, SQL helpers, timestamps relative to a fixed now */
#ifndef CC_TESTSCHED_H
#define CC_TESTSCHED_H

#include "tests/unit/testdb.h"
#include "daemon/app.h"
#include "daemon/sched.h"
#include "libcc/cfg.h"
#include "libcc/log.h"
#include "libcc/mem.h"
#include "libcc/time.h"

#define S INT64_C(1000000)
#define DAY (86400 * S)

struct probe;

struct fx {
	struct testdb *t;
	struct probe *probe; /* the thread tests' loop function reports here */
	struct cc_log log;
	struct cc_cfg cfg;
	struct api_app app;
	int64_t now;
};

/* the default configuration, quiet logging, now = the current time */
void fx_init(struct fx *f, void **state);
void fx_release(struct fx *f);
/* runs a script on the test connection; fails the test on error */
void fx_sql(struct fx *f, const char *fmt, ...) CC_PRINTF(2, 3);
/* the first column of the first row ("" when none), in a static buffer */
char *fx_one(struct fx *f, const char *fmt, ...) CC_PRINTF(2, 3);
#define fx_count(f, ...) atol(fx_one((f), __VA_ARGS__))
/* a timestamp literal now + off */
const char *fx_at(struct fx *f, int64_t off, char buf[CC_TIME_BUFSZ]);
/* audit events of an action so far */
long fx_audits(struct fx *f, const char *action);
/* per-test setup: testdb_reset and no leases */
int fx_setup(void **state);
struct api_tick fx_tick(struct fx *f);

#endif
