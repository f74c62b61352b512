/* resource.h: generic list/get/create/update/delete handlers over an entity descriptor;
 * each resource adds only its validation and side effects */
#ifndef CC_RESOURCE_H
#define CC_RESOURCE_H

#include <stdbool.h>
#include "daemon/api.h"
#include "libcc/repo.h"

struct cc_dbc;
struct cc_strv;

#define RES_CLIENT_ID 0x1 /* honour an "id" in the create body */
/* the hooks check every reference first: a foreign-key failure on write keeps its own
 * 409 instead of the 400 "<label> refers to a resource that does not exist" */
#define RES_REFS_CHECKED 0x2
/* v2.1 listed every row of these: without page, per_page, page_size or cursor, so does the
 * list; per_page echoes 50 as v2.1's did, or with RES_UNPAGED_COUNT the row count (v2.1's
 * network scan targets and group members) */
#define RES_UNPAGED 0x4
#define RES_UNPAGED_COUNT 0x8

/* A create runs: decode, defaults, validate, prepare, insert, after_write, audit, commit;
 * an update: read, decode (merging), validate, prepare, update, after_write, audit, commit.
 * present lists the body keys decoded (on create, every one). */
struct api_resource {
	const struct cc_entity *e;
	const char *label; /* "Team": messages read "Team not found" */
	unsigned flags;
	/* 409 message for a duplicate id or name; NULL = "<label> already exists (same id or
	 * name)" */
	const char *conflict;
	/* fills server defaults on create (the body is decoded over them) */
	void (*defaults)(void *obj);
	/* rewrites the request body before it is decoded, e.g. drops the keys whose empty
	 * value v2.1 read as "not given"; create tells create from update */
	void (*body)(json_t *body, bool create);
	/* domain rules; create tells create from update. CC_E_INVALID → 400, etc. */
	int (*validate)(struct cc_dbc *c, void *obj, bool create, struct cc_err *err);
	/* like validate, with the request and the body keys present (create: every decoded key) */
	int (*prepare)(struct api_req *rq, struct cc_dbc *c, void *obj,
		       const struct cc_strv *present, bool create, struct cc_err *err);
	/* after the insert/update, in the same transaction (child rows, e.g. target mappings) */
	int (*after_write)(struct api_req *rq, struct cc_dbc *c, void *obj,
			   const struct cc_strv *present, bool create, struct cc_err *err);
	/* refuses a delete that would break references (CC_E_CONFLICT) */
	int (*before_delete)(struct cc_dbc *c, const char *id, struct cc_err *err);
	/* JSON of one object; NULL = cc_obj_to_json */
	json_t *(*to_json)(struct cc_dbc *c, const void *obj);
	/* service-level audit actions (actor = the caller), NULL = none */
	const char *audit_create, *audit_update, *audit_delete;
	const char *audit_resource_type;
};

void api_res_list(struct api_req *rq, struct api_resp *rs, const struct api_resource *r);
void api_res_get(struct api_req *rq, struct api_resp *rs, const struct api_resource *r);
void api_res_create(struct api_req *rq, struct api_resp *rs, const struct api_resource *r);
/* PUT merges the keys present in the body into the stored object */
void api_res_update(struct api_req *rq, struct api_resp *rs, const struct api_resource *r);
void api_res_delete(struct api_req *rq, struct api_resp *rs, const struct api_resource *r);
/* the reply to a failed operation on the object the path names: 404 "<label> not found:
 * <id>", the write conflicts of api_res_create/update, else the error itself */
void api_res_fail(struct api_req *rq, struct api_resp *rs, const struct api_resource *r,
		  const struct cc_err *err);

/* h_<name>_<verb>() calling api_res_<verb>() on r; a use ends with ';' (the expansion
 * ends with the handler's prototype again) */
#define API_RESOURCE_HANDLER(name, verb, r)                                                        \
	void h_##name##_##verb(struct api_req *rq, struct api_resp *rs)                            \
	{                                                                                          \
		api_res_##verb(rq, rs, (r));                                                       \
	}                                                                                          \
	void h_##name##_##verb(struct api_req *rq, struct api_resp *rs)
/* h_<name>_list and h_<name>_get */
#define API_RESOURCE_READERS(name, r)                                                              \
	API_RESOURCE_HANDLER(name, list, r);                                                       \
	API_RESOURCE_HANDLER(name, get, r)
/* all five: list, get, create, update, delete */
#define API_RESOURCE_HANDLERS(name, r)                                                             \
	API_RESOURCE_READERS(name, r);                                                             \
	API_RESOURCE_HANDLER(name, create, r);                                                     \
	API_RESOURCE_HANDLER(name, update, r);                                                     \
	API_RESOURCE_HANDLER(name, delete, r)

/* name is required and has at most max characters (CC_E_INVALID) */
int api_check_name(const char *name, size_t max, struct cc_err *err);

/* what api_body_unset treats as "not given" (v2.1's Go clients send unset fields as zero
 * values): "" , null, [] and 0 */
#define API_UNSET_EMPTY 0x1
#define API_UNSET_NULL 0x2
#define API_UNSET_ARRAY 0x4
#define API_UNSET_ZERO 0x8
#define API_UNSET_ALL 0xf
/* removes key from the body when its value is one of what */
void api_body_unset(json_t *body, const char *key, unsigned what);

/* no page, per_page, page_size or cursor parameter in the request */
bool api_query_unpaged(const struct api_req *rq);

/* list query parameters → struct cc_query (page, per_page, cursor, page_size, sort,
 * sort_desc and the entity's filters); 400 naming the parameter on bad values */
int api_parse_query(struct api_req *rq, const struct cc_entity *e, struct cc_query *q,
		    struct cc_err *err);
/* the v2.1 page envelope {"data","total","page","per_page"} or, in cursor mode,
 * {"data","total","next_cursor","page_size"}; honours fields= */
int api_list_reply(struct api_req *rq, struct api_resp *rs, const struct api_resource *r,
		   const struct cc_query *q, struct cc_list *l, struct cc_dbc *c);
/* fields= must name JSON keys of the entity (CC_E_INVALID otherwise) */
int api_check_fields(const struct cc_entity *e, const char *fields, struct cc_err *err);
/* the object's JSON limited to fields (NULL = all); takes obj */
json_t *api_fields(json_t *obj, const char *fields);
/* writes a service-level audit event in the caller's transaction */
int api_audit_event(struct cc_dbc *c, const struct api_req *rq, const char *action,
		    const char *resource_type, const char *resource_id, json_t *details,
		    struct cc_err *err);

#endif
