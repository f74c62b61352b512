/* validate-name.c: host name, IP literal, e-mail address and common name syntax */
#include <arpa/inet.h>
#include <ctype.h>
#include <string.h>
#include "libcc/validate-name.h"
#include "libcc/err.h"
#include "libcc/banned.h"

static bool fail(struct cc_err *err, const char *why)
{
	cc_err_set(err, CC_E_INVALID, "%s", why);
	return false;
}

static bool label_ok(const char *s, size_t n, struct cc_err *err)
{
	if (!n)
		return fail(err, "empty label");
	if (n > 63)
		return fail(err, "label longer than 63 characters");
	if (s[0] == '-' || s[n - 1] == '-')
		return fail(err, "label starts or ends with '-'");
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (!isalnum(ch) && ch != '-' && ch != '_')
			return fail(err, ch == '*'
						 ? "'*' is only allowed as the whole leftmost label"
						 : "character not allowed in a host name");
	}
	return true;
}

bool cc_validate_hostname(const char *s, bool allow_wildcard, struct cc_err *err)
{
	size_t n = s ? strlen(s) : 0;

	if (!n)
		return fail(err, "empty name");
	if (n > CC_HOSTNAME_MAX)
		return fail(err, "longer than 253 characters");
	if (allow_wildcard && s[0] == '*' && s[1] == '.') {
		s += 2;
		if (!*s)
			return fail(err, "a wildcard needs a domain after '*.'");
	}
	for (;;) {
		const char *dot = strchr(s, '.');
		size_t len = dot ? (size_t)(dot - s) : strlen(s);

		if (!label_ok(s, len, err))
			return false;
		if (!dot)
			return true;
		s = dot + 1;
	}
}

bool cc_validate_ip(const char *s)
{
	unsigned char buf[16];

	return s && (inet_pton(AF_INET, s, buf) == 1 || inet_pton(AF_INET6, s, buf) == 1);
}

static bool atext(unsigned char ch)
{
	return isalnum(ch) || (ch && strchr("!#$%&'*+/=?^_`{|}~-", ch));
}

bool cc_validate_email(const char *s, struct cc_err *err)
{
	const char *at = s ? strrchr(s, '@') : NULL;
	size_t local;

	if (!at)
		return fail(err, "missing '@'");
	if (strlen(s) > CC_EMAIL_MAX)
		return fail(err, "longer than 254 characters");
	local = (size_t)(at - s);
	if (!local || local > 64)
		return fail(err, "the part before '@' must have 1 to 64 characters");
	for (size_t i = 0; i < local; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch == '.' && (i == 0 || i == local - 1 || s[i - 1] == '.'))
			return fail(err, "misplaced '.' before '@'");
		if (ch != '.' && !atext(ch))
			return fail(err, "character not allowed before '@'");
	}
	if (!cc_validate_hostname(at + 1, false, err)) {
		cc_err_prefix(err, "domain");
		return false;
	}
	return true;
}

int cc_validate_common_name(const char *cn, struct cc_err *err)
{
	struct cc_err why = CC_ERR_INIT;

	if (!cn || !*cn)
		return cc_err_set(err, CC_E_INVALID, "common_name is required");
	if (strlen(cn) > CC_HOSTNAME_MAX)
		return cc_err_set(err, CC_E_INVALID, "common_name must be 253 characters or fewer");
	if (strchr(cn, '@')) {
		if (cc_validate_email(cn, &why))
			return 0;
		return cc_err_set(err, CC_E_INVALID,
				  "invalid email format for S/MIME common name: '%.200s' (%s)", cn,
				  why.msg);
	}
	if (cc_validate_ip(cn) || cc_validate_hostname(cn, true, &why))
		return 0;
	return cc_err_set(err, CC_E_INVALID, "invalid hostname format: '%.200s' (%s)", cn, why.msg);
}
