/* test-db-wal.c: SQLite's background WAL checkpointer (libcc/sqlite-ckpt.c) */
#include <dirent.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <setjmp.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include "libcc/db.h"
#include "libcc/err.h"
#include "libcc/mem.h"
#include "libcc/sqlite-ckpt.h"

static int threads(void)
{
	DIR *d = opendir("/proc/self/task");
	int n = 0;

	if (!d)
		return -1;
	while (readdir(d))
		n++;
	closedir(d);
	return n - 2; /* . and .. */
}

static off_t size_of(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? st.st_size : 0;
}

struct fixture {
	char dir[64];
	char *path, *wal;
	struct cc_db *db;
};

/* a fresh database in a temp dir with one table, t (b BLOB) */
static void open_db(struct fixture *f)
{
	struct cc_err err = CC_ERR_INIT;
	struct cc_dbc *c;
	char *url;

	snprintf(f->dir, sizeof(f->dir), "/tmp/certctl-wal-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	f->path = cc_xasprintf("%s/t.db", f->dir);
	f->wal = cc_xasprintf("%s/t.db-wal", f->dir);
	url = cc_xasprintf("sqlite:%s", f->path);
	f->db = cc_db_open(url, 4, NULL, &err);
	free(url);
	assert_non_null(f->db);
	c = cc_db_get(f->db, &err);
	assert_non_null(c);
	assert_int_equal(cc_db_exec_script(c, "CREATE TABLE t (b BLOB)", &err), 0);
	cc_db_put(f->db, c);
}

static void close_db(struct fixture *f)
{
	char *shm = cc_xasprintf("%s-shm", f->path);

	cc_db_close(f->db);
	unlink(f->wal);
	unlink(shm);
	unlink(f->path);
	rmdir(f->dir);
	free(shm);
	free(f->path);
	free(f->wal);
}

static void write_loop(struct cc_db *db, int n)
{
	struct cc_err err = CC_ERR_INIT;
	struct cc_dbc *c = cc_db_get(db, &err);

	assert_non_null(c);
	for (int i = 0; i < n; i++) {
		assert_int_equal(cc_db_begin(c, &err), 0);
		assert_int_equal(cc_db_exec(c, "INSERT INTO t (b) VALUES (randomblob($1))",
					    CC_DB_ARGS(CC_DB_INT(3000)), NULL, &err),
				 0);
		assert_int_equal(cc_db_commit(c, &err), 0);
	}
	cc_db_put(db, c);
}

/* a short-lived command never starts the thread */
static void test_db_wal__no_thread_below_threshold(void **state)
{
	struct fixture f;
	int before = threads();

	(void)state;
	open_db(&f);
	write_loop(f.db, 50);
	assert_int_equal(threads(), before);
	close_db(&f);
}

/* a write loop many times the threshold: the WAL stays near it, the checkpoints ran in
 * the thread, and closing stops the thread */
static void test_db_wal__bounded_and_stops(void **state)
{
	struct fixture f;
	struct cc_sqlite_ckpt_stats st;
	int before = threads();

	(void)state;
	open_db(&f);
	write_loop(f.db, 10 * CC_SQLITE_CKPT_PAGES);
	cc_sqlite_ckpt_get_stats(*cc_db_driver_state(f.db), &st);

	assert_true(st.runs > 0);
	/* without checkpoints it would hold every page written: 20,000+. This loop writes
	 * faster than any server does, so the back pressure may have been needed; it can
	 * overshoot while the thread's own checkpoint holds the checkpoint lock */
	assert_true(st.max_wal < 2 * CC_SQLITE_CKPT_HARD);
	assert_true(size_of(f.wal) < (off_t)2 * CC_SQLITE_CKPT_HARD * 4200);
	assert_int_equal(threads(), before + 1);
	close_db(&f);
	assert_int_equal(threads(), before);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_db_wal__no_thread_below_threshold),
		cmocka_unit_test(test_db_wal__bounded_and_stops),
	};
	return cmocka_run_group_tests_name("db-wal [sqlite]", tests, NULL, NULL);
}
