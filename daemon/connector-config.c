/* connector-config.c: the configs of issuers and targets, sealed at rest and shown
 * redacted */
#include "daemon/connector-config.h"
#include "daemon/app.h"
#include "libcc/cfg.h"
#include "libcc/entity.h"
#include "libcc/secretbox.h"
#include "libcc/strv.h"
#include "libcc/banned.h"

const char *api_config_passphrase(const struct api_req *rq)
{
	return cc_cfg_str(rq->app->cfg, CC_CFG_config_encryption_key);
}

/* the member of obj stored in column */
static void *member(const struct cc_entity *e, void *obj, const char *column, enum cc_ft type)
{
	const struct cc_field *f = cc_entity_field(e, column);

	if (!f || f->type != type)
		CC_BUG("%s: no column %s of the expected type", e->name, column);
	return (char *)obj + f->off;
}

int api_connector_config(struct api_req *rq, const struct cc_entity *e, void *obj,
			 const struct cc_strv *present, bool create, struct cc_err *err)
{
	bool *enabled = member(e, obj, "enabled", CC_FT_BOOL);
	json_t **config = member(e, obj, "config", CC_FT_JSON);
	struct cc_bytes *sealed = member(e, obj, "encrypted_config", CC_FT_BLOB);

	if (!create && !cc_strv_has(present, "config"))
		return 0;
	if (create && !cc_strv_has(present, "enabled"))
		*enabled = true;
	if (create && !*config)
		*config = json_object();
	return cc_secretbox_store_config(api_config_passphrase(rq), config, create ? NULL : sealed,
					 sealed, err);
}
