/* testsched.c: fixtures of the scheduler tests (see testsched.h) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tests/unit/testsched.h"

void fx_init(struct fx *f, void **state)
{
	struct cc_err err = CC_ERR_INIT;

	memset(f, 0, sizeof(*f));
	f->t = TDB(state);
	cc_log_init(&f->log, CC_LOG_ERROR, false);
	cc_cfg_init(&f->cfg);
	if (cc_cfg_validate(&f->cfg, &err) < 0)
		fail_msg("cfg: %s", err.msg);
	f->app.db = f->t->db;
	f->app.cfg = &f->cfg;
	f->app.log = &f->log;
	f->now = cc_time_now();
}

void fx_release(struct fx *f)
{
	cc_cfg_release(&f->cfg);
	cc_log_release(&f->log);
}

void fx_sql(struct fx *f, const char *fmt, ...)
{
	struct cc_err err = CC_ERR_INIT;
	va_list ap;
	char *q;

	va_start(ap, fmt);
	q = cc_xvasprintf(fmt, ap);
	va_end(ap);
	if (cc_db_exec_script(f->t->c, q, &err) < 0)
		fail_msg("%s: %s", q, err.msg);
	free(q);
}

char *fx_one(struct fx *f, const char *fmt, ...)
{
	static char out[512];
	struct cc_err err = CC_ERR_INIT;
	struct cc_dbres r = CC_DBRES_INIT;
	va_list ap;
	char *q;

	va_start(ap, fmt);
	q = cc_xvasprintf(fmt, ap);
	va_end(ap);
	if (cc_db_exec(f->t->c, q, NULL, 0, &r, &err) < 0)
		fail_msg("%s: %s", q, err.msg);
	snprintf(out, sizeof(out), "%s",
		 r.nrows && cc_dbres_str(&r, 0, 0) ? cc_dbres_str(&r, 0, 0) : "");
	cc_dbres_release(&r);
	free(q);
	return out;
}

const char *fx_at(struct fx *f, int64_t off, char buf[CC_TIME_BUFSZ])
{
	return cc_time_format_db(f->now + off, buf);
}

long fx_audits(struct fx *f, const char *action)
{
	return fx_count(f, "SELECT COUNT(*) FROM audit_events WHERE action = '%s'", action);
}

int fx_setup(void **state)
{
	struct cc_err err = CC_ERR_INIT;

	if (testdb_reset(state) < 0 ||
	    cc_db_exec_script(TDB(state)->c, "DELETE FROM scheduler_leases", &err) < 0)
		return -1;
	return 0;
}

struct api_tick fx_tick(struct fx *f)
{
	return (struct api_tick){ .app = &f->app, .now = f->now };
}
