/* test-api-import.c: POST /api/v1/certificates/import — leaf and chain recognised, status from
 * the dates, duplicates skipped (in the request and against the inventory), hostile PEM
 * failing its entry alone, each entry atomic, references checked once and stored as given
 * (on both engines), auth */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tests/unit/testapi.h"
#include "tests/unit/testossl.h"
#include "libcc/b64.h"
#include "libcc/buf.h"
#include "libcc/mem.h"
#include "libcc/seed-x509.h"
#include "libcc/strv.h"
#include "libcc/thresholds.h"
#include "libcc/time.h"

#define IMPORT "/api/v1/certificates/import"
#define REFS "\"owner_id\":\"o1\",\"team_id\":\"t1\",\"issuer_id\":\"i1\""

static struct cc_seed_ca *ca;
static char *ca_pem;

static int reset(void **state)
{
	testapi_reset(state);
	testapi_sql(
		TAPI(state),
		"INSERT INTO teams (id, name) VALUES ('t1', 'team');"
		"INSERT INTO owners (id, name, email, team_id) VALUES ('o1', 'o', 'o@x.io', 't1');"
		"INSERT INTO renewal_policies (id, name, renewal_window_days) VALUES "
		"('rp-default', 'default', 30);"
		"INSERT INTO issuers (id, name, type) VALUES ('i1', 'Local', 'GenericCA')");
	return 0;
}

static void make_ca(void)
{
	struct cc_err err = CC_ERR_INIT;

	struct cc_seed_leaf l;

	ca = cc_seed_x509_ca_new(cc_time_now(), &err);
	if (!ca ||
	    cc_seed_x509_leaf(ca, "x", NULL, 0, cc_time_now() + CC_DAY_USEC, 0, &l, &err) < 0)
		fail_msg("ca: %s", err.msg);
	ca_pem = cc_xstrdup(l.chain_pem + strlen(l.pem)); /* chain = leaf + CA */
	cc_seed_x509_leaf_release(&l);
}

static int setup(void **state)
{
	make_ca();
	return testapi_setup(state);
}

static int setup_pg(void **state)
{
	make_ca();
	return testapi_setup_pg(state);
}

static int teardown(void **state)
{
	cc_seed_x509_ca_free(ca);
	free(ca_pem);
	return testapi_teardown(state);
}

/* a P-256 leaf of ca (NULL: self-signed) valid from days_from to days_to (from now), the
 * SANs NULL-terminated (NULL: the CN); PEM, malloc'd. fp (may be NULL) gets its fingerprint */
static char *leaf_of(const struct cc_seed_ca *issuer, const char *cn, const char *const *sans,
		     int days_from, int days_to, unsigned flags, char fp[65])
{
	struct cc_strv sv = CC_STRV_INIT;
	struct cc_seed_leaf l;
	struct cc_err err = CC_ERR_INIT;
	int64_t now = cc_time_now();
	char *pem;

	for (size_t i = 0; sans && sans[i]; i++)
		cc_strv_push(&sv, sans[i]);
	if (cc_seed_x509_leaf(issuer, cn, &sv, now + days_from * CC_DAY_USEC,
			      now + days_to * CC_DAY_USEC, flags, &l, &err) < 0)
		fail_msg("leaf: %s", err.msg);
	pem = cc_xstrdup(l.pem);
	if (fp)
		memcpy(fp, l.fingerprint, 65);
	cc_seed_x509_leaf_release(&l);
	cc_strv_release(&sv);
	return pem;
}

static char *leaf(const char *cn, char fp[65])
{
	return leaf_of(ca, cn, NULL, -10, 80, 0, fp);
}

/* POST the entries (taken) with REFS and extra body members; the status */
static int import(struct testapi *t, json_t *entries, const char *extra)
{
	char *list = json_dumps(entries, JSON_COMPACT);
	char *body = cc_xasprintf("{\"certificates\":%s," REFS "%s%s}", list, extra ? "," : "",
				  extra ? extra : "");
	int st = testapi_call(t, "POST", IMPORT, body, NULL);

	free(body);
	free(list);
	json_decref(entries);
	return st;
}

static json_t *entry(const char *pem, const char *source)
{
	return json_pack("{s:s, s:s}", "pem", pem, "source", source);
}

static json_t *result(struct testapi *t, size_t i)
{
	json_t *r = json_array_get(json_object_get(t->json, "results"), i);

	if (!r)
		fail_msg("no result %zu: %s", i, t->body);
	return r;
}

static const char *rstr(struct testapi *t, size_t i, const char *key)
{
	const char *s = json_string_value(json_object_get(result(t, i), key));
	return s ? s : "";
}

/* COUNT(*) of the query head + arg + tail */
static long long count_of(struct testapi *t, const char *head, const char *arg, const char *tail)
{
	char *sql = cc_xasprintf("%s%s%s", head, arg, tail);
	long long n = testapi_count(t, sql);

	free(sql);
	return n;
}

static void assert_counts(struct testapi *t, int imported, int skipped, int failed)
{
	if (json_integer_value(json_object_get(t->json, "imported")) != imported ||
	    json_integer_value(json_object_get(t->json, "skipped")) != skipped ||
	    json_integer_value(json_object_get(t->json, "failed")) != failed)
		fail_msg("want %d/%d/%d: %s", imported, skipped, failed, t->body);
}

static void assert_reason(struct testapi *t, size_t i, const char *status, const char *words)
{
	if (strcmp(rstr(t, i, "status"), status) || !strstr(rstr(t, i, "reason"), words))
		fail_msg("result %zu: want %s with '%s': %s", i, status, words,
			 json_dumps(result(t, i), JSON_COMPACT));
}

static void test_api_import__leaf_and_chain(void **state)
{
	struct testapi *t = TAPI(state);
	char fp[65], fp2[65], *a = leaf("a.example.com", fp), *b = leaf("b.example.com", fp2);
	/* the CA before the leaf and after it: either way the chain is found */
	char *ab = cc_xasprintf("junk text\n%s\n%s", a, ca_pem), *ba = NULL;
	const char *id;

	ba = cc_xasprintf("%s%s", ca_pem, b);
	assert_int_equal(import(t, json_pack("[o, o]", entry(ab, "a.pem"), entry(ba, "b.pem")),
				"\"environment\":\"production\",\"name_prefix\":\"imp-\""),
			 200);
	assert_counts(t, 2, 0, 0);
	assert_string_equal(rstr(t, 0, "status"), "imported");
	assert_string_equal(rstr(t, 0, "fingerprint_sha256"), fp);
	assert_string_equal(rstr(t, 0, "source"), "a.pem");
	assert_int_equal(json_integer_value(json_object_get(result(t, 0), "chain_length")), 1);
	assert_int_equal(json_integer_value(json_object_get(result(t, 1), "chain_length")), 1);
	id = rstr(t, 0, "certificate_id");
	assert_true(!strncmp(id, "cert-", 5));
	id = cc_xstrdup(id);
	assert_status(t, "GET", "/api/v1/certificates/x", NULL, 404);
	testapi_callf(t, "GET", NULL, "/api/v1/certificates/%s", id);
	assert_int_equal(t->status, 200);
	assert_string_equal(testapi_str(t, "common_name"), "a.example.com");
	assert_string_equal(testapi_str(t, "name"), "imp-a.example.com");
	assert_string_equal(testapi_str(t, "status"), "Active");
	assert_string_equal(testapi_str(t, "environment"), "production");
	assert_string_equal(testapi_str(t, "owner_id"), "o1");
	assert_string_equal(testapi_str(t, "renewal_policy_id"), "rp-default");
	assert_string_equal(json_string_value(json_object_get(json_object_get(t->json, "tags"),
							      "imported_from")),
			    "a.pem");
	assert_string_equal(json_string_value(json_array_get(json_object_get(t->json, "sans"), 0)),
			    "a.example.com");
	assert_true(strncmp(testapi_str(t, "expires_at"), "0001", 4));
	/* one version: leaf then CA, the key facts */
	testapi_callf(t, "GET", NULL, "/api/v1/certificates/%s/versions", id);
	assert_int_equal(t->status, 200);
	{
		json_t *v = json_array_get(json_object_get(t->json, "data"), 0);
		const char *chain = json_string_value(json_object_get(v, "pem_chain"));

		assert_string_equal(json_string_value(json_object_get(v, "fingerprint_sha256")),
				    fp);
		assert_string_equal(json_string_value(json_object_get(v, "key_algorithm")),
				    "ECDSA");
		assert_int_equal(json_integer_value(json_object_get(v, "key_size")), 256);
		assert_true(strlen(json_string_value(json_object_get(v, "serial_number"))) > 0);
		assert_int_equal(strncmp(chain, a, strlen(a)), 0);
		assert_non_null(strstr(chain + strlen(a), ca_pem));
		assert_null(strstr(chain, "junk"));
	}
	assert_int_equal(count_of(t,
				  "SELECT COUNT(*) FROM audit_events WHERE action = "
				  "'certificate_imported' AND resource_id = '",
				  id, "' AND actor_type = 'User' AND details LIKE '%a.pem%'"),
			 1);
	free((char *)id);
	free(a);
	free(b);
	free(ab);
	free(ba);
}

static void test_api_import__duplicates(void **state)
{
	struct testapi *t = TAPI(state);
	char fp[65], *a = leaf("a.example.com", fp), *b = leaf("b.example.com", NULL);
	char *a_chain = cc_xasprintf("%s%s", a, ca_pem), *id;

	assert_int_equal(import(t,
				json_pack("[o, o, o]", entry(a, "a.pem"),
					  entry(a_chain, "again.pem"), entry(b, "b.pem")),
				NULL),
			 200);
	assert_counts(t, 2, 1, 0);
	assert_reason(t, 1, "skipped", "duplicate of entry 0 in this request");
	assert_string_equal(rstr(t, 1, "fingerprint_sha256"), fp);
	id = cc_xstrdup(rstr(t, 0, "certificate_id"));
	assert_string_equal(rstr(t, 1, "certificate_id"), id);
	/* a second import finds them in the inventory */
	assert_int_equal(import(t, json_pack("[o]", entry(a_chain, "a.pem")), NULL), 200);
	assert_counts(t, 0, 1, 0);
	assert_reason(t, 0, "skipped", "already in the inventory as ");
	assert_non_null(strstr(rstr(t, 0, "reason"), id));
	assert_string_equal(rstr(t, 0, "certificate_id"), id);
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM managed_certificates"), 2);
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM certificate_versions"), 2);
	/* the same common name again (a renewed certificate): the name gets its fingerprint */
	free(b);
	b = leaf("a.example.com", fp);
	assert_int_equal(import(t, json_pack("[o]", entry(b, "renewed.pem")), NULL), 200);
	assert_counts(t, 1, 0, 0);
	fp[12] = '\0';
	assert_int_equal(count_of(t,
				  "SELECT COUNT(*) FROM managed_certificates WHERE name = "
				  "'a.example.com-",
				  fp, "'"),
			 1);
	free(id);
	free(a);
	free(b);
	free(a_chain);
}

static void test_api_import__status_from_dates(void **state)
{
	struct testapi *t = TAPI(state);
	char *old = leaf_of(ca, "old.example.com", NULL, -100, -1, 0, NULL);
	char *soon = leaf_of(ca, "soon.example.com", NULL, -80, 10, 0, NULL);
	char *fine = leaf_of(ca, "fine.example.com", NULL, -1, 200, 0, NULL);

	assert_int_equal(import(t,
				json_pack("[o, o, o]", entry(old, "old.pem"),
					  entry(soon, "soon.pem"), entry(fine, "fine.pem")),
				NULL),
			 200);
	assert_counts(t, 3, 0, 0);
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM managed_certificates WHERE "
					  "common_name = 'old.example.com' AND status = 'Expired'"),
			 1);
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM managed_certificates WHERE "
					  "common_name = 'soon.example.com' AND status = "
					  "'Expiring'"),
			 1);
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM managed_certificates WHERE "
					  "common_name = 'fine.example.com' AND status = 'Active'"),
			 1);
	free(old);
	free(soon);
	free(fine);
}

/* one PEM block around der (n bytes) */
static char *pem_block(const unsigned char *der, size_t n)
{
	char *b64 = cc_b64_encode(der, n), *pem;
	struct cc_buf b = CC_BUF_INIT;
	size_t len = strlen(b64);

	cc_buf_adds(&b, "-----BEGIN CERTIFICATE-----\n");
	for (size_t i = 0; i < len; i += 64) {
		cc_buf_add(&b, b64 + i, len - i < 64 ? len - i : 64);
		cc_buf_addc(&b, '\n');
	}
	cc_buf_adds(&b, "-----END CERTIFICATE-----\n");
	free(b64);
	pem = cc_buf_detach(&b, NULL);
	return pem;
}

/* the DER of a PEM certificate (malloc'd) */
static unsigned char *der_of(const char *pem, size_t *n)
{
	const char *s = strstr(pem, "-----\n") + 6, *e = strstr(pem, "-----END");
	char *b64 = cc_xstrndup(s, (size_t)(e - s));
	unsigned char *der;

	assert_int_equal(cc_b64_decode(b64, &der, n), 0);
	free(b64);
	return der;
}

static void test_api_import__hostile_entries(void **state)
{
	struct testapi *t = TAPI(state);
	char *good = leaf("good.example.com", NULL), *other = leaf("other.example.com", NULL);
	size_t n;
	unsigned char *der = der_of(good, &n), *longer = cc_xmalloc(n + 3);
	static const unsigned char not_cert[] = { 0x02, 0x01, 0x05 };
	char *truncated = pem_block(der, n / 2), *trailing, *bad64 = cc_xstrdup(good);
	char *no_end = cc_xstrndup(good, (size_t)(strstr(good, "-----END") - good));
	char *two = cc_xasprintf("%s%s", good, other), *integer = pem_block(not_cert, 3);
	struct cc_buf many = CC_BUF_INIT;
	json_t *entries;

	memcpy(longer, der, n);
	memcpy(longer + n, "\x05\x00\x00", 3);
	trailing = pem_block(longer, n + 3);
	bad64[strlen("-----BEGIN CERTIFICATE-----\n") + 40] = '!'; /* on line 2 */
	for (int i = 0; i < 33; i++)
		cc_buf_adds(&many, ca_pem);
	entries = json_pack(
		"[o, o, o, o, o, o, o, o, i, {s:s, s:s}, o, o, o, o]",
		entry("hello, not a certificate", "garbage.txt"), entry(truncated, "cut.der"),
		entry(bad64, "bad64.pem"), entry(no_end, "no-end.pem"), entry(ca_pem, "ca.pem"),
		entry(two, "two.pem"), entry(integer, "int.pem"), entry(good, "good.pem"), 5, "pem",
		good, "der", "x",
		entry("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", "key.pem"),
		entry(many.buf, "many.pem"), entry(trailing, "trailing.pem"), entry("", "empty"));
	assert_int_equal(import(t, entries, NULL), 200);
	assert_counts(t, 1, 0, 13);
	assert_reason(t, 0, "failed", "no PEM block");
	assert_reason(t, 1, "failed", "truncated certificate");
	assert_reason(t, 2, "failed", "invalid base64 at line 2");
	assert_reason(t, 3, "failed", "no END line");
	assert_reason(t, 4, "failed", "only CA certificates (1)");
	assert_reason(t, 5, "failed", "2 end-entity certificates");
	assert_reason(t, 6, "failed", "not an X.509 certificate");
	assert_string_equal(rstr(t, 7, "status"), "imported");
	assert_reason(t, 8, "failed", "an entry must be an object");
	assert_reason(t, 9, "failed", "unknown field 'der'");
	assert_reason(t, 10, "failed", "no certificate in the PEM, only PRIVATE KEY");
	assert_reason(t, 11, "failed", "more than 32 certificates");
	assert_reason(t, 12, "failed", "trailing data");
	assert_reason(t, 13, "failed", "pem is required");
	assert_string_equal(rstr(t, 2, "source"), "bad64.pem");
	/* nothing of the failed ones was written */
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM managed_certificates"), 1);
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM certificate_versions"), 1);
	free(good);
	free(other);
	free(der);
	free(longer);
	free(truncated);
	free(trailing);
	free(bad64);
	free(no_end);
	free(two);
	free(integer);
	cc_buf_release(&many);
}

static void test_api_import__san_limits(void **state)
{
	struct testapi *t = TAPI(state);
	const char **sans = cc_xcalloc(1002, sizeof(*sans));
	char **names = cc_xcalloc(1001, sizeof(*names)), *big, *wide;

	for (int i = 0; i < 1001; i++)
		sans[i] = names[i] = cc_xasprintf("host-%04d.example.com", i);
	big = leaf_of(ca, "big.example.com", sans, -1, 80, 0, NULL);
	sans[400] = NULL;
	wide = leaf_of(ca, "wide.example.com", sans, -1, 80, 0, NULL);
	assert_int_equal(
		import(t, json_pack("[o, o]", entry(big, "big.pem"), entry(wide, "w.pem")), NULL),
		200);
	assert_counts(t, 1, 0, 1);
	assert_reason(t, 0, "failed", "1001 subjectAltNames: at most 1000");
	assert_int_equal(testapi_count(t,
				       "SELECT json_array_length(sans) FROM managed_certificates "
				       "WHERE common_name = 'wide.example.com'"),
			 400);
	for (int i = 0; i < 1001; i++)
		free(names[i]);
	free(names);
	free(sans);
	free(big);
	free(wide);
}

/* a version that cannot be written takes its certificate row with it; the others stay */
static void test_api_import__entry_atomic(void **state)
{
	struct testapi *t = TAPI(state);
	char fp[65], *a = leaf("a.example.com", NULL), *b = leaf("b.example.com", fp);
	char *c = leaf("c.example.com", NULL);
	char *trigger = cc_xasprintf("CREATE TRIGGER import_boom BEFORE INSERT ON "
				     "certificate_versions WHEN NEW.fingerprint_sha256 = '%s' "
				     "BEGIN SELECT RAISE(ABORT, 'boom'); END",
				     fp);

	testapi_sql(t, trigger);
	assert_int_equal(import(t,
				json_pack("[o, o, o]", entry(a, "atomic-a.pem"),
					  entry(b, "atomic-b.pem"), entry(c, "atomic-c.pem")),
				NULL),
			 200);
	testapi_sql(t, "DROP TRIGGER import_boom");
	assert_counts(t, 2, 0, 1);
	assert_string_equal(rstr(t, 1, "status"), "failed");
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM managed_certificates WHERE "
					  "common_name = 'b.example.com'"),
			 0);
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM managed_certificates"), 2);
	/* audit rows outlive the reset: these sources are this test's own */
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM audit_events WHERE action = "
					  "'certificate_imported' AND details LIKE '%atomic-%'"),
			 2);
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM audit_events WHERE action = "
					  "'certificate_imported' AND details LIKE '%atomic-b%'"),
			 0);
	/* the same entry later goes through */
	assert_int_equal(import(t, json_pack("[o]", entry(b, "b.pem")), NULL), 200);
	assert_counts(t, 1, 0, 0);
	free(trigger);
	free(a);
	free(b);
	free(c);
}

/* a self-signed server certificate saying CA:TRUE is a leaf when it names a host */
static void test_api_import__self_signed(void **state)
{
	struct testapi *t = TAPI(state);
	char *dir = testossl_tmpdir("import"), *crt = testossl_path(dir, "c.pem"),
	     *key = testossl_path(dir, "k.pem"), *out = NULL, *with_san, *without;

	if (testossl_self_signed(&out, crt, key, "self.example.com",
				 "subjectAltName=DNS:self.example.com") != 0)
		fail_msg("openssl: %s", out);
	with_san = testossl_read(crt, NULL);
	free(out);
	out = NULL;
	if (testossl_self_signed(&out, crt, key, "root.example.com", NULL) != 0)
		fail_msg("openssl: %s", out);
	without = testossl_read(crt, NULL);
	assert_int_equal(
		import(t,
		       json_pack("[o, o]", entry(with_san, "self.pem"), entry(without, "root.pem")),
		       NULL),
		200);
	assert_counts(t, 1, 0, 1);
	assert_int_equal(json_integer_value(json_object_get(result(t, 0), "chain_length")), 0);
	assert_reason(t, 1, "failed", "only CA certificates");
	testossl_rmdir(dir);
	free(dir);
	free(crt);
	free(key);
	free(out);
	free(with_san);
	free(without);
}

/* the policy engine sees every imported certificate; a violation does not refuse it */
static void test_api_import__policy_check(void **state)
{
	struct testapi *t = TAPI(state);
	char *a = leaf("a.example.com", NULL);

	assert_status(t, "POST", "/api/v1/policies",
		      "{\"id\":\"r-day\",\"name\":\"one day\",\"type\":\"MaxLifetime\","
		      "\"severity\":\"Error\",\"config\":{\"max_days\":1}}",
		      201);
	assert_int_equal(import(t, json_pack("[o]", entry(a, "a.pem")), NULL), 200);
	assert_counts(t, 1, 0, 0);
	assert_int_equal(json_integer_value(json_object_get(result(t, 0), "policy_violations")), 1);
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM policy_violations WHERE rule_id = "
					  "'r-day'"),
			 1);
	free(a);
}

static void test_api_import__bad_requests(void **state)
{
	struct testapi *t = TAPI(state);
	char *a = leaf("a.example.com", NULL);
	json_t *e = json_pack("[o]", entry(a, "a.pem")), *many = json_array();
	char *list = json_dumps(e, JSON_COMPACT), *body;

	body = cc_xasprintf("{\"certificates\":%s}", list);
	assert_status(t, "POST", IMPORT, body, 400);
	assert_non_null(
		strstr(testapi_str(t, "message"), "required: owner_id, team_id, issuer_id"));
	/* 401 before anything else */
	assert_int_equal(testapi_call(t, "POST", IMPORT, body, ""), 401);
	free(body);
	body = cc_xasprintf("{\"certificates\":%s,\"owner_id\":\"nobody\",\"team_id\":\"t1\","
			    "\"issuer_id\":\"i1\",\"renewal_policy_id\":\"rp-x\"}",
			    list);
	assert_status(t, "POST", IMPORT, body, 400);
	assert_non_null(strstr(testapi_str(t, "message"), "owner_id 'nobody'"));
	assert_non_null(strstr(testapi_str(t, "message"), "renewal_policy_id 'rp-x'"));
	free(body);
	assert_status(t, "POST", IMPORT, "{\"certificates\":[]," REFS "}", 400);
	assert_status(t, "POST", IMPORT, "{\"certificates\":[{\"pem\":\"x\"}],\"owner\":\"o1\"}",
		      400);
	assert_non_null(strstr(testapi_str(t, "message"), "unknown field 'owner'"));
	assert_status(t, "POST", IMPORT,
		      "{\"certificates\":[{\"pem\":\"x\"}],\"owner_id\":5,\"team_id\":\"t1\"}",
		      400);
	assert_status(t, "POST", IMPORT, "[1]", 400);
	for (int i = 0; i < 501; i++)
		json_array_append_new(many, json_pack("{s:s}", "pem", "x"));
	assert_int_equal(import(t, many, NULL), 400);
	assert_non_null(strstr(testapi_str(t, "message"), "1 to 500"));
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM managed_certificates"), 0);
	json_decref(e);
	free(list);
	free(a);
}

/* the owner, team and issuer the request names are the ones stored (not the first rows) */
static void test_api_import__references_stored(void **state)
{
	struct testapi *t = TAPI(state);
	char *a = leaf("a.example.com", NULL), *b = leaf("b.example.com", NULL);
	char *pem = cc_xasprintf("%s%s", a, ca_pem), *list, *body;
	json_t *entries = json_pack("[o, o]", entry(pem, "a.pem"), entry(b, "b.pem"));

	testapi_sql(t, "INSERT INTO teams (id, name) VALUES ('t2', 'other');"
		       "INSERT INTO owners (id, name, email, team_id) VALUES ('o2', 'p', "
		       "'p@x.io', 't2');"
		       "INSERT INTO issuers (id, name, type) VALUES ('i2', 'Other', 'GenericCA')");
	list = json_dumps(entries, JSON_COMPACT);
	body = cc_xasprintf("{\"certificates\":%s,\"owner_id\":\"o2\",\"team_id\":\"t2\","
			    "\"issuer_id\":\"i2\"}",
			    list);
	assert_status(t, "POST", IMPORT, body, 200);
	assert_counts(t, 2, 0, 0);
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM managed_certificates"), 2);
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM managed_certificates c JOIN "
					  "certificate_versions v ON v.certificate_id = c.id "
					  "WHERE c.owner_id = 'o2' AND c.team_id = 't2' AND "
					  "c.issuer_id = 'i2'"),
			 2);
	json_decref(entries);
	free(body);
	free(list);
	free(pem);
	free(a);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_api_import__leaf_and_chain, reset),
		cmocka_unit_test_setup(test_api_import__duplicates, reset),
		cmocka_unit_test_setup(test_api_import__status_from_dates, reset),
		cmocka_unit_test_setup(test_api_import__hostile_entries, reset),
		cmocka_unit_test_setup(test_api_import__san_limits, reset),
		cmocka_unit_test_setup(test_api_import__entry_atomic, reset),
		cmocka_unit_test_setup(test_api_import__self_signed, reset),
		cmocka_unit_test_setup(test_api_import__policy_check, reset),
		cmocka_unit_test_setup(test_api_import__bad_requests, reset),
	};

	const struct CMUnitTest both[] = {
		cmocka_unit_test_setup(test_api_import__references_stored, reset),
	};

	return cmocka_run_group_tests(tests, setup, teardown) +
	       cmocka_run_group_tests_name("api-import [sqlite]", both, setup, teardown) +
	       (testapi_have_pg() ? cmocka_run_group_tests_name("api-import [postgresql]", both,
								setup_pg, teardown)
				  : 0);
}
