/* auth.h: API keys — CERTCTL_AUTH_SECRET and the api_keys table, compared by SHA-256 */
#ifndef CC_AUTH_H
#define CC_AUTH_H

#include <stdbool.h>

struct cc_cfg;
struct cc_db;
struct cc_dbc;
struct cc_log;
struct cc_err;
struct api_auth;

struct api_auth *api_auth_new(const struct cc_cfg *cfg, struct cc_db *db, struct cc_log *log);
void api_auth_free(struct api_auth *a);
const char *api_auth_type(const struct api_auth *a);
/* first run with api-key auth and no key anywhere: creates an admin key, stores its hash,
 * writes it with the server url to the 0600 credentials file and returns it (caller prints it once, frees it).
 * *key is NULL when a key already existed. */
int api_auth_bootstrap(struct api_auth *a, const struct cc_cfg *cfg, const char *url, char **key,
		       char **credentials_path, struct cc_err *err);
/* creates a key in the database and returns it (shown once) */
int api_auth_create_key(struct cc_db *db, const char *name, const char *role, const char *agent_id,
			char **key, char **id, struct cc_err *err);

/* as api_auth_create_key, on the caller's connection (inside its transaction) */
int api_auth_create_key_on(struct cc_dbc *c, const char *name, const char *role,
			   const char *agent_id, char **key, char **id, struct cc_err *err);

#endif
