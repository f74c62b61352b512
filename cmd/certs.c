/* certs.c: `certctl certs` — the certificate inventory, its lifecycle and export */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cmd/cli.h"
#include "libcc/err.h"
#include "libcc/fs.h"
#include "libcc/banned.h"

static const struct cli_col cols[] = {
	{ "ID", "id", CELL_ID },
	{ "COMMON NAME", "common_name", CELL_TEXT },
	{ "STATUS", "status", CELL_STATUS },
	{ "EXPIRES", "expires_at", CELL_TIME },
	{ "ISSUER", "issuer_id", CELL_TEXT },
	{ NULL, NULL, 0 },
};

static const struct cli_col version_cols[] = {
	{ "ID", "id", CELL_ID },
	{ "SERIAL", "serial_number", CELL_TEXT },
	{ "NOT BEFORE", "not_before", CELL_TIME },
	{ "NOT AFTER", "not_after", CELL_TIME },
	{ "KEY", "key_algorithm", CELL_TEXT },
	{ "CREATED", "created_at", CELL_TIME },
	{ NULL, NULL, 0 },
};

static const struct cc_opt list_opts[] = {
	CLI_LIST_OPTS,
	{ "status", 0, "STATUS", "only this status (Active, Expiring, Expired, Revoked ...)", -1 },
	{ "environment", 0, "NAME", "only this environment", -1 },
	{ "owner-id", 0, "OWNER", "only certificates of this owner", -1 },
	{ "team-id", 0, "TEAM", "only certificates of this team", -1 },
	{ "issuer-id", 0, "ISSUER", "only certificates of this issuer", -1 },
	{ "profile-id", 0, "PROFILE", "only certificates of this profile", -1 },
	{ "agent-id", 0, "AGENT", "only certificates deployed through this agent", -1 },
	{ "expires-before", 0, "TIME", "expiring before TIME (RFC 3339, YYYY-MM-DD, +30d)", -1 },
	{ "expires-after", 0, "TIME", "expiring after TIME", -1 },
	{ "created-after", 0, "TIME", "created after TIME (e.g. -7d)", -1 },
	{ "updated-after", 0, "TIME", "updated after TIME", -1 },
	CC_OPT_END,
};

#define CERT_FIELDS                                                                                \
	{ "name", 0, "NAME", "unique name", -1 },                                                  \
		{ "common-name", 0, "NAME", "subject common name", -1 },                           \
		{ "sans", 0, "NAME,...", "subject alternative names", -1 },                        \
		{ "environment", 0, "NAME", "environment, e.g. production", -1 },                  \
		{ "owner-id", 0, "OWNER", "owner", -1 }, { "team-id", 0, "TEAM", "team", -1 },     \
		{ "issuer-id", 0, "ISSUER", "issuer", -1 },                                        \
		{ "renewal-policy-id", 0, "ID", "renewal policy (e.g. rp-default)", -1 },          \
		{ "profile-id", 0, "PROFILE", "certificate profile", -1 },                         \
		{ "target-ids", 0, "TARGET,...", "deployment targets", -1 },                       \
		{ "tags", 0, "JSON", "tags, a JSON object", -1 }, CLI_DATA_OPT

static const struct cc_opt create_opts[] = {
	{ "id", 0, "ID", "the id (default: chosen by the server)", -1 },
	CERT_FIELDS,
	CC_OPT_END,
};
static const struct cc_opt update_opts[] = {
	CERT_FIELDS,
	{ "status", 0, "STATUS", "set the status", -1 },
	CC_OPT_END,
};
static const char *const renames[][2] = {
	{ "profile-id", "certificate_profile_id" },
	{ NULL, NULL },
};

static const struct cc_opt page_opts[] = { CLI_PAGE_OPTS, CC_OPT_END };
static const struct cc_opt deploy_opts[] = {
	{ "target-id", 0, "TARGET", "only this target", -1 },
	CC_OPT_END,
};
static const struct cc_opt export_opts[] = {
	{ "output", 0, "FILE", "write to FILE (mode 0644) instead of stdout", -1 },
	{ "pkcs12", 0, NULL, "a PKCS#12 trust store (binary: needs --output or a pipe)", -1 },
	{ "password", 0, "TEXT", "PKCS#12 password (default: none)", -1 },
	{ "chain", 0, NULL, "only the chain (CA certificates) as PEM", -1 },
	CC_OPT_END,
};
static const struct cc_opt revoke_opts[] = {
	{ "reason", 'r', "REASON", "RFC 5280 reason (default unspecified)", -1 },
	CC_OPT_END,
};
static const struct cc_opt bulk_opts[] = {
	{ "reason", 'r', "REASON", "RFC 5280 reason (default unspecified)", -1 },
	{ "profile-id", 0, "PROFILE", "every certificate of this profile", -1 },
	{ "owner-id", 0, "OWNER", "every certificate of this owner", -1 },
	{ "agent-id", 0, "AGENT", "every certificate deployed through this agent", -1 },
	{ "issuer-id", 0, "ISSUER", "every certificate of this issuer", -1 },
	{ "team-id", 0, "TEAM", "every certificate of this team", -1 },
	{ "dry-run", 'n', NULL, "only show what would be revoked", -1 },
	{ "yes", 'y', NULL, "do not ask for confirmation", -1 },
	CC_OPT_END,
};

#define P "/api/v1/certificates"
static const struct cc_subcmd verbs[] = {
	{ "list", "list certificates", NULL, list_opts, cli_list, P, cols },
	{ "get", "show one certificate", "CERT", NULL, cli_get, P "/{id}", NULL },
	{ "create", "add a certificate to the inventory", NULL, create_opts, cli_create, P,
	  renames },
	{ "update", "change fields of a certificate", "CERT", update_opts, cli_update, P "/{id}",
	  renames },
	{ "delete", "archive a certificate", "CERT", NULL, cli_delete, P "/{id}", NULL },
	{ "renew", "queue a renewal (issuance) job", "CERT", NULL, cli_action, P "/{id}/renew",
	  "renewal queued for certificate {id}" },
	{ "deploy", "deploy the newest version to the certificate's targets", "CERT", deploy_opts,
	  cli_action, P "/{id}/deploy", "deployment queued for certificate {id}" },
	{ "revoke", "revoke a certificate", "CERT", revoke_opts, cli_revoke, P "/{id}/revoke",
	  NULL },
	{ "bulk-revoke", "revoke every certificate matching criteria", "[CERT...]", bulk_opts,
	  cli_bulk_revoke, P "/bulk-revoke", NULL },
	{ "versions", "list the issued versions", "CERT", page_opts, cli_list, P "/{id}/versions",
	  version_cols },
	{ "deployments", "list the targets a certificate is deployed to", "CERT", NULL, cli_list,
	  P "/{id}/deployments", cli_target_cols },
	{ "export", "the newest version as PEM (or PKCS#12)", "CERT", export_opts, cli_export,
	  P "/{id}/export/pem", NULL },
	{ .name = NULL },
};
#undef P

CLI_COMMAND(certs,
	    "Lists, shows, creates, changes, renews, deploys, revokes and exports\n"
	    "certificates. Lists take the API's filters as options; --all follows every\n"
	    "page. With --format json each command prints the API's JSON unchanged.",
	    verbs)

static const char *opt(const struct cli *c, const char *name)
{
	return cc_opt_get(c->ctx->cmd, &c->ov, name);
}

int cli_export(struct cli *c)
{
	struct cc_response r;
	json_t *obj = NULL;
	char *path = NULL;
	int rc;

	if (opt(c, "pkcs12")) {
		json_t *body = json_object();
		const char *pw = opt(c, "password");
		if (pw)
			json_object_set_new(body, "password", json_string(pw));
		/* c->path is .../CERT/export/pem */
		path = cc_xasprintf("%.*s/export/pkcs12",
				    (int)(strstr(c->path, "/export/pem") - c->path), c->path);
		rc = cli_request(c, "POST", path, body, &r);
		json_decref(body);
		if (!rc) {
			rc = cli_emit(c, opt(c, "output"), r.body.buf, r.body.len, true);
			cc_response_release(&r);
		}
		free(path);
		return rc;
	}
	if ((rc = cli_request(c, "GET", c->path, NULL, &r)))
		return rc;
	if (c->json) {
		cli_print_raw(&r);
	} else if (!(obj = json_loadb(r.body.buf, r.body.len, 0, NULL))) {
		struct cc_err err = CC_ERR_INIT;
		cc_err_set(&err, CC_E_INTERNAL, "the server answered with invalid JSON");
		rc = cli_fail(c, &err);
	} else {
		const char *pem = json_string_value(
			json_object_get(obj, opt(c, "chain") ? "chain_pem" : "full_pem"));
		rc = cli_emit(c, opt(c, "output"), pem ? pem : "", pem ? strlen(pem) : 0, false);
	}
	json_decref(obj);
	cc_response_release(&r);
	return rc;
}
