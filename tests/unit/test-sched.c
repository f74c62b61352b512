/* test-sched.c: the scheduler on both engines — leases between replicas, agent staleness,
 * short-lived expiry, notifications, and the threads (prompt stop, overlap guard, one
 * replica per loop, loops in parallel, a thread per run only); the renewal check is in
 * test-sched-renewal.c */
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "tests/unit/testsched.h"
#include "libcc/lease.h"
#include "libcc/notify.h"

/* ---- leases ---- */

static void test_sched__lease_one_holder(void **state)
{
	struct cc_err err = CC_ERR_INIT;
	struct cc_dbc *c = TDB(state)->c;
	int64_t now = cc_time_now(), ttl = 10 * S;
	char h[CC_LEASE_HOLDER_MAX];
	bool got;

	assert_ok(cc_lease_acquire(c, "loop", "A", now, ttl, &got, &err));
	assert_true(got);
	assert_ok(cc_lease_acquire(c, "loop", "B", now + S, ttl, &got, &err));
	assert_false(got);
	/* A renews: it stays A's for another ttl */
	assert_ok(cc_lease_acquire(c, "loop", "A", now + 5 * S, ttl, &got, &err));
	assert_true(got);
	assert_ok(cc_lease_acquire(c, "loop", "B", now + 15 * S, ttl, &got, &err));
	assert_false(got);
	/* other names are independent */
	assert_ok(cc_lease_acquire(c, "other", "B", now, ttl, &got, &err));
	assert_true(got);
	/* once expired, B takes it and A has lost it */
	assert_ok(cc_lease_acquire(c, "loop", "B", now + 15 * S + 1, ttl, &got, &err));
	assert_true(got);
	assert_ok(cc_lease_acquire(c, "loop", "A", now + 16 * S, ttl, &got, &err));
	assert_false(got);
	/* release by a non-holder does nothing; by the holder frees it */
	assert_ok(cc_lease_release(c, "loop", "A", &err));
	assert_ok(cc_lease_acquire(c, "loop", "A", now + 16 * S, ttl, &got, &err));
	assert_false(got);
	assert_ok(cc_lease_release(c, "loop", "B", &err));
	assert_ok(cc_lease_acquire(c, "loop", "A", now + 16 * S, ttl, &got, &err));
	assert_true(got);
	assert_int_equal(cc_lease_acquire(c, "loop", "A", now, 0, &got, &err), -1);
	assert_ok(cc_lease_holder_new(h, &err));
	assert_non_null(strchr(h, ':'));
}

/* ---- agent staleness, short-lived expiry, notifications ---- */

static void test_sched__agent_staleness(void **state)
{
	struct cc_err err = CC_ERR_INIT;
	char b[3][CC_TIME_BUFSZ];
	struct api_tick t;
	struct fx f;

	fx_init(&f, state);
	fx_sql(&f,
	       "INSERT INTO agents (id, name, hostname, status, last_heartbeat_at, api_key_hash) "
	       "VALUES ('a-fresh', 'a1', 'h', 'Online', '%s', 'x'), "
	       "('a-stale', 'a2', 'h', 'Online', '%s', 'x'), "
	       "('a-never', 'a3', 'h', 'Online', NULL, 'x'), "
	       "('a-off', 'a4', 'h', 'Offline', '%s', 'x')",
	       fx_at(&f, -30 * S, b[0]), fx_at(&f, -121 * S, b[1]), fx_at(&f, -3 * DAY, b[2]));
	t = fx_tick(&f);
	assert_int_equal(api_agent_health_tick(&t, &err), 2);
	assert_string_equal(fx_one(&f, "SELECT status FROM agents WHERE id = 'a-fresh'"), "Online");
	assert_string_equal(fx_one(&f, "SELECT status FROM agents WHERE id = 'a-stale'"),
			    "Offline");
	assert_string_equal(fx_one(&f, "SELECT status FROM agents WHERE id = 'a-never'"),
			    "Offline");
	assert_string_equal(fx_one(&f, "SELECT status FROM agents WHERE id = 'a-off'"), "Offline");
	/* the threshold is the configured interval */
	assert_ok(cc_cfg_set(&f.cfg, CC_CFG_scheduler_agent_health_check_interval, "10s",
			     CFG_SRC_ENV, &err));
	assert_ok(cc_cfg_validate(&f.cfg, &err));
	assert_int_equal(api_agent_health_tick(&t, &err), 1);
	assert_string_equal(fx_one(&f, "SELECT status FROM agents WHERE id = 'a-fresh'"),
			    "Offline");
	fx_release(&f);
}

static void test_sched__short_lived_expiry(void **state)
{
	struct cc_err err = CC_ERR_INIT;
	char b[6][CC_TIME_BUFSZ];
	struct api_tick t;
	struct fx f;
	long a0;

	fx_init(&f, state);
	fx_sql(&f,
	       "INSERT INTO teams (id, name) VALUES ('tm', 'tm');"
	       "INSERT INTO owners (id, name, email, team_id) VALUES ('ow', 'o', 'o@x', 'tm');"
	       "INSERT INTO issuers (id, name, type) VALUES ('iss', 'iss', 'GenericCA');"
	       "INSERT INTO renewal_policies (id, name, renewal_window_days, auto_renew) "
	       "VALUES ('pm', 'pm', 30, FALSE);"
	       "INSERT INTO certificate_profiles (id, name, max_ttl_seconds, allow_short_lived) "
	       "VALUES ('p-short', 's', 600, TRUE), ('p-long', 'l', 7200, TRUE), "
	       "('p-off', 'o', 600, FALSE), ('p-zero', 'z', 0, TRUE);");
#define SL(id, st, prof, n)                                                                        \
	"('" id "', '" id "', 'cn', 'ow', 'tm', 'iss', 'pm', '" st "', '%s', '" prof "')"
	fx_sql(&f,
	       "INSERT INTO managed_certificates (id, name, common_name, owner_id, team_id, "
	       "issuer_id, renewal_policy_id, status, expires_at, certificate_profile_id) "
	       "VALUES " SL("s1", "Active", "p-short", 0) "," SL(
		       "s2", "Expiring", "p-short",
		       1) "," SL("s3", "Active", "p-short",
				 2) "," SL("s4", "Active", "p-long",
					   3) "," SL("s5", "Active", "p-off",
						     4) "," SL("s6", "Revoked", "p-short", 5),
	       fx_at(&f, -S, b[0]), fx_at(&f, -60 * S, b[1]), fx_at(&f, 60 * S, b[2]),
	       fx_at(&f, -S, b[3]), fx_at(&f, -S, b[4]), fx_at(&f, -S, b[5]));
#undef SL
	a0 = fx_audits(&f, "short_lived_cert_expired");
	t = fx_tick(&f);
	assert_int_equal(api_short_lived_tick(&t, &err), 2);
	assert_int_equal(fx_count(&f, "SELECT COUNT(*) FROM managed_certificates WHERE status = "
				      "'Expired' AND id IN ('s1', 's2')"),
			 2);
	assert_int_equal(fx_count(&f, "SELECT COUNT(*) FROM managed_certificates WHERE status IN "
				      "('Active', 'Revoked') AND id IN ('s3', 's4', 's5', 's6')"),
			 4);
	assert_int_equal(fx_audits(&f, "short_lived_cert_expired") - a0, 2);
	assert_non_null(strstr(fx_one(&f, "SELECT details FROM audit_events WHERE action = "
					  "'short_lived_cert_expired' AND resource_id = 's1'"),
			       "p-short"));
	assert_int_equal(api_short_lived_tick(&t, &err), 0);
	fx_release(&f);
}

static void test_sched__notifications(void **state)
{
	struct cc_err err = CC_ERR_INIT;
	struct cc_dbc *c = TDB(state)->c;
	struct api_tick t;
	struct fx f;
	bool created;

	fx_init(&f, state);
	assert_int_equal(cc_notify_create(c, "Nonsense", NULL, "Email", "a", "m", f.now, &err), -1);
	assert_int_equal(err.code, CC_E_INVALID);
	assert_int_equal(
		cc_notify_create(c, "RenewalSuccess", NULL, "Pigeon", "a", "m", f.now, &err), -1);
	assert_int_equal(cc_notify_create(c, "RenewalSuccess", NULL, "Email", "a", "", f.now, &err),
			 -1);
	assert_ok(cc_notify_create(c, CC_NOTIFY_RENEWAL_SUCCESS, NULL, "Email", NULL, "renewed",
				   f.now, &err));
	assert_ok(cc_notify_create(c, CC_NOTIFY_RENEWAL_SUCCESS, NULL, "Webhook", "h", "renewed",
				   f.now, &err));
	assert_ok(cc_notify_create_once(c, "k1", CC_NOTIFY_REVOCATION, NULL, "Email", "a", "r",
					f.now, &created, &err));
	assert_true(created);
	assert_ok(cc_notify_create_once(c, "k1", CC_NOTIFY_REVOCATION, NULL, "Email", "a", "r",
					f.now, &created, &err));
	assert_false(created);
	assert_int_equal(fx_count(&f, "SELECT COUNT(*) FROM notification_events WHERE status = "
				      "'pending' AND recipient IS NOT NULL"),
			 3);
	/* no notifier is built in: the loop leaves them pending (v2.1 marked them sent) */
	t = fx_tick(&f);
	assert_int_equal(api_notify_tick(&t, &err), 0);
	t.run = 1;
	assert_int_equal(api_notify_tick(&t, &err), 0);
	assert_int_equal(fx_count(&f, "SELECT COUNT(*) FROM notification_events WHERE status = "
				      "'pending'"),
			 3);
	fx_release(&f);
}

/* ---- the threads ---- */

struct probe {
	atomic_int runs, inside, max_inside;
	atomic_bool hold;  /* a run waits while set */
	atomic_int runs_b; /* of the second loop (loops_in_parallel) */
	atomic_bool saw_b; /* the first loop saw the second one run while it was going */
};

/* pthread_create fails with EAGAIN this many more times (interposed on the C library's) */
static atomic_int failing_creates;

int pthread_create(pthread_t *th, const pthread_attr_t *attr, void *(*fn)(void *), void *arg)
{
	static int (*real)(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *);
	int left = atomic_load(&failing_creates);

	while (left > 0 && !atomic_compare_exchange_weak(&failing_creates, &left, left - 1))
		;
	if (left > 0)
		return EAGAIN;
	if (!real)
		*(void **)&real = dlsym(RTLD_NEXT, "pthread_create");
	return real(th, attr, fn, arg);
}

/* the threads of this process */
static int tasks(void)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

/* waits up to 2 s for the thread count to become n */
static int tasks_become(int n)
{
	for (int i = 0; i < 200 && tasks() != n; i++)
		usleep(10000);
	return tasks();
}

static struct probe *probe_of(const struct api_tick *t)
{
	const struct fx *f =
		(const struct fx *)(const void *)((const char *)t->app - offsetof(struct fx, app));

	return f->probe;
}

static int probe_fn(const struct api_tick *t, struct cc_err *err)
{
	struct probe *p = probe_of(t);
	int in = atomic_fetch_add(&p->inside, 1) + 1;

	(void)err;
	if (in > atomic_load(&p->max_inside))
		atomic_store(&p->max_inside, in);
	while (atomic_load(&p->hold) && !api_tick_over(t))
		usleep(2000);
	atomic_fetch_add(&p->runs, 1);
	atomic_fetch_sub(&p->inside, 1);
	return 0;
}

/* the first loop of loops_in_parallel: goes on until the second loop has run */
static int wait_for_b_fn(const struct api_tick *t, struct cc_err *err)
{
	struct probe *p = probe_of(t);

	(void)err;
	atomic_fetch_add(&p->inside, 1);
	while (!atomic_load(&p->runs_b) && !api_tick_over(t))
		usleep(2000);
	atomic_store(&p->saw_b, atomic_load(&p->runs_b) > 0);
	atomic_fetch_add(&p->runs, 1);
	atomic_fetch_sub(&p->inside, 1);
	return 0;
}

static int b_fn(const struct api_tick *t, struct cc_err *err)
{
	(void)err;
	atomic_fetch_add(&probe_of(t)->runs_b, 1);
	return 0;
}

static bool enabled_always(const struct cc_cfg *cfg)
{
	(void)cfg;
	return true;
}

static struct api_sched *start(struct fx *f, struct probe *p, bool first, int64_t interval,
			       const char *holder)
{
	const struct api_sched_loop loop = { "probe",	     0,	      10 * S, first, true,
					     enabled_always, probe_fn };
	struct cc_err err = CC_ERR_INIT;
	struct api_sched *s;

	f->probe = p;
	s = api_sched_start_loops(&f->app, &loop, &interval, 1, holder, &err);
	if (!s)
		fail_msg("start: %s", err.msg);
	return s;
}

static void wait_runs(struct probe *p, int n)
{
	for (int i = 0; i < 500 && atomic_load(&p->runs) < n; i++)
		usleep(10000);
	assert_true(atomic_load(&p->runs) >= n);
}

static void wait_inside(struct probe *p)
{
	for (int i = 0; i < 500 && !atomic_load(&p->inside); i++)
		usleep(1000);
	assert_int_equal(atomic_load(&p->inside), 1);
}

static void test_sched__stop_is_prompt(void **state)
{
	struct probe p = { 0 };
	struct api_sched *s;
	struct fx f;
	int64_t t0;

	fx_init(&f, state);
	/* one hour intervals, immediate first run: one run, then a prompt stop */
	s = start(&f, &p, true, 3600 * S, NULL);
	wait_runs(&p, 1);
	t0 = cc_time_mono_ms();
	api_sched_stop(s);
	assert_true(cc_time_mono_ms() - t0 < 1000);
	assert_int_equal(atomic_load(&p.runs), 1);
	/* without the first run: nothing runs at all */
	s = start(&f, &p, false, 3600 * S, NULL);
	usleep(50000);
	t0 = cc_time_mono_ms();
	api_sched_stop(s);
	assert_true(cc_time_mono_ms() - t0 < 1000);
	assert_int_equal(atomic_load(&p.runs), 1);
	/* the lease was given back on stop */
	assert_int_equal(fx_count(&f, "SELECT COUNT(*) FROM scheduler_leases"), 0);
	fx_release(&f);
}

static void test_sched__overlap_guard(void **state)
{
	struct api_sched_stats st;
	struct probe p = { 0 };
	struct api_sched *s;
	struct fx f;

	fx_init(&f, state);
	atomic_store(&p.hold, true);
	s = start(&f, &p, true, 20000, NULL); /* every 20 ms */
	for (int i = 0; i < 500 && !atomic_load(&p.inside); i++)
		usleep(1000);
	usleep(150000);
	/* still in the first run: an extra trigger is refused */
	assert_false(api_sched_trigger(s, "probe"));
	assert_int_equal(atomic_load(&p.runs), 0);
	atomic_store(&p.hold, false);
	wait_runs(&p, 3);
	assert_int_equal(api_sched_stats(s, "probe", &st), 0);
	/* the ~7 ticks that came during the long run were skipped, not queued */
	assert_true(st.skipped_busy >= 5);
	assert_int_equal(api_sched_stats(s, "nope", &st), -1);
	api_sched_stop(s);
	assert_int_equal(atomic_load(&p.max_inside), 1);
	fx_release(&f);
}

/* two replicas on one database: only the lease holder runs the loop */
static void test_sched__two_replicas_one_runs(void **state)
{
	struct api_sched_stats sa, sb;
	struct probe pa = { 0 }, pb = { 0 };
	struct api_sched *a, *b;
	struct fx fa, fb;

	fx_init(&fa, state);
	fx_init(&fb, state);
	a = start(&fa, &pa, true, 20000, "replica-a");
	wait_runs(&pa, 1);
	b = start(&fb, &pb, true, 20000, "replica-b");
	usleep(200000);
	assert_int_equal(api_sched_stats(a, "probe", &sa), 0);
	assert_int_equal(api_sched_stats(b, "probe", &sb), 0);
	assert_true(sa.runs >= 3);
	assert_int_equal(sb.runs, 0);
	assert_true(sb.skipped_lease >= 3);
	assert_string_equal(api_sched_holder(a), "replica-a");
	/* a stops and gives the lease back: b takes over */
	api_sched_stop(a);
	wait_runs(&pb, 2);
	api_sched_stop(b);
	fx_release(&fa);
	fx_release(&fb);
}

/* a run that takes long never delays another loop: the first loop's run only ends once the
 * second loop has run (or at its 2 s deadline) */
static void test_sched__loops_in_parallel(void **state)
{
	const struct api_sched_loop loops[] = {
		{ "a", 0, 2 * S, true, true, enabled_always, wait_for_b_fn },
		{ "b", 0, 10 * S, false, true, enabled_always, b_fn },
	};
	const int64_t iv[] = { 3600 * S, 20000 };
	struct cc_err err = CC_ERR_INIT;
	struct probe p = { 0 };
	struct api_sched *s;
	struct fx f;

	fx_init(&f, state);
	f.probe = &p;
	s = api_sched_start_loops(&f.app, loops, iv, 2, NULL, &err);
	assert_non_null(s);
	wait_runs(&p, 1);
	assert_true(atomic_load(&p.saw_b));
	api_sched_stop(s);
	fx_release(&f);
}

/* an idle scheduler is one thread, whatever the number of loops; a run has its own thread,
 * gone once the run is over (its exit gives its malloc caches back) */
static void test_sched__a_thread_per_run(void **state)
{
	const struct api_sched_loop loops[] = {
		{ "probe", 0, 10 * S, false, true, enabled_always, probe_fn },
		{ "other", 0, 10 * S, false, true, enabled_always, probe_fn },
	};
	const int64_t iv[] = { 3600 * S, 3600 * S };
	struct cc_err err = CC_ERR_INIT;
	struct probe p = { 0 };
	struct api_sched *s;
	struct fx f;
	int n0;

	fx_init(&f, state);
	f.probe = &p;
	n0 = tasks();
	s = api_sched_start_loops(&f.app, loops, iv, 2, NULL, &err);
	assert_non_null(s);
	assert_int_equal(tasks(), n0 + 1);
	atomic_store(&p.hold, true);
	assert_true(api_sched_trigger(s, "probe"));
	wait_inside(&p);
	assert_int_equal(tasks(), n0 + 2);
	atomic_store(&p.hold, false);
	wait_runs(&p, 1);
	assert_int_equal(tasks_become(n0 + 1), n0 + 1);
	/* and again: the loop runs once more on a new thread */
	assert_true(api_sched_trigger(s, "probe"));
	wait_runs(&p, 2);
	assert_int_equal(tasks_become(n0 + 1), n0 + 1);
	api_sched_stop(s);
	assert_int_equal(tasks(), n0);
	fx_release(&f);
}

/* stop ends a run that is going: the run sees it through api_tick_over and is joined */
static void test_sched__stop_joins_a_run(void **state)
{
	struct probe p = { 0 };
	struct api_sched *s;
	struct fx f;
	int64_t t0;
	int n0;

	fx_init(&f, state);
	n0 = tasks();
	atomic_store(&p.hold, true);
	s = start(&f, &p, true, 3600 * S, NULL);
	wait_inside(&p);
	t0 = cc_time_mono_ms();
	api_sched_stop(s);
	assert_true(cc_time_mono_ms() - t0 < 1000);
	assert_int_equal(atomic_load(&p.inside), 0);
	assert_int_equal(atomic_load(&p.runs), 1);
	assert_int_equal(tasks(), n0);
	assert_int_equal(fx_count(&f, "SELECT COUNT(*) FROM scheduler_leases"), 0);
	fx_release(&f);
}

/* a run whose thread cannot be made counts as failed; the next tick tries again */
static void test_sched__no_thread_for_a_run(void **state)
{
	struct api_sched_stats st = { 0 };
	struct probe p = { 0 };
	struct api_sched *s;
	struct fx f;

	fx_init(&f, state);
	s = start(&f, &p, false, 50000, NULL); /* every 50 ms */
	atomic_store(&failing_creates, 1);
	for (int i = 0; i < 500 && !st.failures; i++) {
		usleep(1000);
		assert_int_equal(api_sched_stats(s, "probe", &st), 0);
	}
	assert_int_equal(st.failures, 1);
	assert_int_equal(st.runs, 0);
	assert_int_equal(atomic_load(&failing_creates), 0);
	wait_runs(&p, 1);
	assert_int_equal(api_sched_stats(s, "probe", &st), 0);
	assert_int_equal(st.failures, 1);
	assert_true(st.runs >= 1);
	api_sched_stop(s);
	fx_release(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_sched__lease_one_holder, fx_setup),
		cmocka_unit_test_setup(test_sched__agent_staleness, fx_setup),
		cmocka_unit_test_setup(test_sched__short_lived_expiry, fx_setup),
		cmocka_unit_test_setup(test_sched__notifications, fx_setup),
		cmocka_unit_test_setup(test_sched__stop_is_prompt, fx_setup),
		cmocka_unit_test_setup(test_sched__overlap_guard, fx_setup),
		cmocka_unit_test_setup(test_sched__two_replicas_one_runs, fx_setup),
		cmocka_unit_test_setup(test_sched__loops_in_parallel, fx_setup),
		cmocka_unit_test_setup(test_sched__a_thread_per_run, fx_setup),
		cmocka_unit_test_setup(test_sched__stop_joins_a_run, fx_setup),
		cmocka_unit_test_setup(test_sched__no_thread_for_a_run, fx_setup),
	};
	return TESTDB_RUN("sched", tests);
}
