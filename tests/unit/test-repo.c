/* test-repo.c: the generic repository (insert/get/update/delete/list/cursor) on both engines */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tests/unit/testdb.h"
#include "libcc/repo.h"
#include "libcc/team.h"
#include "libcc/mem.h"
#include "libcc/time.h"

static void make_team(struct testdb *t, const char *id, const char *name, int64_t created)
{
	struct cc_team tm = { .id = (char *)id,
			      .name = (char *)name,
			      .description = (char *)"d",
			      .created_at = created };
	struct cc_team copy;
	struct cc_err err = CC_ERR_INIT;

	cc_obj_copy(&cc_team_entity, &copy, &tm);
	if (cc_repo_insert(t->c, &cc_team_entity, &copy, &err) < 0)
		fail_msg("insert %s: %s", name, err.msg);
	cc_obj_release(&cc_team_entity, &copy);
}

static void test_repo__insert_get_update_delete(void **state)
{
	struct testdb *t = TDB(state);
	struct cc_err err = CC_ERR_INIT;
	struct cc_team tm = { 0 }, got = { 0 };

	tm.name = cc_xstrdup("platform");
	assert_int_equal(cc_repo_insert(t->c, &cc_team_entity, &tm, &err), 0);
	assert_non_null(tm.id);
	assert_true(!strncmp(tm.id, "team-", 5));
	assert_true(tm.created_at > 0);
	assert_int_equal(tm.created_at, tm.updated_at);

	assert_int_equal(cc_repo_get(t->c, &cc_team_entity, tm.id, &got, &err), 0);
	assert_string_equal(got.name, "platform");
	assert_null(got.description);
	assert_int_equal(got.created_at, tm.created_at);

	free(got.description);
	got.description = cc_xstrdup("o'hara; DROP TABLE teams; --");
	assert_int_equal(cc_repo_update(t->c, &cc_team_entity, &got, &err), 0);
	cc_obj_release(&cc_team_entity, &got);
	assert_int_equal(cc_repo_get(t->c, &cc_team_entity, tm.id, &got, &err), 0);
	assert_string_equal(got.description, "o'hara; DROP TABLE teams; --");
	assert_true(got.updated_at >= tm.updated_at);

	assert_int_equal(cc_repo_delete(t->c, &cc_team_entity, tm.id, &err), 0);
	assert_int_equal(cc_repo_get(t->c, &cc_team_entity, tm.id, &got, &err), -1);
	assert_int_equal(err.code, CC_E_NOT_FOUND);
	assert_int_equal(cc_repo_delete(t->c, &cc_team_entity, tm.id, &err), -1);
	assert_int_equal(err.code, CC_E_NOT_FOUND);
	cc_obj_release(&cc_team_entity, &got);
	cc_obj_release(&cc_team_entity, &tm);
}

/* shrinking a quiet pool: SQLite keeps one idle connection, PostgreSQL all of them; the
 * statements they dropped are prepared again on their next use */
static void test_repo__shrink_keeps_the_pool_usable(void **state)
{
	struct testdb *t = TDB(state);
	struct cc_err err = CC_ERR_INIT;
	struct cc_dbc *c[3];
	struct cc_dbres r = CC_DBRES_INIT;
	int before = cc_db_open_connections(t->db);

	for (int i = 0; i < 3; i++) {
		c[i] = cc_db_get(t->db, &err);
		assert_non_null(c[i]);
		assert_int_equal(cc_db_exec(c[i], "SELECT COUNT(*) FROM teams", NULL, 0, &r, &err),
				 0);
		cc_dbres_release(&r);
	}
	int busy = cc_db_open_connections(t->db);

	assert_true(busy >= before + 2);
	for (int i = 0; i < 3; i++)
		cc_db_put(t->db, c[i]);
	cc_db_shrink(t->db);
	/* t->c, borrowed by the fixture, is not idle and stays open */
	assert_int_equal(cc_db_open_connections(t->db), t->engine == CC_DB_SQLITE ? 2 : busy);
	for (int round = 0; round < 2; round++) {
		struct cc_dbc *d = cc_db_get(t->db, &err);
		assert_non_null(d);
		assert_int_equal(cc_db_exec(d, "SELECT COUNT(*) FROM teams WHERE id <> $1",
					    CC_DB_ARGS(CC_DB_TEXT("x")), &r, &err),
				 0);
		assert_int_equal(cc_dbres_int(&r, 0, 0), 0);
		cc_dbres_release(&r);
		cc_db_put(t->db, d);
		cc_db_shrink(t->db);
	}
}

static void test_repo__duplicate_is_conflict(void **state)
{
	struct testdb *t = TDB(state);
	struct cc_err err = CC_ERR_INIT;
	struct cc_team a = { .id = cc_xstrdup("team-a"), .name = cc_xstrdup("same") };
	struct cc_team b = { .id = cc_xstrdup("team-b"), .name = cc_xstrdup("same") };

	assert_int_equal(cc_repo_insert(t->c, &cc_team_entity, &a, &err), 0);
	assert_int_equal(cc_repo_insert(t->c, &cc_team_entity, &b, &err), -1);
	assert_int_equal(err.code, CC_E_CONFLICT);
	free(b.name);
	b.name = cc_xstrdup("other");
	free(b.id);
	b.id = cc_xstrdup("team-a");
	assert_int_equal(cc_repo_insert(t->c, &cc_team_entity, &b, &err), -1);
	assert_int_equal(err.code, CC_E_CONFLICT);
	cc_obj_release(&cc_team_entity, &a);
	cc_obj_release(&cc_team_entity, &b);
}

static void test_repo__update_missing_is_not_found(void **state)
{
	struct testdb *t = TDB(state);
	struct cc_err err = CC_ERR_INIT;
	struct cc_team a = { .id = cc_xstrdup("team-none"), .name = cc_xstrdup("x") };

	assert_int_equal(cc_repo_update(t->c, &cc_team_entity, &a, &err), -1);
	assert_int_equal(err.code, CC_E_NOT_FOUND);
	assert_non_null(strstr(err.msg, "team-none"));
	cc_obj_release(&cc_team_entity, &a);
}

static void test_repo__list_pages_sort_filter(void **state)
{
	struct testdb *t = TDB(state);
	struct cc_err err = CC_ERR_INIT;
	struct cc_query q = { 0 };
	struct cc_list l;
	int64_t base = cc_time_now() - 1000 * CC_USEC_PER_SEC;
	char id[32], name[32];

	for (int i = 0; i < 25; i++) {
		snprintf(id, sizeof(id), "team-%02d", i);
		snprintf(name, sizeof(name), "name-%02d", 24 - i);
		make_team(t, id, name, base + i * CC_USEC_PER_SEC);
	}
	q.per_page = 10;
	q.page = 3;
	q.sort = "createdAt";
	assert_int_equal(cc_repo_list(t->c, &cc_team_entity, &q, &l, &err), 0);
	assert_int_equal(l.total, 25);
	assert_int_equal(l.n, 5);
	assert_string_equal(((struct cc_team *)l.items[0])->id, "team-20");
	cc_list_release(&cc_team_entity, &l);

	q.page = 1;
	q.sort = "-name";
	assert_int_equal(cc_repo_list(t->c, &cc_team_entity, &q, &l, &err), 0);
	assert_string_equal(((struct cc_team *)l.items[0])->name, "name-24");
	cc_list_release(&cc_team_entity, &l);

	/* default order of teams: newest first */
	q.sort = NULL;
	assert_int_equal(cc_repo_list(t->c, &cc_team_entity, &q, &l, &err), 0);
	assert_string_equal(((struct cc_team *)l.items[0])->id, "team-24");
	cc_list_release(&cc_team_entity, &l);

	char after[CC_TIME_BUFSZ];
	cc_time_format(base + 19 * CC_USEC_PER_SEC, after);
	assert_int_equal(cc_query_filter(&q, "created_after", after, &err), 0);
	assert_int_equal(cc_repo_list(t->c, &cc_team_entity, &q, &l, &err), 0);
	assert_int_equal(l.total, 5);
	cc_list_release(&cc_team_entity, &l);

	assert_int_equal(cc_query_filter(&q, "name", "name-00", &err), 0);
	assert_int_equal(cc_repo_list(t->c, &cc_team_entity, &q, &l, &err), 0);
	assert_int_equal(l.total, 1);
	assert_string_equal(((struct cc_team *)l.items[0])->id, "team-24");
	cc_list_release(&cc_team_entity, &l);
}

static void test_repo__list_rejects_bad_input(void **state)
{
	struct testdb *t = TDB(state);
	struct cc_err err = CC_ERR_INIT;
	struct cc_query q = { 0 };
	struct cc_list l;

	q.sort = "password";
	assert_int_equal(cc_repo_list(t->c, &cc_team_entity, &q, &l, &err), -1);
	assert_int_equal(err.code, CC_E_INVALID);
	assert_non_null(strstr(err.msg, "sort"));

	q.sort = "expiresAt"; /* teams have no expiry */
	assert_int_equal(cc_repo_list(t->c, &cc_team_entity, &q, &l, &err), -1);

	q.sort = NULL;
	q.per_page = 501;
	assert_int_equal(cc_repo_list(t->c, &cc_team_entity, &q, &l, &err), -1);
	assert_non_null(strstr(err.msg, "per_page"));

	q.per_page = 10;
	cc_query_filter(&q, "owner_id", "x", &err);
	assert_int_equal(cc_repo_list(t->c, &cc_team_entity, &q, &l, &err), -1);
	assert_non_null(strstr(err.msg, "owner_id"));

	q.nfilt = 0;
	cc_query_filter(&q, "created_after", "yesterday", &err);
	assert_int_equal(cc_repo_list(t->c, &cc_team_entity, &q, &l, &err), -1);
	assert_non_null(strstr(err.msg, "created_after"));

	q.nfilt = 0;
	q.cursor_mode = true;
	q.cursor = "not-a-cursor!";
	assert_int_equal(cc_repo_list(t->c, &cc_team_entity, &q, &l, &err), -1);
	assert_non_null(strstr(err.msg, "cursor"));
}

/* walking with the cursor sees every row exactly once, even with rows inserted meanwhile */
static void walk(struct testdb *t, const char *sort, int expect, bool insert_during)
{
	struct cc_err err = CC_ERR_INIT;
	struct cc_query q = { .cursor_mode = true, .per_page = 7, .sort = sort };
	char *cursor = NULL, *seen = cc_xcalloc(1000, 1);
	int count = 0, pages = 0;

	for (;;) {
		struct cc_list l;
		q.cursor = cursor;
		if (cc_repo_list(t->c, &cc_team_entity, &q, &l, &err) < 0)
			fail_msg("list: %s", err.msg);
		for (size_t i = 0; i < l.n; i++) {
			int n = atoi(((struct cc_team *)l.items[i])->id + 5);
			if (n < 1000) {
				assert_int_equal(seen[n], 0);
				seen[n] = 1;
				count++;
			}
		}
		free(cursor);
		cursor = l.next_cursor ? cc_xstrdup(l.next_cursor) : NULL;
		cc_list_release(&cc_team_entity, &l);
		if (insert_during && pages == 1) {
			char id[32], name[32];
			snprintf(id, sizeof(id), "team-%d", 5000 + pages);
			snprintf(name, sizeof(name), "late-%d", pages);
			make_team(t, id, name, cc_time_now() - 5000 * CC_USEC_PER_SEC);
		}
		pages++;
		if (!cursor)
			break;
	}
	assert_int_equal(count, expect);
	free(seen);
}

static void test_repo__cursor_walks_every_row_once(void **state)
{
	struct testdb *t = TDB(state);
	int64_t base = cc_time_now() - 100 * CC_USEC_PER_SEC;
	char id[32], name[32];

	for (int i = 0; i < 50; i++) {
		snprintf(id, sizeof(id), "team-%d", i);
		snprintf(name, sizeof(name), "n%03d", (i * 37) % 50);
		/* pairs share a timestamp so ties are broken by id */
		make_team(t, id, name, base + (i / 2) * CC_USEC_PER_SEC);
	}
	walk(t, NULL, 50, false);
	walk(t, "createdAt", 50, false);
	walk(t, "-createdAt", 50, true);
	walk(t, "name", 50, false);
	walk(t, "-name", 50, false);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_repo__insert_get_update_delete, testdb_reset),
		cmocka_unit_test_setup(test_repo__shrink_keeps_the_pool_usable, testdb_reset),
		cmocka_unit_test_setup(test_repo__duplicate_is_conflict, testdb_reset),
		cmocka_unit_test_setup(test_repo__update_missing_is_not_found, testdb_reset),
		cmocka_unit_test_setup(test_repo__list_pages_sort_filter, testdb_reset),
		cmocka_unit_test_setup(test_repo__list_rejects_bad_input, testdb_reset),
		cmocka_unit_test_setup(test_repo__cursor_walks_every_row_once, testdb_reset),
	};
	return TESTDB_RUN("repo", tests);
}
