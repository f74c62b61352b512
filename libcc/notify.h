/* notify.h: creating notification events (pending rows that the notification loop hands
 * to the notifier of their channel) */
#ifndef CC_NOTIFY_H
#define CC_NOTIFY_H

#include <stdbool.h>
#include <stdint.h>

struct cc_dbc;
struct cc_err;

/* notification types (resources.md §2.14) */
#define CC_NOTIFY_EXPIRATION_WARNING "ExpirationWarning"
#define CC_NOTIFY_RENEWAL_SUCCESS "RenewalSuccess"
#define CC_NOTIFY_RENEWAL_FAILURE "RenewalFailure"
#define CC_NOTIFY_DEPLOYMENT_SUCCESS "DeploymentSuccess"
#define CC_NOTIFY_DEPLOYMENT_FAILURE "DeploymentFailure"
#define CC_NOTIFY_POLICY_VIOLATION "PolicyViolation"
#define CC_NOTIFY_REVOCATION "Revocation"

bool cc_notify_type_valid(const char *type);
/* Email, Webhook, Slack, Teams, PagerDuty, OpsGenie */
bool cc_notify_channel_valid(const char *channel);

/* inserts a pending notification created at now; certificate_id may be NULL, recipient
 * NULL means "". Joins the caller's transaction when there is one. CC_E_INVALID for an
 * unknown type or channel, or an empty message */
int cc_notify_create(struct cc_dbc *c, const char *type, const char *certificate_id,
		     const char *channel, const char *recipient, const char *message, int64_t now,
		     struct cc_err *err);

/* the same, at most once per dedup_key (a unique index): *created is false, and nothing
 * is written, when a notification with that key exists already */
int cc_notify_create_once(struct cc_dbc *c, const char *dedup_key, const char *type,
			  const char *certificate_id, const char *channel, const char *recipient,
			  const char *message, int64_t now, bool *created, struct cc_err *err);

/* *out = who is told about a certificate: its owner's e-mail, else the owner id (v2.1);
 * caller frees. CC_E_NOT_FOUND for an unknown certificate */
int cc_notify_recipient(struct cc_dbc *c, const char *certificate_id, char **out,
			struct cc_err *err);

#endif
