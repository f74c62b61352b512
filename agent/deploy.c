/* deploy.c: the deployment job — Running, fetch the issued certificate, find its key, deploy
 * with the target connector, verify the served certificate, Completed or Failed */
#include <stdlib.h>
#include <string.h>
#include "agent/agent.h"
#include "connectors/target/target.h"
#include "libcc/err.h"
#include "libcc/banned.h"

struct deploy {
	const char *job, *cert, *target_id, *target_type;
	const json_t *config;
	char *leaf, *chain, *key;
};

static const char *str(const json_t *o, const char *k)
{
	const char *v = json_string_value(json_object_get(o, k));
	return v ? v : "";
}

static void wipe_free(char *s)
{
	if (s)
		memset(s, 0, strlen(s));
	free(s);
}

/* GET /agents/{id}/certificates/{cert}: the chain, and the key when the server made it */
static int fetch(struct agent *a, struct deploy *d, struct cc_err *err)
{
	char *esc = cc_url_escape(d->cert), *path = agent_path(a, "/certificates/%s", esc);
	json_t *reply = NULL;
	const char *pem, *key;
	int rc = -1;

	if (agent_http(a, "GET", path, NULL, &reply, err) < 0)
		goto out;
	pem = str(reply, "certificate_pem");
	key = str(reply, "private_key_pem");
	if (!*pem) {
		cc_err_set(err, CC_E_NOT_FOUND, "the server returned no certificate");
		goto out;
	}
	if (agent_pem_split(pem, &d->leaf, &d->chain, err) < 0)
		goto out;
	if (*key)
		d->key = cc_xstrdup(key); /* server-side key generation */
	rc = 0;
out:
	json_decref(reply);
	free(path);
	free(esc);
	return rc;
}

/* the steps up to the connector; the reason of a failure in *why */
static int prepare(struct agent *a, struct deploy *d, char **why)
{
	struct cc_err err = CC_ERR_INIT;

	if (fetch(a, d, &err) < 0) {
		*why = cc_xasprintf("cert fetch failed: %s", err.msg);
		return -1;
	}
	if (d->key ? agent_key_matches(d->leaf, d->key, &err) < 0
		   : !(d->key = agent_key_for(a->o->key_dir, d->cert, d->leaf, &err))) {
		*why = cc_xasprintf("key %s failed: %s",
				    err.code == CC_E_INVALID ? "check" : "read", err.msg);
		return -1;
	}
	return 0;
}

static int run_connector(struct agent *a, struct deploy *d, char **why)
{
	struct cc_err err = CC_ERR_INIT;
	struct cc_deploy_res res = { 0 };
	const struct cc_deploy_req req = {
		.cert_pem = d->leaf,
		.chain_pem = d->chain,
		.key_pem = d->key,
		.config = d->config,
		.certificate_id = d->cert,
		.job_id = d->job,
	};

	if (cc_target_deploy(d->target_type, &req, &res, &err) < 0) {
		*why = cc_xasprintf("deployment failed: %s", err.msg);
		return -1;
	}
	cc_log_kv(a->log, CC_LOG_INFO, "deployed", "job", d->job, "cert", d->cert, "target",
		  d->target_id, "type", d->target_type, "address",
		  *res.target_address ? res.target_address : NULL, "message",
		  *res.message ? res.message : NULL, (const char *)NULL);
	return 0;
}

void agent_job_deploy(struct agent *a, const json_t *item)
{
	struct deploy d = {
		.job = str(item, "id"),
		.cert = str(item, "certificate_id"),
		.target_id = str(item, "target_id"),
		.target_type = str(item, "target_type"),
		.config = json_object_get(item, "target_config"),
	};
	char *why = NULL;

	cc_log_kv(a->log, CC_LOG_INFO, "deployment job", "job", d.job, "cert", d.cert, "target",
		  *d.target_id ? d.target_id : NULL, "type", *d.target_type ? d.target_type : NULL,
		  (const char *)NULL);
	/* not taken (server away, job cancelled meanwhile): it stays Pending, nothing done */
	if (agent_report(a, d.job, "Running", NULL) < 0)
		return;
	if (prepare(a, &d, &why) < 0)
		goto out;
	if (!*d.target_type) {
		cc_log_kv(a->log, CC_LOG_WARN, "the job has no target: nothing deployed", "job",
			  d.job, (const char *)NULL);
	} else {
		if (run_connector(a, &d, &why) < 0)
			goto out;
		if (a->o->verify && *d.target_id)
			agent_verify_deployment(a, d.job, d.target_id, d.config, d.leaf);
	}
out:
	if (why)
		a->failed++;
	agent_report(a, d.job, why ? "Failed" : "Completed", why);
	free(why);
	free(d.leaf);
	free(d.chain);
	wipe_free(d.key);
}
