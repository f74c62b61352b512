/* operations.c: `certctl agents|jobs|audit|notifications|discover` — what happens in the
 * fleet, each a verb table over the generic verbs of cli-verbs.c */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cmd/cli.h"
#include "libcc/banned.h"

/* ---- agents ---- */
static const struct cli_col agent_cols[] = {
	{ "ID", "id", CELL_ID },
	{ "HOSTNAME", "hostname", CELL_TEXT },
	{ "STATUS", "status", CELL_STATUS },
	{ "OS", "os", CELL_TEXT },
	{ "ARCHITECTURE", "architecture", CELL_TEXT },
	{ "IP ADDRESS", "ip_address", CELL_TEXT },
	{ "LAST HEARTBEAT", "last_heartbeat_at", CELL_TIME },
	{ NULL, NULL, 0 },
};
static const struct cc_opt agent_list[] = {
	CLI_LIST_OPTS,
	{ "status", 0, "STATUS", "only this status (Online, Offline, Stale)", -1 },
	{ "os", 0, "OS", "only this operating system", -1 },
	{ "architecture", 0, "ARCH", "only this architecture", -1 },
	{ "version", 0, "VERSION", "only this agent version", -1 },
	{ "hostname", 0, "HOST", "only this host name", -1 },
	CC_OPT_END,
};
static const struct cc_subcmd agent_verbs[] = {
	{ "list", "list agents", NULL, agent_list, cli_list, "/api/v1/agents", agent_cols },
	{ "get", "show one agent", "AGENT", NULL, cli_get, "/api/v1/agents/{id}", NULL },
	{ .name = NULL },
};
CLI_COMMAND(agents, "The agents that generate keys and deploy certificates on hosts.", agent_verbs)

/* ---- jobs ---- */
static const struct cli_col job_cols[] = {
	{ "ID", "id", CELL_ID },
	{ "TYPE", "type", CELL_TEXT },
	{ "CERTIFICATE", "certificate_id", CELL_TEXT },
	{ "STATUS", "status", CELL_STATUS },
	{ "ATTEMPTS", "attempts", CELL_NUM },
	{ "CREATED", "created_at", CELL_TIME },
	{ NULL, NULL, 0 },
};
static const struct cc_opt job_list[] = {
	CLI_LIST_OPTS,
	{ "status", 0, "STATUS", "only this status (Pending, Running, Failed ...)", -1 },
	{ "type", 0, "TYPE", "only this type (Issuance, Renewal, Deployment ...)", -1 },
	{ "certificate-id", 0, "CERT", "only jobs of this certificate", -1 },
	{ "agent-id", 0, "AGENT", "only jobs of this agent", -1 },
	{ "target-id", 0, "TARGET", "only jobs of this target", -1 },
	{ "created-after", 0, "TIME", "created after TIME (RFC 3339, YYYY-MM-DD, -1d)", -1 },
	CC_OPT_END,
};
static const struct cc_opt reject_opts[] = {
	{ "reason", 'r', "TEXT", "why (recorded on the job)", -1 },
	CC_OPT_END,
};
#define J "/api/v1/jobs"
static const struct cc_subcmd job_verbs[] = {
	{ "list", "list jobs", NULL, job_list, cli_list, J, job_cols },
	{ "get", "show one job", "JOB", NULL, cli_get, J "/{id}", NULL },
	{ "cancel", "cancel a pending or running job", "JOB", NULL, cli_action, J "/{id}/cancel",
	  "job {id} cancelled" },
	{ "approve", "approve a job that awaits approval", "JOB", NULL, cli_action,
	  J "/{id}/approve", "job {id} approved" },
	{ "reject", "reject a job that awaits approval", "JOB", reject_opts, cli_action,
	  J "/{id}/reject", "job {id} rejected" },
	{ "verification", "the deployment verification result of a job", "JOB", NULL, cli_get,
	  J "/{id}/verification", NULL },
	{ .name = NULL },
};
#undef J
CLI_COMMAND(jobs, "Issuance, renewal, deployment and revocation jobs.", job_verbs)

/* ---- audit ---- */
static const struct cli_col audit_cols[] = {
	{ "ID", "id", CELL_ID },
	{ "TIME", "timestamp", CELL_TIME },
	{ "ACTOR", "actor", CELL_TEXT },
	{ "ACTION", "action", CELL_TEXT },
	{ "RESOURCE TYPE", "resource_type", CELL_TEXT },
	{ "RESOURCE", "resource_id", CELL_TEXT },
	{ NULL, NULL, 0 },
};
#define AUDIT_FILTERS                                                                              \
	{ "actor", 0, "NAME", "only events of this actor", -1 },                                   \
		{ "actor-type", 0, "TYPE", "only this actor type (User, Agent, System)", -1 },     \
		{ "action", 0, "ACTION", "only this action", -1 },                                 \
		{ "resource-type", 0, "TYPE", "only this resource type", -1 },                     \
		{ "resource-id", 0, "ID", "only events about this resource", -1 },                 \
		{ "after", 0, "TIME", "after TIME (RFC 3339, YYYY-MM-DD, -1d)", -1 },              \
	{                                                                                          \
		"before", 0, "TIME", "before TIME", -1                                             \
	}
static const struct cc_opt audit_list[] = { CLI_LIST_OPTS, AUDIT_FILTERS, CC_OPT_END };
static const struct cc_opt audit_export_opts[] = {
	AUDIT_FILTERS,
	{ "csv", 0, NULL, "CSV instead of JSON lines", -1 },
	{ "output", 0, "FILE", "write to FILE instead of stdout", -1 },
	CC_OPT_END,
};
static const struct cc_subcmd audit_verbs[] = {
	{ "list", "list audit events, newest first", NULL, audit_list, cli_list, "/api/v1/audit",
	  audit_cols },
	{ "export", "every matching event as JSON lines or CSV", NULL, audit_export_opts,
	  cli_audit_export, "/api/v1/audit", NULL },
	{ .name = NULL },
};
CLI_COMMAND(audit, "The audit trail: every change and who made it.", audit_verbs)

/* ---- notifications ---- */
static const struct cli_col notif_cols[] = {
	{ "ID", "id", CELL_ID },
	{ "TYPE", "type", CELL_TEXT },
	{ "CHANNEL", "channel", CELL_TEXT },
	{ "STATUS", "status", CELL_STATUS },
	{ "CERTIFICATE", "certificate_id", CELL_TEXT },
	{ "CREATED", "created_at", CELL_TIME },
	{ "MESSAGE", "message", CELL_TEXT },
	{ NULL, NULL, 0 },
};
static const struct cc_opt notif_list[] = {
	CLI_LIST_OPTS,
	{ "status", 0, "STATUS", "only this status (pending, sent, failed, read)", -1 },
	{ "type", 0, "TYPE", "only this type (ExpirationWarning ...)", -1 },
	{ "channel", 0, "CHANNEL", "only this channel (Email, Webhook ...)", -1 },
	{ "certificate-id", 0, "CERT", "only about this certificate", -1 },
	CC_OPT_END,
};
static const struct cc_subcmd notif_verbs[] = {
	{ "list", "list notifications", NULL, notif_list, cli_list, "/api/v1/notifications",
	  notif_cols },
	{ "get", "show one notification", "NOTIFICATION", NULL, cli_get,
	  "/api/v1/notifications/{id}", NULL },
	{ "read", "mark a notification as read", "NOTIFICATION", NULL, cli_action,
	  "/api/v1/notifications/{id}/read", "notification {id} marked as read" },
	{ .name = NULL },
};
CLI_COMMAND(notifications, "Notifications: expiry warnings, failures, policy violations.",
	    notif_verbs)

/* ---- discovery ---- */
static const struct cli_col found_cols[] = {
	{ "ID", "id", CELL_ID },
	{ "COMMON NAME", "common_name", CELL_TEXT },
	{ "STATUS", "status", CELL_STATUS },
	{ "EXPIRES", "not_after", CELL_TIME },
	{ "AGENT", "agent_id", CELL_TEXT },
	{ "SOURCE", "source_path", CELL_TEXT },
	{ NULL, NULL, 0 },
};
static const struct cli_col scan_cols[] = {
	{ "ID", "id", CELL_ID },
	{ "AGENT", "agent_id", CELL_TEXT },
	{ "STARTED", "started_at", CELL_TIME },
	{ "FOUND", "certificates_found", CELL_NUM },
	{ "NEW", "certificates_new", CELL_NUM },
	{ "ERRORS", "errors_count", CELL_NUM },
	{ NULL, NULL, 0 },
};
static const struct cc_opt found_list[] = {
	CLI_LIST_OPTS,
	{ "agent-id", 0, "AGENT", "only found by this agent", -1 },
	{ "status", 0, "STATUS", "only this status (Unmanaged, Managed, Dismissed)", -1 },
	{ "fingerprint", 0, "SHA256", "only this SHA-256 fingerprint (hex)", -1 },
	CC_OPT_END,
};
static const struct cc_opt scan_list[] = {
	CLI_PAGE_OPTS,
	{ "agent-id", 0, "AGENT", "only scans of this agent", -1 },
	CC_OPT_END,
};
#define D "/api/v1/discovered-certificates"
static const struct cc_subcmd discover_verbs[] = {
	{ "list", "list discovered certificates", NULL, found_list, cli_list, D, found_cols },
	{ "get", "show one discovered certificate", "DISCOVERED", NULL, cli_get, D "/{id}", NULL },
	{ "claim", "link a discovered certificate to a managed one", "DISCOVERED CERT", NULL,
	  cli_discover_claim, D "/{id}/claim", NULL },
	{ "dismiss", "dismiss a discovered certificate", "DISCOVERED", NULL, cli_action,
	  D "/{id}/dismiss", "discovered certificate {id} dismissed" },
	{ "scans", "list discovery scans", NULL, scan_list, cli_list, "/api/v1/discovery-scans",
	  scan_cols },
	{ "summary", "discovered certificates by status", NULL, NULL, cli_get,
	  "/api/v1/discovery-summary", NULL },
	{ .name = NULL },
};
#undef D
CLI_COMMAND(discover, "Certificates agents and network scans found on hosts.", discover_verbs)

int cli_discover_claim(struct cli *c)
{
	json_t *body = json_pack("{s:s}", "managed_certificate_id", c->ov.pos.v[1]);
	int rc = cli_send(c, "POST", body, "discovered certificate {id} claimed");

	json_decref(body);
	return rc;
}

static void csv_field(FILE *f, const char *s)
{
	if (!strpbrk(s, ",\"\n\r")) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

int cli_audit_export(struct cli *c)
{
	static const char *const keys[] = { "id",     "timestamp",     "actor",	      "actor_type",
					    "action", "resource_type", "resource_id", "details" };
	struct cc_buf q = CC_BUF_INIT, out = CC_BUF_INIT;
	const char *file = cc_opt_get(c->ctx->cmd, &c->ov, "output");
	bool csv = cc_opt_isset(c->ctx->cmd, &c->ov, "csv");
	json_t *all = NULL, *e;
	size_t i;
	int rc;

	if ((rc = cli_query(c, &q)))
		return rc;
	/* --csv and --output are ours, not the server's */
	rc = cli_fetch_all(c, q.buf, &all);
	cc_buf_release(&q);
	if (rc)
		return rc;
	if (csv)
		cc_buf_adds(&out, "id,timestamp,actor,actor_type,action,resource_type,resource_id,"
				  "details\n");
	json_array_foreach (all, i, e) {
		char *line = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&line, &len);
		for (size_t k = 0; csv && k < CC_ARRAY_SIZE(keys); k++) {
			json_t *v = json_object_get(e, keys[k]);
			char *s = json_is_string(v) ? NULL
						    : json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
			if (k)
				fputc(',', f);
			csv_field(f, json_is_string(v) ? json_string_value(v) : s ? s : "");
			free(s);
		}
		if (!csv) {
			char *s = json_dumps(e, JSON_COMPACT | JSON_ENCODE_ANY);
			fputs(s ? s : "null", f);
			free(s);
		}
		fputc('\n', f);
		fclose(f);
		cc_buf_add(&out, line, len);
		free(line);
	}
	rc = cli_emit(c, file, out.buf, out.len, false);
	cc_buf_release(&out);
	json_decref(all);
	return rc;
}
