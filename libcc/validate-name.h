/* validate-name.h: syntax checks for host names, IP literals, e-mail addresses and
 * certificate common names */
#ifndef CC_VALIDATE_NAME_H
#define CC_VALIDATE_NAME_H

#include <stdbool.h>

struct cc_err;

#define CC_HOSTNAME_MAX 253
#define CC_EMAIL_MAX 254

/* DNS name: at most 253 characters, labels of 1..63 [A-Za-z0-9_-] not starting or ending
 * with '-'; with allow_wildcard the leftmost label may be exactly "*" (followed by at least
 * one label). On failure err (may be NULL) says why, without naming the value */
bool cc_validate_hostname(const char *s, bool allow_wildcard, struct cc_err *err);
/* IPv4 dotted quad or IPv6 literal */
bool cc_validate_ip(const char *s);
/* addr-spec local@domain: dot-atom local part (RFC 5322 atext, at most 64 characters) and
 * a host name domain; at most 254 characters */
bool cc_validate_email(const char *s, struct cc_err *err);
/* a certificate common name: an e-mail address when it contains '@' (S/MIME), else an IP
 * literal or a host name (wildcard allowed). CC_E_INVALID with the v2.1 messages:
 * "common_name must be 253 characters or fewer", "invalid hostname format: …",
 * "invalid email format for S/MIME common name: …" */
int cc_validate_common_name(const char *cn, struct cc_err *err);

#endif
