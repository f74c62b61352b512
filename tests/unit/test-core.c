/* test-core.c: libcc basics — time, buffers, strings, base64, ids, hashes, errors */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "libcc/b64.h"
#include "libcc/buf.h"
#include "libcc/err.h"
#include "libcc/hash.h"
#include "libcc/id.h"
#include "libcc/mem.h"
#include "libcc/strv.h"
#include "libcc/time.h"

/* the compare used for API key hashes: right at every position, and its time does not
 * depend on where the first difference is (memcmp stops there: on 4 MB, a difference in
 * the first byte would be a thousand times faster than one in the last) */
static int64_t min_compare_us(const unsigned char *a, const unsigned char *b, size_t n)
{
	int64_t best = INT64_MAX;

	for (int i = 0; i < 15; i++) {
		int64_t t0 = cc_time_mono_us();
		int eq = cc_memeq_ct(a, b, n);
		int64_t t = cc_time_mono_us() - t0;

		assert_false(eq);
		if (t < best)
			best = t;
	}
	return best;
}

static void test_core__memeq_ct(void **state)
{
	enum { N = 4 << 20 };
	unsigned char *a = calloc(1, N), *b = calloc(1, N);
	int64_t first, last;

	(void)state;
	assert_true(cc_memeq_ct(a, b, N));
	assert_true(cc_memeq_ct(a, b, 0));
	for (size_t i = 0; i < 64; i++) {
		b[i] = 1;
		assert_false(cc_memeq_ct(a, b, 64));
		b[i] = 0;
	}
	b[0] = 1;
	first = min_compare_us(a, b, N);
	b[0] = 0;
	b[N - 1] = 1;
	last = min_compare_us(a, b, N);
	assert_true(first > 0 && last > 0);
	assert_true(first * 3 > last && last * 3 > first);
	free(a);
	free(b);
}

static void test_core__time_roundtrip(void **state)
{
	char out[CC_TIME_BUFSZ];
	int64_t us;

	(void)state;
	assert_int_equal(cc_time_parse("2026-11-28T10:16:27Z", &us), 0);
	assert_int_equal(us, INT64_C(1795860987) * CC_USEC_PER_SEC);
	assert_string_equal(cc_time_format(us, out), "2026-11-28T10:16:27Z");
	assert_int_equal(cc_time_parse("2026-11-28T10:16:27.5Z", &us), 0);
	assert_string_equal(cc_time_format(us, out), "2026-11-28T10:16:27.5Z");
	assert_string_equal(cc_time_format_db(us, out), "2026-11-28T10:16:27.500000Z");
	/* offsets are normalised to UTC */
	assert_int_equal(cc_time_parse("2026-11-28T12:16:27.5+02:00", &us), 0);
	assert_string_equal(cc_time_format(us, out), "2026-11-28T10:16:27.5Z");
	/* PostgreSQL's text output */
	assert_int_equal(cc_time_parse("2026-11-28 10:16:27.123456+00", &us), 0);
	assert_string_equal(cc_time_format(us, out), "2026-11-28T10:16:27.123456Z");
	/* Go's zero time is our unset value, and prints back the same */
	assert_int_equal(cc_time_parse("0001-01-01T00:00:00Z", &us), 0);
	assert_int_equal(us, 0);
	assert_string_equal(cc_time_format(0, out), "0001-01-01T00:00:00Z");
	/* before the epoch */
	assert_int_equal(cc_time_parse("1969-12-31T23:59:59.25Z", &us), 0);
	assert_string_equal(cc_time_format(us, out), "1969-12-31T23:59:59.25Z");
	assert_int_equal(cc_time_parse("2024-02-29T00:00:00Z", &us), 0);
}

static void test_core__time_rejects_garbage(void **state)
{
	static const char *bad[] = { "",
				     "2026-11-28",
				     "2026-13-01T00:00:00Z",
				     "2026-02-30T00:00:00Z",
				     "2025-02-29T00:00:00Z",
				     "2026-11-28T24:00:00Z",
				     "2026-11-28T10:16:27",
				     "yesterday",
				     "2026-11-28T10:16:27Zjunk",
				     "2026-11-28T10:16:27.Z" };
	int64_t us;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(cc_time_parse(bad[i], &us), -1);
	assert_int_equal(cc_time_parse(NULL, &us), -1);
}

static void test_core__durations(void **state)
{
	int64_t us;

	(void)state;
	assert_int_equal(cc_duration_parse("30s", &us), 0);
	assert_int_equal(us, 30 * CC_USEC_PER_SEC);
	assert_int_equal(cc_duration_parse("1h30m", &us), 0);
	assert_int_equal(us, 5400 * CC_USEC_PER_SEC);
	assert_int_equal(cc_duration_parse("250ms", &us), 0);
	assert_int_equal(us, 250000);
	assert_int_equal(cc_duration_parse("720h", &us), 0);
	assert_int_equal(us, INT64_C(720) * 3600 * CC_USEC_PER_SEC);
	assert_int_equal(cc_duration_parse("45", &us), 0);
	assert_int_equal(us, 45 * CC_USEC_PER_SEC);
	assert_int_equal(cc_duration_parse("soon", &us), -1);
	assert_int_equal(cc_duration_parse("5x", &us), -1);
	assert_int_equal(cc_duration_parse("-5s", &us), -1);
	assert_int_equal(cc_duration_parse("", &us), -1);
}

static void test_core__time_human(void **state)
{
	char out[CC_TIME_BUFSZ];
	int64_t now = INT64_C(1795861587) * CC_USEC_PER_SEC, day = 86400 * CC_USEC_PER_SEC;

	(void)state;
	assert_string_equal(cc_time_human(now + 12 * day + 60, now, out), "in 12 days");
	assert_string_equal(cc_time_human(now - 1 * day, now, out), "1 day ago");
	assert_string_equal(cc_time_human(now - 3 * 3600 * CC_USEC_PER_SEC, now, out),
			    "3 hours ago");
	assert_string_equal(cc_time_human(0, now, out), "-");
	/* written by the server a moment after the client read its clock */
	assert_string_equal(cc_time_human(now + CC_USEC_PER_SEC / 2, now, out), "just now");
	assert_string_equal(cc_time_human(now - 30 * CC_USEC_PER_SEC, now, out), "just now");
	assert_string_equal(cc_time_human(now + 30 * CC_USEC_PER_SEC, now, out), "in a moment");
}

static void test_core__buf(void **state)
{
	struct cc_buf b = CC_BUF_INIT;
	struct cc_err err = CC_ERR_INIT;
	char *s;
	size_t n;

	(void)state;
	assert_string_equal(b.buf, "");
	cc_buf_addf(&b, "%s-%d", "job", 42);
	cc_buf_addc(&b, '!');
	assert_string_equal(b.buf, "job-42!");
	for (int i = 0; i < 10000; i++)
		cc_buf_adds(&b, "x");
	assert_int_equal(b.len, 10007);
	cc_buf_reset(&b);
	assert_string_equal(b.buf, "");
	s = cc_buf_detach(&b, &n);
	assert_int_equal(n, 0);
	free(s);
	cc_buf_init(&b, 8);
	assert_int_equal(cc_buf_add_checked(&b, "12345", 5, &err), 0);
	assert_int_equal(cc_buf_add_checked(&b, "6789", 4, &err), -1);
	assert_int_equal(err.code, CC_E_TOO_BIG);
	assert_string_equal(b.buf, "12345");
	cc_buf_release(&b);
}

static void test_core__strv(void **state)
{
	struct cc_strv sv = CC_STRV_INIT;

	(void)state;
	cc_strv_split(&sv, " a, b ,,\tc ,", ',');
	assert_int_equal(sv.n, 3);
	assert_string_equal(sv.v[0], "a");
	assert_string_equal(sv.v[1], "b");
	assert_string_equal(sv.v[2], "c");
	assert_null(sv.v[3]);
	assert_true(cc_strv_has(&sv, "b"));
	assert_false(cc_strv_has(&sv, "d"));
	cc_strv_release(&sv);
	assert_int_equal(cc_str_distance("serve", "sevre"), 2);
	assert_int_equal(cc_str_distance("", "abc"), 3);
	assert_int_equal(cc_str_distance("CERTCTL_SEVER_PORT", "CERTCTL_SERVER_PORT"), 1);
}

static void test_core__base64(void **state)
{
	unsigned char *out;
	size_t n;
	char *s;

	(void)state;
	s = cc_b64_encode("hello?>", 7);
	assert_string_equal(s, "aGVsbG8/Pg==");
	free(s);
	s = cc_b64url_encode("hello?>", 7);
	assert_string_equal(s, "aGVsbG8_Pg");
	assert_int_equal(cc_b64url_decode(s, &out, &n), 0);
	assert_int_equal(n, 7);
	assert_memory_equal(out, "hello?>", 7);
	free(out);
	free(s);
	assert_int_equal(cc_b64_decode("aGVs\nbG8=", &out, &n), 0);
	assert_int_equal(n, 5);
	free(out);
	assert_int_equal(cc_b64_decode("a$b=", &out, &n), -1);
	assert_int_equal(cc_b64url_decode("aGVsbG8/Pg", &out, &n), -1);
}

static void test_core__ids(void **state)
{
	char *a = cc_id_new("job"), *b = cc_id_new("job");

	(void)state;
	assert_true(!strncmp(a, "job-", 4));
	assert_string_not_equal(a, b);
	assert_true(cc_id_valid(a));
	assert_true(cc_id_valid("mc-api-prod"));
	assert_false(cc_id_valid(""));
	assert_false(cc_id_valid("../etc/passwd"));
	assert_false(cc_id_valid("a b"));
	assert_false(cc_id_valid("x;rm -rf /"));
	assert_false(cc_id_valid("-x"));
	free(a);
	free(b);
}

static void test_core__hash_and_errors(void **state)
{
	char hex[CC_SHA256_HEX], rnd[65];
	struct cc_err err = CC_ERR_INIT;

	(void)state;
	assert_string_equal(cc_sha256_hex("abc", 3, hex),
			    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	assert_int_equal(cc_random_hex(32, rnd), 0);
	assert_int_equal(strlen(rnd), 64);
	assert_int_equal(cc_err_set(&err, CC_E_NOT_FOUND, "job '%s' not found", "x"), -1);
	assert_string_equal(err.msg, "job 'x' not found");
	cc_err_prefix(&err, "cancel");
	assert_string_equal(err.msg, "cancel: job 'x' not found");
	assert_int_equal(cc_err_http_status(CC_E_NOT_FOUND), 404);
	assert_int_equal(cc_err_exit_status(CC_E_NOT_FOUND), 4);
	assert_int_equal(cc_err_http_status(CC_E_TOO_BIG), 413);
	assert_int_equal(cc_err_http_status(CC_E_CONFLICT), 409);
	assert_int_equal(cc_err_exit_status(CC_E_NOTHING), 3);
	assert_string_equal(cc_err_name(CC_E_INVALID), "INVALID");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_core__memeq_ct),
		cmocka_unit_test(test_core__time_roundtrip),
		cmocka_unit_test(test_core__time_rejects_garbage),
		cmocka_unit_test(test_core__durations),
		cmocka_unit_test(test_core__time_human),
		cmocka_unit_test(test_core__buf),
		cmocka_unit_test(test_core__strv),
		cmocka_unit_test(test_core__base64),
		cmocka_unit_test(test_core__ids),
		cmocka_unit_test(test_core__hash_and_errors),
	};
	return cmocka_run_group_tests_name("core", tests, NULL, NULL);
}
