/* test-agent-match.c: agent group criteria — CIDR parsing and containment, case, version
 * wildcards, empty criteria */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <cmocka.h>
#include "libcc/agent.h"
#include "libcc/agent-group.h"
#include "libcc/agent-match.h"

struct cidr_case {
	const char *cidr;
	bool valid;
};

static const struct cidr_case cidr_cases[] = {
	{ "10.0.0.0/8", true },
	{ "0.0.0.0/0", true },
	{ "192.168.1.7/32", true },
	{ "192.168.1.7", true }, /* a bare address is a /32 */
	{ "10.0.0.5/24", true }, /* host bits may be set */
	{ "2001:db8::/32", true },
	{ "::/0", true },
	{ "::1/128", true },
	{ "::1", true },
	{ "::ffff:10.0.0.0/104", true },
	{ "10.0.0.0/33", false },
	{ "2001:db8::/129", false },
	{ "10.0.0.0/", false },
	{ "10.0.0.0/-1", false },
	{ "10.0.0.0/+8", false },
	{ "10.0.0.0/08", false },
	{ "10.0.0.0/8/8", false },
	{ "10.0.0.0/8 ", false },
	{ " 10.0.0.0/8", false },
	{ "10.0.0/8", false },
	{ "256.0.0.0/8", false },
	{ "10.0.0.0.0/8", false },
	{ "fe80::1%eth0/64", false },
	{ "2001:db8:::/32", false },
	{ "example.com/24", false },
	{ "/8", false },
	{ "", false },
};

static void test_agent_match__parse_cidr(void **state)
{
	struct cc_cidr net;

	(void)state;
	for (size_t i = 0; i < sizeof(cidr_cases) / sizeof(cidr_cases[0]); i++) {
		int rc = cc_agent_match_parse_cidr(cidr_cases[i].cidr, &net);
		if ((rc == 0) != cidr_cases[i].valid)
			fail_msg("'%s': parse %d, want %s", cidr_cases[i].cidr, rc,
				 cidr_cases[i].valid ? "valid" : "invalid");
	}
	assert_int_equal(cc_agent_match_parse_cidr(NULL, &net), -1);
	assert_int_equal(cc_agent_match_parse_cidr("192.168.1.7", &net), 0);
	assert_int_equal(net.prefix, 32);
	assert_int_equal(cc_agent_match_parse_cidr("::1", &net), 0);
	assert_int_equal(net.prefix, 128);
}

struct match_case {
	const char *what;
	const char *os, *arch, *version, *cidr; /* group criteria */
	const char *a_os, *a_arch, *a_version, *a_ip;
	bool want;
};

static const struct match_case match_cases[] = {
	{ "no criteria matches nothing", "", "", "", "", "linux", "amd64", "1.0", "10.0.0.1",
	  false },
	{ "NULL criteria match nothing", NULL, NULL, NULL, NULL, "linux", "amd64", "1.0",
	  "10.0.0.1", false },
	{ "os equal", "linux", "", "", "", "linux", "", "", "", true },
	{ "os ignores case", "Linux", "", "", "", "LINUX", "", "", "", true },
	{ "os differs", "linux", "", "", "", "windows", "", "", "", false },
	{ "os not a prefix", "lin", "", "", "", "linux", "", "", "", false },
	{ "os empty on agent", "linux", "", "", "", "", "", "", "", false },
	{ "os NULL on agent", "linux", "", "", "", NULL, NULL, NULL, NULL, false },
	{ "arch ignores case", "", "ARM64", "", "", "", "arm64", "", "", true },
	{ "arch differs", "", "arm64", "", "", "", "amd64", "", "", false },
	{ "all must match", "linux", "amd64", "", "", "linux", "arm64", "", "", false },
	{ "all match", "linux", "amd64", "2.*", "10.0.0.0/8", "Linux", "AMD64", "2.1.0", "10.1.2.3",
	  true },
	{ "version exact", "", "", "1.2.3", "", "", "", "1.2.3", "", true },
	{ "version exact differs", "", "", "1.2.3", "", "", "", "1.2.30", "", false },
	{ "version is case-sensitive", "", "", "v1", "", "", "", "V1", "", false },
	{ "version wildcard", "", "", "1.2.*", "", "", "", "1.2.9", "", true },
	{ "version wildcard mismatch", "", "", "1.2.*", "", "", "", "1.3.0", "", false },
	{ "version wildcard needs the dot", "", "", "1.2.*", "", "", "", "1.2", "", false },
	{ "lone star matches any version", "", "", "*", "", "", "", "0.1", "", true },
	{ "lone star needs a version", "", "", "*", "", "", "", "", "", false },
	{ "inner star is literal", "", "", "1.*.3", "", "", "", "1.2.3", "", false },
	{ "ipv4 inside", "", "", "", "10.0.0.0/8", "", "", "", "10.255.255.255", true },
	{ "ipv4 first address", "", "", "", "10.0.0.0/8", "", "", "", "10.0.0.0", true },
	{ "ipv4 just outside", "", "", "", "10.0.0.0/8", "", "", "", "11.0.0.0", false },
	{ "ipv4 /0", "", "", "", "0.0.0.0/0", "", "", "", "203.0.113.9", true },
	{ "ipv4 /32 same", "", "", "", "192.168.1.7/32", "", "", "", "192.168.1.7", true },
	{ "ipv4 /32 neighbour", "", "", "", "192.168.1.7/32", "", "", "", "192.168.1.8", false },
	{ "ipv4 odd prefix in", "", "", "", "172.16.0.0/12", "", "", "", "172.31.255.1", true },
	{ "ipv4 odd prefix out", "", "", "", "172.16.0.0/12", "", "", "", "172.32.0.1", false },
	{ "ipv4 /31 edge", "", "", "", "10.0.0.2/31", "", "", "", "10.0.0.3", true },
	{ "ipv4 /31 outside", "", "", "", "10.0.0.2/31", "", "", "", "10.0.0.4", false },
	{ "host bits ignored", "", "", "", "10.0.0.5/24", "", "", "", "10.0.0.200", true },
	{ "bare address", "", "", "", "10.0.0.5", "", "", "", "10.0.0.5", true },
	{ "bare address other", "", "", "", "10.0.0.5", "", "", "", "10.0.0.6", false },
	{ "ipv6 inside", "", "", "", "2001:db8::/32", "", "", "", "2001:db8:ffff::1", true },
	{ "ipv6 outside", "", "", "", "2001:db8::/32", "", "", "", "2001:db9::1", false },
	{ "ipv6 /0", "", "", "", "::/0", "", "", "", "fe80::1", true },
	{ "ipv6 /128", "", "", "", "::1/128", "", "", "", "::1", true },
	{ "ipv6 /128 other", "", "", "", "::1/128", "", "", "", "::2", false },
	{ "ipv6 /127 edge", "", "", "", "2001:db8::/127", "", "", "", "2001:db8::1", true },
	{ "ipv4 net, ipv6 agent", "", "", "", "0.0.0.0/0", "", "", "", "2001:db8::1", false },
	{ "ipv6 /0 excludes ipv4", "", "", "", "::/0", "", "", "", "10.0.0.1", false },
	{ "ipv4-mapped agent", "", "", "", "10.0.0.0/8", "", "", "", "::ffff:10.1.2.3", true },
	{ "bad agent address", "", "", "", "10.0.0.0/8", "", "", "", "10.0.0", false },
	{ "agent address with prefix", "", "", "", "10.0.0.0/8", "", "", "", "10.0.0.1/32", false },
	{ "agent hostname", "", "", "", "10.0.0.0/8", "", "", "", "host.example", false },
	{ "no agent address", "", "", "", "10.0.0.0/8", "", "", "", "", false },
	{ "stored bad cidr matches nothing", "", "", "", "10.0.0.0/99", "", "", "", "10.0.0.1",
	  false },
};

static void test_agent_match__criteria(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(match_cases) / sizeof(match_cases[0]); i++) {
		const struct match_case *m = &match_cases[i];
		struct cc_agent_group g = {
			.match_os = (char *)m->os,
			.match_architecture = (char *)m->arch,
			.match_version = (char *)m->version,
			.match_ip_cidr = (char *)m->cidr,
		};
		struct cc_agent a = {
			.os = (char *)m->a_os,
			.architecture = (char *)m->a_arch,
			.version = (char *)m->a_version,
			.ip_address = (char *)m->a_ip,
		};
		if (cc_agent_group_matches_agent(&g, &a) != m->want)
			fail_msg("case '%s': got %s", m->what, m->want ? "no match" : "a match");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_agent_match__parse_cidr),
		cmocka_unit_test(test_agent_match__criteria),
	};
	return cmocka_run_group_tests_name("agent-match", tests, NULL, NULL);
}
