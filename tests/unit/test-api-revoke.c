/* test-api-revoke.c: POST /certificates/{id}/revoke (the seven steps and their refusals),
 * the JSON revocation list, each issuer's DER CRL (read back by openssl: entries,
 * reasons, growing CRL numbers, short-lived certificates left out, cached until a
 * revocation) and the OCSP responder (good / revoked / unknown as soon as the revoke
 * returns, RFC 6960 GET with a nonce echoed, malformed requests) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tests/unit/testapi.h"
#include "tests/unit/testossl.h"
#include <openssl/ocsp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include "libcc/b64.h"
#include "libcc/mem.h"

static void fixtures(struct testapi *t)
{
	testapi_sql(
		t,
		"INSERT INTO teams (id, name) VALUES ('t1', 'one');"
		"INSERT INTO owners (id, name, email, team_id) VALUES ('o1', 'o1', 'o1@x.io', "
		"'t1');"
		"INSERT INTO renewal_policies (id, name, renewal_window_days) VALUES ('rp', 'rp', "
		"30);"
		"INSERT INTO issuers (id, name, type) VALUES ('i1', 'Local', 'GenericCA'), "
		"('ix', 'gone', 'NoSuchCA');"
		"INSERT INTO certificate_profiles (id, name, max_ttl_seconds, allow_short_lived) "
		"VALUES ('p1', 'p1', 0, 0), ('p-short', 'short', 1800, 1)");
}

/* a certificate of issuer i1 with a version of serial hex `serial` (NULL: never issued) */
static void mk(struct testapi *t, const char *id, const char *profile, const char *status,
	       const char *serial)
{
	char *sql = cc_xasprintf(
		"INSERT INTO managed_certificates (id, name, common_name, owner_id, team_id, "
		"issuer_id, renewal_policy_id, certificate_profile_id, status) VALUES ('%s', '%s', "
		"'%s.example.com', 'o1', 't1', 'i1', 'rp', '%s', '%s')",
		id, id, id, profile, status);

	testapi_sql(t, sql);
	free(sql);
	if (!serial)
		return;
	sql = cc_xasprintf("INSERT INTO certificate_versions (id, certificate_id, serial_number, "
			   "not_before, not_after, fingerprint_sha256, pem_chain) VALUES "
			   "('v-%s', '%s', '%s', '2026-01-01T00:00:00Z', '2027-01-01T00:00:00Z', "
			   "'fp-%s', 'pem')",
			   id, id, serial, id);
	testapi_sql(t, sql);
	free(sql);
}

static int reset(void **state)
{
	struct testapi *t = TAPI(state);

	testapi_reset(state);
	fixtures(t);
	mk(t, "c1", "p1", "Active", "a1");
	mk(t, "c2", "p1", "Active", "b2");
	mk(t, "c3", "p1", "Archived", "c3");
	mk(t, "c4", "p1", "Pending", NULL);
	mk(t, "c5", "p-short", "Active", "e5");
	return 0;
}

static void test_revoke__seven_steps(void **state)
{
	struct testapi *t = TAPI(state);

	assert_status(t, "POST", "/api/v1/certificates/c1/revoke", "{\"reason\":\"keyCompromise\"}",
		      200);
	assert_string_equal(testapi_str(t, "status"), "revoked");
	assert_string_equal(testapi_str(t, "serial_number"), "a1");
	assert_string_equal(testapi_str(t, "reason"), "keyCompromise");
	assert_true(json_is_true(json_object_get(t->json, "issuer_notified")));
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM managed_certificates WHERE id = "
					  "'c1' AND status = 'Revoked' AND revoked_at IS NOT NULL "
					  "AND revocation_reason = 'keyCompromise'"),
			 1);
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM certificate_revocations WHERE "
					  "certificate_id = 'c1' AND serial_number = 'a1' AND "
					  "issuer_id = 'i1' AND issuer_notified AND reason = "
					  "'keyCompromise'"),
			 1);
	assert_true(testapi_count(t,
				  "SELECT COUNT(*) FROM audit_events WHERE action = "
				  "'certificate_revoked' AND resource_id = 'c1' AND details LIKE "
				  "'%\"serial\":\"a1\"%'") >= 1);
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM notification_events WHERE type = "
					  "'Revocation' AND certificate_id = 'c1' AND recipient = "
					  "'o1@x.io'"),
			 1);
	/* no body: unspecified */
	assert_status(t, "POST", "/api/v1/certificates/c2/revoke", NULL, 200);
	assert_string_equal(testapi_str(t, "reason"), "unspecified");
}

static void test_revoke__refusals_change_nothing(void **state)
{
	struct testapi *t = TAPI(state);
	static const struct {
		const char *path, *body;
		int status;
		const char *msg;
	} cases[] = {
		{ "/api/v1/certificates/c3/revoke", NULL, 409, "archived" },
		{ "/api/v1/certificates/c4/revoke", NULL, 422, "no issued version" },
		{ "/api/v1/certificates/nope/revoke", NULL, 404, "not found" },
		{ "/api/v1/certificates/c2/revoke", "{\"reason\":\"bogus\"}", 400,
		  "invalid revocation reason" },
		{ "/api/v1/certificates/c2/revoke", "{\"reason\":7}", 400, "must be a string" },
		{ "/api/v1/certificates/c2/revoke", "{\"why\":\"x\"}", 400, "unknown field" },
		{ "/api/v1/certificates/c2/revoke", "{\"reason\":", 400, "" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int st = testapi_call(t, "POST", cases[i].path, cases[i].body, NULL);
		if (st != cases[i].status || !strstr(t->body, cases[i].msg))
			fail_msg("%s %s: %d %s", cases[i].path, cases[i].body, st, t->body);
	}
	assert_int_equal(testapi_call(t, "POST", "/api/v1/certificates/c2/revoke", NULL, ""), 401);
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM certificate_revocations"), 0);
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM managed_certificates WHERE status "
					  "= 'Revoked'"),
			 0);
	/* twice: the second is a conflict */
	assert_status(t, "POST", "/api/v1/certificates/c1/revoke", NULL, 200);
	assert_status(t, "POST", "/api/v1/certificates/c1/revoke", NULL, 409);
	assert_non_null(strstr(t->body, "already revoked"));
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM certificate_revocations"), 1);
}

/* an issuer that cannot be told does not undo the revocation: it stands, and says so */
static void test_revoke__failing_issuer_keeps_the_revocation(void **state)
{
	struct testapi *t = TAPI(state);

	testapi_sql(t, "UPDATE managed_certificates SET issuer_id = 'ix' WHERE id = 'c2'");
	assert_status(t, "POST", "/api/v1/certificates/c2/revoke", "{\"reason\":\"superseded\"}",
		      200);
	assert_string_equal(testapi_str(t, "status"), "revoked");
	assert_true(json_is_false(json_object_get(t->json, "issuer_notified")));
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM certificate_revocations WHERE "
					  "certificate_id = 'c2' AND issuer_id = 'ix' AND NOT "
					  "issuer_notified"),
			 1);
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM managed_certificates WHERE id = "
					  "'c2' AND status = 'Revoked'"),
			 1);
}

/* the steps that write happen in one transaction: a record that cannot be written leaves
 * the certificate as it was, with no audit event or notification */
static void test_revoke__one_transaction(void **state)
{
	struct testapi *t = TAPI(state);
	long long events = testapi_count(t, "SELECT COUNT(*) FROM audit_events WHERE action = "
					    "'certificate_revoked' AND resource_id = 'c1'");

	testapi_sql(t, "CREATE TRIGGER revoke_boom BEFORE INSERT ON certificate_revocations "
		       "BEGIN SELECT RAISE(ABORT, 'boom'); END");
	int st = testapi_call(t, "POST", "/api/v1/certificates/c1/revoke", NULL, NULL);

	testapi_sql(t, "DROP TRIGGER revoke_boom");
	if (st < 400 || !strstr(t->body, "boom"))
		fail_msg("a failed write answered %d: %s", st, t->body);
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM managed_certificates WHERE id = "
					  "'c1' AND status = 'Active' AND revoked_at IS NULL AND "
					  "revocation_reason IS NULL"),
			 1);
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM audit_events WHERE action = "
					  "'certificate_revoked' AND resource_id = 'c1'"),
			 events);
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM notification_events"), 0);
	/* once the fault is gone, the same call succeeds */
	assert_status(t, "POST", "/api/v1/certificates/c1/revoke", NULL, 200);
}

/* the last response body into a file under the test's dir (malloc'd path) */
static char *save(struct testapi *t, const char *name)
{
	char *path = testossl_path(t->dir, name);
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(t->body, 1, t->body_len, f), t->body_len);
	fclose(f);
	return path;
}

static char *ca_path(struct testapi *t)
{
	return cc_xasprintf("%s/ca/i1/ca.crt", t->dir);
}

/* openssl's text of the CRL of i1, verified against the CA */
static char *crl_text(struct testapi *t)
{
	char *der, *ca = ca_path(t), *out = NULL;

	assert_status(t, "GET", "/api/v1/crl/i1", NULL, 200);
	assert_string_equal(testapi_header(t, "Content-Type"), "application/pkix-crl");
	der = save(t, "crl.der");
	if (testossl_openssl(&out, "crl", "-inform", "DER", "-in", der, "-CAfile", ca, "-verify",
			     "-noout", "-text", NULL) != 0 ||
	    !strstr(out, "verify OK"))
		fail_msg("openssl crl: %s", out);
	free(der);
	free(ca);
	return out;
}

/* the CRL in the last response: thisUpdate to nextUpdate is 24 h, and its AKI is the
 * CA's subject key identifier */
static void crl_valid_a_day_with_aki(struct testapi *t)
{
	const unsigned char *p = (const unsigned char *)t->body;
	X509_CRL *crl = d2i_X509_CRL(NULL, &p, (long)t->body_len);
	char *ca_file = ca_path(t);
	FILE *f = fopen(ca_file, "r");
	X509 *ca = f ? PEM_read_X509(f, NULL, NULL, NULL) : NULL;
	AUTHORITY_KEYID *aki;
	int days = -1, secs = -1;

	assert_non_null(crl);
	assert_non_null(ca);
	assert_int_equal(ASN1_TIME_diff(&days, &secs, X509_CRL_get0_lastUpdate(crl),
					X509_CRL_get0_nextUpdate(crl)),
			 1);
	assert_int_equal(days, 1);
	assert_int_equal(secs, 0);
	aki = X509_CRL_get_ext_d2i(crl, NID_authority_key_identifier, NULL, NULL);
	assert_non_null(aki);
	assert_non_null(aki->keyid);
	assert_int_equal(ASN1_OCTET_STRING_cmp(aki->keyid, X509_get0_subject_key_id(ca)), 0);
	AUTHORITY_KEYID_free(aki);
	X509_free(ca);
	fclose(f);
	free(ca_file);
	X509_CRL_free(crl);
}

static void test_crl__entries_numbers_cache_and_short_lived(void **state)
{
	struct testapi *t = TAPI(state);
	char *first, *second, *third;
	char *snapshot;

	first = crl_text(t);
	assert_non_null(strstr(first, "No Revoked Certificates"));
	assert_non_null(strstr(first, "CRL Number: \n                1\n"));
	free(first);
	crl_valid_a_day_with_aki(t);

	assert_status(t, "POST", "/api/v1/certificates/c1/revoke", "{\"reason\":\"keyCompromise\"}",
		      200);
	assert_status(t, "POST", "/api/v1/certificates/c5/revoke", "{\"reason\":\"superseded\"}",
		      200);
	second = crl_text(t);
	assert_non_null(strstr(second, "Serial Number: A1"));
	assert_non_null(strstr(second, "Key Compromise"));
	assert_null(strstr(second, "Serial Number: E5")); /* short-lived: expiry revokes it */
	assert_non_null(strstr(second, "CRL Number: \n                2\n"));
	/* nothing changed: the very same bytes */
	snapshot = cc_xmalloc(t->body_len);
	memcpy(snapshot, t->body, t->body_len);
	assert_status(t, "GET", "/api/v1/crl/i1", NULL, 200);
	assert_memory_equal(snapshot, t->body, t->body_len);
	free(snapshot);
	free(second);

	assert_status(t, "POST", "/api/v1/certificates/c2/revoke",
		      "{\"reason\":\"cessationOfOperation\"}", 200);
	third = crl_text(t);
	assert_non_null(strstr(third, "Serial Number: B2"));
	assert_non_null(strstr(third, "Cessation Of Operation"));
	assert_non_null(strstr(third, "CRL Number: \n                3\n"));
	free(third);

	/* the JSON list has every record, short-lived ones too */
	assert_status(t, "GET", "/api/v1/crl", NULL, 200);
	assert_int_equal(json_integer_value(json_object_get(t->json, "total")), 3);
	assert_int_equal(json_integer_value(json_object_get(t->json, "version")), 1);
	assert_string_equal(json_string_value(json_object_get(
				    json_array_get(json_object_get(t->json, "entries"), 0),
				    "revocation_reason")),
			    "keyCompromise");
	/* public, but only for issuers we have */
	assert_int_equal(testapi_call(t, "GET", "/api/v1/crl/i1", NULL, ""), 200);
	assert_int_equal(testapi_call(t, "GET", "/api/v1/crl/nope", NULL, ""), 404);
	/* relying parties have no key: the JSON list is public too */
	assert_int_equal(testapi_call(t, "GET", "/api/v1/crl", NULL, ""), 200);
	assert_int_equal(json_integer_value(json_object_get(t->json, "total")), 3);
	assert_string_equal(testapi_str(t, "timestamp"), testapi_str(t, "generated_at"));
	assert_true(strlen(testapi_str(t, "timestamp")) >= 20);
}

/* openssl's verdict on the OCSP answer in the last response for serial (hex) */
static char *ocsp_status(struct testapi *t, const char *serial)
{
	char *der = save(t, "ocsp.der"), *ca = ca_path(t), *out = NULL, *sn;

	sn = cc_xasprintf("0x%s", serial);
	assert_string_equal(testapi_header(t, "Content-Type"), "application/ocsp-response");
	if (testossl_openssl(&out, "ocsp", "-respin", der, "-issuer", ca, "-serial", sn, "-CAfile",
			     ca, NULL) != 0 ||
	    !strstr(out, "Response verify OK"))
		fail_msg("openssl ocsp: %s", out);
	free(sn);
	free(der);
	free(ca);
	return out;
}

static void expect_ocsp(struct testapi *t, const char *serial, const char *want)
{
	char path[128], *out, *line;

	snprintf(path, sizeof(path), "/api/v1/ocsp/i1/%s", serial);
	assert_int_equal(testapi_call(t, "GET", path, NULL, ""), 200);
	out = ocsp_status(t, serial);
	line = cc_xasprintf(": %s", want);
	if (!strstr(out, line))
		fail_msg("serial %s: want %s in %s", serial, want, out);
	free(line);
	free(out);
}

static void test_ocsp__status_follows_revocation_at_once(void **state)
{
	struct testapi *t = TAPI(state);

	expect_ocsp(t, "a1", "good");
	expect_ocsp(t, "A1", "good"); /* any case, leading zeros allowed */
	expect_ocsp(t, "00a1", "good");
	expect_ocsp(t, "ffff01", "unknown");
	assert_non_null(strstr(testapi_header(t, "Cache-Control"), "max-age="));
	assert_status(t, "POST", "/api/v1/certificates/c1/revoke", "{\"reason\":\"keyCompromise\"}",
		      200);
	expect_ocsp(t, "a1", "revoked");
	expect_ocsp(t, "b2", "good");
	assert_int_equal(testapi_call(t, "GET", "/api/v1/ocsp/nope/a1", NULL, ""), 404);
}

/* status and reason code of the single answer in the last OCSP response (reason -1: none) */
static int ocsp_reason(struct testapi *t, int *reason)
{
	const unsigned char *p = (const unsigned char *)t->body;
	OCSP_RESPONSE *resp = d2i_OCSP_RESPONSE(NULL, &p, (long)t->body_len);
	OCSP_BASICRESP *basic = resp ? OCSP_response_get1_basic(resp) : NULL;
	OCSP_SINGLERESP *single = basic ? OCSP_resp_get0(basic, 0) : NULL;
	int status;

	assert_non_null(single);
	status = OCSP_single_get0_status(single, reason, NULL, NULL, NULL);
	OCSP_BASICRESP_free(basic);
	OCSP_RESPONSE_free(resp);
	return status;
}

/* every RFC 5280 reason we accept reaches the CRL and OCSP with its own code */
static void test_crl_ocsp__every_reason_code(void **state)
{
	struct testapi *t = TAPI(state);
	static const struct {
		const char *reason, *crl, *serial;
		int code;
	} cases[] = {
		/* RFC 5280: unspecified goes without a reason code (CRL and OCSP) */
		{ "unspecified", NULL, "f0", -1 },
		{ "keyCompromise", "Key Compromise", "f1", 1 },
		{ "caCompromise", "CA Compromise", "f2", 2 },
		{ "affiliationChanged", "Affiliation Changed", "f3", 3 },
		{ "superseded", "Superseded", "f4", 4 },
		{ "cessationOfOperation", "Cessation Of Operation", "f5", 5 },
		{ "certificateHold", "Certificate Hold", "f6", 6 },
		{ "privilegeWithdrawn", "Privilege Withdrawn", "f9", 9 },
	};
	size_t n = sizeof(cases) / sizeof(cases[0]);
	char id[16], path[96], body[64], *crl, *entry, *want;

	for (size_t i = 0; i < n; i++) {
		snprintf(id, sizeof(id), "r%s", cases[i].serial);
		mk(t, id, "p1", "Active", cases[i].serial);
		snprintf(path, sizeof(path), "/api/v1/certificates/%s/revoke", id);
		snprintf(body, sizeof(body), "{\"reason\":\"%s\"}", cases[i].reason);
		assert_status(t, "POST", path, body, 200);
	}
	crl = crl_text(t);
	for (size_t i = 0; i < n; i++) {
		/* the entry of this serial, then its reason before the next entry */
		want = cc_xasprintf("Serial Number: %c%c", cases[i].serial[0] - 32,
				    cases[i].serial[1]);
		entry = strstr(crl, want);
		if (!entry)
			fail_msg("%s not in %s", want, crl);
		char *next = strstr(entry + 1, "Serial Number:");
		char *reason = strstr(entry, cases[i].crl ? cases[i].crl : "Reason Code");
		bool in_entry = reason && (!next || reason < next);
		if (in_entry != (cases[i].crl != NULL))
			fail_msg("%s: reason %s wrong in its entry: %s", want, cases[i].reason,
				 crl);
		free(want);
		/* openssl verifies the answer; its reason names stop short of 9, so read the code */
		snprintf(path, sizeof(path), "/api/v1/ocsp/i1/%s", cases[i].serial);
		assert_int_equal(testapi_call(t, "GET", path, NULL, ""), 200);
		free(ocsp_status(t, cases[i].serial));
		int code = -2, status = ocsp_reason(t, &code);
		if (status != V_OCSP_CERTSTATUS_REVOKED || code != cases[i].code)
			fail_msg("OCSP of %s: status %d reason %d, want revoked %d",
				 cases[i].serial, status, code, cases[i].code);
	}
	free(crl);
}

static void test_ocsp__rfc6960_get_nonce_and_malformed(void **state)
{
	struct testapi *t = TAPI(state);
	char *ca = ca_path(t), *req = testossl_path(t->dir, "req.der"), *out = NULL, *raw, *b64;
	char *path, *resp;
	size_t len;

	/* a request with a nonce, as openssl makes it */
	assert_int_equal(testossl_openssl(&out, "ocsp", "-issuer", ca, "-serial", "0xb2", "-reqout",
					  req, NULL),
			 0);
	free(out);
	raw = testossl_read(req, &len);
	b64 = cc_b64_encode(raw, len);
	path = cc_xasprintf("/api/v1/ocsp/i1/%s", b64);
	assert_int_equal(testapi_call(t, "GET", path, NULL, ""), 200);
	resp = save(t, "resp.der");
	out = NULL;
	assert_int_equal(
		testossl_openssl(&out, "ocsp", "-respin", resp, "-resp_text", "-CAfile", ca, NULL),
		0);
	assert_non_null(strstr(out, "Response verify OK"));
	assert_non_null(strstr(out, "Cert Status: good"));
	/* the nonce comes back as sent */
	{
		char *req_out = NULL, *a = strstr(out, "OCSP Nonce:"), *b;
		testossl_openssl(&req_out, "ocsp", "-reqin", req, "-req_text", NULL);
		b = strstr(req_out, "OCSP Nonce:");
		assert_non_null(a);
		assert_non_null(b);
		assert_memory_equal(a, b, 60);
		free(req_out);
	}
	assert_string_equal(testapi_header(t, "Cache-Control"), "no-cache");
	free(out);

	/* garbage: an OCSP malformedRequest answer, never a 5xx */
	assert_int_equal(testapi_call(t, "GET", "/api/v1/ocsp/i1/bm90IGEgcmVxdWVzdA==", NULL, ""),
			 200);
	free(resp);
	resp = save(t, "bad.der");
	out = NULL;
	testossl_openssl(&out, "ocsp", "-respin", resp, "-resp_text", NULL);
	assert_non_null(strstr(out, "malformedrequest"));
	free(out);
	assert_int_equal(testapi_call(t, "GET", "/api/v1/ocsp/i1/%%%%", NULL, ""), 200);
	free(resp);
	free(path);
	free(b64);
	free(raw);
	free(req);
	free(ca);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_revoke__seven_steps, reset),
		cmocka_unit_test_setup(test_revoke__refusals_change_nothing, reset),
		cmocka_unit_test_setup(test_revoke__failing_issuer_keeps_the_revocation, reset),
		cmocka_unit_test_setup(test_revoke__one_transaction, reset),
		cmocka_unit_test_setup(test_crl__entries_numbers_cache_and_short_lived, reset),
		cmocka_unit_test_setup(test_crl_ocsp__every_reason_code, reset),
		cmocka_unit_test_setup(test_ocsp__status_follows_revocation_at_once, reset),
		cmocka_unit_test_setup(test_ocsp__rfc6960_get_nonce_and_malformed, reset),
	};

	return cmocka_run_group_tests_name("api-revoke", tests, testapi_setup, testapi_teardown);
}
