/* test-api-issuance.c: the lifecycle through the API and the job processor — server
 * keygen, agent CSRs, profile refusals, deployment jobs, retries and crash recovery, each
 * issued certificate checked with the openssl CLI */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tests/unit/testapi.h"
#include "tests/unit/testossl.h"
#include "daemon/job-processor.h"
#include "daemon/sched.h"
#include "libcc/csr.h"
#include "libcc/db.h"
#include "libcc/db-group.h"
#include "libcc/mem.h"
#include "libcc/time.h"

#define SEC INT64_C(1000000)

static void fixtures(struct testapi *t)
{
	testapi_sql(
		t,
		"INSERT INTO teams (id, name) VALUES ('t1', 'team');"
		"INSERT INTO owners (id, name, email, team_id) VALUES ('o1', 'o', 'o@x.io', 't1');"
		"INSERT INTO renewal_policies (id, name, renewal_window_days) VALUES "
		"('rp', 'rp', 30);"
		"INSERT INTO issuers (id, name, type) VALUES ('i1', 'Local', 'GenericCA');"
		"INSERT INTO certificate_profiles (id, name, allowed_key_algorithms, "
		"max_ttl_seconds, allowed_ekus) VALUES ('p-rsa', 'rsa only', "
		"'[{\"algorithm\":\"RSA\",\"min_size\":3072}]', 86400, '[\"serverAuth\"]');"
		"INSERT INTO agents (id, name, hostname, api_key_hash, status) VALUES "
		"('a1', 'a1', 'h', 'x', 'Online'), ('a2', 'a2', 'h', 'x', 'Online');"
		"INSERT INTO deployment_targets (id, name, type, agent_id, config) VALUES "
		"('tg1', 'n1', 'NGINX', 'a1', '{}'), ('tg2', 'n2', 'HAProxy', 'a2', '{}'),"
		"('tg3', 'n3', 'NGINX', 'a2', '{}')");
}

static int reset(void **state)
{
	testapi_reset(state);
	fixtures(TAPI(state));
	return 0;
}

static int setup_server(void **state)
{
	static const char *const env[] = { "CERTCTL_KEYGEN_MODE=server", NULL };
	return testapi_setup_env(state, env);
}

/* as serve runs it: the job processor signs and the group writer records */
static int setup_server_group(void **state)
{
	int rc = setup_server(state);

	if (rc == 0)
		TAPI(state)->app.group = cc_db_group_start(TAPI(state)->app.db);
	return rc;
}

static int teardown_group(void **state)
{
	cc_db_group_stop(TAPI(state)->app.group);
	TAPI(state)->app.group = NULL;
	return testapi_teardown(state);
}

/* POST /certificates with optional extra members; returns the new id (static buffer) */
static const char *create_cert(struct testapi *t, const char *extra)
{
	static char id[96];
	char *body = cc_xasprintf(
		"{\"name\":\"web\",\"common_name\":\"www.example.com\",\"sans\":"
		"[\"www.example.com\",\"10.1.2.3\",\"ops@example.com\"],\"owner_id\":\"o1\","
		"\"team_id\":\"t1\",\"issuer_id\":\"i1\",\"renewal_policy_id\":\"rp\"%s}",
		extra);

	assert_status(t, "POST", "/api/v1/certificates", body, 201);
	free(body);
	snprintf(id, sizeof(id), "%s", testapi_str(t, "id"));
	return id;
}

static void tick(struct testapi *t, int64_t now, int want)
{
	struct cc_err err = CC_ERR_INIT;
	int n = api_job_processor_tick(&t->app, now, &err);

	if (n != want)
		fail_msg("tick handled %d jobs, want %d (%s)", n, want, err.msg);
}

/* POST /certificates/{id}/renew answers 202 */
static void renew(struct testapi *t, const char *id)
{
	char path[160];

	snprintf(path, sizeof(path), "/api/v1/certificates/%s/renew", id);
	assert_status(t, "POST", path, NULL, 202);
}

/* how many jobs GET /agents/{agent}/work offers */
static json_int_t work_count(struct testapi *t, const char *agent)
{
	char path[96];

	snprintf(path, sizeof(path), "/api/v1/agents/%s/work", agent);
	assert_status(t, "GET", path, NULL, 200);
	return json_integer_value(json_object_get(t->json, "count"));
}

static long long versions(struct testapi *t, const char *id)
{
	return testapi_countf(
		t, "SELECT COUNT(*) FROM certificate_versions WHERE certificate_id = '%s'", id);
}

/* the certificate's notification events of type */
static long long events(struct testapi *t, const char *id, const char *type)
{
	return testapi_countf(
		t,
		"SELECT COUNT(*) FROM notification_events WHERE certificate_id = '%s' AND "
		"type = '%s'",
		id, type);
}

/* the stored chain of the certificate's newest version verifies with `openssl verify`
 * against the issuer's CA, and openssl shows what we expect in it */
static void verify_with_openssl(struct testapi *t, const char *cert_id, const char *want_text)
{
	char *dir = testossl_tmpdir("issuance"), *leaf = testossl_path(dir, "leaf.pem");
	char *ca = cc_xasprintf("%s/ca/i1/ca.crt", t->app.data_dir), *out = NULL;
	char *path = cc_xasprintf("/api/v1/certificates/%s/versions", cert_id);
	json_t *v;

	assert_status(t, "GET", path, NULL, 200);
	v = json_array_get(json_object_get(t->json, "data"), 0);
	assert_non_null(v);
	testossl_write(leaf, json_string_value(json_object_get(v, "pem_chain")));
	if (testossl_openssl(&out, "verify", "-CAfile", ca, leaf, NULL) != 0)
		fail_msg("openssl verify: %s", out);
	free(out);
	assert_int_equal(testossl_openssl(&out, "x509", "-in", leaf, "-noout", "-text", NULL), 0);
	if (want_text && !strstr(out, want_text))
		fail_msg("'%s' not in the certificate:\n%s", want_text, out);
	free(out);
	testossl_rmdir(dir);
	free(path);
	free(ca);
	free(leaf);
	free(dir);
}

/* ---- server keygen ---- */

static void test_api_issuance__server_keygen_issues_and_queues_deployments(void **state)
{
	struct testapi *t = TAPI(state);
	const char *id = create_cert(t, ",\"target_ids\":[\"tg1\",\"tg2\"]");

	renew(t, id);
	assert_string_equal(testapi_str(t, "status"), "renewal_triggered");
	tick(t, cc_time_now(), 1);
	/* the job completed, one version, the certificate is Active with its expiry */
	assert_int_equal(testapi_countf(t,
					"SELECT COUNT(*) FROM jobs WHERE certificate_id = '%s' AND "
					"type = 'Issuance' AND status = 'Completed'",
					id),
			 1);
	assert_int_equal(
		testapi_countf(t,
			       "SELECT COUNT(*) FROM certificate_versions WHERE "
			       "certificate_id = '%s' AND length(fingerprint_sha256) = 64 AND "
			       "key_algorithm = 'ECDSA' AND key_size = 256",
			       id),
		1);
	assert_int_equal(testapi_countf(t,
					"SELECT COUNT(*) FROM managed_certificates WHERE id = '%s' "
					"AND status = 'Active' AND expires_at > '2026' AND "
					"last_renewal_at IS NOT NULL",
					id),
			 1);
	/* one deployment job per mapped target, each for its target's agent */
	assert_int_equal(testapi_countf(t,
					"SELECT COUNT(*) FROM jobs WHERE certificate_id = '%s' AND "
					"type = 'Deployment' AND status = 'Pending' AND "
					"((target_id = 'tg1' AND agent_id = 'a1') OR "
					"(target_id = 'tg2' AND agent_id = 'a2'))",
					id),
			 2);
	assert_int_equal(events(t, id, "RenewalSuccess"), 1);
	assert_int_equal(
		testapi_countf(t,
			       "SELECT COUNT(*) FROM server_keys k JOIN certificate_versions "
			       "v ON v.id = k.certificate_version_id WHERE v.certificate_id = '%s'",
			       id),
		1);
	verify_with_openssl(t, id, "IP Address:10.1.2.3");
	verify_with_openssl(t, id, "email:ops@example.com");
	/* a second tick finds nothing to do: exactly once */
	tick(t, cc_time_now(), 0);
	assert_int_equal(versions(t, id), 1);
}

static void test_api_issuance__server_keygen_key_reaches_the_agent(void **state)
{
	struct testapi *t = TAPI(state);
	const char *id = create_cert(t, ",\"target_ids\":[\"tg1\"]");
	char path[200], *dir, *kp, *cp, *pub_key = NULL, *pub_cert = NULL;

	renew(t, id);
	tick(t, cc_time_now(), 1);
	snprintf(path, sizeof(path), "/api/v1/agents/a1/certificates/%s", id);
	assert_status(t, "GET", path, NULL, 200);
	assert_non_null(strstr(testapi_str(t, "private_key_pem"), "BEGIN PRIVATE KEY"));
	assert_non_null(strstr(testapi_str(t, "certificate_pem"), "BEGIN CERTIFICATE"));
	/* the certificate carries that key's public half (the request's key is set from its
	 * encoded point, not through OpenSSL's encoders) */
	dir = testossl_tmpdir("keygen");
	kp = testossl_path(dir, "k.pem");
	cp = testossl_path(dir, "c.pem");
	testossl_write(kp, testapi_str(t, "private_key_pem"));
	testossl_write(cp, testapi_str(t, "certificate_pem"));
	assert_int_equal(testossl_openssl(&pub_key, "pkey", "-in", kp, "-pubout", NULL), 0);
	assert_int_equal(testossl_openssl(&pub_cert, "x509", "-in", cp, "-noout", "-pubkey", NULL),
			 0);
	assert_non_null(strstr(pub_key, "BEGIN PUBLIC KEY"));
	assert_string_equal(pub_key, pub_cert);
	free(pub_key);
	free(pub_cert);
	free(kp);
	free(cp);
	testossl_rmdir(dir);
	free(dir);
}

static void test_api_issuance__profile_picks_key_and_caps_ttl(void **state)
{
	struct testapi *t = TAPI(state);
	const char *id = create_cert(t, ",\"certificate_profile_id\":\"p-rsa\"");

	renew(t, id);
	tick(t, cc_time_now(), 1);
	assert_int_equal(testapi_countf(t,
					"SELECT COUNT(*) FROM certificate_versions WHERE "
					"certificate_id = '%s' AND key_algorithm = 'RSA' AND "
					"key_size = 3072",
					id),
			 1);
	/* max_ttl 1 day: the version ends within a day and a minute of now */
	assert_int_equal(testapi_countf(t,
					"SELECT COUNT(*) FROM certificate_versions WHERE "
					"certificate_id = '%s' AND "
					"julianday(not_after) - julianday('now') < 1.001",
					id),
			 1);
	verify_with_openssl(t, id, "TLS Web Server Authentication");
}

static void test_api_issuance__failures_retry_then_fail(void **state)
{
	struct testapi *t = TAPI(state);
	const char *id = create_cert(t, "");
	int64_t now;

	testapi_sql(t, "UPDATE issuers SET enabled = 0 WHERE id = 'i1'");
	renew(t, id);
	now = cc_time_now(); /* the job is due from the renew request on */
	tick(t, now, 1);
	/* back to Pending, later, with the reason */
	assert_int_equal(testapi_countf(t,
					"SELECT COUNT(*) FROM jobs WHERE certificate_id = '%s' AND "
					"status = 'Pending' AND attempts = 1 AND "
					"last_error LIKE '%%disabled%%'",
					id),
			 1);
	tick(t, now + SEC, 0);	    /* not due yet */
	tick(t, now + 31 * SEC, 1); /* 30 s backoff */
	tick(t, now + 92 * SEC, 1); /* 60 s more: third and last attempt */
	assert_int_equal(testapi_countf(t,
					"SELECT COUNT(*) FROM jobs WHERE certificate_id = '%s' AND "
					"status = 'Failed' AND attempts = 3",
					id),
			 1);
	/* never issued: back to Pending, so that the renewal check may try again later */
	assert_int_equal(testapi_countf(t,
					"SELECT COUNT(*) FROM managed_certificates WHERE id = '%s' "
					"AND status = 'Pending'",
					id),
			 1);
	assert_int_equal(events(t, id, "RenewalFailure"), 1);
	assert_int_equal(versions(t, id), 0);
}

/* one scheduler run works through a backlog larger than one pass (API_JOB_BATCH): every
 * job is tried once, none twice (each failure waits out its backoff) */
/* a record the database refuses (a trigger here) is rolled back alone: the job goes back
 * to Pending with the reason, the certificate keeps no version, the other job completes */
static void test_api_issuance__refused_record_retries_the_job(void **state)
{
	struct testapi *t = TAPI(state);
	char *bad = cc_xstrdup(create_cert(t, ""));
	const char *good = "mc-good";
	char sql[300];

	testapi_sql(t, "INSERT INTO managed_certificates (id, name, common_name, owner_id, "
		       "team_id, issuer_id, renewal_policy_id) VALUES ('mc-good', 'good', "
		       "'good.example.com', 'o1', 't1', 'i1', 'rp')");
	snprintf(sql, sizeof(sql),
		 "CREATE TRIGGER refuse_version BEFORE INSERT ON certificate_versions WHEN "
		 "NEW.certificate_id = '%s' BEGIN SELECT RAISE(ABORT, 'refused by test'); END",
		 bad);
	testapi_sql(t, sql); /* the server keygen groups run on SQLite */
	renew(t, bad);
	renew(t, good);
	tick(t, cc_time_now(), 2);
	assert_int_equal(testapi_countf(t,
					"SELECT COUNT(*) FROM jobs WHERE certificate_id = '%s' AND "
					"status = 'Pending' AND attempts = 1 AND "
					"last_error LIKE '%%refused by test%%'",
					bad),
			 1);
	assert_int_equal(versions(t, bad), 0);
	assert_int_equal(versions(t, good), 1);
	assert_int_equal(testapi_countf(t,
					"SELECT COUNT(*) FROM jobs WHERE certificate_id = '%s' AND "
					"status = 'Completed'",
					good),
			 1);
	testapi_sql(t, "DROP TRIGGER refuse_version");
	free(bad);
}

static void test_api_issuance__one_run_works_through_a_backlog(void **state)
{
	struct testapi *t = TAPI(state);
	const char *id = create_cert(t, "");
	struct cc_err err = CC_ERR_INIT;
	struct api_tick tk = { .app = &t->app };
	int n = API_JOB_BATCH * 2 + 100;
	char sql[512];

	testapi_sql(t, "UPDATE issuers SET enabled = 0 WHERE id = 'i1'");
	snprintf(sql, sizeof(sql),
		 "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < %d) "
		 "INSERT INTO jobs (id, type, certificate_id, status) SELECT 'jb-' || i, "
		 "'Renewal', '%s', 'Pending' FROM k",
		 n, id);
	testapi_sql(t, sql);
	tk.now = cc_time_now();
	tk.deadline = tk.now + 120 * SEC;
	assert_int_equal(api_sched_job_processor(&tk, &err), n);
	assert_int_equal(testapi_countf(t, "SELECT COUNT(*) FROM jobs WHERE id LIKE 'jb-%%' AND "
					   "attempts = 1 AND status = 'Pending'"),
			 n);
	/* a run whose time is up leaves the backlog to the next */
	tk.now += 31 * SEC;
	tk.deadline = tk.now - 1;
	assert_int_equal(api_sched_job_processor(&tk, &err), API_JOB_BATCH);
}

static void test_api_issuance__running_job_of_a_dead_server_finishes_once(void **state)
{
	struct testapi *t = TAPI(state);
	const char *id = create_cert(t, "");
	char *sql;

	/* what a server that died mid-job leaves behind: Running since long ago */
	sql = cc_xasprintf("INSERT INTO jobs (id, type, certificate_id, status, scheduled_at, "
			   "started_at) VALUES ('job-dead', 'Renewal', '%s', 'Running', "
			   "'2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z')",
			   id);
	testapi_sql(t, sql);
	free(sql);
	tick(t, cc_time_now(), 1);
	tick(t, cc_time_now(), 0);
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM jobs WHERE id = 'job-dead' AND "
					  "status = 'Completed'"),
			 1);
	assert_int_equal(versions(t, id), 1);
}

/* ---- agent keygen ---- */

static char *make_csr(const char *type, const char *cn)
{
	struct cc_err err = CC_ERR_INIT;
	char *key = NULL, *csr = NULL;

	if (cc_csr_generate(type, cn, NULL, 0, &key, &csr, &err) < 0)
		fail_msg("csr: %s", err.msg);
	free(key);
	return csr;
}

static char *csr_body(const char *csr, const char *cert_id)
{
	json_t *b = json_pack("{s:s, s:s}", "csr_pem", csr, "certificate_id", cert_id);
	char *s = json_dumps(b, JSON_COMPACT);

	json_decref(b);
	return s;
}

static void test_api_issuance__agent_csr_completes_the_waiting_job(void **state)
{
	struct testapi *t = TAPI(state);
	const char *id = create_cert(t, ",\"target_ids\":[\"tg1\",\"tg3\"]");
	char *csr = make_csr("ECDSA-P256", "www.example.com"), *body;

	renew(t, id);
	/* the job waits for a CSR and is offered to the agents of both targets */
	assert_int_equal(work_count(t, "a1"), 1);
	body = csr_body(csr, id);
	assert_status(t, "POST", "/api/v1/agents/a1/csr", body, 202);
	assert_string_equal(testapi_str(t, "status"), "csr_signed");
	assert_int_equal(strlen(testapi_str(t, "fingerprint_sha256")), 64);
	assert_int_equal(testapi_countf(t,
					"SELECT COUNT(*) FROM jobs WHERE certificate_id = '%s' AND "
					"type = 'Issuance' AND status = 'Completed'",
					id),
			 1);
	assert_int_equal(testapi_countf(t,
					"SELECT COUNT(*) FROM jobs WHERE certificate_id = '%s' AND "
					"type = 'Deployment' AND status = 'Pending'",
					id),
			 2);
	verify_with_openssl(t, id, "DNS:www.example.com");
	/* the CSR's key was the agent's: no server key kept */
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM server_keys"), 0);
	/* a second CSR for the same certificate is an ad-hoc issue: a new version, and no
	 * second deployment job while the first ones are still Pending */
	assert_status(t, "POST", "/api/v1/agents/a1/csr", body, 202);
	assert_int_equal(versions(t, id), 2);
	/* the deployment jobs now reach their agents: a1 one, a2 one */
	assert_int_equal(work_count(t, "a2"), 1);
	free(body);
	free(csr);
}

/* SQLite VM steps of one CSR signed for a new certificate with one target */
static uint64_t steps_of_a_signing(struct testapi *t, const char *name, const char *csr)
{
	char *body = cc_xasprintf("{\"name\":\"%s\",\"common_name\":\"www.example.com\","
				  "\"owner_id\":\"o1\",\"team_id\":\"t1\",\"issuer_id\":\"i1\","
				  "\"renewal_policy_id\":\"rp\",\"target_ids\":[\"tg1\"]}",
				  name);
	uint64_t s0, n;
	char *id;

	assert_status(t, "POST", "/api/v1/certificates", body, 201);
	free(body);
	id = cc_xstrdup(testapi_str(t, "id"));
	body = csr_body(csr, id);
	s0 = cc_db_vm_steps(t->app.db);
	assert_status(t, "POST", "/api/v1/agents/a1/csr", body, 202);
	n = cc_db_vm_steps(t->app.db) - s0;
	assert_int_equal(testapi_countf(t,
					"SELECT COUNT(*) FROM jobs WHERE certificate_id = '%s' AND "
					"type = 'Deployment' AND status = 'Pending'",
					id),
			 1);
	free(body);
	free(id);
	return n;
}

/* the check for a deployment already queued looks at the certificate's own jobs: it once
 * read every Pending deployment in the database (SQLite chose the job processor's index),
 * so each issuance cost more with every deployment waiting for an agent. Counted in
 * SQLite VM steps, which do not depend on the machine's speed. */
static void test_api_issuance__signing_cost_ignores_other_queued_deployments(void **state)
{
	struct testapi *t = TAPI(state);
	char *csr = make_csr("ECDSA-P256", "www.example.com");
	uint64_t first, later;

	if (cc_db_engine_of(t->app.db) != CC_DB_SQLITE) {
		free(csr);
		return; /* PostgreSQL plans from statistics and counts no steps */
	}
	first = steps_of_a_signing(t, "first", csr);
	testapi_sql(t, "INSERT INTO managed_certificates (id, name, common_name, owner_id, "
		       "team_id, issuer_id, renewal_policy_id) VALUES ('busy', 'busy', "
		       "'busy.example.com', 'o1', 't1', 'i1', 'rp');"
		       "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < "
		       "3000) INSERT INTO jobs (id, type, certificate_id, target_id, agent_id, "
		       "status) SELECT 'busy-' || i, 'Deployment', 'busy', 'tg1', 'a1', 'Pending' "
		       "FROM k");
	later = steps_of_a_signing(t, "later", csr);
	if (later > first * 2)
		fail_msg("signing a CSR took %llu steps with 3,000 deployments of another "
			 "certificate queued, %llu with none",
			 (unsigned long long)later, (unsigned long long)first);
	free(csr);
}

static void test_api_issuance__csr_against_the_profile_fails_the_job(void **state)
{
	struct testapi *t = TAPI(state);
	const char *id = create_cert(t, ",\"target_ids\":[\"tg1\"],"
					"\"certificate_profile_id\":\"p-rsa\"");
	char *csr = make_csr("ECDSA-P256", "www.example.com"), *body;

	renew(t, id);
	body = csr_body(csr, id);
	assert_status(t, "POST", "/api/v1/agents/a1/csr", body, 400);
	assert_non_null(strstr(t->body, "not allowed by profile"));
	assert_int_equal(testapi_countf(t,
					"SELECT COUNT(*) FROM jobs WHERE certificate_id = '%s' AND "
					"status = 'Failed' AND last_error LIKE '%%p-rsa%%'",
					id),
			 1);
	assert_int_equal(versions(t, id), 0);
	assert_int_equal(events(t, id, "RenewalFailure"), 1);
	free(body);
	free(csr);
}

static void test_api_issuance__processor_hands_agent_jobs_over(void **state)
{
	struct testapi *t = TAPI(state);
	const char *id = create_cert(t, ",\"target_ids\":[\"tg1\"]");
	char *sql = cc_xasprintf("INSERT INTO jobs (id, type, certificate_id, status, "
				 "scheduled_at) VALUES ('job-r', 'Renewal', '%s', 'Pending', "
				 "'2026-01-01T00:00:00.000000Z')",
				 id);

	testapi_sql(t, sql);
	free(sql);
	tick(t, cc_time_now(), 1);
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM jobs WHERE id = 'job-r' AND "
					  "status = 'AwaitingCSR' AND last_error IS NULL"),
			 1);
	assert_int_equal(testapi_countf(t,
					"SELECT COUNT(*) FROM managed_certificates WHERE id = '%s' "
					"AND status = 'RenewalInProgress'",
					id),
			 1);
}

/* ---- deployments ---- */

static void test_api_issuance__deploy_route_and_agent_reports(void **state)
{
	struct testapi *t = TAPI(state);
	const char *id = create_cert(t, ",\"target_ids\":[\"tg1\",\"tg3\"]");
	char path[200], *csr = make_csr("ECDSA-P256", "www.example.com"), *body = csr_body(csr, id);
	char job[96];

	snprintf(path, sizeof(path), "/api/v1/certificates/%s/deploy", id);
	/* nothing issued yet: nothing to deploy */
	assert_status(t, "POST", path, NULL, 409);
	/* an ad-hoc CSR issues a version, which goes to both targets */
	assert_status(t, "POST", "/api/v1/agents/a1/csr", body, 202);
	assert_int_equal(json_integer_value(json_object_get(t->json, "deployment_jobs")), 2);
	/* tg2 is not mapped; tg3 already waits; bad bodies */
	assert_status(t, "POST", path, "{\"target_id\":\"tg2\"}", 400);
	assert_status(t, "POST", path, "{\"target_id\":\"tg3\"}", 400);
	assert_status(t, "POST", path, "{\"target\":\"tg1\"}", 400);
	assert_status(t, "POST", path, "{\"target_id\":7}", 400);
	assert_status(t, "POST", path, NULL, 409);
	/* "" names every target, as v2.1 ignored it */
	assert_status(t, "POST", path, "{\"target_id\":\"\"}", 409);
	assert_non_null(strstr(testapi_str(t, "message"), "no enabled target"));
	/* a1 deploys: Running, then Completed stamps the certificate and tells the owner */
	assert_int_equal(work_count(t, "a1"), 1);
	snprintf(job, sizeof(job), "%s",
		 json_string_value(json_object_get(
			 json_array_get(json_object_get(t->json, "jobs"), 0), "id")));
	snprintf(path, sizeof(path), "/api/v1/agents/a1/jobs/%s/status", job);
	assert_status(t, "POST", path, "{\"status\":\"Running\"}", 200);
	assert_status(t, "POST", path, "{\"status\":\"Completed\"}", 200);
	assert_int_equal(testapi_countf(t,
					"SELECT COUNT(*) FROM managed_certificates WHERE id = '%s' "
					"AND last_deployment_at IS NOT NULL",
					id),
			 1);
	assert_int_equal(events(t, id, "DeploymentSuccess"), 1);
	/* deploy again on request: tg1 is free now, tg3 still waits */
	snprintf(path, sizeof(path), "/api/v1/certificates/%s/deploy", id);
	assert_status(t, "POST", path, "{\"target_id\":\"tg1\"}", 202);
	assert_int_equal(json_integer_value(json_object_get(t->json, "jobs")), 1);
	assert_int_equal(work_count(t, "a2"), 1);
	free(body);
	free(csr);
}

static void test_api_issuance__failed_deployment_retries_later(void **state)
{
	struct testapi *t = TAPI(state);
	const char *id = create_cert(t, ",\"target_ids\":[\"tg1\"]");
	char *sql = cc_xasprintf("INSERT INTO jobs (id, type, certificate_id, target_id, agent_id, "
				 "status, max_attempts, scheduled_at) VALUES ('job-d', "
				 "'Deployment', '%s', 'tg1', 'a1', 'Pending', 2, "
				 "'2026-01-01T00:00:00.000000Z')",
				 id);
	const char *path = "/api/v1/agents/a1/jobs/job-d/status";

	testapi_sql(t, sql);
	free(sql);
	assert_status(t, "POST", path, "{\"status\":\"Failed\",\"error\":\"reload failed\"}", 200);
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM jobs WHERE id = 'job-d' AND "
					  "status = 'Pending' AND attempts = 1 AND "
					  "scheduled_at > strftime('%Y-%m-%dT%H:%M', 'now')"),
			 1);
	/* not offered again before it is due */
	assert_int_equal(work_count(t, "a1"), 0);
	testapi_sql(t, "UPDATE jobs SET scheduled_at = '2026-01-01T00:00:00.000000Z' "
		       "WHERE id = 'job-d'");
	assert_int_equal(work_count(t, "a1"), 1);
	assert_status(t, "POST", path, "{\"status\":\"Failed\",\"error\":\"reload failed\"}", 200);
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM jobs WHERE id = 'job-d' AND "
					  "status = 'Failed' AND attempts = 2"),
			 1);
	assert_int_equal(testapi_countf(t,
					"SELECT COUNT(*) FROM notification_events WHERE "
					"certificate_id = '%s' AND type = 'DeploymentFailure' AND "
					"message LIKE '%%reload failed%%'",
					id),
			 1);
}

static void test_api_issuance__work_carries_the_full_target_config(void **state)
{
	struct testapi *t = TAPI(state);
	const char *id;
	char tgt[96], *body;
	json_t *item, *cfg;

	assert_status(t, "POST", "/api/v1/targets",
		      "{\"name\":\"web\",\"type\":\"NGINX\",\"agent_id\":\"a1\",\"config\":{"
		      "\"cert_path\":\"/etc/ssl/a.pem\",\"key_path\":\"/etc/ssl/a.key\","
		      "\"password\":\"s3cret\"}}",
		      201);
	snprintf(tgt, sizeof(tgt), "%s", testapi_str(t, "id"));
	/* the API shows the redacted copy */
	assert_string_equal(
		json_string_value(json_object_get(json_object_get(t->json, "config"), "key_path")),
		"********");
	body = cc_xasprintf(",\"target_ids\":[\"%s\"]", tgt);
	id = create_cert(t, body);
	free(body);
	body = cc_xasprintf("INSERT INTO jobs (id, type, certificate_id, target_id, status) "
			    "VALUES ('job-w', 'Deployment', '%s', '%s', 'Pending')",
			    id, tgt);
	testapi_sql(t, body);
	free(body);
	assert_status(t, "GET", "/api/v1/agents/a1/work", NULL, 200);
	item = json_array_get(json_object_get(t->json, "jobs"), 0);
	cfg = json_object_get(item, "target_config");
	assert_string_equal(json_string_value(json_object_get(cfg, "key_path")), "/etc/ssl/a.key");
	assert_string_equal(json_string_value(json_object_get(cfg, "password")), "s3cret");
}

int main(void)
{
	const struct CMUnitTest agent_mode[] = {
		cmocka_unit_test_setup(test_api_issuance__agent_csr_completes_the_waiting_job,
				       reset),
		cmocka_unit_test_setup(test_api_issuance__csr_against_the_profile_fails_the_job,
				       reset),
		cmocka_unit_test_setup(test_api_issuance__processor_hands_agent_jobs_over, reset),
		cmocka_unit_test_setup(
			test_api_issuance__signing_cost_ignores_other_queued_deployments, reset),
		cmocka_unit_test_setup(test_api_issuance__deploy_route_and_agent_reports, reset),
		cmocka_unit_test_setup(test_api_issuance__failed_deployment_retries_later, reset),
		cmocka_unit_test_setup(test_api_issuance__work_carries_the_full_target_config,
				       reset),
	};
	const struct CMUnitTest server_mode[] = {
		cmocka_unit_test_setup(test_api_issuance__refused_record_retries_the_job, reset),
		cmocka_unit_test_setup(
			test_api_issuance__server_keygen_issues_and_queues_deployments, reset),
		cmocka_unit_test_setup(test_api_issuance__server_keygen_key_reaches_the_agent,
				       reset),
		cmocka_unit_test_setup(test_api_issuance__profile_picks_key_and_caps_ttl, reset),
		cmocka_unit_test_setup(test_api_issuance__failures_retry_then_fail, reset),
		cmocka_unit_test_setup(test_api_issuance__one_run_works_through_a_backlog, reset),
		cmocka_unit_test_setup(
			test_api_issuance__running_job_of_a_dead_server_finishes_once, reset),
	};

	return cmocka_run_group_tests_name("api-issuance agent keygen", agent_mode, testapi_setup,
					   testapi_teardown) +
	       cmocka_run_group_tests_name("api-issuance server keygen", server_mode, setup_server,
					   testapi_teardown) +
	       cmocka_run_group_tests_name("api-issuance server keygen, group writer", server_mode,
					   setup_server_group, teardown_group);
}
