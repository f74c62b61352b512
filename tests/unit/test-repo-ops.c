/* test-repo-ops.c: jobs (claiming, transitions), policy rules and violations, audit events,
 * notifications, certificate profiles and agent groups on both engines */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tests/unit/testrepo.h"
#include "libcc/agent-group.h"
#include "libcc/audit.h"
#include "libcc/buf.h"
#include "libcc/job.h"
#include "libcc/mem.h"
#include "libcc/notification.h"
#include "libcc/policy.h"
#include "libcc/profile.h"
#include "libcc/repo.h"
#include "libcc/time.h"

#define NASTY "o'hara\"; DROP TABLE jobs; --"
#define SEC CC_USEC_PER_SEC
#define T0 (INT64_C(1767225600) * SEC) /* 2026-01-01T00:00:00Z */
#define RACE_JOBS 200

/* ---- fixtures by raw SQL: these tables belong to other modules ---- */

static void mk_job(struct testdb *t, const char *id, const char *type, const char *status,
		   const char *cert, int64_t scheduled, int64_t created)
{
	struct cc_job j = { .id = xdup(id),
			    .type = xdup(type),
			    .status = xdup(status),
			    .certificate_id = xdup(cert),
			    .max_attempts = 3,
			    .scheduled_at = scheduled,
			    .created_at = created };

	insert_free(t, &cc_job_entity, &j);
}

/* ---- jobs ---- */

static void test_repo_ops__job_crud(void **state)
{
	struct testdb *t = TDB(state);
	struct cc_err err = CC_ERR_INIT;
	struct cc_job j = { 0 }, got = { 0 };

	mk_certs(t);
	mk_agent(t, "agent-1");
	mk_target(t, "target-1", "agent-1");
	j.type = xdup("Renewal");
	j.certificate_id = xdup("cert-1");
	j.max_attempts = 3;
	insert_ok(t, &cc_job_entity, &j);
	assert_true(!strncmp(j.id, "job-", 4));
	assert_string_equal(j.status, "Pending");	       /* DB default */
	assert_string_equal(j.verification_status, "pending"); /* DB default */
	assert_true(j.created_at > 0);
	expect_keys(&cc_job_entity, &j,
		    "id type certificate_id status attempts max_attempts scheduled_at created_at "
		    "verification_status");
	expect_json_key(&cc_job_entity, &j, "scheduled_at", "\"" CC_ZERO_TIME_TEXT "\"");

	assert_int_equal(cc_repo_get(t->c, &cc_job_entity, j.id, &got, &err), 0);
	assert_string_equal(got.type, "Renewal");
	assert_string_equal(got.certificate_id, "cert-1");
	assert_null(got.target_id);
	assert_null(got.deployment_result);
	assert_int_equal(got.attempts, 0);
	assert_int_equal(got.max_attempts, 3);
	assert_int_equal(got.created_at, j.created_at);

	set_str(&got.status, "Running");
	set_str(&got.type, "Deployment");
	set_str(&got.target_id, "target-1");
	set_str(&got.agent_id, "agent-1");
	set_str(&got.last_error, NASTY);
	got.attempts = 2;
	got.scheduled_at = T0;
	got.started_at = T0 + SEC;
	got.deployment_result = json_pack("{s:s, s:b}", "note", NASTY, "ok", 1);
	update_reload(t, &cc_job_entity, &got);
	assert_string_equal(got.status, "Running");
	assert_string_equal(got.last_error, NASTY);
	assert_string_equal(got.target_id, "target-1");
	assert_int_equal(got.attempts, 2);
	assert_int_equal(got.scheduled_at, T0);
	assert_int_equal(got.started_at, T0 + SEC);
	assert_int_equal(got.created_at, j.created_at);
	expect_json_eq(got.deployment_result, "{\"note\": \"o'hara\\\"; DROP TABLE jobs; --\", "
					      "\"ok\": true}");
	/* deployment_result never reaches JSON */
	expect_keys(&cc_job_entity, &got,
		    "id type certificate_id target_id agent_id status attempts max_attempts "
		    "last_error scheduled_at started_at created_at verification_status");
	expect_json_key(&cc_job_entity, &got, "scheduled_at", "\"2026-01-01T00:00:00Z\"");

	/* FK: unknown certificate, unknown agent */
	set_str(&got.certificate_id, "cert-none");
	assert_fails(cc_repo_update(t->c, &cc_job_entity, &got, &err), CC_E_CONFLICT);
	cc_obj_release(&cc_job_entity, &got);
	got.type = xdup("Renewal");
	got.agent_id = xdup("agent-none");
	insert_fails(t, &cc_job_entity, &got, CC_E_CONFLICT);

	delete_gone(t, &cc_job_entity, j.id);
	cc_obj_release(&cc_job_entity, &j);
}

static void test_repo_ops__job_list_filters(void **state)
{
	struct testdb *t = TDB(state);
	struct cc_err err = CC_ERR_INIT;
	struct cc_query q = { 0 };
	struct cc_list l;
	struct cc_job j = { 0 };
	char ts[CC_TIME_BUFSZ];

	mk_certs(t);
	mk_agent(t, "agent-1");
	mk_target(t, "target-1", "agent-1");
	mk_job(t, "job-a", "Renewal", "Pending", "cert-1", 0, T0);
	mk_job(t, "job-b", "Renewal", "Failed", "cert-1", 0, T0 + 10 * SEC);
	j = (struct cc_job){ .id = xdup("job-c"),
			     .type = xdup("Deployment"),
			     .status = xdup("Pending"),
			     .certificate_id = xdup("cert-2"),
			     .target_id = xdup("target-1"),
			     .agent_id = xdup("agent-1"),
			     .created_at = T0 + 20 * SEC };
	insert_free(t, &cc_job_entity, &j);

	expect_filter2(t, &cc_job_entity, "status", "Pending", 2, "Cancelled");
	expect_filter2(t, &cc_job_entity, "type", "Renewal", 2, "Validation");
	expect_filter2(t, &cc_job_entity, "type", "Deployment", 1, "deployment");
	expect_filter2(t, &cc_job_entity, "certificate_id", "cert-1", 2, "cert-9");
	expect_filter2(t, &cc_job_entity, "agent_id", "agent-1", 1, "agent-9");
	expect_filter2(t, &cc_job_entity, "target_id", "target-1", 1, NASTY);
	expect_filter2(t, &cc_job_entity, "created_after", cc_time_format(T0 + 5 * SEC, ts), 2,
		       "2030-01-01T00:00:00Z");

	/* newest first */
	assert_int_equal(cc_repo_list(t->c, &cc_job_entity, &q, &l, &err), 0);
	assert_int_equal(l.n, 3);
	assert_string_equal(((struct cc_job *)l.items[0])->id, "job-c");
	assert_string_equal(((struct cc_job *)l.items[2])->id, "job-a");
	cc_list_release(&cc_job_entity, &l);

	/* deleting the target keeps the job (SET NULL), deleting the certificate drops it */
	sql_ok(t, "DELETE FROM deployment_targets WHERE id = $1",
	       CC_DB_ARGS(CC_DB_TEXT("target-1")));
	assert_int_equal(cc_repo_get(t->c, &cc_job_entity, "job-c", &j, &err), 0);
	assert_null(j.target_id);
	cc_obj_release(&cc_job_entity, &j);
	sql_ok(t, "DELETE FROM managed_certificates WHERE id = $1",
	       CC_DB_ARGS(CC_DB_TEXT("cert-2")));
	assert_fails(cc_repo_get(t->c, &cc_job_entity, "job-c", &j, &err), CC_E_NOT_FOUND);
}

/* the stored job has this status, last_error, started_at and completed_at */
static void expect_job(struct testdb *t, const char *id, const char *status, const char *last_error,
		       int64_t started, int64_t completed)
{
	struct cc_err err = CC_ERR_INIT;
	struct cc_job j = { 0 };

	if (cc_repo_get(t->c, &cc_job_entity, id, &j, &err) < 0)
		fail_msg("get %s: %s", id, err.msg);
	assert_string_equal(j.status, status);
	if (last_error)
		assert_string_equal(j.last_error, last_error);
	else
		assert_null(j.last_error);
	assert_int_equal(j.started_at, started);
	assert_int_equal(j.completed_at, completed);
	cc_obj_release(&cc_job_entity, &j);
}

static void claim_expect(struct testdb *t, const char *from, const char *to, const char *type,
			 const char *want_id)
{
	struct cc_err err = CC_ERR_INIT;
	struct cc_job j = { 0 };
	int64_t now = T0 + 3600 * SEC;
	int rc = cc_job_claim(t->c, from, to, type, now, &j, &err);

	if (!want_id) {
		if (rc == 0)
			fail_msg("claim from %s: got %s, expected none", from, j.id);
		assert_int_equal(err.code, CC_E_NOTHING);
		return;
	}
	if (rc < 0)
		fail_msg("claim %s from %s: %s", want_id, from, err.msg);
	assert_string_equal(j.id, want_id);
	assert_string_equal(j.status, to);
	assert_int_equal(j.started_at, now);
	cc_obj_release(&cc_job_entity, &j);
	expect_job(t, want_id, to, NULL, now, 0);
}

static void test_repo_ops__job_claim(void **state)
{
	struct testdb *t = TDB(state);

	/* order: scheduled_at, else created_at */
	mk_job(t, "job-a", "Renewal", "Pending", NULL, T0 + 10 * SEC, T0);
	mk_job(t, "job-b", "Renewal", "Pending", NULL, 0, T0 + 5 * SEC);
	mk_job(t, "job-c", "Deployment", "Pending", NULL, T0 + 1 * SEC, T0 + 20 * SEC);
	mk_job(t, "job-d", "Renewal", "AwaitingCSR", NULL, 0, T0 - 100 * SEC);
	mk_job(t, "job-e", "Renewal", "Completed", NULL, 0, T0 - 200 * SEC);

	claim_expect(t, "Pending", "Running", "Renewal", "job-b");
	claim_expect(t, "Pending", "Running", NULL, "job-c");
	claim_expect(t, "Pending", "Running", "Deployment", NULL);
	claim_expect(t, "Pending", "Running", NULL, "job-a");
	claim_expect(t, "Pending", "Running", NULL, NULL);
	claim_expect(t, "AwaitingCSR", "Running", "Issuance", NULL);
	claim_expect(t, "AwaitingCSR", NASTY, "Renewal", "job-d");
	claim_expect(t, "AwaitingCSR", "Running", NULL, NULL);
	claim_expect(t, NASTY, "Completed", NULL, "job-d");
	claim_expect(t, NASTY, "Completed", NULL, NULL);
	assert_int_equal(count2(t, &cc_job_entity, "status", "Running", NULL, NULL), 3);
	assert_int_equal(count2(t, &cc_job_entity, "status", "Completed", NULL, NULL), 2);
}

struct claimer {
	struct cc_db *db;
	pthread_barrier_t *start;
	struct cc_strv ids;
	int retries;
	char fail[300];
};

static void *claim_loop(void *arg)
{
	struct claimer *cl = arg;
	struct cc_err err = CC_ERR_INIT;
	struct cc_dbc *c = cc_db_get(cl->db, &err);

	pthread_barrier_wait(cl->start);
	if (!c) {
		snprintf(cl->fail, sizeof(cl->fail), "get: %s", err.msg);
		return NULL;
	}
	for (;;) {
		struct cc_job j = { 0 };

		if (cc_job_claim(c, "Pending", "Running", NULL, cc_time_now(), &j, &err) < 0) {
			if (err.code == CC_E_NOTHING)
				break;
			if (err.code == CC_E_RETRY && cl->retries++ < 1000)
				continue;
			snprintf(cl->fail, sizeof(cl->fail), "claim: %s", err.msg);
			break;
		}
		cc_strv_push(&cl->ids, j.id);
		cc_obj_release(&cc_job_entity, &j);
	}
	cc_db_put(cl->db, c);
	return NULL;
}

/* two connections claiming concurrently: every job is handed out exactly once */
static void test_repo_ops__job_claim_race(void **state)
{
	struct testdb *t = TDB(state);
	struct cc_err err = CC_ERR_INIT;
	struct claimer cl[2] = { 0 };
	pthread_t th[2];
	pthread_barrier_t start;
	char seen[RACE_JOBS] = { 0 };
	int total = 0;

	assert_int_equal(cc_db_begin(t->c, &err), 0);
	for (int i = 0; i < RACE_JOBS; i++) {
		char id[32];
		snprintf(id, sizeof(id), "job-race-%03d", i);
		sql_ok(t, "INSERT INTO jobs (id, type, created_at) VALUES ($1, $2, $3)",
		       CC_DB_ARGS(CC_DB_TEXT(id), CC_DB_TEXT(i % 2 ? "Renewal" : "Deployment"),
				  CC_DB_TIME(T0 + i * SEC)));
	}
	assert_int_equal(cc_db_commit(t->c, &err), 0);

	pthread_barrier_init(&start, NULL, 2);
	for (int i = 0; i < 2; i++) {
		cl[i].db = t->db;
		cl[i].start = &start;
		assert_int_equal(pthread_create(&th[i], NULL, claim_loop, &cl[i]), 0);
	}
	for (int i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	pthread_barrier_destroy(&start);

	for (int i = 0; i < 2; i++) {
		if (cl[i].fail[0])
			fail_msg("claimer %d: %s", i, cl[i].fail);
		for (size_t k = 0; k < cl[i].ids.n; k++) {
			int n;
			if (sscanf(cl[i].ids.v[k], "job-race-%d", &n) != 1 || n < 0 ||
			    n >= RACE_JOBS)
				fail_msg("unexpected job %s", cl[i].ids.v[k]);
			if (seen[n]++)
				fail_msg("job %s claimed twice", cl[i].ids.v[k]);
			total++;
		}
		print_message("claimer %d: %zu jobs, %d retries\n", i, cl[i].ids.n, cl[i].retries);
		cc_strv_release(&cl[i].ids);
	}
	assert_int_equal(total, RACE_JOBS);
	assert_int_equal(count2(t, &cc_job_entity, "status", "Running", NULL, NULL), RACE_JOBS);
	assert_int_equal(count2(t, &cc_job_entity, "status", "Pending", NULL, NULL), 0);
}

static void test_repo_ops__job_set_status(void **state)
{
	struct testdb *t = TDB(state);
	struct cc_err err = CC_ERR_INIT;
	int64_t now = T0 + 60 * SEC;

	mk_job(t, "job-a", "Renewal", "Pending", NULL, 0, T0);
	assert_int_equal(cc_job_set_status(t->c, "job-a", "Pending", "Running", NULL, now, &err),
			 0);
	expect_job(t, "job-a", "Running", NULL, now, 0);

	/* wrong expectation: refused, nothing written; unknown job */
	assert_fails(cc_job_set_status(t->c, "job-a", "Pending", "Cancelled", "x", now, &err),
		     CC_E_CONFLICT);
	assert_non_null(strstr(err.msg, "Running"));
	expect_job(t, "job-a", "Running", NULL, now, 0);
	assert_fails(cc_job_set_status(t->c, "job-none", "Pending", "Running", NULL, now, &err),
		     CC_E_NOT_FOUND);
	assert_fails(cc_job_set_status(t->c, "job-none", NULL, "Running", NULL, now, &err),
		     CC_E_NOT_FOUND);

	/* final statuses set completed_at; started_at is kept */
	assert_int_equal(
		cc_job_set_status(t->c, "job-a", "Running", "Failed", NASTY, now + SEC, &err), 0);
	expect_job(t, "job-a", "Failed", NASTY, now, now + SEC);
	/* no expectation: any status; NULL error clears it */
	assert_int_equal(
		cc_job_set_status(t->c, "job-a", NULL, "Completed", NULL, now + 2 * SEC, &err), 0);
	expect_job(t, "job-a", "Completed", NULL, now, now + 2 * SEC);
	assert_int_equal(cc_job_set_status(t->c, "job-a", "Completed", "Cancelled",
					   "cancelled by user", now + 3 * SEC, &err),
			 0);
	expect_job(t, "job-a", "Cancelled", "cancelled by user", now, now + 3 * SEC);
	/* Running again: started_at stays the first one */
	assert_int_equal(
		cc_job_set_status(t->c, "job-a", NULL, "Running", NULL, now + 4 * SEC, &err), 0);
	expect_job(t, "job-a", "Running", NULL, now, now + 3 * SEC);
}

/* ---- policy rules and violations ---- */

static void mk_rule(struct testdb *t, const char *id, const char *type, bool enabled)
{
	struct cc_policy_rule r = { .id = xdup(id),
				    .name = xdup(id),
				    .type = xdup(type),
				    .config = json_object(),
				    .enabled = enabled };

	insert_free(t, &cc_policy_rule_entity, &r);
}

static void test_repo_ops__policy_rule_crud(void **state)
{
	struct testdb *t = TDB(state);
	struct cc_err err = CC_ERR_INIT;
	struct cc_policy_rule r = { 0 }, got = { 0 };

	r.name = xdup(NASTY);
	r.type = xdup("AllowedDomains");
	r.config = json_pack("{s:[s]}", "domains", "*.example.com");
	r.enabled = true;
	insert_ok(t, &cc_policy_rule_entity, &r);
	assert_true(!strncmp(r.id, "rule-", 5));
	assert_true(r.created_at > 0);
	assert_int_equal(r.created_at, r.updated_at);
	expect_keys(&cc_policy_rule_entity, &r,
		    "id name type config severity enabled created_at updated_at");

	assert_int_equal(cc_repo_get(t->c, &cc_policy_rule_entity, r.id, &got, &err), 0);
	assert_string_equal(got.name, NASTY);
	assert_true(got.enabled);
	expect_json_eq(got.config, "{\"domains\": [\"*.example.com\"]}");

	set_str(&got.type, "RequiredMetadata");
	json_decref(got.config);
	got.config = json_pack("{s:s}", "quote", NASTY);
	got.enabled = false;
	update_reload(t, &cc_policy_rule_entity, &got);
	assert_string_equal(got.type, "RequiredMetadata");
	assert_false(got.enabled);
	expect_json_eq(got.config, "{\"quote\": \"o'hara\\\"; DROP TABLE jobs; --\"}");
	assert_true(got.updated_at >= r.updated_at);
	assert_int_equal(got.created_at, r.created_at);

	/* config is NOT NULL; the name is unique */
	cc_obj_release(&cc_policy_rule_entity, &got);
	got = (struct cc_policy_rule){ .name = xdup("no-config"), .type = xdup("AllowedIssuers") };
	insert_fails(t, &cc_policy_rule_entity, &got, CC_E_INVALID);
	got = (struct cc_policy_rule){ .name = xdup(NASTY),
				       .type = xdup("AllowedIssuers"),
				       .config = json_object() };
	insert_fails(t, &cc_policy_rule_entity, &got, CC_E_CONFLICT);

	mk_rule(t, "rule-2", "AllowedIssuers", true);
	expect_filter2(t, &cc_policy_rule_entity, "type", "AllowedIssuers", 1, "RenewalLeadTime");
	expect_filter_and(t, &cc_policy_rule_entity, "enabled", "true", 1, "false", "type",
			  "AllowedIssuers");
	expect_filter_and(t, &cc_policy_rule_entity, "enabled", "false", 1, "true", "type",
			  "RequiredMetadata");

	delete_gone(t, &cc_policy_rule_entity, r.id);
	cc_obj_release(&cc_policy_rule_entity, &r);
}

static int add_violation(struct testdb *t, const char *id, const char *cert, const char *rule,
			 const char *severity, struct cc_err *err)
{
	struct cc_policy_violation v = { .id = xdup(id),
					 .certificate_id = xdup(cert),
					 .rule_id = xdup(rule),
					 .message = xdup("m"),
					 .severity = xdup(severity) };
	int rc = cc_repo_insert(t->c, &cc_policy_violation_entity, &v, err);

	cc_obj_release(&cc_policy_violation_entity, &v);
	return rc;
}

static void test_repo_ops__policy_violation_crud(void **state)
{
	struct testdb *t = TDB(state);
	struct cc_err err = CC_ERR_INIT;
	struct cc_policy_violation v = { 0 }, got = { 0 };

	mk_certs(t);
	mk_rule(t, "rule-1", "AllowedDomains", true);
	mk_rule(t, "rule-2", "RenewalLeadTime", true);
	v = (struct cc_policy_violation){ .certificate_id = xdup("cert-1"),
					  .rule_id = xdup("rule-1"),
					  .message = xdup(NASTY),
					  .severity = xdup("Warning") };
	insert_ok(t, &cc_policy_violation_entity, &v);
	assert_true(!strncmp(v.id, "violation-", 10));
	assert_true(v.created_at > 0);
	expect_keys(&cc_policy_violation_entity, &v,
		    "id certificate_id rule_id message severity created_at");

	assert_int_equal(cc_repo_get(t->c, &cc_policy_violation_entity, v.id, &got, &err), 0);
	assert_string_equal(got.message, NASTY);
	assert_string_equal(got.rule_id, "rule-1");
	set_str(&got.severity, "Critical");
	set_str(&got.rule_id, "rule-2");
	set_str(&got.message, "m; --");
	update_reload(t, &cc_policy_violation_entity, &got);
	assert_string_equal(got.severity, "Critical");
	assert_string_equal(got.rule_id, "rule-2");
	assert_string_equal(got.message, "m; --");
	assert_int_equal(got.created_at, v.created_at);
	cc_obj_release(&cc_policy_violation_entity, &got);

	/* FK: unknown rule, unknown certificate */
	assert_fails(add_violation(t, NULL, "cert-1", "rule-none", "Error", &err), CC_E_CONFLICT);
	assert_fails(add_violation(t, NULL, "cert-none", "rule-1", "Error", &err), CC_E_CONFLICT);
	assert_int_equal(add_violation(t, "violation-2", "cert-2", "rule-1", "Error", &err), 0);
	expect_filter2(t, &cc_policy_violation_entity, "certificate_id", "cert-2", 1, "cert-9");
	expect_filter2(t, &cc_policy_violation_entity, "rule_id", "rule-2", 1, "rule-9");
	expect_filter2(t, &cc_policy_violation_entity, "severity", "Error", 1, "Warning");

	delete_gone(t, &cc_policy_violation_entity, v.id);
	/* deleting the rule deletes its violations */
	assert_int_equal(cc_repo_delete(t->c, &cc_policy_rule_entity, "rule-1", &err), 0);
	assert_int_equal(count2(t, &cc_policy_violation_entity, NULL, NULL, NULL, NULL), 0);
	cc_obj_release(&cc_policy_violation_entity, &v);
}

/* ---- audit events ---- */

/* a token no earlier test or run has used in this database */
static void unique_token(char *buf, size_t n, const char *what)
{
	static int seq;

	snprintf(buf, n, "%s-%lld-%d", what, (long long)cc_time_now(), ++seq);
}

static void mk_audit(struct testdb *t, const char *actor, const char *actor_type,
		     const char *action, const char *res_type, const char *res_id, int64_t at)
{
	struct cc_audit_event a = { .actor = xdup(actor),
				    .actor_type = xdup(actor_type),
				    .action = xdup(action),
				    .resource_type = xdup(res_type),
				    .resource_id = xdup(res_id),
				    .timestamp = at };

	insert_free(t, &cc_audit_event_entity, &a);
}

static void test_repo_ops__audit_append_only(void **state)
{
	struct testdb *t = TDB(state);
	struct cc_err err = CC_ERR_INIT;
	struct cc_audit_event a = { 0 }, got = { 0 };
	struct cc_dbres r = CC_DBRES_INIT;
	char res[64];

	unique_token(res, sizeof(res), "res");
	a.actor = xdup(NASTY);
	a.actor_type = xdup("User");
	a.action = xdup("create_profile");
	a.resource_type = xdup("certificate_profile");
	a.resource_id = xdup(res);
	insert_ok(t, &cc_audit_event_entity, &a);
	assert_true(!strncmp(a.id, "audit-", 6));
	assert_true(a.timestamp > 0);
	expect_keys(&cc_audit_event_entity, &a,
		    "id actor actor_type action resource_type resource_id details timestamp");
	expect_json_key(&cc_audit_event_entity, &a, "details", "null");

	assert_int_equal(cc_repo_get(t->c, &cc_audit_event_entity, a.id, &got, &err), 0);
	assert_string_equal(got.actor, NASTY);
	assert_null(got.details);
	assert_int_equal(got.timestamp, a.timestamp);

	/* refused by the repository ... */
	set_str(&got.actor, "mallory");
	assert_fails(cc_repo_update(t->c, &cc_audit_event_entity, &got, &err), CC_E_CONFLICT);
	assert_fails(cc_repo_delete(t->c, &cc_audit_event_entity, a.id, &err), CC_E_CONFLICT);
	/* ... and by the database */
	assert_fails(cc_db_exec(t->c, "UPDATE audit_events SET actor = $2 WHERE id = $1",
				CC_DB_ARGS(CC_DB_TEXT(a.id), CC_DB_TEXT("mallory")), NULL, &err),
		     CC_E_CONFLICT);
	assert_non_null(strstr(err.msg, "append-only"));
	assert_fails(cc_db_exec(t->c, "DELETE FROM audit_events WHERE id = $1",
				CC_DB_ARGS(CC_DB_TEXT(a.id)), NULL, &err),
		     CC_E_CONFLICT);
	assert_non_null(strstr(err.msg, "append-only"));
	assert_int_equal(cc_db_exec_script(t->c, "DELETE FROM audit_events", &err), -1);
	assert_int_equal(cc_db_exec(t->c, "SELECT actor FROM audit_events WHERE id = $1",
				    CC_DB_ARGS(CC_DB_TEXT(a.id)), &r, &err),
			 0);
	assert_int_equal(r.nrows, 1);
	assert_string_equal(cc_dbres_str(&r, 0, 0), NASTY);
	cc_dbres_release(&r);

	/* the id is the primary key */
	cc_obj_release(&cc_audit_event_entity, &got);
	got = (struct cc_audit_event){ .id = xdup(a.id),
				       .actor = xdup("x"),
				       .actor_type = xdup("System"),
				       .action = xdup("x"),
				       .resource_type = xdup("x"),
				       .resource_id = xdup(res) };
	insert_fails(t, &cc_audit_event_entity, &got, CC_E_CONFLICT);
	cc_obj_release(&cc_audit_event_entity, &a);
}

static void test_repo_ops__audit_list_filters(void **state)
{
	struct testdb *t = TDB(state);
	struct cc_err err = CC_ERR_INIT;
	struct cc_audit_event a = { 0 };
	struct cc_query q = { 0 };
	struct cc_list l;
	char res[64], actor[64], action[64], rtype[64], atype[64], ts[CC_TIME_BUFSZ];

	unique_token(res, sizeof(res), "res");
	unique_token(actor, sizeof(actor), "actor");
	unique_token(action, sizeof(action), "action");
	unique_token(rtype, sizeof(rtype), "type");
	unique_token(atype, sizeof(atype), "atype");
	mk_audit(t, actor, "User", "api_post", "api", res, T0);
	mk_audit(t, "system", atype, action, "api", res, T0 + 10 * SEC);
	mk_audit(t, "system", "System", "api_get", rtype, res, T0 + 20 * SEC);
	a = (struct cc_audit_event){ .actor = xdup("system"),
				     .actor_type = xdup("System"),
				     .action = xdup("x"),
				     .resource_type = xdup("api"),
				     .resource_id = xdup(res),
				     .details =
					     json_pack("{s:s, s:i}", "path", NASTY, "status", 200),
				     .timestamp = T0 + 30 * SEC };
	insert_ok(t, &cc_audit_event_entity, &a);
	expect_json_key(&cc_audit_event_entity, &a, "timestamp", "\"2026-01-01T00:00:30Z\"");
	cc_obj_release(&cc_audit_event_entity, &a);

	expect_filter2(t, &cc_audit_event_entity, "resource_id", res, 4, "res-none");
	expect_filter2(t, &cc_audit_event_entity, "actor", actor, 1, "actor-none");
	expect_filter2(t, &cc_audit_event_entity, "action", action, 1, "action-none");
	expect_filter2(t, &cc_audit_event_entity, "resource_type", rtype, 1, "type-none");
	expect_filter2(t, &cc_audit_event_entity, "actor_type", atype, 1, "atype-none");
	expect_filter_and(t, &cc_audit_event_entity, "after", cc_time_format(T0 + 5 * SEC, ts), 3,
			  "2030-01-01T00:00:00Z", "resource_id", res);
	expect_filter_and(t, &cc_audit_event_entity, "before", cc_time_format(T0 + 15 * SEC, ts), 2,
			  "2000-01-01T00:00:00Z", "resource_id", res);

	/* newest first */
	assert_int_equal(cc_query_filter(&q, "resource_id", res, &err), 0);
	assert_int_equal(cc_repo_list(t->c, &cc_audit_event_entity, &q, &l, &err), 0);
	assert_int_equal(l.n, 4);
	a = *(struct cc_audit_event *)l.items[0];
	assert_int_equal(a.timestamp, T0 + 30 * SEC);
	expect_json_eq(a.details,
		       "{\"path\": \"o'hara\\\"; DROP TABLE jobs; --\", \"status\": 200}");
	assert_string_equal(((struct cc_audit_event *)l.items[3])->actor, actor);
	cc_list_release(&cc_audit_event_entity, &l);
}

/* ---- notifications ---- */

static void mk_notif(struct testdb *t, const char *id, const char *type, const char *cert,
		     const char *channel, const char *message)
{
	struct cc_notification n = { .id = xdup(id),
				     .type = xdup(type),
				     .certificate_id = xdup(cert),
				     .channel = xdup(channel),
				     .recipient = xdup("ops@example.com"),
				     .message = xdup(message) };

	insert_free(t, &cc_notification_entity, &n);
}

static void test_repo_ops__notification_crud(void **state)
{
	struct testdb *t = TDB(state);
	struct cc_err err = CC_ERR_INIT;
	struct cc_notification n = { 0 }, got = { 0 };

	mk_certs(t);
	n.type = xdup("RenewalSuccess");
	n.channel = xdup("Email");
	n.recipient = xdup("ops@example.com");
	n.message = xdup(NASTY);
	insert_ok(t, &cc_notification_entity, &n);
	assert_true(!strncmp(n.id, "notif-", 6));
	assert_string_equal(n.status, "pending"); /* DB default */
	assert_true(n.created_at > 0);
	expect_keys(&cc_notification_entity, &n,
		    "id type channel recipient message status created_at");

	assert_int_equal(cc_repo_get(t->c, &cc_notification_entity, n.id, &got, &err), 0);
	assert_string_equal(got.message, NASTY);
	assert_null(got.certificate_id);
	assert_int_equal(got.sent_at, 0);
	set_str(&got.certificate_id, "cert-1");
	set_str(&got.status, "failed");
	set_str(&got.error, NASTY);
	set_str(&got.channel, "Webhook");
	got.sent_at = T0;
	update_reload(t, &cc_notification_entity, &got);
	assert_string_equal(got.certificate_id, "cert-1");
	assert_string_equal(got.error, NASTY);
	assert_string_equal(got.channel, "Webhook");
	assert_int_equal(got.sent_at, T0);
	assert_int_equal(got.created_at, n.created_at);
	expect_keys(&cc_notification_entity, &got,
		    "id type certificate_id channel recipient message sent_at status error "
		    "created_at");

	/* FK: unknown certificate */
	set_str(&got.certificate_id, "cert-none");
	assert_fails(cc_repo_update(t->c, &cc_notification_entity, &got, &err), CC_E_CONFLICT);
	cc_obj_release(&cc_notification_entity, &got);

	mk_notif(t, "notif-2", "ExpirationWarning", "cert-2", "Email", "m");
	expect_filter2(t, &cc_notification_entity, "status", "failed", 1, "sent");
	expect_filter2(t, &cc_notification_entity, "type", "ExpirationWarning", 1, "Revocation");
	expect_filter2(t, &cc_notification_entity, "channel", "Webhook", 1, "Slack");
	expect_filter2(t, &cc_notification_entity, "certificate_id", "cert-2", 1, "cert-9");

	delete_gone(t, &cc_notification_entity, n.id);
	cc_obj_release(&cc_notification_entity, &n);
}

static void expect_marker(struct testdb *t, const char *cert, const char *type, const char *marker,
			  bool want)
{
	struct cc_err err = CC_ERR_INIT;
	bool got = !want;

	if (cc_notification_exists_marker(t->c, cert, type, marker, &got, &err) < 0)
		fail_msg("exists_marker %s: %s", marker, err.msg);
	if (got != want)
		fail_msg("exists_marker %s/%s/%s: %d, expected %d", cert, type, marker, got, want);
}

static void test_repo_ops__notification_marker_and_mark(void **state)
{
	struct testdb *t = TDB(state);
	struct cc_err err = CC_ERR_INIT;
	struct cc_notification n = { 0 };

	mk_certs(t);
	mk_notif(t, "notif-1", "ExpirationWarning", "cert-1", "Email",
		 "certificate expires in 6 days [threshold:7]");
	mk_notif(t, "notif-2", "ExpirationWarning", "cert-1", "Email",
		 "[EXPIRED] o'hara 100%_done [threshold:0]");
	mk_notif(t, "notif-3", "RenewalFailure", "cert-2", "Webhook", "[threshold:14]");

	expect_marker(t, "cert-1", "ExpirationWarning", "[threshold:7]", true);
	expect_marker(t, "cert-1", "ExpirationWarning", "[threshold:0]", true);
	expect_marker(t, "cert-1", "ExpirationWarning", "[threshold:14]", false);
	expect_marker(t, "cert-2", "ExpirationWarning", "[threshold:14]", false); /* type */
	expect_marker(t, "cert-2", "RenewalFailure", "[threshold:14]", true);
	expect_marker(t, "cert-2", "RenewalFailure", "[threshold:1]", false);
	/* LIKE wildcards mean themselves */
	expect_marker(t, "cert-2", "RenewalFailure", "[threshold:1%]", false);
	expect_marker(t, "cert-2", "RenewalFailure", "[threshold:1_]", false);
	expect_marker(t, "cert-1", "ExpirationWarning", "100%_done", true);
	expect_marker(t, "cert-1", "ExpirationWarning", "o'hara", true);
	expect_marker(t, "cert-1", "ExpirationWarning", "100%%done", false);
	expect_marker(t, "cert-9", "ExpirationWarning", "[threshold:7]", false);

	assert_int_equal(cc_notification_mark(t->c, "notif-1", "sent", T0, NULL, &err), 0);
	assert_int_equal(cc_repo_get(t->c, &cc_notification_entity, "notif-1", &n, &err), 0);
	assert_string_equal(n.status, "sent");
	assert_int_equal(n.sent_at, T0);
	assert_null(n.error);
	cc_obj_release(&cc_notification_entity, &n);

	assert_int_equal(cc_notification_mark(t->c, "notif-1", "failed", 0, NASTY, &err), 0);
	assert_int_equal(cc_repo_get(t->c, &cc_notification_entity, "notif-1", &n, &err), 0);
	assert_string_equal(n.status, "failed");
	assert_int_equal(n.sent_at, 0);
	assert_string_equal(n.error, NASTY);
	cc_obj_release(&cc_notification_entity, &n);

	assert_fails(cc_notification_mark(t->c, "notif-none", "sent", T0, NULL, &err),
		     CC_E_NOT_FOUND);
}

/* ---- certificate profiles ---- */

static void test_repo_ops__profile_crud(void **state)
{
	struct testdb *t = TDB(state);
	struct cc_err err = CC_ERR_INIT;
	struct cc_profile p = { 0 }, got = { 0 };

	p.id = xdup("prof-tls");
	p.name = xdup(NASTY);
	insert_ok(t, &cc_profile_entity, &p);
	/* database defaults read back */
	assert_string_equal(p.description, "");
	assert_string_equal(p.spiffe_uri_pattern, "");
	expect_json_eq(p.allowed_key_algorithms, "[{\"algorithm\": \"ECDSA\", \"min_size\": 256}, "
						 "{\"algorithm\": \"RSA\", \"min_size\": 2048}]");
	expect_json_eq(p.allowed_ekus, "[\"serverAuth\"]");
	expect_json_eq(p.required_san_patterns, "[]");
	assert_int_equal(p.max_ttl_seconds, 0);
	assert_true(p.created_at > 0);
	expect_keys(&cc_profile_entity, &p,
		    "id name description allowed_key_algorithms max_ttl_seconds allowed_ekus "
		    "required_san_patterns spiffe_uri_pattern allow_short_lived requires_approval "
		    "enabled created_at updated_at");

	assert_int_equal(cc_repo_get(t->c, &cc_profile_entity, "prof-tls", &got, &err), 0);
	assert_string_equal(got.name, NASTY);
	expect_json_eq(got.allowed_ekus, "[\"serverAuth\"]");
	set_str(&got.description, NASTY);
	set_str(&got.spiffe_uri_pattern, "spiffe://example.org/*");
	json_decref(got.allowed_key_algorithms);
	got.allowed_key_algorithms =
		json_pack("[{s:s, s:i}]", "algorithm", "Ed25519", "min_size", 256);
	json_decref(got.allowed_ekus);
	got.allowed_ekus = json_pack("[s, s]", "serverAuth", "clientAuth");
	json_decref(got.required_san_patterns);
	got.required_san_patterns = json_pack("[s]", "*.o'hara.example");
	got.max_ttl_seconds = 3000;
	got.allow_short_lived = true;
	got.enabled = true;
	update_reload(t, &cc_profile_entity, &got);
	assert_string_equal(got.description, NASTY);
	assert_string_equal(got.spiffe_uri_pattern, "spiffe://example.org/*");
	expect_json_eq(got.allowed_key_algorithms,
		       "[{\"algorithm\": \"Ed25519\", \"min_size\": 256}]");
	expect_json_eq(got.allowed_ekus, "[\"serverAuth\", \"clientAuth\"]");
	expect_json_eq(got.required_san_patterns, "[\"*.o'hara.example\"]");
	assert_int_equal(got.max_ttl_seconds, 3000);
	assert_true(got.allow_short_lived);
	assert_true(got.enabled);
	assert_int_equal(got.created_at, p.created_at);
	cc_obj_release(&cc_profile_entity, &got);

	/* no foreign keys: the unique name is the constraint to break */
	got = (struct cc_profile){ .name = xdup(NASTY) };
	insert_fails(t, &cc_profile_entity, &got, CC_E_CONFLICT);
	expect_filter2(t, &cc_profile_entity, "enabled", "true", 1, "false");
	got = (struct cc_profile){ .name = xdup("second"), .enabled = false };
	insert_ok(t, &cc_profile_entity, &got);
	assert_true(!strncmp(got.id, "prof-", 5));
	cc_obj_release(&cc_profile_entity, &got);
	assert_int_equal(count2(t, &cc_profile_entity, "enabled", "false", NULL, NULL), 1);

	delete_gone(t, &cc_profile_entity, "prof-tls");
	cc_obj_release(&cc_profile_entity, &p);
}

/* ---- agent groups ---- */

static void mk_group(struct testdb *t, const char *id, const char *name, bool enabled)
{
	struct cc_agent_group g = { .id = xdup(id), .name = xdup(name), .enabled = enabled };

	insert_free(t, &cc_agent_group_entity, &g);
}

static void test_repo_ops__agent_group_crud(void **state)
{
	struct testdb *t = TDB(state);
	struct cc_err err = CC_ERR_INIT;
	struct cc_agent_group g = { 0 }, got = { 0 };
	struct cc_query q = { 0 };
	struct cc_list l;

	g.name = xdup("m-linux");
	g.enabled = true;
	insert_ok(t, &cc_agent_group_entity, &g);
	assert_true(!strncmp(g.id, "ag-", 3));
	assert_string_equal(g.description, ""); /* DB defaults */
	assert_string_equal(g.match_os, "");
	assert_string_equal(g.match_ip_cidr, "");
	assert_true(g.created_at > 0);
	expect_keys(&cc_agent_group_entity, &g,
		    "id name description match_os match_architecture match_ip_cidr "
		    "match_version enabled created_at updated_at");

	assert_int_equal(cc_repo_get(t->c, &cc_agent_group_entity, g.id, &got, &err), 0);
	assert_string_equal(got.name, "m-linux");
	assert_true(got.enabled);
	set_str(&got.description, NASTY);
	set_str(&got.match_os, "linux");
	set_str(&got.match_architecture, "amd64");
	set_str(&got.match_ip_cidr, "10.0.0.0/8");
	set_str(&got.match_version, "2.1.0");
	got.enabled = false;
	update_reload(t, &cc_agent_group_entity, &got);
	assert_string_equal(got.description, NASTY);
	assert_string_equal(got.match_os, "linux");
	assert_string_equal(got.match_architecture, "amd64");
	assert_string_equal(got.match_ip_cidr, "10.0.0.0/8");
	assert_string_equal(got.match_version, "2.1.0");
	assert_false(got.enabled);
	assert_int_equal(got.created_at, g.created_at);
	cc_obj_release(&cc_agent_group_entity, &got);

	/* no foreign keys: the unique name is the constraint to break */
	got = (struct cc_agent_group){ .name = xdup("m-linux") };
	insert_fails(t, &cc_agent_group_entity, &got, CC_E_CONFLICT);

	mk_group(t, "ag-z", "a-first", true);
	mk_group(t, "ag-a", "z-last", true);
	expect_filter2(t, &cc_agent_group_entity, "name", "z-last", 1, "Z-LAST");
	expect_filter_and(t, &cc_agent_group_entity, "enabled", "false", 1, "true", "name",
			  "m-linux");
	assert_int_equal(count2(t, &cc_agent_group_entity, "enabled", "true", NULL, NULL), 2);

	/* ordered by name */
	assert_int_equal(cc_repo_list(t->c, &cc_agent_group_entity, &q, &l, &err), 0);
	assert_int_equal(l.n, 3);
	assert_string_equal(((struct cc_agent_group *)l.items[0])->name, "a-first");
	assert_string_equal(((struct cc_agent_group *)l.items[1])->name, "m-linux");
	assert_string_equal(((struct cc_agent_group *)l.items[2])->name, "z-last");
	cc_list_release(&cc_agent_group_entity, &l);

	delete_gone(t, &cc_agent_group_entity, g.id);
	cc_obj_release(&cc_agent_group_entity, &g);
}

static void expect_members(struct testdb *t, const char *group, const char *membership,
			   const char *want)
{
	struct cc_err err = CC_ERR_INIT;
	struct cc_strv ids = CC_STRV_INIT;
	struct cc_buf b = CC_BUF_INIT;

	cc_strv_push(&ids, "stale");
	if (cc_agent_group_members(t->c, group, membership, &ids, &err) < 0)
		fail_msg("members of %s: %s", group, err.msg);
	for (size_t i = 0; i < ids.n; i++)
		cc_buf_addf(&b, "%s%s", i ? " " : "", ids.v[i]);
	if (strcmp(b.buf, want))
		fail_msg("members of %s (%s): '%s', expected '%s'", group,
			 membership ? membership : "any", b.buf, want);
	cc_buf_release(&b);
	cc_strv_release(&ids);
}

static void test_repo_ops__agent_group_members(void **state)
{
	struct testdb *t = TDB(state);
	struct cc_err err = CC_ERR_INIT;
	struct cc_strv ids = CC_STRV_INIT;
	static const char *const adds[][3] = {
		{ "ag-1", "agent-b", "include" }, { "ag-1", "agent-a", "include" },
		{ "ag-1", "agent-C", "exclude" }, { "ag-1", NASTY, "include" },
		{ "ag-2", "agent-a", "exclude" },
	};

	mk_group(t, "ag-1", "one", true);
	mk_group(t, "ag-2", "two", true);
	mk_agent(t, "agent-b");
	mk_agent(t, "agent-a");
	mk_agent(t, "agent-C");
	mk_agent(t, NASTY);

	expect_members(t, "ag-1", NULL, "");
	for (size_t i = 0; i < CC_ARRAY_SIZE(adds); i++)
		if (cc_agent_group_set_member(t->c, adds[i][0], adds[i][1], adds[i][2], &err) < 0)
			fail_msg("set_member %s %s: %s", adds[i][0], adds[i][1], err.msg);
	expect_members(t, "ag-1", NULL, "agent-C agent-a agent-b " NASTY);
	expect_members(t, "ag-1", "include", "agent-a agent-b " NASTY);
	expect_members(t, "ag-1", "exclude", "agent-C");
	expect_members(t, "ag-2", "include", "");
	expect_members(t, "ag-2", "exclude", "agent-a");

	/* upsert: the membership changes, no second row */
	assert_int_equal(cc_agent_group_set_member(t->c, "ag-1", "agent-b", "exclude", &err), 0);
	expect_members(t, "ag-1", "exclude", "agent-C agent-b");
	expect_members(t, "ag-1", "include", "agent-a " NASTY);

	assert_int_equal(cc_agent_group_remove_member(t->c, "ag-1", NASTY, &err), 0);
	assert_fails(cc_agent_group_remove_member(t->c, "ag-1", NASTY, &err), CC_E_NOT_FOUND);
	assert_fails(cc_agent_group_remove_member(t->c, "ag-2", "agent-b", &err), CC_E_NOT_FOUND);
	expect_members(t, "ag-1", NULL, "agent-C agent-a agent-b");

	/* FK: unknown group, unknown agent; bad membership */
	assert_fails(cc_agent_group_set_member(t->c, "ag-none", "agent-a", "include", &err),
		     CC_E_CONFLICT);
	assert_fails(cc_agent_group_set_member(t->c, "ag-1", "agent-none", "include", &err),
		     CC_E_CONFLICT);
	assert_fails(cc_agent_group_set_member(t->c, "ag-1", "agent-a", "Include", &err),
		     CC_E_INVALID);
	assert_fails(cc_agent_group_members(t->c, "ag-none", NULL, &ids, &err), CC_E_NOT_FOUND);
	assert_int_equal(ids.n, 0);

	/* members go with their group and with their agent */
	sql_ok(t, "DELETE FROM agents WHERE id = $1", CC_DB_ARGS(CC_DB_TEXT("agent-a")));
	expect_members(t, "ag-1", NULL, "agent-C agent-b");
	expect_members(t, "ag-2", NULL, "");
	assert_int_equal(cc_repo_delete(t->c, &cc_agent_group_entity, "ag-1", &err), 0);
	assert_fails(cc_agent_group_members(t->c, "ag-1", NULL, &ids, &err), CC_E_NOT_FOUND);
	sql_ok(t, "INSERT INTO agent_groups (id, name) VALUES ($1, $2)",
	       CC_DB_ARGS(CC_DB_TEXT("ag-1"), CC_DB_TEXT("one")));
	expect_members(t, "ag-1", NULL, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_repo_ops__job_crud, testdb_reset),
		cmocka_unit_test_setup(test_repo_ops__job_list_filters, testdb_reset),
		cmocka_unit_test_setup(test_repo_ops__job_claim, testdb_reset),
		cmocka_unit_test_setup(test_repo_ops__job_claim_race, testdb_reset),
		cmocka_unit_test_setup(test_repo_ops__job_set_status, testdb_reset),
		cmocka_unit_test_setup(test_repo_ops__policy_rule_crud, testdb_reset),
		cmocka_unit_test_setup(test_repo_ops__policy_violation_crud, testdb_reset),
		cmocka_unit_test_setup(test_repo_ops__audit_append_only, testdb_reset),
		cmocka_unit_test_setup(test_repo_ops__audit_list_filters, testdb_reset),
		cmocka_unit_test_setup(test_repo_ops__notification_crud, testdb_reset),
		cmocka_unit_test_setup(test_repo_ops__notification_marker_and_mark, testdb_reset),
		cmocka_unit_test_setup(test_repo_ops__profile_crud, testdb_reset),
		cmocka_unit_test_setup(test_repo_ops__agent_group_crud, testdb_reset),
		cmocka_unit_test_setup(test_repo_ops__agent_group_members, testdb_reset),
	};
	return TESTDB_RUN("repo-ops", tests);
}
