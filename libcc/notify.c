/* notify.c: creating notification events and choosing their recipient */
#include <stdlib.h>
#include <string.h>
#include "libcc/notify.h"
#include "libcc/db.h"
#include "libcc/err.h"
#include "libcc/id.h"
#include "libcc/mem.h"
#include "libcc/banned.h"

static const char *const types[] = {
	CC_NOTIFY_EXPIRATION_WARNING, CC_NOTIFY_RENEWAL_SUCCESS,    CC_NOTIFY_RENEWAL_FAILURE,
	CC_NOTIFY_DEPLOYMENT_SUCCESS, CC_NOTIFY_DEPLOYMENT_FAILURE, CC_NOTIFY_POLICY_VIOLATION,
	CC_NOTIFY_REVOCATION,
};

static const char *const channels[] = {
	"Email", "Webhook", "Slack", "Teams", "PagerDuty", "OpsGenie",
};

/* a NULL dedup_key never conflicts; the conflict target names the partial index */
static const char sql_insert[] =
	"INSERT INTO notification_events (id, type, certificate_id, channel, recipient, "
	"message, status, created_at, dedup_key) "
	"VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7, $8) "
	"ON CONFLICT (dedup_key) WHERE dedup_key IS NOT NULL DO NOTHING";

/* owner e-mail when non-empty, else the owner id */
static const char sql_recipient[] =
	"SELECT COALESCE(NULLIF(o.email, ''), c.owner_id) FROM managed_certificates c "
	"LEFT JOIN owners o ON o.id = c.owner_id WHERE c.id = $1";

static bool in(const char *s, const char *const *v, size_t n)
{
	for (size_t i = 0; s && i < n; i++)
		if (!strcmp(s, v[i]))
			return true;
	return false;
}

bool cc_notify_type_valid(const char *type)
{
	return in(type, types, CC_ARRAY_SIZE(types));
}

bool cc_notify_channel_valid(const char *channel)
{
	return in(channel, channels, CC_ARRAY_SIZE(channels));
}

int cc_notify_create_once(struct cc_dbc *c, const char *dedup_key, const char *type,
			  const char *certificate_id, const char *channel, const char *recipient,
			  const char *message, int64_t now, bool *created, struct cc_err *err)
{
	struct cc_dbres r = CC_DBRES_INIT;
	char *id = NULL;
	int rc = -1;

	*created = false;
	if (!cc_notify_type_valid(type))
		return cc_err_set(err, CC_E_INVALID, "unknown notification type '%s'",
				  type ? type : "");
	if (!cc_notify_channel_valid(channel))
		return cc_err_set(err, CC_E_INVALID, "unknown notification channel '%s'",
				  channel ? channel : "");
	if (!message || !*message)
		return cc_err_set(err, CC_E_INVALID, "notification message is empty");
	id = cc_id_new("notif");
	if (cc_db_exec(c, sql_insert,
		       CC_DB_ARGS(CC_DB_TEXT(id), CC_DB_TEXT(type), CC_DB_TEXT(certificate_id),
				  CC_DB_TEXT(channel), CC_DB_TEXT(recipient ? recipient : ""),
				  CC_DB_TEXT(message), CC_DB_TIME(now), CC_DB_TEXT(dedup_key)),
		       &r, err) < 0)
		goto out;
	*created = r.changes > 0;
	rc = 0;
out:
	cc_dbres_release(&r);
	free(id);
	return rc;
}

int cc_notify_create(struct cc_dbc *c, const char *type, const char *certificate_id,
		     const char *channel, const char *recipient, const char *message, int64_t now,
		     struct cc_err *err)
{
	bool created;

	return cc_notify_create_once(c, NULL, type, certificate_id, channel, recipient, message,
				     now, &created, err);
}

int cc_notify_recipient(struct cc_dbc *c, const char *certificate_id, char **out,
			struct cc_err *err)
{
	struct cc_dbres r = CC_DBRES_INIT;
	int rc = -1;

	*out = NULL;
	if (cc_db_exec(c, sql_recipient, CC_DB_ARGS(CC_DB_TEXT(certificate_id)), &r, err) < 0)
		goto out;
	if (!r.nrows) {
		cc_err_set(err, CC_E_NOT_FOUND, "certificate '%s' not found", certificate_id);
		goto out;
	}
	*out = cc_xstrdup(cc_dbres_str(&r, 0, 0) ? cc_dbres_str(&r, 0, 0) : "");
	rc = 0;
out:
	cc_dbres_release(&r);
	return rc;
}
