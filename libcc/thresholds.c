/* thresholds.c: expiry alert thresholds — which alerts fire and which status a
 * certificate takes at a given moment */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "libcc/thresholds.h"
#include "libcc/err.h"
#include "libcc/mem.h"
#include "libcc/banned.h"

static const int64_t default_days[] = { 30, 14, 7, 0 };
static const char *const skipped[] = { "Archived", "Revoked", "Failed" };
static const char marker_open[] = "[threshold:";

void cc_thresholds_default(struct cc_thresholds *t)
{
	memcpy(t->days, default_days, sizeof(default_days));
	t->n = CC_ARRAY_SIZE(default_days);
}

static int cmp_desc(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? 1 : x > y ? -1 : 0;
}

int cc_thresholds_set(struct cc_thresholds *t, const int64_t *days, size_t n, struct cc_err *err)
{
	int64_t tmp[CC_THRESHOLDS_MAX];
	size_t m = 0;

	for (size_t i = 0; i < n; i++) {
		bool dup = false;

		if (days[i] < 0)
			return cc_err_set(err, CC_E_INVALID, "alert threshold %lld is negative",
					  (long long)days[i]);
		if (days[i] > CC_THRESHOLD_DAYS_MAX)
			return cc_err_set(err, CC_E_INVALID,
					  "alert threshold %lld is above %d days",
					  (long long)days[i], CC_THRESHOLD_DAYS_MAX);
		for (size_t j = 0; j < m && !dup; j++)
			dup = tmp[j] == days[i];
		if (dup)
			continue;
		if (m == CC_THRESHOLDS_MAX)
			return cc_err_set(err, CC_E_INVALID, "more than %d alert thresholds",
					  CC_THRESHOLDS_MAX);
		tmp[m++] = days[i];
	}
	if (!m) {
		cc_thresholds_default(t);
		return 0;
	}
	qsort(tmp, m, sizeof(tmp[0]), cmp_desc);
	memcpy(t->days, tmp, m * sizeof(tmp[0]));
	t->n = m;
	return 0;
}

int cc_thresholds_from_json(struct cc_thresholds *t, const json_t *a, struct cc_err *err)
{
	int64_t days[CC_THRESHOLDS_MAX];
	size_t n = 0, i;
	json_t *v;

	if (!a || json_is_null(a)) {
		cc_thresholds_default(t);
		return 0;
	}
	if (!json_is_array(a))
		return cc_err_set(err, CC_E_INVALID, "alert thresholds are not a JSON array");
	json_array_foreach (a, i, v) {
		if (!json_is_integer(v))
			return cc_err_set(err, CC_E_INVALID,
					  "alert threshold #%zu is not an integer", i + 1);
		if (n == CC_THRESHOLDS_MAX)
			return cc_err_set(err, CC_E_INVALID, "more than %d alert thresholds",
					  CC_THRESHOLDS_MAX);
		days[n++] = (int64_t)json_integer_value(v);
	}
	return cc_thresholds_set(t, days, n, err);
}

int64_t cc_thresholds_expiring_days(const struct cc_thresholds *t)
{
	int64_t d = CC_EXPIRING_DAYS;

	if (t->n && t->days[0] > d)
		d = t->days[0];
	return d;
}

bool cc_thresholds_skip_status(const char *status)
{
	for (size_t i = 0; status && i < CC_ARRAY_SIZE(skipped); i++)
		if (!strcmp(status, skipped[i]))
			return true;
	return false;
}

static bool contains(const int64_t *v, size_t n, int64_t x)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == x)
			return true;
	return false;
}

void cc_thresholds_eval(const struct cc_thresholds *t, int64_t now, int64_t not_after,
			const char *cur_status, const int64_t *alerted, size_t nalerted,
			struct cc_expiry *out)
{
	const char *st = NULL;

	memset(out, 0, sizeof(*out));
	if (!not_after || cc_thresholds_skip_status(cur_status))
		return;
	out->remaining = not_after - now;
	out->days_until = (double)out->remaining / (double)CC_DAY_USEC;
	out->days_left = out->remaining / CC_DAY_USEC; /* C division truncates toward zero */
	for (size_t i = 0; i < t->n; i++)
		if (out->remaining <= t->days[i] * CC_DAY_USEC &&
		    !contains(alerted, nalerted, t->days[i]))
			out->fire[out->nfire++] = t->days[i];
	if (out->remaining <= 0)
		st = "Expired";
	else if (out->remaining <= cc_thresholds_expiring_days(t) * CC_DAY_USEC)
		st = "Expiring";
	if (st && cur_status && strcmp(cur_status, "RenewalInProgress") && strcmp(cur_status, st))
		out->status = st;
}

int cc_thresholds_marker(const char *message, int64_t *days)
{
	const char *p = NULL, *q;
	char *end;
	long long v;

	for (q = message; q && (q = strstr(q, marker_open)); q++)
		p = q;
	if (!p)
		return -1;
	p += sizeof(marker_open) - 1;
	if (!(*p >= '0' && *p <= '9'))
		return -1;
	errno = 0;
	v = strtoll(p, &end, 10);
	if (errno || *end != ']')
		return -1;
	*days = (int64_t)v;
	return 0;
}

static const char *plural(long long n)
{
	return n == 1 || n == -1 ? "" : "s";
}

char *cc_thresholds_message(const char *common_name, const struct cc_expiry *e, int64_t t)
{
	long long d = (long long)e->days_left;
	const char *cn = common_name ? common_name : "";

	if (e->remaining <= 0 && d == 0)
		return cc_xasprintf("[EXPIRED] Certificate %s expired today [threshold:%lld]", cn,
				    (long long)t);
	if (e->remaining <= 0)
		return cc_xasprintf("[EXPIRED] Certificate %s expired %lld day%s ago "
				    "[threshold:%lld]",
				    cn, -d, plural(d), (long long)t);
	if (d == 0)
		return cc_xasprintf("Certificate %s expires in less than a day [threshold:%lld]",
				    cn, (long long)t);
	return cc_xasprintf("Certificate %s expires in %lld day%s [threshold:%lld]", cn, d,
			    plural(d), (long long)t);
}
