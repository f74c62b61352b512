/* time.c: RFC 3339 formatting and parsing, durations */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "libcc/time.h"
#include "libcc/mem.h"
#include "libcc/banned.h"

int64_t cc_time_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * CC_USEC_PER_SEC + ts.tv_nsec / 1000;
}

int64_t cc_time_mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int64_t cc_time_mono_ms(void)
{
	return cc_time_mono_us() / 1000;
}

static void split(int64_t us, struct tm *tm, long *frac)
{
	int64_t sec = us / CC_USEC_PER_SEC;
	long f = (long)(us % CC_USEC_PER_SEC);
	time_t t;

	if (f < 0) {
		f += CC_USEC_PER_SEC;
		sec--;
	}
	t = (time_t)sec;
	gmtime_r(&t, tm);
	*frac = f;
}

const char *cc_time_format(int64_t us, char out[CC_TIME_BUFSZ])
{
	struct tm tm;
	long frac;
	int n;

	if (!us) {
		snprintf(out, CC_TIME_BUFSZ, "%s", CC_ZERO_TIME_TEXT);
		return out;
	}
	split(us, &tm, &frac);
	n = snprintf(out, CC_TIME_BUFSZ, "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900,
		     tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	if (frac) {
		int digits = 6;
		while (frac % 10 == 0) {
			frac /= 10;
			digits--;
		}
		n += snprintf(out + n, CC_TIME_BUFSZ - (size_t)n, ".%0*ld", digits, frac);
	}
	snprintf(out + n, CC_TIME_BUFSZ - (size_t)n, "Z");
	return out;
}

const char *cc_time_format_db(int64_t us, char out[CC_TIME_BUFSZ])
{
	struct tm tm;
	long frac;

	split(us, &tm, &frac);
	snprintf(out, CC_TIME_BUFSZ, "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, frac);
	return out;
}

static int digits(const char **p, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return -1;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*out = v;
	return 0;
}

static int64_t days_from_civil(int y, int m, int d)
{
	/* Howard Hinnant's algorithm: days since 1970-01-01 */
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int mdays(int y, int m)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 ? 28 + leap : days[m - 1];
}

int cc_time_parse(const char *s, int64_t *us)
{
	int y, mo, d, h, mi, se, oh = 0, om = 0, sign = 0;
	long frac = 0;
	const char *p = s;

	if (!s || digits(&p, 4, &y) || *p++ != '-' || digits(&p, 2, &mo) || *p++ != '-' ||
	    digits(&p, 2, &d))
		return -1;
	if (*p != 'T' && *p != 't' && *p != ' ')
		return -1;
	p++;
	if (digits(&p, 2, &h) || *p++ != ':' || digits(&p, 2, &mi) || *p++ != ':' ||
	    digits(&p, 2, &se))
		return -1;
	if (*p == '.') {
		int n = 0;
		p++;
		if (!isdigit((unsigned char)*p))
			return -1;
		while (isdigit((unsigned char)*p)) {
			if (n < 6) {
				frac = frac * 10 + (*p - '0');
				n++;
			}
			p++;
		}
		while (n++ < 6)
			frac *= 10;
	}
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		sign = *p++ == '-' ? -1 : 1;
		if (digits(&p, 2, &oh))
			return -1;
		if (*p == ':')
			p++;
		if (isdigit((unsigned char)*p) && digits(&p, 2, &om))
			return -1;
	} else {
		return -1;
	}
	if (*p || mo < 1 || mo > 12 || d < 1 || d > mdays(y, mo) || h > 23 || mi > 59 || se > 60 ||
	    oh > 23 || om > 59)
		return -1;
	if (y == 1 && mo == 1 && d == 1 && !h && !mi && !se && !frac) {
		*us = 0; /* Go's zero time means "unset" */
		return 0;
	}
	int64_t secs =
		days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + (se == 60 ? 59 : se);
	secs -= sign * (oh * 3600 + om * 60);
	*us = secs * CC_USEC_PER_SEC + frac;
	return 0;
}

int cc_duration_parse(const char *s, int64_t *us)
{
	static const struct {
		const char *unit;
		int64_t mult;
	} units[] = { { "ms", 1000 },
		      { "us", 1 },
		      { "s", CC_USEC_PER_SEC },
		      { "m", 60 * CC_USEC_PER_SEC },
		      { "h", 3600 * CC_USEC_PER_SEC },
		      { "d", 86400 * CC_USEC_PER_SEC } };
	const char *p = s;
	int64_t total = 0;
	int any = 0;

	if (!s || !*s)
		return -1;
	while (*p) {
		char *end;
		double v = strtod(p, &end);
		size_t i;

		if (end == p || v < 0)
			return -1;
		p = end;
		if (!*p && !any) {
			total = (int64_t)(v * CC_USEC_PER_SEC);
			any = 1;
			break;
		}
		for (i = 0; i < CC_ARRAY_SIZE(units); i++) {
			size_t n = strlen(units[i].unit);
			if (!strncmp(p, units[i].unit, n) && !isalpha((unsigned char)p[n]))
				break;
		}
		if (i == CC_ARRAY_SIZE(units))
			return -1;
		if (v * (double)units[i].mult > 9.2e18)
			return -1;
		total += (int64_t)(v * (double)units[i].mult);
		p += strlen(units[i].unit);
		any = 1;
	}
	*us = total;
	return 0;
}

const char *cc_time_human(int64_t us, int64_t now, char out[CC_TIME_BUFSZ])
{
	int64_t d = (us - now) / CC_USEC_PER_SEC;
	int64_t a = d < 0 ? -d : d;
	const char *unit;
	int64_t n;

	if (!us) {
		snprintf(out, CC_TIME_BUFSZ, "-");
		return out;
	}
	if (a < 60) {
		/* under a second ahead is the same instant seen from a clock a little behind
		 * (a row the server wrote after the client read its clock) */
		snprintf(out, CC_TIME_BUFSZ,
			 us - now < CC_USEC_PER_SEC ? "just now" : "in a moment");
		return out;
	} else if (a < 3600) {
		n = a / 60, unit = "minute";
	} else if (a < 86400) {
		n = a / 3600, unit = "hour";
	} else if (a < 86400 * 60) {
		n = a / 86400, unit = "day";
	} else if (a < 86400 * 730) {
		n = a / (86400 * 30), unit = "month";
	} else {
		n = a / (86400 * 365), unit = "year";
	}
	if (d < 0)
		snprintf(out, CC_TIME_BUFSZ, "%lld %s%s ago", (long long)n, unit,
			 n == 1 ? "" : "s");
	else
		snprintf(out, CC_TIME_BUFSZ, "in %lld %s%s", (long long)n, unit, n == 1 ? "" : "s");
	return out;
}
