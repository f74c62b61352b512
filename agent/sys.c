/* sys.c: what the agent reports about its host — name, OS, architecture, outbound address */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include "agent/agent.h"
#include "version.h"
#include "libcc/banned.h"

/* uname machine → Go's GOARCH, the names v2.1 reported (agent groups match on them) */
static const char *const arch_names[][2] = {
	{ "x86_64", "amd64" },
	{ "amd64", "amd64" },
	{ "i386", "386" },
	{ "i486", "386" },
	{ "i586", "386" },
	{ "i686", "386" },
	{ "aarch64", "arm64" },
	{ "arm64", "arm64" },
	{ "armv6l", "arm" },
	{ "armv7l", "arm" },
	{ "armv8l", "arm" },
	{ "ppc64le", "ppc64le" },
	{ "ppc64", "ppc64" },
	{ "s390x", "s390x" },
	{ "riscv64", "riscv64" },
	{ "mips64", "mips64" },
	{ "loongarch64", "loong64" },
};

static void lower_copy(char *out, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i + 1 < n && s[i]; i++)
		out[i] = (char)tolower((unsigned char)s[i]);
	out[i] = '\0';
}

/* the source address the kernel would pick for a route to dst; nothing is sent */
static bool route_addr(int family, const char *dst, char *out, size_t n)
{
	struct sockaddr_storage ss = { 0 }, me;
	socklen_t len = sizeof(me), dlen;
	int fd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	bool ok = false;

	if (fd < 0)
		return false;
	if (family == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)&ss;
		in->sin_family = AF_INET;
		in->sin_port = htons(80);
		inet_pton(AF_INET, dst, &in->sin_addr);
		dlen = sizeof(*in);
	} else {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(80);
		inet_pton(AF_INET6, dst, &in6->sin6_addr);
		dlen = sizeof(*in6);
	}
	if (connect(fd, (struct sockaddr *)&ss, dlen) == 0 &&
	    getsockname(fd, (struct sockaddr *)&me, &len) == 0) {
		const void *src = family == AF_INET
					  ? (const void *)&((struct sockaddr_in *)&me)->sin_addr
					  : (const void *)&((struct sockaddr_in6 *)&me)->sin6_addr;
		ok = inet_ntop(family, src, out, (socklen_t)n) != NULL;
	}
	close(fd);
	return ok;
}

void agent_sys_probe(struct agent_sys *s)
{
	struct utsname u;

	memset(s, 0, sizeof(*s));
	if (gethostname(s->hostname, sizeof(s->hostname) - 1) < 0 || !*s->hostname)
		snprintf(s->hostname, sizeof(s->hostname), "unknown");
	if (uname(&u) == 0) {
		lower_copy(s->os, sizeof(s->os), u.sysname);
		lower_copy(s->arch, sizeof(s->arch), u.machine);
		for (size_t i = 0; i < CC_ARRAY_SIZE(arch_names); i++)
			if (!strcmp(u.machine, arch_names[i][0]))
				snprintf(s->arch, sizeof(s->arch), "%s", arch_names[i][1]);
	}
	if (!route_addr(AF_INET, "8.8.8.8", s->ip, sizeof(s->ip)) &&
	    !route_addr(AF_INET6, "2001:4860:4860::8888", s->ip, sizeof(s->ip)))
		s->ip[0] = '\0';
}

json_t *agent_sys_json(const struct agent_sys *s)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s}", "version", CC_VERSION, "hostname",
			 s->hostname, "os", s->os, "architecture", s->arch, "ip_address", s->ip);
}
