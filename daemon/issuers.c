/* issuers.c: open issuer connectors cached by issuer id and row version */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "daemon/issuers.h"
#include "daemon/app.h"
#include "daemon/ca-share.h"
#include "connectors/issuer/issuer.h"
#include "libcc/cfg.h"
#include "libcc/db.h"
#include "libcc/err.h"
#include "libcc/issuer.h"
#include "libcc/repo.h"
#include "libcc/secretbox.h"
#include "libcc/time.h"
#include "libcc/banned.h"

struct open_issuer {
	char *id;
	int64_t updated_at; /* of the row the connector was opened from */
	struct cc_issuer_conn *iss;
	struct open_issuer *next;
};

struct api_issuers {
	pthread_mutex_t mu;
	struct open_issuer *live;
	/* replaced connectors stay open: a request may still be signing with one */
	struct open_issuer *retired;
};

struct api_issuers *api_issuers_new(void)
{
	struct api_issuers *is = cc_xcalloc(1, sizeof(*is));

	pthread_mutex_init(&is->mu, NULL);
	return is;
}

static void free_list(struct open_issuer *o)
{
	while (o) {
		struct open_issuer *next = o->next;
		cc_issuer_close(o->iss);
		free(o->id);
		free(o);
		o = next;
	}
}

void api_issuers_free(struct api_issuers *is)
{
	if (!is)
		return;
	free_list(is->live);
	free_list(is->retired);
	pthread_mutex_destroy(&is->mu);
	free(is);
}

/* the full (unredacted) config of the row: new ref */
static json_t *row_config(struct api_app *app, const struct cc_issuer *row, struct cc_err *err)
{
	const char *pass = cc_cfg_str(app->cfg, CC_CFG_config_encryption_key);
	json_t *cfg = NULL;

	if (row->encrypted_config.n) {
		if (cc_secretbox_open_json(pass, &row->encrypted_config, &cfg, err) < 0)
			return NULL;
		return cfg;
	}
	return row->config ? json_incref(row->config) : json_object();
}

/* opens the connector; a self-signed Local CA is first taken from the database, or put
 * there once created, so that every replica signs with the same CA */
static int open_row(struct api_app *app, struct cc_dbc *c, const struct cc_issuer *row,
		    struct cc_issuer_conn **out, struct cc_err *err)
{
	struct cc_issuer_env env = {
		.issuer_id = row->id,
		.data_dir = app->data_dir,
		.base_url = app->base_url,
		.ca_cert_path = cc_cfg_str(app->cfg, CC_CFG_ca_cert_path),
		.ca_key_path = cc_cfg_str(app->cfg, CC_CFG_ca_key_path),
	};
	json_t *cfg;
	bool shared, stored = false;
	int rc = -1;

	if (!cc_issuer_find(row->type))
		return cc_err_set(err, CC_E_UNPROCESSABLE,
				  "issuer '%s': no connector for type '%s'", row->id, row->type);
	if (!(cfg = row_config(app, row, err)))
		return cc_err_prefix(err, "issuer '%s'", row->id);
	shared = api_ca_shared(app, row, cfg);
	for (int round = 0; round < 2; round++) {
		int pushed;

		if (shared && api_ca_pull(app, c, row->id, &stored, err) < 0)
			break;
		if (cc_issuer_open(row->type, cfg, &env, out, err) < 0)
			break;
		if (!shared || stored || (pushed = api_ca_push(app, c, row->id, err)) == 0) {
			rc = 0;
			break;
		}
		cc_issuer_close(*out); /* another replica stored its CA first: use that one */
		*out = NULL;
		if (pushed < 0)
			break;
	}
	json_decref(cfg);
	if (rc < 0)
		return cc_err_prefix(err, "issuer '%s'", row->id);
	return 0;
}

int api_issuer_get(struct api_app *app, struct cc_dbc *c, const char *issuer_id,
		   struct cc_issuer_conn **out, struct cc_err *err)
{
	struct api_issuers *is = app->issuers;
	struct cc_issuer row = { 0 };
	struct open_issuer *o, **pp;
	int rc = -1;

	if (!issuer_id || !*issuer_id)
		return cc_err_set(err, CC_E_INVALID, "the certificate has no issuer");
	if (cc_repo_get(c, &cc_issuer_entity, issuer_id, &row, err) < 0)
		goto out;
	if (!row.enabled) {
		cc_err_set(err, CC_E_CONFLICT, "issuer '%s' is disabled", issuer_id);
		goto out;
	}
	pthread_mutex_lock(&is->mu);
	for (pp = &is->live; (o = *pp); pp = &o->next)
		if (!strcmp(o->id, issuer_id))
			break;
	if (o && o->updated_at == row.updated_at) {
		*out = o->iss;
		rc = 0;
	} else {
		struct cc_issuer_conn *iss = NULL;

		if (open_row(app, c, &row, &iss, err) == 0) {
			if (o) { /* the row changed: retire the old connector */
				*pp = o->next;
				o->next = is->retired;
				is->retired = o;
			}
			o = cc_xcalloc(1, sizeof(*o));
			o->id = cc_xstrdup(issuer_id);
			o->updated_at = row.updated_at;
			o->iss = iss;
			o->next = is->live;
			is->live = o;
			*out = iss;
			rc = 0;
		}
	}
	pthread_mutex_unlock(&is->mu);
out:
	cc_obj_release(&cc_issuer_entity, &row);
	return rc;
}
