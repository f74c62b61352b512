/* ratelimit.h: token bucket per client (API key identity, else address) */
#ifndef CC_RATELIMIT_H
#define CC_RATELIMIT_H

#include <stdint.h>

struct api_ratelimit;

struct api_ratelimit *api_ratelimit_new(double rps, double burst);
void api_ratelimit_free(struct api_ratelimit *rl);
/* takes one token for client at now_ms; 0 when allowed, else seconds until one is free */
int api_ratelimit_try(struct api_ratelimit *rl, const char *client, int64_t now_ms);

#endif
