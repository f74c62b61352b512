/* sched-agents.c: agent staleness (resources.md §7.3) — Online agents whose last
 * heartbeat is older than the loop's interval become Offline; a heartbeat brings them back */
#include "daemon/sched.h"
#include "daemon/app.h"
#include "libcc/agent.h"
#include "libcc/cfg.h"
#include "libcc/db.h"
#include "libcc/err.h"
#include "libcc/log.h"
#include "libcc/banned.h"

/* v2.1's default interval, used when the daemon runs without a configuration (tests) */
#define DEFAULT_STALE (INT64_C(120) * 1000000)

int api_agent_health_tick(const struct api_tick *t, struct cc_err *err)
{
	int64_t stale =
		t->app->cfg ? cc_cfg_dur(t->app->cfg, CC_CFG_scheduler_agent_health_check_interval)
			    : DEFAULT_STALE;
	struct cc_dbc *c = cc_db_get(t->app->db, err);
	int changed = 0, rc;

	if (!c)
		return -1;
	rc = cc_agent_mark_stale(c, t->now - stale, &changed, err);
	cc_db_put(t->app->db, c);
	if (rc < 0)
		return -1;
	if (changed)
		cc_info(t->app->log,
			"agent health: %d agent(s) without a heartbeat for %lld s are "
			"now Offline",
			changed, (long long)(stale / 1000000));
	return changed;
}
