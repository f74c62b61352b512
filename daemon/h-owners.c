/* h-owners.c: /api/v1/owners */
#include <string.h>
#include "daemon/resource.h"
#include "daemon/routes.h"
#include "libcc/db.h"
#include "libcc/mem.h"
#include "libcc/owner.h"
#include "libcc/team.h"
#include "libcc/validate-name.h"
#include "libcc/banned.h"

static const char sql_owner_certs[] =
	"SELECT COUNT(*) FROM managed_certificates WHERE owner_id = $1";

static int validate(struct cc_dbc *c, void *obj, bool create CC_UNUSED, struct cc_err *err)
{
	struct cc_owner *o = obj;
	struct cc_err why = CC_ERR_INIT;
	bool found;

	if (api_check_name(o->name, 255, err) < 0)
		return -1;
	/* optional, as in v2.1 (stored as ""): an owner without one is notified under its id */
	if (!o->email)
		o->email = cc_xstrdup("");
	if (*o->email && !cc_validate_email(o->email, &why))
		return cc_err_set(err, CC_E_INVALID, "invalid email format: '%.200s' (%s)",
				  o->email, why.msg);
	if (!o->team_id || !*o->team_id)
		return cc_err_set(err, CC_E_INVALID, "team_id is required");
	if (cc_repo_exists(c, &cc_team_entity, o->team_id, &found, err) < 0)
		return -1;
	if (!found)
		return cc_err_set(err, CC_E_INVALID, "team_id '%.200s' does not exist", o->team_id);
	return 0;
}

static int before_delete(struct cc_dbc *c, const char *id, struct cc_err *err)
{
	struct cc_dbres r = CC_DBRES_INIT;
	int64_t n;

	if (cc_db_exec(c, sql_owner_certs, CC_DB_ARGS(CC_DB_TEXT(id)), &r, err) < 0) {
		cc_dbres_release(&r);
		return -1;
	}
	n = r.nrows ? cc_dbres_int(&r, 0, 0) : 0;
	cc_dbres_release(&r);
	if (n > 0)
		return cc_err_set(err, CC_E_CONFLICT,
				  "Cannot delete owner: certificates are still assigned to this "
				  "owner");
	return 0;
}

static const struct api_resource owners = {
	.e = &cc_owner_entity,
	.label = "Owner",
	.flags = RES_CLIENT_ID | RES_UNPAGED,
	.validate = validate,
	.before_delete = before_delete,
};

API_RESOURCE_HANDLERS(owners, &owners);
