/* agent-match.h: does an agent satisfy an agent group's dynamic criteria (OS, architecture,
 * version, IP range)? */
#ifndef CC_AGENT_MATCH_H
#define CC_AGENT_MATCH_H

#include <stdbool.h>

struct cc_agent;
struct cc_agent_group;

/* an IPv4 or IPv6 network */
struct cc_cidr {
	int family; /* AF_INET or AF_INET6 */
	unsigned char addr[16];
	int prefix; /* 0..32 or 0..128 */
};

/* "addr/prefix" (IPv4 or IPv6), or a bare address meaning /32 or /128; the prefix is
 * decimal without sign or leading zeros. Host bits may be set ("10.0.0.5/8" is 10/8).
 * Returns 0, or -1 for anything else */
int cc_agent_match_parse_cidr(const char *s, struct cc_cidr *out);
/* is the textual address ip inside net? An IPv4-mapped IPv6 address (::ffff:a.b.c.d)
 * counts as the IPv4 address; families must agree otherwise; unparsable ip → false */
bool cc_agent_match_ip(const struct cc_cidr *net, const char *ip);

/* all non-empty criteria of g must hold for a:
 *   match_os, match_architecture: equal to the agent's value, ignoring ASCII case;
 *   match_version: equal to the agent's version, or ending in '*' and a prefix of it
 *     ("1.2.*" matches "1.2.7"; a lone "*" matches any non-empty version);
 *   match_ip_cidr: contains the agent's ip_address (cc_agent_match_ip).
 * A non-empty criterion never matches an empty agent value, and a group without any
 * criterion matches no agent: its members are then only the manual ones */
bool cc_agent_group_matches_agent(const struct cc_agent_group *g, const struct cc_agent *a);

#endif
