/* issuers.h: the open issuer connectors of the daemon, one per issuers row, reopened when
 * the row changes */
#ifndef CC_DAEMON_ISSUERS_H
#define CC_DAEMON_ISSUERS_H

struct api_app;
struct api_issuers;
struct cc_dbc;
struct cc_err;
struct cc_issuer_conn;

struct api_issuers *api_issuers_new(void);
void api_issuers_free(struct api_issuers *is);
/* the open connector of issuer_id (lent: valid until api_issuers_free). CC_E_NOT_FOUND
 * for an unknown id, CC_E_CONFLICT for a disabled issuer, CC_E_UNPROCESSABLE for a type
 * without a connector, CC_E_CONFIG when the connector refuses its config */
int api_issuer_get(struct api_app *app, struct cc_dbc *c, const char *issuer_id,
		   struct cc_issuer_conn **out, struct cc_err *err);

#endif
