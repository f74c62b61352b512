/* h-audit.c: /api/v1/audit — the audit trail, filtered and paged */
#include "daemon/resource.h"
#include "daemon/routes.h"
#include "libcc/audit.h"
#include "libcc/db.h"
#include "libcc/banned.h"

#define E (&cc_audit_event_entity)

static const struct api_resource audit = {
	.e = E,
	.label = "Audit event",
};

/* filters actor, action, resource_type, resource_id, actor_type, after, before (RFC 3339);
 * total counts every matching row */
void h_audit_list(struct api_req *rq, struct api_resp *rs)
{
	api_res_list(rq, rs, &audit);
}

/* the event with that id; failing that, the newest event about that resource (what
 * certctl v2.1 answered, so its clients keep working) */
void h_audit_get(struct api_req *rq, struct api_resp *rs)
{
	static const char tail[] =
		"WHERE resource_id = $1 ORDER BY timestamp DESC, id DESC LIMIT 1";
	struct cc_err err = CC_ERR_INIT;
	const char *fields = api_query(rq, "fields");
	struct cc_audit_event *ev = cc_obj_new(E);
	struct cc_dbc *c;
	int rc;

	if (fields && api_check_fields(E, fields, &err) < 0) {
		api_reply_err(rs, rq, &err);
		goto out;
	}
	if (!(c = api_db(rq, rs)))
		goto out;
	rc = cc_repo_get(c, E, rq->params[0], ev, &err);
	if (rc < 0 && err.code == CC_E_NOT_FOUND)
		rc = cc_repo_select_one(c, E, tail, CC_DB_ARGS(CC_DB_TEXT(rq->params[0])), ev,
					&err);
	if (rc == 0)
		api_reply_json(rs, 200, api_fields(cc_obj_to_json(E, ev), fields));
	else if (err.code == CC_E_NOT_FOUND)
		api_reply_error(rs, rq, 404, "Audit event not found: %s", rq->params[0]);
	else
		api_reply_err(rs, rq, &err);
out:
	cc_obj_free(E, ev);
}
