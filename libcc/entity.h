/* entity.h: one table of fields per resource drives its row mapping, SQL and JSON */
#ifndef CC_ENTITY_H
#define CC_ENTITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include "libcc/strv.h"

struct cc_err;

enum cc_ft {
	CC_FT_TEXT, /* char * */
	CC_FT_INT,  /* int64_t */
	CC_FT_BOOL, /* bool */
	CC_FT_TIME, /* int64_t microseconds, 0 = unset */
	CC_FT_JSON, /* json_t * (owned) */
	CC_FT_STRV, /* struct cc_strv */
	CC_FT_INTV, /* struct cc_intv */
	CC_FT_BLOB, /* struct cc_bytes */
};

struct cc_intv {
	int64_t *v;
	size_t n;
};

struct cc_bytes {
	unsigned char *p;
	size_t n;
};

/* field flags */
#define CC_F_PK 0x01	   /* the id */
#define CC_F_OMIT 0x02	   /* omitted from JSON when unset/empty */
#define CC_F_RO 0x04	   /* set by the server; ignored in request bodies */
#define CC_F_CREATED 0x08  /* now() on insert when unset */
#define CC_F_UPDATED 0x10  /* now() on insert and on every update */
#define CC_F_HIDDEN 0x20   /* never in JSON (secrets, internal state) */
#define CC_F_NOUPDATE 0x40 /* not written by cc_repo_update */
#define CC_F_NOCOL 0x80	   /* JSON only, no database column */

struct cc_field {
	const char *column; /* database column (NULL with CC_F_NOCOL) */
	const char *json;   /* JSON key (NULL: not in JSON) */
	enum cc_ft type;
	size_t off;
	unsigned flags;
};

#define CC_FIELD(st, member, col, type, flags)                                                     \
	{                                                                                          \
		col, col, CC_FT_##type, offsetof(st, member), flags                                \
	}
#define CC_FIELD_AS(st, member, col, key, type, flags)                                             \
	{                                                                                          \
		col, key, CC_FT_##type, offsetof(st, member), flags                                \
	}

/* list filter: a constant SQL fragment where "$?" stands for the bound value */
struct cc_filter {
	const char *param;
	const char *sql;
	enum cc_ft type; /* TEXT, INT, BOOL or TIME: how the value is parsed and bound */
};

/* entity flags */
#define CC_E_APPEND_ONLY 0x01 /* no update, no delete */

struct cc_entity {
	const char *name;      /* "certificate": used in messages */
	const char *table;     /* "managed_certificates" */
	const char *id_prefix; /* "cert" */
	size_t size;
	const struct cc_field *fields;
	size_t nfields;
	const char *default_sort; /* column */
	bool default_desc;
	const struct cc_filter *filters; /* NULL-terminated, may be NULL */
	unsigned flags;
};

#define CC_ENTITY_FIELDS(arr) (arr), (sizeof(arr) / sizeof((arr)[0]))

void *cc_obj_new(const struct cc_entity *e);
void cc_obj_free(const struct cc_entity *e, void *obj);
void cc_obj_release(const struct cc_entity *e, void *obj); /* members only, zeroes */
void cc_obj_copy(const struct cc_entity *e, void *dst, const void *src);
const struct cc_field *cc_entity_field(const struct cc_entity *e, const char *column);
const struct cc_field *cc_entity_json_field(const struct cc_entity *e, const char *key);
const struct cc_field *cc_entity_pk(const struct cc_entity *e);
const char *cc_obj_id(const struct cc_entity *e, const void *obj);

/* JSON (keys and omission rules of certctl v2.1); new reference */
json_t *cc_obj_to_json(const struct cc_entity *e, const void *obj);
/* strict request-body decoding: unknown keys and wrong types are CC_E_INVALID naming the
 * key; read-only keys are ignored. Keys present are appended to *present when non-NULL,
 * so callers can merge partial updates. */
int cc_obj_from_json(const struct cc_entity *e, json_t *in, void *obj, struct cc_strv *present,
		     struct cc_err *err);

void cc_intv_release(struct cc_intv *iv);
void cc_bytes_release(struct cc_bytes *b);

#endif
