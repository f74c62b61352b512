/* test-repo-inventory.c: owners, renewal policies, issuers, agents, targets, certificates and
 * certificate versions on both engines */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tests/unit/testrepo.h"
#include "libcc/agent.h"
#include "libcc/cert-version.h"
#include "libcc/certificate.h"
#include "libcc/issuer.h"
#include "libcc/mem.h"
#include "libcc/owner.h"
#include "libcc/renewal-policy.h"
#include "libcc/repo.h"
#include "libcc/target.h"
#include "libcc/team.h"
#include "libcc/time.h"

#define NASTY "o'hara\"; DROP TABLE owners; --"
#define SEC CC_USEC_PER_SEC
#define T0 (INT64_C(1767225600) * SEC) /* 2026-01-01T00:00:00Z */

static void mk_team(struct testdb *t, const char *id)
{
	struct cc_team o = { .id = xdup(id), .name = xdup(id) };

	insert_free(t, &cc_team_entity, &o);
}

static void mk_owner(struct testdb *t, const char *id, const char *team)
{
	struct cc_owner o = { .id = xdup(id),
			      .name = xdup(id),
			      .email = xdup("x@example.com"),
			      .team_id = xdup(team) };

	insert_free(t, &cc_owner_entity, &o);
}

static void mk_issuer(struct testdb *t, const char *id, const char *type, bool enabled)
{
	struct cc_issuer o = {
		.id = xdup(id), .name = xdup(id), .type = xdup(type), .enabled = enabled
	};

	insert_free(t, &cc_issuer_entity, &o);
}

static void mk_rp(struct testdb *t, const char *id)
{
	struct cc_renewal_policy o = { .id = xdup(id),
				       .name = xdup(id),
				       .renewal_window_days = 30 };

	insert_free(t, &cc_renewal_policy_entity, &o);
}

static void mk_agent_hb(struct testdb *t, const char *id, const char *status, int64_t hb)
{
	struct cc_agent o = { .id = xdup(id),
			      .name = xdup(id),
			      .hostname = xdup("host-1"),
			      .status = xdup(status),
			      .last_heartbeat_at = hb,
			      .api_key_hash = xdup("hash") };

	insert_free(t, &cc_agent_entity, &o);
}

/* team-1, owner-1, issuer-1, rp-1 */
static void mk_parents(struct testdb *t)
{
	mk_team(t, "team-1");
	mk_owner(t, "owner-1", "team-1");
	mk_issuer(t, "issuer-1", "ACME", true);
	mk_rp(t, "rp-1");
}

static void mk_cert(struct testdb *t, const char *id, const char *status, int64_t created)
{
	struct cc_certificate o = {
		.id = xdup(id),
		.name = xdup(id),
		.common_name = xdup("a.example"),
		.owner_id = xdup("owner-1"),
		.team_id = xdup("team-1"),
		.issuer_id = xdup("issuer-1"),
		.renewal_policy_id = xdup("rp-1"),
		.status = xdup(status),
		.created_at = created,
	};

	insert_free(t, &cc_certificate_entity, &o);
}

static void mk_version(struct testdb *t, const char *id, const char *cert, const char *fp,
		       int64_t created)
{
	struct cc_cert_version o = { .id = xdup(id),
				     .certificate_id = xdup(cert),
				     .serial_number = xdup("01"),
				     .not_before = T0,
				     .not_after = T0 + 90 * 86400 * SEC,
				     .fingerprint_sha256 = xdup(fp),
				     .pem_chain = xdup("PEM"),
				     .created_at = created };

	insert_free(t, &cc_cert_version_entity, &o);
}

/* the number of rows a list with one filter returns */
static int64_t count_where(struct testdb *t, const struct cc_entity *e, const char *param,
			   const char *value)
{
	struct cc_err err = CC_ERR_INIT;
	struct cc_query q = { 0 };
	struct cc_list l;
	int64_t n;

	if (param)
		assert_int_equal(cc_query_filter(&q, param, value, &err), 0);
	if (cc_repo_list(t->c, e, &q, &l, &err) < 0)
		fail_msg("list %s %s=%s: %s", e->name, param, value, err.msg);
	assert_int_equal(l.total, (int64_t)l.n);
	n = l.total;
	cc_list_release(e, &l);
	return n;
}

static void expect_filter(struct testdb *t, const struct cc_entity *e, const char *param,
			  const char *yes, int64_t nyes, const char *no)
{
	int64_t got = count_where(t, e, param, yes);

	if (got != nyes)
		fail_msg("%s %s=%s: %lld rows, expected %lld", e->name, param, yes, (long long)got,
			 (long long)nyes);
	got = count_where(t, e, param, no);
	if (got != 0)
		fail_msg("%s %s=%s: %lld rows, expected none", e->name, param, no, (long long)got);
}

/* decoding body: -1 rejected, else how many keys were taken (read-only ones are ignored) */
static void expect_body(const struct cc_entity *e, const char *body, int taken)
{
	struct cc_err err = CC_ERR_INIT;
	struct cc_strv present = CC_STRV_INIT;
	json_t *in = json_loads(body, 0, NULL);
	void *obj = cc_obj_new(e);
	int rc = cc_obj_from_json(e, in, obj, &present, &err);

	assert_non_null(in);
	if (rc < 0 ? taken != -1 || err.code != CC_E_INVALID : (int)present.n != taken)
		fail_msg("%s %s: rc %d, %zu keys taken (%s)", e->name, body, rc, present.n,
			 err.msg);
	cc_strv_release(&present);
	cc_obj_free(e, obj);
	json_decref(in);
}

static void expect_err(int rc, const struct cc_err *err, enum cc_errc code)
{
	assert_int_equal(rc, -1);
	if (err->code != code)
		fail_msg("error %s (%s), expected %s", cc_err_name(err->code), err->msg,
			 cc_err_name(code));
}

static void test_repo_inventory__owner(void **state)
{
	struct testdb *t = TDB(state);
	struct cc_err err = CC_ERR_INIT;
	struct cc_owner got = { 0 }, o = { .name = xdup(NASTY),
					   .email = xdup("ops@example.com"),
					   .team_id = xdup("team-1") };

	mk_team(t, "team-1");
	mk_team(t, "team-2");
	insert_ok(t, &cc_owner_entity, &o);
	assert_true(!strncmp(o.id, "owner-", 6));
	assert_true(o.created_at > 0);

	assert_int_equal(cc_repo_get(t->c, &cc_owner_entity, o.id, &got, &err), 0);
	assert_string_equal(got.name, NASTY);
	assert_string_equal(got.email, "ops@example.com");
	assert_string_equal(got.team_id, "team-1");
	assert_int_equal(got.created_at, o.created_at);
	expect_keys(&cc_owner_entity, &got, "created_at email id name team_id updated_at");

	set_str(&got.email, "x;y'z@example.com");
	set_str(&got.team_id, "team-2");
	update_reload(t, &cc_owner_entity, &got);
	assert_string_equal(got.email, "x;y'z@example.com");
	assert_string_equal(got.team_id, "team-2");
	assert_true(got.updated_at >= o.updated_at);

	mk_owner(t, "owner-b", "team-1");
	expect_filter(t, &cc_owner_entity, "team_id", "team-2", 1, "team-9");
	expect_filter(t, &cc_owner_entity, "email", "x;y'z@example.com", 1, "nobody@example.com");

	/* unknown team */
	set_str(&got.team_id, "team-missing");
	expect_err(cc_repo_update(t->c, &cc_owner_entity, &got, &err), &err, CC_E_CONFLICT);
	cc_obj_release(&cc_owner_entity, &o);
	o.name = xdup("n");
	o.email = xdup("e");
	o.team_id = xdup("team-missing");
	expect_err(cc_repo_insert(t->c, &cc_owner_entity, &o, &err), &err, CC_E_CONFLICT);

	/* an owner with certificates cannot be deleted */
	mk_owner(t, "owner-1", "team-1");
	mk_issuer(t, "issuer-1", "ACME", true);
	mk_rp(t, "rp-1");
	mk_cert(t, "cert-1", "Active", 0);
	expect_err(cc_repo_delete(t->c, &cc_owner_entity, "owner-1", &err), &err, CC_E_CONFLICT);

	assert_int_equal(cc_repo_delete(t->c, &cc_owner_entity, got.id, &err), 0);
	expect_err(cc_repo_get(t->c, &cc_owner_entity, got.id, &got, &err), &err, CC_E_NOT_FOUND);
	expect_err(cc_repo_delete(t->c, &cc_owner_entity, got.id, &err), &err, CC_E_NOT_FOUND);
	cc_obj_release(&cc_owner_entity, &o);
	cc_obj_release(&cc_owner_entity, &got);
}

static void test_repo_inventory__renewal_policy(void **state)
{
	struct testdb *t = TDB(state);
	struct cc_err err = CC_ERR_INIT;
	struct cc_renewal_policy got = { 0 }, p = { .name = xdup(NASTY),
						    .renewal_window_days = 30,
						    .auto_renew = true,
						    .max_retries = 5,
						    .retry_interval_minutes = 15 };

	insert_ok(t, &cc_renewal_policy_entity, &p);
	assert_true(!strncmp(p.id, "rp-", 3));
	/* the DB default thresholds come back */
	expect_json_key(&cc_renewal_policy_entity, &p, "alert_thresholds_days", "[30,14,7,0]");

	assert_int_equal(cc_repo_get(t->c, &cc_renewal_policy_entity, p.id, &got, &err), 0);
	assert_string_equal(got.name, NASTY);
	assert_int_equal(got.renewal_window_days, 30);
	assert_true(got.auto_renew);
	assert_int_equal(got.max_retries, 5);
	assert_int_equal(got.retry_interval_minutes, 15);
	assert_null(got.certificate_profile_id);
	expect_keys(&cc_renewal_policy_entity, &got,
		    "alert_thresholds_days auto_renew created_at id max_retries name "
		    "renewal_window_days retry_interval_minutes updated_at");
	expect_json_key(&cc_renewal_policy_entity, &got, "retry_interval_minutes", "15");

	sql_ok(t, "INSERT INTO certificate_profiles (id, name) VALUES ($1, $2)",
	       CC_DB_ARGS(CC_DB_TEXT("prof-1"), CC_DB_TEXT("p1")));
	sql_ok(t, "INSERT INTO agent_groups (id, name) VALUES ($1, $2)",
	       CC_DB_ARGS(CC_DB_TEXT("ag-1"), CC_DB_TEXT("g1")));
	got.auto_renew = false;
	got.retry_interval_minutes = 90;
	json_decref(got.alert_thresholds_days);
	got.alert_thresholds_days = json_pack("[i,i]", 10, 1);
	got.certificate_profile_id = xdup("prof-1");
	got.agent_group_id = xdup("ag-1");
	update_reload(t, &cc_renewal_policy_entity, &got);
	assert_false(got.auto_renew);
	assert_int_equal(got.retry_interval_minutes, 90);
	assert_string_equal(got.certificate_profile_id, "prof-1");
	assert_string_equal(got.agent_group_id, "ag-1");
	expect_json_key(&cc_renewal_policy_entity, &got, "alert_thresholds_days", "[10,1]");
	/* the agent group is stored but not shown */
	expect_keys(&cc_renewal_policy_entity, &got,
		    "alert_thresholds_days auto_renew certificate_profile_id created_at id "
		    "max_retries name renewal_window_days retry_interval_minutes updated_at");

	assert_int_equal(count_where(t, &cc_renewal_policy_entity, NULL, NULL), 1);

	/* unknown profile */
	set_str(&got.certificate_profile_id, "prof-missing");
	expect_err(cc_repo_update(t->c, &cc_renewal_policy_entity, &got, &err), &err,
		   CC_E_CONFLICT);

	assert_int_equal(cc_repo_delete(t->c, &cc_renewal_policy_entity, p.id, &err), 0);
	expect_err(cc_repo_get(t->c, &cc_renewal_policy_entity, p.id, &got, &err), &err,
		   CC_E_NOT_FOUND);
	cc_obj_release(&cc_renewal_policy_entity, &p);
	cc_obj_release(&cc_renewal_policy_entity, &got);
}

static void test_repo_inventory__issuer(void **state)
{
	struct testdb *t = TDB(state);
	struct cc_err err = CC_ERR_INIT;
	struct cc_issuer i = { 0 }, got = { 0 };
	static const unsigned char secret[] = { 0x00, 0x01, 0xff, '\'', ';', 0x00, 'x' };

	i.name = xdup(NASTY);
	i.type = xdup("ACME");
	i.enabled = true;
	i.config = json_pack("{s:s}", "directory_url", "https://acme.example/dir");
	i.encrypted_config.p = cc_xmalloc(sizeof(secret));
	memcpy(i.encrypted_config.p, secret, sizeof(secret));
	i.encrypted_config.n = sizeof(secret);
	insert_ok(t, &cc_issuer_entity, &i);
	assert_true(!strncmp(i.id, "issuer-", 7));
	assert_string_equal(i.test_status, "untested");
	assert_string_equal(i.source, "database");

	assert_int_equal(cc_repo_get(t->c, &cc_issuer_entity, i.id, &got, &err), 0);
	assert_string_equal(got.name, NASTY);
	assert_true(got.enabled);
	assert_int_equal(got.encrypted_config.n, sizeof(secret));
	assert_memory_equal(got.encrypted_config.p, secret, sizeof(secret));
	assert_int_equal(got.last_tested_at, 0);
	expect_json_key(&cc_issuer_entity, &got, "config",
			"{\"directory_url\":\"https://acme.example/dir\"}");
	expect_keys(&cc_issuer_entity, &got,
		    "config created_at enabled id name source test_status type updated_at");

	got.enabled = false;
	got.last_tested_at = T0;
	set_str(&got.test_status, "success");
	json_decref(got.config);
	got.config = NULL;
	update_reload(t, &cc_issuer_entity, &got);
	assert_false(got.enabled);
	assert_int_equal(got.last_tested_at, T0);
	assert_string_equal(got.test_status, "success");
	assert_null(got.config);
	expect_json_key(&cc_issuer_entity, &got, "config", "null");
	expect_json_key(&cc_issuer_entity, &got, "last_tested_at", "\"2026-01-01T00:00:00Z\"");
	expect_keys(&cc_issuer_entity, &got,
		    "config created_at enabled id last_tested_at name source test_status type "
		    "updated_at");

	/* request bodies cannot set server-controlled fields or the secret */
	expect_body(&cc_issuer_entity, "{\"test_status\":\"x\",\"source\":\"env\"}", 0);
	expect_body(&cc_issuer_entity, "{\"encrypted_config\":\"x\"}", -1);

	assert_int_equal(count_where(t, &cc_issuer_entity, "enabled", "true"), 0);
	mk_issuer(t, "issuer-b", "StepCA", true);
	expect_filter(t, &cc_issuer_entity, "type", "StepCA", 1, "VaultPKI");
	assert_int_equal(count_where(t, &cc_issuer_entity, "enabled", "true"), 1);
	assert_int_equal(count_where(t, &cc_issuer_entity, "enabled", "false"), 1);
	sql_ok(t, "UPDATE issuers SET source = 'env' WHERE id = $1",
	       CC_DB_ARGS(CC_DB_TEXT("issuer-b")));
	expect_filter(t, &cc_issuer_entity, "source", "env", 1, "nowhere");
	assert_int_equal(count_where(t, &cc_issuer_entity, "source", "database"), 1);

	/* still used by a certificate */
	mk_parents(t);
	mk_cert(t, "cert-1", "Active", 0);
	expect_err(cc_repo_delete(t->c, &cc_issuer_entity, "issuer-1", &err), &err, CC_E_CONFLICT);
	assert_int_equal(cc_repo_delete(t->c, &cc_issuer_entity, "issuer-b", &err), 0);
	expect_err(cc_repo_get(t->c, &cc_issuer_entity, "issuer-b", &got, &err), &err,
		   CC_E_NOT_FOUND);

	cc_obj_release(&cc_issuer_entity, &i);
	cc_obj_release(&cc_issuer_entity, &got);
}

static void test_repo_inventory__agent(void **state)
{
	struct testdb *t = TDB(state);
	struct cc_err err = CC_ERR_INIT;
	struct cc_agent got = { 0 }, a = { .name = xdup(NASTY),
					   .hostname = xdup("web-1"),
					   .api_key_hash = xdup("0123abcd") };
	struct cc_strv dirs = CC_STRV_INIT;

	insert_ok(t, &cc_agent_entity, &a);
	assert_true(!strncmp(a.id, "agent-", 6));
	assert_string_equal(a.status, "Offline");
	assert_true(a.registered_at > 0);
	assert_string_equal(a.os, "");
	assert_string_equal(a.version, "");

	assert_int_equal(cc_repo_get(t->c, &cc_agent_entity, a.id, &got, &err), 0);
	assert_string_equal(got.name, NASTY);
	assert_string_equal(got.api_key_hash, "0123abcd");
	assert_int_equal(got.last_heartbeat_at, 0);
	assert_int_equal(got.registered_at, a.registered_at);
	expect_keys(&cc_agent_entity, &got,
		    "architecture hostname id ip_address name os registered_at status version");

	set_str(&got.os, "linux");
	set_str(&got.architecture, "amd64");
	set_str(&got.version, "2.1'0");
	set_str(&got.status, "Online");
	got.last_heartbeat_at = T0;
	update_reload(t, &cc_agent_entity, &got);
	assert_string_equal(got.os, "linux");
	assert_string_equal(got.version, "2.1'0");
	assert_string_equal(got.status, "Online");
	assert_int_equal(got.last_heartbeat_at, T0);
	expect_json_key(&cc_agent_entity, &got, "last_heartbeat_at", "\"2026-01-01T00:00:00Z\"");
	expect_keys(&cc_agent_entity, &got,
		    "architecture hostname id ip_address last_heartbeat_at name os "
		    "registered_at status version");

	/* api_key_hash, status and last_heartbeat_at cannot come from a request body */
	expect_body(&cc_agent_entity,
		    "{\"status\":\"Online\",\"last_heartbeat_at\":\"2026-01-01T00:00:00Z\"}", 0);
	expect_body(&cc_agent_entity, "{\"api_key_hash\":\"x\"}", -1);

	mk_agent_hb(t, "agent-b", "Offline", 0);
	expect_filter(t, &cc_agent_entity, "status", "Online", 1, "Degraded");
	expect_filter(t, &cc_agent_entity, "os", "linux", 1, "windows");
	expect_filter(t, &cc_agent_entity, "architecture", "amd64", 1, "arm64");
	expect_filter(t, &cc_agent_entity, "version", "2.1'0", 1, "9.9");
	expect_filter(t, &cc_agent_entity, "hostname", "host-1", 1, "nohost");

	/* discovery scans keep their agent */
	cc_strv_push(&dirs, "/etc/ssl");
	sql_ok(t, "INSERT INTO discovery_scans (id, agent_id, directories) VALUES ($1, $2, $3)",
	       CC_DB_ARGS(CC_DB_TEXT("dscan-1"), CC_DB_TEXT("agent-b"), CC_DB_STRV(&dirs)));
	cc_strv_release(&dirs);
	expect_err(cc_repo_delete(t->c, &cc_agent_entity, "agent-b", &err), &err, CC_E_CONFLICT);

	assert_int_equal(cc_repo_delete(t->c, &cc_agent_entity, a.id, &err), 0);
	expect_err(cc_repo_get(t->c, &cc_agent_entity, a.id, &got, &err), &err, CC_E_NOT_FOUND);
	cc_obj_release(&cc_agent_entity, &a);
	cc_obj_release(&cc_agent_entity, &got);
}

static void test_repo_inventory__agent_heartbeat(void **state)
{
	struct testdb *t = TDB(state);
	struct cc_err err = CC_ERR_INIT;
	struct cc_agent got = { 0 };
	struct cc_agent meta = { .os = (char *)"linux",
				 .architecture = (char *)"",
				 .ip_address = (char *)"10.0.0.7",
				 .version = (char *)"3.0;'x",
				 .hostname = NULL };

	mk_agent_hb(t, "agent-1", "Offline", 0);
	sql_ok(t, "UPDATE agents SET architecture = 'arm64', version = 'old' WHERE id = $1",
	       CC_DB_ARGS(CC_DB_TEXT("agent-1")));

	assert_int_equal(cc_agent_heartbeat(t->c, "agent-1", &meta, T0, &err), 0);
	assert_int_equal(cc_repo_get(t->c, &cc_agent_entity, "agent-1", &got, &err), 0);
	assert_string_equal(got.status, "Online");
	assert_int_equal(got.last_heartbeat_at, T0);
	assert_string_equal(got.os, "linux");
	assert_string_equal(got.architecture, "arm64"); /* empty: kept */
	assert_string_equal(got.ip_address, "10.0.0.7");
	assert_string_equal(got.version, "3.0;'x");
	assert_string_equal(got.hostname, "host-1"); /* NULL: kept */
	cc_obj_release(&cc_agent_entity, &got);

	/* no metadata at all: only time and status */
	sql_ok(t, "UPDATE agents SET status = 'Offline' WHERE id = $1",
	       CC_DB_ARGS(CC_DB_TEXT("agent-1")));
	meta = (struct cc_agent){ .hostname = (char *)"web-2" };
	assert_int_equal(cc_agent_heartbeat(t->c, "agent-1", &meta, T0 + SEC, &err), 0);
	assert_int_equal(cc_agent_heartbeat(t->c, "agent-1", NULL, T0 + 2 * SEC, &err), 0);
	assert_int_equal(cc_repo_get(t->c, &cc_agent_entity, "agent-1", &got, &err), 0);
	assert_string_equal(got.status, "Online");
	assert_int_equal(got.last_heartbeat_at, T0 + 2 * SEC);
	assert_string_equal(got.hostname, "web-2");
	assert_string_equal(got.os, "linux");
	cc_obj_release(&cc_agent_entity, &got);

	expect_err(cc_agent_heartbeat(t->c, "agent-none", &meta, T0, &err), &err, CC_E_NOT_FOUND);
	assert_non_null(strstr(err.msg, "agent-none"));
}

static void test_repo_inventory__agent_mark_stale(void **state)
{
	struct testdb *t = TDB(state);
	struct cc_err err = CC_ERR_INIT;
	struct cc_agent got = { 0 };
	int changed = -1;

	mk_agent_hb(t, "agent-old", "Online", T0 - 300 * SEC);
	mk_agent_hb(t, "agent-new", "Online", T0 - 10 * SEC);
	mk_agent_hb(t, "agent-off", "Offline", T0 - 300 * SEC);
	mk_agent_hb(t, "agent-edge", "Online", T0 - 120 * SEC); /* exactly at the limit: fresh */

	assert_int_equal(cc_agent_mark_stale(t->c, T0 - 120 * SEC, &changed, &err), 0);
	assert_int_equal(changed, 1);
	assert_int_equal(cc_repo_get(t->c, &cc_agent_entity, "agent-old", &got, &err), 0);
	assert_string_equal(got.status, "Offline");
	assert_int_equal(got.last_heartbeat_at, T0 - 300 * SEC);
	cc_obj_release(&cc_agent_entity, &got);
	assert_int_equal(count_where(t, &cc_agent_entity, "status", "Online"), 2);

	assert_int_equal(cc_agent_mark_stale(t->c, T0 - 120 * SEC, &changed, &err), 0);
	assert_int_equal(changed, 0);
	assert_int_equal(cc_agent_mark_stale(t->c, T0, NULL, &err), 0);
	assert_int_equal(count_where(t, &cc_agent_entity, "status", "Online"), 0);
	assert_int_equal(count_where(t, &cc_agent_entity, "status", "Offline"), 4);
}

static void test_repo_inventory__target(void **state)
{
	struct testdb *t = TDB(state);
	struct cc_err err = CC_ERR_INIT;
	struct cc_target got = { 0 }, tg = {
		.name = xdup(NASTY),
		.type = xdup("NGINX"),
		.agent_id = xdup("agent-1"),
		.enabled = true,
		.config = json_pack("{s:s}", "cert_path", "/etc/nginx/a'b;.pem"),
		.encrypted_config = { (unsigned char *)xdup("{\"k\":1}"), 7 },
	};

	mk_agent_hb(t, "agent-1", "Online", T0);
	mk_agent_hb(t, "agent-2", "Online", T0);
	insert_ok(t, &cc_target_entity, &tg);
	assert_true(!strncmp(tg.id, "target-", 7));
	assert_string_equal(tg.test_status, "untested");
	assert_string_equal(tg.source, "database");

	assert_int_equal(cc_repo_get(t->c, &cc_target_entity, tg.id, &got, &err), 0);
	assert_string_equal(got.name, NASTY);
	assert_string_equal(got.agent_id, "agent-1");
	assert_int_equal(got.encrypted_config.n, 7);
	assert_memory_equal(got.encrypted_config.p, "{\"k\":1}", 7);
	expect_json_key(&cc_target_entity, &got, "config",
			"{\"cert_path\":\"/etc/nginx/a'b;.pem\"}");
	expect_keys(&cc_target_entity, &got,
		    "agent_id config created_at enabled id name source test_status type "
		    "updated_at");

	set_str(&got.agent_id, "agent-2");
	set_str(&got.type, "Apache");
	got.enabled = false;
	update_reload(t, &cc_target_entity, &got);
	assert_string_equal(got.agent_id, "agent-2");
	assert_string_equal(got.type, "Apache");
	assert_false(got.enabled);

	assert_int_equal(count_where(t, &cc_target_entity, "enabled", "true"), 0);
	mk_target(t, "target-b", "agent-1");
	expect_filter(t, &cc_target_entity, "agent_id", "agent-2", 1, "agent-9");
	expect_filter(t, &cc_target_entity, "type", "Apache", 1, "IIS");
	assert_int_equal(count_where(t, &cc_target_entity, "enabled", "true"), 1);
	assert_int_equal(count_where(t, &cc_target_entity, "enabled", "false"), 1);

	set_str(&got.agent_id, "agent-missing");
	expect_err(cc_repo_update(t->c, &cc_target_entity, &got, &err), &err, CC_E_CONFLICT);

	assert_int_equal(cc_repo_delete(t->c, &cc_target_entity, tg.id, &err), 0);
	expect_err(cc_repo_get(t->c, &cc_target_entity, tg.id, &got, &err), &err, CC_E_NOT_FOUND);
	/* deleting the agent takes its targets along */
	assert_int_equal(cc_repo_delete(t->c, &cc_agent_entity, "agent-1", &err), 0);
	expect_err(cc_repo_get(t->c, &cc_target_entity, "target-b", &got, &err), &err,
		   CC_E_NOT_FOUND);
	cc_obj_release(&cc_target_entity, &tg);
	cc_obj_release(&cc_target_entity, &got);
}

static void test_repo_inventory__certificate(void **state)
{
	struct testdb *t = TDB(state);
	struct cc_err err = CC_ERR_INIT;
	struct cc_certificate got = { 0 }, c = {
		.name = xdup(NASTY),
		.common_name = xdup("www.example.com"),
		.owner_id = xdup("owner-1"),
		.team_id = xdup("team-1"),
		.issuer_id = xdup("issuer-1"),
		.renewal_policy_id = xdup("rp-1"),
	};

	mk_parents(t);
	cc_strv_push(&c.sans, "www.example.com");
	cc_strv_push(&c.sans, "a\"b,c'd;{e}");
	insert_ok(t, &cc_certificate_entity, &c);
	assert_true(!strncmp(c.id, "cert-", 5));
	assert_string_equal(c.status, "Pending");
	expect_json_key(&cc_certificate_entity, &c, "tags", "{}");

	assert_int_equal(cc_repo_get(t->c, &cc_certificate_entity, c.id, &got, &err), 0);
	assert_string_equal(got.name, NASTY);
	assert_int_equal(got.sans.n, 2);
	assert_string_equal(got.sans.v[1], "a\"b,c'd;{e}");
	assert_null(got.environment);
	assert_int_equal(got.expires_at, 0);
	assert_int_equal(got.target_ids.n, 0);
	expect_keys(&cc_certificate_entity, &got,
		    "common_name created_at environment expires_at id issuer_id name owner_id "
		    "renewal_policy_id sans status tags target_ids team_id updated_at");
	expect_json_key(&cc_certificate_entity, &got, "expires_at", "\"0001-01-01T00:00:00Z\"");
	expect_json_key(&cc_certificate_entity, &got, "environment", "\"\"");

	sql_ok(t, "INSERT INTO certificate_profiles (id, name) VALUES ($1, $2)",
	       CC_DB_ARGS(CC_DB_TEXT("prof-1"), CC_DB_TEXT("p1")));
	got.environment = xdup("production");
	got.certificate_profile_id = xdup("prof-1");
	set_str(&got.status, "Active");
	got.expires_at = T0 + 30 * 86400 * SEC;
	got.last_renewal_at = T0;
	got.revoked_at = T0 + SEC;
	got.revocation_reason = xdup("keyCompromise");
	json_decref(got.tags);
	got.tags = json_pack("{s:s}", "app", "x'; --");
	cc_strv_release(&got.sans);
	update_reload(t, &cc_certificate_entity, &got);
	assert_string_equal(got.environment, "production");
	assert_string_equal(got.status, "Active");
	assert_int_equal(got.expires_at, T0 + 30 * 86400 * SEC);
	assert_int_equal(got.revoked_at, T0 + SEC);
	assert_int_equal(got.sans.n, 0);
	expect_json_key(&cc_certificate_entity, &got, "tags", "{\"app\":\"x'; --\"}");
	expect_json_key(&cc_certificate_entity, &got, "last_renewal_at",
			"\"2026-01-01T00:00:00Z\"");
	expect_keys(&cc_certificate_entity, &got,
		    "certificate_profile_id common_name created_at environment expires_at id "
		    "issuer_id last_renewal_at name owner_id renewal_policy_id revocation_reason "
		    "revoked_at sans status tags target_ids team_id updated_at");

	/* server-controlled fields are not taken from request bodies; target_ids is */
	expect_body(&cc_certificate_entity,
		    "{\"revoked_at\":\"2026-01-01T00:00:00Z\",\"revocation_reason\":\"x\","
		    "\"last_renewal_at\":\"2026-01-01T00:00:00Z\"}",
		    0);
	expect_body(&cc_certificate_entity, "{\"target_ids\":[\"target-1\"]}", 1);

	/* unknown owner, issuer, profile */
	set_str(&got.owner_id, "owner-missing");
	expect_err(cc_repo_update(t->c, &cc_certificate_entity, &got, &err), &err, CC_E_CONFLICT);
	cc_obj_release(&cc_certificate_entity, &c);
	c = (struct cc_certificate){ .name = xdup("other"),
				     .common_name = xdup("o"),
				     .owner_id = xdup("owner-1"),
				     .team_id = xdup("team-1"),
				     .issuer_id = xdup("issuer-missing"),
				     .renewal_policy_id = xdup("rp-1") };
	expect_err(cc_repo_insert(t->c, &cc_certificate_entity, &c, &err), &err, CC_E_CONFLICT);

	assert_int_equal(cc_repo_delete(t->c, &cc_certificate_entity, got.id, &err), 0);
	expect_err(cc_repo_get(t->c, &cc_certificate_entity, got.id, &got, &err), &err,
		   CC_E_NOT_FOUND);
	expect_err(cc_repo_delete(t->c, &cc_certificate_entity, got.id, &err), &err,
		   CC_E_NOT_FOUND);
	cc_obj_release(&cc_certificate_entity, &c);
	cc_obj_release(&cc_certificate_entity, &got);
}

static void test_repo_inventory__certificate_filters(void **state)
{
	struct testdb *t = TDB(state);
	const struct cc_entity *e = &cc_certificate_entity;
	struct cc_err err = CC_ERR_INIT;
	struct cc_strv ids = CC_STRV_INIT;
	struct cc_query q = { 0 };
	struct cc_list l;
	char at[CC_TIME_BUFSZ];

	mk_parents(t);
	mk_team(t, "team-2");
	mk_owner(t, "owner-2", "team-2");
	mk_issuer(t, "issuer-2", "StepCA", true);
	mk_agent_hb(t, "agent-1", "Online", T0);
	mk_agent_hb(t, "agent-2", "Online", T0);
	mk_target(t, "target-1", "agent-1");
	mk_target(t, "target-2", "agent-2");
	sql_ok(t, "INSERT INTO certificate_profiles (id, name) VALUES ($1, $2)",
	       CC_DB_ARGS(CC_DB_TEXT("prof-1"), CC_DB_TEXT("p1")));
	/* inserted newest first: the default order (created_at ascending) reverses them */
	mk_cert(t, "cert-c", "Pending", T0 + 3 * SEC);
	mk_cert(t, "cert-b", "Active", T0 + 2 * SEC);
	mk_cert(t, "cert-a", "Active", T0 + 1 * SEC);
	sql_ok(t,
	       "UPDATE managed_certificates SET environment = 'staging', owner_id = 'owner-2', "
	       "team_id = 'team-2', issuer_id = 'issuer-2', certificate_profile_id = 'prof-1', "
	       "expires_at = $2, updated_at = $3 WHERE id = $1",
	       CC_DB_ARGS(CC_DB_TEXT("cert-a"), CC_DB_TIME(T0 + 10 * 86400 * SEC),
			  CC_DB_TIME(T0 + 100 * SEC)));
	sql_ok(t, "UPDATE managed_certificates SET expires_at = $2, updated_at = $3 WHERE id = $1",
	       CC_DB_ARGS(CC_DB_TEXT("cert-b"), CC_DB_TIME(T0 + 50 * 86400 * SEC),
			  CC_DB_TIME(T0 + 50 * SEC)));
	cc_strv_push(&ids, "target-2");
	assert_int_equal(cc_certificate_set_targets(t->c, "cert-a", &ids, &err), 0);
	assert_int_equal(cc_certificate_set_targets(t->c, "cert-c", &ids, &err), 0);
	cc_strv_release(&ids);

	assert_int_equal(cc_repo_list(t->c, e, &q, &l, &err), 0);
	assert_int_equal(l.n, 3);
	assert_string_equal(((struct cc_certificate *)l.items[0])->id, "cert-a");
	assert_string_equal(((struct cc_certificate *)l.items[2])->id, "cert-c");
	cc_list_release(e, &l);

	expect_filter(t, e, "status", "Active", 2, "Revoked");
	expect_filter(t, e, "environment", "staging", 1, "production");
	expect_filter(t, e, "owner_id", "owner-2", 1, "owner-9");
	expect_filter(t, e, "team_id", "team-1", 2, "team-9");
	expect_filter(t, e, "issuer_id", "issuer-2", 1, "issuer-9");
	expect_filter(t, e, "profile_id", "prof-1", 1, "prof-9");
	expect_filter(t, e, "agent_id", "agent-2", 2, "agent-1");
	cc_time_format(T0 + 20 * 86400 * SEC, at);
	expect_filter(t, e, "expires_before", at, 1, "2026-01-05T00:00:00Z");
	expect_filter(t, e, "expires_after", at, 1, "2027-01-01T00:00:00Z");
	/* strict comparisons */
	cc_time_format(T0 + 10 * 86400 * SEC, at);
	assert_int_equal(count_where(t, e, "expires_before", at), 0);
	assert_int_equal(count_where(t, e, "expires_after", at), 1);
	cc_time_format(T0 + 2 * SEC, at);
	expect_filter(t, e, "created_after", at, 1, "2030-01-01T00:00:00Z");
	cc_time_format(T0 + 50 * SEC, at);
	expect_filter(t, e, "updated_after", at, 1 + 1 /* cert-c: updated now */,
		      "2099-01-01T00:00:00Z");

	/* filters AND together */
	assert_int_equal(cc_query_filter(&q, "status", "Active", &err), 0);
	assert_int_equal(cc_query_filter(&q, "agent_id", "agent-2", &err), 0);
	assert_int_equal(cc_repo_list(t->c, e, &q, &l, &err), 0);
	assert_int_equal(l.total, 1);
	assert_string_equal(((struct cc_certificate *)l.items[0])->id, "cert-a");
	cc_list_release(e, &l);
}

static void test_repo_inventory__certificate_targets(void **state)
{
	struct testdb *t = TDB(state);
	struct cc_err err = CC_ERR_INIT;
	struct cc_certificate got = { 0 };
	struct cc_strv ids = CC_STRV_INIT;

	mk_parents(t);
	mk_agent_hb(t, "agent-1", "Online", T0);
	mk_target(t, "target-b", "agent-1");
	mk_target(t, "target-a", "agent-1");
	mk_target(t, "target-C", "agent-1");
	mk_target(t, "target-x'y;z", "agent-1");
	mk_cert(t, "cert-1", "Active", 0);

	cc_strv_split(&ids, "target-b target-x'y;z target-a target-b target-C", ' ');
	assert_int_equal(cc_db_begin(t->c, &err), 0);
	assert_int_equal(cc_certificate_set_targets(t->c, "cert-1", &ids, &err), 0);
	assert_int_equal(cc_db_commit(t->c, &err), 0);
	assert_int_equal(cc_repo_get(t->c, &cc_certificate_entity, "cert-1", &got, &err), 0);
	assert_int_equal(got.target_ids.n, 0); /* the generic repository leaves it alone */
	assert_int_equal(cc_certificate_load_targets(t->c, &got, &err), 0);
	expect_json_key(&cc_certificate_entity, &got, "target_ids",
			"[\"target-C\",\"target-a\",\"target-b\",\"target-x'y;z\"]");

	/* replaced, not merged; loading twice does not accumulate */
	cc_strv_release(&ids);
	cc_strv_push(&ids, "target-a");
	assert_int_equal(cc_certificate_set_targets(t->c, "cert-1", &ids, &err), 0);
	assert_int_equal(cc_certificate_load_targets(t->c, &got, &err), 0);
	assert_int_equal(cc_certificate_load_targets(t->c, &got, &err), 0);
	assert_int_equal(got.target_ids.n, 1);
	assert_string_equal(got.target_ids.v[0], "target-a");

	/* an unknown target fails and the caller's rollback keeps the old mappings */
	cc_strv_push(&ids, "target-missing");
	assert_int_equal(cc_db_begin(t->c, &err), 0);
	expect_err(cc_certificate_set_targets(t->c, "cert-1", &ids, &err), &err, CC_E_CONFLICT);
	assert_non_null(strstr(err.msg, "target-missing"));
	cc_db_rollback(t->c);
	assert_int_equal(cc_certificate_load_targets(t->c, &got, &err), 0);
	assert_int_equal(got.target_ids.n, 1);

	expect_err(cc_certificate_set_targets(t->c, "cert-missing", &ids, &err), &err,
		   CC_E_NOT_FOUND);

	/* empty list: no mappings; NULL likewise */
	assert_int_equal(cc_certificate_set_targets(t->c, "cert-1", NULL, &err), 0);
	assert_int_equal(cc_certificate_load_targets(t->c, &got, &err), 0);
	assert_int_equal(got.target_ids.n, 0);
	expect_json_key(&cc_certificate_entity, &got, "target_ids", "[]");

	/* deleting a target removes its mappings */
	cc_strv_release(&ids);
	cc_strv_split(&ids, "target-a target-b", ' ');
	assert_int_equal(cc_certificate_set_targets(t->c, "cert-1", &ids, &err), 0);
	assert_int_equal(cc_repo_delete(t->c, &cc_target_entity, "target-a", &err), 0);
	assert_int_equal(cc_certificate_load_targets(t->c, &got, &err), 0);
	assert_int_equal(got.target_ids.n, 1);
	assert_string_equal(got.target_ids.v[0], "target-b");

	cc_strv_release(&ids);
	cc_obj_release(&cc_certificate_entity, &got);
}

static void expect_counts(struct testdb *t, const char *want)
{
	struct cc_err err = CC_ERR_INIT;
	json_t *counts = NULL;
	char *s;

	assert_int_equal(cc_certificate_count_by_status(t->c, &counts, &err), 0);
	s = json_dumps(counts, JSON_COMPACT | JSON_SORT_KEYS);
	assert_string_equal(s, want);
	free(s);
	json_decref(counts);
}

static void test_repo_inventory__certificate_status(void **state)
{
	struct testdb *t = TDB(state);
	struct cc_err err = CC_ERR_INIT;
	struct cc_certificate got = { 0 };

	expect_counts(t, "{}");

	mk_parents(t);
	mk_cert(t, "cert-1", "Pending", T0);
	mk_cert(t, "cert-2", "Pending", T0);
	mk_cert(t, "cert-3", "Active", T0);

	assert_int_equal(cc_certificate_set_status(t->c, "cert-2", "Revoked'; --", &err), 0);
	assert_int_equal(cc_repo_get(t->c, &cc_certificate_entity, "cert-2", &got, &err), 0);
	assert_string_equal(got.status, "Revoked'; --");
	assert_true(got.updated_at > T0);
	cc_obj_release(&cc_certificate_entity, &got);
	expect_err(cc_certificate_set_status(t->c, "cert-none", "Active", &err), &err,
		   CC_E_NOT_FOUND);
	assert_non_null(strstr(err.msg, "cert-none"));

	expect_counts(t, "{\"Active\":1,\"Pending\":1,\"Revoked'; --\":1}");
}

static void test_repo_inventory__cert_version(void **state)
{
	struct testdb *t = TDB(state);
	struct cc_err err = CC_ERR_INIT;
	struct cc_cert_version got = { 0 }, v = {
		.certificate_id = xdup("cert-1"),
		.serial_number = xdup("0a:ff"),
		.not_before = T0,
		.not_after = T0 + 90 * 86400 * SEC,
		.fingerprint_sha256 = xdup("ab12"),
		.pem_chain = xdup("-----BEGIN CERTIFICATE-----\n'; DROP TABLE x; --\n"),
	};

	mk_parents(t);
	mk_cert(t, "cert-1", "Active", T0);
	mk_cert(t, "cert-2", "Active", T0);
	insert_ok(t, &cc_cert_version_entity, &v);
	assert_true(!strncmp(v.id, "certver-", 8));
	assert_true(v.created_at > 0);
	assert_string_equal(v.key_algorithm, ""); /* DB defaults */
	assert_int_equal(v.key_size, 0);

	assert_int_equal(cc_repo_get(t->c, &cc_cert_version_entity, v.id, &got, &err), 0);
	assert_string_equal(got.pem_chain, "-----BEGIN CERTIFICATE-----\n'; DROP TABLE x; --\n");
	assert_int_equal(got.not_after, T0 + 90 * 86400 * SEC);
	assert_null(got.csr_pem);
	expect_keys(&cc_cert_version_entity, &got,
		    "certificate_id created_at csr_pem fingerprint_sha256 id not_after "
		    "not_before pem_chain serial_number");
	expect_json_key(&cc_cert_version_entity, &got, "csr_pem", "\"\"");
	expect_json_key(&cc_cert_version_entity, &got, "not_before", "\"2026-01-01T00:00:00Z\"");

	set_str(&got.key_algorithm, "ECDSA");
	got.key_size = 256;
	got.csr_pem = xdup("CSR");
	update_reload(t, &cc_cert_version_entity, &got);
	assert_string_equal(got.key_algorithm, "ECDSA");
	assert_int_equal(got.key_size, 256);
	assert_string_equal(got.csr_pem, "CSR");
	expect_keys(&cc_cert_version_entity, &got,
		    "certificate_id created_at csr_pem fingerprint_sha256 id key_algorithm "
		    "key_size not_after not_before pem_chain serial_number");

	mk_version(t, "certver-2", "cert-2", "cd34", T0);
	expect_filter(t, &cc_cert_version_entity, "certificate_id", "cert-2", 1, "cert-9");

	/* unknown certificate; fingerprint taken */
	cc_obj_release(&cc_cert_version_entity, &v);
	v = (struct cc_cert_version){ .certificate_id = xdup("cert-missing"),
				      .serial_number = xdup("1"),
				      .not_before = T0,
				      .not_after = T0,
				      .fingerprint_sha256 = xdup("ef56"),
				      .pem_chain = xdup("P") };
	expect_err(cc_repo_insert(t->c, &cc_cert_version_entity, &v, &err), &err, CC_E_CONFLICT);
	set_str(&v.certificate_id, "cert-1");
	set_str(&v.fingerprint_sha256, "cd34");
	free(v.id);
	v.id = NULL;
	expect_err(cc_repo_insert(t->c, &cc_cert_version_entity, &v, &err), &err, CC_E_CONFLICT);

	assert_int_equal(cc_repo_delete(t->c, &cc_cert_version_entity, "certver-2", &err), 0);
	expect_err(cc_repo_get(t->c, &cc_cert_version_entity, "certver-2", &got, &err), &err,
		   CC_E_NOT_FOUND);
	/* versions go with their certificate */
	assert_int_equal(cc_repo_delete(t->c, &cc_certificate_entity, "cert-1", &err), 0);
	assert_int_equal(count_where(t, &cc_cert_version_entity, NULL, NULL), 0);
	cc_obj_release(&cc_cert_version_entity, &v);
	cc_obj_release(&cc_cert_version_entity, &got);
}

static void test_repo_inventory__cert_version_lookups(void **state)
{
	struct testdb *t = TDB(state);
	struct cc_err err = CC_ERR_INIT;
	struct cc_cert_version got = { 0 };

	mk_parents(t);
	mk_cert(t, "cert-1", "Active", T0);
	mk_cert(t, "cert-2", "Active", T0);
	expect_err(cc_cert_version_latest(t->c, "cert-1", &got, &err), &err, CC_E_NOT_FOUND);
	assert_non_null(strstr(err.msg, "cert-1"));

	mk_version(t, "certver-a", "cert-1", "fp-a", T0 + 1 * SEC);
	mk_version(t, "certver-c", "cert-1", "fp-c", T0 + 3 * SEC);
	mk_version(t, "certver-b", "cert-1", "fp-b", T0 + 3 * SEC); /* same time: id decides */
	mk_version(t, "certver-z", "cert-2", "fp-z", T0 + 9 * SEC);

	assert_int_equal(cc_cert_version_latest(t->c, "cert-1", &got, &err), 0);
	assert_string_equal(got.id, "certver-c");
	cc_obj_release(&cc_cert_version_entity, &got);
	assert_int_equal(cc_cert_version_latest(t->c, "cert-2", &got, &err), 0);
	assert_string_equal(got.id, "certver-z");
	cc_obj_release(&cc_cert_version_entity, &got);

	assert_int_equal(cc_cert_version_by_fingerprint(t->c, "fp-b", &got, &err), 0);
	assert_string_equal(got.id, "certver-b");
	assert_string_equal(got.certificate_id, "cert-1");
	cc_obj_release(&cc_cert_version_entity, &got);
	expect_err(cc_cert_version_by_fingerprint(t->c, "fp-'; --", &got, &err), &err,
		   CC_E_NOT_FOUND);
	assert_null(got.id);

	/* default list order: newest first */
	{
		struct cc_query q = { 0 };
		struct cc_list l;
		assert_int_equal(cc_query_filter(&q, "certificate_id", "cert-1", &err), 0);
		assert_int_equal(cc_repo_list(t->c, &cc_cert_version_entity, &q, &l, &err), 0);
		assert_int_equal(l.n, 3);
		assert_string_equal(((struct cc_cert_version *)l.items[0])->id, "certver-c");
		assert_string_equal(((struct cc_cert_version *)l.items[2])->id, "certver-a");
		cc_list_release(&cc_cert_version_entity, &l);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_repo_inventory__owner, testdb_reset),
		cmocka_unit_test_setup(test_repo_inventory__renewal_policy, testdb_reset),
		cmocka_unit_test_setup(test_repo_inventory__issuer, testdb_reset),
		cmocka_unit_test_setup(test_repo_inventory__agent, testdb_reset),
		cmocka_unit_test_setup(test_repo_inventory__agent_heartbeat, testdb_reset),
		cmocka_unit_test_setup(test_repo_inventory__agent_mark_stale, testdb_reset),
		cmocka_unit_test_setup(test_repo_inventory__target, testdb_reset),
		cmocka_unit_test_setup(test_repo_inventory__certificate, testdb_reset),
		cmocka_unit_test_setup(test_repo_inventory__certificate_filters, testdb_reset),
		cmocka_unit_test_setup(test_repo_inventory__certificate_targets, testdb_reset),
		cmocka_unit_test_setup(test_repo_inventory__certificate_status, testdb_reset),
		cmocka_unit_test_setup(test_repo_inventory__cert_version, testdb_reset),
		cmocka_unit_test_setup(test_repo_inventory__cert_version_lookups, testdb_reset),
	};
	return TESTDB_RUN("repo-inventory", tests);
}
