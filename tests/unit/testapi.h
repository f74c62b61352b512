/* testapi.h: drive the daemon's request pipeline (router, middleware, handlers) in-process
 * against a fresh SQLite database (or a PostgreSQL schema) */
#ifndef CC_TESTAPI_H
#define CC_TESTAPI_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <jansson.h>
#include "daemon/api.h"
#include "daemon/app.h"
#include "libcc/cfg.h"
#include "libcc/log.h"

#define TESTAPI_KEY "test-admin-key"

struct testapi {
	struct api_app app;
	struct cc_cfg cfg;
	struct cc_log log;
	char *dir;
	char *schema; /* PostgreSQL: the test's own schema, dropped at teardown */
	/* the last response */
	int status;
	char *body; /* NUL-terminated; body_len bytes */
	size_t body_len;
	json_t *json;  /* parsed body, or NULL */
	char *headers; /* "Name: value\n" lines */
};

/* group setup/teardown: state is a struct testapi * (auth api-key with TESTAPI_KEY,
 * rate limiting off, audit writer on). Extra CERTCTL_* settings may be given as
 * NULL-terminated "NAME=value" strings through testapi_setup_env. */
int testapi_setup(void **state);
int testapi_setup_env(void **state, const char *const *env);
/* the same on PostgreSQL (CERTCTL_TEST_PG_URL, a schema of its own); see TESTAPI_RUN */
int testapi_setup_pg(void **state);
int testapi_setup_pg_env(void **state, const char *const *env);
int testapi_teardown(void **state);

/* runs the tests once on SQLite and, when CERTCTL_TEST_PG_URL is set, once on PostgreSQL,
 * with the group setups given; returns the number of failures. SQL in such tests must read
 * the same on both engines */
int testapi_have_pg(void);
#define TESTAPI_RUN(name, tests, setup_sqlite, setup_pg)                                           \
	(cmocka_run_group_tests_name(name " [sqlite]", tests, setup_sqlite, testapi_teardown) +    \
	 (testapi_have_pg() ? cmocka_run_group_tests_name(name " [postgresql]", tests, setup_pg,   \
							  testapi_teardown)                        \
			    : 0))
/* per-test: empties the tables */
int testapi_reset(void **state);

/* performs METHOD path[?query] with body (may be NULL) and the admin key (key NULL),
 * another key, or "" for none; returns the status */
int testapi_call(struct testapi *t, const char *method, const char *path, const char *body,
		 const char *key);
/* printf-style path; admin key; body may be NULL */
int testapi_callf(struct testapi *t, const char *method, const char *body, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* a string member of the last JSON response ("" when absent) */
const char *testapi_str(struct testapi *t, const char *key);
const char *testapi_header(struct testapi *t, const char *name);
/* raw SQL on the test database (setup of fixtures); fails the test on error */
void testapi_sql(struct testapi *t, const char *sql);
/* the first column of the first row of a query, as an integer */
long long testapi_count(struct testapi *t, const char *sql);
/* the same with a printf-style query */
long long testapi_countf(struct testapi *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define TAPI(state) ((struct testapi *)*(state))
#define assert_status(t, m_, p_, b_, want_)                                                        \
	do {                                                                                       \
		int st_ = testapi_call((t), (m_), (p_), (b_), NULL);                               \
		if (st_ != (want_))                                                                \
			fail_msg("%s %s: status %d, want %d: %s", (m_), (p_), st_, (want_),        \
				 (t)->body);                                                       \
	} while (0)

#endif
