/* testrepo.c: helpers shared by the repository tests */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tests/unit/testrepo.h"
#include "libcc/mem.h"
#include "libcc/strv.h"

char *xdup(const char *s)
{
	return s ? cc_xstrdup(s) : NULL;
}

void set_str(char **p, const char *v)
{
	free(*p);
	*p = xdup(v);
}

void sql_ok(struct testdb *t, const char *sql, const struct cc_dbarg *args, int nargs)
{
	struct cc_err err = CC_ERR_INIT;

	if (cc_db_exec(t->c, sql, args, nargs, NULL, &err) < 0)
		fail_msg("%s: %s", sql, err.msg);
}

void insert_ok(struct testdb *t, const struct cc_entity *e, void *obj)
{
	struct cc_err err = CC_ERR_INIT;

	if (cc_repo_insert(t->c, e, obj, &err) < 0)
		fail_msg("insert %s: %s", e->name, err.msg);
}

void insert_free(struct testdb *t, const struct cc_entity *e, void *obj)
{
	insert_ok(t, e, obj);
	cc_obj_release(e, obj);
}

/* the insert fails with code; obj is released */
void insert_fails(struct testdb *t, const struct cc_entity *e, void *obj, enum cc_errc code)
{
	struct cc_err err = CC_ERR_INIT;

	assert_int_equal(cc_repo_insert(t->c, e, obj, &err), -1);
	assert_int_equal(err.code, code);
	cc_obj_release(e, obj);
}

/* full replace, then the row read back into obj */
void update_reload(struct testdb *t, const struct cc_entity *e, void *obj)
{
	struct cc_err err = CC_ERR_INIT;
	char *id = cc_xstrdup(cc_obj_id(e, obj));

	if (cc_repo_update(t->c, e, obj, &err) < 0)
		fail_msg("update %s: %s", e->name, err.msg);
	cc_obj_release(e, obj);
	if (cc_repo_get(t->c, e, id, obj, &err) < 0)
		fail_msg("get %s: %s", e->name, err.msg);
	free(id);
}

/* deletes id, then get and delete are NOT_FOUND */
void delete_gone(struct testdb *t, const struct cc_entity *e, const char *id)
{
	struct cc_err err = CC_ERR_INIT;
	void *obj = cc_obj_new(e);

	assert_int_equal(cc_repo_delete(t->c, e, id, &err), 0);
	assert_fails(cc_repo_get(t->c, e, id, obj, &err), CC_E_NOT_FOUND);
	assert_fails(cc_repo_delete(t->c, e, id, &err), CC_E_NOT_FOUND);
	cc_obj_free(e, obj);
}

/* the number of rows a list with up to two filters returns */
int64_t count2(struct testdb *t, const struct cc_entity *e, const char *p1, const char *v1,
	       const char *p2, const char *v2)
{
	struct cc_err err = CC_ERR_INIT;
	struct cc_query q = { .per_page = CC_PAGE_MAX };
	struct cc_list l;
	int64_t n;

	if (p1)
		assert_int_equal(cc_query_filter(&q, p1, v1, &err), 0);
	if (p2)
		assert_int_equal(cc_query_filter(&q, p2, v2, &err), 0);
	if (cc_repo_list(t->c, e, &q, &l, &err) < 0)
		fail_msg("list %s %s=%s: %s", e->name, p1, v1, err.msg);
	assert_int_equal(l.total, (int64_t)l.n);
	n = l.total;
	cc_list_release(e, &l);
	return n;
}

/* filter param=yes gives nyes rows, param=no none (and: an extra fixed filter or NULL) */
void expect_filter_and(struct testdb *t, const struct cc_entity *e, const char *param,
		       const char *yes, int64_t nyes, const char *no, const char *and_p,
		       const char *and_v)
{
	int64_t got = count2(t, e, param, yes, and_p, and_v);

	if (got != nyes)
		fail_msg("%s %s=%s: %lld rows, expected %lld", e->name, param, yes, (long long)got,
			 (long long)nyes);
	got = count2(t, e, param, no, and_p, and_v);
	if (got != 0)
		fail_msg("%s %s=%s: %lld rows, expected none", e->name, param, no, (long long)got);
}

/* the object's JSON keys must be exactly keys (space-separated) */
void expect_keys(const struct cc_entity *e, const void *obj, const char *keys)
{
	json_t *j = cc_obj_to_json(e, obj);
	struct cc_strv want = CC_STRV_INIT;
	char *s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);

	cc_strv_split(&want, keys, ' ');
	for (size_t i = 0; i < want.n; i++)
		if (!json_object_get(j, want.v[i]))
			fail_msg("%s: no key '%s' in %s", e->name, want.v[i], s);
	if (json_object_size(j) != want.n)
		fail_msg("%s: keys other than '%s' in %s", e->name, keys, s);
	free(s);
	cc_strv_release(&want);
	json_decref(j);
}

void expect_json_key(const struct cc_entity *e, const void *obj, const char *key, const char *want)
{
	json_t *j = cc_obj_to_json(e, obj);
	char *s = json_dumps(json_object_get(j, key), JSON_COMPACT | JSON_ENCODE_ANY);

	if (!s || strcmp(s, want))
		fail_msg("%s.%s: %s, expected %s", e->name, key, s ? s : "(absent)", want);
	free(s);
	json_decref(j);
}

void expect_json_eq(json_t *got, const char *want)
{
	json_t *w = json_loads(want, JSON_DECODE_ANY, NULL);
	char *s = json_dumps(got, JSON_COMPACT | JSON_ENCODE_ANY);

	assert_non_null(w);
	if (!json_equal(got, w))
		fail_msg("json %s, expected %s", s ? s : "NULL", want);
	free(s);
	json_decref(w);
}

void expect_filter2(struct testdb *t, const struct cc_entity *e, const char *param, const char *yes,
		    int64_t nyes, const char *no)
{
	expect_filter_and(t, e, param, yes, nyes, no, NULL, NULL);
}

/* ---- fixtures by raw SQL ---- */

/* team-1, owner-1, issuer-1, rp-1 and certificates cert-1, cert-2 */
void mk_certs(struct testdb *t)
{
	struct cc_err err = CC_ERR_INIT;

	if (cc_db_exec_script(
		    t->c,
		    "INSERT INTO teams (id, name) VALUES ('team-1', 'team-1');"
		    "INSERT INTO owners (id, name, email, team_id) "
		    "VALUES ('owner-1', 'owner-1', 'x@example.com', 'team-1');"
		    "INSERT INTO issuers (id, name, type) VALUES ('issuer-1', 'issuer-1', 'ACME');"
		    "INSERT INTO renewal_policies (id, name, renewal_window_days) "
		    "VALUES ('rp-1', 'rp-1', 30);"
		    "INSERT INTO managed_certificates (id, name, common_name, owner_id, team_id, "
		    "issuer_id, renewal_policy_id) VALUES "
		    "('cert-1', 'cert-1', 'a.example', 'owner-1', 'team-1', 'issuer-1', 'rp-1'), "
		    "('cert-2', 'cert-2', 'b.example', 'owner-1', 'team-1', 'issuer-1', 'rp-1');",
		    &err) < 0)
		fail_msg("fixtures: %s", err.msg);
}

/* PostgreSQL deduces one type per parameter: id (TEXT) and name (VARCHAR) need two */
void mk_agent(struct testdb *t, const char *id)
{
	sql_ok(t, "INSERT INTO agents (id, name, hostname, api_key_hash) VALUES ($1, $2, $3, $4)",
	       CC_DB_ARGS(CC_DB_TEXT(id), CC_DB_TEXT(id), CC_DB_TEXT("host-1"),
			  CC_DB_TEXT("hash")));
}

void mk_target(struct testdb *t, const char *id, const char *agent)
{
	sql_ok(t,
	       "INSERT INTO deployment_targets (id, name, type, agent_id) VALUES ($1, $2, $3, $4)",
	       CC_DB_ARGS(CC_DB_TEXT(id), CC_DB_TEXT(id), CC_DB_TEXT("NGINX"), CC_DB_TEXT(agent)));
}
