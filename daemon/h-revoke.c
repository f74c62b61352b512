/* h-revoke.c: POST /api/v1/certificates/{id}/revoke — one certificate, with an RFC 5280
 * reason; CRL and OCSP answer for it as soon as this returns */
#include <stdio.h>
#include <string.h>
#include "daemon/revoke.h"
#include "daemon/resource.h"
#include "daemon/routes.h"
#include "libcc/db.h"
#include "libcc/revocation.h"
#include "libcc/time.h"
#include "libcc/banned.h"

static const char sql_row[] =
	"SELECT " API_REVOKE_COLUMNS " FROM managed_certificates m WHERE m.id = $1";

/* {"reason": name} or no body ("unspecified"); 400 answered otherwise */
static bool reason_of(struct api_req *rq, struct api_resp *rs, char *out, size_t outlen)
{
	json_t *body = api_body_json(rq, rs, true), *v;
	const char *k, *reason = "unspecified";
	bool ok = false;

	if (!body)
		return false;
	json_object_foreach (body, k, v) {
		if (strcmp(k, "reason")) {
			api_reply_error(rs, rq, 400, "unknown field '%s' (only reason)", k);
			goto out;
		}
	}
	v = json_object_get(body, "reason");
	if (v && !json_is_null(v) && !json_is_string(v)) {
		api_reply_error(rs, rq, 400, "reason: must be a string");
		goto out;
	}
	if (json_string_value(v) && *json_string_value(v))
		reason = json_string_value(v);
	if (cc_revocation_reason_code(reason) < 0) {
		api_reply_error(rs, rq, 400, "invalid revocation reason: %.64s (one of %s)", reason,
				CC_REVOCATION_REASONS);
		goto out;
	}
	snprintf(out, outlen, "%s", reason);
	ok = true;
out:
	json_decref(body);
	return ok;
}

void h_certificates_revoke(struct api_req *rq, struct api_resp *rs)
{
	struct cc_dbres res = CC_DBRES_INIT;
	struct cc_err err = CC_ERR_INIT;
	struct api_revoke_row row = { .cert_id = rq->params[0] };
	struct api_revoke_opts o = {
		.actor = rq->actor,
		.actor_type = rq->actor_type == API_ACTOR_AGENT ? "Agent" : "User",
		.now = cc_time_now(),
		.notify = true,
	};
	char reason[32], when[CC_TIME_BUFSZ];
	struct cc_dbc *c;
	bool told;

	if (!reason_of(rq, rs, reason, sizeof(reason)) || !(c = api_db(rq, rs)))
		return;
	o.reason = reason;
	if (cc_db_begin(c, &err) < 0)
		goto fail;
	if (cc_db_exec(c, sql_row, CC_DB_ARGS(CC_DB_TEXT(rq->params[0])), &res, &err) < 0)
		goto fail_tx;
	if (res.nrows)
		api_revoke_row_at(&res, 0, 0, rq->params[0], &row);
	if (api_revoke_check(&row, &err) != API_REVOKE_OK ||
	    api_revoke_apply(c, &row, &o, &err) < 0 || cc_db_commit(c, &err) < 0)
		goto fail_tx;
	api_revoke_tell_issuer(rq->app, c, row.issuer_id, &row.serial, 1, reason, &told, NULL);
	cc_time_format(o.now, when);
	api_reply_json(rs, 200,
		       json_pack("{s:s, s:s, s:s, s:s, s:s, s:b}", "status", "revoked",
				 "certificate_id", row.cert_id, "serial_number", row.serial,
				 "reason", reason, "revoked_at", when, "issuer_notified", told));
	cc_dbres_release(&res);
	return;
fail_tx:
	cc_db_rollback(c);
fail:
	api_reply_err(rs, rq, &err);
	cc_dbres_release(&res);
}
