/* test-cli.c: the CLI's pure parts — table layout and cells, human times, flags to query
 * strings and bodies, usage arguments, word splitting of the shell */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "cmd/cli.h"
#include "cmd/placeholder.h"
#include "cmd/shell.h"
#include "libcc/time.h"

#define DAY (86400 * CC_USEC_PER_SEC)

static void test_cli__layout(void **state)
{
	size_t nat[] = { 10, 30, 8, 20 }, min[] = { 10, 8, 8, 8 }, w[4];

	(void)state;
	/* fits: natural widths */
	cli_table_layout(nat, min, 4, 100, 2, w);
	assert_int_equal(w[1], 30);
	cli_table_layout(nat, min, 4, 0, 2, w); /* 0 = no limit */
	assert_int_equal(w[1], 30);
	/* 68 + 6 gaps = 74 into 60: the widest shrinks first, down to the others */
	cli_table_layout(nat, min, 4, 60, 2, w);
	assert_int_equal(w[0] + w[1] + w[2] + w[3] + 6, 60);
	assert_int_equal(w[0], 10);
	assert_int_equal(w[2], 8);
	assert_true(w[1] >= w[3] && w[1] - w[3] <= 1);
	/* too narrow for the minimums: they stay */
	cli_table_layout(nat, min, 4, 20, 2, w);
	assert_int_equal(w[0], 10);
	assert_int_equal(w[1], 8);
	assert_int_equal(w[3], 8);
}

static void test_cli__text(void **state)
{
	struct cc_buf b = CC_BUF_INIT;

	(void)state;
	assert_int_equal(cli_text_width("abc"), 3);
	assert_int_equal(cli_text_width("élan…"), 5);
	cli_text_fit("legacy.example.com", 10, &b);
	assert_string_equal(b.buf, "legacy.ex…");
	assert_int_equal(cli_text_width(b.buf), 10);
	cc_buf_reset(&b);
	cli_text_fit("ééééé", 3, &b); /* never cuts inside a character */
	assert_string_equal(b.buf, "éé…");
	cc_buf_reset(&b);
	cli_text_fit("short", 10, &b);
	assert_string_equal(b.buf, "short");
	cc_buf_release(&b);
}

static void test_cli__cells(void **state)
{
	struct cc_buf b = CC_BUF_INIT;
	int64_t now;
	json_t *v;

	(void)state;
	assert_int_equal(cc_time_parse("2026-11-28T12:00:00Z", &now), 0);
	v = json_string("2026-12-10T12:00:30Z");
	cli_cell_text(v, CELL_TIME, now, &b);
	assert_string_equal(b.buf, "in 12 days");
	json_decref(v);
	cc_buf_reset(&b);
	v = json_string("2026-11-28T09:00:00Z");
	cli_cell_text(v, CELL_TIME, now, &b);
	assert_string_equal(b.buf, "3 hours ago");
	json_decref(v);
	cc_buf_reset(&b);
	v = json_string(CC_ZERO_TIME_TEXT); /* the zero time of v2.1 */
	cli_cell_text(v, CELL_TIME, now, &b);
	assert_string_equal(b.buf, "-");
	json_decref(v);
	cc_buf_reset(&b);
	v = json_pack("[s,s]", "a.example", "b.example");
	cli_cell_text(v, CELL_LIST, now, &b);
	assert_string_equal(b.buf, "a.example,b.example");
	json_decref(v);
	cc_buf_reset(&b);
	v = json_string("evil\033[2J\n"); /* no control characters reach the terminal */
	cli_cell_text(v, CELL_TEXT, now, &b);
	assert_string_equal(b.buf, "evil [2J ");
	json_decref(v);
	cc_buf_reset(&b);
	cli_cell_text(json_true(), CELL_BOOL, now, &b);
	assert_string_equal(b.buf, "yes");
	cc_buf_reset(&b);
	cli_cell_text(NULL, CELL_TEXT, now, &b);
	assert_string_equal(b.buf, "");
	cc_buf_reset(&b);
	cli_label("ip_address", &b);
	assert_string_equal(b.buf, "IP Address");
	cc_buf_reset(&b);
	cli_label("sans", &b);
	assert_string_equal(b.buf, "SANs");
	assert_string_equal(cli_status_color("Expired"), "\033[31m");
	assert_string_equal(cli_status_color("Active"), "\033[32m");
	assert_string_equal(cli_status_color("Whatever"), "");
	cc_buf_release(&b);
}

static void test_cli__time_arg(void **state)
{
	char out[72];
	int64_t now;

	(void)state;
	assert_int_equal(cc_time_parse("2026-11-28T12:00:00Z", &now), 0);
	assert_int_equal(cli_time_arg("+30d", now, out), 0);
	assert_string_equal(out, "2026-12-28T12:00:00Z");
	assert_int_equal(cli_time_arg("-12h", now, out), 0);
	assert_string_equal(out, "2026-11-28T00:00:00Z");
	assert_int_equal(cli_time_arg("2027-01-31", now, out), 0);
	assert_string_equal(out, "2027-01-31T00:00:00Z");
	assert_int_equal(cli_time_arg("2027-01-31T10:00:00+02:00", now, out), 0);
	assert_string_equal(out, "2027-01-31T08:00:00Z");
	assert_int_equal(cli_time_arg("soon", now, out), -1);
	assert_int_equal(cli_time_arg("+30x", now, out), -1);
	assert_int_equal(cli_time_arg("+d", now, out), -1);
}

static const struct cc_opt opts[] = {
	{ "all", 'a', NULL, "", -1 },		{ "status", 0, "STATUS", "", -1 },
	{ "owner-id", 0, "OWNER", "", -1 },	{ "expires-before", 0, "TIME", "", -1 },
	{ "per-page", 0, "N", "", -1 },		{ "sans", 0, "NAME,...", "", -1 },
	{ "enabled", 0, "true|false", "", -1 }, { "tags", 0, "JSON", "", -1 },
	{ "profile-id", 0, "PROFILE", "", -1 }, CC_OPT_END,
};

static void set(struct cc_optv *ov, int i, const char *v)
{
	ov->set[i] = true;
	ov->val[i] = v;
}

static void test_cli__query(void **state)
{
	struct cc_optv ov;
	struct cc_buf q = CC_BUF_INIT;
	const char *bad;
	int64_t now;

	(void)state;
	memset(&ov, 0, sizeof(ov));
	assert_int_equal(cc_time_parse("2026-11-28T12:00:00Z", &now), 0);
	assert_int_equal(cli_query_build(opts, &ov, now, &q, &bad), 0);
	assert_string_equal(q.buf, "");
	set(&ov, 0, "true"); /* --all is the CLI's own */
	set(&ov, 1, "Expiring");
	set(&ov, 2, "o ann&co");
	set(&ov, 3, "+7d");
	set(&ov, 4, "100");
	assert_int_equal(cli_query_build(opts, &ov, now, &q, &bad), 0);
	assert_string_equal(q.buf, "?status=Expiring&owner_id=o%20ann%26co"
				   "&expires_before=2026-12-05T12%3A00%3A00Z&per_page=100");
	cc_buf_reset(&q);
	set(&ov, 3, "next week");
	assert_int_equal(cli_query_build(opts, &ov, now, &q, &bad), -1);
	assert_string_equal(bad, "expires-before");
	cc_buf_release(&q);
}

static void test_cli__body(void **state)
{
	static const char *const renames[][2] = { { "profile-id", "certificate_profile_id" },
						  { NULL, NULL } };
	struct cc_optv ov;
	const char *bad;
	json_t *body = json_object();
	char *s;

	(void)state;
	memset(&ov, 0, sizeof(ov));
	set(&ov, 5, "a.example,b.example");
	set(&ov, 6, "false");
	set(&ov, 7, "{\"app\":\"x\"}");
	set(&ov, 8, "prof-tls");
	set(&ov, 4, "20");
	assert_int_equal(cli_body_build(opts, &ov, renames, body, &bad), 0);
	s = json_dumps(body, JSON_SORT_KEYS | JSON_COMPACT);
	assert_string_equal(s, "{\"certificate_profile_id\":\"prof-tls\",\"enabled\":false,"
			       "\"per_page\":20,\"sans\":[\"a.example\",\"b.example\"],"
			       "\"tags\":{\"app\":\"x\"}}");
	free(s);
	set(&ov, 6, "maybe");
	assert_int_equal(cli_body_build(opts, &ov, renames, body, &bad), -1);
	assert_string_equal(bad, "enabled");
	set(&ov, 6, "true");
	set(&ov, 7, "{broken");
	assert_int_equal(cli_body_build(opts, &ov, renames, body, &bad), -1);
	assert_string_equal(bad, "tags");
	json_decref(body);
}

static void test_cli__usage(void **state)
{
	int min, max;
	char w[64];

	(void)state;
	cli_usage_args("CERT", &min, &max);
	assert_true(min == 1 && max == 1);
	cli_usage_args("[options] ISSUER SERIAL", &min, &max);
	assert_true(min == 2 && max == 2);
	cli_usage_args("[CERT...]", &min, &max);
	assert_true(min == 0 && max == -1);
	cli_usage_args(NULL, &min, &max);
	assert_true(min == 0 && max == 0);
	assert_string_equal(cc_usage_word("ISSUER SERIAL", 1, w, sizeof(w)), "SERIAL");
	assert_null(cc_usage_word("ISSUER SERIAL", 2, w, sizeof(w)));
	assert_string_equal(cc_usage_word("[CERT...]", 5, w, sizeof(w)), "[CERT...]");
	assert_string_equal(cc_placeholder_find("[CERT...]")->noun, "certificate");
	assert_null(cc_placeholder_find("WHATEVER"));
}

static void test_cli__shell_words(void **state)
{
	struct cc_strv w = CC_STRV_INIT;

	(void)state;
	assert_int_equal(
		cc_shell_split("  certs list --status 'Expiring soon' a\\ b \"x\\\"y\" # c", &w),
		0);
	assert_int_equal(w.n, 6);
	assert_string_equal(w.v[3], "Expiring soon");
	assert_string_equal(w.v[4], "a b");
	assert_string_equal(w.v[5], "x\"y");
	cc_strv_release(&w);
	assert_int_equal(cc_shell_split("''", &w), 0);
	assert_int_equal(w.n, 1);
	assert_string_equal(w.v[0], "");
	cc_strv_release(&w);
	assert_int_equal(cc_shell_split("certs get 'open", &w), -1);
	cc_strv_release(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cli__layout), cmocka_unit_test(test_cli__text),
		cmocka_unit_test(test_cli__cells),  cmocka_unit_test(test_cli__time_arg),
		cmocka_unit_test(test_cli__query),  cmocka_unit_test(test_cli__body),
		cmocka_unit_test(test_cli__usage),  cmocka_unit_test(test_cli__shell_words),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
