/* ratelimit.c: per-client token buckets in a fixed table (the least recently used bucket is
 * recycled, so memory stays bounded whatever the number of clients) */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "daemon/ratelimit.h"
#include "daemon/api.h"
#include "daemon/app.h"
#include "daemon/pipeline.h"
#include "libcc/mem.h"
#include "libcc/time.h"
#include "libcc/banned.h"

#define SHARDS 16
#define WAYS 256 /* buckets per shard */

struct bucket {
	char client[96];
	double tokens;
	int64_t last_ms;
};

struct shard {
	pthread_mutex_t mu;
	struct bucket b[WAYS];
};

struct api_ratelimit {
	double rps, burst;
	struct shard shards[SHARDS];
};

struct api_ratelimit *api_ratelimit_new(double rps, double burst)
{
	struct api_ratelimit *rl = cc_xcalloc(1, sizeof(*rl));

	rl->rps = rps;
	rl->burst = burst;
	for (int i = 0; i < SHARDS; i++)
		pthread_mutex_init(&rl->shards[i].mu, NULL);
	return rl;
}

void api_ratelimit_free(struct api_ratelimit *rl)
{
	if (!rl)
		return;
	for (int i = 0; i < SHARDS; i++)
		pthread_mutex_destroy(&rl->shards[i].mu);
	free(rl);
}

static unsigned hash(const char *s)
{
	unsigned h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

int api_ratelimit_try(struct api_ratelimit *rl, const char *client, int64_t now_ms)
{
	struct shard *sh = &rl->shards[hash(client) % SHARDS];
	struct bucket *b = NULL, *oldest = &sh->b[0];
	int wait = 0;

	pthread_mutex_lock(&sh->mu);
	for (int i = 0; i < WAYS; i++) {
		if (!strcmp(sh->b[i].client, client)) {
			b = &sh->b[i];
			break;
		}
		if (sh->b[i].last_ms < oldest->last_ms)
			oldest = &sh->b[i];
	}
	if (!b) {
		b = oldest;
		snprintf(b->client, sizeof(b->client), "%s", client);
		b->tokens = rl->burst;
		b->last_ms = now_ms;
	}
	b->tokens += (double)(now_ms - b->last_ms) * rl->rps / 1000.0;
	if (b->tokens > rl->burst)
		b->tokens = rl->burst;
	b->last_ms = now_ms;
	if (b->tokens >= 1.0)
		b->tokens -= 1.0;
	else
		wait = (int)ceil((1.0 - b->tokens) / rl->rps);
	pthread_mutex_unlock(&sh->mu);
	return wait < 0 ? 1 : wait;
}

static bool limited(struct api_req *rq, struct api_resp *rs, const char *client)
{
	char secs[16];
	int wait = api_ratelimit_try(rq->app->rl, client, cc_time_mono_ms());

	if (!wait)
		return false;
	snprintf(secs, sizeof(secs), "%d", wait);
	api_header(rs, "Retry-After", secs);
	api_reply_json(rs, 429,
		       json_pack("{s:s, s:s, s:s}", "error", "Rate limit exceeded", "message",
				 "rate limit exceeded; retry later", "request_id", rq->request_id));
	return true;
}

bool api_ratelimit_take(struct api_req *rq, struct api_resp *rs)
{
	char client[200];

	if (!rq->app->rl)
		return false;
	/* an authenticated client is its key; anyone else is their address */
	if (rq->key_id[0])
		snprintf(client, sizeof(client), "k:%s", rq->key_id);
	else
		snprintf(client, sizeof(client), "a:%s", rq->client_ip);
	return limited(rq, rs, client);
}

void api_ratelimit_charge_failure(struct api_req *rq, struct api_resp *rs)
{
	char client[200];

	if (!rq->app->rl)
		return;
	/* key guessing spends the address's bucket, so it is throttled like anything else */
	snprintf(client, sizeof(client), "a:%s", rq->client_ip);
	limited(rq, rs, client);
}
