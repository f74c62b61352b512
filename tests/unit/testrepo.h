/* testrepo.h: helpers shared by the repository tests (test-repo-*.c) */
#ifndef CC_TESTREPO_H
#define CC_TESTREPO_H

#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>
#include "tests/unit/testdb.h"
#include "libcc/entity.h"
#include "libcc/repo.h"

/* call fails with code (in the caller's err) */
#define assert_fails(call, code_)                                                                  \
	do {                                                                                       \
		assert_int_equal((call), -1);                                                      \
		assert_int_equal(err.code, (code_));                                               \
	} while (0)

char *xdup(const char *s);
void set_str(char **p, const char *v);
void sql_ok(struct testdb *t, const char *sql, const struct cc_dbarg *args, int nargs);
void insert_ok(struct testdb *t, const struct cc_entity *e, void *obj);
/* inserts a fixture and releases its members */
void insert_free(struct testdb *t, const struct cc_entity *e, void *obj);
/* the insert fails with code; obj is released */
void insert_fails(struct testdb *t, const struct cc_entity *e, void *obj, enum cc_errc code);
/* full replace, then the row read back into obj */
void update_reload(struct testdb *t, const struct cc_entity *e, void *obj);
/* deletes id, then get and delete are NOT_FOUND */
void delete_gone(struct testdb *t, const struct cc_entity *e, const char *id);
/* the number of rows a list with up to two filters returns */
int64_t count2(struct testdb *t, const struct cc_entity *e, const char *p1, const char *v1,
	       const char *p2, const char *v2);
/* filter param=yes gives nyes rows, param=no none (and: an extra fixed filter or NULL) */
void expect_filter_and(struct testdb *t, const struct cc_entity *e, const char *param,
		       const char *yes, int64_t nyes, const char *no, const char *and_p,
		       const char *and_v);
void expect_filter2(struct testdb *t, const struct cc_entity *e, const char *param, const char *yes,
		    int64_t nyes, const char *no);
/* the object's JSON keys must be exactly keys (space-separated) */
void expect_keys(const struct cc_entity *e, const void *obj, const char *keys);
void expect_json_key(const struct cc_entity *e, const void *obj, const char *key, const char *want);
void expect_json_eq(json_t *got, const char *want);
/* team-1, owner-1, issuer-1, rp-1 and certificates cert-1, cert-2 */
void mk_certs(struct testdb *t);
void mk_agent(struct testdb *t, const char *id);
void mk_target(struct testdb *t, const char *id, const char *agent);

#endif
