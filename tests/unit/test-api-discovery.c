/* test-api-discovery.c: discovery reports, triage of discovered certificates, scans,
 * the summary, and network scan targets (CIDR checks, defaults, merge updates) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tests/unit/testapi.h"
#include "libcc/mem.h"

#define FP_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define FP_B "BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB"
#define FP_C "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc"
#define DISC "/api/v1/agents/ag1/discoveries"
#define NST "/api/v1/network-scan-targets"

static void agents(struct testapi *t)
{
	testapi_sql(t, "INSERT INTO agents (id, name, hostname, api_key_hash) VALUES "
		       "('ag1', 'ag1', 'h1', ''), ('ag2', 'ag2', 'h2', '')");
}

static json_int_t num(struct testapi *t, const char *k)
{
	return json_integer_value(json_object_get(t->json, k));
}

/* ---- reports ---- */

static void test_api_discovery__report_counts_new(void **state)
{
	struct testapi *t = TAPI(state);
	char *id;

	agents(t);
	assert_status(
		t, "POST", DISC,
		"{\"agent_id\":\"ag1\",\"directories\":[\"/etc/ssl\"],\"scan_duration_ms\":1500,"
		"\"errors\":null,\"certificates\":["
		"{\"fingerprint_sha256\":\"" FP_A "\",\"common_name\":\"a.example\","
		"\"sans\":[\"a.example\"],\"not_before\":\"2026-01-01T00:00:00Z\","
		"\"not_after\":\"2027-01-01T00:00:00Z\",\"key_algorithm\":\"ECDSA\","
		"\"key_size\":256,\"is_ca\":false,\"source_path\":\"/etc/ssl/a.pem\","
		"\"source_format\":\"PEM\"},"
		"{\"fingerprint_sha256\":\"" FP_B "\",\"source_path\":\"/etc/ssl/b.der\"}]}",
		202);
	assert_int_equal(num(t, "certificates_found"), 2);
	assert_int_equal(num(t, "certificates_new"), 2);
	assert_int_equal(num(t, "errors_count"), 0);
	assert_int_equal(num(t, "scan_duration_ms"), 1500);
	assert_string_equal(testapi_str(t, "agent_id"), "ag1");
	assert_non_null(json_object_get(t->json, "completed_at"));
	id = cc_xstrdup(testapi_str(t, "id"));
	assert_int_equal(strncmp(id, "dscan-", 6), 0);
	assert_int_equal(testapi_count(t, "SELECT certificates_new FROM discovery_scans"), 2);
	/* fingerprints are stored lower-case */
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM discovered_certificates WHERE "
					  "fingerprint_sha256 = lower('" FP_B "') AND status = "
					  "'Unmanaged' AND source_format = 'PEM'"),
			 1);

	/* the second report sees A again and C for the first time */
	assert_status(t, "POST", DISC,
		      "{\"certificates\":["
		      "{\"fingerprint_sha256\":\"" FP_A "\",\"source_path\":\"/etc/ssl/a.pem\"},"
		      "{\"fingerprint_sha256\":\"" FP_C "\",\"source_path\":\"/etc/ssl/c.pem\"}],"
		      "\"errors\":[\"walk error at /etc/x: denied\"]}",
		      202);
	assert_int_equal(num(t, "certificates_found"), 2);
	assert_int_equal(num(t, "certificates_new"), 1);
	assert_int_equal(num(t, "errors_count"), 1);
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM discovery_scans WHERE "
					  "certificates_new = 1 AND errors_count = 1"),
			 1);
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM discovered_certificates"), 3);
	/* a known entry keeps its metadata, and now points at the newer scan */
	assert_int_equal(testapi_count(t,
				       "SELECT COUNT(*) FROM discovered_certificates WHERE "
				       "fingerprint_sha256 = '" FP_A "' AND key_size = 256 AND "
				       "discovery_scan_id <> (SELECT id FROM discovery_scans WHERE "
				       "certificates_new = 2)"),
			 1);
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM audit_events WHERE action = "
					  "'discovery_scan_completed' AND details LIKE "
					  "'%\"certificates_new\":1,\"errors_count\":1%'"),
			 1);
	/* errors only: a valid report */
	assert_status(t, "POST", DISC, "{\"errors\":[\"failed to walk /x\"]}", 202);
	assert_int_equal(num(t, "certificates_found"), 0);
	/* as in v2.1, an empty agent_id means the path's agent and empty dates are unknown */
	assert_status(t, "POST", DISC,
		      "{\"agent_id\":\"\",\"certificates\":[{\"fingerprint_sha256\":\"" FP_C
		      "\",\"source_path\":\"/etc/ssl/d.pem\",\"not_before\":\"\","
		      "\"not_after\":\"\"}]}",
		      202);
	assert_string_equal(testapi_str(t, "agent_id"), "ag1");
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM discovered_certificates WHERE "
					  "source_path = '/etc/ssl/d.pem' AND agent_id = 'ag1' AND "
					  "not_before IS NULL AND not_after IS NULL"),
			 1);
	free(id);
}

static void test_api_discovery__report_rejects_bad_input(void **state)
{
	struct testapi *t = TAPI(state);

	agents(t);
	assert_status(t, "POST", DISC, "{\"directories\":[\"/etc\"],\"certificates\":[]}", 400);
	assert_non_null(strstr(testapi_str(t, "message"), "empty"));
	assert_status(t, "POST", DISC, "{}", 400);
	assert_status(t, "POST", DISC,
		      "{\"certificates\":[{\"fingerprint_sha256\":\"" FP_A "\",\"source_path\":"
		      "\"/a\"},{\"fingerprint_sha256\":\"abc\",\"source_path\":\"/b\"}]}",
		      400);
	assert_string_equal(testapi_str(t, "message"),
			    "certificates[1].fingerprint_sha256: must be 64 hex digits");
	assert_status(t, "POST", DISC, "{\"certificates\":[{\"fingerprint_sha256\":\"" FP_A "\"}]}",
		      400);
	assert_string_equal(testapi_str(t, "message"), "certificates[0].source_path is required");
	assert_status(t, "POST", DISC,
		      "{\"certificates\":[{\"fingerprint_sha256\":\"" FP_A "\",\"source_path\":"
		      "\"/a\",\"not_after\":\"yesterday\"}]}",
		      400);
	assert_non_null(strstr(testapi_str(t, "message"), "not_after"));
	assert_status(t, "POST", DISC,
		      "{\"certificates\":[{\"fingerprint_sha256\":\"" FP_A "\",\"source_path\":"
		      "\"/a\",\"status\":\"Managed\"}]}",
		      400);
	assert_status(t, "POST", DISC,
		      "{\"certificates\":[{\"fingerprint_sha256\":\"" FP_A "\",\"source_path\":"
		      "\"/a\",\"key_size\":\"big\"}]}",
		      400);
	assert_status(t, "POST", DISC, "{\"certificates\":[\"x\"]}", 400);
	assert_status(t, "POST", DISC, "{\"certificates\":{}}", 400);
	assert_status(t, "POST", DISC, "{\"errors\":[1]}", 400);
	assert_status(t, "POST", DISC, "{\"errors\":[\"e\"],\"scan_duration_ms\":-1}", 400);
	assert_status(t, "POST", DISC, "{\"errors\":[\"e\"],\"agent_id\":\"ag2\"}", 400);
	assert_status(t, "POST", DISC, "{\"errors\":[\"e\"],\"extra\":true}", 400);
	assert_status(t, "POST", DISC, "{\"errors\":", 400);
	assert_status(t, "POST", DISC, NULL, 400);
	assert_status(t, "POST", "/api/v1/agents/nope/discoveries", "{\"errors\":[\"e\"]}", 404);
	assert_int_equal(testapi_call(t, "POST", DISC, "{\"errors\":[\"e\"]}", ""), 401);
	/* no partial writes */
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM discovery_scans"), 0);
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM discovered_certificates"), 0);
}

/* ---- triage ---- */

static void triage_fixtures(struct testapi *t)
{
	agents(t);
	testapi_sql(
		t,
		"INSERT INTO teams (id, name) VALUES ('t1', 'team');"
		"INSERT INTO owners (id, name, email, team_id) VALUES ('o1', 'o', 'o@x', 't1');"
		"INSERT INTO issuers (id, name, type) VALUES ('i1', 'iss', 'GenericCA');"
		"INSERT INTO renewal_policies (id, name, renewal_window_days) VALUES ('rp', 'rp', "
		"30);"
		"INSERT INTO managed_certificates (id, name, common_name, owner_id, team_id, "
		"issuer_id, renewal_policy_id) VALUES ('mc1', 'mc1', 'a.example', 'o1', 't1', "
		"'i1', "
		"'rp');"
		"INSERT INTO discovery_scans (id, agent_id, directories) VALUES "
		"('s1', 'ag1', '[]'), ('s2', 'ag2', '[]');"
		"INSERT INTO discovered_certificates (id, fingerprint_sha256, common_name, "
		"agent_id, "
		"discovery_scan_id, source_path, last_seen_at) VALUES "
		"('d1', '" FP_A "', 'a.example', 'ag1', 's1', '/a', '2026-01-03T00:00:00.000000Z'),"
		"('d2', '" FP_C "', 'c.example', 'ag1', 's1', '/c', '2026-01-02T00:00:00.000000Z'),"
		"('d3', '" FP_C
		"', 'c.example', 'ag2', 's2', '/c', '2026-01-01T00:00:00.000000Z')");
}

static void test_api_discovery__lists_and_summary(void **state)
{
	struct testapi *t = TAPI(state);
	json_t *data;

	triage_fixtures(t);
	assert_status(t, "GET", "/api/v1/discovered-certificates", NULL, 200);
	data = json_object_get(t->json, "data");
	assert_int_equal(num(t, "total"), 3);
	assert_string_equal(json_string_value(json_object_get(json_array_get(data, 0), "id")),
			    "d1");
	assert_status(t, "GET", "/api/v1/discovered-certificates?agent_id=ag2", NULL, 200);
	assert_int_equal(num(t, "total"), 1);
	assert_status(t, "GET", "/api/v1/discovered-certificates?status=Managed", NULL, 200);
	assert_int_equal(num(t, "total"), 0);
	assert_status(t, "GET", "/api/v1/discovered-certificates?per_page=x", NULL, 400);
	assert_status(t, "GET", "/api/v1/discovered-certificates/d2", NULL, 200);
	assert_string_equal(testapi_str(t, "fingerprint_sha256"), FP_C);
	assert_string_equal(testapi_str(t, "status"), "Unmanaged");
	assert_status(t, "GET", "/api/v1/discovered-certificates/nope", NULL, 404);
	assert_status(t, "GET", "/api/v1/discovery-scans", NULL, 200);
	assert_int_equal(num(t, "total"), 2);
	assert_status(t, "GET", "/api/v1/discovery-scans?agent_id=ag1", NULL, 200);
	assert_int_equal(num(t, "total"), 1);
	assert_status(t, "GET", "/api/v1/discovery-summary", NULL, 200);
	assert_int_equal(num(t, "Unmanaged"), 3);
	assert_int_equal(json_object_size(t->json), 1);
	assert_int_equal(testapi_call(t, "GET", "/api/v1/discovery-summary", NULL, ""), 401);
	assert_int_equal(testapi_call(t, "GET", "/api/v1/discovery-scans", NULL, ""), 401);
	assert_int_equal(testapi_call(t, "GET", "/api/v1/discovered-certificates", NULL, ""), 401);
}

static void test_api_discovery__summary_empty(void **state)
{
	struct testapi *t = TAPI(state);

	assert_status(t, "GET", "/api/v1/discovery-summary", NULL, 200);
	assert_true(json_is_object(t->json));
	assert_int_equal(json_object_size(t->json), 0);
}

static void test_api_discovery__claim_and_dismiss(void **state)
{
	struct testapi *t = TAPI(state);
	const char *claim = "/api/v1/discovered-certificates/d1/claim";

	triage_fixtures(t);
	assert_status(t, "POST", claim, "{\"managed_certificate_id\":\"mc1\"}", 200);
	assert_string_equal(testapi_str(t, "status"), "claimed");
	assert_string_equal(testapi_str(t, "message"),
			    "Discovered certificate linked to managed certificate");
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM discovered_certificates WHERE "
					  "id = 'd1' AND status = 'Managed' AND "
					  "managed_certificate_id = 'mc1'"),
			 1);
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM audit_events WHERE action = "
					  "'discovery_cert_claimed' AND resource_id = 'd1' AND "
					  "details LIKE '%\"managed_certificate_id\":\"mc1\","
					  "\"fingerprint\":\"" FP_A
					  "\",\"common_name\":\"a.example\"%'"),
			 1);
	assert_status(t, "POST", "/api/v1/discovered-certificates/nope/claim",
		      "{\"managed_certificate_id\":\"mc1\"}", 404);
	assert_status(t, "POST", "/api/v1/discovered-certificates/d2/claim",
		      "{\"managed_certificate_id\":\"mc-nope\"}", 404);
	assert_non_null(strstr(testapi_str(t, "message"), "mc-nope"));
	assert_status(t, "POST", "/api/v1/discovered-certificates/d2/claim", "{}", 400);
	assert_string_equal(testapi_str(t, "message"), "managed_certificate_id is required");
	assert_status(t, "POST", "/api/v1/discovered-certificates/d2/claim",
		      "{\"managed_certificate_id\":1}", 400);
	assert_status(t, "POST", "/api/v1/discovered-certificates/d2/claim",
		      "{\"managed_certificate_id\":\"mc1\",\"x\":1}", 400);
	assert_status(t, "POST", "/api/v1/discovered-certificates/d2/claim", "{", 400);
	assert_status(t, "POST", "/api/v1/discovered-certificates/d2/claim", NULL, 400);
	assert_int_equal(testapi_call(t, "POST", "/api/v1/discovered-certificates/d2/claim",
				      "{\"managed_certificate_id\":\"mc1\"}", ""),
			 401);
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM discovered_certificates WHERE "
					  "id = 'd2' AND status = 'Unmanaged'"),
			 1);

	assert_status(t, "POST", "/api/v1/discovered-certificates/d2/dismiss", NULL, 200);
	assert_string_equal(testapi_str(t, "status"), "dismissed");
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM discovered_certificates WHERE "
					  "id = 'd2' AND status = 'Dismissed' AND dismissed_at IS "
					  "NOT NULL"),
			 1);
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM audit_events WHERE action = "
					  "'discovery_cert_dismissed' AND resource_id = 'd2'"),
			 1);
	assert_status(t, "POST", "/api/v1/discovered-certificates/d3/dismiss", "{\"why\":1}", 400);
	assert_status(t, "POST", "/api/v1/discovered-certificates/d3/dismiss", "{", 400);
	assert_status(t, "POST", "/api/v1/discovered-certificates/d3/dismiss", "{}", 200);
	assert_status(t, "POST", "/api/v1/discovered-certificates/nope/dismiss", NULL, 404);
	assert_int_equal(
		testapi_call(t, "POST", "/api/v1/discovered-certificates/d1/dismiss", NULL, ""),
		401);
	assert_status(t, "GET", "/api/v1/discovery-summary", NULL, 200);
	assert_int_equal(num(t, "Managed"), 1);
	assert_int_equal(num(t, "Dismissed"), 2);
}

/* ---- network scan targets ---- */

static void test_api_discovery__network_targets_create(void **state)
{
	struct testapi *t = TAPI(state);
	char *id;

	assert_status(t, "POST", NST,
		      "{\"id\":\"mine\",\"name\":\"dmz\",\"cidrs\":[\"10.0.0.0/24\"]}", 201);
	id = cc_xstrdup(testapi_str(t, "id"));
	assert_int_equal(strncmp(id, "nst-", 4), 0);
	assert_true(json_is_true(json_object_get(t->json, "enabled")));
	assert_int_equal(json_integer_value(json_array_get(json_object_get(t->json, "ports"), 0)),
			 443);
	assert_int_equal(json_array_size(json_object_get(t->json, "ports")), 1);
	assert_int_equal(num(t, "scan_interval_hours"), 6);
	assert_int_equal(num(t, "timeout_ms"), 5000);
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM audit_events WHERE action = "
					  "'network_scan_target_created' AND details = "
					  "'{\"name\":\"dmz\",\"cidrs\":[\"10.0.0.0/24\"],"
					  "\"ports\":[443]}'"),
			 1);
	assert_status(t, "POST", NST,
		      "{\"name\":\"v6\",\"cidrs\":[\"2001:db8::/116\",\"192.168.1.7\"],"
		      "\"ports\":[443,8443],\"enabled\":false,\"scan_interval_hours\":12,"
		      "\"timeout_ms\":60000}",
		      201);
	assert_true(json_is_false(json_object_get(t->json, "enabled")));
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM network_scan_targets WHERE "
					  "enabled = 0 AND timeout_ms = 60000"),
			 1);
	assert_status(t, "GET", NST, NULL, 200);
	assert_int_equal(num(t, "total"), 2);
	assert_int_equal(testapi_callf(t, "GET", NULL, NST "/%s", id), 200);
	assert_string_equal(testapi_str(t, "name"), "dmz");
	assert_status(t, "GET", NST "/nst-nope", NULL, 404);
	assert_int_equal(testapi_call(t, "GET", NST, NULL, ""), 401);
	free(id);
}

static void expect_400(struct testapi *t, const char *body, const char *msg_part)
{
	assert_status(t, "POST", NST, body, 400);
	if (msg_part && !strstr(testapi_str(t, "message"), msg_part))
		fail_msg("%s: message '%s' lacks '%s'", body, testapi_str(t, "message"), msg_part);
}

static void test_api_discovery__network_targets_reject(void **state)
{
	struct testapi *t = TAPI(state);

	expect_400(t, "{\"cidrs\":[\"10.0.0.0/24\"]}", "name is required");
	expect_400(t, "{\"name\":\"n\"}", "at least one CIDR");
	expect_400(t, "{\"name\":\"n\",\"cidrs\":[]}", "at least one CIDR");
	expect_400(t, "{\"name\":\"n\",\"cidrs\":[\"10.0.0.0/16\"]}", "too large");
	expect_400(t, "{\"name\":\"n\",\"cidrs\":[\"2001:db8::/64\"]}", "too large");
	expect_400(t, "{\"name\":\"n\",\"cidrs\":[\"example.com\"]}", "neither");
	expect_400(t, "{\"name\":\"n\",\"cidrs\":[\"10.0.0.0/33\"]}", "neither");
	expect_400(t, "{\"name\":\"n\",\"cidrs\":[\"10.0.0.0/\"]}", "neither");
	expect_400(t, "{\"name\":\"n\",\"cidrs\":[\"10.0.0.0/2a\"]}", "neither");
	expect_400(t, "{\"name\":\"n\",\"cidrs\":[\"127.0.0.1\"]}", "loopback");
	expect_400(t, "{\"name\":\"n\",\"cidrs\":[\"127.10.0.0/24\"]}", "loopback");
	expect_400(t, "{\"name\":\"n\",\"cidrs\":[\"169.254.169.254\"]}", "link-local");
	expect_400(t, "{\"name\":\"n\",\"cidrs\":[\"224.0.0.0/24\"]}", "multicast");
	expect_400(t, "{\"name\":\"n\",\"cidrs\":[\"239.255.255.0/24\"]}", "multicast");
	expect_400(t, "{\"name\":\"n\",\"cidrs\":[\"255.255.255.0/24\"]}", "broadcast");
	expect_400(t, "{\"name\":\"n\",\"cidrs\":[\"0.0.0.0\"]}", "unspecified");
	expect_400(t, "{\"name\":\"n\",\"cidrs\":[\"::1\"]}", "loopback");
	expect_400(t, "{\"name\":\"n\",\"cidrs\":[\"::\"]}", "unspecified");
	expect_400(t, "{\"name\":\"n\",\"cidrs\":[\"fe80::1\"]}", "link-local");
	expect_400(t, "{\"name\":\"n\",\"cidrs\":[\"ff02::1\"]}", "multicast");
	expect_400(t, "{\"name\":\"n\",\"cidrs\":[\"::ffff:127.0.0.1\"]}", "IPv4-mapped");
	expect_400(t, "{\"name\":\"n\",\"cidrs\":[\"10.0.0.1\",\"127.0.0.1\"]}", "loopback");
	expect_400(t, "{\"name\":\"n\",\"cidrs\":[1]}", "cidrs");
	expect_400(t, "{\"name\":\"n\",\"cidrs\":[\"10.0.0.1\"],\"ports\":[0]}", "port");
	expect_400(t, "{\"name\":\"n\",\"cidrs\":[\"10.0.0.1\"],\"ports\":[65536]}", "port");
	expect_400(t, "{\"name\":\"n\",\"cidrs\":[\"10.0.0.1\"],\"ports\":[\"443\"]}", "ports");
	expect_400(t, "{\"name\":\"n\",\"cidrs\":[\"10.0.0.1\"],\"scan_interval_hours\":-1}",
		   "scan_interval_hours");
	expect_400(t, "{\"name\":\"n\",\"cidrs\":[\"10.0.0.1\"],\"timeout_ms\":-5}", "timeout_ms");
	expect_400(t, "{\"name\":\"n\",\"cidrs\":[\"10.0.0.1\"],\"timeout_ms\":60001}",
		   "timeout_ms");
	expect_400(t, "{\"name\":\"n\",\"cidrs\":[\"10.0.0.1\"],\"enabled\":\"yes\"}", "enabled");
	expect_400(t, "{\"name\":\"n\",\"cidrs\":[\"10.0.0.1\"],\"bogus\":1}", "bogus");
	expect_400(t, "{\"name\":", NULL);
	expect_400(t, NULL, NULL);
	assert_int_equal(
		testapi_call(t, "POST", NST, "{\"name\":\"n\",\"cidrs\":[\"10.0.0.1\"]}", ""), 401);
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM network_scan_targets"), 0);
}

/* v2.1 clients (Go structs) send zeros for what they leave out: v2.1 read them as "use the
 * default" */
static void test_api_discovery__network_targets_v21_zeros(void **state)
{
	struct testapi *t = TAPI(state);

	assert_status(t, "POST", NST,
		      "{\"name\":\"z\",\"cidrs\":[\"10.0.0.1\"],\"ports\":[],"
		      "\"scan_interval_hours\":0,\"timeout_ms\":0}",
		      201);
	assert_int_equal(json_integer_value(json_array_get(json_object_get(t->json, "ports"), 0)),
			 443);
	assert_int_equal(json_array_size(json_object_get(t->json, "ports")), 1);
	assert_int_equal(json_integer_value(json_object_get(t->json, "scan_interval_hours")), 6);
	assert_int_equal(json_integer_value(json_object_get(t->json, "timeout_ms")), 5000);
	assert_status(t, "POST", NST,
		      "{\"name\":\"z2\",\"cidrs\":[\"10.0.0.2\"],\"ports\":null,"
		      "\"scan_interval_hours\":null}",
		      201);
	assert_int_equal(json_integer_value(json_object_get(t->json, "scan_interval_hours")), 6);
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM network_scan_targets WHERE "
					  "scan_interval_hours = 6 AND timeout_ms = 5000"),
			 2);
}

static void test_api_discovery__network_targets_update_delete(void **state)
{
	struct testapi *t = TAPI(state);
	char *p;

	assert_status(t, "POST", NST,
		      "{\"name\":\"n\",\"cidrs\":[\"10.0.0.0/28\"],\"ports\":[8443],"
		      "\"enabled\":false}",
		      201);
	p = cc_xasprintf(NST "/%s", testapi_str(t, "id"));
	/* PUT merges: enabled (and everything else omitted) keeps its value */
	assert_status(t, "PUT", p, "{\"name\":\"renamed\",\"timeout_ms\":2000}", 200);
	assert_string_equal(testapi_str(t, "name"), "renamed");
	assert_true(json_is_false(json_object_get(t->json, "enabled")));
	assert_int_equal(json_integer_value(json_array_get(json_object_get(t->json, "ports"), 0)),
			 8443);
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM network_scan_targets WHERE "
					  "name = 'renamed' AND enabled = 0 AND timeout_ms = 2000"),
			 1);
	assert_status(t, "PUT", p, "{\"enabled\":true}", 200);
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM network_scan_targets WHERE "
					  "enabled = 1"),
			 1);
	assert_status(t, "PUT", p, "{\"cidrs\":[\"169.254.0.0/24\"]}", 400);
	assert_status(t, "PUT", p, "{\"cidrs\":[\"10.0.0.0/8\"]}", 400);
	assert_status(t, "PUT", p, "{\"ports\":[70000]}", 400);
	/* v2.1's "not given": empty values and zeros keep what is stored */
	assert_status(t, "PUT", p,
		      "{\"name\":\"\",\"cidrs\":[],\"ports\":[],\"scan_interval_hours\":0,"
		      "\"timeout_ms\":0}",
		      200);
	assert_string_equal(testapi_str(t, "name"), "renamed");
	assert_int_equal(json_integer_value(json_object_get(t->json, "timeout_ms")), 2000);
	assert_status(t, "PUT", p, "{\"x\":1}", 400);
	assert_status(t, "PUT", p, "{", 400);
	assert_status(t, "PUT", NST "/nst-nope", "{\"name\":\"x\"}", 404);
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM network_scan_targets WHERE "
					  "cidrs = '[\"10.0.0.0/28\"]' AND name = 'renamed'"),
			 1);
	assert_int_equal(testapi_call(t, "PUT", p, "{\"name\":\"y\"}", ""), 401);
	assert_int_equal(testapi_call(t, "DELETE", p, NULL, ""), 401);
	assert_status(t, "DELETE", p, NULL, 204);
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM network_scan_targets"), 0);
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM audit_events WHERE action = "
					  "'network_scan_target_deleted' AND resource_type = "
					  "'network_scan_target'"),
			 1);
	assert_status(t, "DELETE", p, NULL, 404);
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_api_discovery__report_counts_new, testapi_reset),
		cmocka_unit_test_setup(test_api_discovery__report_rejects_bad_input, testapi_reset),
		cmocka_unit_test_setup(test_api_discovery__lists_and_summary, testapi_reset),
		cmocka_unit_test_setup(test_api_discovery__summary_empty, testapi_reset),
		cmocka_unit_test_setup(test_api_discovery__claim_and_dismiss, testapi_reset),
		cmocka_unit_test_setup(test_api_discovery__network_targets_create, testapi_reset),
		cmocka_unit_test_setup(test_api_discovery__network_targets_reject, testapi_reset),
		cmocka_unit_test_setup(test_api_discovery__network_targets_v21_zeros,
				       testapi_reset),
		cmocka_unit_test_setup(test_api_discovery__network_targets_update_delete,
				       testapi_reset),
	};
	return cmocka_run_group_tests_name("api-discovery", tests, testapi_setup, testapi_teardown);
}
