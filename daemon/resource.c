/* resource.c: generic CRUD handlers; every write is one transaction with its audit event */
#include <stdlib.h>
#include <string.h>
#include "daemon/resource.h"
#include "daemon/app.h"
#include "daemon/list-cache.h"
#include "libcc/audit.h"
#include "libcc/db.h"
#include "libcc/id.h"
#include "libcc/time.h"
#include "libcc/banned.h"

int api_audit_event(struct cc_dbc *c, const struct api_req *rq, const char *action,
		    const char *resource_type, const char *resource_id, json_t *details,
		    struct cc_err *err)
{
	return cc_audit_record(c, rq->actor, rq->actor_type == API_ACTOR_AGENT ? "Agent" : "User",
			       action, resource_type, resource_id, details, err);
}

static json_t *to_json(const struct api_resource *r, struct cc_dbc *c, const void *obj)
{
	return r->to_json ? r->to_json(c, obj) : cc_obj_to_json(r->e, obj);
}

void api_res_list(struct api_req *rq, struct api_resp *rs, const struct api_resource *r)
{
	struct cc_err err = CC_ERR_INIT;
	struct cc_list l = CC_LIST_INIT;
	struct cc_query q;
	struct cc_dbc *c;
	/* read before the query: a write committed meanwhile makes this entry stale at once */
	uint64_t gen = cc_db_generation(rq->app->db, r->e == &cc_audit_event_entity
							     ? CC_DB_GEN_DATA | CC_DB_GEN_AUDIT
							     : CC_DB_GEN_DATA);
	char *key = rq->app->lists ? api_list_cache_key(rq) : NULL;

	if (key && api_list_cache_get(rq->app->lists, key, gen, rs))
		goto out;
	if (api_parse_query(rq, r->e, &q, &err) < 0) {
		api_reply_err(rs, rq, &err);
		goto out;
	}
	q.all = (r->flags & (RES_UNPAGED | RES_UNPAGED_COUNT)) && api_query_unpaged(rq);
	if (!(c = api_db(rq, rs)))
		goto out;
	if (cc_repo_list(c, r->e, &q, &l, &err) < 0) {
		api_reply_err(rs, rq, &err);
		goto out;
	}
	api_list_reply(rq, rs, r, &q, &l, c);
	cc_list_release(r->e, &l);
	if (key)
		api_list_cache_put(rq->app->lists, key, gen, rs);
out:
	free(key);
}

static void not_found(struct api_req *rq, struct api_resp *rs, const struct api_resource *r)
{
	api_reply_error(rs, rq, 404, "%s not found: %s", r->label, rq->params[0]);
}

void api_res_get(struct api_req *rq, struct api_resp *rs, const struct api_resource *r)
{
	struct cc_err err = CC_ERR_INIT;
	const char *fields = api_query(rq, "fields");
	void *obj = cc_obj_new(r->e);
	struct cc_dbc *c;

	if (fields && api_check_fields(r->e, fields, &err) < 0)
		api_reply_err(rs, rq, &err);
	else if (!(c = api_db(rq, rs)))
		;
	else if (cc_repo_get(c, r->e, rq->params[0], obj, &err) < 0)
		err.code == CC_E_NOT_FOUND ? not_found(rq, rs, r) : api_reply_err(rs, rq, &err);
	else
		api_reply_json(rs, 200, api_fields(to_json(r, c, obj), fields));
	cc_obj_free(r->e, obj);
}

/* a write failed: name the conflict without leaking SQL details */
static void write_failed(struct api_req *rq, struct api_resp *rs, const struct api_resource *r,
			 const struct cc_err *err)
{
	if (err->code == CC_E_CONFLICT && strstr(err->msg, "already exists")) {
		if (r->conflict)
			api_reply_error(rs, rq, 409, "%s", r->conflict);
		else
			api_reply_error(rs, rq, 409, "%s already exists (same id or name)",
					r->label);
	} else if (err->code == CC_E_CONFLICT && strstr(err->msg, "referenced") &&
		   !(r->flags & RES_REFS_CHECKED)) {
		api_reply_error(rs, rq, 400, "%s refers to a resource that does not exist",
				r->label);
	} else {
		api_reply_err(rs, rq, err);
	}
}

void api_res_fail(struct api_req *rq, struct api_resp *rs, const struct api_resource *r,
		  const struct cc_err *err)
{
	if (err->code == CC_E_NOT_FOUND && rq->nparams)
		not_found(rq, rs, r);
	else
		write_failed(rq, rs, r, err);
}

int api_check_name(const char *name, size_t max, struct cc_err *err)
{
	if (!name || !*name)
		return cc_err_set(err, CC_E_INVALID, "name is required");
	if (strlen(name) > max)
		return cc_err_set(err, CC_E_INVALID, "name must be %zu characters or fewer", max);
	return 0;
}

static int commit_with_audit(struct api_req *rq, struct cc_dbc *c, const struct api_resource *r,
			     const char *action, const char *id, struct cc_err *err)
{
	if (action && api_audit_event(c, rq, action, r->audit_resource_type, id, NULL, err) < 0)
		return -1;
	return cc_db_commit(c, err);
}

/* the checks, the hooks and the write of a decoded object, then its audit and the commit */
static int write_obj(struct api_req *rq, struct cc_dbc *c, const struct api_resource *r, void *obj,
		     const struct cc_strv *present, bool create, struct cc_err *err)
{
	if ((r->validate && r->validate(c, obj, create, err) < 0) ||
	    (r->prepare && r->prepare(rq, c, obj, present, create, err) < 0) ||
	    (create ? cc_repo_insert(c, r->e, obj, err) : cc_repo_update(c, r->e, obj, err)) < 0 ||
	    (r->after_write && r->after_write(rq, c, obj, present, create, err) < 0))
		return -1;
	if (create)
		return commit_with_audit(rq, c, r, r->audit_create, cc_obj_id(r->e, obj), err);
	return commit_with_audit(rq, c, r, r->audit_update, rq->params[0], err);
}

void api_body_unset(json_t *body, const char *key, unsigned what)
{
	json_t *v = json_object_get(body, key);

	if (((what & API_UNSET_EMPTY) && json_is_string(v) && !json_string_length(v)) ||
	    ((what & API_UNSET_NULL) && json_is_null(v)) ||
	    ((what & API_UNSET_ARRAY) && json_is_array(v) && !json_array_size(v)) ||
	    ((what & API_UNSET_ZERO) && json_is_integer(v) && !json_integer_value(v)))
		json_object_del(body, key);
}

/* v2.1 read an empty id ("" or null) as none: a create names the resource itself, an update
 * goes by the path; then the resource's own rewrites */
static void body_v21(const struct api_resource *r, json_t *body, bool create)
{
	api_body_unset(body, cc_entity_pk(r->e)->json, API_UNSET_EMPTY | API_UNSET_NULL);
	if (r->body)
		r->body(body, create);
}

void api_res_create(struct api_req *rq, struct api_resp *rs, const struct api_resource *r)
{
	struct cc_err err = CC_ERR_INIT;
	struct cc_strv present = CC_STRV_INIT;
	json_t *body = api_body_json(rq, rs, false);
	const struct cc_field *pk = cc_entity_pk(r->e);
	void *obj = cc_obj_new(r->e);
	char **idp = (char **)((char *)obj + pk->off);
	struct cc_dbc *c;

	if (!body)
		goto out;
	body_v21(r, body, true);
	/* server defaults first: the body is decoded over them */
	if (r->defaults)
		r->defaults(obj);
	if (cc_obj_from_json(r->e, body, obj, &present, &err) < 0) {
		api_reply_err(rs, rq, &err);
		goto out;
	}
	if (*idp && !(r->flags & RES_CLIENT_ID)) {
		cc_freep(idp); /* the server names these resources */
	} else if (*idp && !cc_id_valid(*idp)) {
		api_reply_error(rs, rq, 400,
				"id: use 1 to 128 letters, digits, '.', '_', ':' or '-' "
				"(not starting with '.' or '-')");
		goto out;
	}
	if (!(c = api_db(rq, rs)))
		goto out;
	if (cc_db_begin(c, &err) < 0 || write_obj(rq, c, r, obj, &present, true, &err) < 0) {
		cc_db_rollback(c);
		write_failed(rq, rs, r, &err);
		goto out;
	}
	api_reply_json(rs, 201, to_json(r, c, obj));
out:
	cc_strv_release(&present);
	json_decref(body);
	cc_obj_free(r->e, obj);
}

void api_res_update(struct api_req *rq, struct api_resp *rs, const struct api_resource *r)
{
	struct cc_err err = CC_ERR_INIT;
	struct cc_strv present = CC_STRV_INIT;
	json_t *body = api_body_json(rq, rs, false), *id;
	void *obj = cc_obj_new(r->e);
	struct cc_dbc *c;

	if (!body || !(c = api_db(rq, rs)))
		goto out;
	body_v21(r, body, false);
	id = json_object_get(body, cc_entity_pk(r->e)->json);
	if (id && (!json_is_string(id) || strcmp(json_string_value(id), rq->params[0]))) {
		api_reply_error(rs, rq, 400, "id: cannot be changed");
		goto out;
	}
	if (cc_db_begin(c, &err) < 0)
		goto fail;
	if (cc_repo_get(c, r->e, rq->params[0], obj, &err) < 0) {
		cc_db_rollback(c);
		err.code == CC_E_NOT_FOUND ? not_found(rq, rs, r) : api_reply_err(rs, rq, &err);
		goto out;
	}
	if (cc_obj_from_json(r->e, body, obj, &present, &err) < 0 ||
	    write_obj(rq, c, r, obj, &present, false, &err) < 0)
		goto fail;
	api_reply_json(rs, 200, to_json(r, c, obj));
	goto out;
fail:
	cc_db_rollback(c);
	write_failed(rq, rs, r, &err);
out:
	cc_strv_release(&present);
	json_decref(body);
	cc_obj_free(r->e, obj);
}

void api_res_delete(struct api_req *rq, struct api_resp *rs, const struct api_resource *r)
{
	struct cc_err err = CC_ERR_INIT;
	struct cc_dbc *c;

	if (!(c = api_db(rq, rs)))
		return;
	if (cc_db_begin(c, &err) < 0 ||
	    (r->before_delete && r->before_delete(c, rq->params[0], &err) < 0) ||
	    cc_repo_delete(c, r->e, rq->params[0], &err) < 0 ||
	    commit_with_audit(rq, c, r, r->audit_delete, rq->params[0], &err) < 0) {
		cc_db_rollback(c);
		if (err.code == CC_E_NOT_FOUND)
			not_found(rq, rs, r);
		else if (err.code == CC_E_CONFLICT && strstr(err.msg, "referenced"))
			api_reply_error(rs, rq, 409, "%s is still in use", r->label);
		else
			api_reply_err(rs, rq, &err);
		return;
	}
	api_reply_empty(rs, 204);
}
