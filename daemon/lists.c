/* lists.c: list query parameters, sparse fields and the list envelopes */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include "daemon/resource.h"
#include "libcc/banned.h"

static int parse_int(const char *name, const char *v, int min, int max, int *out,
		     struct cc_err *err)
{
	char *end;
	long n = strtol(v, &end, 10);

	if (!*v || *end || n < min || n > max)
		return cc_err_set(err, CC_E_INVALID, "%s: must be an integer from %d to %d", name,
				  min, max);
	*out = (int)n;
	return 0;
}

bool api_query_unpaged(const struct api_req *rq)
{
	return !api_query(rq, "page") && !api_query(rq, "per_page") &&
	       !api_query(rq, "page_size") && !api_query(rq, "cursor");
}

int api_parse_query(struct api_req *rq, const struct cc_entity *e, struct cc_query *q,
		    struct cc_err *err)
{
	const char *v;

	memset(q, 0, sizeof(*q));
	if (rq->query_overflow)
		return cc_err_set(err, CC_E_INVALID, "too many query parameters");
	if ((v = api_query(rq, "page")) && parse_int("page", v, 1, 10000000, &q->page, err) < 0)
		return -1;
	/* above the maximum is the maximum (echoed as such): v2.1 scripts that ask for 1,000
	 * rows a page got its default instead, and must not get a 400 now */
	if ((v = api_query(rq, "per_page")) &&
	    parse_int("per_page", v, 1, INT_MAX, &q->per_page, err) < 0)
		return -1;
	if ((v = api_query(rq, "page_size"))) {
		if (parse_int("page_size", v, 1, INT_MAX, &q->per_page, err) < 0)
			return -1;
		q->cursor_mode = true;
	}
	if (q->per_page > CC_PAGE_MAX)
		q->per_page = CC_PAGE_MAX;
	if ((v = api_query(rq, "cursor"))) {
		q->cursor_mode = true;
		q->cursor = v;
	}
	q->sort = api_query(rq, "sort");
	if ((v = api_query(rq, "sort_desc")) && q->sort && q->sort[0] != '-') {
		if (strcmp(v, "true") && strcmp(v, "false"))
			return cc_err_set(err, CC_E_INVALID, "sort_desc: must be true or false");
		if (!strcmp(v, "true")) {
			/* "-name" lives as long as the request: keep it in the query list */
			char *neg = cc_xasprintf("-%s", q->sort);
			for (int i = 0; i < rq->nquery; i++)
				if (!strcmp(rq->query[i].k, "sort")) {
					free(rq->query[i].v);
					rq->query[i].v = neg;
				}
			q->sort = neg;
		}
	}
	for (int i = 0; i < rq->nquery; i++) {
		for (const struct cc_filter *f = e->filters; f && f->param; f++) {
			if (strcmp(f->param, rq->query[i].k))
				continue;
			if (!*rq->query[i].v)
				break; /* an empty filter means no filter, as in v2.1 */
			if (cc_query_filter(q, f->param, rq->query[i].v, err) < 0)
				return -1;
			break;
		}
	}
	return 0;
}

json_t *api_fields(json_t *obj, const char *fields)
{
	struct cc_strv want = CC_STRV_INIT;
	json_t *out;

	if (!fields)
		return obj;
	cc_strv_split(&want, fields, ',');
	out = json_object();
	for (size_t i = 0; i < want.n; i++) {
		json_t *v = json_object_get(obj, want.v[i]);
		if (v) /* keys omitted when empty stay omitted */
			json_object_set(out, want.v[i], v);
	}
	cc_strv_release(&want);
	json_decref(obj);
	return out;
}

int api_check_fields(const struct cc_entity *e, const char *fields, struct cc_err *err)
{
	struct cc_strv want = CC_STRV_INIT;
	int rc = 0;

	cc_strv_split(&want, fields, ',');
	for (size_t i = 0; i < want.n && !rc; i++)
		if (!cc_entity_json_field(e, want.v[i]))
			rc = cc_err_set(err, CC_E_INVALID, "fields: unknown field '%s'", want.v[i]);
	if (!rc && !want.n)
		rc = cc_err_set(err, CC_E_INVALID, "fields: empty list");
	cc_strv_release(&want);
	return rc;
}

int api_list_reply(struct api_req *rq, struct api_resp *rs, const struct api_resource *r,
		   const struct cc_query *q, struct cc_list *l, struct cc_dbc *c)
{
	const char *fields = api_query(rq, "fields");
	struct cc_err err = CC_ERR_INIT;
	json_t *data = json_array(), *env;

	if (fields && api_check_fields(r->e, fields, &err) < 0) {
		json_decref(data);
		api_reply_err(rs, rq, &err);
		return -1;
	}
	for (size_t i = 0; i < l->n; i++) {
		json_t *o =
			r->to_json ? r->to_json(c, l->items[i]) : cc_obj_to_json(r->e, l->items[i]);
		json_array_append_new(data, api_fields(o, fields));
	}
	if (q->cursor_mode) {
		env = json_pack("{s:o, s:I}", "data", data, "total", (json_int_t)l->total);
		if (l->next_cursor)
			json_object_set_new(env, "next_cursor", json_string(l->next_cursor));
		json_object_set_new(env, "page_size",
				    json_integer(q->per_page ? q->per_page : CC_PAGE_DEFAULT));
	} else {
		int per = q->per_page ? q->per_page : CC_PAGE_DEFAULT;
		if (q->all && (r->flags & RES_UNPAGED_COUNT))
			per = (int)l->n;
		env = json_pack("{s:o, s:I, s:i, s:i}", "data", data, "total", (json_int_t)l->total,
				"page", q->page ? q->page : 1, "per_page", per);
	}
	api_reply_json(rs, 200, env);
	return 0;
}
