/* test-entity.c: generic JSON mapping of entity descriptors (strict decoding, omit rules) */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "libcc/entity.h"
#include "libcc/err.h"
#include "libcc/mem.h"
#include "libcc/team.h"

/* a synthetic entity exercising every field type and flag */
struct sample {
	char *id;
	char *label;
	char *note;
	int64_t count;
	bool on;
	int64_t when;
	int64_t maybe_when;
	json_t *meta;
	struct cc_strv tags;
	struct cc_intv ports;
	struct cc_bytes secret;
	char *server_only;
};

static const struct cc_field sample_fields[] = {
	CC_FIELD(struct sample, id, "id", TEXT, CC_F_PK),
	CC_FIELD(struct sample, label, "label", TEXT, 0),
	CC_FIELD(struct sample, note, "note", TEXT, CC_F_OMIT),
	CC_FIELD(struct sample, count, "count", INT, 0),
	CC_FIELD(struct sample, on, "on", BOOL, 0),
	CC_FIELD(struct sample, when, "when", TIME, 0),
	CC_FIELD(struct sample, maybe_when, "maybe_when", TIME, CC_F_OMIT),
	CC_FIELD(struct sample, meta, "meta", JSON, 0),
	CC_FIELD(struct sample, tags, "tags", STRV, 0),
	CC_FIELD(struct sample, ports, "ports", INTV, CC_F_OMIT),
	CC_FIELD(struct sample, secret, "secret", BLOB, CC_F_HIDDEN),
	CC_FIELD(struct sample, server_only, "server_only", TEXT, CC_F_RO),
};

static const struct cc_entity sample_entity = {
	.name = "sample",
	.table = "samples",
	.id_prefix = "smp",
	.size = sizeof(struct sample),
	.fields = sample_fields,
	.nfields = sizeof(sample_fields) / sizeof(sample_fields[0]),
	.default_sort = "when",
};

static char *dump(json_t *j)
{
	char *s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);

	json_decref(j);
	return s;
}

static void test_entity__to_json_defaults_and_omits(void **state)
{
	struct sample s = { 0 };
	char *out;

	(void)state;
	out = dump(cc_obj_to_json(&sample_entity, &s));
	assert_string_equal(out,
			    "{\"count\":0,\"id\":\"\",\"label\":\"\",\"meta\":null,\"on\":false,"
			    "\"server_only\":\"\",\"tags\":[],\"when\":\"0001-01-01T00:00:00Z\"}");
	free(out);
}

static void test_entity__from_json_roundtrip(void **state)
{
	const char *in = "{\"id\":\"smp-1\",\"label\":\"a\\\"b\",\"note\":\"n\",\"count\":7,"
			 "\"on\":true,\"when\":\"2026-01-02T03:04:05.5Z\",\"meta\":{\"k\":[1]},"
			 "\"tags\":[\"x\",\"y\"],\"ports\":[443,8443],\"server_only\":\"ignored\"}";
	json_t *j = json_loads(in, 0, NULL);
	struct sample s = { 0 };
	struct cc_strv present = CC_STRV_INIT;
	struct cc_err err = CC_ERR_INIT;
	char *out;

	(void)state;
	assert_int_equal(cc_obj_from_json(&sample_entity, j, &s, &present, &err), 0);
	assert_int_equal(present.n, 9); /* server_only is read-only: ignored, not recorded */
	assert_null(s.server_only);
	assert_int_equal(s.ports.n, 2);
	out = dump(cc_obj_to_json(&sample_entity, &s));
	assert_string_equal(
		out, "{\"count\":7,\"id\":\"smp-1\",\"label\":\"a\\\"b\",\"meta\":{\"k\":[1]},"
		     "\"note\":\"n\",\"on\":true,\"ports\":[443,8443],\"server_only\":\"\","
		     "\"tags\":[\"x\",\"y\"],\"when\":\"2026-01-02T03:04:05.5Z\"}");
	free(out);
	json_decref(j);
	cc_strv_release(&present);
	cc_obj_release(&sample_entity, &s);
}

static void expect_reject(const char *body, const char *needle)
{
	json_t *j = json_loads(body, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
	struct sample s = { 0 };
	struct cc_err err = CC_ERR_INIT;

	assert_non_null(j);
	assert_int_equal(cc_obj_from_json(&sample_entity, j, &s, NULL, &err), -1);
	assert_int_equal(err.code, CC_E_INVALID);
	if (!strstr(err.msg, needle))
		fail_msg("%s: '%s' lacks '%s'", body, err.msg, needle);
	json_decref(j);
	cc_obj_release(&sample_entity, &s);
}

static void test_entity__from_json_is_strict(void **state)
{
	(void)state;
	expect_reject("[1,2]", "JSON object");
	expect_reject("{\"nope\":1}", "unknown field 'nope'");
	expect_reject("{\"secret\":\"x\"}", "unknown field 'secret'");
	expect_reject("{\"label\":5}", "field 'label' must be a string");
	expect_reject("{\"count\":\"5\"}", "field 'count' must be an integer");
	expect_reject("{\"count\":1.5}", "field 'count' must be an integer");
	expect_reject("{\"on\":\"true\"}", "field 'on' must be true or false");
	expect_reject("{\"when\":\"tomorrow\"}", "RFC 3339");
	expect_reject("{\"tags\":[1]}", "array of strings");
	expect_reject("{\"ports\":[\"443\"]}", "array of integers");
	expect_reject("{\"label\":\"a\\u0000b\"}", "without NUL");
}

static void test_entity__copy_and_lookup(void **state)
{
	struct cc_team a = { .id = cc_xstrdup("team-1"), .name = cc_xstrdup("n") }, b;

	(void)state;
	cc_obj_copy(&cc_team_entity, &b, &a);
	assert_ptr_not_equal(a.name, b.name);
	assert_string_equal(b.name, "n");
	assert_string_equal(cc_obj_id(&cc_team_entity, &b), "team-1");
	assert_non_null(cc_entity_field(&cc_team_entity, "created_at"));
	assert_null(cc_entity_field(&cc_team_entity, "expires_at"));
	cc_obj_release(&cc_team_entity, &a);
	cc_obj_release(&cc_team_entity, &b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_entity__to_json_defaults_and_omits),
		cmocka_unit_test(test_entity__from_json_roundtrip),
		cmocka_unit_test(test_entity__from_json_is_strict),
		cmocka_unit_test(test_entity__copy_and_lookup),
	};
	return cmocka_run_group_tests_name("entity", tests, NULL, NULL);
}
