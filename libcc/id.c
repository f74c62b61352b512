/* id.c: readable prefixed resource ids */
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include "libcc/id.h"
#include "libcc/hash.h"
#include "libcc/mem.h"
#include "libcc/banned.h"

/* process-wide: start at a random point so replicas started in the same ns differ */
static atomic_uint_fast64_t id_counter;

char *cc_id_new(const char *prefix)
{
	struct timespec ts;
	uint_fast64_t n;

	if (atomic_load(&id_counter) == 0) {
		unsigned short r = 0;
		if (cc_random_bytes(&r, sizeof(r)) < 0)
			r = (unsigned short)time(NULL);
		uint_fast64_t zero = 0;
		atomic_compare_exchange_strong(&id_counter, &zero, (uint_fast64_t)r * 16 + 1);
	}
	n = atomic_fetch_add(&id_counter, 1);
	clock_gettime(CLOCK_REALTIME, &ts);
	return cc_xasprintf("%s-%lld%09ld-%llu", prefix, (long long)ts.tv_sec, ts.tv_nsec,
			    (unsigned long long)n);
}

bool cc_id_valid(const char *id)
{
	size_t n;

	if (!id)
		return false;
	n = strlen(id);
	if (n == 0 || n > CC_ID_MAX || id[0] == '.' || id[0] == '-')
		return false;
	return strspn(id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._:-") ==
	       n;
}
