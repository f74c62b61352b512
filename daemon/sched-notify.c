/* sched-notify.c: the notification loop (resources.md §7.4, §10). No notifier connector
 * (SMTP, webhook, Slack, ...) is built in yet, so nothing can be delivered: pending
 * notifications stay pending — v2.1 marked them "sent" without sending anything — and are
 * counted in the log, so that a notifier added later delivers them. */
#include "daemon/sched.h"
#include "daemon/app.h"
#include "libcc/buf.h"
#include "libcc/db.h"
#include "libcc/err.h"
#include "libcc/log.h"
#include "libcc/banned.h"

static const char sql_pending[] = "SELECT channel, COUNT(*) FROM notification_events "
				  "WHERE status = 'pending' GROUP BY channel ORDER BY channel";

int api_notify_tick(const struct api_tick *t, struct cc_err *err)
{
	struct cc_dbres r = CC_DBRES_INIT;
	struct cc_buf by = CC_BUF_INIT;
	struct cc_dbc *c = cc_db_get(t->app->db, err);
	long long total = 0;
	int rc;

	if (!c)
		return -1;
	if (t->run == 0)
		cc_info(t->app->log, "notification: no notifier is built in yet; notifications "
				     "stay pending until one is");
	rc = cc_db_exec(c, sql_pending, NULL, 0, &r, err);
	cc_db_put(t->app->db, c);
	for (int i = 0; rc == 0 && i < r.nrows; i++) {
		total += cc_dbres_int(&r, i, 1);
		cc_buf_addf(&by, "%s%s %lld", i ? ", " : "", cc_dbres_str(&r, i, 0),
			    (long long)cc_dbres_int(&r, i, 1));
	}
	if (total)
		cc_debug(t->app->log, "notification: %lld pending, no notifier to send them (%s)",
			 total, by.buf);
	cc_buf_release(&by);
	cc_dbres_release(&r);
	return rc < 0 ? -1 : 0;
}
