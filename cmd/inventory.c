/* inventory.c: `certctl issuers|targets|profiles|policies|owners|teams|agent-groups` — the
 * configuration resources, each a verb table over the generic verbs of cli-verbs.c */
#include "cmd/cli.h"
#include "libcc/banned.h"

#define ENABLED_FILTER                                                                             \
	{                                                                                          \
		"enabled", 0, "true|false", "only enabled (or disabled) ones", -1                  \
	}
#define ENABLED_FIELD                                                                              \
	{                                                                                          \
		"enabled", 0, "true|false", "enabled", -1                                          \
	}
#define NAME_FIELD                                                                                 \
	{                                                                                          \
		"name", 0, "NAME", "name", -1                                                      \
	}

/* ---- issuers ---- */
static const struct cli_col issuer_cols[] = {
	{ "ID", "id", CELL_ID },
	{ "NAME", "name", CELL_TEXT },
	{ "TYPE", "type", CELL_TEXT },
	{ "ENABLED", "enabled", CELL_BOOL },
	{ "TEST", "test_status", CELL_STATUS },
	{ "CREATED", "created_at", CELL_TIME },
	{ NULL, NULL, 0 },
};
static const struct cc_opt issuer_list[] = {
	CLI_LIST_OPTS,	{ "type", 0, "TYPE", "only this type (GenericCA, ACME ...)", -1 },
	ENABLED_FILTER, { "source", 0, "SOURCE", "only from this source (database, env)", -1 },
	CC_OPT_END,
};
static const struct cc_opt issuer_write[] = {
	NAME_FIELD,
	{ "type", 0, "TYPE", "connector type (GenericCA, ACME, StepCA ...)", -1 },
	{ "config", 0, "JSON", "connector configuration, a JSON object", -1 },
	ENABLED_FIELD,
	CLI_DATA_OPT,
	CC_OPT_END,
};
static const struct cc_subcmd issuer_verbs[] = {
	CLI_CRUD("/api/v1/issuers", "ISSUER", "issuers", "issuer", issuer_list, issuer_cols,
		 issuer_write),
	{ "test", "test the connection of an issuer", "ISSUER", NULL, cli_action,
	  "/api/v1/issuers/{id}/test", "issuer {id}: connection test" },
	{ .name = NULL },
};
CLI_COMMAND(issuers, "Certificate authorities the certificates are issued by.", issuer_verbs)

/* ---- targets ---- */
const struct cli_col cli_target_cols[] = {
	{ "ID", "id", CELL_ID },
	{ "NAME", "name", CELL_TEXT },
	{ "TYPE", "type", CELL_TEXT },
	{ "AGENT", "agent_id", CELL_TEXT },
	{ "ENABLED", "enabled", CELL_BOOL },
	{ "TEST", "test_status", CELL_STATUS },
	{ NULL, NULL, 0 },
};
static const struct cc_opt target_list[] = {
	CLI_LIST_OPTS,
	{ "agent-id", 0, "AGENT", "only targets of this agent", -1 },
	{ "type", 0, "TYPE", "only this type (NGINX, Apache, HAProxy ...)", -1 },
	ENABLED_FILTER,
	CC_OPT_END,
};
static const struct cc_opt target_write[] = {
	NAME_FIELD,
	{ "type", 0, "TYPE", "NGINX, Apache, HAProxy, Traefik, Caddy, Envoy, Postfix, Dovecot",
	  -1 },
	{ "agent-id", 0, "AGENT", "the agent that deploys to it", -1 },
	{ "config", 0, "JSON", "paths, validate and reload commands ..., a JSON object", -1 },
	ENABLED_FIELD,
	CLI_DATA_OPT,
	CC_OPT_END,
};
static const struct cc_subcmd target_verbs[] = {
	CLI_CRUD("/api/v1/targets", "TARGET", "deployment targets", "target", target_list,
		 cli_target_cols, target_write),
	{ "test", "check that the target's agent is reachable", "TARGET", NULL, cli_action,
	  "/api/v1/targets/{id}/test", "target {id}: connection test" },
	{ .name = NULL },
};
CLI_COMMAND(targets, "Deployment targets: the servers agents install certificates on.",
	    target_verbs)

/* ---- profiles ---- */
static const struct cli_col profile_cols[] = {
	{ "ID", "id", CELL_ID },
	{ "NAME", "name", CELL_TEXT },
	{ "ENABLED", "enabled", CELL_BOOL },
	{ "MAX TTL (S)", "max_ttl_seconds", CELL_NUM },
	{ "APPROVAL", "requires_approval", CELL_BOOL },
	{ "EKUS", "allowed_ekus", CELL_LIST },
	{ NULL, NULL, 0 },
};
static const struct cc_opt profile_list[] = { CLI_LIST_OPTS, ENABLED_FILTER, CC_OPT_END };
static const struct cc_opt profile_write[] = {
	NAME_FIELD,
	{ "description", 0, "TEXT", "description", -1 },
	{ "max-ttl-seconds", 0, "SECONDS", "longest validity", -1 },
	{ "allowed-ekus", 0, "EKU,...", "serverAuth, clientAuth, emailProtection ...", -1 },
	{ "allowed-key-algorithms", 0, "JSON", "e.g. [{\"algorithm\":\"ECDSA\",\"min_size\":256}]",
	  -1 },
	{ "required-san-patterns", 0, "REGEX,...", "every SAN must match one", -1 },
	{ "allow-short-lived", 0, "true|false", "allow certificates under an hour", -1 },
	{ "requires-approval", 0, "true|false", "issuance waits for approval", -1 },
	ENABLED_FIELD,
	CLI_DATA_OPT,
	CC_OPT_END,
};
static const struct cc_subcmd profile_verbs[] = {
	CLI_CRUD("/api/v1/profiles", "PROFILE", "certificate profiles", "profile", profile_list,
		 profile_cols, profile_write),
	{ .name = NULL },
};
CLI_COMMAND(profiles, "Certificate profiles: key algorithms, EKUs, lifetimes, approval.",
	    profile_verbs)

/* ---- policies ---- */
static const struct cli_col policy_cols[] = {
	{ "ID", "id", CELL_ID },
	{ "NAME", "name", CELL_TEXT },
	{ "TYPE", "type", CELL_TEXT },
	{ "SEVERITY", "severity", CELL_STATUS },
	{ "ENABLED", "enabled", CELL_BOOL },
	{ NULL, NULL, 0 },
};
static const struct cli_col violation_cols[] = {
	{ "ID", "id", CELL_ID },
	{ "CERTIFICATE", "certificate_id", CELL_TEXT },
	{ "SEVERITY", "severity", CELL_STATUS },
	{ "MESSAGE", "message", CELL_TEXT },
	{ "CREATED", "created_at", CELL_TIME },
	{ NULL, NULL, 0 },
};
static const struct cc_opt policy_list[] = {
	CLI_LIST_OPTS,
	{ "type", 0, "TYPE", "only this rule type", -1 },
	ENABLED_FILTER,
	{ "severity", 0, "SEVERITY", "only this severity (Warning, Error, Critical)", -1 },
	{ "agent-group-id", 0, "GROUP", "only rules scoped to this agent group", -1 },
	CC_OPT_END,
};
static const struct cc_opt policy_write[] = {
	NAME_FIELD,
	{ "type", 0, "TYPE", "AllowedIssuers, AllowedDomains, RequiredMetadata ...", -1 },
	{ "config", 0, "JSON", "the rule's settings, a JSON object", -1 },
	{ "severity", 0, "SEVERITY", "Warning, Error or Critical", -1 },
	{ "agent-group-id", 0, "GROUP", "only for certificates of this agent group", -1 },
	ENABLED_FIELD,
	CLI_DATA_OPT,
	CC_OPT_END,
};
static const struct cc_opt page_opts[] = { CLI_PAGE_OPTS, CC_OPT_END };
static const struct cc_subcmd policy_verbs[] = {
	CLI_CRUD("/api/v1/policies", "POLICY", "policy rules", "policy rule", policy_list,
		 policy_cols, policy_write),
	{ "violations", "list the violations of a rule", "POLICY", page_opts, cli_list,
	  "/api/v1/policies/{id}/violations", violation_cols },
	{ .name = NULL },
};
CLI_COMMAND(policies, "Policy rules certificates are checked against, and their violations.",
	    policy_verbs)

/* ---- owners and teams ---- */
static const struct cli_col owner_cols[] = {
	{ "ID", "id", CELL_ID },
	{ "NAME", "name", CELL_TEXT },
	{ "EMAIL", "email", CELL_TEXT },
	{ "TEAM", "team_id", CELL_TEXT },
	{ NULL, NULL, 0 },
};
static const struct cc_opt owner_list[] = {
	CLI_LIST_OPTS,
	{ "team-id", 0, "TEAM", "only owners of this team", -1 },
	{ "email", 0, "ADDRESS", "only this e-mail address", -1 },
	CC_OPT_END,
};
static const struct cc_opt owner_write[] = {
	NAME_FIELD,
	{ "email", 0, "ADDRESS", "e-mail address for notifications", -1 },
	{ "team-id", 0, "TEAM", "team", -1 },
	CLI_DATA_OPT,
	CC_OPT_END,
};
static const struct cc_subcmd owner_verbs[] = {
	CLI_CRUD("/api/v1/owners", "OWNER", "owners", "owner", owner_list, owner_cols, owner_write),
	{ .name = NULL },
};
CLI_COMMAND(owners, "People responsible for certificates.", owner_verbs)

static const struct cli_col team_cols[] = {
	{ "ID", "id", CELL_ID },
	{ "NAME", "name", CELL_TEXT },
	{ "DESCRIPTION", "description", CELL_TEXT },
	{ NULL, NULL, 0 },
};
static const struct cc_opt team_list[] = {
	CLI_LIST_OPTS,
	{ "name", 0, "NAME", "only the team with this name", -1 },
	{ "created-after", 0, "TIME", "created after TIME (RFC 3339, YYYY-MM-DD, -7d)", -1 },
	{ "updated-after", 0, "TIME", "updated after TIME", -1 },
	CC_OPT_END,
};
static const struct cc_opt team_write[] = {
	NAME_FIELD,
	{ "description", 0, "TEXT", "description", -1 },
	CLI_DATA_OPT,
	CC_OPT_END,
};
static const struct cc_subcmd team_verbs[] = {
	CLI_CRUD("/api/v1/teams", "TEAM", "teams", "team", team_list, team_cols, team_write),
	{ .name = NULL },
};
CLI_COMMAND(teams, "Teams that own certificates.", team_verbs)

/* ---- agent groups ---- */
static const struct cli_col group_cols[] = {
	{ "ID", "id", CELL_ID },
	{ "NAME", "name", CELL_TEXT },
	{ "ENABLED", "enabled", CELL_BOOL },
	{ "OS", "match_os", CELL_TEXT },
	{ "ARCH", "match_architecture", CELL_TEXT },
	{ "CIDR", "match_ip_cidr", CELL_TEXT },
	{ "DESCRIPTION", "description", CELL_TEXT },
	{ NULL, NULL, 0 },
};
static const struct cli_col member_cols[] = {
	{ "ID", "id", CELL_ID },
	{ "NAME", "name", CELL_TEXT },
	{ "HOSTNAME", "hostname", CELL_TEXT },
	{ "STATUS", "status", CELL_STATUS },
	{ NULL, NULL, 0 },
};
static const struct cc_opt group_list[] = {
	CLI_LIST_OPTS,
	{ "name", 0, "NAME", "only the group with this name", -1 },
	ENABLED_FILTER,
	CC_OPT_END,
};
static const struct cc_opt group_write[] = {
	NAME_FIELD,
	{ "description", 0, "TEXT", "description", -1 },
	{ "match-os", 0, "OS", "agents with this OS (e.g. linux)", -1 },
	{ "match-architecture", 0, "ARCH", "agents with this architecture", -1 },
	{ "match-ip-cidr", 0, "CIDR", "agents with an address in this network", -1 },
	{ "match-version", 0, "VERSION", "agents of this version", -1 },
	ENABLED_FIELD,
	CLI_DATA_OPT,
	CC_OPT_END,
};
static const struct cc_subcmd group_verbs[] = {
	CLI_CRUD("/api/v1/agent-groups", "GROUP", "agent groups", "agent group", group_list,
		 group_cols, group_write),
	{ "members", "list the agents of a group", "GROUP", NULL, cli_list,
	  "/api/v1/agent-groups/{id}/members", member_cols },
	{ .name = NULL },
};
CLI_COMMAND(agent_groups,
	    "Groups of agents, by explicit membership or by OS, architecture,\n"
	    "network and version.",
	    group_verbs)
