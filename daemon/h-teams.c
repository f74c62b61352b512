/* h-teams.c: /api/v1/teams */
#include "daemon/resource.h"
#include "daemon/routes.h"
#include "libcc/team.h"
#include "libcc/banned.h"

static int validate(struct cc_dbc *c CC_UNUSED, void *obj, bool create CC_UNUSED,
		    struct cc_err *err)
{
	const struct cc_team *t = obj;

	return api_check_name(t->name, 255, err);
}

static const struct api_resource teams = {
	.e = &cc_team_entity,
	.label = "Team",
	.flags = RES_CLIENT_ID | RES_UNPAGED,
	.validate = validate,
};

API_RESOURCE_HANDLERS(teams, &teams);
