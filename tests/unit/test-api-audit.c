/* test-api-audit.c: the audit trail (filters, totals, get by id with the v2.1 resource-id
 * fallback) and notifications (filters, get by id, mark read) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tests/unit/testapi.h"
#include "daemon/audit-writer.h"
#include "libcc/mem.h"

#define AUDIT "/api/v1/audit"
#define NOTIF "/api/v1/notifications"

static long long total(struct testapi *t)
{
	return json_integer_value(json_object_get(t->json, "total"));
}

static const char *data_str(struct testapi *t, size_t i, const char *key)
{
	json_t *o = json_array_get(json_object_get(t->json, "data"), i);
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

/* audit rows are never deleted, so each test uses its own ids under a fresh tag */
static void audit_fixtures(struct testapi *t)
{
	api_audit_flush(t->app.audit);
	/* the append-only triggers refuse reusing an id, even with OR IGNORE */
	static bool loaded; /* one database for the whole group */

	if (loaded)
		return;
	loaded = true;
	testapi_sql(t,
		    "INSERT INTO audit_events (id, actor, actor_type, action, resource_type, "
		    "resource_id, details, timestamp) VALUES "
		    "('ev-1', 'alice', 'User', 'create_profile', 'certificate_profile', 'res-p', "
		    "NULL, '2030-01-01T00:00:01.000000Z'),"
		    "('ev-2', 'bob', 'User', 'update_profile', 'certificate_profile', 'res-p', "
		    "'{\"k\":1}', '2030-01-01T00:00:02.000000Z'),"
		    "('ev-3', 'agent-9', 'Agent', 'job_status_reported', 'job', 'res-j', "
		    "'{\"status\":\"Running\"}', '2030-01-01T00:00:03.000000Z'),"
		    "('ev-4', 'system', 'System', 'renewal_job_created', 'certificate', 'res-c', "
		    "'{}', '2030-01-01T00:00:04.000000Z')");
}

static void test_api_audit__list_filters(void **state)
{
	struct testapi *t = TAPI(state);
	long long all;

	audit_fixtures(t);
	assert_status(t, "GET", AUDIT, NULL, 200);
	all = total(t);
	assert_true(all >= 4);
	assert_string_equal(data_str(t, 0, "id"), "ev-4"); /* newest first */
	assert_status(t, "GET", AUDIT "?per_page=1", NULL, 200);
	/* every matching row, not the page (the API's own audit rows may have landed since) */
	assert_true(total(t) >= all);
	assert_int_equal(json_array_size(json_object_get(t->json, "data")), 1);
	assert_status(t, "GET", AUDIT "?after=2030-01-01T00:00:00Z", NULL, 200);
	assert_int_equal(total(t), 4);
	assert_string_equal(data_str(t, 3, "id"), "ev-1");
	assert_string_equal(data_str(t, 3, "timestamp"), "2030-01-01T00:00:01Z");
	assert_status(t, "GET", AUDIT "?after=2030-01-01T00:00:01Z&before=2030-01-01T00:00:04Z",
		      NULL, 200);
	assert_int_equal(total(t), 2);
	assert_status(t, "GET", AUDIT "?after=2030-01-01T02:00:01%2B02:00", NULL, 200);
	assert_int_equal(total(t), 3);
	assert_status(t, "GET", AUDIT "?actor=bob&after=2030-01-01T00:00:00Z", NULL, 200);
	assert_int_equal(total(t), 1);
	assert_string_equal(data_str(t, 0, "action"), "update_profile");
	assert_status(t, "GET", AUDIT "?action=job_status_reported&after=2030-01-01T00:00:00Z",
		      NULL, 200);
	assert_int_equal(total(t), 1);
	assert_status(t, "GET", AUDIT "?resource_type=certificate_profile&resource_id=res-p", NULL,
		      200);
	assert_int_equal(total(t), 2);
	assert_status(t, "GET", AUDIT "?actor_type=Agent&after=2030-01-01T00:00:00Z", NULL, 200);
	assert_string_equal(data_str(t, 0, "id"), "ev-3");
	assert_int_equal(total(t), 1);
	assert_status(t, "GET", AUDIT "?page_size=2&after=2030-01-01T00:00:00Z", NULL, 200);
	assert_true(*testapi_str(t, "next_cursor"));
	assert_status(t, "GET", AUDIT "?after=yesterday", NULL, 400);
	assert_non_null(strstr(testapi_str(t, "message"), "after"));
	assert_status(t, "GET", AUDIT "?before=2030-13-01T00:00:00Z", NULL, 400);
	assert_status(t, "GET", AUDIT "?per_page=x", NULL, 400);
	assert_status(t, "GET", AUDIT "?per_page=1000", NULL, 200);
	assert_int_equal(json_integer_value(json_object_get(t->json, "per_page")), 500);
	assert_int_equal(testapi_call(t, "GET", AUDIT, NULL, ""), 401);
}

static void test_api_audit__get(void **state)
{
	struct testapi *t = TAPI(state);

	audit_fixtures(t);
	assert_status(t, "GET", AUDIT "/ev-2", NULL, 200);
	assert_string_equal(testapi_str(t, "id"), "ev-2");
	assert_string_equal(testapi_str(t, "actor"), "bob");
	assert_string_equal(testapi_str(t, "actor_type"), "User");
	assert_string_equal(testapi_str(t, "resource_type"), "certificate_profile");
	assert_int_equal(
		json_integer_value(json_object_get(json_object_get(t->json, "details"), "k")), 1);
	assert_status(t, "GET", AUDIT "/ev-1", NULL, 200);
	assert_true(json_is_null(json_object_get(t->json, "details")));
	/* v2.1 clients pass a resource id: the newest event about it */
	assert_status(t, "GET", AUDIT "/res-p", NULL, 200);
	assert_string_equal(testapi_str(t, "id"), "ev-2");
	assert_status(t, "GET", AUDIT "/ev-3?fields=id,action", NULL, 200);
	assert_int_equal(json_object_size(t->json), 2);
	assert_status(t, "GET", AUDIT "/ev-3?fields=nope", NULL, 400);
	assert_status(t, "GET", AUDIT "/nothing-here", NULL, 404);
	assert_string_equal(testapi_str(t, "message"), "Audit event not found: nothing-here");
	assert_int_equal(testapi_call(t, "GET", AUDIT "/ev-1", NULL, ""), 401);
	/* the trail is read-only */
	assert_int_equal(testapi_call(t, "DELETE", AUDIT "/ev-1", NULL, NULL), 405);
}

/* ---- notifications ---- */

static void notif_fixtures(struct testapi *t)
{
	testapi_sql(
		t,
		"INSERT INTO notification_events (id, type, channel, recipient, message, "
		"status, sent_at, error, created_at) VALUES "
		"('n1', 'ExpirationWarning', 'Email', 'a@x', 'expiring [threshold:7]', 'sent', "
		"'2030-01-02T00:00:00.000000Z', NULL, '2030-01-01T00:00:01.000000Z'),"
		"('n2', 'RenewalFailure', 'Email', 'b@x', 'failed', 'failed', NULL, 'smtp down', "
		"'2030-01-01T00:00:02.000000Z'),"
		"('n3', 'Revocation', 'Webhook', 'hook', 'revoked', 'pending', NULL, NULL, "
		"'2030-01-01T00:00:03.000000Z')");
}

static void test_api_notifications__list_and_get(void **state)
{
	struct testapi *t = TAPI(state);

	notif_fixtures(t);
	assert_status(t, "GET", NOTIF, NULL, 200);
	assert_int_equal(total(t), 3);
	assert_string_equal(data_str(t, 0, "id"), "n3"); /* newest first */
	assert_string_equal(data_str(t, 2, "id"), "n1");
	assert_status(t, "GET", NOTIF "?per_page=1", NULL, 200);
	assert_int_equal(total(t), 3);
	assert_status(t, "GET", NOTIF "?status=failed", NULL, 200);
	assert_int_equal(total(t), 1);
	assert_string_equal(data_str(t, 0, "error"), "smtp down");
	assert_status(t, "GET", NOTIF "?channel=Email", NULL, 200);
	assert_int_equal(total(t), 2);
	assert_status(t, "GET", NOTIF "?type=Revocation", NULL, 200);
	assert_int_equal(total(t), 1);
	assert_status(t, "GET", NOTIF "?certificate_id=nope", NULL, 200);
	assert_int_equal(total(t), 0);
	assert_status(t, "GET", NOTIF "?per_page=-1", NULL, 400);
	/* any row by id, not only the first one */
	assert_status(t, "GET", NOTIF "/n1", NULL, 200);
	assert_string_equal(testapi_str(t, "type"), "ExpirationWarning");
	assert_string_equal(testapi_str(t, "recipient"), "a@x");
	assert_string_equal(testapi_str(t, "sent_at"), "2030-01-02T00:00:00Z");
	assert_string_equal(testapi_str(t, "created_at"), "2030-01-01T00:00:01Z");
	assert_null(json_object_get(t->json, "certificate_id"));
	assert_status(t, "GET", NOTIF "/n3", NULL, 200);
	assert_null(json_object_get(t->json, "sent_at"));
	assert_status(t, "GET", NOTIF "/nope", NULL, 404);
	assert_string_equal(testapi_str(t, "message"), "Notification not found: nope");
	assert_int_equal(testapi_call(t, "GET", NOTIF, NULL, ""), 401);
	assert_int_equal(testapi_call(t, "GET", NOTIF "/n1", NULL, ""), 401);
}

static void test_api_notifications__read(void **state)
{
	struct testapi *t = TAPI(state);

	notif_fixtures(t);
	assert_status(t, "POST", NOTIF "/n2/read", NULL, 200);
	assert_string_equal(testapi_str(t, "status"), "marked_as_read");
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM notification_events WHERE id = "
					  "'n2' AND status = 'read' AND error = 'smtp down' AND "
					  "sent_at IS NULL"),
			 1);
	assert_status(t, "POST", NOTIF "/n1/read", NULL, 200);
	assert_status(t, "GET", NOTIF "/n1", NULL, 200);
	assert_string_equal(testapi_str(t, "status"), "read");
	assert_string_equal(testapi_str(t, "sent_at"), "2030-01-02T00:00:00Z");
	assert_status(t, "POST", NOTIF "/n1/read", NULL, 200); /* idempotent */
	assert_status(t, "POST", NOTIF "/nope/read", NULL, 404);
	assert_int_equal(testapi_call(t, "POST", NOTIF "/n3/read", NULL, ""), 401);
	assert_int_equal(testapi_count(t, "SELECT COUNT(*) FROM notification_events WHERE "
					  "status = 'read'"),
			 2);
	assert_status(t, "GET", NOTIF "?status=read", NULL, 200);
	assert_int_equal(total(t), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_api_audit__list_filters, testapi_reset),
		cmocka_unit_test_setup(test_api_audit__get, testapi_reset),
		cmocka_unit_test_setup(test_api_notifications__list_and_get, testapi_reset),
		cmocka_unit_test_setup(test_api_notifications__read, testapi_reset),
	};
	return cmocka_run_group_tests_name("api-audit", tests, testapi_setup, testapi_teardown);
}
