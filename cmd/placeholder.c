/* placeholder.c: the table of argument placeholders */
#include <stdio.h>
#include <string.h>
#include "cmd/placeholder.h"
#include "libcc/banned.h"

#define REASONS                                                                                    \
	"unspecified|keyCompromise|caCompromise|affiliationChanged|superseded|"                    \
	"cessationOfOperation|certificateHold|privilegeWithdrawn"

static const struct cc_placeholder table[] = {
	{ "CERT", "certificate", "/api/v1/certificates", NULL },
	{ "AGENT", "agent", "/api/v1/agents", NULL },
	{ "JOB", "job", "/api/v1/jobs", NULL },
	{ "ISSUER", "issuer", "/api/v1/issuers", NULL },
	{ "TARGET", "target", "/api/v1/targets", NULL },
	{ "PROFILE", "profile", "/api/v1/profiles", NULL },
	{ "POLICY", "policy", "/api/v1/policies", NULL },
	{ "OWNER", "owner", "/api/v1/owners", NULL },
	{ "TEAM", "team", "/api/v1/teams", NULL },
	{ "GROUP", "agent group", "/api/v1/agent-groups", NULL },
	{ "NOTIFICATION", "notification", "/api/v1/notifications", NULL },
	{ "DISCOVERED", "discovered certificate", "/api/v1/discovered-certificates", NULL },
	{ "EVENT", "audit event", NULL, NULL },
	{ "SERIAL", "serial number", NULL, NULL },
	{ "REASON", "reason", NULL, REASONS },
	{ "FORMAT", "format", NULL, "table|json" },
	{ "true|false", "boolean", NULL, "true|false" },
};

const struct cc_placeholder *cc_placeholder_find(const char *word)
{
	char w[64];
	size_t n;

	if (!word)
		return NULL;
	snprintf(w, sizeof(w), "%s", word + (*word == '['));
	n = strcspn(w, ".]");
	w[n] = '\0';
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (!strcmp(table[i].name, w))
			return &table[i];
	return NULL;
}

const char *cc_usage_word(const char *usage, int n, char *buf, unsigned size)
{
	const char *p = usage;

	if (size)
		buf[0] = '\0';
	while (p && *p) {
		size_t len;
		p += strspn(p, " ");
		len = strcspn(p, " ");
		if (!len)
			break;
		if (strncmp(p, "[options]", len) && *p != '-') {
			snprintf(buf, size, "%.*s", (int)len, p);
			if (n-- == 0)
				return buf;
		}
		p += len;
	}
	/* "[CERT...]" takes every further argument */
	return n >= 0 && buf[0] && strstr(buf, "...") ? buf : NULL;
}
