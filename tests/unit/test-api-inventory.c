/* test-api-inventory.c: owners, issuers and targets through api_handle, with sealed configs */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tests/unit/testapi.h"
#include "libcc/db.h"
#include "libcc/mem.h"
#include "libcc/secretbox.h"
#include "libcc/time.h"

#define KEY "inventory-test-passphrase"

static void fixtures(struct testapi *t)
{
	char ts[CC_TIME_BUFSZ], old[CC_TIME_BUFSZ], sql[1024];
	int64_t now = cc_time_now();

	testapi_sql(
		t,
		"INSERT INTO teams (id, name) VALUES ('t1', 'team');"
		"INSERT INTO owners (id, name, email, team_id) VALUES ('o1', 'o', 'o@x.io', 't1');"
		"INSERT INTO renewal_policies (id, name, renewal_window_days) VALUES "
		"('rp', 'rp', 30);"
		"INSERT INTO issuers (id, name, type) VALUES ('i1', 'iss', 'GenericCA');"
		"INSERT INTO managed_certificates (id, name, common_name, owner_id, team_id,"
		" issuer_id, renewal_policy_id) VALUES ('c1', 'c1', 'c1.test', 'o1', 't1',"
		" 'i1', 'rp')");
	snprintf(sql, sizeof(sql),
		 "INSERT INTO agents (id, name, hostname, api_key_hash, status, last_heartbeat_at)"
		 " VALUES ('a-on', 'a1', 'h', 'x', 'Online', '%s'),"
		 " ('a-off', 'a2', 'h', 'x', 'Offline', '%s'),"
		 " ('a-stale', 'a3', 'h', 'x', 'Online', '%s')",
		 cc_time_format_db(now, ts), ts,
		 cc_time_format_db(now - 600 * CC_USEC_PER_SEC, old));
	testapi_sql(t, sql);
}

static int setup_key(void **state)
{
	static const char *const env[] = { "CERTCTL_CONFIG_ENCRYPTION_KEY=" KEY, NULL };
	return testapi_setup_env(state, env);
}

static int reset(void **state)
{
	testapi_reset(state);
	fixtures(TAPI(state));
	return 0;
}

/* the stored (full) config of a row, opened with passphrase (new ref) */
static json_t *stored_config(struct testapi *t, const char *table, const char *id,
			     const char *passphrase)
{
	struct cc_err err = CC_ERR_INIT;
	struct cc_dbc *c = cc_db_get(t->app.db, &err);
	struct cc_dbres r = CC_DBRES_INIT;
	char *sql = cc_xasprintf("SELECT encrypted_config FROM %s WHERE id = $1", table);
	struct cc_bytes b = { NULL, 0 };
	json_t *j = NULL;

	if (!c || cc_db_exec(c, sql, CC_DB_ARGS(CC_DB_TEXT(id)), &r, &err) < 0 || !r.nrows)
		fail_msg("no stored config for %s: %s", id, err.msg);
	b.p = (unsigned char *)r.cells[0];
	b.n = r.lens[0];
	if (cc_secretbox_open_json(passphrase, &b, &j, &err) < 0)
		fail_msg("cannot open the stored config of %s: %s", id, err.msg);
	cc_dbres_release(&r);
	cc_db_put(t->app.db, c);
	free(sql);
	return j;
}

static const char *cfg_str(json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));
	return s ? s : "";
}

static void assert_keys(struct testapi *t, const char *const *keys)
{
	for (size_t i = 0; keys[i]; i++)
		if (!json_object_get(t->json, keys[i]))
			fail_msg("key %s missing: %s", keys[i], t->body);
}

/* ---- owners ---- */

static void test_api_inventory__owners_crud(void **state)
{
	static const char *const keys[] = { "id",	  "name",	"email", "team_id",
					    "created_at", "updated_at", NULL };
	struct testapi *t = TAPI(state);

	assert_status(t, "POST", "/api/v1/owners",
		      "{\"id\":\"o2\",\"name\":\"Ann\",\"email\":\"ann@example.com\","
		      "\"team_id\":\"t1\"}",
		      201);
	assert_keys(t, keys);
	assert_string_equal(testapi_str(t, "email"), "ann@example.com");
	assert_status(t, "POST", "/api/v1/owners",
		      "{\"name\":\"Bob\",\"email\":\"bob@example.com\",\"team_id\":\"t1\"}", 201);
	assert_non_null(strstr(testapi_str(t, "id"), "owner-"));
	assert_status(t, "GET", "/api/v1/owners/o2", NULL, 200);
	assert_string_equal(testapi_str(t, "name"), "Ann");
	assert_status(t, "GET", "/api/v1/owners?team_id=t1", NULL, 200);
	assert_int_equal(json_integer_value(json_object_get(t->json, "total")), 3);
	assert_status(t, "PUT", "/api/v1/owners/o2", "{\"email\":\"ann@corp.example\"}", 200);
	assert_string_equal(testapi_str(t, "email"), "ann@corp.example");
	assert_string_equal(testapi_str(t, "name"), "Ann");
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM owners WHERE id = 'o2' AND "
					  "email = 'ann@corp.example'"),
			 1);
	assert_status(t, "DELETE", "/api/v1/owners/o2", NULL, 204);
	assert_status(t, "GET", "/api/v1/owners/o2", NULL, 404);
}

static void test_api_inventory__owners_errors(void **state)
{
	struct testapi *t = TAPI(state);

	assert_int_equal(testapi_call(t, "GET", "/api/v1/owners", NULL, ""), 401);
	assert_int_equal(testapi_call(t, "POST", "/api/v1/owners", "{}", ""), 401);
	assert_status(t, "POST", "/api/v1/owners", "{\"name\":", 400);
	assert_status(t, "POST", "/api/v1/owners", "{\"email\":\"a@b.c\",\"team_id\":\"t1\"}", 400);
	assert_string_equal(testapi_str(t, "message"), "name is required");
	/* no e-mail, as v2.1 allows: the owner's notifications go to its id */
	assert_status(t, "POST", "/api/v1/owners",
		      "{\"id\":\"o-nomail\",\"name\":\"a\",\"team_id\":\"t1\"}", 201);
	assert_status(t, "GET", "/api/v1/owners/o-nomail", NULL, 200);
	assert_string_equal(testapi_str(t, "team_id"), "t1");
	assert_status(t, "POST", "/api/v1/owners",
		      "{\"name\":\"a\",\"email\":\"not-an-address\",\"team_id\":\"t1\"}", 400);
	assert_non_null(strstr(testapi_str(t, "message"), "invalid email format"));
	assert_status(t, "POST", "/api/v1/owners", "{\"name\":\"a\",\"email\":\"a@b.c\"}", 400);
	assert_string_equal(testapi_str(t, "message"), "team_id is required");
	assert_status(t, "POST", "/api/v1/owners",
		      "{\"name\":\"a\",\"email\":\"a@b.c\",\"team_id\":\"nope\"}", 400);
	assert_string_equal(testapi_str(t, "message"), "team_id 'nope' does not exist");
	assert_status(t, "POST", "/api/v1/owners",
		      "{\"name\":5,\"email\":\"a@b.c\",\"team_id\":\"t1\"}", 400);
	assert_status(t, "POST", "/api/v1/owners",
		      "{\"name\":\"a\",\"email\":\"a@b.c\",\"team_id\":\"t1\",\"x\":1}", 400);
	assert_status(t, "PUT", "/api/v1/owners/o1", "{\"team_id\":\"nope\"}", 400);
	assert_status(t, "PUT", "/api/v1/owners/o9", "{\"name\":\"n\"}", 404);
	assert_status(t, "GET", "/api/v1/owners/o9", NULL, 404);
	assert_status(t, "DELETE", "/api/v1/owners/o9", NULL, 404);
	/* c1 belongs to o1 */
	assert_status(t, "DELETE", "/api/v1/owners/o1", NULL, 409);
	assert_string_equal(testapi_str(t, "message"),
			    "Cannot delete owner: certificates are still assigned to this owner");
	/* o1, and o-nomail stored with an empty address */
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM owners"), 2);
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM owners WHERE id = 'o-nomail' AND "
					  "email = ''"),
			 1);
}

/* ---- issuers ---- */

static void test_api_inventory__issuers_create_seals_config(void **state)
{
	static const char *const keys[] = { "id",	  "name",	 "type",   "config",
					    "enabled",	  "test_status", "source", "created_at",
					    "updated_at", NULL };
	struct testapi *t = TAPI(state);
	json_t *full;

	assert_status(t, "POST", "/api/v1/issuers",
		      "{\"id\":\"i2\",\"name\":\"acme\",\"type\":\"acme\",\"config\":"
		      "{\"directory_url\":\"https://acme.test\",\"eab_hmac\":\"hunter2\"}}",
		      201);
	assert_keys(t, keys);
	assert_null(json_object_get(t->json, "encrypted_config"));
	assert_string_equal(testapi_str(t, "type"), "ACME");
	assert_string_equal(testapi_str(t, "test_status"), "untested");
	assert_string_equal(testapi_str(t, "source"), "database");
	assert_true(json_is_true(json_object_get(t->json, "enabled")));
	assert_string_equal(cfg_str(json_object_get(t->json, "config"), "eab_hmac"), "********");
	assert_string_equal(cfg_str(json_object_get(t->json, "config"), "directory_url"),
			    "https://acme.test");
	/* at rest: redacted copy in config, sealed full copy in encrypted_config */
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM issuers WHERE id = 'i2' AND "
					  "config LIKE '%********%' AND config NOT LIKE "
					  "'%hunter2%' AND instr(encrypted_config, "
					  "CAST('hunter2' AS BLOB)) = 0"),
			 1);
	full = stored_config(t, "issuers", "i2", KEY);
	assert_string_equal(cfg_str(full, "eab_hmac"), "hunter2");
	json_decref(full);
	/* aliases */
	assert_status(t, "POST", "/api/v1/issuers", "{\"name\":\"l\",\"type\":\"local_ca\"}", 201);
	assert_string_equal(testapi_str(t, "type"), "GenericCA");
	assert_non_null(strstr(testapi_str(t, "id"), "issuer-"));
	assert_status(t, "POST", "/api/v1/issuers",
		      "{\"name\":\"v\",\"type\":\"VAULTPKI\",\"enabled\":false}", 201);
	assert_string_equal(testapi_str(t, "type"), "VaultPKI");
	assert_true(json_is_false(json_object_get(t->json, "enabled")));
	assert_status(t, "GET", "/api/v1/issuers?type=VaultPKI", NULL, 200);
	assert_int_equal(json_integer_value(json_object_get(t->json, "total")), 1);
	assert_status(t, "GET", "/api/v1/issuers/i2", NULL, 200);
	assert_string_equal(cfg_str(json_object_get(t->json, "config"), "eab_hmac"), "********");
}

static void test_api_inventory__issuers_errors(void **state)
{
	struct testapi *t = TAPI(state);

	assert_int_equal(testapi_call(t, "GET", "/api/v1/issuers", NULL, ""), 401);
	assert_int_equal(testapi_call(t, "POST", "/api/v1/issuers/i1/test", NULL, ""), 401);
	assert_status(t, "POST", "/api/v1/issuers", "nope", 400);
	assert_status(t, "POST", "/api/v1/issuers", "{\"type\":\"ACME\"}", 400);
	assert_string_equal(testapi_str(t, "message"), "name is required");
	assert_status(t, "POST", "/api/v1/issuers", "{\"name\":\"x\"}", 400);
	assert_string_equal(testapi_str(t, "message"), "type is required");
	assert_status(t, "POST", "/api/v1/issuers", "{\"name\":\"x\",\"type\":\"Foo\"}", 400);
	assert_string_equal(testapi_str(t, "message"), "unsupported issuer type: Foo");
	assert_status(t, "POST", "/api/v1/issuers",
		      "{\"name\":\"x\",\"type\":\"ACME\",\"config\":[1]}", 400);
	assert_string_equal(testapi_str(t, "message"), "config must be a JSON object");
	assert_status(t, "POST", "/api/v1/issuers",
		      "{\"name\":\"x\",\"type\":\"ACME\",\"enabled\":\"yes\"}", 400);
	assert_status(t, "POST", "/api/v1/issuers",
		      "{\"name\":\"x\",\"type\":\"ACME\",\"bogus\":1}", 400);
	/* a placeholder without a stored value is refused, not stored */
	assert_status(t, "POST", "/api/v1/issuers",
		      "{\"name\":\"x\",\"type\":\"ACME\",\"config\":{\"token\":\"********\"}}",
		      400);
	assert_status(t, "POST", "/api/v1/issuers", "{\"name\":\"iss\",\"type\":\"ACME\"}", 409);
	assert_status(t, "POST", "/api/v1/issuers",
		      "{\"id\":\"i1\",\"name\":\"other\",\"type\":\"ACME\"}", 409);
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM issuers"), 1);
	assert_status(t, "GET", "/api/v1/issuers/i9", NULL, 404);
	assert_status(t, "PUT", "/api/v1/issuers/i9", "{\"name\":\"n\"}", 404);
	assert_status(t, "PUT", "/api/v1/issuers/i1", "{\"type\":\"Nope\"}", 400);
	assert_status(t, "PUT", "/api/v1/issuers/i1", "{\"id\":\"i2\"}", 400);
	assert_status(t, "DELETE", "/api/v1/issuers/i9", NULL, 404);
	assert_status(t, "POST", "/api/v1/issuers/i9/test", NULL, 404);
	/* c1 uses i1 */
	assert_status(t, "DELETE", "/api/v1/issuers/i1", NULL, 409);
	assert_string_equal(testapi_str(t, "message"),
			    "Cannot delete issuer: certificates are still using this issuer");
}

static void test_api_inventory__issuers_update_keeps_secrets(void **state)
{
	struct testapi *t = TAPI(state);
	json_t *full;

	assert_status(t, "POST", "/api/v1/issuers",
		      "{\"id\":\"i2\",\"name\":\"v\",\"type\":\"VaultPKI\",\"config\":"
		      "{\"addr\":\"https://v\",\"token\":\"s.abc\",\"mount\":\"pki\"}}",
		      201);
	/* the GUI echoes the redacted config with one change */
	assert_status(t, "PUT", "/api/v1/issuers/i2",
		      "{\"name\":\"vault\",\"type\":\"vaultpki\",\"config\":{\"addr\":"
		      "\"https://v2\",\"token\":\"********\",\"mount\":\"pki\"}}",
		      200);
	assert_string_equal(testapi_str(t, "name"), "vault");
	assert_string_equal(testapi_str(t, "type"), "VaultPKI");
	assert_string_equal(cfg_str(json_object_get(t->json, "config"), "token"), "********");
	full = stored_config(t, "issuers", "i2", KEY);
	assert_string_equal(cfg_str(full, "token"), "s.abc");
	assert_string_equal(cfg_str(full, "addr"), "https://v2");
	json_decref(full);
	/* a PUT without config leaves it alone; enabled is merged, not reset */
	assert_status(t, "PUT", "/api/v1/issuers/i2", "{\"enabled\":false}", 200);
	assert_true(json_is_false(json_object_get(t->json, "enabled")));
	assert_string_equal(testapi_str(t, "name"), "vault");
	full = stored_config(t, "issuers", "i2", KEY);
	assert_string_equal(cfg_str(full, "token"), "s.abc");
	json_decref(full);
	/* a new secret replaces the old one */
	assert_status(t, "PUT", "/api/v1/issuers/i2", "{\"config\":{\"token\":\"s.new\"}}", 200);
	full = stored_config(t, "issuers", "i2", KEY);
	assert_string_equal(cfg_str(full, "token"), "s.new");
	assert_null(json_object_get(full, "addr"));
	json_decref(full);
	assert_status(t, "DELETE", "/api/v1/issuers/i2", NULL, 204);
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM issuers WHERE id = 'i2'"), 0);
}

static void test_api_inventory__issuers_test(void **state)
{
	struct testapi *t = TAPI(state);

	assert_status(t, "POST", "/api/v1/issuers",
		      "{\"id\":\"i2\",\"name\":\"s\",\"type\":\"StepCA\",\"config\":{\"a\":1}}",
		      201);
	assert_status(t, "POST", "/api/v1/issuers/i2/test", NULL, 200);
	assert_string_equal(testapi_str(t, "status"), "connection_successful");
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM issuers WHERE id = 'i2' AND "
					  "test_status = 'success' AND last_tested_at IS NOT NULL"),
			 1);
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM audit_events WHERE action = "
					  "'issuer_test_connection_success' AND resource_id = "
					  "'i2' AND details LIKE '%\"issuer_type\":\"StepCA\"%'"),
			 1);
	/* a damaged sealed config fails the test */
	testapi_sql(t, "UPDATE issuers SET encrypted_config = X'00112233445566778899aabbccddeeff"
		       "00112233445566778899aabbccddeeff' WHERE id = 'i2'");
	assert_status(t, "POST", "/api/v1/issuers/i2/test", NULL, 422);
	assert_non_null(strstr(testapi_str(t, "message"), "Connection test failed"));
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM issuers WHERE id = 'i2' AND "
					  "test_status = 'failed'"),
			 1);
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM audit_events WHERE action = "
					  "'issuer_test_connection_failed'"),
			 1);
	/* ...and an update echoing "********" cannot restore from it: 422, nothing written */
	assert_status(t, "PUT", "/api/v1/issuers/i2",
		      "{\"name\":\"renamed\",\"config\":{\"token\":\"********\"}}", 422);
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM issuers WHERE name = 's'"), 1);
	/* a seeded issuer without any stored config passes */
	assert_status(t, "POST", "/api/v1/issuers/i1/test", NULL, 200);
	/* a complete new config repairs it */
	assert_status(t, "PUT", "/api/v1/issuers/i2", "{\"config\":{\"token\":\"t2\"}}", 200);
	assert_status(t, "POST", "/api/v1/issuers/i2/test", NULL, 200);
}

/* ---- targets ---- */

static void test_api_inventory__targets_crud(void **state)
{
	static const char *const keys[] = { "id",	  "name",	"type",	       "agent_id",
					    "config",	  "enabled",	"test_status", "source",
					    "created_at", "updated_at", NULL };
	struct testapi *t = TAPI(state);
	json_t *full;

	assert_status(t, "POST", "/api/v1/targets",
		      "{\"id\":\"tg1\",\"name\":\"web\",\"type\":\"NGINX\",\"agent_id\":\"a-on\","
		      "\"config\":{\"cert_path\":\"/etc/c.pem\",\"key_password\":\"pw\"}}",
		      201);
	assert_keys(t, keys);
	assert_null(json_object_get(t->json, "encrypted_config"));
	assert_true(json_is_true(json_object_get(t->json, "enabled")));
	assert_string_equal(cfg_str(json_object_get(t->json, "config"), "key_password"),
			    "********");
	full = stored_config(t, "deployment_targets", "tg1", KEY);
	assert_string_equal(cfg_str(full, "key_password"), "pw");
	json_decref(full);
	/* an empty id is none, as in v2.1: the server names the target */
	assert_status(t, "POST", "/api/v1/targets",
		      "{\"id\":\"\",\"name\":\"mail\",\"type\":\"Postfix\",\"agent_id\":\"a-off\"}",
		      201);
	assert_non_null(strstr(testapi_str(t, "id"), "target-"));
	assert_status(t, "GET", "/api/v1/targets?agent_id=a-on", NULL, 200);
	assert_int_equal(json_integer_value(json_object_get(t->json, "total")), 1);
	assert_status(t, "GET", "/api/v1/targets?type=Postfix", NULL, 200);
	assert_int_equal(json_integer_value(json_object_get(t->json, "total")), 1);
	assert_status(t, "GET", "/api/v1/targets?enabled=true", NULL, 200);
	assert_int_equal(json_integer_value(json_object_get(t->json, "total")), 2);
	assert_status(t, "PUT", "/api/v1/targets/tg1",
		      "{\"id\":\"\",\"enabled\":false,\"config\":{\"cert_path\":\"/x.pem\","
		      "\"key_password\":\"********\"}}",
		      200);
	assert_true(json_is_false(json_object_get(t->json, "enabled")));
	assert_string_equal(testapi_str(t, "name"), "web");
	full = stored_config(t, "deployment_targets", "tg1", KEY);
	assert_string_equal(cfg_str(full, "key_password"), "pw");
	assert_string_equal(cfg_str(full, "cert_path"), "/x.pem");
	json_decref(full);
	assert_status(t, "GET", "/api/v1/targets?enabled=false", NULL, 200);
	assert_int_equal(json_integer_value(json_object_get(t->json, "total")), 1);
	assert_status(t, "DELETE", "/api/v1/targets/tg1", NULL, 204);
	assert_status(t, "GET", "/api/v1/targets/tg1", NULL, 404);
}

static void test_api_inventory__targets_errors(void **state)
{
	struct testapi *t = TAPI(state);

	assert_int_equal(testapi_call(t, "GET", "/api/v1/targets", NULL, ""), 401);
	assert_int_equal(testapi_call(t, "POST", "/api/v1/targets/x/test", NULL, ""), 401);
	assert_status(t, "POST", "/api/v1/targets", "{", 400);
	assert_status(t, "POST", "/api/v1/targets", "{\"type\":\"NGINX\",\"agent_id\":\"a-on\"}",
		      400);
	assert_string_equal(testapi_str(t, "message"), "name is required");
	assert_status(t, "POST", "/api/v1/targets", "{\"name\":\"w\",\"agent_id\":\"a-on\"}", 400);
	assert_string_equal(testapi_str(t, "message"), "type is required");
	assert_status(t, "POST", "/api/v1/targets",
		      "{\"name\":\"w\",\"type\":\"nginx\",\"agent_id\":\"a-on\"}", 400);
	assert_non_null(strstr(testapi_str(t, "message"), "unsupported target type: nginx"));
	assert_status(t, "POST", "/api/v1/targets", "{\"name\":\"w\",\"type\":\"NGINX\"}", 400);
	assert_string_equal(testapi_str(t, "message"), "agent_id is required");
	assert_status(t, "POST", "/api/v1/targets",
		      "{\"name\":\"w\",\"type\":\"NGINX\",\"agent_id\":\"ghost\"}", 400);
	assert_string_equal(testapi_str(t, "message"), "agent_id 'ghost' does not exist");
	assert_status(t, "POST", "/api/v1/targets",
		      "{\"name\":\"w\",\"type\":\"NGINX\",\"agent_id\":\"a-on\",\"config\":\"x\"}",
		      400);
	assert_status(t, "POST", "/api/v1/targets",
		      "{\"name\":\"w\",\"type\":\"NGINX\",\"agent_id\":\"a-on\",\"extra\":1}", 400);
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM deployment_targets"), 0);
	assert_status(t, "POST", "/api/v1/targets",
		      "{\"name\":\"w\",\"type\":\"NGINX\",\"agent_id\":\"a-on\"}", 201);
	assert_status(t, "POST", "/api/v1/targets",
		      "{\"name\":\"w\",\"type\":\"Caddy\",\"agent_id\":\"a-on\"}", 409);
	assert_status(t, "GET", "/api/v1/targets/nope", NULL, 404);
	assert_status(t, "PUT", "/api/v1/targets/nope", "{\"name\":\"n\"}", 404);
	assert_status(t, "DELETE", "/api/v1/targets/nope", NULL, 404);
	assert_status(t, "POST", "/api/v1/targets/nope/test", NULL, 404);
}

static void target_test(struct testapi *t, const char *agent, const char *status,
			const char *msg_part)
{
	char body[256];

	testapi_sql(t, "DELETE FROM deployment_targets");
	snprintf(body, sizeof(body),
		 "{\"id\":\"tg\",\"name\":\"w\",\"type\":\"IIS\",\"agent_id\":\"%s\"}", agent);
	assert_status(t, "POST", "/api/v1/targets", body, 201);
	assert_status(t, "POST", "/api/v1/targets/tg/test", NULL, 200);
	if (strcmp(testapi_str(t, "status"), status))
		fail_msg("%s: %s", agent, t->body);
	if (!strstr(testapi_str(t, "message"), msg_part))
		fail_msg("message %s lacks %s", testapi_str(t, "message"), msg_part);
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM deployment_targets WHERE "
					  "last_tested_at IS NOT NULL AND test_status IN "
					  "('success', 'failed')"),
			 1);
}

static void test_api_inventory__targets_test(void **state)
{
	struct testapi *t = TAPI(state);

	target_test(t, "a-on", "success", "Agent is online and reachable");
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM audit_events WHERE action = "
					  "'target_test_connection_success' AND details LIKE "
					  "'%\"agent_id\":\"a-on\"%'"),
			 1);
	target_test(t, "a-off", "failed", "Offline");
	target_test(t, "a-stale", "failed", "stale");
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM audit_events WHERE action = "
					  "'target_test_connection_failed'"),
			 2);
}

/* without CERTCTL_CONFIG_ENCRYPTION_KEY configs are stored as JSON text */
static void test_api_inventory__plaintext_configs(void **state)
{
	struct testapi *t = TAPI(state);
	json_t *full;

	assert_status(t, "POST", "/api/v1/issuers",
		      "{\"id\":\"i2\",\"name\":\"d\",\"type\":\"digicert\",\"config\":"
		      "{\"api_key\":\"k\",\"org\":\"1\"}}",
		      201);
	assert_string_equal(cfg_str(json_object_get(t->json, "config"), "api_key"), "********");
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM issuers WHERE id = 'i2' AND "
					  "CAST(encrypted_config AS TEXT) = "
					  "'{\"api_key\":\"k\",\"org\":\"1\"}'"),
			 1);
	assert_status(t, "PUT", "/api/v1/issuers/i2",
		      "{\"config\":{\"api_key\":\"********\",\"org\":\"2\"}}", 200);
	full = stored_config(t, "issuers", "i2", NULL);
	assert_string_equal(cfg_str(full, "api_key"), "k");
	assert_string_equal(cfg_str(full, "org"), "2");
	json_decref(full);
	assert_status(t, "POST", "/api/v1/issuers/i2/test", NULL, 200);
}

#define T(name) cmocka_unit_test_setup(test_api_inventory__##name, reset)

int main(void)
{
	const struct CMUnitTest sealed[] = {
		T(owners_crud),
		T(owners_errors),
		T(issuers_create_seals_config),
		T(issuers_errors),
		T(issuers_update_keeps_secrets),
		T(issuers_test),
		T(targets_crud),
		T(targets_errors),
		T(targets_test),
	};
	const struct CMUnitTest plain[] = {
		T(plaintext_configs),
	};
	int rc = cmocka_run_group_tests_name("api-inventory", sealed, setup_key, testapi_teardown);

	return rc | cmocka_run_group_tests_name("api-inventory-plain", plain, testapi_setup,
						testapi_teardown);
}
