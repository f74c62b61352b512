/* test-sched-renewal.c: the renewal and expiry check on both engines — a fixture fleet
 * (expiries, custom and default thresholds, auto_renew off, issuers disabled or unknown,
 * statuses to skip, a job in flight, never-issued certificates) gives the expected
 * statuses, warnings and jobs; a second run and two runs at once add nothing */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tests/unit/testsched.h"

static void fleet(struct fx *f)
{
	char b[20][CC_TIME_BUFSZ];

	fx_sql(f,
	       "INSERT INTO teams (id, name) VALUES ('tm', 'tm');"
	       "INSERT INTO owners (id, name, email, team_id) VALUES "
	       "('ow', 'Olga', 'olga@example.com', 'tm'), ('ow2', 'Nomail', '', 'tm');"
	       "INSERT INTO issuers (id, name, type, enabled) VALUES "
	       "('iss-ok', 'ok', 'GenericCA', TRUE), ('iss-off', 'off', 'GenericCA', FALSE), "
	       "('iss-bad', 'bad', 'NoSuchCA', TRUE);"
	       "INSERT INTO renewal_policies (id, name, renewal_window_days, auto_renew, "
	       "alert_thresholds_days) VALUES ('pd', 'pd', 30, TRUE, '[30, 14, 7, 0]'), "
	       "('pm', 'pm', 30, FALSE, '[0, 7, 30, 14, 7]'), ('pc', 'pc', 10, TRUE, '[60, 3]'), "
	       "('pe', 'pe', 30, TRUE, '[]');");
#define CERT(id, st, exp, pol, iss, own)                                                           \
	"('" id "', '" id "', '" id ".example.com', '" own "', 'tm', '" iss "', '" pol "', '" st   \
	"', " exp ")"
	fx_sql(
		f,
		"INSERT INTO managed_certificates (id, name, common_name, owner_id, team_id, "
		"issuer_id, renewal_policy_id, status, expires_at) VALUES " CERT(
			"c-far", "Active", "'%s'", "pd", "iss-ok",
			"ow") "," CERT("c-20", "Active", "'%s'", "pd", "iss-ok",
				       "ow") "," CERT("c-5-manual", "Active", "'%s'",
						      "pm", "iss-ok", "ow") "," CERT("c-expired",
										     "Active", "'%s'", "pm", "iss-ok", "ow2") "," CERT("c-custom-45", "Active", "'%s'", "pc", "iss-ok", "ow") "," CERT("c-custom-8", "Active", "'%s'", "pc", "iss-ok", "ow") "," CERT("c-iss-off", "Active", "'%s'", "pd", "iss-off", "ow") "," CERT("c-iss-bad", "Active", "'%s'", "pd",
																																								     "iss-bad", "ow") "," CERT("c-rip", "RenewalInProgress", "'%s'", "pd", "iss-ok",
																																											       "ow") "," CERT("c-revoked", "Revoked", "'%s'", "pd", "iss-ok", "ow") "," CERT("c-archived",
																																																					     "Archived",
																																																					     "'%s'",
																																																					     "pd", "iss-ok", "ow") "," CERT("c-failed",
																																																									    "Failed", "'%s'", "pd", "iss-ok", "ow") "," CERT("c-has-job",
																																																															     "Active", "'%s'",
																																																															     "pd",
																																																															     "iss-ok",
																																																															     "ow") "," CERT("c-pending",
																																																																	    "Pending", "'%s'",
																																																																	    "pm", "iss-ok", "ow") "," CERT("c-empty-th",
																																																																					   "Expired",
																																																																					   "'%s'",
																																																																					   "pe", "iss-ok",
																																																																					   "ow") "," CERT("c-never", "Pending",
																																																																							  "NULL", "pd", "iss-ok", "ow") "," CERT("c-never-manual", "Pending", "NULL",
																																																																												 "pm", "iss-ok", "ow") ";"
																																																																														       "INSERT INTO jobs (id, type, certificate_id, status) VALUES "
																																																																														       "('j-old', 'Renewal', 'c-has-job', 'AwaitingCSR')",
		fx_at(f, 90 * DAY, b[0]), fx_at(f, 20 * DAY, b[1]), fx_at(f, 5 * DAY, b[2]),
		fx_at(f, -2 * DAY, b[3]), fx_at(f, 45 * DAY, b[4]), fx_at(f, 8 * DAY, b[5]),
		fx_at(f, 5 * DAY, b[6]), fx_at(f, 5 * DAY, b[7]), fx_at(f, 5 * DAY, b[8]),
		fx_at(f, 5 * DAY, b[9]), fx_at(f, -1 * DAY, b[10]), fx_at(f, 5 * DAY, b[11]),
		fx_at(f, 5 * DAY, b[12]), fx_at(f, 10 * DAY, b[13]), fx_at(f, -1 * S, b[14]));
#undef CERT
}

/* certificate → status after the check, notifications it has, a job queued? */
static const struct {
	const char *id, *status;
	int notes;
	const char *job; /* type of the job the check queued, NULL: none */
} expect[] = {
	{ "c-far", "Active", 0, NULL },
	{ "c-20", "RenewalInProgress", 1, "Renewal" },
	{ "c-5-manual", "Expiring", 3, NULL },
	{ "c-expired", "Expired", 4, NULL },
	{ "c-custom-45", "Expiring", 1, NULL },
	{ "c-custom-8", "RenewalInProgress", 1, "Renewal" },
	{ "c-iss-off", "Expiring", 3, NULL },
	{ "c-iss-bad", "Expiring", 3, NULL },
	{ "c-rip", "RenewalInProgress", 3, NULL },
	{ "c-revoked", "Revoked", 0, NULL },
	{ "c-archived", "Archived", 0, NULL },
	{ "c-failed", "Failed", 0, NULL },
	{ "c-has-job", "Expiring", 3, NULL },
	{ "c-pending", "Expiring", 2, NULL },
	{ "c-empty-th", "RenewalInProgress", 4, "Renewal" },
	{ "c-never", "RenewalInProgress", 0, "Issuance" },
	{ "c-never-manual", "Pending", 0, NULL },
};

static void check_fleet(struct fx *f)
{
	long notes = 0;

	for (size_t i = 0; i < CC_ARRAY_SIZE(expect); i++) {
		const char *id = expect[i].id;
		const char *st =
			fx_one(f, "SELECT status FROM managed_certificates WHERE id = '%s'", id);
		long n;

		if (strcmp(st, expect[i].status))
			fail_msg("%s: status %s, want %s", id, st, expect[i].status);
		n = fx_count(f,
			     "SELECT COUNT(*) FROM notification_events WHERE certificate_id = '%s' "
			     "AND type = 'ExpirationWarning'",
			     id);
		if (n != expect[i].notes)
			fail_msg("%s: %ld expiration warnings, want %d", id, n, expect[i].notes);
		notes += n;
		n = fx_count(
			f,
			"SELECT COUNT(*) FROM jobs WHERE certificate_id = '%s' AND id <> 'j-old'",
			id);
		if (n != (expect[i].job ? 1 : 0))
			fail_msg("%s: %ld jobs, want %d", id, n, expect[i].job ? 1 : 0);
		if (expect[i].job) {
			char want[64];

			snprintf(want, sizeof(want), "%s/Pending/3", expect[i].job);
			assert_string_equal(
				fx_one(f,
				       "SELECT type || '/' || status || '/' || "
				       "max_attempts FROM jobs WHERE certificate_id = '%s' "
				       "AND id <> 'j-old'",
				       id),
				want);
		}
	}
	assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM notification_events"), notes);
	assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM jobs"), 5);
	/* every warning: pending e-mail to the owner (or the owner id), with its marker */
	assert_int_equal(fx_count(f, "SELECT COUNT(*) FROM notification_events WHERE status = "
				     "'pending' AND channel = 'Email' AND dedup_key IS NOT NULL"),
			 notes);
	assert_string_equal(fx_one(f, "SELECT recipient FROM notification_events WHERE "
				      "certificate_id = 'c-20'"),
			    "olga@example.com");
	assert_string_equal(fx_one(f, "SELECT message FROM notification_events WHERE "
				      "certificate_id = 'c-20'"),
			    "Certificate c-20.example.com expires in 20 days [threshold:30]");
	assert_string_equal(
		fx_one(f, "SELECT recipient FROM notification_events WHERE "
			  "certificate_id = 'c-expired' AND dedup_key = 'expiry:c-expired:0'"),
		"ow2");
	assert_non_null(strstr(fx_one(f, "SELECT message FROM notification_events WHERE "
					 "dedup_key = 'expiry:c-expired:0'"),
			       "[EXPIRED]"));
}

static void test_sched_renewal__fleet(void **state)
{
	struct cc_err err = CC_ERR_INIT;
	struct fx f;
	struct api_tick t;
	long a0, j0;
	int n;

	fx_init(&f, state);
	fleet(&f);
	a0 = fx_audits(&f, "expiration_alert_sent");
	j0 = fx_audits(&f, "renewal_job_created");
	t = fx_tick(&f);
	n = api_renewal_check_tick(&t, &err);
	if (n < 0)
		fail_msg("renewal check: %s", err.msg);
	check_fleet(&f);
	assert_int_equal(fx_audits(&f, "expiration_alert_sent") - a0, 28);
	assert_int_equal(fx_audits(&f, "renewal_job_created") - j0, 4);
	assert_non_null(strstr(fx_one(&f, "SELECT details FROM audit_events WHERE action = "
					  "'renewal_job_created' AND resource_id = 'c-20'"),
			       "days_until_expiry"));
	/* a second run changes nothing */
	t.now += 60 * S;
	assert_int_equal(api_renewal_check_tick(&t, &err), 0);
	check_fleet(&f);
	assert_int_equal(fx_audits(&f, "expiration_alert_sent") - a0, 28);
	assert_int_equal(fx_audits(&f, "renewal_job_created") - j0, 4);
	fx_release(&f);
}

/* refuse every expiration warning of one certificate (a trigger), on either engine */
static void refuse_warnings_of(struct fx *f, const char *id)
{
	if (f->t->engine == CC_DB_SQLITE)
		fx_sql(f,
		       "CREATE TRIGGER refuse BEFORE INSERT ON notification_events WHEN "
		       "NEW.certificate_id = '%s' BEGIN SELECT RAISE(ABORT, 'refused'); END",
		       id);
	else
		fx_sql(f,
		       "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
		       "IF NEW.certificate_id = '%s' THEN RAISE EXCEPTION 'refused'; "
		       "END IF; RETURN NEW; END $$; CREATE TRIGGER refuse BEFORE INSERT ON "
		       "notification_events FOR EACH ROW EXECUTE FUNCTION refuse()",
		       id);
}

/* the check commits many certificates per transaction; one that fails is undone and the
 * rest are checked again one by one, so only the failing one misses its warnings */
static void test_sched_renewal__one_failure_costs_only_itself(void **state)
{
	struct cc_err err = CC_ERR_INIT;
	struct fx f;
	struct api_tick t;
	long a0;

	fx_init(&f, state);
	fleet(&f);
	refuse_warnings_of(&f, "c-custom-45");
	/* audit rows outlive each test's fixture (append-only): count what this run adds */
	a0 = fx_count(&f, "SELECT COUNT(*) FROM audit_events WHERE action = "
			  "'expiration_alert_sent' AND resource_id = 'c-custom-45'");
	t = fx_tick(&f);
	if (api_renewal_check_tick(&t, &err) < 0)
		fail_msg("renewal check: %s", err.msg);
	for (size_t i = 0; i < CC_ARRAY_SIZE(expect); i++) {
		long want = strcmp(expect[i].id, "c-custom-45") ? expect[i].notes : 0;
		long n = fx_count(&f,
				  "SELECT COUNT(*) FROM notification_events WHERE "
				  "certificate_id = '%s' AND type = 'ExpirationWarning'",
				  expect[i].id);

		if (n != want)
			fail_msg("%s: %ld expiration warnings, want %ld", expect[i].id, n, want);
	}
	assert_int_equal(fx_count(&f, "SELECT COUNT(*) FROM jobs"), 5);
	assert_int_equal(fx_count(&f, "SELECT COUNT(*) FROM audit_events WHERE action = "
				      "'expiration_alert_sent' AND resource_id = 'c-custom-45'"),
			 a0);
	fx_release(&f);
}

/* n certificates named PREFIX-k expiring in 3 days (three thresholds fire), one recurring
 * CTE so a large fleet costs one statement */
static void expiring(struct fx *f, const char *prefix, int n)
{
	char at[CC_TIME_BUFSZ];

	fx_sql(f,
	       "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < %d) "
	       "INSERT INTO managed_certificates (id, name, common_name, owner_id, team_id, "
	       "issuer_id, renewal_policy_id, status, expires_at) SELECT '%s-' || i, "
	       "'%s-' || i, '%s-' || i || '.example.com', 'ow', 'tm', 'iss-ok', 'pw', "
	       "'Active', '%s' FROM k",
	       n, prefix, prefix, prefix, fx_at(f, 3 * DAY, at));
}

static uint64_t steps_of_a_check(struct fx *f)
{
	struct cc_err err = CC_ERR_INIT;
	struct api_tick t = fx_tick(f);
	uint64_t s0 = cc_db_vm_steps(f->app.db);

	if (api_renewal_check_tick(&t, &err) < 0)
		fail_msg("renewal check: %s", err.msg);
	return cc_db_vm_steps(f->app.db) - s0;
}

/* the work of checking a certificate does not grow with the warnings already in the
 * database: the look-up of a certificate's warnings once read every warning there was
 * (SQLite picked the index on type), and a first check of a large inventory slowed down
 * with each warning it wrote. Counted in SQLite VM steps, which do not depend on the
 * machine's speed; PostgreSQL plans from statistics and has no such count. */
static void test_sched_renewal__work_per_certificate_stays_flat(void **state)
{
	char far[CC_TIME_BUFSZ];
	struct fx f;
	uint64_t first, later;

	fx_init(&f, state);
	if (f.t->engine != CC_DB_SQLITE) {
		fx_release(&f);
		return;
	}
	fx_sql(&f, "INSERT INTO teams (id, name) VALUES ('tm', 'tm');"
		   "INSERT INTO owners (id, name, email, team_id) VALUES "
		   "('ow', 'Olga', 'olga@example.com', 'tm');"
		   "INSERT INTO issuers (id, name, type, enabled) VALUES "
		   "('iss-ok', 'ok', 'GenericCA', TRUE);"
		   "INSERT INTO renewal_policies (id, name, renewal_window_days, auto_renew, "
		   "alert_thresholds_days) VALUES ('pw', 'pw', 1, FALSE, '[30, 14, 7]')");
	expiring(&f, "first", 40);
	first = steps_of_a_check(&f);
	assert_int_equal(fx_count(&f, "SELECT COUNT(*) FROM notification_events"), 120);
	/* 6,000 more warnings, then 40 new certificates, the only ones due */
	expiring(&f, "noise", 2000);
	assert_true(steps_of_a_check(&f) > 0);
	fx_sql(&f, "UPDATE managed_certificates SET expires_at = '%s'",
	       fx_at(&f, 400 * DAY, far)); /* out of the check's reach */
	expiring(&f, "later", 40);
	later = steps_of_a_check(&f);
	assert_int_equal(fx_count(&f, "SELECT COUNT(*) FROM notification_events WHERE "
				      "certificate_id LIKE 'later-%%'"),
			 120);
	if (later > first * 2)
		fail_msg("checking 40 certificates took %llu steps with 6,120 warnings in the "
			 "database, %llu with none: the look-ups read other certificates' rows",
			 (unsigned long long)later, (unsigned long long)first);
	fx_release(&f);
}

struct racer {
	struct api_tick t;
	pthread_barrier_t *go;
	int rc;
	struct cc_err err;
};

static void *race(void *arg)
{
	struct racer *r = arg;

	pthread_barrier_wait(r->go);
	r->rc = api_renewal_check_tick(&r->t, &r->err);
	return NULL;
}

/* two replicas checking at once (no lease) still queue one job and one warning each */
static void test_sched_renewal__concurrent(void **state)
{
	struct racer r[2];
	pthread_barrier_t go;
	pthread_t th[2];
	struct fx f;

	fx_init(&f, state);
	fleet(&f);
	pthread_barrier_init(&go, NULL, 2);
	for (int i = 0; i < 2; i++) {
		memset(&r[i], 0, sizeof(r[i]));
		r[i].t = fx_tick(&f);
		r[i].go = &go;
		pthread_create(&th[i], NULL, race, &r[i]);
	}
	for (int i = 0; i < 2; i++) {
		pthread_join(th[i], NULL);
		if (r[i].rc < 0)
			fail_msg("racer %d: %s", i, r[i].err.msg);
	}
	pthread_barrier_destroy(&go);
	check_fleet(&f);
	fx_release(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_sched_renewal__fleet, fx_setup),
		cmocka_unit_test_setup(test_sched_renewal__concurrent, fx_setup),
		cmocka_unit_test_setup(test_sched_renewal__one_failure_costs_only_itself, fx_setup),
		cmocka_unit_test_setup(test_sched_renewal__work_per_certificate_stays_flat,
				       fx_setup),
	};
	return TESTDB_RUN("sched-renewal", tests);
}
