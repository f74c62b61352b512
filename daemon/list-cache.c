/* list-cache.c: a small table of rendered list pages, keyed by route and query */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "daemon/list-cache.h"
#include "daemon/api.h"
#include "daemon/routes.h"
#include "libcc/buf.h"
#include "libcc/mem.h"
#include "libcc/time.h"
#include "libcc/banned.h"

#define SLOTS 64
#define MAX_BODY (256 * 1024) /* bigger pages are rendered each time */
#define TTL_MS 1000

struct slot {
	char *key;
	uint64_t gen;
	int64_t born_ms;
	char *body;
	size_t len;
};

struct api_list_cache {
	pthread_mutex_t mu;
	struct slot s[SLOTS];
};

struct api_list_cache *api_list_cache_new(void)
{
	struct api_list_cache *lc = cc_xcalloc(1, sizeof(*lc));

	pthread_mutex_init(&lc->mu, NULL);
	return lc;
}

static void clear(struct slot *s)
{
	free(s->key);
	free(s->body);
	memset(s, 0, sizeof(*s));
}

void api_list_cache_free(struct api_list_cache *lc)
{
	if (!lc)
		return;
	for (int i = 0; i < SLOTS; i++)
		clear(&lc->s[i]);
	pthread_mutex_destroy(&lc->mu);
	free(lc);
}

char *api_list_cache_key(const struct api_req *rq)
{
	struct cc_buf b = CC_BUF_INIT;

	cc_buf_adds(&b, rq->route->pattern);
	for (int i = 0; i < rq->nparams; i++)
		cc_buf_addf(&b, "|%s", rq->params[i]);
	for (int i = 0; i < rq->nquery; i++)
		cc_buf_addf(&b, "%c%s=%s", i ? '&' : '?', rq->query[i].k, rq->query[i].v);
	return cc_buf_detach(&b, NULL);
}

/* FNV-1a picks the slot: one entry per slot, the newest wins */
static struct slot *slot_of(struct api_list_cache *lc, const char *key)
{
	uint32_t h = 2166136261u;

	for (const unsigned char *p = (const unsigned char *)key; *p; p++)
		h = (h ^ *p) * 16777619u;
	return &lc->s[h % SLOTS];
}

bool api_list_cache_get(struct api_list_cache *lc, const char *key, uint64_t gen,
			struct api_resp *rs)
{
	struct slot *s;
	bool hit = false;

	if (!lc)
		return false;
	pthread_mutex_lock(&lc->mu);
	s = slot_of(lc, key);
	if (s->key && s->gen == gen && !strcmp(s->key, key) &&
	    cc_time_mono_ms() - s->born_ms < TTL_MS) {
		cc_buf_reset(&rs->body);
		cc_buf_add(&rs->body, s->body, s->len);
		rs->status = 200;
		rs->content_type = "application/json";
		hit = true;
	}
	pthread_mutex_unlock(&lc->mu);
	return hit;
}

void api_list_cache_put(struct api_list_cache *lc, const char *key, uint64_t gen,
			const struct api_resp *rs)
{
	struct slot *s;

	if (!lc || rs->status != 200 || rs->body.len > MAX_BODY)
		return;
	pthread_mutex_lock(&lc->mu);
	s = slot_of(lc, key);
	clear(s);
	s->key = cc_xstrdup(key);
	s->gen = gen;
	s->born_ms = cc_time_mono_ms();
	s->body = cc_xmalloc(rs->body.len + 1);
	memcpy(s->body, rs->body.buf, rs->body.len);
	s->len = rs->body.len;
	pthread_mutex_unlock(&lc->mu);
}
