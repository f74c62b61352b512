/* test-api-crypto-policy.c: a profile's allowed_key_algorithms refuse a forbidden key on
 * every issuance path — server keygen jobs, agent CSRs for a waiting job, ad-hoc agent
 * CSRs — before the issuer is reached, with a message naming the rule; the profile's
 * max TTL caps what an agent's CSR gets; the owner hears of it (by id when it has no
 * e-mail). On SQLite and PostgreSQL */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "tests/unit/testapi.h"
#include "daemon/job-processor.h"
#include "libcc/csr.h"
#include "libcc/mem.h"
#include "libcc/time.h"
#include "libcc/x509.h"

/* i-gate is only ever refused: its Local CA directory must never appear */
static void fixtures(struct testapi *t)
{
	testapi_sql(
		t,
		"INSERT INTO teams (id, name) VALUES ('t1', 'team');"
		"INSERT INTO owners (id, name, email, team_id) VALUES ('o1', 'o', 'o@x.io', 't1'), "
		"('o2', 'no mail', '', 't1');"
		"INSERT INTO renewal_policies (id, name, renewal_window_days) VALUES "
		"('rp', 'rp', 30);"
		"INSERT INTO issuers (id, name, type) VALUES ('i1', 'Local', 'GenericCA'), "
		"('i-gate', 'Gate', 'GenericCA');"
		"INSERT INTO certificate_profiles (id, name, allowed_key_algorithms, "
		"max_ttl_seconds, allowed_ekus) VALUES "
		"('p-rsa', 'rsa', '[{\"algorithm\":\"RSA\",\"min_size\":3072}]', 0, "
		"'[\"serverAuth\"]'), "
		"('p-strong', 'strong', '[{\"algorithm\":\"RSA\",\"min_size\":4096},"
		"{\"algorithm\":\"ECDSA\",\"min_size\":384}]', 0, '[\"serverAuth\"]'), "
		"('p-p521', 'p521', '[{\"algorithm\":\"ECDSA\",\"min_size\":521}]', 0, "
		"'[\"serverAuth\"]'), "
		"('p-hour', 'hour', '[{\"algorithm\":\"ECDSA\",\"min_size\":256}]', 3600, "
		"'[\"serverAuth\"]');"
		"INSERT INTO agents (id, name, hostname, api_key_hash, status) VALUES "
		"('a1', 'a1', 'h', 'x', 'Online');"
		"INSERT INTO deployment_targets (id, name, type, agent_id, config) VALUES "
		"('tg1', 'n1', 'NGINX', 'a1', '{}')");
}

static int reset(void **state)
{
	testapi_reset(state);
	fixtures(TAPI(state));
	return 0;
}

static const char *const server_env[] = { "CERTCTL_KEYGEN_MODE=server", NULL };

static int setup_server(void **state)
{
	return testapi_setup_env(state, server_env);
}

static int setup_server_pg(void **state)
{
	return testapi_setup_pg_env(state, server_env);
}

/* a certificate of issuer, owner and profile (NULL: none), mapped to tg1; its id (static
 * buffer) */
static const char *create_cert(struct testapi *t, const char *issuer, const char *owner,
			       const char *profile)
{
	static char id[96];
	static int n;
	char *prof = profile ? cc_xasprintf(",\"certificate_profile_id\":\"%s\"", profile)
			     : cc_xstrdup("");
	char *body = cc_xasprintf("{\"name\":\"web-%d\",\"common_name\":\"www.example.com\","
				  "\"sans\":[\"www.example.com\"],\"owner_id\":\"%s\","
				  "\"team_id\":\"t1\",\"issuer_id\":\"%s\",\"renewal_policy_id\":"
				  "\"rp\",\"target_ids\":[\"tg1\"]%s}",
				  ++n, owner, issuer, prof);

	assert_status(t, "POST", "/api/v1/certificates", body, 201);
	free(body);
	free(prof);
	snprintf(id, sizeof(id), "%s", testapi_str(t, "id"));
	return id;
}

static void renew(struct testapi *t, const char *id)
{
	assert_int_equal(testapi_callf(t, "POST", NULL, "/api/v1/certificates/%s/renew", id), 202);
}

static void tick(struct testapi *t, int want)
{
	struct cc_err err = CC_ERR_INIT;
	int n = api_job_processor_tick(&t->app, cc_time_now(), &err);

	if (n != want)
		fail_msg("tick handled %d jobs, want %d (%s)", n, want, err.msg);
}

/* notifications about cert_id to recipient (any type when type is NULL) whose message
 * holds like (NULL: any message) */
static long long notices(struct testapi *t, const char *cert_id, const char *type,
			 const char *recipient, const char *like)
{
	return testapi_countf(
		t,
		"SELECT COUNT(*) FROM notification_events WHERE certificate_id = "
		"'%s' AND type LIKE '%s' AND recipient = '%s' AND COALESCE(message, '') LIKE "
		"'%%%s%%'",
		cert_id, type ? type : "%", recipient, like ? like : "");
}

/* POST /agents/a1/csr with a fresh key of type for cert_id; the status */
static int submit(struct testapi *t, const char *type, const char *cert_id)
{
	struct cc_err err = CC_ERR_INIT;
	char *key = NULL, *csr = NULL, *body;
	json_t *b;
	int st;

	if (cc_csr_generate(type, "www.example.com", NULL, 0, &key, &csr, &err) < 0)
		fail_msg("csr: %s", err.msg);
	b = json_pack("{s:s, s:s}", "csr_pem", csr, "certificate_id", cert_id);
	body = json_dumps(b, JSON_COMPACT);
	st = testapi_call(t, "POST", "/api/v1/agents/a1/csr", body, NULL);
	json_decref(b);
	free(body);
	free(key);
	free(csr);
	return st;
}

/* the last response was a 400 whose message holds want */
static void assert_refused(struct testapi *t, int st, const char *want)
{
	const char *msg = testapi_str(t, "message");

	if (st != 400)
		fail_msg("status %d, want 400: %s", st, t->body);
	if (!strstr(msg, want))
		fail_msg("message '%s' lacks '%s'", msg, want);
}

static long long versions(struct testapi *t, const char *id)
{
	return testapi_countf(
		t, "SELECT COUNT(*) FROM certificate_versions WHERE certificate_id = '%s'", id);
}

/* nothing was ever signed by (or even asked of) issuer i-gate */
static void assert_gate_untouched(struct testapi *t)
{
	char *dir = cc_xasprintf("%s/ca/i-gate", t->app.data_dir);

	if (access(dir, F_OK) == 0)
		fail_msg("%s exists: the refused request reached the issuer", dir);
	free(dir);
}

/* notAfter - notBefore of the certificate's newest version, in seconds */
static int64_t lifetime_s(struct testapi *t, const char *id)
{
	struct cc_err err = CC_ERR_INIT;
	struct cc_cert_info ci = { 0 };
	const char *pem;
	int64_t s;

	assert_int_equal(testapi_callf(t, "GET", NULL, "/api/v1/certificates/%s/versions", id),
			 200);
	pem = json_string_value(
		json_object_get(json_array_get(json_object_get(t->json, "data"), 0), "pem_chain"));
	assert_non_null(pem);
	if (cc_cert_info_from_pem(pem, strlen(pem), &ci, &err) < 0)
		fail_msg("version of %s: %s", id, err.msg);
	s = (ci.not_after - ci.not_before) / CC_USEC_PER_SEC;
	cc_cert_info_release(&ci);
	return s;
}

/* ---- agent keygen ---- */

static void test_api_crypto_policy__agent_csr_for_a_waiting_job_is_refused(void **state)
{
	struct testapi *t = TAPI(state);
	const char *id = create_cert(t, "i-gate", "o2", "p-rsa");

	renew(t, id);
	assert_refused(t, submit(t, "ECDSA-P256", id),
		       "the request's ECDSA-256 key is not allowed by profile 'p-rsa': "
		       "allowed_key_algorithms permits RSA >= 3072");
	/* the job ends Failed for good with the reason, the owner (no e-mail: its id) hears */
	assert_int_equal(testapi_countf(t,
					"SELECT COUNT(*) FROM jobs WHERE certificate_id = '%s' AND "
					"status = 'Failed' AND last_error LIKE "
					"'%%allowed_key_algorithms permits RSA >= 3072%%'",
					id),
			 1);
	assert_int_equal(notices(t, id, "RenewalFailure", "o2", "allowed_key_algorithms"), 1);
	assert_int_equal(versions(t, id), 0);
	assert_gate_untouched(t);
}

static void test_api_crypto_policy__ad_hoc_agent_csr_is_refused(void **state)
{
	struct testapi *t = TAPI(state);
	char gated[96];
	const char *ok;

	snprintf(gated, sizeof(gated), "%s", create_cert(t, "i-gate", "o1", "p-strong"));
	/* too small a curve, and an algorithm the profile does not list */
	assert_refused(t, submit(t, "ECDSA-P256", gated),
		       "the request's ECDSA-256 key is not allowed by profile 'p-strong': "
		       "allowed_key_algorithms permits RSA >= 4096, ECDSA >= 384");
	assert_refused(t, submit(t, "Ed25519", gated),
		       "the request's Ed25519-256 key is not allowed by profile 'p-strong'");
	assert_int_equal(versions(t, gated), 0);
	assert_int_equal(
		testapi_countf(t, "SELECT COUNT(*) FROM jobs WHERE certificate_id = '%s'", gated),
		0);
	assert_gate_untouched(t);
	/* the key the profile allows is signed */
	ok = create_cert(t, "i1", "o1", "p-strong");
	assert_int_equal(submit(t, "ECDSA-P384", ok), 202);
	assert_int_equal(versions(t, ok), 1);
}

static void test_api_crypto_policy__agent_csr_gets_the_max_ttl(void **state)
{
	struct testapi *t = TAPI(state);
	char capped[96];
	const char *free_id;

	snprintf(capped, sizeof(capped), "%s", create_cert(t, "i1", "o2", "p-hour"));
	/* the CSR for a waiting renewal job, then an ad-hoc one: each capped at an hour */
	renew(t, capped);
	assert_int_equal(submit(t, "ECDSA-P256", capped), 202);
	assert_int_equal(testapi_countf(t,
					"SELECT COUNT(*) FROM jobs WHERE certificate_id = '%s' AND "
					"type = 'Issuance' AND status = 'Completed'",
					capped),
			 1);
	assert_in_range(lifetime_s(t, capped), 1, 3600);
	assert_int_equal(submit(t, "ECDSA-P256", capped), 202);
	assert_int_equal(versions(t, capped), 2);
	assert_in_range(lifetime_s(t, capped), 1, 3600);
	/* success is told to the owner, by id for want of an e-mail */
	assert_int_equal(notices(t, capped, "RenewalSuccess", "o2", NULL), 2);
	/* without the profile the issuer's own validity applies: the cap was the profile's */
	free_id = create_cert(t, "i1", "o1", NULL);
	assert_int_equal(submit(t, "ECDSA-P256", free_id), 202);
	assert_true(lifetime_s(t, free_id) > 86400);
	assert_int_equal(notices(t, free_id, NULL, "o@x.io", NULL), 1);
}

/* ---- server keygen ---- */

/* the server makes at most a P-384 key: a profile that wants P-521 refuses it */
static void test_api_crypto_policy__server_keygen_job_is_refused(void **state)
{
	struct testapi *t = TAPI(state);
	char gated[96];
	const char *ok;

	snprintf(gated, sizeof(gated), "%s", create_cert(t, "i-gate", "o2", "p-p521"));
	renew(t, gated);
	tick(t, 1);
	/* refused is final: Failed at the first attempt, no retry */
	assert_int_equal(
		testapi_countf(t,
			       "SELECT COUNT(*) FROM jobs WHERE certificate_id = '%s' AND "
			       "status = 'Failed' AND attempts = 1 AND last_error LIKE "
			       "'%%the request''s ECDSA-384 key is not allowed by profile "
			       "''p-p521'': allowed_key_algorithms permits ECDSA >= 521%%'",
			       gated),
		1);
	assert_int_equal(notices(t, gated, "RenewalFailure", "o2", "allowed_key_algorithms"), 1);
	assert_int_equal(versions(t, gated), 0);
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM server_keys"), 0);
	assert_gate_untouched(t);
	/* a profile the server's key satisfies: signed, and capped */
	ok = create_cert(t, "i1", "o1", "p-hour");
	renew(t, ok);
	tick(t, 1);
	assert_int_equal(versions(t, ok), 1);
	assert_in_range(lifetime_s(t, ok), 1, 3600);
}

int main(void)
{
	const struct CMUnitTest agent_mode[] = {
		cmocka_unit_test_setup(
			test_api_crypto_policy__agent_csr_for_a_waiting_job_is_refused, reset),
		cmocka_unit_test_setup(test_api_crypto_policy__ad_hoc_agent_csr_is_refused, reset),
		cmocka_unit_test_setup(test_api_crypto_policy__agent_csr_gets_the_max_ttl, reset),
	};
	const struct CMUnitTest server_mode[] = {
		cmocka_unit_test_setup(test_api_crypto_policy__server_keygen_job_is_refused, reset),
	};

	return TESTAPI_RUN("api-crypto-policy agent keygen", agent_mode, testapi_setup,
			   testapi_setup_pg) +
	       TESTAPI_RUN("api-crypto-policy server keygen", server_mode, setup_server,
			   setup_server_pg);
}
