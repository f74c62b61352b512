/* test-api-agents.c: agents — registration with per-agent keys, heartbeats, work routing
 * over real rows, CSR submission, certificate pickup and job status reports */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include "tests/unit/testapi.h"
#include "daemon/audit-writer.h"
#include "libcc/mem.h"

#define AGENTS "/api/v1/agents"

struct agent {
	char id[96], key[96];
};

/* registers an agent through the API */
static struct agent register_agent(struct testapi *t, const char *name)
{
	struct agent a;
	char body[256];

	snprintf(body, sizeof(body), "{\"name\":\"%s\",\"hostname\":\"%s.host\",\"os\":\"linux\"}",
		 name, name);
	assert_status(t, "POST", AGENTS, body, 201);
	snprintf(a.id, sizeof(a.id), "%s", testapi_str(t, "id"));
	snprintf(a.key, sizeof(a.key), "%s", testapi_str(t, "api_key"));
	return a;
}

/* METHOD printf-path with an API key */
static int __attribute__((format(printf, 5, 6)))
callk(struct testapi *t, const char *method, const char *body, const char *key, const char *fmt,
      ...)
{
	char path[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	return testapi_call(t, method, path, body, key);
}

static void __attribute__((format(printf, 2, 3))) sqlf(struct testapi *t, const char *fmt, ...)
{
	va_list ap;
	char *sql;

	va_start(ap, fmt);
	sql = cc_xvasprintf(fmt, ap);
	va_end(ap);
	testapi_sql(t, sql);
	free(sql);
}

/* ---- registration, list, get ---- */

static void test_api_agents__register(void **state)
{
	struct testapi *t = TAPI(state);
	char key[96], id[96];

	assert_status(t, "POST", AGENTS,
		      "{\"id\":\"mine\",\"name\":\"web-1\",\"hostname\":\"web-1.example\","
		      "\"os\":\"linux\",\"architecture\":\"amd64\",\"ip_address\":\"10.0.0.5\","
		      "\"version\":\"1.0.0\"}",
		      201);
	snprintf(id, sizeof(id), "%s", testapi_str(t, "id"));
	assert_int_equal(strncmp(id, "agent-", 6), 0); /* a client id is not honoured */
	assert_string_equal(testapi_str(t, "status"), "Online");
	assert_string_equal(testapi_str(t, "os"), "linux");
	assert_int_equal(strncmp(testapi_str(t, "api_key"), "cc_", 3), 0);
	assert_non_null(json_object_get(t->json, "registered_at"));
	assert_non_null(json_object_get(t->json, "last_heartbeat_at"));
	assert_null(json_object_get(t->json, "api_key_hash"));
	snprintf(key, sizeof(key), "%s", testapi_str(t, "api_key"));
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM api_keys WHERE role = 'agent' AND "
					  "agent_id LIKE 'agent-%'"),
			 1);
	assert_int_equal(
		testapi_count(t, "SELECT COUNT(*) FROM agents WHERE length(api_key_hash) = 64"), 1);
	/* the key is shown once: reads never carry it */
	assert_int_equal(testapi_callf(t, "GET", NULL, AGENTS "/%s", id), 200);
	assert_null(json_object_get(t->json, "api_key"));
	assert_string_equal(testapi_str(t, "hostname"), "web-1.example");
	/* the agent's own key reads its own record */
	assert_int_equal(callk(t, "GET", NULL, key, AGENTS "/%s", id), 200);
	assert_status(t, "POST", AGENTS, "{\"name\":\"web-1\",\"hostname\":\"other\"}", 409);
	assert_string_equal(testapi_str(t, "message"), "Agent with this name already exists");
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM agents"), 1);
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM api_keys"), 1);
}

static void test_api_agents__register_rejects_bad_bodies(void **state)
{
	struct testapi *t = TAPI(state);
	char body[512];

	assert_status(t, "POST", AGENTS, "{\"hostname\":\"h\"}", 400);
	assert_string_equal(testapi_str(t, "message"), "name is required");
	assert_status(t, "POST", AGENTS, "{\"name\":\"n\"}", 400);
	assert_string_equal(testapi_str(t, "message"), "hostname is required");
	snprintf(body, sizeof(body), "{\"name\":\"%0129d\",\"hostname\":\"h\"}", 7);
	assert_status(t, "POST", AGENTS, body, 400);
	assert_string_equal(testapi_str(t, "message"), "name must be 128 characters or fewer");
	assert_status(t, "POST", AGENTS,
		      "{\"name\":\"n\",\"hostname\":\"h\",\"version\":"
		      "\"123456789012345678901234567890123456789012345678901\"}",
		      400);
	assert_status(t, "POST", AGENTS, "{\"name\":\"n\",\"hostname\":\"h\",\"nope\":1}", 400);
	assert_non_null(strstr(testapi_str(t, "message"), "nope"));
	assert_status(t, "POST", AGENTS, "{\"name\":7,\"hostname\":\"h\"}", 400);
	assert_status(t, "POST", AGENTS, "{\"name\":", 400);
	assert_status(t, "POST", AGENTS, NULL, 400);
	assert_int_equal(testapi_call(t, "POST", AGENTS, "{\"name\":\"n\",\"hostname\":\"h\"}", ""),
			 401);
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM agents"), 0);
}

static void test_api_agents__list_and_get(void **state)
{
	struct testapi *t = TAPI(state);
	struct agent a1 = register_agent(t, "one"), a2 = register_agent(t, "two");

	testapi_sql(t, "UPDATE agents SET status = 'Offline', os = 'windows' WHERE name = 'two'");
	assert_status(t, "GET", AGENTS, NULL, 200);
	assert_int_equal(json_integer_value(json_object_get(t->json, "total")), 2);
	assert_status(t, "GET", AGENTS "?status=Offline", NULL, 200);
	assert_int_equal(json_array_size(json_object_get(t->json, "data")), 1);
	assert_string_equal(json_string_value(json_object_get(
				    json_array_get(json_object_get(t->json, "data"), 0), "id")),
			    a2.id);
	assert_status(t, "GET", AGENTS "?os=linux", NULL, 200);
	assert_int_equal(json_array_size(json_object_get(t->json, "data")), 1);
	assert_status(t, "GET", AGENTS "?per_page=1&page=2", NULL, 200);
	assert_int_equal(json_array_size(json_object_get(t->json, "data")), 1);
	assert_status(t, "GET", AGENTS "?page_size=1", NULL, 200);
	assert_non_null(json_object_get(t->json, "next_cursor"));
	assert_status(t, "GET", AGENTS "?per_page=0", NULL, 400);
	assert_status(t, "GET", AGENTS "/agent-nope", NULL, 404);
	assert_int_equal(testapi_call(t, "GET", AGENTS, NULL, ""), 401);
	/* an agent key may not list agents */
	assert_int_equal(testapi_call(t, "GET", AGENTS, NULL, a1.key), 403);
}

/* ---- heartbeat and per-agent keys ---- */

static void test_api_agents__heartbeat(void **state)
{
	struct testapi *t = TAPI(state);
	struct agent a = register_agent(t, "hb");
	char p[160];

	snprintf(p, sizeof(p), AGENTS "/%s/heartbeat", a.id);

	testapi_sql(t, "UPDATE agents SET status = 'Offline', last_heartbeat_at = NULL");
	assert_status(t, "POST", p, NULL, 200);
	assert_string_equal(testapi_str(t, "status"), "heartbeat_recorded");
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM agents WHERE status = 'Online' AND "
					  "last_heartbeat_at IS NOT NULL AND os = 'linux'"),
			 1);
	assert_status(t, "POST", p, "{\"version\":\"2.0\",\"os\":\"\",\"ip_address\":\"10.1.1.1\"}",
		      200);
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM agents WHERE version = '2.0' AND "
					  "os = 'linux' AND ip_address = '10.1.1.1'"),
			 1);
	assert_status(t, "POST", p, "{\"version\":", 400);
	assert_status(t, "POST", p, "{\"version\":2}", 400);
	assert_status(t, "POST", p, "{\"name\":\"renamed\"}", 400);
	assert_status(t, "POST", p, "{\"hostname\":\"\"}", 200);
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM agents WHERE hostname = 'hb.host'"),
			 1);
	assert_status(t, "POST", AGENTS "/agent-nope/heartbeat", "{}", 404);
	assert_int_equal(testapi_call(t, "POST", p, NULL, ""), 401);
}

static void test_api_agents__agent_keys_act_for_their_agent_only(void **state)
{
	struct testapi *t = TAPI(state);
	struct agent a = register_agent(t, "a"), b = register_agent(t, "b");
	char *sql;

	assert_int_equal(callk(t, "POST", NULL, a.key, AGENTS "/%s/heartbeat", a.id), 200);
	assert_int_equal(callk(t, "POST", NULL, a.key, AGENTS "/%s/heartbeat", b.id), 403);
	assert_int_equal(callk(t, "GET", NULL, a.key, AGENTS "/%s/work", b.id), 403);
	assert_int_equal(testapi_call(t, "GET", "/api/v1/certificates", NULL, a.key), 403);
	assert_int_equal(testapi_call(t, "GET", "/api/v1/teams", NULL, a.key), 403);
	assert_int_equal(callk(t, "POST", "{\"name\":\"c\",\"hostname\":\"h\"}", a.key, AGENTS),
			 403);
	assert_int_equal(callk(t, "POST", NULL, b.key, AGENTS "/%s/heartbeat", b.id), 200);
	api_audit_flush(t->app.audit);
	sql = cc_xasprintf("SELECT COUNT(*) FROM audit_events WHERE action = 'api_post' AND "
			   "actor = '%s' AND actor_type = 'Agent'",
			   a.id);
	assert_true(testapi_count(t, sql) >= 1);
	free(sql);
}

/* ---- work routing over real rows ---- */

static void work_fixtures(struct testapi *t)
{
	testapi_sql(
		t,
		"INSERT INTO teams (id, name) VALUES ('t1', 'team');"
		"INSERT INTO owners (id, name, email, team_id) VALUES ('o1', 'o', 'o@x', 't1');"
		"INSERT INTO issuers (id, name, type) VALUES ('i1', 'iss', 'GenericCA');"
		"INSERT INTO renewal_policies (id, name, renewal_window_days) VALUES ('rp', 'rp', "
		"30);"
		"INSERT INTO agents (id, name, hostname, api_key_hash, status) VALUES "
		"('A', 'A', 'a.host', '', 'Online'), ('B', 'B', 'b.host', '', 'Online');"
		"INSERT INTO deployment_targets (id, name, type, agent_id, config) VALUES "
		"('tA', 'ta', 'NGINX', 'A', "
		"'{\"cert_path\":\"/etc/a.pem\",\"password\":\"********\"}'),"
		"('tB', 'tb', 'Apache', 'B', NULL);"
		"INSERT INTO managed_certificates (id, name, common_name, sans, owner_id, team_id, "
		"issuer_id, renewal_policy_id) VALUES "
		"('cA', 'cA', 'a.example', '[\"a.example\",\"www.a.example\"]', 'o1', 't1', 'i1', "
		"'rp'),"
		"('cB', 'cB', 'b.example', '[]', 'o1', 't1', 'i1', 'rp'),"
		"('cS', 'cS', 's.example', '[]', 'o1', 't1', 'i1', 'rp'),"
		"('cU', 'cU', 'u.example', '[]', 'o1', 't1', 'i1', 'rp');"
		"INSERT INTO certificate_target_mappings (certificate_id, target_id) VALUES "
		"('cA', 'tA'), ('cB', 'tB'), ('cS', 'tA'), ('cS', 'tB');"
		"INSERT INTO jobs (id, type, certificate_id, target_id, agent_id, status, "
		"created_at) "
		"VALUES "
		"('j-dep-a', 'Deployment', 'cA', 'tA', 'A', 'Pending', "
		"'2026-01-01T00:00:01.000000Z'),"
		"('j-dep-null-a', 'Deployment', 'cA', 'tA', NULL, 'Pending', "
		"'2026-01-01T00:00:02.000000Z'),"
		"('j-csr-a', 'Renewal', 'cA', NULL, NULL, 'AwaitingCSR', "
		"'2026-01-01T00:00:03.000000Z'),"
		"('j-csr-shared', 'Issuance', 'cS', NULL, NULL, 'AwaitingCSR', "
		"'2026-01-01T00:00:04.000000Z'),"
		"('j-dep-b', 'Deployment', 'cB', 'tB', 'B', 'Pending', "
		"'2026-01-01T00:00:00.500000Z'),"
		"('j-dep-null-b', 'Deployment', 'cB', 'tB', NULL, 'Pending', "
		"'2026-01-01T00:00:05.000000Z'),"
		"('j-running-a', 'Deployment', 'cA', 'tA', 'A', 'Running', "
		"'2026-01-01T00:00:06.000000Z'),"
		"('j-csr-unmapped', 'Issuance', 'cU', NULL, NULL, 'AwaitingCSR', "
		"'2026-01-01T00:00:07.000000Z'),"
		"('j-renew-pending', 'Renewal', 'cA', NULL, NULL, 'Pending', "
		"'2026-01-01T00:00:08.000000Z'),"
		"('j-done-a', 'Deployment', 'cA', 'tA', 'A', 'Completed', "
		"'2026-01-01T00:00:09.000000Z');");
}

static const char *job_at(struct testapi *t, size_t i, const char *key)
{
	json_t *j = json_array_get(json_object_get(t->json, "jobs"), i);
	const char *s = json_string_value(json_object_get(j, key));

	return s ? s : "(absent)";
}

static void test_api_agents__work_routing(void **state)
{
	struct testapi *t = TAPI(state);
	json_t *j;

	work_fixtures(t);
	assert_status(t, "GET", AGENTS "/A/work", NULL, 200);
	assert_int_equal(json_integer_value(json_object_get(t->json, "count")), 4);
	assert_string_equal(job_at(t, 0, "id"), "j-dep-a");
	assert_string_equal(job_at(t, 1, "id"), "j-dep-null-a");
	assert_string_equal(job_at(t, 2, "id"), "j-csr-a");
	assert_string_equal(job_at(t, 3, "id"), "j-csr-shared");
	/* deployment rows: target type and the redacted config, no CN/SANs */
	j = json_array_get(json_object_get(t->json, "jobs"), 0);
	assert_string_equal(job_at(t, 0, "type"), "Deployment");
	assert_string_equal(job_at(t, 0, "certificate_id"), "cA");
	assert_string_equal(job_at(t, 0, "target_id"), "tA");
	assert_string_equal(job_at(t, 0, "target_type"), "NGINX");
	assert_string_equal(job_at(t, 0, "status"), "Pending");
	assert_string_equal(
		json_string_value(json_object_get(json_object_get(j, "target_config"), "password")),
		"********");
	assert_null(json_object_get(j, "common_name"));
	assert_null(json_object_get(j, "sans"));
	/* AwaitingCSR rows: CN and SANs, no target */
	j = json_array_get(json_object_get(t->json, "jobs"), 2);
	assert_string_equal(job_at(t, 2, "status"), "AwaitingCSR");
	assert_string_equal(job_at(t, 2, "common_name"), "a.example");
	assert_int_equal(json_array_size(json_object_get(j, "sans")), 2);
	assert_null(json_object_get(j, "target_id"));
	assert_null(json_object_get(j, "target_config"));
	j = json_array_get(json_object_get(t->json, "jobs"), 3);
	assert_null(json_object_get(j, "sans")); /* empty SANs are omitted */

	assert_status(t, "GET", AGENTS "/B/work", NULL, 200);
	assert_int_equal(json_integer_value(json_object_get(t->json, "count")), 3);
	assert_string_equal(job_at(t, 0, "id"), "j-dep-b");
	assert_string_equal(job_at(t, 1, "id"), "j-csr-shared"); /* offered to both owners */
	assert_string_equal(job_at(t, 2, "id"), "j-dep-null-b");
	j = json_array_get(json_object_get(t->json, "jobs"), 0);
	assert_string_equal(job_at(t, 0, "target_type"), "Apache");
	assert_null(json_object_get(j, "target_config")); /* no config stored */

	/* polling changes nothing */
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM jobs WHERE status = 'Pending'"), 5);
	assert_status(t, "GET", AGENTS "/nope/work", NULL, 404);
	assert_int_equal(testapi_call(t, "GET", AGENTS "/A/work", NULL, ""), 401);
}

static void test_api_agents__work_empty(void **state)
{
	struct testapi *t = TAPI(state);

	testapi_sql(t, "INSERT INTO agents (id, name, hostname, api_key_hash) VALUES "
		       "('idle', 'idle', 'h', '')");
	assert_status(t, "GET", AGENTS "/idle/work", NULL, 200);
	assert_true(json_is_array(json_object_get(t->json, "jobs")));
	assert_int_equal(json_array_size(json_object_get(t->json, "jobs")), 0);
	assert_int_equal(json_integer_value(json_object_get(t->json, "count")), 0);
}

/* ---- CSR ---- */

/* a PEM CSR for CN a.example; tamper: the subject changes after signing */
static char *make_csr(const char *keytype, bool tamper)
{
	EVP_PKEY *pk = !strcmp(keytype, "ec") ? EVP_EC_gen("P-256")
					      : EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	X509_REQ *req = X509_REQ_new();
	X509_NAME *n = X509_NAME_new();
	BIO *b = BIO_new(BIO_s_mem());
	char *data, *out;
	long len;

	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)"a.example", -1,
				   -1, 0);
	X509_REQ_set_subject_name(req, n);
	X509_REQ_set_pubkey(req, pk);
	assert_true(X509_REQ_sign(req, pk, !strcmp(keytype, "ec") ? EVP_sha256() : NULL) > 0);
	if (tamper) {
		X509_NAME_free(n);
		n = X509_NAME_new();
		X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC,
					   (const unsigned char *)"evil.example", -1, -1, 0);
		X509_REQ_set_subject_name(req, n);
	}
	PEM_write_bio_X509_REQ(b, req);
	len = BIO_get_mem_data(b, &data);
	out = cc_xstrndup(data, (size_t)len);
	BIO_free(b);
	X509_NAME_free(n);
	X509_REQ_free(req);
	EVP_PKEY_free(pk);
	return out;
}

static int post_csr(struct testapi *t, const char *agent, const char *pem, const char *cert,
		    const char *key)
{
	json_t *b = json_pack("{s:s}", "csr_pem", pem);
	char *body, *path = cc_xasprintf(AGENTS "/%s/csr", agent);
	int st;

	if (cert)
		json_object_set_new(b, "certificate_id", json_string(cert));
	body = json_dumps(b, JSON_COMPACT);
	st = testapi_call(t, "POST", path, body, key);
	free(body);
	free(path);
	json_decref(b);
	return st;
}

static void test_api_agents__csr(void **state)
{
	struct testapi *t = TAPI(state);
	char *good = make_csr("ec", false), *bad = make_csr("ec", true),
	     *ed = make_csr("ed", false);
	char *two = cc_xasprintf("%s%s", good, good), *big = malloc(70000);

	work_fixtures(t);
	/* cA's Renewal job waits for this CSR: it is signed, the job completes */
	assert_int_equal(post_csr(t, "A", good, "cA", NULL), 202);
	assert_string_equal(testapi_str(t, "status"), "csr_signed");
	assert_string_equal(testapi_str(t, "job_id"), "j-csr-a");
	assert_int_equal(
		testapi_count(t, "SELECT COUNT(*) FROM audit_events WHERE action = "
				 "'csr_submitted' AND resource_id = 'cA' AND details LIKE "
				 "'%\"agent_hostname\":\"a.host\"%\"key_algorithm\":\"ECDSA\","
				 "\"key_size\":256%'"),
		1);
	assert_int_equal(post_csr(t, "A", ed, NULL, NULL), 202);
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM audit_events WHERE action = "
					  "'csr_submitted' AND details LIKE '%Ed25519%'"),
			 1);
	/* one version (cA); the CSR without a certificate signs nothing */
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM certificate_versions"), 1);
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM jobs WHERE status = 'AwaitingCSR'"),
			 2);
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM jobs WHERE id = 'j-csr-a' AND "
					  "status = 'Completed'"),
			 1);

	assert_int_equal(post_csr(t, "A", bad, "cA", NULL), 400);
	assert_non_null(strstr(testapi_str(t, "message"), "signature"));
	assert_int_equal(post_csr(t, "A", two, "cA", NULL), 400);
	assert_int_equal(post_csr(t, "A", "garbage", "cA", NULL), 400);
	assert_string_equal(testapi_str(t, "message"),
			    "csr_pem must be a valid PEM-encoded certificate request");
	assert_int_equal(post_csr(t, "A",
				  "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n"
				  "-----END CERTIFICATE REQUEST-----\n",
				  "cA", NULL),
			 400);
	memset(big, ' ', 69999);
	big[69999] = '\0';
	memcpy(big, "-----BEGIN CERTIFICATE REQUEST-----", 35);
	assert_int_equal(post_csr(t, "A", big, "cA", NULL), 400);
	assert_non_null(strstr(testapi_str(t, "message"), "larger"));
	assert_status(t, "POST", AGENTS "/A/csr", "{\"certificate_id\":\"cA\"}", 400);
	assert_string_equal(testapi_str(t, "message"), "csr_pem is required");
	assert_status(t, "POST", AGENTS "/A/csr", "{\"csr_pem\":1}", 400);
	assert_status(t, "POST", AGENTS "/A/csr", "{\"csr_pem\":\"x\",\"extra\":1}", 400);
	assert_status(t, "POST", AGENTS "/A/csr", "{", 400);
	assert_int_equal(post_csr(t, "nope", good, NULL, NULL), 404);
	assert_int_equal(post_csr(t, "A", good, "cert-nope", NULL), 404);
	assert_int_equal(post_csr(t, "A", good, NULL, ""), 401);
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM audit_events WHERE action = "
					  "'csr_submitted'"),
			 2);
	free(good);
	free(bad);
	free(ed);
	free(two);
	free(big);
}

static void test_api_agents__csr_agent_key_needs_mapping(void **state)
{
	struct testapi *t = TAPI(state);
	struct agent a = register_agent(t, "mapped");
	char *pem = make_csr("ec", false);

	work_fixtures(t);
	sqlf(t,
	     "INSERT INTO deployment_targets (id, name, type, agent_id) VALUES "
	     "('tM', 'tm', 'NGINX', '%s');"
	     "INSERT INTO certificate_target_mappings VALUES ('cU', 'tM')",
	     a.id);
	assert_int_equal(post_csr(t, a.id, pem, "cU", a.key), 202);
	assert_int_equal(post_csr(t, a.id, pem, "cA", a.key), 403);
	assert_int_equal(post_csr(t, "A", pem, "cA", a.key), 403);
	free(pem);
}

/* ---- pickup ---- */

static void test_api_agents__certificate_pickup(void **state)
{
	struct testapi *t = TAPI(state);
	struct agent a = register_agent(t, "picker");

	work_fixtures(t);
	testapi_sql(t,
		    "INSERT INTO certificate_versions (id, certificate_id, serial_number, "
		    "not_before, not_after, fingerprint_sha256, pem_chain, created_at) VALUES "
		    "('v1', 'cA', '01', '2026-01-01T00:00:00.000000Z', "
		    "'2027-01-01T00:00:00.000000Z', 'f1', 'OLD PEM', "
		    "'2026-01-01T00:00:00.000000Z'), "
		    "('v2', 'cA', '02', '2026-02-01T00:00:00.000000Z', "
		    "'2027-02-01T00:00:00.000000Z', 'f2', 'NEW PEM', "
		    "'2026-02-01T00:00:00.000000Z'), "
		    "('v3', 'cB', '03', '2026-02-01T00:00:00.000000Z', "
		    "'2027-02-01T00:00:00.000000Z', 'f3', 'B PEM', '2026-02-01T00:00:00.000000Z')");
	assert_status(t, "GET", AGENTS "/A/certificates/cA", NULL, 200);
	assert_string_equal(testapi_str(t, "certificate_pem"), "NEW PEM");
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM audit_events WHERE action = "
					  "'certificate_retrieved' AND resource_id = 'cA' AND "
					  "details = '{\"version\":\"02\"}'"),
			 1);
	/* an admin key may fetch any certificate, an agent key only its own */
	assert_status(t, "GET", AGENTS "/A/certificates/cB", NULL, 200);
	assert_status(t, "GET", AGENTS "/A/certificates/cS", NULL, 404); /* no version yet */
	assert_non_null(strstr(testapi_str(t, "message"), "no issued version"));
	assert_status(t, "GET", AGENTS "/A/certificates/nope", NULL, 404);
	assert_status(t, "GET", AGENTS "/nope/certificates/cA", NULL, 404);
	sqlf(t,
	     "INSERT INTO deployment_targets (id, name, type, agent_id) VALUES "
	     "('tP', 'tp', 'NGINX', '%s');"
	     "INSERT INTO certificate_target_mappings VALUES ('cB', 'tP')",
	     a.id);
	assert_int_equal(callk(t, "GET", NULL, a.key, AGENTS "/%s/certificates/cB", a.id), 200);
	assert_string_equal(testapi_str(t, "certificate_pem"), "B PEM");
	assert_int_equal(callk(t, "GET", NULL, a.key, AGENTS "/%s/certificates/cA", a.id), 403);
	assert_int_equal(callk(t, "GET", NULL, "", AGENTS "/%s/certificates/cA", a.id), 401);
}

/* ---- job status ---- */

static int report(struct testapi *t, const char *agent, const char *job, const char *body,
		  const char *key)
{
	return callk(t, "POST", body, key, AGENTS "/%s/jobs/%s/status", agent, job);
}

static void test_api_agents__job_status(void **state)
{
	struct testapi *t = TAPI(state);

	work_fixtures(t);
	assert_int_equal(report(t, "A", "j-dep-a", "{\"status\":\"Running\"}", NULL), 200);
	assert_string_equal(testapi_str(t, "status"), "updated");
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM jobs WHERE id = 'j-dep-a' AND "
					  "status = 'Running' AND started_at IS NOT NULL AND "
					  "completed_at IS NULL"),
			 1);
	assert_int_equal(
		report(t, "A", "j-dep-a", "{\"status\":\"Completed\",\"error\":\"\"}", NULL), 200);
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM jobs WHERE id = 'j-dep-a' AND "
					  "status = 'Completed' AND completed_at IS NOT NULL AND "
					  "last_error IS NULL"),
			 1);
	assert_int_equal(report(t, "A", "j-dep-a", "{\"status\":\"Failed\"}", NULL), 409);
	/* via the target's agent */
	assert_int_equal(report(t, "A", "j-dep-null-a",
				"{\"status\":\"Failed\",\"error\":\"disk full\"}", NULL),
			 200);
	/* attempts remain: it comes back Pending later, with the reason */
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM jobs WHERE id = 'j-dep-null-a' AND "
					  "status = 'Pending' AND attempts = 1 AND "
					  "last_error = 'disk full'"),
			 1);
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM audit_events WHERE action = "
					  "'job_status_reported' AND resource_id = 'j-dep-null-a' "
					  "AND details = '{\"status\":\"Failed\",\"error\":\"disk "
					  "full\"}'"),
			 1);
	/* AwaitingCSR jobs (routed through the mapping) may only fail */
	assert_int_equal(report(t, "A", "j-csr-a", "{\"status\":\"Completed\"}", NULL), 409);
	assert_int_equal(report(t, "A", "j-csr-a",
				"{\"status\":\"Failed\",\"error\":\"empty common name\"}", NULL),
			 200);
	/* someone else's job */
	assert_int_equal(report(t, "A", "j-dep-b", "{\"status\":\"Running\"}", NULL), 403);
	assert_int_equal(report(t, "A", "j-dep-null-b", "{\"status\":\"Running\"}", NULL), 403);
	assert_int_equal(report(t, "A", "j-csr-unmapped", "{\"status\":\"Failed\"}", NULL), 403);
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM jobs WHERE id = 'j-dep-b' AND "
					  "status = 'Pending'"),
			 1);
	/* bad bodies */
	assert_int_equal(report(t, "B", "j-dep-b", "{\"status\":\"Done\"}", NULL), 400);
	assert_string_equal(testapi_str(t, "message"),
			    "status: must be one of Running, Completed, Failed");
	assert_int_equal(report(t, "B", "j-dep-b", "{\"error\":\"x\"}", NULL), 400);
	assert_string_equal(testapi_str(t, "message"), "status is required");
	assert_int_equal(report(t, "B", "j-dep-b", "{\"status\":\"Running\",\"x\":1}", NULL), 400);
	assert_int_equal(report(t, "B", "j-dep-b", "{\"status\":\"Running\",\"error\":5}", NULL),
			 400);
	assert_int_equal(report(t, "B", "j-dep-b", "{\"status\":", NULL), 400);
	assert_int_equal(report(t, "B", "j-dep-b", NULL, NULL), 400);
	assert_int_equal(report(t, "B", "job-nope", "{\"status\":\"Running\"}", NULL), 404);
	assert_int_equal(report(t, "nope", "j-dep-b", "{\"status\":\"Running\"}", NULL), 404);
	assert_int_equal(report(t, "B", "j-dep-b", "{\"status\":\"Running\"}", ""), 401);
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM jobs WHERE id = 'j-dep-b' AND "
					  "status = 'Pending'"),
			 1);
}

static void test_api_agents__job_status_with_agent_key(void **state)
{
	struct testapi *t = TAPI(state);
	struct agent a = register_agent(t, "worker");

	work_fixtures(t);
	sqlf(t,
	     "INSERT INTO jobs (id, type, certificate_id, agent_id, status) VALUES "
	     "('j-own', 'Deployment', 'cA', '%s', 'Pending')",
	     a.id);
	assert_int_equal(report(t, a.id, "j-own", "{\"status\":\"Running\"}", a.key), 200);
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM audit_events WHERE action = "
					  "'job_status_reported' AND actor_type = 'Agent' AND "
					  "actor LIKE 'agent-%'"),
			 1);
	assert_int_equal(report(t, a.id, "j-dep-a", "{\"status\":\"Running\"}", a.key), 403);
	assert_int_equal(report(t, "A", "j-dep-a", "{\"status\":\"Running\"}", a.key), 403);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_api_agents__register, testapi_reset),
		cmocka_unit_test_setup(test_api_agents__register_rejects_bad_bodies, testapi_reset),
		cmocka_unit_test_setup(test_api_agents__list_and_get, testapi_reset),
		cmocka_unit_test_setup(test_api_agents__heartbeat, testapi_reset),
		cmocka_unit_test_setup(test_api_agents__agent_keys_act_for_their_agent_only,
				       testapi_reset),
		cmocka_unit_test_setup(test_api_agents__work_routing, testapi_reset),
		cmocka_unit_test_setup(test_api_agents__work_empty, testapi_reset),
		cmocka_unit_test_setup(test_api_agents__csr, testapi_reset),
		cmocka_unit_test_setup(test_api_agents__csr_agent_key_needs_mapping, testapi_reset),
		cmocka_unit_test_setup(test_api_agents__certificate_pickup, testapi_reset),
		cmocka_unit_test_setup(test_api_agents__job_status, testapi_reset),
		cmocka_unit_test_setup(test_api_agents__job_status_with_agent_key, testapi_reset),
	};
	return cmocka_run_group_tests_name("api-agents", tests, testapi_setup, testapi_teardown);
}
