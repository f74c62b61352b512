/* test-api-certs.c: certificates, their versions, deployments and renewal through api_handle */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tests/unit/testapi.h"
#include "libcc/mem.h"

#define CERT_BODY(extra)                                                                           \
	"{\"name\":\"web\",\"common_name\":\"www.example.com\",\"owner_id\":\"o1\","               \
	"\"team_id\":\"t1\",\"issuer_id\":\"i1\",\"renewal_policy_id\":\"rp\"" extra "}"

static void fixtures(struct testapi *t)
{
	testapi_sql(
		t,
		"INSERT INTO teams (id, name) VALUES ('t1', 'team');"
		"INSERT INTO owners (id, name, email, team_id) VALUES ('o1', 'o', 'o@x.io', 't1');"
		"INSERT INTO renewal_policies (id, name, renewal_window_days) VALUES "
		"('rp', 'rp', 30), ('rp2', 'rp2', 10);"
		"INSERT INTO issuers (id, name, type) VALUES ('i1', 'iss', 'GenericCA');"
		"INSERT INTO certificate_profiles (id, name) VALUES ('p1', 'prof');"
		"INSERT INTO agents (id, name, hostname, api_key_hash, status) VALUES "
		"('a1', 'a1', 'h', 'x', 'Online'), ('a2', 'a2', 'h', 'x', 'Online');"
		"INSERT INTO deployment_targets (id, name, type, agent_id, config, created_at)"
		" VALUES ('tg1', 'n1', 'NGINX', 'a1', '{\"password\":\"********\"}',"
		" '2026-01-01T00:00:00.000000Z'),"
		" ('tg2', 'n2', 'Apache', 'a2', '{}', '2026-02-01T00:00:00.000000Z')");
}

static int reset(void **state)
{
	testapi_reset(state);
	fixtures(TAPI(state));
	return 0;
}

static int setup_server_keygen(void **state)
{
	static const char *const env[] = { "CERTCTL_KEYGEN_MODE=server", NULL };
	return testapi_setup_env(state, env);
}

static json_t *data(struct testapi *t)
{
	return json_object_get(t->json, "data");
}

static json_int_t total(struct testapi *t)
{
	return json_integer_value(json_object_get(t->json, "total"));
}

static void assert_targets(struct testapi *t, const char *want)
{
	char *got = json_dumps(json_object_get(t->json, "target_ids"), JSON_COMPACT);

	if (!got || strcmp(got, want))
		fail_msg("target_ids %s, want %s", got ? got : "(none)", want);
	free(got);
}

static void test_api_certs__create_and_get(void **state)
{
	static const char *const keys[] = { "id",
					    "name",
					    "common_name",
					    "sans",
					    "environment",
					    "owner_id",
					    "team_id",
					    "issuer_id",
					    "target_ids",
					    "renewal_policy_id",
					    "certificate_profile_id",
					    "status",
					    "expires_at",
					    "tags",
					    "created_at",
					    "updated_at",
					    NULL };
	struct testapi *t = TAPI(state);

	assert_status(
		t, "POST", "/api/v1/certificates",
		CERT_BODY(",\"id\":\"c1\",\"sans\":[\"a.example.com\"],\"environment\":"
			  "\"production\",\"certificate_profile_id\":\"p1\",\"tags\":{\"app\":"
			  "\"shop\"},\"target_ids\":[\"tg2\",\"tg1\",\"tg2\"]"),
		201);
	for (size_t i = 0; keys[i]; i++)
		if (!json_object_get(t->json, keys[i]))
			fail_msg("key %s missing: %s", keys[i], t->body);
	assert_string_equal(testapi_str(t, "id"), "c1");
	assert_string_equal(testapi_str(t, "status"), "Pending");
	assert_string_equal(testapi_str(t, "expires_at"), "0001-01-01T00:00:00Z");
	assert_targets(t, "[\"tg1\",\"tg2\"]");
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM certificate_target_mappings "
					  "WHERE certificate_id = 'c1'"),
			 2);
	assert_status(t, "GET", "/api/v1/certificates/c1", NULL, 200);
	assert_targets(t, "[\"tg1\",\"tg2\"]");
	assert_string_equal(
		json_string_value(json_object_get(json_object_get(t->json, "tags"), "app")),
		"shop");
	/* defaults: generated id, tags {}, no mappings; wildcard, IP and S/MIME names */
	assert_status(t, "POST", "/api/v1/certificates",
		      "{\"name\":\"w2\",\"common_name\":\"*.example.com\",\"owner_id\":\"o1\","
		      "\"team_id\":\"t1\",\"issuer_id\":\"i1\",\"renewal_policy_id\":\"rp\","
		      "\"status\":\"Active\"}",
		      201);
	assert_non_null(strstr(testapi_str(t, "id"), "cert-"));
	assert_string_equal(testapi_str(t, "status"), "Active");
	assert_int_equal(json_object_size(json_object_get(t->json, "tags")), 0);
	assert_targets(t, "[]");
	assert_status(t, "POST", "/api/v1/certificates",
		      "{\"name\":\"ip\",\"common_name\":\"192.0.2.10\",\"owner_id\":\"o1\","
		      "\"team_id\":\"t1\",\"issuer_id\":\"i1\",\"renewal_policy_id\":\"rp\"}",
		      201);
	assert_status(t, "POST", "/api/v1/certificates",
		      "{\"name\":\"mail\",\"common_name\":\"ann@example.com\",\"owner_id\":\"o1\","
		      "\"team_id\":\"t1\",\"issuer_id\":\"i1\",\"renewal_policy_id\":\"rp\"}",
		      201);
	assert_status(t, "GET", "/api/v1/certificates/nope", NULL, 404);
	assert_int_equal(testapi_call(t, "GET", "/api/v1/certificates/c1", NULL, ""), 401);
}

static void bad_create(struct testapi *t, const char *body, const char *msg)
{
	assert_status(t, "POST", "/api/v1/certificates", body, 400);
	if (msg && !strstr(testapi_str(t, "message"), msg))
		fail_msg("message '%s' lacks '%s'", testapi_str(t, "message"), msg);
}

static void test_api_certs__create_errors(void **state)
{
	struct testapi *t = TAPI(state);

	assert_int_equal(testapi_call(t, "POST", "/api/v1/certificates", CERT_BODY(""), ""), 401);
	bad_create(t, "{\"name\":", NULL);
	bad_create(t, "[]", NULL);
	bad_create(t, "{\"name\":\"x\"}", "common_name is required");
	bad_create(t, "{\"common_name\":\"bad host\"}", "invalid hostname format");
	bad_create(t, "{\"common_name\":\"a@b@\"}", "invalid email format for S/MIME");
	bad_create(t, "{\"common_name\":\"a.b\"}", "owner_id is required");
	bad_create(t, "{\"common_name\":\"a.b\",\"owner_id\":\"o1\"}", "team_id is required");
	bad_create(t, "{\"common_name\":\"a.b\",\"owner_id\":\"o1\",\"team_id\":\"t1\"}",
		   "issuer_id is required");
	bad_create(t,
		   "{\"common_name\":\"a.b\",\"owner_id\":\"o1\",\"team_id\":\"t1\","
		   "\"issuer_id\":\"i1\"}",
		   "name is required");
	bad_create(t,
		   "{\"common_name\":\"a.b\",\"owner_id\":\"o1\",\"team_id\":\"t1\","
		   "\"issuer_id\":\"i1\",\"name\":\"n\"}",
		   "renewal_policy_id is required");
	bad_create(t, CERT_BODY(",\"status\":\"Bogus\""), "invalid status 'Bogus'");
	bad_create(t, CERT_BODY(",\"tags\":[1]"), "tags must be an object");
	bad_create(t, CERT_BODY(",\"tags\":{\"a\":1}"), "tags.a must be a string");
	bad_create(t, CERT_BODY(",\"sans\":\"x\""), "sans");
	bad_create(t, CERT_BODY(",\"sans\":[\"\"]"), "sans");
	bad_create(t, CERT_BODY(",\"bogus\":true"), "bogus");
	bad_create(t, CERT_BODY(",\"id\":\"-x\""), "id:");
	bad_create(t, CERT_BODY(",\"expires_at\":\"soon\""), "expires_at");
	/* references must exist, and the message names the field */
	bad_create(t,
		   "{\"name\":\"n\",\"common_name\":\"a.b\",\"owner_id\":\"ghost\",\"team_id\":"
		   "\"t1\",\"issuer_id\":\"i1\",\"renewal_policy_id\":\"rp\"}",
		   "owner_id 'ghost' does not exist");
	bad_create(t,
		   "{\"name\":\"n\",\"common_name\":\"a.b\",\"owner_id\":\"o1\",\"team_id\":"
		   "\"t1\",\"issuer_id\":\"i1\",\"renewal_policy_id\":\"nope\"}",
		   "renewal_policy_id 'nope' does not exist");
	bad_create(t, CERT_BODY(",\"certificate_profile_id\":\"p9\""),
		   "certificate_profile_id 'p9' does not exist");
	bad_create(t, CERT_BODY(",\"target_ids\":[\"tg1\",\"tg9\"]"),
		   "target_ids: target 'tg9' does not exist");
	/* nothing was written */
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM managed_certificates"), 0);
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM certificate_target_mappings"), 0);
	/* duplicates */
	assert_status(t, "POST", "/api/v1/certificates", CERT_BODY(",\"id\":\"c1\""), 201);
	assert_status(t, "POST", "/api/v1/certificates", CERT_BODY(""), 409);
	assert_status(
		t, "POST", "/api/v1/certificates",
		"{\"id\":\"c1\",\"name\":\"other\",\"common_name\":\"a.b\",\"owner_id\":"
		"\"o1\",\"team_id\":\"t1\",\"issuer_id\":\"i1\",\"renewal_policy_id\":\"rp\"}",
		409);
}

static void test_api_certs__list(void **state)
{
	struct testapi *t = TAPI(state);
	char *next;

	assert_status(t, "POST", "/api/v1/certificates",
		      CERT_BODY(",\"id\":\"c1\",\"target_ids\":[\"tg1\"]"), 201);
	assert_status(t, "POST", "/api/v1/certificates",
		      "{\"id\":\"c2\",\"name\":\"api\",\"common_name\":\"api.example.com\","
		      "\"owner_id\":\"o1\",\"team_id\":\"t1\",\"issuer_id\":\"i1\","
		      "\"renewal_policy_id\":\"rp\",\"status\":\"Active\",\"environment\":\"prod\","
		      "\"target_ids\":[\"tg2\"]}",
		      201);
	assert_status(t, "GET", "/api/v1/certificates", NULL, 200);
	assert_int_equal(total(t), 2);
	assert_int_equal(json_integer_value(json_object_get(t->json, "per_page")), 50);
	assert_string_equal(json_string_value(json_object_get(json_array_get(data(t), 0), "id")),
			    "c1");
	assert_status(t, "GET", "/api/v1/certificates?status=Active", NULL, 200);
	assert_int_equal(total(t), 1);
	assert_status(t, "GET", "/api/v1/certificates?environment=prod&owner_id=o1", NULL, 200);
	assert_int_equal(total(t), 1);
	assert_status(t, "GET", "/api/v1/certificates?agent_id=a1", NULL, 200);
	assert_int_equal(total(t), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(data(t), 0), "id")),
			    "c1");
	assert_status(t, "GET", "/api/v1/certificates?sort=-commonName&fields=id,common_name", NULL,
		      200);
	assert_int_equal(json_object_size(json_array_get(data(t), 0)), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(data(t), 0), "id")),
			    "c1");
	assert_status(t, "GET", "/api/v1/certificates?page_size=1", NULL, 200);
	assert_int_equal(json_array_size(data(t)), 1);
	next = cc_xasprintf("/api/v1/certificates?page_size=1&cursor=%s",
			    testapi_str(t, "next_cursor"));
	assert_status(t, "GET", next, NULL, 200);
	assert_string_equal(json_string_value(json_object_get(json_array_get(data(t), 0), "id")),
			    "c2");
	free(next);
	assert_status(t, "GET", "/api/v1/certificates?per_page=0", NULL, 400);
	assert_status(t, "GET", "/api/v1/certificates?fields=nope", NULL, 400);
	assert_status(t, "GET", "/api/v1/certificates?sort=bogus", NULL, 400);
	assert_int_equal(testapi_call(t, "GET", "/api/v1/certificates", NULL, ""), 401);
}

static void test_api_certs__update(void **state)
{
	struct testapi *t = TAPI(state);

	assert_status(t, "POST", "/api/v1/certificates",
		      CERT_BODY(",\"id\":\"c1\",\"target_ids\":[\"tg1\"],\"tags\":{\"a\":\"b\"}"),
		      201);
	assert_status(t, "PUT", "/api/v1/certificates/c1",
		      "{\"renewal_policy_id\":\"rp2\",\"environment\":\"staging\"}", 200);
	assert_string_equal(testapi_str(t, "name"), "web");
	assert_string_equal(testapi_str(t, "environment"), "staging");
	assert_targets(t, "[\"tg1\"]"); /* absent: mappings kept */
	/* v2.1 left renewal_policy_id out of its UPDATE */
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM managed_certificates WHERE "
					  "id = 'c1' AND renewal_policy_id = 'rp2' AND "
					  "environment = 'staging'"),
			 1);
	assert_status(t, "PUT", "/api/v1/certificates/c1",
		      "{\"target_ids\":[\"tg2\"],\"certificate_profile_id\":\"p1\"}", 200);
	assert_targets(t, "[\"tg2\"]");
	assert_string_equal(testapi_str(t, "certificate_profile_id"), "p1");
	assert_status(t, "PUT", "/api/v1/certificates/c1", "{\"target_ids\":[]}", 200);
	assert_targets(t, "[]");
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM certificate_target_mappings"), 0);
	/* errors leave the row alone */
	assert_status(t, "PUT", "/api/v1/certificates/c1", "{\"common_name\":\"bad name\"}", 400);
	assert_status(t, "PUT", "/api/v1/certificates/c1", "{\"issuer_id\":\"i9\"}", 400);
	assert_string_equal(testapi_str(t, "message"), "issuer_id 'i9' does not exist");
	assert_status(t, "PUT", "/api/v1/certificates/c1",
		      "{\"name\":\"x\",\"target_ids\":[\"tg9\"]}", 400);
	assert_status(t, "PUT", "/api/v1/certificates/c1", "{\"status\":\"Nope\"}", 400);
	assert_status(t, "PUT", "/api/v1/certificates/c1", "{\"sans\":5}", 400);
	assert_status(t, "PUT", "/api/v1/certificates/c1", "{\"id\":\"c2\"}", 400);
	assert_status(t, "PUT", "/api/v1/certificates/c1", "{\"x\":1}", 400);
	assert_status(t, "PUT", "/api/v1/certificates/c1", "{", 400);
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM managed_certificates WHERE "
					  "name = 'web' AND common_name = 'www.example.com'"),
			 1);
	assert_status(t, "PUT", "/api/v1/certificates/c9", "{\"name\":\"x\"}", 404);
	assert_int_equal(testapi_call(t, "PUT", "/api/v1/certificates/c1", "{}", ""), 401);
}

/* v2.1 read "" and null as "not given": Go clients send every field of the struct */
static void test_api_certs__v21_blank_fields(void **state)
{
	struct testapi *t = TAPI(state);

	assert_status(
		t, "POST", "/api/v1/certificates",
		CERT_BODY(",\"id\":\"\",\"sans\":null,\"environment\":\"\",\"target_ids\":"
			  "null,\"certificate_profile_id\":\"\",\"status\":\"\",\"tags\":null,"
			  "\"expires_at\":\"0001-01-01T00:00:00Z\",\"created_at\":"
			  "\"0001-01-01T00:00:00Z\""),
		201);
	assert_non_null(strstr(testapi_str(t, "id"), "cert-"));
	assert_string_equal(testapi_str(t, "status"), "Pending");
	assert_int_equal(json_object_size(json_object_get(t->json, "tags")), 0);
	assert_null(json_object_get(t->json, "certificate_profile_id"));
	assert_status(t, "POST", "/api/v1/certificates",
		      "{\"id\":\"c1\",\"name\":\"n1\",\"common_name\":\"a.example.com\","
		      "\"owner_id\":\"o1\",\"team_id\":\"t1\",\"issuer_id\":\"i1\","
		      "\"renewal_policy_id\":\"rp\",\"environment\":\"prod\",\"sans\":"
		      "[\"a.example.com\"],\"certificate_profile_id\":\"p1\",\"status\":\"Active\","
		      "\"tags\":{\"k\":\"v\"},\"target_ids\":[\"tg1\"]}",
		      201);
	/* an update of empty values keeps every stored one */
	assert_status(t, "PUT", "/api/v1/certificates/c1",
		      "{\"id\":\"\",\"name\":\"\",\"common_name\":\"\",\"environment\":\"\","
		      "\"owner_id\":\"\",\"team_id\":\"\",\"issuer_id\":\"\","
		      "\"renewal_policy_id\":\"\",\"certificate_profile_id\":\"\",\"status\":\"\","
		      "\"sans\":null,\"tags\":null,\"target_ids\":null}",
		      200);
	assert_string_equal(testapi_str(t, "name"), "n1");
	assert_string_equal(testapi_str(t, "environment"), "prod");
	assert_string_equal(testapi_str(t, "certificate_profile_id"), "p1");
	assert_string_equal(testapi_str(t, "status"), "Active");
	assert_int_equal(json_array_size(json_object_get(t->json, "sans")), 1);
	assert_targets(t, "[\"tg1\"]");
	assert_int_equal(testapi_count(t,
				       "SELECT COUNT(*) FROM managed_certificates WHERE "
				       "id = 'c1' AND owner_id = 'o1' AND environment = 'prod' AND "
				       "certificate_profile_id = 'p1'"),
			 1);
	/* null clears the optional environment and profile */
	assert_status(t, "PUT", "/api/v1/certificates/c1",
		      "{\"environment\":null,\"certificate_profile_id\":null}", 200);
	assert_null(json_object_get(t->json, "certificate_profile_id"));
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM managed_certificates WHERE "
					  "id = 'c1' AND certificate_profile_id IS NULL"),
			 1);
}

static void test_api_certs__delete_archives(void **state)
{
	struct testapi *t = TAPI(state);

	assert_status(t, "POST", "/api/v1/certificates", CERT_BODY(",\"id\":\"c1\""), 201);
	assert_status(t, "DELETE", "/api/v1/certificates/c1", NULL, 204);
	assert_int_equal(strlen(t->body), 0);
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM managed_certificates WHERE "
					  "id = 'c1' AND status = 'Archived'"),
			 1);
	assert_status(t, "DELETE", "/api/v1/certificates/c9", NULL, 404);
	assert_int_equal(testapi_call(t, "DELETE", "/api/v1/certificates/c1", NULL, ""), 401);
}

static void test_api_certs__versions(void **state)
{
	struct testapi *t = TAPI(state);

	assert_status(t, "POST", "/api/v1/certificates", CERT_BODY(",\"id\":\"c1\""), 201);
	assert_status(t, "GET", "/api/v1/certificates/c1/versions", NULL, 200);
	assert_int_equal(total(t), 0);
	assert_int_equal(json_array_size(data(t)), 0);
	assert_int_equal(json_integer_value(json_object_get(t->json, "page")), 1);
	testapi_sql(t,
		    "INSERT INTO certificate_versions (id, certificate_id, serial_number, "
		    "not_before, not_after, fingerprint_sha256, pem_chain, created_at) VALUES "
		    "('v1', 'c1', '01', '2026-01-01T00:00:00.000000Z', "
		    "'2026-04-01T00:00:00.000000Z', 'f1', 'pem', '2026-01-01T00:00:00.000000Z'),"
		    "('v2', 'c1', '02', '2026-03-01T00:00:00.000000Z', "
		    "'2026-06-01T00:00:00.000000Z', 'f2', 'pem', '2026-03-01T00:00:00.000000Z')");
	assert_status(t, "GET", "/api/v1/certificates/c1/versions", NULL, 200);
	assert_int_equal(total(t), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(data(t), 0), "id")),
			    "v2");
	assert_status(t, "GET", "/api/v1/certificates/c1/versions?per_page=1&page=2", NULL, 200);
	assert_int_equal(json_array_size(data(t)), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(data(t), 0), "id")),
			    "v1");
	assert_status(t, "GET", "/api/v1/certificates/c1/versions?per_page=x", NULL, 400);
	assert_status(t, "GET", "/api/v1/certificates/c9/versions", NULL, 404);
	assert_int_equal(testapi_call(t, "GET", "/api/v1/certificates/c1/versions", NULL, ""), 401);
}

static void test_api_certs__deployments(void **state)
{
	struct testapi *t = TAPI(state);

	assert_status(t, "POST", "/api/v1/certificates", CERT_BODY(",\"id\":\"c1\""), 201);
	assert_status(t, "GET", "/api/v1/certificates/c1/deployments", NULL, 200);
	assert_int_equal(total(t), 0);
	assert_true(json_is_array(data(t)));
	assert_status(t, "PUT", "/api/v1/certificates/c1", "{\"target_ids\":[\"tg1\",\"tg2\"]}",
		      200);
	assert_status(t, "GET", "/api/v1/certificates/c1/deployments", NULL, 200);
	assert_int_equal(total(t), 2);
	/* newest first; configs redacted, the sealed copy hidden */
	assert_string_equal(json_string_value(json_object_get(json_array_get(data(t), 0), "id")),
			    "tg2");
	assert_null(json_object_get(json_array_get(data(t), 1), "encrypted_config"));
	assert_non_null(json_object_get(json_array_get(data(t), 1), "config"));
	assert_status(t, "GET", "/api/v1/certificates/c9/deployments", NULL, 404);
	assert_int_equal(testapi_call(t, "GET", "/api/v1/certificates/c1/deployments", NULL, ""),
			 401);
}

static void test_api_certs__renew_agent_keygen(void **state)
{
	struct testapi *t = TAPI(state);
	char *sql;

	assert_status(t, "POST", "/api/v1/certificates", CERT_BODY(",\"id\":\"c1\""), 201);
	assert_status(t, "POST", "/api/v1/certificates/c1/renew", NULL, 202);
	assert_string_equal(testapi_str(t, "status"), "renewal_triggered");
	sql = cc_xasprintf("SELECT COUNT(*) FROM jobs WHERE id = '%s' AND certificate_id = 'c1' "
			   "AND type = 'Issuance' AND status = 'AwaitingCSR' AND "
			   "max_attempts = 3",
			   testapi_str(t, "job_id"));
	assert_int_equal(testapi_count(t, sql), 1);
	free(sql);
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM managed_certificates WHERE "
					  "status = 'RenewalInProgress'"),
			 1);
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM audit_events WHERE action = "
					  "'renewal_triggered' AND resource_id = 'c1' AND actor = "
					  "'api-key-user' AND details LIKE "
					  "'%\"common_name\":\"www.example.com\"%'"),
			 1);
	/* one job at a time */
	assert_status(t, "POST", "/api/v1/certificates/c1/renew", NULL, 409);
	assert_string_equal(testapi_str(t, "message"), "certificate renewal already in progress");
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM jobs"), 1);
	/* once the job is over, renewing again is a Renewal of an issued certificate */
	testapi_sql(t,
		    "UPDATE jobs SET status = 'Failed';"
		    "UPDATE managed_certificates SET expires_at = '2030-01-01T00:00:00.000000Z'");
	assert_status(t, "POST", "/api/v1/certificates/c1/renew", NULL, 202);
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM jobs WHERE type = 'Renewal' AND "
					  "status = 'AwaitingCSR'"),
			 1);
	/* archived and expired certificates are refused, unchanged */
	testapi_sql(t, "DELETE FROM jobs; UPDATE managed_certificates SET status = 'Archived'");
	assert_status(t, "POST", "/api/v1/certificates/c1/renew", NULL, 400);
	assert_string_equal(testapi_str(t, "message"), "cannot renew archived certificate");
	testapi_sql(t, "UPDATE managed_certificates SET status = 'Expired'");
	assert_status(t, "POST", "/api/v1/certificates/c1/renew", NULL, 400);
	assert_non_null(strstr(testapi_str(t, "message"), "reissue"));
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM jobs"), 0);
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM managed_certificates WHERE "
					  "status = 'Expired'"),
			 1);
	assert_status(t, "POST", "/api/v1/certificates/c9/renew", NULL, 404);
	assert_int_equal(testapi_call(t, "POST", "/api/v1/certificates/c1/renew", NULL, ""), 401);
}

static void test_api_certs__renew_server_keygen(void **state)
{
	struct testapi *t = TAPI(state);

	assert_status(t, "POST", "/api/v1/certificates", CERT_BODY(",\"id\":\"c1\""), 201);
	assert_status(t, "POST", "/api/v1/certificates/c1/renew", NULL, 202);
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM jobs WHERE type = 'Issuance' "
					  "AND status = 'Pending'"),
			 1);
}

#define T(name) cmocka_unit_test_setup(test_api_certs__##name, reset)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(create_and_get), T(create_errors),	T(list),
		T(update),	   T(v21_blank_fields), T(delete_archives),
		T(versions),	   T(deployments),	T(renew_agent_keygen),
	};
	const struct CMUnitTest server[] = {
		T(renew_server_keygen),
	};
	int rc = cmocka_run_group_tests_name("api-certs", tests, testapi_setup, testapi_teardown);

	return rc | cmocka_run_group_tests_name("api-certs-server-keygen", server,
						setup_server_keygen, testapi_teardown);
}
