/* id.h: readable prefixed resource ids, e.g. job-1764324987123456789-42 */
#ifndef CC_ID_H
#define CC_ID_H

#include <stdbool.h>
#include <stddef.h>

#define CC_ID_MAX 128

/* new id "<prefix>-<unix ns>-<counter>" (caller frees) */
char *cc_id_new(const char *prefix);
/* client-supplied ids: 1..128 chars of [A-Za-z0-9._:-], not starting with '.' or '-' */
bool cc_id_valid(const char *id);

#endif
