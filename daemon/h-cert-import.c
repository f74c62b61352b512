/* h-cert-import.c: POST /api/v1/certificates/import — existing certificates (PEM, leaf and
 * chain per entry) into the inventory: references checked once, then every entry on its
 * own (cert-import.c), each result reported */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "daemon/api.h"
#include "daemon/app.h"
#include "daemon/cert-import.h"
#include "daemon/resource.h"
#include "daemon/routes.h"
#include "libcc/buf.h"
#include "libcc/db.h"
#include "libcc/issuer.h"
#include "libcc/log.h"
#include "libcc/owner.h"
#include "libcc/renewal-policy.h"
#include "libcc/repo.h"
#include "libcc/team.h"
#include "libcc/banned.h"

#define MAX_ENTRIES 500
#define SOURCE_MAX 1024
#define PREFIX_MAX 100
#define ENVIRONMENT_MAX 50

static const char *const string_keys[] = { "owner_id",		"team_id",     "issuer_id",
					   "renewal_policy_id", "environment", "name_prefix" };

/* a string member (NULL when absent or null); false when it is another type */
static bool opt_string(json_t *body, const char *key, const char **out)
{
	json_t *v = json_object_get(body, key);

	*out = json_is_string(v) ? json_string_value(v) : NULL;
	return !v || json_is_null(v) || json_is_string(v);
}

static bool known_key(const char *k)
{
	if (!strcmp(k, "certificates"))
		return true;
	for (size_t i = 0; i < CC_ARRAY_SIZE(string_keys); i++)
		if (!strcmp(k, string_keys[i]))
			return true;
	return false;
}

/* the shape of the body; 400 answered when it is wrong */
static bool read_body(struct api_req *rq, struct api_resp *rs, json_t *body,
		      struct api_import_opts *o, json_t **entries)
{
	const char **dst[] = { &o->owner_id,	      &o->team_id,     &o->issuer_id,
			       &o->renewal_policy_id, &o->environment, &o->name_prefix };
	const char *k;
	json_t *v;

	json_object_foreach (body, k, v) {
		if (!known_key(k)) {
			api_reply_error(rs, rq, 400, "unknown field '%.100s'", k);
			return false;
		}
	}
	for (size_t i = 0; i < CC_ARRAY_SIZE(string_keys); i++) {
		if (!opt_string(body, string_keys[i], dst[i])) {
			api_reply_error(rs, rq, 400, "%s must be a string", string_keys[i]);
			return false;
		}
	}
	*entries = json_object_get(body, "certificates");
	if (!json_is_array(*entries) || !json_array_size(*entries) ||
	    json_array_size(*entries) > MAX_ENTRIES) {
		api_reply_error(rs, rq, 400,
				"certificates must be an array of 1 to %d entries (send more in "
				"several requests)",
				MAX_ENTRIES);
		return false;
	}
	if (!o->renewal_policy_id || !*o->renewal_policy_id)
		o->renewal_policy_id = "rp-default";
	if (!o->name_prefix)
		o->name_prefix = "";
	if (o->environment && !*o->environment)
		o->environment = NULL;
	if (strlen(o->name_prefix) > PREFIX_MAX) {
		api_reply_error(rs, rq, 400, "name_prefix must be %d characters or fewer",
				PREFIX_MAX);
		return false;
	}
	if (o->environment && strlen(o->environment) > ENVIRONMENT_MAX) {
		api_reply_error(rs, rq, 400, "environment must be %d characters or fewer",
				ENVIRONMENT_MAX);
		return false;
	}
	return true;
}

/* owner, team and issuer are required; every reference must exist. 400 naming them all */
static bool check_refs(struct api_req *rq, struct api_resp *rs, struct cc_dbc *c,
		       const struct api_import_opts *o)
{
	const struct {
		const char *key, *id;
		const struct cc_entity *e;
	} refs[] = {
		{ "owner_id", o->owner_id, &cc_owner_entity },
		{ "team_id", o->team_id, &cc_team_entity },
		{ "issuer_id", o->issuer_id, &cc_issuer_entity },
		{ "renewal_policy_id", o->renewal_policy_id, &cc_renewal_policy_entity },
	};
	struct cc_buf missing = CC_BUF_INIT, unknown = CC_BUF_INIT;
	struct cc_err err = CC_ERR_INIT;
	bool found, ok = false;

	for (size_t i = 0; i < CC_ARRAY_SIZE(refs); i++) {
		if (!refs[i].id || !*refs[i].id) {
			cc_buf_addf(&missing, "%s%s", missing.len ? ", " : "", refs[i].key);
			continue;
		}
		if (cc_repo_exists(c, refs[i].e, refs[i].id, &found, &err) < 0) {
			api_reply_err(rs, rq, &err);
			goto out;
		}
		if (!found)
			cc_buf_addf(&unknown, "%s%s '%.100s'", unknown.len ? ", " : "", refs[i].key,
				    refs[i].id);
	}
	if (missing.len)
		api_reply_error(rs, rq, 400, "required: %s", missing.buf);
	else if (unknown.len)
		api_reply_error(rs, rq, 400, "these do not exist: %s", unknown.buf);
	else
		ok = true;
out:
	cc_buf_release(&missing);
	cc_buf_release(&unknown);
	return ok;
}

/* the renewal policy's alert thresholds decide Expiring */
static bool load_thresholds(struct api_req *rq, struct api_resp *rs, struct cc_dbc *c,
			    struct api_import_opts *o)
{
	struct cc_renewal_policy p = { 0 };
	struct cc_err err = CC_ERR_INIT;
	bool ok = cc_repo_get(c, &cc_renewal_policy_entity, o->renewal_policy_id, &p, &err) == 0;

	if (!ok || cc_thresholds_from_json(&o->th, p.alert_thresholds_days, &err) < 0)
		cc_thresholds_default(&o->th);
	cc_obj_release(&cc_renewal_policy_entity, &p);
	if (!ok)
		api_reply_err(rs, rq, &err);
	return ok;
}

/* the entry's pem and source; -1 with the entry failed */
static int entry_fields(json_t *entry, struct api_import *im, const char **pem, size_t *len)
{
	json_t *p = json_object_get(entry, "pem"), *s = json_object_get(entry, "source");
	const char *k;
	json_t *v;

	im->status = "failed";
	if (!json_is_object(entry)) {
		snprintf(im->reason, sizeof(im->reason), "an entry must be an object");
		return -1;
	}
	json_object_foreach (entry, k, v) {
		if (strcmp(k, "pem") && strcmp(k, "source")) {
			snprintf(im->reason, sizeof(im->reason),
				 "unknown field '%.100s' (pem and source only)", k);
			return -1;
		}
	}
	if (s && !json_is_null(s) && (!json_is_string(s) || json_string_length(s) > SOURCE_MAX)) {
		snprintf(im->reason, sizeof(im->reason),
			 "source must be a string of at most %d bytes", SOURCE_MAX);
		return -1;
	}
	im->source = json_string_value(s);
	if (!json_is_string(p) || !json_string_length(p)) {
		snprintf(im->reason, sizeof(im->reason), "pem is required: the certificate text");
		return -1;
	}
	*pem = json_string_value(p);
	*len = json_string_length(p);
	im->status = NULL;
	return 0;
}

/* what an earlier entry of the request held */
struct seen {
	char fp[65];
	char cert_id[CC_ID_MAX + 1];
};

/* the index of an earlier entry with this fingerprint, or -1 */
static long seen_before(const struct seen *seen, size_t n, const char *fp)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(seen[i].fp, fp))
			return (long)i;
	return -1;
}

static json_t *result_json(size_t index, const struct api_import *im, const char *fp,
			   const char *cn)
{
	json_t *r = json_pack("{s:I, s:s?, s:s}", "index", (json_int_t)index, "source", im->source,
			      "status", im->status);

	if (im->cert_id[0])
		json_object_set_new(r, "certificate_id", json_string(im->cert_id));
	if (fp)
		json_object_set_new(r, "fingerprint_sha256", json_string(fp));
	if (cn)
		json_object_set_new(r, "common_name", json_string(cn));
	if (!strcmp(im->status, "imported")) {
		json_object_set_new(r, "chain_length", json_integer((json_int_t)im->chain_len));
		json_object_set_new(r, "policy_violations", json_integer(im->violations));
	} else {
		json_object_set_new(r, "reason", json_string(im->reason));
	}
	return r;
}

/* one entry, start to end; its result appended to results */
static void import_entry(struct api_req *rq, struct cc_dbc *c, const struct api_import_opts *o,
			 size_t i, json_t *entry, struct seen *seen, json_t *results)
{
	struct api_import im = { 0 };
	const char *pem = NULL, *fp = NULL, *cn = NULL;
	size_t len = 0;
	long dup;

	if (entry_fields(entry, &im, &pem, &len) == 0 && api_import_read(pem, len, &im) == 0) {
		const struct cc_cert_info *ci = &im.b.certs[im.leaf].info;

		fp = api_import_fingerprint(&im);
		cn = *ci->common_name ? ci->common_name : ci->sans.v[0];
		if ((dup = seen_before(seen, i, fp)) >= 0) {
			im.status = "skipped";
			snprintf(im.reason, sizeof(im.reason),
				 "duplicate of entry %ld in this request", dup);
			snprintf(im.cert_id, sizeof(im.cert_id), "%s", seen[dup].cert_id);
		} else {
			api_import_write(rq, c, o, &im);
		}
		snprintf(seen[i].fp, sizeof(seen[i].fp), "%s", fp);
		snprintf(seen[i].cert_id, sizeof(seen[i].cert_id), "%s", im.cert_id);
	}
	json_array_append_new(results, result_json(i, &im, fp, cn));
	api_import_release(&im);
}

void h_certificates_import(struct api_req *rq, struct api_resp *rs)
{
	struct api_import_opts o = { 0 };
	json_t *body = api_body_json(rq, rs, false), *entries, *results = NULL, *r;
	struct seen *seen = NULL;
	int counts[3] = { 0 };
	struct cc_dbc *c;
	size_t i;

	if (!body || !read_body(rq, rs, body, &o, &entries) || !(c = api_db(rq, rs)) ||
	    !check_refs(rq, rs, c, &o) || !load_thresholds(rq, rs, c, &o))
		goto out;
	seen = cc_xcalloc(json_array_size(entries), sizeof(*seen));
	results = json_array();
	json_array_foreach (entries, i, r)
		import_entry(rq, c, &o, i, r, seen, results);
	json_array_foreach (results, i, r) {
		const char *st = json_string_value(json_object_get(r, "status"));
		counts[!strcmp(st, "imported") ? 0 : !strcmp(st, "skipped") ? 1 : 2]++;
	}
	cc_info(rq->app->log, "import: req=%s imported=%d skipped=%d failed=%d", rq->request_id,
		counts[0], counts[1], counts[2]);
	api_reply_json(rs, 200,
		       json_pack("{s:i, s:i, s:i, s:O}", "imported", counts[0], "skipped",
				 counts[1], "failed", counts[2], "results", results));
out:
	free(seen);
	json_decref(results);
	json_decref(body);
}
