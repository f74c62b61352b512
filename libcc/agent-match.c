/* agent-match.c: agent group criteria (OS, architecture, version, CIDR) against an agent */
#include <arpa/inet.h>
#include <string.h>
#include <strings.h>
#include "libcc/agent-match.h"
#include "libcc/agent.h"
#include "libcc/agent-group.h"
#include "libcc/banned.h"

static const unsigned char v4_mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

/* a plain decimal 0..max without sign or leading zeros */
static int parse_prefix(const char *s, int max)
{
	int n = 0;

	if (!*s || (s[0] == '0' && s[1]))
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		n = n * 10 + (*s - '0');
		if (n > max)
			return -1;
	}
	return n;
}

/* textual address → family and bytes; IPv4-mapped IPv6 becomes IPv4 when unmap */
static int parse_addr(const char *s, bool unmap, int *family, unsigned char out[16])
{
	if (inet_pton(AF_INET, s, out) == 1) {
		*family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, s, out) != 1)
		return -1;
	*family = AF_INET6;
	if (unmap && !memcmp(out, v4_mapped, sizeof(v4_mapped))) {
		memmove(out, out + 12, 4);
		*family = AF_INET;
	}
	return 0;
}

int cc_agent_match_parse_cidr(const char *s, struct cc_cidr *out)
{
	char addr[INET6_ADDRSTRLEN];
	const char *slash;
	size_t n;

	if (!s)
		return -1;
	slash = strchr(s, '/');
	n = slash ? (size_t)(slash - s) : strlen(s);
	if (!n || n >= sizeof(addr))
		return -1;
	memcpy(addr, s, n);
	addr[n] = '\0';
	memset(out, 0, sizeof(*out));
	if (parse_addr(addr, false, &out->family, out->addr) < 0)
		return -1;
	out->prefix = out->family == AF_INET ? 32 : 128;
	if (slash && (out->prefix = parse_prefix(slash + 1, out->prefix)) < 0)
		return -1;
	return 0;
}

bool cc_agent_match_ip(const struct cc_cidr *net, const char *ip)
{
	unsigned char a[16];
	int family, full, rest;

	if (!ip || !*ip || parse_addr(ip, true, &family, a) < 0 || family != net->family)
		return false;
	full = net->prefix / 8;
	rest = net->prefix % 8;
	if (memcmp(a, net->addr, (size_t)full))
		return false;
	if (rest) {
		unsigned char mask = (unsigned char)(0xff << (8 - rest));
		if ((a[full] & mask) != (net->addr[full] & mask))
			return false;
	}
	return true;
}

static bool set(const char *s)
{
	return s && *s;
}

static bool version_matches(const char *pattern, const char *version)
{
	size_t n = strlen(pattern);

	if (pattern[n - 1] == '*')
		return !strncmp(pattern, version, n - 1);
	return !strcmp(pattern, version);
}

bool cc_agent_group_matches_agent(const struct cc_agent_group *g, const struct cc_agent *a)
{
	struct cc_cidr net;

	if (!set(g->match_os) && !set(g->match_architecture) && !set(g->match_version) &&
	    !set(g->match_ip_cidr))
		return false;
	if (set(g->match_os) && (!set(a->os) || strcasecmp(g->match_os, a->os)))
		return false;
	if (set(g->match_architecture) &&
	    (!set(a->architecture) || strcasecmp(g->match_architecture, a->architecture)))
		return false;
	if (set(g->match_version) &&
	    (!set(a->version) || !version_matches(g->match_version, a->version)))
		return false;
	if (set(g->match_ip_cidr) && (cc_agent_match_parse_cidr(g->match_ip_cidr, &net) < 0 ||
				      !cc_agent_match_ip(&net, a->ip_address)))
		return false;
	return true;
}
