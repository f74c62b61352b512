/* test-seed.c: the demo data set (`certctl db seed --demo`) on both engines */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include "tests/unit/testdb.h"
#include "libcc/profile.h"
#include "libcc/repo.h"
#include "libcc/seed.h"
#include "libcc/mem.h"
#include "libcc/time.h"

#define DAY (86400 * CC_USEC_PER_SEC)
#define TOTAL_ROWS 294
#define AUDIT_ROWS 53

/* every table the seed writes; audit_events survives testdb_reset, so it is counted by the
 * seed's own id prefix */
static const struct {
	const char *sql;
	int64_t rows;
} counts[] = {
	{ "SELECT count(*) FROM teams", 6 },
	{ "SELECT count(*) FROM owners", 6 },
	{ "SELECT count(*) FROM renewal_policies", 4 },
	{ "SELECT count(*) FROM issuers", 13 },
	{ "SELECT count(*) FROM agents", 12 },
	{ "SELECT count(*) FROM deployment_targets", 8 },
	{ "SELECT count(*) FROM certificate_profiles", 5 },
	{ "SELECT count(*) FROM managed_certificates", 32 },
	{ "SELECT count(*) FROM certificate_target_mappings", 34 },
	{ "SELECT count(*) FROM certificate_versions", 16 },
	{ "SELECT count(*) FROM certificate_revocations", 1 },
	{ "SELECT count(*) FROM jobs", 44 },
	{ "SELECT count(*) FROM audit_events WHERE id LIKE 'audit-%'", AUDIT_ROWS },
	{ "SELECT count(*) FROM policy_rules", 6 },
	{ "SELECT count(*) FROM policy_violations", 6 },
	{ "SELECT count(*) FROM notification_events", 15 },
	{ "SELECT count(*) FROM agent_groups", 6 },
	{ "SELECT count(*) FROM agent_group_members", 3 },
	{ "SELECT count(*) FROM network_scan_targets", 4 },
	{ "SELECT count(*) FROM discovery_scans", 8 },
	{ "SELECT count(*) FROM discovered_certificates", 12 },
};

/* every row of every table, in a fixed order: "changes nothing" compares these */
static const char *const dumps[] = {
	"SELECT * FROM teams ORDER BY 1",
	"SELECT * FROM owners ORDER BY 1",
	"SELECT * FROM renewal_policies ORDER BY 1",
	"SELECT * FROM issuers ORDER BY 1",
	"SELECT * FROM agents ORDER BY 1",
	"SELECT * FROM deployment_targets ORDER BY 1",
	"SELECT * FROM certificate_profiles ORDER BY 1",
	"SELECT * FROM managed_certificates ORDER BY 1",
	"SELECT * FROM certificate_target_mappings ORDER BY 1, 2",
	"SELECT * FROM certificate_versions ORDER BY 1",
	"SELECT * FROM certificate_revocations ORDER BY 1",
	"SELECT * FROM jobs ORDER BY 1",
	"SELECT * FROM audit_events WHERE id LIKE 'audit-%' ORDER BY 1",
	"SELECT * FROM policy_rules ORDER BY 1",
	"SELECT * FROM policy_violations ORDER BY 1",
	"SELECT * FROM notification_events ORDER BY 1",
	"SELECT * FROM agent_groups ORDER BY 1",
	"SELECT * FROM agent_group_members ORDER BY 1, 2",
	"SELECT * FROM network_scan_targets ORDER BY 1",
	"SELECT * FROM discovery_scans ORDER BY 1",
	"SELECT * FROM discovered_certificates ORDER BY 1",
};

static int64_t count_args(struct testdb *t, const char *sql, const struct cc_dbarg *args, int n)
{
	struct cc_dbres r = CC_DBRES_INIT;
	struct cc_err err = CC_ERR_INIT;
	int64_t v;

	if (cc_db_exec(t->c, sql, args, n, &r, &err) < 0)
		fail_msg("%s: %s", sql, err.msg);
	assert_int_equal(r.nrows, 1);
	v = cc_dbres_int(&r, 0, 0);
	cc_dbres_release(&r);
	return v;
}

static int64_t count(struct testdb *t, const char *sql)
{
	return count_args(t, sql, NULL, 0);
}

static void seed(struct testdb *t, struct cc_seed_stats *st)
{
	struct cc_err err = CC_ERR_INIT;

	if (cc_seed_demo(t->db, st, &err) < 0)
		fail_msg("seed: %s", err.msg);
}

/* audit rows survive testdb_reset: the first seed on an engine inserts them, later ones skip */
static int64_t audit_before(struct testdb *t)
{
	return count(t, "SELECT count(*) FROM audit_events WHERE id LIKE 'audit-%'");
}

static void test_seed__row_counts(void **state)
{
	struct testdb *t = TDB(state);
	struct cc_seed_stats st;
	int64_t audit = audit_before(t);

	assert_true(audit == 0 || audit == AUDIT_ROWS);
	seed(t, &st);
	assert_int_equal(st.inserted, TOTAL_ROWS - audit);
	assert_int_equal(st.skipped, audit);
	for (size_t i = 0; i < CC_ARRAY_SIZE(counts); i++)
		if (count(t, counts[i].sql) != counts[i].rows)
			fail_msg("%s: %lld, expected %lld", counts[i].sql,
				 (long long)count(t, counts[i].sql), (long long)counts[i].rows);
}

static char *dump_all(struct testdb *t)
{
	struct cc_err err = CC_ERR_INIT;
	size_t len = 0;
	char *out = cc_xstrdup("");

	for (size_t i = 0; i < CC_ARRAY_SIZE(dumps); i++) {
		struct cc_dbres r = CC_DBRES_INIT;

		if (cc_db_exec(t->c, dumps[i], NULL, 0, &r, &err) < 0)
			fail_msg("%s: %s", dumps[i], err.msg);
		for (int c = 0; c < r.nrows * r.ncols; c++) {
			const char *cell = r.cells[c] ? r.cells[c] : "<null>";
			size_t n = strlen(cell);
			out = cc_xrealloc(out, len + n + 2);
			memcpy(out + len, cell, n);
			len += n;
			out[len++] = '|';
			out[len] = '\0';
		}
		cc_dbres_release(&r);
	}
	return out;
}

static void test_seed__twice_changes_nothing(void **state)
{
	struct testdb *t = TDB(state);
	struct cc_seed_stats st;
	char *before, *after;

	seed(t, &st);
	before = dump_all(t);
	seed(t, &st);
	assert_int_equal(st.inserted, 0);
	assert_int_equal(st.skipped, TOTAL_ROWS);
	after = dump_all(t);
	assert_string_equal(before, after);
	free(before);
	free(after);
}

static void test_seed__statuses_match_expiry(void **state)
{
	struct testdb *t = TDB(state);
	struct cc_seed_stats st;
	int64_t now = cc_time_now();
	static const struct {
		const char *status;
		int64_t n;
	} want[] = { { "Active", 21 }, { "Expiring", 4 },	   { "Expired", 3 },
		     { "Failed", 2 },  { "RenewalInProgress", 1 }, { "Revoked", 1 } };

	seed(t, &st);
	for (size_t i = 0; i < CC_ARRAY_SIZE(want); i++)
		assert_int_equal(count_args(t,
					    "SELECT count(*) FROM managed_certificates "
					    "WHERE status = $1",
					    CC_DB_ARGS(CC_DB_TEXT(want[i].status))),
				 want[i].n);
	/* Active: 31..365 days ahead; Expiring: within 30 days; Expired: in the past */
	assert_int_equal(
		count_args(t,
			   "SELECT count(*) FROM managed_certificates WHERE status = "
			   "'Active' AND (expires_at IS NULL OR expires_at < $1 OR "
			   "expires_at > $2)",
			   CC_DB_ARGS(CC_DB_TIME(now + 30 * DAY), CC_DB_TIME(now + 366 * DAY))),
		0);
	assert_int_equal(count_args(t,
				    "SELECT count(*) FROM managed_certificates WHERE status = "
				    "'Expiring' AND (expires_at IS NULL OR expires_at < $1 OR "
				    "expires_at > $2)",
				    CC_DB_ARGS(CC_DB_TIME(now), CC_DB_TIME(now + 31 * DAY))),
			 0);
	assert_int_equal(count_args(t,
				    "SELECT count(*) FROM managed_certificates WHERE status = "
				    "'Expired' AND (expires_at IS NULL OR expires_at > $1)",
				    CC_DB_ARGS(CC_DB_TIME(now))),
			 0);
	/* S/MIME, wildcard and IP certificates are all there */
	assert_true(count(t, "SELECT count(*) FROM managed_certificates "
			     "WHERE certificate_profile_id = 'prof-smime'") >= 2);
	assert_true(count(t, "SELECT count(*) FROM managed_certificates "
			     "WHERE common_name LIKE '*.%'") >= 2);
	assert_true(count(t, "SELECT count(*) FROM managed_certificates "
			     "WHERE common_name LIKE '10.%'") >= 2);
}

/* the S/MIME profile permits emailProtection, and its certificates' versions carry it */
static void test_seed__smime_profile_protects_email(void **state)
{
	struct testdb *t = TDB(state);
	struct cc_seed_stats st;
	struct cc_err err = CC_ERR_INIT;
	struct cc_profile p = { 0 };
	struct cc_dbres r = CC_DBRES_INIT;
	json_t *e;
	size_t i;
	bool email = false;

	seed(t, &st);
	if (cc_repo_get(t->c, &cc_profile_entity, "prof-smime", &p, &err) < 0)
		fail_msg("prof-smime: %s", err.msg);
	assert_true(p.enabled);
	json_array_foreach (p.allowed_ekus, i, e)
		email |= !strcmp(json_string_value(e) ? json_string_value(e) : "",
				 "emailProtection");
	assert_true(email);
	cc_obj_release(&cc_profile_entity, &p);
	assert_ok(cc_db_exec(t->c,
			     "SELECT v.pem_chain FROM certificate_versions v JOIN "
			     "managed_certificates c ON c.id = v.certificate_id WHERE "
			     "c.certificate_profile_id = 'prof-smime'",
			     NULL, 0, &r, &err));
	assert_true(r.nrows >= 1);
	for (int row = 0; row < r.nrows; row++) {
		BIO *b = BIO_new_mem_buf(cc_dbres_str(&r, row, 0), -1);
		X509 *leaf = PEM_read_bio_X509(b, NULL, NULL, NULL);

		assert_non_null(leaf);
		assert_true(X509_get_extension_flags(leaf) & EXFLAG_XKUSAGE);
		assert_true(X509_get_extended_key_usage(leaf) & XKU_SMIME);
		X509_free(leaf);
		BIO_free(b);
	}
	cc_dbres_release(&r);
}

static void hex_lower(const unsigned char *d, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
}

/* the chain is leaf + demo CA; fingerprint, serial and validity match the row; the CSR
 * belongs to the leaf key */
static void check_version(const struct cc_dbres *r, int row, char **ca_pem)
{
	const char *id = cc_dbres_str(r, row, 0), *pem = cc_dbres_str(r, row, 3);
	const char *csr_pem = cc_dbres_str(r, row, 4), *ca_start;
	BIO *b = BIO_new_mem_buf(pem, -1), *cb = BIO_new_mem_buf(csr_pem, -1);
	X509 *leaf = PEM_read_bio_X509(b, NULL, NULL, NULL);
	X509 *ca = PEM_read_bio_X509(b, NULL, NULL, NULL);
	X509_REQ *req = PEM_read_bio_X509_REQ(cb, NULL, NULL, NULL);
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	char fp[2 * EVP_MAX_MD_SIZE + 1];
	BIGNUM *bn = NULL;
	char *serial = NULL;
	struct tm tm;

	if (!leaf || !ca || !req)
		fail_msg("%s: pem_chain or csr_pem does not parse", id);
	assert_int_equal(X509_digest(leaf, EVP_sha256(), md, &n), 1);
	hex_lower(md, n, fp);
	assert_string_equal(fp, cc_dbres_str(r, row, 2));
	bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(leaf), NULL);
	serial = BN_bn2hex(bn);
	for (char *p = serial; *p; p++) /* stored in lower case, as issued serials are */
		*p = (char)tolower((unsigned char)*p);
	assert_string_equal(serial, cc_dbres_str(r, row, 1));
	assert_int_equal(strlen(serial), 32);
	assert_int_equal(X509_verify(leaf, X509_get0_pubkey(ca)), 1);
	assert_int_equal(ASN1_TIME_to_tm(X509_get0_notAfter(leaf), &tm), 1);
	assert_int_equal((int64_t)timegm(&tm) * CC_USEC_PER_SEC, cc_dbres_time(r, row, 6));
	assert_int_equal(ASN1_TIME_to_tm(X509_get0_notBefore(leaf), &tm), 1);
	assert_int_equal((int64_t)timegm(&tm) * CC_USEC_PER_SEC, cc_dbres_time(r, row, 5));
	assert_int_equal(X509_REQ_verify(req, X509_REQ_get0_pubkey(req)), 1);
	assert_int_equal(EVP_PKEY_eq(X509_REQ_get0_pubkey(req), X509_get0_pubkey(leaf)), 1);
	assert_null(strstr(csr_pem, "PRIVATE KEY"));
	assert_int_equal(EVP_PKEY_get_bits(X509_get0_pubkey(leaf)), 256);
	assert_string_equal(cc_dbres_str(r, row, 7), "ECDSA");
	assert_int_equal(cc_dbres_int(r, row, 8), 256);
	/* one demo CA signs every version */
	ca_start = strstr(pem + 1, "-----BEGIN CERTIFICATE-----");
	assert_non_null(ca_start);
	if (!*ca_pem)
		*ca_pem = cc_xstrdup(ca_start);
	assert_string_equal(*ca_pem, ca_start);
	OPENSSL_free(serial);
	BN_free(bn);
	X509_REQ_free(req);
	X509_free(leaf);
	X509_free(ca);
	BIO_free(b);
	BIO_free(cb);
}

static void test_seed__versions_are_real_certificates(void **state)
{
	struct testdb *t = TDB(state);
	struct cc_seed_stats st;
	struct cc_dbres r = CC_DBRES_INIT;
	struct cc_err err = CC_ERR_INIT;
	char *ca_pem = NULL;

	seed(t, &st);
	assert_ok(cc_db_exec(t->c,
			     "SELECT id, serial_number, fingerprint_sha256, pem_chain, csr_pem, "
			     "not_before, not_after, key_algorithm, key_size FROM "
			     "certificate_versions ORDER BY id",
			     NULL, 0, &r, &err));
	assert_int_equal(r.nrows, 16);
	for (int i = 0; i < r.nrows; i++)
		check_version(&r, i, &ca_pem);
	cc_dbres_release(&r);
	free(ca_pem);
	/* the newest version of each certificate ends at the certificate's expires_at */
	assert_int_equal(count(t, "SELECT count(*) FROM managed_certificates m WHERE EXISTS "
				  "(SELECT 1 FROM certificate_versions v WHERE v.certificate_id = "
				  "m.id) AND m.expires_at <> (SELECT v.not_after FROM "
				  "certificate_versions v WHERE v.certificate_id = m.id "
				  "ORDER BY v.created_at DESC LIMIT 1)"),
			 0);
	/* managed discovered certificates are the deployed versions themselves */
	assert_int_equal(count(t, "SELECT count(*) FROM discovered_certificates d JOIN "
				  "certificate_versions v ON v.fingerprint_sha256 = "
				  "d.fingerprint_sha256 AND v.certificate_id = "
				  "d.managed_certificate_id WHERE d.status = 'Managed'"),
			 4);
	assert_int_equal(count(t, "SELECT count(*) FROM discovered_certificates WHERE pem_data "
				  "NOT LIKE '-----BEGIN CERTIFICATE-----%' OR "
				  "length(fingerprint_sha256) <> 64"),
			 0);
}

static void test_seed__compromised_is_revoked(void **state)
{
	struct testdb *t = TDB(state);
	struct cc_seed_stats st;

	seed(t, &st);
	assert_int_equal(count(t, "SELECT count(*) FROM managed_certificates WHERE id = "
				  "'mc-compromised' AND status = 'Revoked' AND revoked_at IS NOT "
				  "NULL AND revocation_reason = 'keyCompromise'"),
			 1);
	assert_int_equal(count(t, "SELECT count(*) FROM certificate_revocations r JOIN "
				  "certificate_versions v ON v.serial_number = r.serial_number AND "
				  "v.certificate_id = r.certificate_id WHERE r.id = 'cr-compro-01' "
				  "AND r.certificate_id = 'mc-compromised' AND r.reason = "
				  "'keyCompromise'"),
			 1);
}

static void test_seed__references_and_history_hold(void **state)
{
	struct testdb *t = TDB(state);
	struct cc_seed_stats st;
	int64_t now = cc_time_now();
	static const char *const never[] = {
		"SELECT count(*) FROM teams WHERE updated_at < created_at",
		"SELECT count(*) FROM owners WHERE updated_at < created_at",
		"SELECT count(*) FROM issuers WHERE updated_at < created_at",
		"SELECT count(*) FROM deployment_targets WHERE updated_at < created_at",
		"SELECT count(*) FROM certificate_profiles WHERE updated_at < created_at",
		"SELECT count(*) FROM managed_certificates WHERE updated_at < created_at",
		"SELECT count(*) FROM policy_rules WHERE updated_at < created_at",
		"SELECT count(*) FROM agent_groups WHERE updated_at < created_at",
		"SELECT count(*) FROM network_scan_targets WHERE updated_at < created_at",
		"SELECT count(*) FROM discovered_certificates WHERE updated_at < created_at OR "
		"last_seen_at < first_seen_at",
		"SELECT count(*) FROM jobs WHERE completed_at < created_at OR started_at < "
		"created_at",
		"SELECT count(*) FROM jobs WHERE status = 'Completed' AND completed_at IS NULL",
		"SELECT count(*) FROM jobs WHERE status = 'Failed' AND last_error IS NULL",
		"SELECT count(*) FROM jobs WHERE type = 'Deployment' AND verification_status NOT "
		"IN ('success', 'failed', 'pending')",
		"SELECT count(*) FROM jobs j JOIN certificate_versions v ON "
		"v.fingerprint_sha256 = j.verification_fingerprint WHERE v.certificate_id <> "
		"j.certificate_id",
		"SELECT count(*) FROM discovery_scans WHERE completed_at < started_at",
		"SELECT count(*) FROM agents WHERE length(api_key_hash) <> 64",
		"SELECT count(*) FROM issuers WHERE source <> 'database' OR config IS NULL",
	};

	seed(t, &st);
	for (size_t i = 0; i < CC_ARRAY_SIZE(never); i++)
		if (count(t, never[i]) != 0)
			fail_msg("%s: %lld", never[i], (long long)count(t, never[i]));
	/* every job type and status, and verified deployments of all three outcomes */
	assert_int_equal(count(t, "SELECT count(DISTINCT type) FROM jobs"), 4);
	assert_int_equal(count(t, "SELECT count(DISTINCT status) FROM jobs"), 7);
	assert_int_equal(count(t, "SELECT count(DISTINCT verification_status) FROM jobs"), 3);
	assert_int_equal(count(t, "SELECT count(*) FROM jobs WHERE verification_fingerprint IS "
				  "NOT NULL"),
			 count(t, "SELECT count(*) FROM jobs WHERE verified_at IS NOT NULL"));
	/* the audit trail spans the last 90 days */
	assert_int_equal(count_args(t,
				    "SELECT count(*) FROM audit_events WHERE id LIKE 'audit-%' "
				    "AND (timestamp < $1 OR timestamp > $2)",
				    CC_DB_ARGS(CC_DB_TIME(now - 90 * DAY), CC_DB_TIME(now))),
			 0);
	assert_int_equal(count(t, "SELECT count(*) FROM agents WHERE status = 'Offline'"), 1);
	if (t->engine == CC_DB_SQLITE) {
		struct cc_dbres r = CC_DBRES_INIT;
		struct cc_err err = CC_ERR_INIT;

		assert_ok(cc_db_exec(t->c, "PRAGMA foreign_key_check", NULL, 0, &r, &err));
		assert_int_equal(r.nrows, 0);
		cc_dbres_release(&r);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_seed__row_counts, testdb_reset),
		cmocka_unit_test_setup(test_seed__twice_changes_nothing, testdb_reset),
		cmocka_unit_test_setup(test_seed__statuses_match_expiry, testdb_reset),
		cmocka_unit_test_setup(test_seed__smime_profile_protects_email, testdb_reset),
		cmocka_unit_test_setup(test_seed__versions_are_real_certificates, testdb_reset),
		cmocka_unit_test_setup(test_seed__compromised_is_revoked, testdb_reset),
		cmocka_unit_test_setup(test_seed__references_and_history_hold, testdb_reset),
	};
	return TESTDB_RUN("seed", tests);
}
