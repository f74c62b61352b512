/* notification.h: notification events (e-mail, webhook, ...) and their delivery state */
#ifndef CC_NOTIFICATION_H
#define CC_NOTIFICATION_H

#include <stdbool.h>
#include <stdint.h>
#include "libcc/db.h"
#include "libcc/entity.h"

struct cc_err;

struct cc_notification {
	char *id;
	char *type; /* ExpirationWarning, RenewalSuccess, RenewalFailure, ... */
	char *certificate_id;
	char *channel; /* Email, Webhook, Slack, Teams, PagerDuty, OpsGenie */
	char *recipient;
	char *message;
	int64_t sent_at;
	char *status; /* pending -> sent | failed; read */
	char *error;
	int64_t created_at;
};

extern const struct cc_entity cc_notification_entity;

/* *out = whether a notification of type for cert_id exists whose message contains marker
 * (a plain substring, e.g. "[threshold:7]") */
int cc_notification_exists_marker(struct cc_dbc *c, const char *cert_id, const char *type,
				  const char *marker, bool *out, struct cc_err *err);
/* records a delivery outcome: status, sent_at (0 = unset) and error (NULL clears it);
 * CC_E_NOT_FOUND for an unknown id */
int cc_notification_mark(struct cc_dbc *c, const char *id, const char *status, int64_t sent_at,
			 const char *error_or_NULL, struct cc_err *err);

#endif
