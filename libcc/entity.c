/* entity.c: generic object lifetime and JSON mapping driven by struct cc_entity */
#include <stdlib.h>
#include <string.h>
#include "libcc/entity.h"
#include "libcc/err.h"
#include "libcc/mem.h"
#include "libcc/time.h"
#include "libcc/banned.h"

#define AT(obj, f, type) ((type *)((char *)(obj) + (f)->off))
#define CAT(obj, f, type) ((const type *)((const char *)(obj) + (f)->off))
/* a pointer member of a const object */
#define CPTR(obj, f, type) (*(type *const *)((const char *)(obj) + (f)->off))

void cc_intv_release(struct cc_intv *iv)
{
	free(iv->v);
	iv->v = NULL;
	iv->n = 0;
}

void cc_bytes_release(struct cc_bytes *b)
{
	free(b->p);
	b->p = NULL;
	b->n = 0;
}

void *cc_obj_new(const struct cc_entity *e)
{
	return cc_xcalloc(1, e->size);
}

static void release_field(const struct cc_field *f, void *obj)
{
	switch (f->type) {
	case CC_FT_TEXT:
		cc_freep(AT(obj, f, char *));
		break;
	case CC_FT_JSON:
		json_decref(*AT(obj, f, json_t *));
		*AT(obj, f, json_t *) = NULL;
		break;
	case CC_FT_STRV:
		cc_strv_release(AT(obj, f, struct cc_strv));
		break;
	case CC_FT_INTV:
		cc_intv_release(AT(obj, f, struct cc_intv));
		break;
	case CC_FT_BLOB:
		cc_bytes_release(AT(obj, f, struct cc_bytes));
		break;
	default:
		break;
	}
}

void cc_obj_release(const struct cc_entity *e, void *obj)
{
	if (!obj)
		return;
	for (size_t i = 0; i < e->nfields; i++)
		release_field(&e->fields[i], obj);
	memset(obj, 0, e->size);
}

void cc_obj_free(const struct cc_entity *e, void *obj)
{
	cc_obj_release(e, obj);
	free(obj);
}

void cc_obj_copy(const struct cc_entity *e, void *dst, const void *src)
{
	memcpy(dst, src, e->size);
	for (size_t i = 0; i < e->nfields; i++) {
		const struct cc_field *f = &e->fields[i];
		switch (f->type) {
		case CC_FT_TEXT: {
			const char *s = CPTR(src, f, char);
			*AT(dst, f, char *) = s ? cc_xstrdup(s) : NULL;
			break;
		}
		case CC_FT_JSON:
			*AT(dst, f, json_t *) = json_deep_copy(CPTR(src, f, json_t));
			break;
		case CC_FT_STRV: {
			struct cc_strv *d = AT(dst, f, struct cc_strv);
			*d = (struct cc_strv)CC_STRV_INIT;
			cc_strv_copy(d, CAT(src, f, struct cc_strv));
			break;
		}
		case CC_FT_INTV: {
			const struct cc_intv *s = CAT(src, f, struct cc_intv);
			struct cc_intv *d = AT(dst, f, struct cc_intv);
			d->v = s->n ? cc_xmalloc(s->n * sizeof(int64_t)) : NULL;
			if (s->n)
				memcpy(d->v, s->v, s->n * sizeof(int64_t));
			break;
		}
		case CC_FT_BLOB: {
			const struct cc_bytes *s = CAT(src, f, struct cc_bytes);
			struct cc_bytes *d = AT(dst, f, struct cc_bytes);
			d->p = s->n ? cc_xmalloc(s->n) : NULL;
			if (s->n)
				memcpy(d->p, s->p, s->n);
			break;
		}
		default:
			break;
		}
	}
}

const struct cc_field *cc_entity_field(const struct cc_entity *e, const char *column)
{
	for (size_t i = 0; i < e->nfields; i++)
		if (e->fields[i].column && !(e->fields[i].flags & CC_F_NOCOL) &&
		    !strcmp(e->fields[i].column, column))
			return &e->fields[i];
	return NULL;
}

const struct cc_field *cc_entity_json_field(const struct cc_entity *e, const char *key)
{
	for (size_t i = 0; i < e->nfields; i++)
		if (e->fields[i].json && !(e->fields[i].flags & CC_F_HIDDEN) &&
		    !strcmp(e->fields[i].json, key))
			return &e->fields[i];
	return NULL;
}

const struct cc_field *cc_entity_pk(const struct cc_entity *e)
{
	for (size_t i = 0; i < e->nfields; i++)
		if (e->fields[i].flags & CC_F_PK)
			return &e->fields[i];
	CC_BUG("entity %s has no primary key", e->name);
}

const char *cc_obj_id(const struct cc_entity *e, const void *obj)
{
	return *CAT(obj, cc_entity_pk(e), char *);
}

static json_t *field_to_json(const struct cc_field *f, const void *obj, bool omit)
{
	char ts[CC_TIME_BUFSZ];

	switch (f->type) {
	case CC_FT_TEXT: {
		const char *s = CPTR(obj, f, char);
		if (omit && (!s || !*s))
			return NULL;
		return json_string(s ? s : "");
	}
	case CC_FT_INT: {
		int64_t v = *CAT(obj, f, int64_t);
		return omit && !v ? NULL : json_integer(v);
	}
	case CC_FT_BOOL: {
		bool v = *CAT(obj, f, bool);
		return omit && !v ? NULL : json_boolean(v);
	}
	case CC_FT_TIME: {
		int64_t v = *CAT(obj, f, int64_t);
		return omit && !v ? NULL : json_string(cc_time_format(v, ts));
	}
	case CC_FT_JSON: {
		json_t *v = CPTR(obj, f, json_t);
		if (!v)
			return omit ? NULL : json_null();
		return json_incref(v);
	}
	case CC_FT_STRV: {
		const struct cc_strv *sv = CAT(obj, f, struct cc_strv);
		json_t *a;
		if (omit && !sv->n)
			return NULL;
		a = json_array();
		for (size_t i = 0; i < sv->n; i++)
			json_array_append_new(a, json_string(sv->v[i]));
		return a;
	}
	case CC_FT_INTV: {
		const struct cc_intv *iv = CAT(obj, f, struct cc_intv);
		json_t *a;
		if (omit && !iv->n)
			return NULL;
		a = json_array();
		for (size_t i = 0; i < iv->n; i++)
			json_array_append_new(a, json_integer(iv->v[i]));
		return a;
	}
	default:
		return NULL;
	}
}

json_t *cc_obj_to_json(const struct cc_entity *e, const void *obj)
{
	json_t *o = json_object();

	for (size_t i = 0; i < e->nfields; i++) {
		const struct cc_field *f = &e->fields[i];
		json_t *v;

		if (!f->json || (f->flags & CC_F_HIDDEN))
			continue;
		v = field_to_json(f, obj, f->flags & CC_F_OMIT);
		if (v)
			json_object_set_new(o, f->json, v);
	}
	return o;
}

static int type_error(const char *key, const char *what, struct cc_err *err)
{
	return cc_err_set(err, CC_E_INVALID, "field '%s' must be %s", key, what);
}

static int field_from_json(const struct cc_field *f, const char *key, json_t *v, void *obj,
			   struct cc_err *err)
{
	size_t i;
	json_t *item;

	release_field(f, obj);
	switch (f->type) {
	case CC_FT_TEXT:
		if (json_is_null(v))
			return 0;
		if (!json_is_string(v))
			return type_error(key, "a string", err);
		if (strlen(json_string_value(v)) != json_string_length(v))
			return type_error(key, "a string without NUL characters", err);
		*AT(obj, f, char *) = cc_xstrdup(json_string_value(v));
		return 0;
	case CC_FT_INT:
		if (!json_is_integer(v))
			return type_error(key, "an integer", err);
		*AT(obj, f, int64_t) = json_integer_value(v);
		return 0;
	case CC_FT_BOOL:
		if (!json_is_boolean(v))
			return type_error(key, "true or false", err);
		*AT(obj, f, bool) = json_is_true(v);
		return 0;
	case CC_FT_TIME:
		if (json_is_null(v)) {
			*AT(obj, f, int64_t) = 0;
			return 0;
		}
		if (!json_is_string(v) || cc_time_parse(json_string_value(v), AT(obj, f, int64_t)))
			return type_error(key, "an RFC 3339 time", err);
		return 0;
	case CC_FT_JSON:
		*AT(obj, f, json_t *) = json_is_null(v) ? NULL : json_incref(v);
		return 0;
	case CC_FT_STRV:
		if (json_is_null(v))
			return 0;
		if (!json_is_array(v))
			return type_error(key, "an array of strings", err);
		json_array_foreach (v, i, item) {
			if (!json_is_string(item))
				return type_error(key, "an array of strings", err);
			cc_strv_push(AT(obj, f, struct cc_strv), json_string_value(item));
		}
		return 0;
	case CC_FT_INTV: {
		struct cc_intv *iv = AT(obj, f, struct cc_intv);
		if (json_is_null(v))
			return 0;
		if (!json_is_array(v))
			return type_error(key, "an array of integers", err);
		iv->v = cc_xcalloc(json_array_size(v) + 1, sizeof(int64_t));
		json_array_foreach (v, i, item) {
			if (!json_is_integer(item))
				return type_error(key, "an array of integers", err);
			iv->v[iv->n++] = json_integer_value(item);
		}
		return 0;
	}
	default:
		return cc_err_set(err, CC_E_INVALID, "unknown field '%s'", key);
	}
}

int cc_obj_from_json(const struct cc_entity *e, json_t *in, void *obj, struct cc_strv *present,
		     struct cc_err *err)
{
	const char *key;
	json_t *v;

	if (!json_is_object(in))
		return cc_err_set(err, CC_E_INVALID, "request body must be a JSON object");
	json_object_foreach (in, key, v) {
		const struct cc_field *f = cc_entity_json_field(e, key);

		if (!f)
			return cc_err_set(err, CC_E_INVALID, "unknown field '%s'", key);
		if (f->flags & CC_F_RO)
			continue;
		if (field_from_json(f, key, v, obj, err) < 0)
			return -1;
		if (present)
			cc_strv_push(present, key);
	}
	return 0;
}
