/* test-tui-chart.c: the TUI's chart models — series from JSON, bar lengths, sparklines,
 * the calendar heatmap, the fleet grouping — without a terminal */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "tests/unit/testjson.h"
#include "tui/chart.h"

static void test_tui_chart__series_from_json(void **state)
{
	json_t *a = testjson(
		       "[{\"status\":\"Active\",\"count\":21},{\"status\":\"Expired\",\"count\":3},"
		       "{\"status\":7,\"count\":\"x\"},{\"count\":-4},\"junk\",{\"status\":\"R\","
		       "\"count\":1.5}]"),
	       *o = testjson("{\"Managed\":4,\"Unmanaged\":5,\"odd\":\"x\"}");
	struct tui_series s = { 0 };

	(void)state;
	assert_int_equal(tui_series_from(&s, a, "status", "count"), 6);
	assert_string_equal(s.label[0], "Active");
	assert_string_equal(s.label[2], ""); /* a number is no label */
	assert_true(s.v[2] == 0 && s.v[3] == 0 && s.v[4] == 0);
	assert_true(s.max == 21 && s.sum == 25.5);
	assert_int_equal(tui_series_from(&s, o, "a", "b"), -1);
	assert_int_equal(s.n, 0);
	assert_int_equal(tui_series_from_object(&s, o), 3);
	assert_true(s.sum == 9);
	assert_int_equal(tui_series_from_object(&s, a), -1);
	tui_series_release(&s);
	json_decref(a);
	json_decref(o);
}

static void test_tui_chart__bar_lengths(void **state)
{
	(void)state;
	assert_int_equal(tui_bar_len(21, 21, 30), 30);
	assert_int_equal(tui_bar_len(1, 1000, 30), 1); /* visible however small */
	assert_int_equal(tui_bar_len(0, 10, 30), 0);
	assert_int_equal(tui_bar_len(5, 0, 30), 0);
	assert_int_equal(tui_bar_len(50, 10, 30), 30);
	assert_int_equal(tui_bar_len(5, 10, 0), 0);
}

static void test_tui_chart__sparkline(void **state)
{
	struct tui_series s = { 0 };
	char out[256];

	(void)state;
	assert_int_equal(tui_spark(&s, 10, out, sizeof(out)), 0);
	assert_string_equal(out, "");
	tui_series_add(&s, "d1", 0);
	tui_series_add(&s, "d2", 1);
	tui_series_add(&s, "d3", 8);
	tui_series_add(&s, "d4", 4);
	assert_int_equal(tui_spark(&s, 10, out, sizeof(out)), 4);
	assert_string_equal(out, " ▁█▄");
	/* more points than columns: summed into buckets (0+1, 8+4) */
	assert_int_equal(tui_spark(&s, 2, out, sizeof(out)), 2);
	assert_string_equal(out, "▁█");
	/* a tiny buffer is never overrun */
	assert_int_equal(tui_spark(&s, 10, out, 5), 1);
	tui_series_release(&s);
}

static void test_tui_chart__heatmap_weeks(void **state)
{
	struct tui_series s = { 0 };
	struct tui_heat h;
	char d[32];

	(void)state;
	/* 2026-11-28 is a Saturday: row 5 of week 0 */
	for (int i = 0; i < 10; i++) {
		snprintf(d, sizeof(d), "2026-%02d-%02d", i < 3 ? 11 : 12, i < 3 ? 28 + i : i - 2);
		tui_series_add(&s, d, i == 0 ? 4 : i == 2 ? 1 : 0);
	}
	assert_int_equal(tui_heat_build(&h, &s), 3);
	assert_int_equal(h.first_wday, 5);
	assert_int_equal(h.count[5][0], 4);
	assert_int_equal(h.level[5][0], 4);
	assert_int_equal(h.level[0][1], 1); /* Monday 2026-11-30 */
	assert_int_equal(h.level[6][0], 0);
	assert_string_equal(tui_heat_char(0), "·");
	assert_string_equal(tui_heat_char(9), "█");
	tui_series_release(&s);
	/* a bad first date starts on Monday; too many days stop at the grid's end */
	for (int i = 0; i < 400; i++)
		tui_series_add(&s, "not a date", 1);
	assert_int_equal(tui_heat_build(&h, &s), TUI_HEAT_WEEKS);
	assert_int_equal(h.first_wday, 0);
	tui_series_release(&s);
}

static void test_tui_chart__fleet_groups(void **state)
{
	json_t *a =
		testjson("{\"data\":[{\"os\":\"linux\"},{\"os\":\"darwin\"},{\"os\":\"linux\"},{},"
			 "{\"os\":\"\"},{\"os\":3},\"junk\"]}");
	struct tui_series s = { 0 };

	(void)state;
	assert_int_equal(tui_series_count(&s, a, "os"), 3);
	assert_string_equal(s.label[0], "(unknown)"); /* 3 without an os */
	assert_true(s.v[0] == 3);
	assert_string_equal(s.label[1], "linux");
	assert_string_equal(s.label[2], "darwin");
	assert_int_equal(tui_series_count(&s, NULL, "os"), -1);
	tui_series_release(&s);
	json_decref(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tui_chart__series_from_json),
		cmocka_unit_test(test_tui_chart__bar_lengths),
		cmocka_unit_test(test_tui_chart__sparkline),
		cmocka_unit_test(test_tui_chart__heatmap_weeks),
		cmocka_unit_test(test_tui_chart__fleet_groups),
	};

	setlocale(LC_ALL, "C.UTF-8");
	return cmocka_run_group_tests_name("tui-chart", tests, NULL, NULL);
}
