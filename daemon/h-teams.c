/* h-teams.c: /api/v1/teams */
#include <string.h>
#include "daemon/resource.h"
#include "daemon/routes.h"
#include "libcc/team.h"
#include "libcc/banned.h"

static int validate(struct cc_dbc *c, void *obj, bool create, struct cc_err *err)
{
	const struct cc_team *t = obj;

	(void)c;
	(void)create;
	if (!t->name || !*t->name)
		return cc_err_set(err, CC_E_INVALID, "name is required");
	if (strlen(t->name) > 255)
		return cc_err_set(err, CC_E_INVALID, "name must be 255 characters or fewer");
	return 0;
}

static const struct api_resource teams = {
	.e = &cc_team_entity,
	.label = "Team",
	.flags = RES_CLIENT_ID,
	.validate = validate,
};

void h_teams_list(struct api_req *rq, struct api_resp *rs)
{
	api_res_list(rq, rs, &teams);
}

void h_teams_get(struct api_req *rq, struct api_resp *rs)
{
	api_res_get(rq, rs, &teams);
}

void h_teams_create(struct api_req *rq, struct api_resp *rs)
{
	api_res_create(rq, rs, &teams);
}

void h_teams_update(struct api_req *rq, struct api_resp *rs)
{
	api_res_update(rq, rs, &teams);
}

void h_teams_delete(struct api_req *rq, struct api_resp *rs)
{
	api_res_delete(rq, rs, &teams);
}
