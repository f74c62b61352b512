/* list-cache.h: rendered list pages, reused until the next committed write or for at most
 * a second (other replicas' writes on a shared PostgreSQL are not seen here) */
#ifndef CC_LIST_CACHE_H
#define CC_LIST_CACHE_H

#include <stdbool.h>
#include <stdint.h>

struct api_req;
struct api_resp;
struct api_list_cache;

struct api_list_cache *api_list_cache_new(void);
void api_list_cache_free(struct api_list_cache *lc);
/* the cache key of a list request: its route and query, in order (malloc'd) */
char *api_list_cache_key(const struct api_req *rq);
/* true with rs filled (status, JSON body) when key was rendered at generation gen */
bool api_list_cache_get(struct api_list_cache *lc, const char *key, uint64_t gen,
			struct api_resp *rs);
/* keeps a 200 answer rendered at generation gen (read before the query ran) */
void api_list_cache_put(struct api_list_cache *lc, const char *key, uint64_t gen,
			const struct api_resp *rs);

#endif
