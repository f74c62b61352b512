/* h-notifications.c: /api/v1/notifications — notification events and marking them read */
#include "daemon/resource.h"
#include "daemon/routes.h"
#include "libcc/db.h"
#include "libcc/notification.h"
#include "libcc/banned.h"

#define E (&cc_notification_entity)

static const struct api_resource notifications = {
	.e = E,
	.label = "Notification",
};

API_RESOURCE_READERS(notifications, &notifications);

/* status becomes "read"; the delivery time and error stay as they were */
void h_notifications_read(struct api_req *rq, struct api_resp *rs)
{
	struct cc_err err = CC_ERR_INIT;
	struct cc_notification *n = cc_obj_new(E);
	struct cc_dbc *c;

	if (!(c = api_db(rq, rs)))
		goto out;
	if (cc_db_begin(c, &err) < 0 || cc_repo_get(c, E, rq->params[0], n, &err) < 0 ||
	    cc_notification_mark(c, n->id, "read", n->sent_at, n->error, &err) < 0 ||
	    cc_db_commit(c, &err) < 0) {
		cc_db_rollback(c);
		if (err.code == CC_E_NOT_FOUND)
			api_reply_error(rs, rq, 404, "Notification not found: %s", rq->params[0]);
		else
			api_reply_err(rs, rq, &err);
		goto out;
	}
	api_reply_status(rs, 200, "status", "marked_as_read");
out:
	cc_obj_free(E, n);
}
