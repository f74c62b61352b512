/* ocsp.c: `certctl ocsp check ISSUER SERIAL` — asks the issuer's OCSP responder and prints
 * good, revoked (time, reason) or unknown from the DER response */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <openssl/ocsp.h>
#include "cmd/cli.h"
#include "libcc/err.h"
#include "libcc/time.h"
#include "libcc/banned.h"

static const struct cc_subcmd verbs[] = {
	{ "check", "the status of a certificate by serial number (hex)", "ISSUER SERIAL", NULL,
	  cli_ocsp_check, "/api/v1/ocsp/{issuer}/{serial}", NULL },
	{ .name = NULL },
};

CLI_COMMAND(ocsp,
	    "Asks the OCSP responder of an issuer about a serial number and prints good,\n"
	    "revoked (with time and reason) or unknown. The response is parsed, not\n"
	    "verified against the issuer's certificate (use openssl ocsp for that).\n"
	    "With --format json: {serial, status, revoked_at, reason, this_update, next_update}.",
	    verbs)

/* RFC 3339 of an ASN.1 time into out; "" when absent */
static const char *when(const ASN1_GENERALIZEDTIME *t, char out[CC_TIME_BUFSZ])
{
	struct tm tm;

	out[0] = '\0';
	if (t && ASN1_TIME_to_tm(t, &tm))
		cc_time_format((int64_t)timegm(&tm) * CC_USEC_PER_SEC, out);
	return out;
}

/* the serial of the single response, lower-case hex without leading zeros */
static char *serial_hex(OCSP_SINGLERESP *single)
{
	ASN1_INTEGER *sn = NULL;
	BIGNUM *bn;
	char *hex, *out;

	OCSP_id_get0_info(NULL, NULL, NULL, &sn, (OCSP_CERTID *)OCSP_SINGLERESP_get0_id(single));
	bn = sn ? ASN1_INTEGER_to_BN(sn, NULL) : NULL;
	hex = bn ? BN_bn2hex(bn) : NULL;
	out = cc_xstrdup(hex ? hex : "");
	for (char *p = out; *p; p++)
		*p = (char)(*p >= 'A' && *p <= 'F' ? *p + 32 : *p);
	OPENSSL_free(hex);
	BN_free(bn);
	return out;
}

static bool same_serial(const char *a, const char *b)
{
	while (*a == '0' && a[1])
		a++;
	while (*b == '0' && b[1])
		b++;
	return !strcasecmp(a, b);
}

static int print_single(struct cli *c, OCSP_SINGLERESP *single, const char *asked)
{
	ASN1_GENERALIZEDTIME *rev = NULL, *thisu = NULL, *nextu = NULL;
	char t1[CC_TIME_BUFSZ], t2[CC_TIME_BUFSZ], t3[CC_TIME_BUFSZ];
	int reason = -1, st = OCSP_single_get0_status(single, &reason, &rev, &thisu, &nextu);
	const char *name = st == V_OCSP_CERTSTATUS_GOOD	     ? "good"
			   : st == V_OCSP_CERTSTATUS_REVOKED ? "revoked"
							     : "unknown";
	const char *why = reason >= 0 ? OCSP_crl_reason_str(reason) : "unspecified";

	if (c->json) {
		json_t *o = json_pack("{s:s, s:s}", "serial", asked, "status", name);
		char *s;
		if (st == V_OCSP_CERTSTATUS_REVOKED) {
			json_object_set_new(o, "revoked_at", json_string(when(rev, t1)));
			json_object_set_new(o, "reason", json_string(why));
		}
		json_object_set_new(o, "this_update", json_string(when(thisu, t2)));
		if (nextu)
			json_object_set_new(o, "next_update", json_string(when(nextu, t3)));
		s = json_dumps(o, JSON_COMPACT);
		puts(s);
		free(s);
		json_decref(o);
	} else if (st == V_OCSP_CERTSTATUS_REVOKED) {
		printf("revoked (at %s, reason %s)\n", when(rev, t1), why);
	} else {
		puts(name);
	}
	return 0;
}

int cli_ocsp_check(struct cli *c)
{
	struct cc_response r;
	struct cc_err err = CC_ERR_INIT;
	const unsigned char *p;
	OCSP_RESPONSE *resp = NULL;
	OCSP_BASICRESP *bs = NULL;
	OCSP_SINGLERESP *single;
	char *got = NULL;
	const char *serial = c->ov.pos.v[1];
	int rc, st;

	if (!*serial || strspn(serial, "0123456789abcdefABCDEF") != strlen(serial))
		return cc_usage_error(c->ctx->cmd, "SERIAL must be hexadecimal, not '%s'", serial);
	if ((rc = cli_request(c, "GET", c->path, NULL, &r)))
		return rc;
	p = (const unsigned char *)r.body.buf;
	resp = d2i_OCSP_RESPONSE(NULL, &p, (long)r.body.len);
	if (!resp) {
		cc_err_set(&err, CC_E_INTERNAL, "the answer is not a DER OCSP response");
	} else if ((st = OCSP_response_status(resp)) != OCSP_RESPONSE_STATUS_SUCCESSFUL) {
		cc_err_set(&err, CC_E_INTERNAL, "the responder answered %s",
			   OCSP_response_status_str(st));
	} else if (!(bs = OCSP_response_get1_basic(resp)) || !(single = OCSP_resp_get0(bs, 0))) {
		cc_err_set(&err, CC_E_INTERNAL, "the OCSP response holds no certificate status");
	} else if (!same_serial((got = serial_hex(single)), c->ov.pos.v[1])) {
		cc_err_set(&err, CC_E_INTERNAL, "the OCSP response is about serial '%s', not '%s'",
			   got, c->ov.pos.v[1]);
	} else {
		rc = print_single(c, single, c->ov.pos.v[1]);
	}
	if (err.msg[0])
		rc = cli_fail(c, &err);
	free(got);
	OCSP_BASICRESP_free(bs);
	OCSP_RESPONSE_free(resp);
	cc_response_release(&r);
	return rc;
}
