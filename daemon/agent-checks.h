/* agent-checks.h: the checks every /api/v1/agents/{id}/... handler makes */
#ifndef CC_AGENT_CHECKS_H
#define CC_AGENT_CHECKS_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>
#include "daemon/api.h"

struct cc_agent;
struct cc_dbc;
struct cc_err;

/* the agent of the path into *a; 404 answered otherwise */
bool api_agent_load(struct api_req *rq, struct api_resp *rs, struct cc_dbc *c, struct cc_agent *a);
/* certificate must exist (404); an agent key may only touch certificates deployed to one
 * of its own targets (403) */
bool api_agent_cert_check(struct api_req *rq, struct api_resp *rs, struct cc_dbc *c,
			  const char *cert_id);

struct str_key {
	const char *key;
	bool required;
	const char **out; /* borrowed from the body */
};

/* a body of string members only: unknown keys, wrong types and missing required ones
 * are CC_E_INVALID naming the key */
int api_body_strings(json_t *body, const struct str_key *keys, size_t n, struct cc_err *err);

#endif
