/* ocsp.c: the OCSP answer cache. An answer is kept per (issuer, serial) with the status
 * it states; a write to the database (this process's data generation) or, with
 * PostgreSQL, a second's age makes the next request re-read the status — one indexed
 * look-up — and only a changed status or a near nextUpdate costs a new signature. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "daemon/ocsp.h"
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
#define VALIDITY (3600 * SEC)	      /* nextUpdate = thisUpdate + 1 h */
#define RESIGN_BEFORE (15 * 60 * SEC) /* a fresh answer once less than this is left */
#define RECHECK_SHARED (1 * SEC)
#define NBUCKETS 65536
#define MAX_ENTRIES 500000 /* beyond this the cache starts over (unknown serials are cached too) */

static const char sql_revoked[] = "SELECT revoked_at, reason FROM certificate_revocations "
				  "WHERE serial_number = $1 AND issuer_id = $2";
static const char sql_known[] = "SELECT 1 FROM certificate_versions v "
				"JOIN managed_certificates m ON m.id = v.certificate_id "
				"WHERE v.serial_number = $1 AND m.issuer_id = $2 LIMIT 1";

struct status {
	int status; /* 0 good, 1 revoked, 2 unknown */
	int64_t revoked_at;
	int reason;
};

struct answer {
	char *key; /* issuer_id NUL serial */
	size_t keylen;
	struct status st;
	struct cc_buf der;
	int64_t next_update;
	uint64_t gen;
	int64_t checked_at;
	struct answer *next;
};

struct api_ocsp_cache {
	pthread_mutex_t mu;
	struct answer *buckets[NBUCKETS];
	size_t n;
};

struct api_ocsp_cache *api_ocsp_cache_new(void)
{
	struct api_ocsp_cache *oc = cc_xcalloc(1, sizeof(*oc));

	pthread_mutex_init(&oc->mu, NULL);
	return oc;
}

static void drop_all(struct api_ocsp_cache *oc)
{
	for (size_t i = 0; i < NBUCKETS; i++) {
		for (struct answer *a = oc->buckets[i], *n; a; a = n) {
			n = a->next;
			free(a->key);
			cc_buf_release(&a->der);
			free(a);
		}
		oc->buckets[i] = NULL;
	}
	oc->n = 0;
}

void api_ocsp_cache_free(struct api_ocsp_cache *oc)
{
	if (!oc)
		return;
	drop_all(oc);
	pthread_mutex_destroy(&oc->mu);
	free(oc);
}

/* "issuer NUL serial NUL certid"; 0 when it does not fit */
static size_t make_key(const struct api_ocsp_key *k, char *out, size_t outlen)
{
	const char *parts[3] = { k->issuer_id, k->serial_hex, k->certid_hex ? k->certid_hex : "" };
	size_t n = 0;

	for (int i = 0; i < 3; i++) {
		size_t l = strlen(parts[i]);
		if (n + l + 1 > outlen)
			return 0;
		memcpy(out + n, parts[i], l + 1);
		n += l + 1;
	}
	return n - 1;
}

/* FNV-1a */
static size_t bucket_of(const char *key, size_t len)
{
	uint64_t h = UINT64_C(1469598103934665603);

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)key[i]) * UINT64_C(1099511628211);
	return (size_t)(h % NBUCKETS);
}

/* under mu */
static struct answer *find(struct api_ocsp_cache *oc, const char *key, size_t len, bool create)
{
	size_t b = bucket_of(key, len);
	struct answer *a;

	for (a = oc->buckets[b]; a; a = a->next)
		if (a->keylen == len && !memcmp(a->key, key, len))
			return a;
	if (!create)
		return NULL;
	if (oc->n >= MAX_ENTRIES)
		drop_all(oc);
	a = cc_xcalloc(1, sizeof(*a));
	a->key = cc_xmalloc(len + 1);
	memcpy(a->key, key, len + 1);
	a->keylen = len;
	a->next = oc->buckets[b];
	oc->buckets[b] = a;
	oc->n++;
	return a;
}

static void copy_out(const struct answer *a, int64_t now, struct cc_buf *der, int64_t *max_age)
{
	cc_buf_reset(der);
	cc_buf_add(der, a->der.buf, a->der.len);
	*max_age = (a->next_update - now) / SEC;
}

bool api_ocsp_cached(struct api_app *app, const struct api_ocsp_key *k, struct cc_buf *der,
		     int64_t *max_age)
{
	struct api_ocsp_cache *oc = app->ocsp;
	uint64_t gen = cc_db_generation(app->db, CC_DB_GEN_DATA);
	bool shared = cc_db_engine_of(app->db) == CC_DB_PG, hit;
	int64_t now = cc_time_now();
	char key[1024];
	size_t len = make_key(k, key, sizeof(key));
	struct answer *a;

	if (!len)
		return false;
	pthread_mutex_lock(&oc->mu);
	a = find(oc, key, len, false);
	hit = a && a->der.len && a->gen == gen && a->next_update - now > RESIGN_BEFORE &&
	      (!shared || now - a->checked_at < RECHECK_SHARED);
	if (hit)
		copy_out(a, now, der, max_age);
	pthread_mutex_unlock(&oc->mu);
	return hit;
}

static int lookup(struct cc_dbc *c, const char *issuer_id, const char *serial, struct status *st,
		  struct cc_err *err)
{
	struct cc_dbres r = CC_DBRES_INIT;
	int rc = cc_db_exec(c, sql_revoked, CC_DB_ARGS(CC_DB_TEXT(serial), CC_DB_TEXT(issuer_id)),
			    &r, err);

	memset(st, 0, sizeof(*st));
	if (rc == 0 && r.nrows) {
		int code = cc_revocation_reason_code(cc_dbres_str(&r, 0, 1));
		st->status = 1;
		st->revoked_at = cc_dbres_time(&r, 0, 0);
		st->reason = code < 0 ? 0 : code;
	} else if (rc == 0) {
		cc_dbres_release(&r);
		rc = cc_db_exec(c, sql_known, CC_DB_ARGS(CC_DB_TEXT(serial), CC_DB_TEXT(issuer_id)),
				&r, err);
		st->status = rc == 0 && r.nrows ? 0 : 2;
	}
	cc_dbres_release(&r);
	return rc;
}

static bool same_status(const struct status *a, const struct status *b)
{
	return a->status == b->status && a->revoked_at == b->revoked_at && a->reason == b->reason;
}

static int sign(struct api_app *app, struct cc_dbc *c, const struct api_ocsp_key *k,
		const struct status *st, const unsigned char *request, size_t request_len,
		int64_t now, struct cc_buf *der, struct cc_err *err)
{
	struct cc_issuer_conn *iss;
	struct cc_ocsp_query q = {
		.serial_hex = k->serial_hex,
		.status = st->status,
		.revoked_at = st->revoked_at,
		.reason_code = st->reason,
		.this_update = now,
		.next_update = now + VALIDITY,
	};

	if (api_issuer_get(app, c, k->issuer_id, &iss, err) < 0)
		return -1;
	return cc_issuer_sign_ocsp(iss, request, request_len, &q, der, err);
}

int api_ocsp_answer(struct api_app *app, struct cc_dbc *c, const struct api_ocsp_key *k,
		    const unsigned char *request, size_t request_len, bool cache,
		    struct cc_buf *der, int64_t *max_age, struct cc_err *err)
{
	struct api_ocsp_cache *oc = app->ocsp;
	uint64_t gen = cc_db_generation(app->db, CC_DB_GEN_DATA);
	int64_t now = cc_time_now();
	struct cc_buf fresh = CC_BUF_INIT;
	struct status st;
	char key[1024];
	size_t len = make_key(k, key, sizeof(key));
	struct answer *a;
	bool reuse;

	if (!len)
		return cc_err_set(err, CC_E_INVALID, "issuer id or serial too long");
	if (lookup(c, k->issuer_id, k->serial_hex, &st, err) < 0)
		return -1;
	if (!cache) { /* a nonce to echo: signed for this request only */
		*max_age = 0;
		return sign(app, c, k, &st, request, request_len, now, der, err);
	}
	pthread_mutex_lock(&oc->mu);
	a = find(oc, key, len, false);
	reuse = a && a->der.len && same_status(&a->st, &st) && a->next_update - now > RESIGN_BEFORE;
	if (reuse) {
		a->gen = gen;
		a->checked_at = now;
		copy_out(a, now, der, max_age);
	}
	pthread_mutex_unlock(&oc->mu);
	if (reuse)
		return 0;
	if (sign(app, c, k, &st, request, request_len, now, &fresh, err) < 0) {
		cc_buf_release(&fresh);
		return -1;
	}
	pthread_mutex_lock(&oc->mu);
	a = find(oc, key, len, true);
	cc_buf_release(&a->der);
	a->der = fresh;
	a->st = st;
	a->next_update = now + VALIDITY;
	a->gen = gen;
	a->checked_at = now;
	copy_out(a, now, der, max_age);
	pthread_mutex_unlock(&oc->mu);
	return 0;
}
