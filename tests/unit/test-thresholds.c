/* test-thresholds.c: expiry alert thresholds — normalisation, which alerts fire and which
 * status results, at the clock edges (table-driven) */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "libcc/err.h"
#include "libcc/thresholds.h"

#define S INT64_C(1000000)
#define D CC_DAY_USEC
#define NOW (INT64_C(1795860987) * S) /* 2026-11-28T10:16:27Z */
#define END -1			      /* ends an int list */

struct row {
	const char *what;
	int64_t remaining;	 /* not_after - now; INT64_MIN: never issued */
	int64_t th[8];		 /* thresholds, END-terminated; {END}: none (default) */
	int64_t alerted[8];	 /* END-terminated */
	const char *cur;	 /* current status */
	const char *want_status; /* NULL: no write */
	int64_t want_fire[8];	 /* END-terminated, descending */
};

#define NONE                                                                                       \
	{                                                                                          \
		END                                                                                \
	}
#define DEF                                                                                        \
	{                                                                                          \
		30, 14, 7, 0, END                                                                  \
	}

static const struct row rows[] = {
	{ "far away: nothing", 90 * D, DEF, NONE, "Active", NULL, NONE },
	{ "31 days: outside Expiring", 31 * D, DEF, NONE, "Active", NULL, NONE },
	{ "30 days + 1 s: nothing yet", 30 * D + S, DEF, NONE, "Active", NULL, NONE },
	{ "exactly 30 days: 30 fires, Expiring",
	  30 * D,
	  DEF,
	  NONE,
	  "Active",
	  "Expiring",
	  { 30, END } },
	{ "30 days - 1 s", 30 * D - S, DEF, NONE, "Active", "Expiring", { 30, END } },
	{ "20 days, 30 already sent", 20 * D, DEF, { 30, END }, "Expiring", NULL, NONE },
	{ "14 days + 1 s: only 30", 14 * D + S, DEF, NONE, "Active", "Expiring", { 30, END } },
	{ "exactly 14 days: 30 and 14", 14 * D, DEF, NONE, "Active", "Expiring", { 30, 14, END } },
	{ "14 days - 1 s, 30 sent", 14 * D - S, DEF, { 30, END }, "Expiring", NULL, { 14, END } },
	{ "exactly 7 days, 30+14 sent", 7 * D, DEF, { 30, 14, END }, "Expiring", NULL, { 7, END } },
	{ "6 days, nothing sent: all but 0",
	  6 * D,
	  DEF,
	  NONE,
	  "Active",
	  "Expiring",
	  { 30, 14, 7, END } },
	{ "1 s left: not expired, 0 waits", S, DEF, { 30, 14, 7, END }, "Expiring", NULL, NONE },
	{ "half a day: 0 waits (v2.1 fired it)",
	  D / 2,
	  DEF,
	  { 30, 14, 7, END },
	  "Expiring",
	  NULL,
	  NONE },
	{ "expires exactly now: Expired, 0 fires",
	  0,
	  DEF,
	  { 30, 14, 7, END },
	  "Expiring",
	  "Expired",
	  { 0, END } },
	{ "expired 1 s ago", -S, DEF, { 30, 14, 7, END }, "Expiring", "Expired", { 0, END } },
	{ "expired long ago, first seen: everything",
	  -40 * D,
	  DEF,
	  NONE,
	  "Active",
	  "Expired",
	  { 30, 14, 7, 0, END } },
	{ "expired, already Expired and warned",
	  -3 * D,
	  DEF,
	  { 30, 14, 7, 0, END },
	  "Expired",
	  NULL,
	  NONE },
	{ "unsorted + duplicated thresholds",
	  10 * D,
	  { 7, 30, 14, 30, 7, END },
	  NONE,
	  "Active",
	  "Expiring",
	  { 30, 14, END } },
	{ "empty list means the default",
	  10 * D,
	  NONE,
	  NONE,
	  "Active",
	  "Expiring",
	  { 30, 14, END } },
	{ "custom [60, 1]: Expiring from 60 days",
	  45 * D,
	  { 60, 1, END },
	  NONE,
	  "Active",
	  "Expiring",
	  { 60, END } },
	{ "custom [60, 1] at 1 day exactly",
	  1 * D,
	  { 60, 1, END },
	  { 60, END },
	  "Expiring",
	  NULL,
	  { 1, END } },
	{ "custom [10]: Expiring still within 30",
	  20 * D,
	  { 10, END },
	  NONE,
	  "Active",
	  "Expiring",
	  NONE },
	{ "custom [5]: expired fires 5 only, no 0",
	  -S,
	  { 5, END },
	  NONE,
	  "Expiring",
	  "Expired",
	  { 5, END } },
	{ "Pending with an expiry becomes Expiring",
	  10 * D,
	  DEF,
	  NONE,
	  "Pending",
	  "Expiring",
	  { 30, 14, END } },
	{ "RenewalInProgress: warned, status kept",
	  5 * D,
	  DEF,
	  { 30, END },
	  "RenewalInProgress",
	  NULL,
	  { 14, 7, END } },
	{ "Archived is skipped", -5 * D, DEF, NONE, "Archived", NULL, NONE },
	{ "Revoked is skipped", 5 * D, DEF, NONE, "Revoked", NULL, NONE },
	{ "Failed is skipped", 5 * D, DEF, NONE, "Failed", NULL, NONE },
	{ "never issued: nothing", INT64_MIN, DEF, NONE, "Pending", NULL, NONE },
	{ "marker for a threshold not in the list",
	  10 * D,
	  DEF,
	  { 3, END },
	  "Active",
	  "Expiring",
	  { 30, 14, END } },
	{ "3650 days threshold",
	  3000 * D,
	  { 3650, END },
	  NONE,
	  "Active",
	  "Expiring",
	  { 3650, END } },
};

static size_t list(const int64_t *v, int64_t *out)
{
	size_t n = 0;

	while (v[n] != END) {
		out[n] = v[n];
		n++;
	}
	return n;
}

static void test_thresholds__table(void **state)
{
	(void)state;
	assert_true(CC_ARRAY_SIZE(rows) >= 25);
	for (size_t i = 0; i < CC_ARRAY_SIZE(rows); i++) {
		const struct row *r = &rows[i];
		struct cc_err err = CC_ERR_INIT;
		struct cc_thresholds th;
		struct cc_expiry e;
		int64_t in[8], al[8], want[8];
		size_t nin = list(r->th, in), nal = list(r->alerted, al),
		       nw = list(r->want_fire, want);
		int64_t not_after = r->remaining == INT64_MIN ? 0 : NOW + r->remaining;

		if (cc_thresholds_set(&th, in, nin, &err) < 0)
			fail_msg("row %zu (%s): %s", i, r->what, err.msg);
		cc_thresholds_eval(&th, NOW, not_after, r->cur, al, nal, &e);
		if ((r->want_status == NULL) != (e.status == NULL) ||
		    (e.status && strcmp(e.status, r->want_status)))
			fail_msg("row %zu (%s): status %s, want %s", i, r->what,
				 e.status ? e.status : "(none)",
				 r->want_status ? r->want_status : "(none)");
		if (e.nfire != nw)
			fail_msg("row %zu (%s): %zu alerts fire, want %zu", i, r->what, e.nfire,
				 nw);
		for (size_t j = 0; j < nw; j++)
			if (e.fire[j] != want[j])
				fail_msg("row %zu (%s): alert #%zu is %lld, want %lld", i, r->what,
					 j, (long long)e.fire[j], (long long)want[j]);
	}
}

static void test_thresholds__normalise_and_refuse(void **state)
{
	struct cc_err err = CC_ERR_INIT;
	struct cc_thresholds th;
	int64_t neg[] = { 30, -1 }, big[] = { 3651 }, dup[] = { 0, 0, 7, 7 };
	int64_t many[CC_THRESHOLDS_MAX + 1];
	json_t *j;

	(void)state;
	assert_int_equal(cc_thresholds_set(&th, neg, 2, &err), -1);
	assert_int_equal(err.code, CC_E_INVALID);
	assert_non_null(strstr(err.msg, "negative"));
	assert_int_equal(cc_thresholds_set(&th, big, 1, &err), -1);
	assert_int_equal(cc_thresholds_set(&th, dup, 4, &err), 0);
	assert_int_equal(th.n, 2);
	assert_int_equal(th.days[0], 7);
	assert_int_equal(th.days[1], 0);
	for (size_t i = 0; i < CC_ARRAY_SIZE(many); i++)
		many[i] = (int64_t)i;
	assert_int_equal(cc_thresholds_set(&th, many, CC_ARRAY_SIZE(many), &err), -1);
	assert_int_equal(cc_thresholds_set(&th, NULL, 0, &err), 0);
	assert_int_equal(th.n, 4);
	assert_int_equal(th.days[0], 30);
	assert_int_equal(th.days[3], 0);
	assert_int_equal(cc_thresholds_expiring_days(&th), 30);

	/* JSON: null / [] → default; non-integers and negatives refused */
	assert_int_equal(cc_thresholds_from_json(&th, NULL, &err), 0);
	assert_int_equal(th.n, 4);
	j = json_loads("[]", 0, NULL);
	assert_int_equal(cc_thresholds_from_json(&th, j, &err), 0);
	assert_int_equal(th.n, 4);
	json_decref(j);
	j = json_loads("[45, 3]", 0, NULL);
	assert_int_equal(cc_thresholds_from_json(&th, j, &err), 0);
	assert_int_equal(th.n, 2);
	assert_int_equal(cc_thresholds_expiring_days(&th), 45);
	json_decref(j);
	j = json_loads("[7, \"3\"]", 0, NULL);
	assert_int_equal(cc_thresholds_from_json(&th, j, &err), -1);
	json_decref(j);
	j = json_loads("[7, -3]", 0, NULL);
	assert_int_equal(cc_thresholds_from_json(&th, j, &err), -1);
	json_decref(j);
	j = json_loads("{\"a\": 1}", 0, NULL);
	assert_int_equal(cc_thresholds_from_json(&th, j, &err), -1);
	json_decref(j);
}

static void test_thresholds__days_and_messages(void **state)
{
	struct cc_thresholds th;
	struct cc_expiry e;
	int64_t t;
	char *m;

	(void)state;
	cc_thresholds_default(&th);
	cc_thresholds_eval(&th, NOW, NOW + 10 * D - S, "Active", NULL, 0, &e);
	assert_int_equal(e.days_left, 9);
	assert_true(e.days_until > 9.99 && e.days_until < 10.0);
	m = cc_thresholds_message("a.example.com", &e, 14);
	assert_string_equal(m, "Certificate a.example.com expires in 9 days [threshold:14]");
	assert_int_equal(cc_thresholds_marker(m, &t), 0);
	assert_int_equal(t, 14);
	free(m);
	cc_thresholds_eval(&th, NOW, NOW + D + S, "Active", NULL, 0, &e);
	m = cc_thresholds_message("b", &e, 7);
	assert_string_equal(m, "Certificate b expires in 1 day [threshold:7]");
	free(m);
	cc_thresholds_eval(&th, NOW, NOW + S, "Active", NULL, 0, &e);
	m = cc_thresholds_message("b", &e, 7);
	assert_string_equal(m, "Certificate b expires in less than a day [threshold:7]");
	free(m);
	cc_thresholds_eval(&th, NOW, NOW, "Active", NULL, 0, &e);
	m = cc_thresholds_message("b", &e, 0);
	assert_string_equal(m, "[EXPIRED] Certificate b expired today [threshold:0]");
	free(m);
	cc_thresholds_eval(&th, NOW, NOW - 3 * D, "Active", NULL, 0, &e);
	assert_int_equal(e.days_left, -3);
	m = cc_thresholds_message("b", &e, 30);
	assert_string_equal(m, "[EXPIRED] Certificate b expired 3 days ago [threshold:30]");
	free(m);

	/* markers: the last one counts; malformed ones are ignored */
	assert_int_equal(cc_thresholds_marker("x [threshold:7] y [threshold:0]", &t), 0);
	assert_int_equal(t, 0);
	assert_int_equal(cc_thresholds_marker("no marker", &t), -1);
	assert_int_equal(cc_thresholds_marker("[threshold:]", &t), -1);
	assert_int_equal(cc_thresholds_marker("[threshold:7", &t), -1);
	assert_int_equal(cc_thresholds_marker("[threshold:-7]", &t), -1);
	assert_int_equal(cc_thresholds_marker(NULL, &t), -1);
	assert_true(cc_thresholds_skip_status("Archived"));
	assert_false(cc_thresholds_skip_status("Expired"));
	assert_false(cc_thresholds_skip_status(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_thresholds__table),
		cmocka_unit_test(test_thresholds__normalise_and_refuse),
		cmocka_unit_test(test_thresholds__days_and_messages),
	};
	return cmocka_run_group_tests_name("thresholds", tests, NULL, NULL);
}
