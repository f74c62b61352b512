/* x509-san.c: subjectAltName values — telling DNS names, IP and e-mail addresses apart and
 * refusing the malformed ones (shared by csr.c and the issuers) */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/x509v3.h>
#include "libcc/err.h"
#include "libcc/mem.h"
#include "libcc/x509.h"
#include "libcc/banned.h"

#define DNS_MAX 253
#define LABEL_MAX 63
#define EMAIL_MAX 320

enum cc_san_kind cc_x509_san_kind(const char *s, unsigned char ip[16], int *iplen)
{
	if (inet_pton(AF_INET, s, ip) == 1) {
		*iplen = 4;
		return CC_SAN_IP;
	}
	if (inet_pton(AF_INET6, s, ip) == 1) {
		*iplen = 16;
		return CC_SAN_IP;
	}
	*iplen = 0;
	return strchr(s, '@') ? CC_SAN_EMAIL : CC_SAN_DNS;
}

static int dns_char(int c)
{
	return isascii(c) && (isalnum(c) || c == '-' || c == '_');
}

/* labels of [A-Za-z0-9_-], 1..63 bytes, "*" allowed only as the whole first label */
static int valid_dns(const char *s)
{
	size_t n = strlen(s), label = 0;

	if (!n || n > DNS_MAX)
		return 0;
	if (s[0] == '*') {
		if (s[1] != '.' || !s[2])
			return 0;
		s += 2;
	}
	for (; *s; s++) {
		if (*s == '.') {
			if (!label)
				return 0;
			label = 0;
		} else if (!dns_char((unsigned char)*s) || ++label > LABEL_MAX) {
			return 0;
		}
	}
	return label > 0;
}

/* printable ASCII without blanks, one '@' with text on both sides */
static int valid_email(const char *s)
{
	const char *at = strchr(s, '@');
	size_t n = strlen(s);

	if (!at || at == s || !at[1] || strchr(at + 1, '@') || n > EMAIL_MAX)
		return 0;
	for (; *s; s++)
		if (!isascii((unsigned char)*s) || !isgraph((unsigned char)*s))
			return 0;
	return 1;
}

static int has_name(const GENERAL_NAMES *gens, GENERAL_NAME *g)
{
	for (int i = 0; i < sk_GENERAL_NAME_num(gens); i++)
		if (!GENERAL_NAME_cmp(sk_GENERAL_NAME_value(gens, i), g))
			return 1;
	return 0;
}

static GENERAL_NAME *new_name(int type, const void *data, int len)
{
	GENERAL_NAME *g = GENERAL_NAME_new();
	ASN1_STRING *s =
		ASN1_STRING_type_new(type == GEN_IPADD ? V_ASN1_OCTET_STRING : V_ASN1_IA5STRING);

	if (!g || !s || !ASN1_STRING_set(s, data, len))
		CC_BUG("out of memory");
	GENERAL_NAME_set0_value(g, type, s);
	return g;
}

int cc_x509_san_add(GENERAL_NAMES *gens, const char *value, struct cc_err *err)
{
	unsigned char ip[16];
	int iplen;
	char *dns = NULL;
	GENERAL_NAME *g = NULL;

	if (!value || !*value)
		return cc_err_set(err, CC_E_INVALID, "empty subject alternative name");
	switch (cc_x509_san_kind(value, ip, &iplen)) {
	case CC_SAN_IP:
		g = new_name(GEN_IPADD, ip, iplen);
		break;
	case CC_SAN_EMAIL:
		if (!valid_email(value))
			return cc_err_set(err, CC_E_INVALID, "invalid e-mail address '%.200s'",
					  value);
		g = new_name(GEN_EMAIL, value, (int)strlen(value));
		break;
	case CC_SAN_DNS:
		if (!valid_dns(value))
			return cc_err_set(err, CC_E_INVALID, "invalid DNS name '%.200s'", value);
		/* DNS is case-insensitive: one spelling, so duplicates collapse */
		dns = cc_xstrdup(value);
		for (char *p = dns; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		g = new_name(GEN_DNS, dns, (int)strlen(dns));
		free(dns);
		break;
	}
	if (has_name(gens, g)) {
		GENERAL_NAME_free(g);
		return 0;
	}
	if (!sk_GENERAL_NAME_push(gens, g))
		CC_BUG("out of memory");
	return 0;
}
