/* h-certificates.c: /api/v1/certificates list, create, read, update and archive */
#include <stddef.h>
#include <string.h>
#include "daemon/resource.h"
#include "daemon/routes.h"
#include "libcc/certificate.h"
#include "libcc/db.h"
#include "libcc/issuer.h"
#include "libcc/owner.h"
#include "libcc/profile.h"
#include "libcc/renewal-policy.h"
#include "libcc/target.h"
#include "libcc/team.h"
#include "libcc/validate-name.h"
#include "libcc/banned.h"

#define E (&cc_certificate_entity)

static const char *const statuses[] = { "Pending",	     "Active", "Expiring", "Expired",
					"RenewalInProgress", "Failed", "Revoked",  "Archived" };

/* the certificate with its target mappings read back (new ref) */
static json_t *cert_json(struct cc_dbc *c, const void *obj)
{
	const struct cc_certificate *m = obj;
	struct cc_certificate tmp = { .id = m->id };
	struct cc_err err = CC_ERR_INIT;
	json_t *j = cc_obj_to_json(E, obj), *a;

	if (cc_certificate_load_targets(c, &tmp, &err) == 0) {
		a = json_array();
		for (size_t i = 0; i < tmp.target_ids.n; i++)
			json_array_append_new(a, json_string(tmp.target_ids.v[i]));
		json_object_set_new(j, "target_ids", a);
	}
	cc_strv_release(&tmp.target_ids);
	return j;
}

static int check_tags(json_t *tags, struct cc_err *err)
{
	const char *k;
	json_t *v;

	if (!json_is_object(tags))
		return cc_err_set(err, CC_E_INVALID, "tags must be an object of strings");
	json_object_foreach (tags, k, v)
		if (!json_is_string(v))
			return cc_err_set(err, CC_E_INVALID, "tags.%.100s must be a string", k);
	return 0;
}

static int check_status(const char *s, struct cc_err *err)
{
	for (size_t i = 0; i < CC_ARRAY_SIZE(statuses); i++)
		if (!strcmp(s, statuses[i]))
			return 0;
	return cc_err_set(err, CC_E_INVALID,
			  "invalid status '%.64s': use Pending, Active, Expiring, Expired, "
			  "RenewalInProgress, Failed, Revoked or Archived",
			  s);
}

static bool empty(const char *s)
{
	return !s || !*s;
}

/* the checks of v2.1, in its order, then lengths, enums and shapes */
static int validate(struct cc_dbc *c CC_UNUSED, void *obj, bool create CC_UNUSED,
		    struct cc_err *err)
{
	const struct cc_certificate *m = obj;

	if (cc_validate_common_name(m->common_name, err) < 0)
		return -1;
	if (empty(m->owner_id))
		return cc_err_set(err, CC_E_INVALID, "owner_id is required");
	if (empty(m->team_id))
		return cc_err_set(err, CC_E_INVALID, "team_id is required");
	if (empty(m->issuer_id))
		return cc_err_set(err, CC_E_INVALID, "issuer_id is required");
	if (empty(m->name))
		return cc_err_set(err, CC_E_INVALID, "name is required");
	if (empty(m->renewal_policy_id))
		return cc_err_set(err, CC_E_INVALID, "renewal_policy_id is required");
	if (strlen(m->name) > 255)
		return cc_err_set(err, CC_E_INVALID, "name must be 255 characters or fewer");
	if (m->environment && strlen(m->environment) > 50)
		return cc_err_set(err, CC_E_INVALID, "environment must be 50 characters or fewer");
	for (size_t i = 0; i < m->sans.n; i++)
		if (empty(m->sans.v[i]) || strlen(m->sans.v[i]) > 255)
			return cc_err_set(err, CC_E_INVALID,
					  "sans: each name must have 1 to 255 characters");
	if (check_status(m->status ? m->status : "", err) < 0)
		return -1;
	return check_tags(m->tags, err);
}

static int check_ref(struct cc_dbc *c, const struct cc_entity *e, const char *field, const char *id,
		     struct cc_err *err)
{
	bool found;

	if (cc_repo_exists(c, e, id, &found, err) < 0)
		return -1;
	if (!found)
		return cc_err_set(err, CC_E_INVALID, "%s '%.200s' does not exist", field, id);
	return 0;
}

/* every reference that is set must exist; present (NULL: all) limits the check to the
 * keys of an update body */
static int check_refs(struct cc_dbc *c, const struct cc_certificate *m,
		      const struct cc_strv *present, struct cc_err *err)
{
	static const struct {
		const char *key;
		const struct cc_entity *e;
		size_t off;
	} refs[] = {
		{ "owner_id", &cc_owner_entity, offsetof(struct cc_certificate, owner_id) },
		{ "team_id", &cc_team_entity, offsetof(struct cc_certificate, team_id) },
		{ "issuer_id", &cc_issuer_entity, offsetof(struct cc_certificate, issuer_id) },
		{ "renewal_policy_id", &cc_renewal_policy_entity,
		  offsetof(struct cc_certificate, renewal_policy_id) },
		{ "certificate_profile_id", &cc_profile_entity,
		  offsetof(struct cc_certificate, certificate_profile_id) },
	};

	for (size_t i = 0; i < CC_ARRAY_SIZE(refs); i++) {
		const char *id = *(char *const *)((const char *)m + refs[i].off);
		if (empty(id) || (present && !cc_strv_has(present, refs[i].key)))
			continue;
		if (check_ref(c, refs[i].e, refs[i].key, id, err) < 0)
			return -1;
	}
	if (present && !cc_strv_has(present, "target_ids"))
		return 0;
	for (size_t i = 0; i < m->target_ids.n; i++)
		if (check_ref(c, &cc_target_entity, "target_ids: target", m->target_ids.v[i], err) <
		    0)
			return -1;
	return 0;
}

/* on create every reference set is checked, on update those in the body */
static int prepare(struct api_req *rq CC_UNUSED, struct cc_dbc *c, void *obj,
		   const struct cc_strv *present, bool create, struct cc_err *err)
{
	return check_refs(c, obj, create ? NULL : present, err);
}

/* the target mappings, on create and when an update has target_ids */
static int after_write(struct api_req *rq CC_UNUSED, struct cc_dbc *c, void *obj,
		       const struct cc_strv *present, bool create, struct cc_err *err)
{
	struct cc_certificate *m = obj;

	if (!create && !cc_strv_has(present, "target_ids"))
		return 0;
	return cc_certificate_set_targets(c, m->id, &m->target_ids, err);
}

/* v2.1 read these keys as "not given" when empty ("" or null, as Go clients send unset
 * fields): on create the defaults apply, on update the stored value stays. A null still
 * clears an environment or a profile, which v2.1 could not do at all. */
static const struct {
	const char *key;
	bool null_clears;
} v21_blank[] = {
	{ "name", false },
	{ "common_name", false },
	{ "environment", true },
	{ "owner_id", false },
	{ "team_id", false },
	{ "issuer_id", false },
	{ "renewal_policy_id", false },
	{ "certificate_profile_id", true },
	{ "status", false },
	{ "sans", false },
	{ "tags", false },
	{ "target_ids", false },
};

static void drop_blank(json_t *body, bool create CC_UNUSED)
{
	for (size_t i = 0; i < CC_ARRAY_SIZE(v21_blank); i++)
		api_body_unset(body, v21_blank[i].key,
			       API_UNSET_EMPTY | (v21_blank[i].null_clears ? 0 : API_UNSET_NULL));
}

static void defaults(void *obj)
{
	struct cc_certificate *m = obj;

	if (!m->status)
		m->status = cc_xstrdup("Pending");
	if (!m->tags)
		m->tags = json_object();
}

static const struct api_resource certs = {
	.e = E,
	.label = "Certificate",
	.flags = RES_CLIENT_ID | RES_REFS_CHECKED,
	.defaults = defaults,
	.body = drop_blank,
	.validate = validate,
	.prepare = prepare,
	.after_write = after_write,
	.to_json = cert_json,
};

API_RESOURCE_READERS(certificates, &certs);
API_RESOURCE_HANDLER(certificates, create, &certs);
API_RESOURCE_HANDLER(certificates, update, &certs);

/* archive: the row stays, with status Archived */
void h_certificates_delete(struct api_req *rq, struct api_resp *rs)
{
	struct cc_err err = CC_ERR_INIT;
	struct cc_dbc *c;

	if (!(c = api_db(rq, rs)))
		return;
	if (cc_certificate_set_status(c, rq->params[0], "Archived", &err) < 0)
		api_res_fail(rq, rs, &certs, &err);
	else
		api_reply_empty(rs, 204);
}
