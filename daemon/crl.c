/* crl.c: the CRL cache. A CRL is rebuilt when the issuer's revocation records changed
 * (their count and newest time, the "stamp"), or when it is an hour old; otherwise
 * every request gets the same signed bytes. Numbers come from crl_state, so they grow
 * across restarts and replicas. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "daemon/crl.h"
#include "daemon/app.h"
#include "daemon/issuers.h"
#include "connectors/issuer/issuer.h"
#include "libcc/buf.h"
#include "libcc/db.h"
#include "libcc/err.h"
#include "libcc/mem.h"
#include "libcc/revocation.h"
#include "libcc/time.h"
#include "libcc/banned.h"

#define SEC INT64_C(1000000)
#define REBUILD_AGE (3600 * SEC)
/* another replica may have revoked: with PostgreSQL the stamp is re-read this often */
#define RECHECK_SHARED (1 * SEC)

/* short-lived certificates (0 < profile max TTL < 1 h) are left out: expiry revokes them.
 * Their ids are looked up once (through the profiles, usually none) rather than joining
 * every record to its certificate and profile; no ORDER BY: the CRL is sorted by serial
 * when it is encoded. 100,000 records: 42 ms instead of 146 ms in SQLite. */
static const char sql_entries[] =
	"SELECT r.serial_number, r.revoked_at, r.reason FROM certificate_revocations r "
	"WHERE r.issuer_id = $1 AND r.certificate_id NOT IN (SELECT m.id FROM "
	"managed_certificates m WHERE m.certificate_profile_id IN (SELECT p.id FROM "
	"certificate_profiles p WHERE p.max_ttl_seconds > 0 AND p.max_ttl_seconds < 3600))";
static const char sql_stamp[] = "SELECT COUNT(*), MAX(created_at) FROM certificate_revocations "
				"WHERE issuer_id = $1";
static const char sql_next_number[] =
	"INSERT INTO crl_state (issuer_id, crl_number, updated_at) VALUES ($1, 1, $2) "
	"ON CONFLICT (issuer_id) DO UPDATE SET crl_number = crl_state.crl_number + 1, "
	"updated_at = $2 RETURNING crl_number";

struct crl {
	char *issuer_id;
	struct cc_buf der;
	char stamp[96];
	uint64_t gen; /* data generation when last known current */
	int64_t built_at, checked_at;
	struct crl *next;
};

struct api_crl_cache {
	pthread_mutex_t mu;    /* the list and its entries */
	pthread_mutex_t build; /* one rebuild at a time */
	struct crl *list;
};

struct api_crl_cache *api_crl_cache_new(void)
{
	struct api_crl_cache *cc = cc_xcalloc(1, sizeof(*cc));

	pthread_mutex_init(&cc->mu, NULL);
	pthread_mutex_init(&cc->build, NULL);
	return cc;
}

void api_crl_cache_free(struct api_crl_cache *cc)
{
	if (!cc)
		return;
	for (struct crl *e = cc->list, *n; e; e = n) {
		n = e->next;
		free(e->issuer_id);
		cc_buf_release(&e->der);
		free(e);
	}
	pthread_mutex_destroy(&cc->mu);
	pthread_mutex_destroy(&cc->build);
	free(cc);
}

/* under mu */
static struct crl *find(struct api_crl_cache *cc, const char *issuer_id, bool create)
{
	struct crl *e;

	for (e = cc->list; e; e = e->next)
		if (!strcmp(e->issuer_id, issuer_id))
			return e;
	if (!create)
		return NULL;
	e = cc_xcalloc(1, sizeof(*e));
	e->issuer_id = cc_xstrdup(issuer_id);
	e->next = cc->list;
	cc->list = e;
	return e;
}

static void copy_out(const struct crl *e, struct cc_buf *der, int64_t *this_update)
{
	cc_buf_reset(der);
	cc_buf_add(der, e->der.buf, e->der.len);
	*this_update = e->built_at;
}

/* the cached CRL when nothing can have changed since it was last known current */
static bool cached(struct api_app *app, const char *issuer_id, struct cc_buf *der,
		   int64_t *this_update)
{
	struct api_crl_cache *cc = app->crl;
	uint64_t gen = cc_db_generation(app->db, CC_DB_GEN_DATA);
	bool shared = cc_db_engine_of(app->db) == CC_DB_PG;
	int64_t now = cc_time_now();
	struct crl *e;
	bool hit;

	pthread_mutex_lock(&cc->mu);
	e = find(cc, issuer_id, false);
	hit = e && e->der.len && e->gen == gen && now - e->built_at < REBUILD_AGE &&
	      (!shared || now - e->checked_at < RECHECK_SHARED);
	if (hit)
		copy_out(e, der, this_update);
	pthread_mutex_unlock(&cc->mu);
	return hit;
}

static int read_stamp(struct cc_dbc *c, const char *issuer_id, char *out, size_t n,
		      struct cc_err *err)
{
	struct cc_dbres r = CC_DBRES_INIT;

	if (cc_db_exec(c, sql_stamp, CC_DB_ARGS(CC_DB_TEXT(issuer_id)), &r, err) < 0)
		return -1;
	snprintf(out, n, "%lld|%s", (long long)cc_dbres_int(&r, 0, 0),
		 cc_dbres_str(&r, 0, 1) ? cc_dbres_str(&r, 0, 1) : "");
	cc_dbres_release(&r);
	return 0;
}

static int next_number(struct cc_dbc *c, const char *issuer_id, int64_t now, int64_t *out,
		       struct cc_err *err)
{
	struct cc_dbres r = CC_DBRES_INIT;
	int rc = cc_db_exec(c, sql_next_number, CC_DB_ARGS(CC_DB_TEXT(issuer_id), CC_DB_TIME(now)),
			    &r, err);

	if (rc == 0)
		*out = cc_dbres_int(&r, 0, 0);
	cc_dbres_release(&r);
	return rc;
}

/* signs a new CRL over the issuer's records into der */
static int build(struct api_app *app, struct cc_dbc *c, struct cc_issuer_conn *iss,
		 const char *issuer_id, int64_t now, struct cc_buf *der, struct cc_err *err)
{
	struct cc_dbres r = CC_DBRES_INIT;
	struct cc_crl_entry *e = NULL;
	int64_t number = 0;
	int rc = -1;

	(void)app;
	if (cc_db_exec(c, sql_entries, CC_DB_ARGS(CC_DB_TEXT(issuer_id)), &r, err) < 0)
		goto out;
	e = cc_xcalloc((size_t)r.nrows + 1, sizeof(*e));
	for (int i = 0; i < r.nrows; i++) {
		int code = cc_revocation_reason_code(cc_dbres_str(&r, i, 2));

		e[i].serial_hex = cc_dbres_str(&r, i, 0);
		e[i].revoked_at = cc_dbres_time(&r, i, 1);
		e[i].reason_code = code < 0 ? 0 : code;
	}
	if (next_number(c, issuer_id, now, &number, err) < 0)
		goto out;
	rc = cc_issuer_generate_crl(iss, e, (size_t)r.nrows, now, number, der, err);
out:
	free(e);
	cc_dbres_release(&r);
	return rc;
}

int api_crl_get(struct api_app *app, struct cc_dbc *c, const char *issuer_id, struct cc_buf *der,
		int64_t *this_update, struct cc_err *err)
{
	struct api_crl_cache *cc = app->crl;
	struct cc_issuer_conn *iss;
	struct cc_buf fresh = CC_BUF_INIT;
	char stamp[96];
	int64_t now;
	uint64_t gen;
	struct crl *e;
	bool same;
	int rc = -1;

	if (cached(app, issuer_id, der, this_update))
		return 0;
	if (api_issuer_get(app, c, issuer_id, &iss, err) < 0)
		return -1;
	pthread_mutex_lock(&cc->build);
	if (cached(app, issuer_id, der, this_update)) { /* built while we waited */
		rc = 0;
		goto out;
	}
	/* the generation before the reads: a write after them makes the next request look */
	gen = cc_db_generation(app->db, CC_DB_GEN_DATA);
	now = cc_time_now();
	if (read_stamp(c, issuer_id, stamp, sizeof(stamp), err) < 0)
		goto out;
	pthread_mutex_lock(&cc->mu);
	e = find(cc, issuer_id, false);
	same = e && e->der.len && !strcmp(e->stamp, stamp) && now - e->built_at < REBUILD_AGE;
	if (same) {
		e->gen = gen;
		e->checked_at = now;
		copy_out(e, der, this_update);
	}
	pthread_mutex_unlock(&cc->mu);
	if (same) {
		rc = 0;
		goto out;
	}
	if (build(app, c, iss, issuer_id, now, &fresh, err) < 0)
		goto out;
	pthread_mutex_lock(&cc->mu);
	e = find(cc, issuer_id, true);
	cc_buf_release(&e->der);
	e->der = fresh;
	fresh = (struct cc_buf)CC_BUF_INIT;
	snprintf(e->stamp, sizeof(e->stamp), "%s", stamp);
	/* building wrote crl_state: that write is ours, the generation after it is current */
	e->gen = cc_db_generation(app->db, CC_DB_GEN_DATA) == gen + 1 ? gen + 1 : gen;
	e->built_at = e->checked_at = now;
	copy_out(e, der, this_update);
	pthread_mutex_unlock(&cc->mu);
	rc = 0;
out:
	pthread_mutex_unlock(&cc->build);
	cc_buf_release(&fresh);
	return rc;
}
