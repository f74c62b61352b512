/* time.h: RFC 3339 timestamps as int64 microseconds since the Unix epoch (0 = unset) */
#ifndef CC_TIME_H
#define CC_TIME_H

#include <stdint.h>

#define CC_TIME_BUFSZ 72
#define CC_USEC_PER_SEC INT64_C(1000000)
#define CC_ZERO_TIME_TEXT "0001-01-01T00:00:00Z"

int64_t cc_time_now(void);
/* milliseconds from a monotonic clock, for latencies and intervals */
int64_t cc_time_mono_ms(void);
int64_t cc_time_mono_us(void);
/* RFC 3339 UTC, fractional seconds without trailing zeros: 2026-11-28T10:00:00.5Z */
const char *cc_time_format(int64_t us, char out[CC_TIME_BUFSZ]);
/* fixed width for storage and ordering: 2026-11-28T10:00:00.500000Z */
const char *cc_time_format_db(int64_t us, char out[CC_TIME_BUFSZ]);
/* parses RFC 3339 (any offset) and PostgreSQL's "YYYY-MM-DD HH:MM:SS[.f]+HH[:MM]" */
int cc_time_parse(const char *s, int64_t *us);
/* Go-style durations: "90s", "5m", "1h30m", "250ms"; a bare number means seconds */
int cc_duration_parse(const char *s, int64_t *us);
/* "3 days ago", "in 12 days": for tables */
const char *cc_time_human(int64_t us, int64_t now, char out[CC_TIME_BUFSZ]);

#endif
