/* test-db-group.c: the group-commit writer (libcc/db-group.c) on both engines — units that
 * come together share one commit, a failing unit is rolled back alone, stop drains the
 * queue, and callers that wait get their own outcome */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "tests/unit/testdb.h"
#include "libcc/db-group.h"

#define NUNITS 12

struct unit {
	struct cc_db_group_item it;
	const char *key;   /* the row it inserts into group_t */
	bool fail_after;   /* then fails on purpose */
	bool nested_rb;	   /* fails through a nested cc_db_rollback instead */
	atomic_bool *gate; /* the write waits until it opens (holds the writer) */
	atomic_int *ndone; /* counted when done */
	int rc;		   /* what done was told */
	struct cc_err err;
};

static int insert(struct cc_dbc *c, const char *key, struct cc_err *err)
{
	return cc_db_exec(c, "INSERT INTO group_t (k) VALUES ($1)", CC_DB_ARGS(CC_DB_TEXT(key)),
			  NULL, err);
}

static int unit_write(struct cc_dbc *c, void *ud, struct cc_err *err)
{
	struct unit *u = ud;

	while (u->gate && !atomic_load(u->gate))
		usleep(1000);
	if (u->nested_rb) {
		if (cc_db_begin(c, err) < 0 || insert(c, u->key, err) < 0)
			return -1;
		cc_db_rollback(c); /* dooms what this unit wrote, and only that */
		return 0;
	}
	if (insert(c, u->key, err) < 0)
		return -1;
	if (u->fail_after)
		return cc_err_set(err, CC_E_INVALID, "unit %s fails on purpose", u->key);
	return 0;
}

static void unit_done(void *ud, int rc, const struct cc_err *err)
{
	struct unit *u = ud;

	u->rc = rc;
	u->err = *err;
	atomic_fetch_add(u->ndone, 1);
}

static void unit_init(struct unit *u, const char *key, atomic_int *ndone)
{
	memset(u, 0, sizeof(*u));
	u->key = key;
	u->ndone = ndone;
	u->rc = 99;
	u->it.write = unit_write;
	u->it.done = unit_done;
	u->it.ud = u;
}

static long count_rows(void **state, const char *key)
{
	struct cc_err err = CC_ERR_INIT;
	struct cc_dbres r = CC_DBRES_INIT;
	long n;

	assert_ok(cc_db_exec(TDB(state)->c,
			     key ? "SELECT COUNT(*) FROM group_t WHERE k = $1"
				 : "SELECT COUNT(*) FROM group_t WHERE CAST($1 AS TEXT) IS NULL",
			     CC_DB_ARGS(key ? CC_DB_TEXT(key) : CC_DB_NULL()), &r, &err));
	n = atol(cc_dbres_str(&r, 0, 0));
	cc_dbres_release(&r);
	return n;
}

static int reset(void **state)
{
	struct cc_err err = CC_ERR_INIT;

	testdb_reset(state);
	if (cc_db_exec_script(TDB(state)->c,
			      "CREATE TABLE IF NOT EXISTS group_t (k TEXT PRIMARY KEY); "
			      "DELETE FROM group_t",
			      &err) < 0)
		fail_msg("group_t: %s", err.msg);
	return 0;
}

static void wait_done(atomic_int *ndone, int n)
{
	for (int i = 0; i < 10000 && atomic_load(ndone) < n; i++)
		usleep(1000);
	assert_int_equal(atomic_load(ndone), n);
}

/* the first unit holds the writer; the eleven queued behind it go in one transaction */
static void test_group__queued_units_share_one_commit(void **state)
{
	struct cc_db_group *g = cc_db_group_start(TDB(state)->db);
	struct unit u[NUNITS];
	char keys[NUNITS][16];
	atomic_bool gate = false;
	atomic_int ndone = 0;
	unsigned long batches, units;

	for (int i = 0; i < NUNITS; i++) {
		snprintf(keys[i], sizeof(keys[i]), "k%02d", i);
		unit_init(&u[i], keys[i], &ndone);
	}
	u[0].gate = &gate;
	for (int i = 0; i < NUNITS; i++) {
		cc_db_group_submit(g, &u[i].it);
		if (i == 0)
			usleep(50000); /* the writer has taken it alone */
	}
	atomic_store(&gate, true);
	wait_done(&ndone, NUNITS);
	cc_db_group_counts(g, &batches, &units);
	assert_int_equal(units, NUNITS);
	assert_int_equal(batches, 2);
	for (int i = 0; i < NUNITS; i++)
		assert_int_equal(u[i].rc, 0);
	assert_int_equal(count_rows(state, NULL), NUNITS);
	cc_db_group_stop(g);
}

/* in one batch: a unit that fails after writing, one whose write breaks a constraint and
 * one that fails through a nested rollback leave nothing; the others are committed */
static void test_group__a_failing_unit_is_rolled_back_alone(void **state)
{
	struct cc_db_group *g = cc_db_group_start(TDB(state)->db);
	struct unit hold, ok1, bad, dup, nested, ok2;
	atomic_bool gate = false;
	atomic_int ndone = 0;

	unit_init(&hold, "hold", &ndone);
	hold.gate = &gate;
	unit_init(&ok1, "a", &ndone);
	unit_init(&bad, "b", &ndone);
	bad.fail_after = true;
	unit_init(&dup, "a", &ndone);
	unit_init(&nested, "n", &ndone);
	nested.nested_rb = true;
	unit_init(&ok2, "c", &ndone);
	cc_db_group_submit(g, &hold.it);
	usleep(50000);
	cc_db_group_submit(g, &ok1.it);
	cc_db_group_submit(g, &bad.it);
	cc_db_group_submit(g, &dup.it);
	cc_db_group_submit(g, &nested.it);
	cc_db_group_submit(g, &ok2.it);
	atomic_store(&gate, true);
	wait_done(&ndone, 6);
	assert_int_equal(ok1.rc, 0);
	assert_int_equal(ok2.rc, 0);
	assert_int_equal(bad.rc, -1);
	assert_int_equal(bad.err.code, CC_E_INVALID);
	assert_non_null(strstr(bad.err.msg, "on purpose"));
	assert_int_equal(dup.rc, -1);
	assert_int_equal(dup.err.code, CC_E_CONFLICT);
	assert_int_equal(nested.rc, -1);
	assert_int_equal(count_rows(state, "a"), 1);
	assert_int_equal(count_rows(state, "c"), 1);
	assert_int_equal(count_rows(state, "b"), 0);
	assert_int_equal(count_rows(state, "n"), 0);
	assert_int_equal(count_rows(state, NULL), 3); /* hold, a, c */
	cc_db_group_stop(g);
}

/* stop commits what is queued before the thread goes */
static void test_group__stop_drains_the_queue(void **state)
{
	struct cc_db_group *g = cc_db_group_start(TDB(state)->db);
	struct unit u[NUNITS];
	char keys[NUNITS][16];
	atomic_int ndone = 0;

	for (int i = 0; i < NUNITS; i++) {
		snprintf(keys[i], sizeof(keys[i]), "s%02d", i);
		unit_init(&u[i], keys[i], &ndone);
		cc_db_group_submit(g, &u[i].it);
	}
	cc_db_group_stop(g);
	assert_int_equal(atomic_load(&ndone), NUNITS);
	assert_int_equal(count_rows(state, NULL), NUNITS);
}

/* callers that wait (cc_db_group_run) from many threads each get their own outcome */
struct runner {
	struct cc_db_group *g;
	int id, ok, failed;
};

static int run_one(struct cc_dbc *c, void *ud, struct cc_err *err)
{
	const char *key = ud;

	if (insert(c, key, err) < 0)
		return -1;
	return key[0] == 'x' ? cc_err_set(err, CC_E_INVALID, "odd one out") : 0;
}

static void *runner_main(void *arg)
{
	struct runner *r = arg;

	for (int i = 0; i < 40; i++) {
		char key[32];
		struct cc_err err = CC_ERR_INIT;

		/* every fifth fails on purpose */
		snprintf(key, sizeof(key), "%s%d-%d", i % 5 == 4 ? "x" : "r", r->id, i);
		if (cc_db_group_run(r->g, run_one, key, &err) == 0)
			r->ok++;
		else if (err.code == CC_E_INVALID)
			r->failed++;
	}
	return NULL;
}

static void test_group__waiting_callers_from_many_threads(void **state)
{
	struct cc_db_group *g = cc_db_group_start(TDB(state)->db);
	struct runner r[6];
	pthread_t t[6];
	unsigned long batches, units;

	for (int i = 0; i < 6; i++) {
		r[i] = (struct runner){ .g = g, .id = i };
		assert_int_equal(pthread_create(&t[i], NULL, runner_main, &r[i]), 0);
	}
	for (int i = 0; i < 6; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(r[i].ok, 32);
		assert_int_equal(r[i].failed, 8);
	}
	cc_db_group_counts(g, &batches, &units);
	assert_int_equal(units, 240);
	assert_true(batches <= units);
	assert_int_equal(count_rows(state, NULL), 6 * 32);
	cc_db_group_stop(g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_group__queued_units_share_one_commit, reset),
		cmocka_unit_test_setup(test_group__a_failing_unit_is_rolled_back_alone, reset),
		cmocka_unit_test_setup(test_group__stop_drains_the_queue, reset),
		cmocka_unit_test_setup(test_group__waiting_callers_from_many_threads, reset),
	};
	return TESTDB_RUN("db-group", tests);
}
