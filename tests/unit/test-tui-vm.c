/* test-tui-vm.c: the TUI's view models without a terminal — JSON fields and cells, tables,
 * the list model (search, sort, selection), forms, the bulk revocation model, dashboard
 * tiles, text fitting; and that wrong or missing fields never crash them */
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
#include <curses.h>
#include "libcc/time.h"
#include "tui/bulk.h"
#include "tui/dashboard.h"
#include "tui/fetch.h"
#include "tui/vm.h"
#include "tui/widgets.h"

#define NOW (INT64_C(1795860987) * CC_USEC_PER_SEC) /* 2026-11-28T10:16:27Z */

static void test_tui_vm__fields_of_any_type(void **state)
{
	json_t *o = testjson(
		"{\"a\":{\"b\":7},\"s\":\"x\",\"r\":2.9,\"n\":null,\"arr\":[1,\"two\",true],"
		"\"obj\":{\"k\":[\"v\",\"w\"],\"z\":false}}");
	char *t;

	(void)state;
	assert_int_equal(tui_jint(o, "a.b", -1), 7);
	assert_int_equal(tui_jint(o, "r", -1), 2);
	assert_int_equal(tui_jint(o, "s", -1), -1);
	assert_int_equal(tui_jint(o, "a.b.c", -1), -1);
	assert_null(tui_jstr(o, "a"));
	assert_null(tui_jstr(NULL, "a"));
	assert_string_equal(tui_jstr(o, "s"), "x");
	t = tui_jtext(json_object_get(o, "arr"));
	assert_string_equal(t, "1, two, yes");
	free(t);
	t = tui_jtext(json_object_get(o, "obj"));
	assert_string_equal(t, "k=v,w, z=no");
	free(t);
	t = tui_jtext(json_object_get(o, "n"));
	assert_string_equal(t, "");
	free(t);
	t = tui_jtext(NULL);
	assert_string_equal(t, "");
	free(t);
	assert_null(tui_jdata(json_object_get(o, "a")));
	json_decref(o);
}

static void test_tui_vm__time_cells(void **state)
{
	static const struct {
		const char *json;
		enum tui_fmt f;
		const char *want;
	} rows[] = {
		{ "\"2026-12-04T10:16:27Z\"", TUI_F_DATE, "2026-12-04" },
		{ "\"2026-12-04T10:16:27Z\"", TUI_F_AGO, "in 6 days" },
		{ "\"2026-12-04T10:16:27Z\"", TUI_F_TTL, "6d 00h" },
		{ "\"" CC_ZERO_TIME_TEXT "\"", TUI_F_WHEN, "—" },
		{ "\"yesterday\"", TUI_F_WHEN, "yesterday" },
		{ "5", TUI_F_DATE, "5" },
		{ "true", TUI_F_BOOL, "yes" },
		{ "null", TUI_F_AGO, "" },
	};
	static const struct {
		long long secs;
		const char *want;
	} ttl[] = { { 252, "4m 12s" }, { 0, "expired" }, { -5, "expired" }, { 7380, "2h 03m" } };
	char buf[32];

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		json_t *v = testjson(rows[i].json);
		char *t = tui_format(v, rows[i].f, NOW);
		assert_string_equal(t, rows[i].want);
		free(t);
		json_decref(v);
	}
	for (size_t i = 0; i < sizeof(ttl) / sizeof(ttl[0]); i++) {
		tui_fmt_ttl(ttl[i].secs, buf, sizeof(buf));
		assert_string_equal(buf, ttl[i].want);
	}
}

static const struct tui_col cols[] = {
	{ "Name", "name", 0, TUI_F_TEXT },
	{ "Status", "status", 8, TUI_F_STATUS },
	{ "Days", "days", 5, TUI_F_NUM },
	TUI_COL_END,
};

static void test_tui_vm__table_from_replies(void **state)
{
	json_t *env = testjson(
		       "{\"data\":[{\"id\":\"a\",\"name\":\"alpha\",\"status\":\"Active\","
		       "\"days\":10},"
		       "7,\"x\",null,{\"name\":{\"oops\":1},\"status\":[1,2]},{}],\"total\":99}"),
	       *bare = testjson("[{\"id\":\"b\",\"days\":\"x\"}]"),
	       *none = testjson("{\"error\":\"no\"}");
	struct tui_table t = { 0 };

	(void)state;
	assert_int_equal(tui_table_fill(&t, cols, env, NOW), 3);
	assert_int_equal(t.ncols, 3);
	assert_int_equal(t.total, 99);
	assert_string_equal(t.row[0].id, "a");
	assert_string_equal(t.row[0].cell[2], "10");
	assert_string_equal(t.row[1].id, ""); /* no id: still a row */
	assert_string_equal(t.row[1].cell[0], "oops=1");
	assert_string_equal(t.row[1].cell[1], "1, 2");
	assert_string_equal(t.row[2].cell[0], "");
	assert_int_equal(tui_table_fill(&t, cols, bare, NOW), 1);
	assert_int_equal(t.total, 1);
	assert_string_equal(t.row[0].cell[2], "x");
	assert_int_equal(tui_table_fill(&t, cols, none, NOW), -1);
	assert_int_equal(t.n, 0);
	assert_int_equal(tui_table_fill(&t, cols, NULL, NOW), -1);
	tui_table_release(&t);
	json_decref(env);
	json_decref(bare);
	json_decref(none);
}

static void test_tui_vm__column_widths_fit(void **state)
{
	int w[3];

	(void)state;
	tui_table_widths(cols, 3, 78, w);
	assert_int_equal(w[1], 8);
	assert_int_equal(w[2], 5);
	assert_int_equal(w[0] + w[1] + w[2] + 3, 78);
	tui_table_widths(cols, 3, 12, w); /* too narrow: shrunk, never below 3 */
	assert_true(w[0] >= 3 && w[1] >= 3 && w[2] >= 3);
}

static void test_tui_vm__csv_quotes(void **state)
{
	json_t *r = testjson(
		"[{\"id\":\"1\",\"actor\":\"a,b\",\"details\":{\"q\":\"say \\\"hi\\\"\"}}]");
	static const char *const keys[] = { "id", "actor", "details", "missing", NULL };
	char *csv = tui_json_csv(r, keys);

	(void)state;
	assert_string_equal(csv, "id,actor,details,missing\r\n"
				 "1,\"a,b\",\"{\"\"q\"\":\"\"say \\\"\"hi\\\"\"\"\"}\",\r\n");
	free(csv);
	json_decref(r);
}

/* ---- the list model ---- */

static void list_from(struct tui_list *l, const char *text)
{
	json_t *j = testjson(text);
	struct tui_table t = { 0 };

	tui_table_fill(&t, cols, j, NOW);
	tui_list_set(l, &t);
	tui_table_release(&t);
	json_decref(j);
}

static const char rows3[] =
	"[{\"id\":\"a\",\"name\":\"web\",\"status\":\"Active\",\"days\":10},"
	"{\"id\":\"b\",\"name\":\"api\",\"status\":\"Expired\",\"days\":9},"
	"{\"id\":\"c\",\"name\":\"api-staging\",\"status\":\"Active\",\"days\":100}]";

static void test_tui_vm__list_search_sort_select(void **state)
{
	struct tui_list l;
	struct cc_strv ids = CC_STRV_INIT;

	(void)state;
	tui_list_init(&l);
	list_from(&l, rows3);
	assert_int_equal(l.nvis, 3);
	/* incremental search, case-insensitive, over every cell */
	assert_int_equal(tui_list_key(&l, '/'), TUI_REDRAW);
	tui_list_key(&l, 'A');
	tui_list_key(&l, 'P');
	assert_int_equal(l.nvis, 2);
	tui_list_key(&l, KEY_BACKSPACE);
	tui_list_key(&l, KEY_BACKSPACE);
	tui_list_key(&l, 'x');
	tui_list_key(&l, 'p');
	assert_int_equal(l.nvis, 1); /* "Expired" */
	tui_list_key(&l, TUI_KEY_ESC);
	assert_int_equal(l.nvis, 3);
	assert_false(l.searching);
	/* sort: the third column numerically (9 < 10 < 100), then reversed */
	tui_list_key(&l, 's');
	tui_list_key(&l, 's');
	tui_list_key(&l, 's');
	assert_int_equal(l.sort_col, 2);
	assert_string_equal(l.t.row[l.vis[0]].id, "b");
	assert_string_equal(l.t.row[l.vis[2]].id, "c");
	tui_list_key(&l, 'S');
	assert_string_equal(l.t.row[l.vis[0]].id, "c");
	/* select two with space (the cursor moves on), then the ids */
	tui_list_key(&l, KEY_HOME);
	tui_list_key(&l, ' ');
	tui_list_key(&l, ' ');
	assert_int_equal(l.nsel, 2);
	tui_list_ids(&l, &ids);
	assert_int_equal(ids.n, 2);
	assert_true(cc_strv_has(&ids, "c") && cc_strv_has(&ids, "a"));
	cc_strv_release(&ids);
	/* a refresh keeps the selection by id, and drops rows that are gone */
	list_from(&l, "[{\"id\":\"c\",\"name\":\"x\"},{\"id\":\"d\",\"name\":\"y\"}]");
	assert_int_equal(l.nsel, 1);
	/* * selects all shown, again none; Esc clears a selection */
	tui_list_key(&l, '*');
	assert_int_equal(l.nsel, 2);
	tui_list_key(&l, '*');
	assert_int_equal(l.nsel, 0);
	tui_list_key(&l, ' ');
	assert_int_equal(tui_list_key(&l, TUI_KEY_ESC), TUI_REDRAW);
	assert_int_equal(l.nsel, 0);
	assert_int_equal(tui_list_key(&l, TUI_KEY_ESC), TUI_PASS);
	/* no selection: the current row */
	tui_list_ids(&l, &ids);
	assert_int_equal(ids.n, 1);
	cc_strv_release(&ids);
	tui_list_release(&l);
}

static void test_tui_vm__list_cursor_bounds(void **state)
{
	struct tui_list l;

	(void)state;
	tui_list_init(&l);
	assert_null(tui_list_current(&l));
	tui_list_key(&l, KEY_DOWN);
	tui_list_key(&l, KEY_END);
	tui_list_key(&l, ' ');
	assert_int_equal(l.nsel, 0);
	list_from(&l, rows3);
	tui_list_key(&l, KEY_NPAGE);
	tui_list_key(&l, KEY_NPAGE);
	assert_int_equal(l.cur, 2);
	tui_list_key(&l, KEY_PPAGE);
	tui_list_key(&l, KEY_UP);
	assert_int_equal(l.cur, 0);
	tui_list_search(&l, "nothing like it");
	assert_null(tui_list_current(&l));
	tui_list_release(&l);
}

/* ---- forms ---- */

static const struct tui_field fields[] = {
	{ "name", "Name", TUI_FT_TEXT, NULL, NULL, true },
	{ "reason", "Reason", TUI_FT_CHOICE, "unspecified|keyCompromise|superseded", NULL, true },
	{ "n", "Number", TUI_FT_INT, NULL, "5", false },
	{ "sans", "SANs", TUI_FT_LIST, NULL, NULL, false },
	{ "config.mode", "Mode", TUI_FT_CHOICE, "|api|file", NULL, false },
	{ "on", "On", TUI_FT_BOOL, NULL, "no", false },
	{ "cfg", "JSON", TUI_FT_JSON, NULL, NULL, false },
	TUI_FIELD_END,
};

static void type(struct tui_form *f, const char *s)
{
	for (; *s; s++)
		tui_form_keypress(f, (unsigned char)*s);
}

static void test_tui_vm__form_fields_and_values(void **state)
{
	struct tui_form f;
	json_t *v;
	char *s;

	(void)state;
	tui_form_init(&f);
	tui_form_fields(&f, fields);
	assert_null(tui_form_values(&f)); /* Name is required */
	assert_string_equal(f.err, "Name is required");
	type(&f, "web");
	tui_form_keypress(&f, KEY_BACKSPACE);
	type(&f, "b");
	tui_form_keypress(&f, '\t');
	tui_form_keypress(&f, KEY_RIGHT); /* keyCompromise */
	tui_form_keypress(&f, 's');	  /* jumps to superseded */
	tui_form_keypress(&f, KEY_DOWN);
	type(&f, "x");
	assert_null(tui_form_values(&f));
	assert_string_equal(f.err, "Number must be a whole number");
	tui_form_keypress(&f, 0x15); /* ^U */
	type(&f, "42");
	tui_form_keypress(&f, '\t');
	type(&f, "a.example, b.example,");
	tui_form_keypress(&f, '\t');
	tui_form_keypress(&f, KEY_LEFT); /* "" wraps to file */
	tui_form_keypress(&f, KEY_UP);
	tui_form_keypress(&f, KEY_DOWN);
	tui_form_keypress(&f, KEY_DOWN);
	tui_form_keypress(&f, KEY_RIGHT); /* no → yes */
	tui_form_keypress(&f, KEY_DOWN);
	type(&f, "{\"a\":");
	assert_null(tui_form_values(&f));
	assert_string_equal(f.err, "JSON is not valid JSON");
	type(&f, "1}");
	v = tui_form_values(&f);
	assert_non_null(v);
	s = json_dumps(v, JSON_SORT_KEYS | JSON_COMPACT);
	assert_string_equal(s, "{\"cfg\":{\"a\":1},\"config\":{\"mode\":\"file\"},\"n\":42,"
			       "\"name\":\"web\",\"on\":true,\"reason\":\"superseded\","
			       "\"sans\":[\"a.example\",\"b.example\"]}");
	free(s);
	json_decref(v);
	assert_int_equal(tui_form_keypress(&f, '\n'), 1);
	assert_int_equal(tui_form_keypress(&f, TUI_KEY_ESC), -1);
	tui_form_release(&f);
}

static void test_tui_vm__form_choices_from_server(void **state)
{
	json_t *owners =
		testjson("{\"data\":[{\"id\":\"o-a\",\"name\":\"Ann\"},{\"name\":\"no id\"},"
			 "{\"id\":\"o-b\"},42]}");
	struct tui_form f;

	(void)state;
	tui_form_init(&f);
	tui_form_add(&f, &(struct tui_field){ "owner_id", "Owner", TUI_FT_TEXT, NULL, NULL, true });
	tui_form_choices(&f, "owner_id", owners, "id", "name", false);
	assert_int_equal(f.f[0].choices.n, 2);
	assert_string_equal(f.f[0].labels.v[0], "o-a (Ann)");
	tui_form_set(&f, "owner_id", "o-b");
	assert_string_equal(tui_form_get(&f, "owner_id"), "o-b");
	tui_form_choices(&f, "nope", owners, "id", "name", true); /* unknown field: nothing */
	tui_form_release(&f);
	json_decref(owners);
}

/* ---- bulk revocation ---- */

static void test_tui_vm__bulk_body(void **state)
{
	json_t *form = testjson(
		       "{\"reason\":\"keyCompromise\",\"owner_id\":\"o-a\",\"team_id\":\"\","
		       "\"agent_id\":5}"),
	       *b;
	struct cc_strv ids = CC_STRV_INIT;
	char *s;

	(void)state;
	cc_strv_push(&ids, "mc-1");
	b = tui_bulk_body(form, &ids, true);
	s = json_dumps(b, JSON_SORT_KEYS | JSON_COMPACT);
	assert_string_equal(s, "{\"certificate_ids\":[\"mc-1\"],\"dry_run\":true,"
			       "\"owner_id\":\"o-a\",\"reason\":\"keyCompromise\"}");
	assert_true(tui_bulk_has_criteria(b));
	free(s);
	json_decref(b);
	json_decref(form);
	form = testjson("{\"reason\":\"unspecified\"}");
	b = tui_bulk_body(form, NULL, false);
	assert_false(tui_bulk_has_criteria(b));
	json_decref(b);
	assert_non_null(strstr(tui_revoke_reasons, "privilegeWithdrawn"));
	cc_strv_release(&ids);
	json_decref(form);
}

static void test_tui_vm__bulk_replies_and_job(void **state)
{
	json_t *dry = testjson("{\"criteria\":{},\"total_matched\":5,\"total_skipped\":1,"
			       "\"would_revoke\":[\"a\",\"b\",\"c\",\"d\"],\"would_skip\":[\"e\"],"
			       "\"not_found\":[\"zz\"]}"),
	       *sync = testjson(
		       "{\"job_id\":\"job-1\",\"status\":\"Completed\",\"total_matched\":4,"
		       "\"total_revoked\":3,\"total_failed\":1,\"total_skipped\":0,"
		       "\"errors\":[{\"certificate_id\":\"d\",\"error\":\"issuer down\"}]}"),
	       *async = testjson(
		       "{\"job_id\":\"job-2\",\"status\":\"Running\",\"affected_count\":10050}"),
	       *run = testjson(
		       "{\"id\":\"job-2\",\"status\":\"Running\",\"progress\":{\"done\":500,"
		       "\"total\":10050}}"),
	       *done = testjson(
		       "{\"status\":\"Completed\",\"progress\":{\"done\":10050,\"total\":10050},"
		       "\"result\":{\"total_revoked\":10050,\"total_matched\":10050}}"),
	       *junk = testjson(
		       "{\"total_matched\":\"many\",\"errors\":\"x\",\"progress\":[1],\"status\":"
		       "7}");
	struct tui_bulk b;

	(void)state;
	memset(&b, 0, sizeof(b));
	tui_bulk_reply(&b, 200, dry);
	assert_int_equal(b.would_revoke, 4);
	assert_int_equal(b.would_skip, 1);
	assert_int_equal(b.not_found, 1);
	assert_int_equal(b.matched, 5);
	memset(&b, 0, sizeof(b));
	tui_bulk_reply(&b, 200, sync);
	assert_true(b.finished);
	assert_int_equal(b.revoked, 3);
	assert_int_equal(b.failed, 1);
	assert_string_equal(b.error, "d: issuer down");
	memset(&b, 0, sizeof(b));
	tui_bulk_reply(&b, 202, async);
	assert_false(b.finished);
	assert_string_equal(b.job_id, "job-2");
	assert_int_equal(b.total, 10050);
	tui_bulk_job(&b, run);
	assert_false(b.finished);
	assert_int_equal(b.done, 500);
	tui_bulk_job(&b, done);
	assert_true(b.finished);
	assert_int_equal(b.revoked, 10050);
	/* nonsense changes nothing and crashes nothing */
	tui_bulk_reply(&b, 200, junk);
	tui_bulk_job(&b, junk);
	tui_bulk_job(&b, NULL);
	tui_bulk_reply(&b, 200, NULL);
	json_decref(dry);
	json_decref(sync);
	json_decref(async);
	json_decref(run);
	json_decref(done);
	json_decref(junk);
}

/* ---- dashboard, replies, text ---- */

static void test_tui_vm__dashboard_tiles(void **state)
{
	json_t *s = testjson(
		"{\"total_certificates\":32,\"expired_certificates\":3,\"offline_agents\":0,"
		"\"pending_jobs\":\"nine\"}");
	struct tui_stat st[12];
	int n = tui_summary_stats(s, st, 12);

	(void)state;
	assert_int_equal(n, 10);
	assert_int_equal(st[0].value, 32);
	assert_int_equal(st[2].value, 3);
	assert_int_equal(st[2].style, TUI_S_BAD);
	assert_int_equal(st[6].style, TUI_S_NORMAL); /* 0 offline */
	assert_int_equal(st[7].value, -1);	     /* not a number */
	assert_int_equal(st[7].style, TUI_S_DIM);
	assert_int_equal(tui_summary_stats(NULL, st, 3), 3);
	json_decref(s);
}

static void test_tui_vm__onboarding_due(void **state)
{
	json_t *builtin = testjson(
		       "{\"data\":[{\"id\":\"iss-local\",\"source\":\"database\"}],\"total\":1}"),
	       *user = testjson("{\"data\":[{\"id\":\"iss-local\"},{\"id\":\"iss-acme\"}]}"),
	       *none = testjson("{\"data\":[],\"total\":0}"),
	       *some = testjson("{\"data\":[{}],\"total\":3}");

	(void)state;
	assert_true(tui_onboarding_due(builtin, none));
	assert_false(tui_onboarding_due(user, none));
	assert_false(tui_onboarding_due(builtin, some));
	assert_false(tui_onboarding_due(NULL, none));
	assert_false(tui_onboarding_due(builtin, NULL));
	json_decref(builtin);
	json_decref(user);
	json_decref(none);
	json_decref(some);
}

static void test_tui_vm__replies(void **state)
{
	struct tui_res r;
	const char err[] = "{\"error\":\"Not Found\",\"message\":\"no route for GET /x\"}";

	(void)state;
	memset(&r, 0, sizeof(r));
	tui_res_from_reply(&r, 404, err, strlen(err));
	assert_int_equal(r.err.code, CC_E_NOT_FOUND);
	assert_string_equal(r.err.msg, "no route for GET /x (HTTP 404)");
	json_decref(r.json);
	free(r.text);
	memset(&r, 0, sizeof(r));
	tui_res_from_reply(&r, 500, "<html>oops", 10);
	assert_null(r.json);
	assert_string_equal(r.text, "<html>oops");
	assert_string_equal(r.err.msg, "request failed (HTTP 500)");
	free(r.text);
	memset(&r, 0, sizeof(r));
	tui_res_from_reply(&r, 200, "[1]", 3);
	assert_int_equal(r.err.code, CC_E_OK);
	assert_true(json_is_array(r.json));
	json_decref(r.json);
	free(r.text);
}

static void test_tui_vm__text_fits_columns(void **state)
{
	wchar_t w[64];

	(void)state;
	assert_int_equal(tui_text_fit("hello", 10, false, w, 64), 5);
	assert_true(wcscmp(w, L"hello") == 0);
	assert_int_equal(tui_text_fit("hello world", 5, false, w, 64), 5);
	assert_true(wcscmp(w, L"hell…") == 0);
	assert_int_equal(tui_text_fit("ab", 4, true, w, 64), 4);
	assert_true(wcscmp(w, L"ab  ") == 0);
	/* wide characters take two columns; one that does not fit is cut */
	assert_int_equal(tui_text_width("日本語"), 6);
	tui_text_fit("日本語", 5, false, w, 64);
	assert_true(wcscmp(w, L"日本…") == 0);
	/* escape sequences from the server never reach the terminal */
	tui_text_fit("a\033[2Jb\n\x7f", 20, false, w, 64);
	assert_true(wcscmp(w, L"a?[2Jb??") == 0);
	/* invalid UTF-8 */
	tui_text_fit("\xff\xfe ok", 20, false, w, 64);
	assert_true(wcscmp(w, L"?? ok") == 0);
	assert_int_equal(tui_text_fit(NULL, 3, true, w, 64), 3);
	assert_int_equal(tui_text_fit("abc", 0, false, w, 64), 0);
	assert_int_equal(tui_text_fit("abcdef", 10, false, w, 3), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tui_vm__fields_of_any_type),
		cmocka_unit_test(test_tui_vm__time_cells),
		cmocka_unit_test(test_tui_vm__table_from_replies),
		cmocka_unit_test(test_tui_vm__column_widths_fit),
		cmocka_unit_test(test_tui_vm__csv_quotes),
		cmocka_unit_test(test_tui_vm__list_search_sort_select),
		cmocka_unit_test(test_tui_vm__list_cursor_bounds),
		cmocka_unit_test(test_tui_vm__form_fields_and_values),
		cmocka_unit_test(test_tui_vm__form_choices_from_server),
		cmocka_unit_test(test_tui_vm__bulk_body),
		cmocka_unit_test(test_tui_vm__bulk_replies_and_job),
		cmocka_unit_test(test_tui_vm__dashboard_tiles),
		cmocka_unit_test(test_tui_vm__onboarding_due),
		cmocka_unit_test(test_tui_vm__replies),
		cmocka_unit_test(test_tui_vm__text_fits_columns),
	};

	setlocale(LC_ALL, "C.UTF-8");
	return cmocka_run_group_tests_name("tui-vm", tests, NULL, NULL);
}
