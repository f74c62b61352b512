/* thresholds.h: expiry alert thresholds — which alerts fire and which status a certificate
 * takes at a given moment (pure functions, no database) */
#ifndef CC_THRESHOLDS_H
#define CC_THRESHOLDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

struct cc_err;

#define CC_THRESHOLDS_MAX 32
#define CC_THRESHOLD_DAYS_MAX 3650
#define CC_DAY_USEC (INT64_C(86400) * INT64_C(1000000))
/* a certificate is Expiring within this many days, or within its largest threshold */
#define CC_EXPIRING_DAYS 30

struct cc_thresholds {
	int64_t days[CC_THRESHOLDS_MAX]; /* distinct, descending */
	size_t n;
};

/* [30, 14, 7, 0] */
void cc_thresholds_default(struct cc_thresholds *t);
/* sorted descending, duplicates dropped; none → the default. CC_E_INVALID for a negative
 * value, one above CC_THRESHOLD_DAYS_MAX, or more than CC_THRESHOLDS_MAX distinct ones */
int cc_thresholds_set(struct cc_thresholds *t, const int64_t *days, size_t n, struct cc_err *err);
/* from a policy's alert_thresholds_days: NULL, JSON null or [] → the default; anything
 * but an array of integers is CC_E_INVALID */
int cc_thresholds_from_json(struct cc_thresholds *t, const json_t *a, struct cc_err *err);
/* days within which the certificate counts as Expiring: max(30, largest threshold) */
int64_t cc_thresholds_expiring_days(const struct cc_thresholds *t);

/* statuses the expiry check leaves alone entirely: Archived, Revoked, Failed */
bool cc_thresholds_skip_status(const char *status);

struct cc_expiry {
	int64_t remaining;  /* µs until not_after; <= 0 once expired */
	double days_until;  /* remaining in days (v2.1 days_until_expiry) */
	int64_t days_left;  /* days_until truncated toward zero (v2.1 "d") */
	const char *status; /* status to write ("Expiring" or "Expired"), NULL: leave it */
	int64_t fire[CC_THRESHOLDS_MAX]; /* thresholds whose alert is due now, descending */
	size_t nfire;
};

/* threshold t fires once not_after - now <= t days (t = 0: once expired), unless t is in
 * alerted. Status: Expired once not_after <= now, Expiring within
 * cc_thresholds_expiring_days, written only when it differs from cur_status and
 * cur_status is not RenewalInProgress. Skipped statuses (cc_thresholds_skip_status) and
 * never-issued certificates (not_after 0) fire nothing and keep their status. */
void cc_thresholds_eval(const struct cc_thresholds *t, int64_t now, int64_t not_after,
			const char *cur_status, const int64_t *alerted, size_t nalerted,
			struct cc_expiry *out);

/* the "[threshold:N]" marker an ExpirationWarning message ends with: 0 and *days set, -1
 * when message has none */
int cc_thresholds_marker(const char *message, int64_t *days);
/* the ExpirationWarning text for threshold t (caller frees), ending in its marker:
 * "[EXPIRED] Certificate CN expired ..." once expired, "Certificate CN expires in N
 * days ..." before */
char *cc_thresholds_message(const char *common_name, const struct cc_expiry *e, int64_t t);

#endif
