/* h-network-scans.c: /api/v1/network-scan-targets — the ranges the server probes for TLS
 * certificates. Ranges the server must never connect to (loopback, link-local,
 * multicast, broadcast, unspecified) are refused when stored. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include "daemon/resource.h"
#include "daemon/routes.h"
#include "libcc/network-scan.h"
#include "libcc/banned.h"

#define MAX_HOST_BITS 12

struct net {
	int bits; /* 32 or 128 */
	unsigned char a[16];
	int plen;
};

/* ranges a scan must never reach (SSRF protection) */
static const struct forbidden {
	const char *net;
	int plen;
	const char *what;
} forbidden[] = {
	{ "0.0.0.0", 8, "unspecified" },
	{ "127.0.0.0", 8, "loopback" },
	{ "169.254.0.0", 16, "link-local" },
	{ "224.0.0.0", 4, "multicast" },
	{ "255.255.255.255", 32, "broadcast" },
	{ "::", 128, "unspecified" },
	{ "::1", 128, "loopback" },
	{ "fe80::", 10, "link-local" },
	{ "ff00::", 8, "multicast" },
	{ "::ffff:0:0", 96, "IPv4-mapped" },
};

/* "a.b.c.d[/n]" or an IPv6 address with an optional prefix */
static bool parse_net(const char *s, struct net *n)
{
	const char *slash = strchr(s, '/');
	size_t hl = slash ? (size_t)(slash - s) : strlen(s);
	char host[INET6_ADDRSTRLEN + 1];

	if (!hl || hl >= sizeof(host))
		return false;
	memcpy(host, s, hl);
	host[hl] = '\0';
	memset(n->a, 0, sizeof(n->a));
	if (inet_pton(AF_INET, host, n->a) == 1)
		n->bits = 32;
	else if (inet_pton(AF_INET6, host, n->a) == 1)
		n->bits = 128;
	else
		return false;
	n->plen = n->bits;
	if (slash) {
		const char *p = slash + 1;
		int v = 0;
		if (!*p || strlen(p) > 3)
			return false;
		for (; *p; p++) {
			if (*p < '0' || *p > '9')
				return false;
			v = v * 10 + (*p - '0');
		}
		if (v > n->bits)
			return false;
		n->plen = v;
	}
	return true;
}

/* do two prefixes of one family share an address? (they agree on the shorter prefix) */
static bool overlaps(const struct net *x, const struct net *y)
{
	int m = x->plen < y->plen ? x->plen : y->plen;

	for (int i = 0; i < m; i++) {
		int byte = i / 8, bit = 7 - i % 8;
		if (((x->a[byte] >> bit) & 1) != ((y->a[byte] >> bit) & 1))
			return false;
	}
	return true;
}

static int check_cidr(const char *s, struct cc_err *err)
{
	struct net n, f;

	if (!parse_net(s, &n))
		return cc_err_set(err, CC_E_INVALID,
				  "cidrs: '%s' is neither a CIDR nor an IP address", s);
	if (n.bits - n.plen > MAX_HOST_BITS)
		return cc_err_set(err, CC_E_INVALID,
				  "cidrs: '%s' is too large: at most %d host bits (/%d for IPv4, "
				  "/%d for IPv6)",
				  s, MAX_HOST_BITS, 32 - MAX_HOST_BITS, 128 - MAX_HOST_BITS);
	for (size_t i = 0; i < CC_ARRAY_SIZE(forbidden); i++) {
		if (!parse_net(forbidden[i].net, &f))
			CC_BUG("bad forbidden range %s", forbidden[i].net);
		f.plen = forbidden[i].plen;
		if (f.bits == n.bits && overlaps(&n, &f))
			return cc_err_set(err, CC_E_INVALID,
					  "cidrs: '%s' reaches %s addresses (%s/%d), which are "
					  "never scanned",
					  s, forbidden[i].what, forbidden[i].net,
					  forbidden[i].plen);
	}
	return 0;
}

static int validate(struct cc_dbc *c CC_UNUSED, void *obj, bool create CC_UNUSED,
		    struct cc_err *err)
{
	const struct cc_network_scan_target *t = obj;

	if (api_check_name(t->name, 255, err) < 0)
		return -1;
	if (!t->cidrs.n)
		return cc_err_set(err, CC_E_INVALID, "at least one CIDR is required");
	for (size_t i = 0; i < t->cidrs.n; i++)
		if (check_cidr(t->cidrs.v[i], err) < 0)
			return -1;
	if (!t->ports.n)
		return cc_err_set(err, CC_E_INVALID, "ports: at least one port is required");
	for (size_t i = 0; i < t->ports.n; i++)
		if (t->ports.v[i] < 1 || t->ports.v[i] > 65535)
			return cc_err_set(err, CC_E_INVALID,
					  "ports: %lld is not a port (1 to 65535)",
					  (long long)t->ports.v[i]);
	if (t->scan_interval_hours < 1 || t->scan_interval_hours > 24 * 365)
		return cc_err_set(err, CC_E_INVALID,
				  "scan_interval_hours: must be an integer from 1 to 8760");
	if (t->timeout_ms < 1 || t->timeout_ms > 60000)
		return cc_err_set(err, CC_E_INVALID,
				  "timeout_ms: must be an integer from 1 to 60000");
	return 0;
}

/* v2.1 read an empty name, cidrs or ports and a zero scan_interval_hours or timeout_ms as
 * "not given": the default on create, the stored value on update (Go clients send zeros) */
static void unset_zeros(json_t *body, bool create CC_UNUSED)
{
	static const char *const keys[] = { "name", "cidrs", "ports", "scan_interval_hours",
					    "timeout_ms" };

	for (size_t i = 0; i < CC_ARRAY_SIZE(keys); i++)
		api_body_unset(body, keys[i], API_UNSET_ALL);
}

static const struct api_resource targets = {
	.e = &cc_network_scan_target_entity,
	.label = "Network scan target",
	.flags = RES_UNPAGED_COUNT,
	.body = unset_zeros,
	.validate = validate,
	.audit_delete = "network_scan_target_deleted",
	.audit_resource_type = "network_scan_target",
};

API_RESOURCE_READERS(network_scans, &targets);
/* PUT merges: omitted keys (enabled included) keep their stored values */
API_RESOURCE_HANDLER(network_scans, update, &targets);
API_RESOURCE_HANDLER(network_scans, delete, &targets);

/* defaults first, then the body on top (its zeros and empty values removed) */
static void defaults(struct cc_network_scan_target *t)
{
	t->ports.v = cc_xcalloc(1, sizeof(*t->ports.v));
	t->ports.v[0] = 443;
	t->ports.n = 1;
	t->enabled = true;
	t->scan_interval_hours = 6;
	t->timeout_ms = 5000;
}

static json_t *audit_details(const struct cc_network_scan_target *t) /* new ref */
{
	json_t *cidrs = json_array(), *ports = json_array();

	for (size_t i = 0; i < t->cidrs.n; i++)
		json_array_append_new(cidrs, json_string(t->cidrs.v[i]));
	for (size_t i = 0; i < t->ports.n; i++)
		json_array_append_new(ports, json_integer(t->ports.v[i]));
	return json_pack("{s:s, s:o, s:o}", "name", t->name, "cidrs", cidrs, "ports", ports);
}

void h_network_scans_create(struct api_req *rq, struct api_resp *rs)
{
	struct cc_err err = CC_ERR_INIT;
	json_t *body = api_body_json(rq, rs, false);
	struct cc_network_scan_target *t = cc_obj_new(&cc_network_scan_target_entity);
	struct cc_dbc *c;

	if (!body)
		goto out;
	unset_zeros(body, true);
	defaults(t);
	if (cc_obj_from_json(&cc_network_scan_target_entity, body, t, NULL, &err) < 0 ||
	    validate(NULL, t, true, &err) < 0) {
		api_reply_err(rs, rq, &err);
		goto out;
	}
	cc_freep(&t->id); /* always named by the server */
	if (!(c = api_db(rq, rs)))
		goto out;
	if (cc_db_begin(c, &err) < 0 ||
	    cc_repo_insert(c, &cc_network_scan_target_entity, t, &err) < 0 ||
	    api_audit_event(c, rq, "network_scan_target_created", "network_scan_target", t->id,
			    audit_details(t), &err) < 0 ||
	    cc_db_commit(c, &err) < 0) {
		cc_db_rollback(c);
		api_reply_err(rs, rq, &err);
		goto out;
	}
	api_reply_json(rs, 201, cc_obj_to_json(&cc_network_scan_target_entity, t));
out:
	json_decref(body);
	cc_obj_free(&cc_network_scan_target_entity, t);
}
