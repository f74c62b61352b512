/* ca-share.h: one self-signed Local CA for every replica — its certificate and key live in
 * the database (local_ca_material) as well as under each replica's data dir */
#ifndef CC_CA_SHARE_H
#define CC_CA_SHARE_H

#include <stdbool.h>
#include <jansson.h>

struct api_app;
struct cc_dbc;
struct cc_err;
struct cc_issuer;

/* true for an issuer whose CA this process creates itself (GenericCA without sub-CA files
 * in its config or in CERTCTL_CA_CERT_PATH) */
bool api_ca_shared(struct api_app *app, const struct cc_issuer *row, const json_t *config);
/* before opening: the stored CA, when there is one, becomes the files under the data dir.
 * *stored says whether there was one */
int api_ca_pull(struct api_app *app, struct cc_dbc *c, const char *issuer_id, bool *stored,
		struct cc_err *err);
/* after opening a CA that was not stored: stores the files this process created. Returns
 * 1 when another replica stored its CA first (the caller pulls and reopens), 0 when ours
 * is the one */
int api_ca_push(struct api_app *app, struct cc_dbc *c, const char *issuer_id, struct cc_err *err);

#endif
