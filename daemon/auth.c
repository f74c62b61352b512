/* auth.c: Bearer API keys. Only SHA-256 hashes are kept, and every comparison of hashes is
 * in constant time (cc_memeq_ct); database keys are looked up by hash and cached for a
 * minute. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/rand.h>
#include "daemon/auth.h"
#include "daemon/api.h"
#include "daemon/app.h"
#include "daemon/pipeline.h"
#include "daemon/routes.h"
#include "libcc/b64.h"
#include "libcc/cfg.h"
#include "libcc/db.h"
#include "libcc/fs.h"
#include "libcc/hash.h"
#include "libcc/id.h"
#include "libcc/log.h"
#include "libcc/time.h"
#include "libcc/banned.h"

#define CACHE_SLOTS 16384 /* power of two */
#define CACHE_TTL_MS 60000
#define MAX_KEY_LEN 512

struct cached_key {
	char hash[CC_SHA256_HEX];
	char name[96];
	char agent_id[96];
	bool agent;
	int64_t expires_ms;
};

struct api_auth {
	char type[16];
	struct cc_strv secret_hashes;
	/* the configured keys until the first request hashes them: hashing at start would load
	 * OpenSSL's providers (2 MB) in a daemon that may not see a request for hours */
	struct cc_strv secret_plain;
	_Atomic bool hashed;
	struct cc_db *db;
	struct cc_log *log;
	pthread_mutex_t mu;
	struct cached_key *cache;
};

struct api_auth *api_auth_new(const struct cc_cfg *cfg, struct cc_db *db, struct cc_log *log)
{
	struct api_auth *a = cc_xcalloc(1, sizeof(*a));

	snprintf(a->type, sizeof(a->type), "%s", cc_cfg_str(cfg, CC_CFG_auth_type));
	cc_cfg_list(cfg, CC_CFG_auth_secret, &a->secret_plain);
	a->db = db;
	a->log = log;
	pthread_mutex_init(&a->mu, NULL);
	a->cache = cc_xcalloc(CACHE_SLOTS, sizeof(*a->cache));
	return a;
}

static void wipe_plain(struct api_auth *a)
{
	for (size_t i = 0; i < a->secret_plain.n; i++)
		memset(a->secret_plain.v[i], 0, strlen(a->secret_plain.v[i]));
	cc_strv_release(&a->secret_plain);
}

/* once: the configured keys become hashes and the plain copies are wiped */
static void hash_secrets(struct api_auth *a)
{
	if (a->hashed)
		return;
	pthread_mutex_lock(&a->mu);
	if (!a->hashed) {
		for (size_t i = 0; i < a->secret_plain.n; i++) {
			char h[CC_SHA256_HEX];
			const char *k = a->secret_plain.v[i];

			cc_strv_push(&a->secret_hashes, cc_sha256_hex(k, strlen(k), h));
		}
		wipe_plain(a);
		a->hashed = true;
	}
	pthread_mutex_unlock(&a->mu);
}

void api_auth_free(struct api_auth *a)
{
	if (!a)
		return;
	cc_strv_release(&a->secret_hashes);
	wipe_plain(a);
	pthread_mutex_destroy(&a->mu);
	free(a->cache);
	free(a);
}

const char *api_auth_type(const struct api_auth *a)
{
	return a->type;
}

static unsigned slot_of(const char *hash)
{
	return (unsigned)strtoul((char[9]){ hash[0], hash[1], hash[2], hash[3], hash[4], hash[5],
					    hash[6], hash[7], 0 },
				 NULL, 16) &
	       (CACHE_SLOTS - 1);
}

static bool cache_get(struct api_auth *a, const char *hash, struct cached_key *out)
{
	struct cached_key *k = &a->cache[slot_of(hash)];
	bool hit;

	pthread_mutex_lock(&a->mu);
	hit = cc_memeq_ct(k->hash, hash, CC_SHA256_HEX - 1) && k->expires_ms > cc_time_mono_ms();
	if (hit)
		*out = *k;
	pthread_mutex_unlock(&a->mu);
	return hit;
}

static void cache_put(struct api_auth *a, const struct cached_key *k)
{
	pthread_mutex_lock(&a->mu);
	a->cache[slot_of(k->hash)] = *k;
	pthread_mutex_unlock(&a->mu);
}

/* configured keys: compare against every hash so the time does not depend on which matched */
static bool secret_match(struct api_auth *a, const char *hash)
{
	int found = 0;

	hash_secrets(a);
	for (size_t i = 0; i < a->secret_hashes.n; i++)
		found |= cc_memeq_ct(a->secret_hashes.v[i], hash, CC_SHA256_HEX - 1);
	return found;
}

static int db_lookup(struct api_auth *a, const char *hash, struct cached_key *out,
		     struct cc_err *err)
{
	struct cc_dbc *c = cc_db_get(a->db, err);
	struct cc_dbres r = CC_DBRES_INIT;
	int rc = -1;

	if (!c)
		return -1;
	if (cc_db_exec(c,
		       "SELECT name, role, agent_id FROM api_keys WHERE key_hash = $1 AND "
		       "revoked_at IS NULL",
		       CC_DB_ARGS(CC_DB_TEXT(hash)), &r, err) < 0)
		goto out;
	if (!r.nrows) {
		rc = 0;
		goto out;
	}
	memset(out, 0, sizeof(*out));
	snprintf(out->hash, sizeof(out->hash), "%s", hash);
	snprintf(out->name, sizeof(out->name), "%s", cc_dbres_str(&r, 0, 0));
	out->agent = !strcmp(cc_dbres_str(&r, 0, 1), "agent");
	if (out->agent)
		snprintf(out->agent_id, sizeof(out->agent_id), "%s", cc_dbres_str(&r, 0, 2));
	out->expires_ms = cc_time_mono_ms() + CACHE_TTL_MS;
	cc_db_exec(c, "UPDATE api_keys SET last_used_at = $1 WHERE key_hash = $2",
		   CC_DB_ARGS(CC_DB_TIME(cc_time_now()), CC_DB_TEXT(hash)), NULL, NULL);
	rc = 1;
out:
	cc_dbres_release(&r);
	cc_db_put(a->db, c);
	return rc;
}

static bool unauthorized(struct api_req *rq, struct api_resp *rs, const char *msg)
{
	api_header(rs, "WWW-Authenticate", "Bearer realm=\"certctl\"");
	/* "error" carries the text as v2.1 did; "message" as in every other error */
	api_reply_json(rs, 401,
		       json_pack("{s:s, s:s, s:s}", "error", msg, "message", msg, "request_id",
				 rq->request_id));
	return true;
}

static bool agent_may(const struct api_req *rq)
{
	if (!rq->route || !(rq->route->flags & R_AGENT))
		return false;
	/* /api/v1/agents/{id}/…: only the key's own agent */
	if (!strncmp(rq->route->pattern, "/api/v1/agents/{", 16))
		return rq->nparams > 0 && !strcmp(rq->params[0], rq->agent_id);
	return true;
}

bool api_authenticate(struct api_req *rq, struct api_resp *rs)
{
	struct api_auth *a = rq->app->auth;
	struct cc_err err = CC_ERR_INIT;
	struct cached_key k;
	char hash[CC_SHA256_HEX];
	const char *h = rq->authorization, *tok;
	int found;

	if (!strcmp(a->type, "none")) {
		rq->actor_type = API_ACTOR_USER;
		return false;
	}
	if (!h || !*h)
		return unauthorized(rq, rs, "Authorization header required");
	if (strncasecmp(h, "Bearer ", 7) || !h[7] || strlen(h) > MAX_KEY_LEN)
		return unauthorized(
			rq, rs, "Invalid Authorization header format, expected: Bearer <token>");
	tok = h + 7;
	while (*tok == ' ')
		tok++;
	cc_sha256_hex(tok, strlen(tok), hash);
	if (secret_match(a, hash)) {
		rq->actor_type = API_ACTOR_USER;
		snprintf(rq->actor, sizeof(rq->actor), "api-key-user");
		/* v2.1's actor names no key; the bucket must, or keys throttle each other */
		snprintf(rq->key_id, sizeof(rq->key_id), "env:%.16s", hash);
		return false;
	}
	if (!cache_get(a, hash, &k)) {
		found = db_lookup(a, hash, &k, &err);
		if (found < 0) {
			api_reply_err(rs, rq, &err);
			return true;
		}
		if (!found)
			return unauthorized(rq, rs, "Invalid API key");
		cache_put(a, &k);
	}
	snprintf(rq->actor, sizeof(rq->actor), "%s", k.agent ? k.agent_id : k.name);
	rq->actor_type = k.agent ? API_ACTOR_AGENT : API_ACTOR_USER;
	snprintf(rq->agent_id, sizeof(rq->agent_id), "%s", k.agent_id);
	snprintf(rq->key_id, sizeof(rq->key_id), "db:%.16s", hash);
	if (k.agent && !agent_may(rq)) {
		api_reply_error(rs, rq, 403, "an agent key may only act for its own agent");
		return true;
	}
	return false;
}

/* "cc_" + 43 base64url characters of 32 random bytes */
static char *new_key(struct cc_err *err)
{
	unsigned char raw[32];
	char *b64, *key;

	if (RAND_bytes(raw, sizeof(raw)) != 1)
		return cc_err_set(err, CC_E_CRYPTO, "no randomness for a new key"), NULL;
	b64 = cc_b64url_encode(raw, sizeof(raw));
	key = cc_xasprintf("cc_%s", b64);
	free(b64);
	return key;
}

static int insert_key(struct cc_dbc *c, const char *name, const char *role, const char *agent_id,
		      const char *key, char **id, struct cc_err *err)
{
	char hash[CC_SHA256_HEX], *kid = cc_id_new("key");
	int rc;

	cc_sha256_hex(key, strlen(key), hash);
	rc = cc_db_exec(c,
			"INSERT INTO api_keys (id, name, key_hash, role, agent_id, created_at) "
			"VALUES ($1, $2, $3, $4, $5, $6)",
			CC_DB_ARGS(CC_DB_TEXT(kid), CC_DB_TEXT(name), CC_DB_TEXT(hash),
				   CC_DB_TEXT(role), CC_DB_TEXT(agent_id),
				   CC_DB_TIME(cc_time_now())),
			NULL, err);
	if (rc == 0 && id)
		*id = kid;
	else
		free(kid);
	return rc;
}

int api_auth_create_key_on(struct cc_dbc *c, const char *name, const char *role,
			   const char *agent_id, char **key, char **id, struct cc_err *err)
{
	int rc;

	*key = new_key(err);
	rc = *key ? insert_key(c, name, role, agent_id, *key, id, err) : -1;
	if (rc < 0)
		cc_freep(key);
	return rc;
}

int api_auth_create_key(struct cc_db *db, const char *name, const char *role, const char *agent_id,
			char **key, char **id, struct cc_err *err)
{
	struct cc_dbc *c = cc_db_get(db, err);
	int rc;

	if (!c)
		return -1;
	rc = api_auth_create_key_on(c, name, role, agent_id, key, id, err);
	cc_db_put(db, c);
	return rc;
}

static int write_credentials(const struct cc_cfg *cfg, const char *key, const char *url,
			     char **path, struct cc_err *err)
{
	char *p = cc_cfg_credentials_path(cfg), *dir = cc_xstrdup(p), *body;
	int rc;

	*strrchr(dir, '/') = '\0';
	body = cc_xasprintf("# written by certctl serve: the first admin API key\n"
			    "CERTCTL_API_KEY=%s\nCERTCTL_SERVER_URL=%s\n",
			    key, url);
	rc = cc_fs_mkdirs(dir, 0700, err);
	if (rc == 0)
		rc = cc_fs_write_atomic(p, body, strlen(body), 0600, err);
	memset(body, 0, strlen(body));
	free(body);
	free(dir);
	if (rc == 0)
		*path = p;
	else
		free(p);
	return rc;
}

int api_auth_bootstrap(struct api_auth *a, const struct cc_cfg *cfg, const char *url, char **key,
		       char **credentials_path, struct cc_err *err)
{
	struct cc_dbres r = CC_DBRES_INIT;
	struct cc_dbc *c;
	int rc = -1;

	*key = NULL;
	*credentials_path = NULL;
	if (strcmp(a->type, "none") == 0 || a->secret_hashes.n || a->secret_plain.n)
		return 0;
	c = cc_db_get(a->db, err);
	if (!c)
		return -1;
	/* one transaction (with PostgreSQL's advisory lock): replicas create one key, not two */
	if (cc_db_begin(c, err) < 0)
		goto out;
	if (cc_dbc_engine(c) == CC_DB_PG &&
	    cc_db_exec(c, "SELECT pg_advisory_xact_lock(7234002)", NULL, 0, NULL, err) < 0)
		goto rollback;
	if (cc_db_exec(c,
		       "SELECT COUNT(*) FROM api_keys WHERE role = 'admin' AND revoked_at IS NULL",
		       NULL, 0, &r, err) < 0)
		goto rollback;
	if (cc_dbres_int(&r, 0, 0) > 0) {
		rc = cc_db_commit(c, err);
		goto out;
	}
	*key = new_key(err);
	rc = *key ? insert_key(c, "admin (first run)", "admin", NULL, *key, NULL, err) : -1;
	if (rc < 0 || write_credentials(cfg, *key, url, credentials_path, err) < 0)
		goto rollback;
	rc = cc_db_commit(c, err);
	goto out;
rollback:
	rc = -1;
	cc_db_rollback(c);
	cc_freep(key);
out:
	cc_dbres_release(&r);
	cc_db_put(a->db, c);
	return rc;
}
