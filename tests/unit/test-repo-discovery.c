/* test-repo-discovery.c: revocations, discovery, network scan targets and health checks */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tests/unit/testdb.h"
#include "libcc/buf.h"
#include "libcc/discovery.h"
#include "libcc/health-check.h"
#include "libcc/mem.h"
#include "libcc/network-scan.h"
#include "libcc/repo.h"
#include "libcc/revocation.h"
#include "libcc/time.h"

#define NASTY "o'hara\"; DROP TABLE agents; --"
#define HOUR (3600 * CC_USEC_PER_SEC)
#define ITEM(type, l, i) ((struct type *)(l).items[i])
/* call fails with err.code == want */
#define ASSERT_ERR(call, want)                                                                     \
	do {                                                                                       \
		assert_int_equal((call), -1);                                                      \
		assert_int_equal(err.code, (want));                                                \
	} while (0)

static void exec_sql(struct testdb *t, const char *sql, const struct cc_dbarg *args, int n)
{
	struct cc_err err = CC_ERR_INIT;

	if (cc_db_exec(t->c, sql, args, n, NULL, &err) < 0)
		fail_msg("%s: %s", sql, err.msg);
}
#define EXEC(t, sql, ...) exec_sql(t, sql, CC_DB_ARGS(__VA_ARGS__))

/* FK parents through raw SQL: agents agent-1/2, certificates cert-1/2, issuers iss-1/2 */
static void seed(struct testdb *t)
{
	EXEC(t, "INSERT INTO teams (id, name) VALUES ($1, $2)", CC_DB_TEXT("team-1"),
	     CC_DB_TEXT("t"));
	EXEC(t, "INSERT INTO owners (id, name, email, team_id) VALUES ($1, $2, $3, $4)",
	     CC_DB_TEXT("owner-1"), CC_DB_TEXT("o"), CC_DB_TEXT("o@example.com"),
	     CC_DB_TEXT("team-1"));
	EXEC(t, "INSERT INTO renewal_policies (id, name, renewal_window_days) VALUES ($1, $2, $3)",
	     CC_DB_TEXT("rp-1"), CC_DB_TEXT("p"), CC_DB_INT(30));
	for (int i = 1; i <= 2; i++) {
		char iss[32], agent[32], cert[32];
		snprintf(iss, sizeof(iss), "iss-%d", i);
		snprintf(agent, sizeof(agent), "agent-%d", i);
		snprintf(cert, sizeof(cert), "cert-%d", i);
		EXEC(t, "INSERT INTO issuers (id, name, type) VALUES ($1, $2, $3)", CC_DB_TEXT(iss),
		     CC_DB_TEXT(iss), CC_DB_TEXT("GenericCA"));
		EXEC(t,
		     "INSERT INTO agents (id, name, hostname, api_key_hash) "
		     "VALUES ($1, $2, $3, $4)",
		     CC_DB_TEXT(agent), CC_DB_TEXT(agent), CC_DB_TEXT("host"), CC_DB_TEXT("hash"));
		EXEC(t,
		     "INSERT INTO managed_certificates (id, name, common_name, owner_id, team_id, "
		     "issuer_id, renewal_policy_id) VALUES ($1, $2, $3, $4, $5, $6, $7)",
		     CC_DB_TEXT(cert), CC_DB_TEXT(cert), CC_DB_TEXT("example.com"),
		     CC_DB_TEXT("owner-1"), CC_DB_TEXT("team-1"), CC_DB_TEXT("iss-1"),
		     CC_DB_TEXT("rp-1"));
	}
}

static void set_str(char **p, const char *v)
{
	free(*p);
	*p = v ? cc_xstrdup(v) : NULL;
}

/* the JSON of obj has exactly keys (NULL-terminated); unset non-omit times are year 1 */
static void check_json(const struct cc_entity *e, const void *obj, const char *const *keys)
{
	json_t *o = cc_obj_to_json(e, obj);
	size_t n = 0;

	for (; keys[n]; n++)
		if (!json_object_get(o, keys[n]))
			fail_msg("%s: key '%s' missing", e->table, keys[n]);
	if (json_object_size(o) != n)
		fail_msg("%s: expected %zu keys, got %zu", e->table, n, json_object_size(o));
	for (size_t i = 0; i < e->nfields; i++) {
		const struct cc_field *f = &e->fields[i];

		if (f->type == CC_FT_TIME && !(f->flags & (CC_F_OMIT | CC_F_HIDDEN)) &&
		    !*(const int64_t *)((const char *)obj + f->off))
			assert_string_equal(json_string_value(json_object_get(o, f->json)),
					    CC_ZERO_TIME_TEXT);
	}
	json_decref(o);
}

/* compact JSON with sorted keys; consumes o */
static void expect_json(json_t *o, const char *want)
{
	char *s = json_dumps(o, JSON_SORT_KEYS | JSON_COMPACT);

	assert_string_equal(s, want);
	free(s);
	json_decref(o);
}

/* how many keys the JSON of obj has */
static size_t nkeys(const struct cc_entity *e, const void *obj)
{
	json_t *o = cc_obj_to_json(e, obj);
	size_t n = json_object_size(o);

	json_decref(o);
	return n;
}

/* lists with one filter (param NULL: none); the ids in list order, space-separated, must
 * be want (NULL: not checked); returns the total */
static int64_t expect_ids(struct testdb *t, const struct cc_entity *e, const char *param,
			  const char *value, const char *want)
{
	struct cc_err err = CC_ERR_INIT;
	struct cc_query q = { 0 };
	struct cc_list l;
	struct cc_buf b = CC_BUF_INIT;
	int64_t n;

	if (param)
		assert_int_equal(cc_query_filter(&q, param, value, &err), 0);
	if (cc_repo_list(t->c, e, &q, &l, &err) < 0)
		fail_msg("list %s: %s", e->table, err.msg);
	assert_int_equal(l.total, (int64_t)l.n);
	for (size_t i = 0; i < l.n; i++)
		cc_buf_addf(&b, "%s%s", i ? " " : "", cc_obj_id(e, l.items[i]));
	if (want && strcmp(b.buf, want))
		fail_msg("%s %s=%s: got '%s', want '%s'", e->table, param ? param : "-",
			 value ? value : "-", b.buf, want);
	n = l.total;
	cc_buf_release(&b);
	cc_list_release(e, &l);
	return n;
}

/* cc_repo_insert or fail; obj receives the stored row */
static void insert(struct testdb *t, const struct cc_entity *e, void *obj)
{
	struct cc_err err = CC_ERR_INIT;

	if (cc_repo_insert(t->c, e, obj, &err) < 0)
		fail_msg("insert %s: %s", e->table, err.msg);
}

/* a fixture row: insert, then drop the object */
static void add(struct testdb *t, const struct cc_entity *e, void *obj)
{
	insert(t, e, obj);
	cc_obj_release(e, obj);
}

/* full-replace update of obj, read back: the same JSON but for updated_at */
static void update_reget(struct testdb *t, const struct cc_entity *e, void *obj)
{
	struct cc_err err = CC_ERR_INIT;
	char *id = cc_xstrdup(cc_obj_id(e, obj));
	json_t *before = cc_obj_to_json(e, obj), *after;

	if (cc_repo_update(t->c, e, obj, &err) < 0)
		fail_msg("update %s: %s", e->table, err.msg);
	cc_obj_release(e, obj);
	if (cc_repo_get(t->c, e, id, obj, &err) < 0)
		fail_msg("get %s: %s", id, err.msg);
	after = cc_obj_to_json(e, obj);
	json_object_del(before, "updated_at");
	json_object_del(after, "updated_at");
	if (!json_equal(before, after))
		fail_msg("%s: wrote %s, read %s", e->table, json_dumps(before, JSON_SORT_KEYS),
			 json_dumps(after, JSON_SORT_KEYS));
	json_decref(before);
	json_decref(after);
	free(id);
}

static void expect_conflict(struct testdb *t, const struct cc_entity *e, void *obj)
{
	struct cc_err err = CC_ERR_INIT;

	ASSERT_ERR(cc_repo_insert(t->c, e, obj, &err), CC_E_CONFLICT);
	cc_obj_release(e, obj);
}

/* get works; after delete, get and delete both say NOT_FOUND */
static void get_delete(struct testdb *t, const struct cc_entity *e, const char *id)
{
	struct cc_err err = CC_ERR_INIT;
	void *got = cc_obj_new(e);

	assert_int_equal(cc_repo_get(t->c, e, id, got, &err), 0);
	assert_string_equal(cc_obj_id(e, got), id);
	assert_int_equal(cc_repo_delete(t->c, e, id, &err), 0);
	ASSERT_ERR(cc_repo_get(t->c, e, id, got, &err), CC_E_NOT_FOUND);
	ASSERT_ERR(cc_repo_delete(t->c, e, id, &err), CC_E_NOT_FOUND);
	cc_obj_free(e, got);
}

static void *new_rev(struct cc_revocation *r, const char *id, const char *cert, const char *serial,
		     const char *issuer, int64_t at)
{
	*r = (struct cc_revocation){ 0 };
	set_str(&r->id, id);
	set_str(&r->certificate_id, cert);
	set_str(&r->serial_number, serial);
	set_str(&r->revoked_by, "api");
	set_str(&r->issuer_id, issuer);
	r->revoked_at = at;
	return r;
}

static void test_repo_discovery__revocation_crud(void **state)
{
	struct testdb *t = TDB(state);
	const struct cc_entity *e = &cc_revocation_entity;
	struct cc_err err = CC_ERR_INIT;
	struct cc_revocation r, got = { 0 };
	static const char *const keys[] = { "id",	 "certificate_id",  "serial_number",
					    "reason",	 "revoked_by",	    "revoked_at",
					    "issuer_id", "issuer_notified", "created_at",
					    NULL };

	seed(t);
	new_rev(&r, NULL, "cert-1", "0a1b", "iss-1", 0);
	insert(t, e, &r);
	assert_true(!strncmp(r.id, "rev-", 4));
	assert_string_equal(r.reason, "unspecified");
	assert_false(r.issuer_notified);
	assert_true(r.revoked_at > 0 && r.created_at > 0);

	assert_int_equal(cc_repo_get(t->c, e, r.id, &got, &err), 0);
	assert_string_equal(got.serial_number, "0a1b");
	assert_string_equal(got.issuer_id, "iss-1");
	assert_int_equal(got.revoked_at, r.revoked_at);
	set_str(&got.reason, "keyCompromise");
	set_str(&got.revoked_by, NASTY);
	got.issuer_notified = true;
	update_reget(t, e, &got);
	cc_obj_release(e, &got);
	get_delete(t, e, r.id);
	cc_obj_release(e, &r);

	/* every key, issuer_id "" when NULL, unset times as year 1 */
	new_rev(&r, "rev-x", "cert-1", "1", NULL, 0);
	check_json(e, &r, keys);
	cc_obj_release(e, &r);
}

static void test_repo_discovery__revocation_list_fk(void **state)
{
	struct testdb *t = TDB(state);
	const struct cc_entity *e = &cc_revocation_entity;
	struct cc_err err = CC_ERR_INIT;
	int64_t base = cc_time_now() - 10 * HOUR;
	struct cc_revocation r;
	char after[CC_TIME_BUFSZ];

	seed(t);
	add(t, e, new_rev(&r, "rev-b", "cert-1", "s2", "iss-1", base + 2 * HOUR));
	add(t, e, new_rev(&r, "rev-a", "cert-2", "s1", "iss-2", base + HOUR));
	add(t, e, new_rev(&r, "rev-c", "cert-2", "s3", NULL, base + 3 * HOUR));

	/* default order: revoked_at ascending */
	expect_ids(t, e, NULL, NULL, "rev-a rev-b rev-c");
	expect_ids(t, e, "certificate_id", "cert-2", "rev-a rev-c");
	expect_ids(t, e, "certificate_id", "cert-9", "");
	expect_ids(t, e, "issuer_id", "iss-1", "rev-b");
	expect_ids(t, e, "issuer_id", "iss-9", "");
	expect_ids(t, e, "serial_number", "s3", "rev-c");
	expect_ids(t, e, "serial_number", "S3", "");
	expect_ids(t, e, "revoked_after", cc_time_format(base + HOUR + HOUR / 2, after),
		   "rev-b rev-c");
	expect_ids(t, e, "revoked_after", cc_time_format(base + 4 * HOUR, after), "");

	/* unknown certificate or issuer */
	expect_conflict(t, e, new_rev(&r, NULL, "cert-9", "s9", NULL, 0));
	expect_conflict(t, e, new_rev(&r, NULL, "cert-1", "s9", "iss-9", 0));
	/* the revoked certificate cannot go while its record exists */
	ASSERT_ERR(cc_db_exec(t->c, "DELETE FROM managed_certificates WHERE id = $1",
			      CC_DB_ARGS(CC_DB_TEXT("cert-1")), NULL, &err),
		   CC_E_CONFLICT);
}

static void test_repo_discovery__revocation_record(void **state)
{
	struct testdb *t = TDB(state);
	const struct cc_entity *e = &cc_revocation_entity;
	struct cc_err err = CC_ERR_INIT;
	struct cc_revocation r, again, got = { 0 };
	bool inserted = false;

	seed(t);
	new_rev(&r, NULL, "cert-1", "00ff;'x", "iss-1", 0);
	r.reason = cc_xstrdup("superseded");
	assert_int_equal(cc_revocation_record(t->c, &r, &inserted, &err), 0);
	assert_true(inserted);
	assert_true(!strncmp(r.id, "rev-", 4));
	assert_string_equal(r.reason, "superseded");
	assert_true(r.revoked_at > 0);

	/* the same serial again: nothing written, the first record comes back */
	new_rev(&again, NULL, "cert-2", "00ff;'x", NULL, 0);
	assert_int_equal(cc_revocation_record(t->c, &again, &inserted, &err), 0);
	assert_false(inserted);
	assert_string_equal(again.id, r.id);
	assert_string_equal(again.certificate_id, "cert-1");
	assert_string_equal(again.reason, "superseded");
	assert_int_equal(again.revoked_at, r.revoked_at);
	cc_obj_release(e, &again);
	expect_ids(t, e, NULL, NULL, r.id);

	/* a bad certificate is still an error, not "already recorded" */
	new_rev(&again, NULL, "cert-9", "new", NULL, 0);
	ASSERT_ERR(cc_revocation_record(t->c, &again, &inserted, &err), CC_E_CONFLICT);
	assert_false(inserted);
	cc_obj_release(e, &again);

	assert_int_equal(cc_revocation_by_serial(t->c, "00ff;'x", &got, &err), 0);
	assert_string_equal(got.id, r.id);
	assert_false(got.issuer_notified);
	cc_obj_release(e, &got);
	ASSERT_ERR(cc_revocation_by_serial(t->c, "00FF;'x", &got, &err), CC_E_NOT_FOUND);

	assert_int_equal(cc_revocation_set_notified(t->c, "00ff;'x", &err), 0);
	assert_int_equal(cc_revocation_by_serial(t->c, "00ff;'x", &got, &err), 0);
	assert_true(got.issuer_notified);
	cc_obj_release(e, &got);
	ASSERT_ERR(cc_revocation_set_notified(t->c, "nope", &err), CC_E_NOT_FOUND);
	cc_obj_release(e, &r);
}

static void *new_scan(struct cc_discovery_scan *s, const char *id, const char *agent,
		      int64_t started)
{
	*s = (struct cc_discovery_scan){ 0 };
	set_str(&s->id, id);
	set_str(&s->agent_id, agent);
	cc_strv_push(&s->directories, "/etc/ssl");
	cc_strv_push(&s->directories, NASTY);
	s->certificates_found = 3;
	s->started_at = started;
	return s;
}

static void test_repo_discovery__scans(void **state)
{
	struct testdb *t = TDB(state);
	const struct cc_entity *e = &cc_discovery_scan_entity;
	struct cc_err err = CC_ERR_INIT;
	struct cc_discovery_scan s, got = { 0 };
	int64_t base = cc_time_now() - 10 * HOUR;
	static const char *const keys[] = { "id",
					    "agent_id",
					    "directories",
					    "certificates_found",
					    "certificates_new",
					    "errors_count",
					    "scan_duration_ms",
					    "started_at",
					    NULL };

	seed(t);
	new_scan(&s, NULL, "agent-1", 0);
	insert(t, e, &s);
	assert_true(!strncmp(s.id, "dscan-", 6));
	assert_true(s.started_at > 0);
	assert_int_equal(s.completed_at, 0);
	assert_int_equal(s.certificates_new, 0);

	assert_int_equal(cc_repo_get(t->c, e, s.id, &got, &err), 0);
	assert_int_equal(got.directories.n, 2);
	assert_string_equal(got.directories.v[1], NASTY);
	assert_int_equal(got.certificates_found, 3);
	got.certificates_new = 2;
	got.errors_count = 1;
	got.scan_duration_ms = 1500;
	got.completed_at = got.started_at + 1500 * 1000;
	cc_strv_release(&got.directories);
	update_reget(t, e, &got);
	cc_obj_release(e, &got);
	get_delete(t, e, s.id);
	cc_obj_release(e, &s);

	/* completed_at omitted while unset, present once set */
	new_scan(&s, "dscan-x", "agent-1", 0);
	check_json(e, &s, keys);
	s.completed_at = cc_time_now();
	assert_int_equal(nkeys(e, &s), 9);
	cc_obj_release(e, &s);

	add(t, e, new_scan(&s, "dscan-a", "agent-1", base));
	add(t, e, new_scan(&s, "dscan-c", "agent-2", base + 2 * HOUR));
	add(t, e, new_scan(&s, "dscan-b", "agent-1", base + HOUR));

	/* default order: started_at newest first */
	expect_ids(t, e, NULL, NULL, "dscan-c dscan-b dscan-a");
	expect_ids(t, e, "agent_id", "agent-1", "dscan-b dscan-a");
	expect_ids(t, e, "agent_id", "agent-9", "");

	expect_conflict(t, e, new_scan(&s, NULL, "agent-9", 0));
}

static void *new_dcert(struct cc_discovered_cert *d, const char *id, const char *agent,
		       const char *fp, const char *path)
{
	*d = (struct cc_discovered_cert){ 0 };
	set_str(&d->id, id);
	set_str(&d->agent_id, agent);
	set_str(&d->fingerprint_sha256, fp);
	set_str(&d->source_path, path);
	set_str(&d->common_name, "www.example.com");
	cc_strv_push(&d->sans, "www.example.com");
	set_str(&d->key_algorithm, "ECDSA");
	d->key_size = 256;
	return d;
}

static void test_repo_discovery__dcert_crud(void **state)
{
	struct testdb *t = TDB(state);
	const struct cc_entity *e = &cc_discovered_cert_entity;
	struct cc_err err = CC_ERR_INIT;
	struct cc_discovered_cert d, got = { 0 };
	static const char *const keys[] = {
		"id",		"fingerprint_sha256", "common_name",   "sans",	   "serial_number",
		"issuer_dn",	"subject_dn",	      "key_algorithm", "key_size", "is_ca",
		"source_path",	"source_format",      "agent_id",      "status",   "first_seen_at",
		"last_seen_at", "created_at",	      "updated_at",    NULL
	};

	seed(t);
	new_dcert(&d, NULL, "agent-1", "aa", "/etc/ssl/a.pem");
	insert(t, e, &d);
	assert_true(!strncmp(d.id, "dcert-", 6));
	/* column defaults */
	assert_string_equal(d.status, "Unmanaged");
	assert_string_equal(d.source_format, "PEM");
	assert_string_equal(d.serial_number, "");
	assert_string_equal(d.pem_data, "");
	assert_true(d.first_seen_at > 0 && d.last_seen_at > 0);
	assert_int_equal(d.not_after, 0);

	assert_int_equal(cc_repo_get(t->c, e, d.id, &got, &err), 0);
	assert_string_equal(got.common_name, "www.example.com");
	assert_int_equal(got.sans.n, 1);
	assert_int_equal(got.key_size, 256);
	set_str(&got.subject_dn, "CN=" NASTY);
	set_str(&got.managed_certificate_id, "cert-1");
	got.is_ca = true;
	got.not_after = d.created_at + 24 * HOUR;
	update_reget(t, e, &got);
	cc_obj_release(e, &got);
	get_delete(t, e, d.id);
	cc_obj_release(e, &d);

	/* omitted while empty: not_before/after, pem_data, scan, managed cert, dismissed_at */
	new_dcert(&d, "dcert-x", "agent-1", "aa", "/a");
	check_json(e, &d, keys);
	d.not_before = d.not_after = d.dismissed_at = cc_time_now();
	set_str(&d.pem_data, "-----BEGIN CERTIFICATE-----");
	set_str(&d.discovery_scan_id, "dscan-1");
	set_str(&d.managed_certificate_id, "cert-1");
	assert_int_equal(nkeys(e, &d), 24);
	cc_obj_release(e, &d);
}

static void test_repo_discovery__dcert_list_fk(void **state)
{
	struct testdb *t = TDB(state);
	const struct cc_entity *e = &cc_discovered_cert_entity;
	int64_t base = cc_time_now() - 10 * HOUR;
	struct cc_discovered_cert d;

	seed(t);
	new_dcert(&d, "dcert-a", "agent-1", "f1", "/a");
	d.last_seen_at = base;
	add(t, e, &d);
	new_dcert(&d, "dcert-b", "agent-2", "f2", "/b");
	d.last_seen_at = base + 2 * HOUR;
	set_str(&d.status, "Dismissed");
	add(t, e, &d);
	new_dcert(&d, "dcert-c", "agent-1", "f2", "/c");
	d.last_seen_at = base + HOUR;
	add(t, e, &d);

	/* default order: last_seen_at newest first */
	expect_ids(t, e, NULL, NULL, "dcert-b dcert-c dcert-a");
	expect_ids(t, e, "agent_id", "agent-1", "dcert-c dcert-a");
	expect_ids(t, e, "agent_id", "agent-9", "");
	expect_ids(t, e, "status", "Dismissed", "dcert-b");
	expect_ids(t, e, "status", "Managed", "");
	expect_ids(t, e, "fingerprint", "f2", "dcert-b dcert-c");
	expect_ids(t, e, "fingerprint", "f3", "");

	/* unknown agent, scan or managed certificate */
	expect_conflict(t, e, new_dcert(&d, NULL, "agent-9", "f9", "/x"));
	new_dcert(&d, NULL, "agent-1", "f9", "/x");
	set_str(&d.discovery_scan_id, "dscan-9");
	expect_conflict(t, e, &d);
	new_dcert(&d, NULL, "agent-1", "f9", "/x");
	set_str(&d.managed_certificate_id, "cert-9");
	expect_conflict(t, e, &d);
}

static void upsert(struct testdb *t, struct cc_discovered_cert *d, bool want_inserted)
{
	struct cc_err err = CC_ERR_INIT;
	bool inserted = !want_inserted;

	if (cc_discovered_upsert(t->c, d, &inserted, &err) < 0)
		fail_msg("upsert: %s", err.msg);
	assert_int_equal(inserted, want_inserted);
}

static void test_repo_discovery__dcert_upsert(void **state)
{
	struct testdb *t = TDB(state);
	const struct cc_entity *e = &cc_discovered_cert_entity;
	struct cc_err err = CC_ERR_INIT;
	struct cc_discovery_scan s;
	struct cc_discovered_cert d, again;
	bool inserted = true;

	seed(t);
	add(t, &cc_discovery_scan_entity, new_scan(&s, "dscan-1", "agent-1", 0));
	add(t, &cc_discovery_scan_entity, new_scan(&s, "dscan-2", "agent-1", 0));

	new_dcert(&d, NULL, "agent-1", "ab;'cd", "/etc/ssl/" NASTY);
	set_str(&d.discovery_scan_id, "dscan-1");
	set_str(&d.status, "Managed"); /* ignored: new rows are Unmanaged */
	upsert(t, &d, true);
	assert_true(!strncmp(d.id, "dcert-", 6));
	assert_string_equal(d.status, "Unmanaged");
	assert_string_equal(d.source_path, "/etc/ssl/" NASTY);
	assert_string_equal(d.source_format, "PEM");
	assert_true(d.first_seen_at > 0);
	assert_int_equal(d.first_seen_at, d.last_seen_at);
	assert_int_equal(d.sans.n, 1);
	assert_int_equal(cc_discovered_dismiss(t->c, d.id, &err), 0);

	/* seen again by a later scan: only last_seen_at, scan and updated_at move */
	new_dcert(&again, NULL, "agent-1", "ab;'cd", "/etc/ssl/" NASTY);
	set_str(&again.common_name, "changed.example.com");
	set_str(&again.discovery_scan_id, "dscan-2");
	upsert(t, &again, false);
	assert_string_equal(again.id, d.id);
	assert_string_equal(again.common_name, "www.example.com");
	assert_string_equal(again.status, "Dismissed");
	assert_string_equal(again.discovery_scan_id, "dscan-2");
	assert_int_equal(again.first_seen_at, d.first_seen_at);
	assert_true(again.last_seen_at >= d.last_seen_at);
	assert_true(again.dismissed_at > 0);
	assert_int_equal(again.updated_at, again.last_seen_at);
	cc_obj_release(e, &again);

	/* another path, another agent, and an empty path are different rows */
	new_dcert(&again, NULL, "agent-1", "ab;'cd", "/other");
	upsert(t, &again, true);
	cc_obj_release(e, &again);
	new_dcert(&again, NULL, "agent-2", "ab;'cd", "/etc/ssl/" NASTY);
	upsert(t, &again, true);
	cc_obj_release(e, &again);
	for (int i = 0; i < 2; i++) {
		new_dcert(&again, NULL, "agent-2", "ab;'cd", NULL);
		upsert(t, &again, i == 0);
		assert_string_equal(again.source_path, "");
		cc_obj_release(e, &again);
	}
	assert_int_equal(expect_ids(t, e, "fingerprint", "ab;'cd", NULL), 4);
	assert_int_equal(expect_ids(t, e, NULL, NULL, NULL), 4);

	new_dcert(&again, NULL, "agent-9", "x", "/x");
	ASSERT_ERR(cc_discovered_upsert(t->c, &again, &inserted, &err), CC_E_CONFLICT);
	assert_false(inserted);
	cc_obj_release(e, &again);
	cc_obj_release(e, &d);
}

static void test_repo_discovery__dcert_summary_claim_dismiss(void **state)
{
	struct testdb *t = TDB(state);
	const struct cc_entity *e = &cc_discovered_cert_entity;
	struct cc_err err = CC_ERR_INIT;
	struct cc_discovered_cert d, got = { 0 };
	json_t *sum = NULL;

	seed(t);
	assert_int_equal(cc_discovered_summary(t->c, &sum, &err), 0);
	expect_json(sum, "{}");

	for (int i = 0; i < 4; i++) {
		char id[32];
		snprintf(id, sizeof(id), "dcert-%d", i);
		new_dcert(&d, id, "agent-1", id, "/p");
		add(t, e, &d);
	}
	assert_int_equal(cc_discovered_claim(t->c, "dcert-0", "cert-2", &err), 0);
	assert_int_equal(cc_discovered_dismiss(t->c, "dcert-1", &err), 0);

	assert_int_equal(cc_repo_get(t->c, e, "dcert-0", &got, &err), 0);
	assert_string_equal(got.status, "Managed");
	assert_string_equal(got.managed_certificate_id, "cert-2");
	assert_int_equal(got.dismissed_at, 0);
	cc_obj_release(e, &got);
	assert_int_equal(cc_repo_get(t->c, e, "dcert-1", &got, &err), 0);
	assert_string_equal(got.status, "Dismissed");
	assert_true(got.dismissed_at > 0);
	assert_int_equal(got.updated_at, got.dismissed_at);
	assert_null(got.managed_certificate_id);
	cc_obj_release(e, &got);

	assert_int_equal(cc_discovered_summary(t->c, &sum, &err), 0);
	expect_json(sum, "{\"Dismissed\":1,\"Managed\":1,\"Unmanaged\":2}");

	ASSERT_ERR(cc_discovered_claim(t->c, "dcert-9", "cert-1", &err), CC_E_NOT_FOUND);
	ASSERT_ERR(cc_discovered_dismiss(t->c, "dcert-9", &err), CC_E_NOT_FOUND);
	ASSERT_ERR(cc_discovered_claim(t->c, "dcert-2", "cert-9", &err), CC_E_CONFLICT);
}

static void *new_nst(struct cc_network_scan_target *n, const char *id, const char *name,
		     bool enabled, int64_t created)
{
	static const int64_t ports[] = { 443, 8443 };

	*n = (struct cc_network_scan_target){ 0 };
	set_str(&n->id, id);
	set_str(&n->name, name);
	cc_strv_push(&n->cidrs, "10.0.0.0/24");
	n->ports.v = cc_xmalloc(sizeof(ports));
	memcpy(n->ports.v, ports, sizeof(ports));
	n->ports.n = 2;
	n->enabled = enabled;
	n->scan_interval_hours = 6;
	n->timeout_ms = 5000;
	n->health_check_interval_seconds = 300;
	n->created_at = created;
	return n;
}

static void test_repo_discovery__nst_crud(void **state)
{
	struct testdb *t = TDB(state);
	const struct cc_entity *e = &cc_network_scan_target_entity;
	struct cc_err err = CC_ERR_INIT;
	struct cc_network_scan_target n, got = { 0 };
	static const char *const keys[] = { "id",	  "name",	"cidrs",
					    "ports",	  "enabled",	"scan_interval_hours",
					    "timeout_ms", "created_at", "updated_at",
					    NULL };

	new_nst(&n, NULL, "dmz", true, 0);
	insert(t, e, &n);
	assert_true(!strncmp(n.id, "nst-", 4));
	assert_true(n.created_at > 0);
	assert_int_equal(n.created_at, n.updated_at);
	assert_int_equal(n.last_scan_at, 0);
	assert_int_equal(n.health_check_interval_seconds, 300);

	assert_int_equal(cc_repo_get(t->c, e, n.id, &got, &err), 0);
	assert_int_equal(got.ports.n, 2);
	assert_int_equal(got.ports.v[1], 8443);
	assert_string_equal(got.cidrs.v[0], "10.0.0.0/24");
	assert_true(got.enabled);
	set_str(&got.name, NASTY);
	cc_strv_push(&got.cidrs, "192.0.2.7");
	got.ports.v[0] = 636;
	got.enabled = false;
	got.timeout_ms = 100;
	got.health_check_enabled = true;
	update_reget(t, e, &got);
	assert_true(got.health_check_enabled);
	cc_obj_release(e, &got);
	get_delete(t, e, n.id);
	cc_obj_release(e, &n);

	/* hidden health-check columns never appear; last_scan_* omitted while unset */
	new_nst(&n, "nst-x", "x", true, 0);
	n.health_check_enabled = true;
	check_json(e, &n, keys);
	n.last_scan_at = n.last_scan_duration_ms = n.last_scan_certs_found = 1;
	assert_int_equal(nkeys(e, &n), 12);
	cc_obj_release(e, &n);
}

static void test_repo_discovery__nst_list_fk_result(void **state)
{
	struct testdb *t = TDB(state);
	const struct cc_entity *e = &cc_network_scan_target_entity;
	struct cc_err err = CC_ERR_INIT;
	int64_t base = cc_time_now() - 10 * HOUR, at = base + 5 * HOUR;
	struct cc_network_scan_target n, got = { 0 };
	struct cc_health_check hc = { 0 };

	add(t, e, new_nst(&n, "nst-a", "a", true, base));
	add(t, e, new_nst(&n, "nst-b", "b", false, base + HOUR));
	add(t, e, new_nst(&n, "nst-c", "c", true, base + 2 * HOUR));

	expect_ids(t, e, NULL, NULL, "nst-c nst-b nst-a");
	expect_ids(t, e, "enabled", "true", "nst-c nst-a");
	expect_ids(t, e, "enabled", "false", "nst-b");

	assert_int_equal(cc_network_scan_record_result(t->c, "nst-a", at, 1234, 7, &err), 0);
	assert_int_equal(cc_repo_get(t->c, e, "nst-a", &got, &err), 0);
	assert_int_equal(got.last_scan_at, at);
	assert_int_equal(got.last_scan_duration_ms, 1234);
	assert_int_equal(got.last_scan_certs_found, 7);
	assert_true(got.updated_at > got.created_at);
	cc_obj_release(e, &got);
	ASSERT_ERR(cc_network_scan_record_result(t->c, "nst-9", at, 1, 1, &err), CC_E_NOT_FOUND);

	/* no FK of its own; a target watched by a health check cannot be deleted */
	hc.endpoint = cc_xstrdup("10.0.0.1:443");
	hc.network_scan_target_id = cc_xstrdup("nst-a");
	add(t, &cc_health_check_entity, &hc);
	ASSERT_ERR(cc_repo_delete(t->c, e, "nst-a", &err), CC_E_CONFLICT);
}

static void *new_hc(struct cc_health_check *h, const char *id, const char *status, bool enabled,
		    int64_t last_checked, int64_t interval)
{
	*h = (struct cc_health_check){ 0 };
	set_str(&h->id, id);
	set_str(&h->endpoint, "www.example.com:443");
	set_str(&h->status, status);
	h->enabled = enabled;
	h->last_checked_at = last_checked;
	h->check_interval_seconds = interval;
	h->degraded_threshold = 2;
	h->down_threshold = 5;
	return h;
}

static void test_repo_discovery__hc_crud(void **state)
{
	struct testdb *t = TDB(state);
	const struct cc_entity *e = &cc_health_check_entity;
	struct cc_err err = CC_ERR_INIT;
	struct cc_health_check h, got = { 0 };
	int64_t now = cc_time_now();
	static const char *const keys[] = { "id",
					    "endpoint",
					    "expected_fingerprint",
					    "observed_fingerprint",
					    "status",
					    "consecutive_failures",
					    "response_time_ms",
					    "tls_version",
					    "cipher_suite",
					    "cert_subject",
					    "cert_issuer",
					    "failure_reason",
					    "degraded_threshold",
					    "down_threshold",
					    "check_interval_seconds",
					    "enabled",
					    "acknowledged",
					    "created_at",
					    "updated_at",
					    NULL };

	seed(t);
	new_hc(&h, NULL, NULL, true, 0, 300);
	insert(t, e, &h);
	assert_true(!strncmp(h.id, "hc-", 3));
	assert_string_equal(h.status, "unknown");
	assert_string_equal(h.expected_fingerprint, "");
	assert_string_equal(h.acknowledged_by, "");
	assert_false(h.acknowledged);
	assert_int_equal(h.created_at, h.updated_at);

	assert_int_equal(cc_repo_get(t->c, e, h.id, &got, &err), 0);
	assert_string_equal(got.endpoint, "www.example.com:443");
	assert_int_equal(got.check_interval_seconds, 300);
	assert_true(got.enabled);
	set_str(&got.status, "cert_mismatch");
	set_str(&got.failure_reason, NASTY);
	set_str(&got.certificate_id, "cert-1");
	set_str(&got.acknowledged_by, "alice");
	got.consecutive_failures = 3;
	got.last_checked_at = now;
	got.cert_expiry = now + 48 * HOUR;
	got.acknowledged = true;
	update_reget(t, e, &got);
	cc_obj_release(e, &got);
	get_delete(t, e, h.id);
	cc_obj_release(e, &h);

	/* optional ids, probe times and acknowledgement omitted while unset */
	new_hc(&h, "hc-x", "healthy", true, 0, 300);
	check_json(e, &h, keys);
	set_str(&h.certificate_id, "cert-1");
	set_str(&h.network_scan_target_id, "nst-1");
	set_str(&h.acknowledged_by, "bob");
	h.cert_expiry = h.last_checked_at = h.last_success_at = h.last_failure_at = now;
	h.last_transition_at = h.acknowledged_at = now;
	assert_int_equal(nkeys(e, &h), 28);
	cc_obj_release(e, &h);
}

static void test_repo_discovery__hc_list_fk(void **state)
{
	struct testdb *t = TDB(state);
	const struct cc_entity *e = &cc_health_check_entity;
	int64_t base = cc_time_now() - 10 * HOUR;
	struct cc_network_scan_target n;
	struct cc_health_check h;

	seed(t);
	add(t, &cc_network_scan_target_entity, new_nst(&n, "nst-1", "n", true, 0));
	new_hc(&h, "hc-a", "healthy", true, 0, 300);
	set_str(&h.certificate_id, "cert-1");
	h.created_at = base;
	add(t, e, &h);
	new_hc(&h, "hc-b", "down", false, 0, 300);
	set_str(&h.network_scan_target_id, "nst-1");
	h.created_at = base + HOUR;
	add(t, e, &h);
	new_hc(&h, "hc-c", "healthy", true, 0, 300);
	set_str(&h.certificate_id, "cert-2");
	h.created_at = base + 2 * HOUR;
	add(t, e, &h);

	expect_ids(t, e, NULL, NULL, "hc-c hc-b hc-a");
	expect_ids(t, e, "status", "healthy", "hc-c hc-a");
	expect_ids(t, e, "status", "degraded", "");
	expect_ids(t, e, "certificate_id", "cert-1", "hc-a");
	expect_ids(t, e, "certificate_id", "cert-9", "");
	expect_ids(t, e, "network_scan_target_id", "nst-1", "hc-b");
	expect_ids(t, e, "network_scan_target_id", "nst-9", "");
	expect_ids(t, e, "enabled", "true", "hc-c hc-a");
	expect_ids(t, e, "enabled", "false", "hc-b");

	/* unknown certificate or scan target */
	new_hc(&h, NULL, NULL, true, 0, 300);
	set_str(&h.certificate_id, "cert-9");
	expect_conflict(t, e, &h);
	new_hc(&h, NULL, NULL, true, 0, 300);
	set_str(&h.network_scan_target_id, "nst-9");
	expect_conflict(t, e, &h);
}

static void test_repo_discovery__hc_summary_due(void **state)
{
	struct testdb *t = TDB(state);
	const struct cc_entity *e = &cc_health_check_entity;
	struct cc_err err = CC_ERR_INIT;
	int64_t now = cc_time_now();
	struct cc_health_check h;
	struct cc_list l;
	json_t *sum = NULL;

	assert_int_equal(cc_health_check_summary(t->c, &sum, &err), 0);
	expect_json(sum, "{\"cert_mismatch\":0,\"degraded\":0,\"down\":0,\"healthy\":0,"
			 "\"total\":0,\"unknown\":0}");

	/* hc-old: 2 h ago, every 5 min; hc-new: never; hc-edge: exactly one interval ago;
	 * hc-recent: 1 min ago, every 5 min; hc-off: disabled; hc-mid: 20 min ago, hourly */
	add(t, e, new_hc(&h, "hc-old", "healthy", true, now - 2 * HOUR, 300));
	add(t, e, new_hc(&h, "hc-new", NULL, true, 0, 300));
	add(t, e, new_hc(&h, "hc-edge", "degraded", true, now - 600 * CC_USEC_PER_SEC, 600));
	add(t, e, new_hc(&h, "hc-recent", "down", true, now - 60 * CC_USEC_PER_SEC, 300));
	add(t, e, new_hc(&h, "hc-off", "down", false, 0, 300));
	add(t, e, new_hc(&h, "hc-mid", "odd", true, now - 1200 * CC_USEC_PER_SEC, 3600));

	assert_int_equal(cc_health_check_summary(t->c, &sum, &err), 0);
	expect_json(sum, "{\"cert_mismatch\":0,\"degraded\":1,\"down\":2,\"healthy\":1,"
			 "\"total\":6,\"unknown\":1}");

	assert_int_equal(cc_health_check_due(t->c, now, 0, &l, &err), 0);
	assert_int_equal(l.n, 3);
	assert_string_equal(ITEM(cc_health_check, l, 0)->id, "hc-new");
	assert_string_equal(ITEM(cc_health_check, l, 1)->id, "hc-old");
	assert_string_equal(ITEM(cc_health_check, l, 2)->id, "hc-edge");
	assert_true(ITEM(cc_health_check, l, 1)->enabled);
	assert_int_equal(ITEM(cc_health_check, l, 1)->last_checked_at, now - 2 * HOUR);
	cc_list_release(e, &l);

	assert_int_equal(cc_health_check_due(t->c, now, 2, &l, &err), 0);
	assert_int_equal(l.n, 2);
	assert_string_equal(ITEM(cc_health_check, l, 1)->id, "hc-old");
	cc_list_release(e, &l);

	/* an hour later everything enabled is due, oldest first */
	assert_int_equal(cc_health_check_due(t->c, now + HOUR, -1, &l, &err), 0);
	assert_int_equal(l.n, 5);
	assert_string_equal(ITEM(cc_health_check, l, 2)->id, "hc-mid");
	assert_string_equal(ITEM(cc_health_check, l, 4)->id, "hc-recent");
	cc_list_release(e, &l);
}

static void *new_hh(struct cc_health_history *x, const char *check, const char *status, int64_t at)
{
	*x = (struct cc_health_history){ 0 };
	set_str(&x->health_check_id, check);
	set_str(&x->status, status);
	x->checked_at = at;
	return x;
}

static void test_repo_discovery__hh_crud(void **state)
{
	struct testdb *t = TDB(state);
	const struct cc_entity *e = &cc_health_history_entity;
	struct cc_err err = CC_ERR_INIT;
	struct cc_health_check h;
	struct cc_health_history x, got = { 0 };
	static const char *const keys[] = { "id",	   "health_check_id",
					    "status",	   "response_time_ms",
					    "fingerprint", "failure_reason",
					    "checked_at",  NULL };

	add(t, &cc_health_check_entity, new_hc(&h, "hc-1", NULL, true, 0, 300));
	new_hh(&x, "hc-1", "healthy", 0);
	assert_int_equal(cc_health_history_add(t->c, &x, &err), 0);
	assert_true(!strncmp(x.id, "hh-", 3));
	assert_true(x.checked_at > 0);
	assert_string_equal(x.fingerprint, "");

	assert_int_equal(cc_repo_get(t->c, e, x.id, &got, &err), 0);
	assert_string_equal(got.status, "healthy");
	assert_int_equal(got.checked_at, x.checked_at);
	set_str(&got.failure_reason, NASTY);
	got.response_time_ms = 42;
	update_reget(t, e, &got);
	cc_obj_release(e, &got);

	expect_ids(t, e, "health_check_id", "hc-1", x.id);
	expect_ids(t, e, "health_check_id", "hc-9", "");
	get_delete(t, e, x.id);
	cc_obj_release(e, &x);

	new_hh(&x, "hc-1", "down", 0);
	check_json(e, &x, keys);
	cc_obj_release(e, &x);
	new_hh(&x, "hc-9", "down", 0);
	ASSERT_ERR(cc_health_history_add(t->c, &x, &err), CC_E_CONFLICT);
	cc_obj_release(e, &x);
}

static void test_repo_discovery__hh_list_prune(void **state)
{
	struct testdb *t = TDB(state);
	const struct cc_entity *e = &cc_health_history_entity;
	struct cc_err err = CC_ERR_INIT;
	int64_t base = cc_time_now() - 10 * HOUR, deleted = -1;
	struct cc_health_check h;
	struct cc_health_history x;
	struct cc_list l;

	add(t, &cc_health_check_entity, new_hc(&h, "hc-1", NULL, true, 0, 300));
	add(t, &cc_health_check_entity, new_hc(&h, "hc-2", NULL, true, 0, 300));
	for (int i = 0; i < 5; i++) {
		new_hh(&x, i == 4 ? "hc-2" : "hc-1", i % 2 ? "down" : "healthy", base + i * HOUR);
		assert_int_equal(cc_health_history_add(t->c, &x, &err), 0);
		cc_obj_release(e, &x);
	}

	assert_int_equal(cc_health_history_list(t->c, "hc-1", 0, &l, &err), 0);
	assert_int_equal(l.n, 4);
	for (size_t i = 0; i < l.n; i++)
		assert_int_equal(ITEM(cc_health_history, l, i)->checked_at,
				 base + (int64_t)(3 - i) * HOUR);
	cc_list_release(e, &l);
	assert_int_equal(cc_health_history_list(t->c, "hc-1", 2, &l, &err), 0);
	assert_int_equal(l.n, 2);
	assert_int_equal(ITEM(cc_health_history, l, 0)->checked_at, base + 3 * HOUR);
	cc_list_release(e, &l);
	assert_int_equal(cc_health_history_list(t->c, "hc-9", 10, &l, &err), 0);
	assert_int_equal(l.n, 0);
	cc_list_release(e, &l);

	/* entries before base+2h go: two of hc-1 */
	assert_int_equal(cc_health_history_prune(t->c, base + 2 * HOUR, &deleted, &err), 0);
	assert_int_equal(deleted, 2);
	assert_int_equal(expect_ids(t, e, "health_check_id", "hc-1", NULL), 2);
	assert_int_equal(cc_health_history_prune(t->c, base, &deleted, &err), 0);
	assert_int_equal(deleted, 0);

	/* history goes with its check */
	assert_int_equal(cc_repo_delete(t->c, &cc_health_check_entity, "hc-1", &err), 0);
	assert_int_equal(expect_ids(t, e, "health_check_id", "hc-1", NULL), 0);
	assert_int_equal(expect_ids(t, e, NULL, NULL, NULL), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_repo_discovery__revocation_crud, testdb_reset),
		cmocka_unit_test_setup(test_repo_discovery__revocation_list_fk, testdb_reset),
		cmocka_unit_test_setup(test_repo_discovery__revocation_record, testdb_reset),
		cmocka_unit_test_setup(test_repo_discovery__scans, testdb_reset),
		cmocka_unit_test_setup(test_repo_discovery__dcert_crud, testdb_reset),
		cmocka_unit_test_setup(test_repo_discovery__dcert_list_fk, testdb_reset),
		cmocka_unit_test_setup(test_repo_discovery__dcert_upsert, testdb_reset),
		cmocka_unit_test_setup(test_repo_discovery__dcert_summary_claim_dismiss,
				       testdb_reset),
		cmocka_unit_test_setup(test_repo_discovery__nst_crud, testdb_reset),
		cmocka_unit_test_setup(test_repo_discovery__nst_list_fk_result, testdb_reset),
		cmocka_unit_test_setup(test_repo_discovery__hc_crud, testdb_reset),
		cmocka_unit_test_setup(test_repo_discovery__hc_list_fk, testdb_reset),
		cmocka_unit_test_setup(test_repo_discovery__hc_summary_due, testdb_reset),
		cmocka_unit_test_setup(test_repo_discovery__hh_crud, testdb_reset),
		cmocka_unit_test_setup(test_repo_discovery__hh_list_prune, testdb_reset),
	};
	return TESTDB_RUN("repo-discovery", tests);
}
