/* connector-config.h: the configs of issuers and targets, sealed at rest and shown
 * redacted */
#ifndef CC_CONNECTOR_CONFIG_H
#define CC_CONNECTOR_CONFIG_H

#include <stdbool.h>
#include "daemon/api.h"

struct cc_entity;
struct cc_strv;

/* the passphrase configs are sealed with ("" or NULL: stored as plain JSON) */
const char *api_config_passphrase(const struct api_req *rq);
/* the prepare step of a resource with "enabled", "config" and "encrypted_config" columns:
 * on create enabled defaults to true and config to {}; a new config (on update, one in
 * the body) is sealed into encrypted_config and config becomes its redacted copy.
 * "********" values are taken from the stored config (see cc_secretbox_store_config) */
int api_connector_config(struct api_req *rq, const struct cc_entity *e, void *obj,
			 const struct cc_strv *present, bool create, struct cc_err *err);

#endif
