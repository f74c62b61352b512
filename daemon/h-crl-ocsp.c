/* h-crl-ocsp.c: the public revocation status routes — the JSON revocation list, each
 * issuer's DER CRL, and the OCSP responder (GET by serial, RFC 6960 GET and POST) */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/ocsp.h>
#include "daemon/crl.h"
#include "daemon/ocsp.h"
#include "daemon/routes.h"
#include "libcc/b64.h"
#include "libcc/buf.h"
#include "libcc/db.h"
#include "libcc/hash.h"
#include "libcc/time.h"
#include "libcc/banned.h"

#define SERIAL_HEX_MAX 64 /* RFC 5280: at most 20 octets; a little slack */
#define CERTID_MAX 512

static const char sql_all[] = "SELECT serial_number, revoked_at, reason, issuer_id "
			      "FROM certificate_revocations ORDER BY revoked_at, serial_number";

void h_crl_json(struct api_req *rq, struct api_resp *rs)
{
	struct cc_dbres r = CC_DBRES_INIT;
	struct cc_err err = CC_ERR_INIT;
	char when[CC_TIME_BUFSZ], now[CC_TIME_BUFSZ];
	struct cc_dbc *c = api_db(rq, rs);
	json_t *entries;

	if (!c)
		return;
	if (cc_db_exec(c, sql_all, NULL, 0, &r, &err) < 0) {
		api_reply_err(rs, rq, &err);
		return;
	}
	entries = json_array();
	for (int i = 0; i < r.nrows; i++) {
		cc_time_format(cc_dbres_time(&r, i, 1), when);
		json_array_append_new(entries,
				      json_pack("{s:s, s:s, s:s, s:s?}", "serial_number",
						cc_dbres_str(&r, i, 0), "revocation_date", when,
						"revocation_reason", cc_dbres_str(&r, i, 2),
						"issuer_id", cc_dbres_str(&r, i, 3)));
	}
	cc_time_format(cc_time_now(), now);
	api_reply_json(rs, 200,
		       json_pack("{s:i, s:o, s:i, s:s, s:s}", "version", 1, "entries", entries,
				 "total", r.nrows, "generated_at", now, "timestamp", now));
	cc_dbres_release(&r);
}

/* the v2.1 status codes of a connector failure on these routes */
static void issuer_error(struct api_req *rq, struct api_resp *rs, const struct cc_err *err)
{
	if (err->code == CC_E_NOT_FOUND || err->code == CC_E_CONFLICT)
		api_reply_error(rs, rq, 404, "issuer not found: %s (%s)", rq->params[0], err->msg);
	else if (err->code == CC_E_UNSUPPORTED)
		api_reply_error(rs, rq, 501, "%s", err->msg);
	else
		api_reply_err(rs, rq, err);
}

void h_crl_der(struct api_req *rq, struct api_resp *rs)
{
	struct cc_buf der = CC_BUF_INIT;
	struct cc_err err = CC_ERR_INIT;
	struct cc_dbc *c = api_db(rq, rs);
	int64_t this_update;

	if (!c)
		return;
	if (api_crl_get(rq->app, c, rq->params[0], &der, &this_update, &err) < 0) {
		issuer_error(rq, rs, &err);
	} else {
		api_header(rs, "Cache-Control", "public, max-age=3600");
		api_reply_bytes(rs, 200, "application/pkix-crl", der.buf, der.len);
	}
	cc_buf_release(&der);
}

/* ---- OCSP ---- */

static void ocsp_reply(struct api_resp *rs, const struct cc_buf *der, int64_t max_age)
{
	char cc[96];

	/* RFC 5019 §6.2: caches may keep the answer until its nextUpdate */
	if (max_age > 0)
		snprintf(cc, sizeof(cc), "max-age=%lld, public, no-transform, must-revalidate",
			 (long long)max_age);
	else
		snprintf(cc, sizeof(cc), "no-cache");
	api_header(rs, "Cache-Control", cc);
	api_reply_bytes(rs, 200, "application/ocsp-response", der->buf, der->len);
}

/* an unsigned OCSPResponse with an error status (malformedRequest, tryLater, …) */
static void ocsp_error(struct api_resp *rs, int status)
{
	OCSP_RESPONSE *resp = OCSP_response_create(status, NULL);
	unsigned char *out = NULL;
	int len = resp ? i2d_OCSP_RESPONSE(resp, &out) : -1;

	api_header(rs, "Cache-Control", "no-cache");
	if (len > 0)
		api_reply_bytes(rs, 200, "application/ocsp-response", out, (size_t)len);
	else
		api_reply_empty(rs, 500);
	OPENSSL_free(out);
	OCSP_RESPONSE_free(resp);
}

static bool all_hex(const char *s)
{
	size_t n = strlen(s);

	return n && n <= SERIAL_HEX_MAX && strspn(s, "0123456789abcdefABCDEF") == n;
}

/* lower-case hex without leading zeros, as serials are stored */
static void normalize_serial(const char *in, char *out, size_t outlen)
{
	size_t i = 0, j = 0;

	while (in[i] == '0' && in[i + 1])
		i++;
	for (; in[i] && j + 1 < outlen; i++)
		out[j++] = (char)tolower((unsigned char)in[i]);
	out[j] = '\0';
}

/* the serial and CertID of the request's first question; false for a malformed one */
static bool question_of(OCSP_REQUEST *req, char *serial, size_t serial_len, char *certid,
			size_t certid_len)
{
	OCSP_CERTID *id;
	ASN1_INTEGER *sn = NULL;
	BIGNUM *bn = NULL;
	unsigned char *d = NULL;
	char *hex = NULL;
	int n;
	bool ok = false;

	if (OCSP_request_onereq_count(req) < 1)
		return false;
	id = OCSP_onereq_get0_id(OCSP_request_onereq_get0(req, 0));
	if (!OCSP_id_get0_info(NULL, NULL, NULL, &sn, id) || !(bn = ASN1_INTEGER_to_BN(sn, NULL)) ||
	    BN_is_negative(bn) || !(hex = BN_bn2hex(bn)) || strlen(hex) > SERIAL_HEX_MAX)
		goto out;
	normalize_serial(hex, serial, serial_len);
	n = i2d_OCSP_CERTID(id, &d);
	if (n <= 0 || (size_t)n * 2 + 1 > certid_len)
		goto out;
	cc_hex_encode(d, (size_t)n, certid);
	ok = true;
out:
	OPENSSL_free(d);
	OPENSSL_free(hex);
	BN_free(bn);
	return ok;
}

/* an RFC 6960 request (from the GET path or a POST body) */
static void answer_request(struct api_req *rq, struct api_resp *rs, const unsigned char *der,
			   size_t len)
{
	const unsigned char *p = der;
	OCSP_REQUEST *req = len && len < 65536 ? d2i_OCSP_REQUEST(NULL, &p, (long)len) : NULL;
	char serial[SERIAL_HEX_MAX + 1], certid[CERTID_MAX * 2 + 1];
	struct api_ocsp_key k = { rq->params[0], serial, certid };
	struct cc_buf out = CC_BUF_INIT;
	struct cc_err err = CC_ERR_INIT;
	struct cc_dbc *c;
	int64_t max_age;
	bool nonce;

	if (!req || p != der + len ||
	    !question_of(req, serial, sizeof(serial), certid, sizeof(certid))) {
		ocsp_error(rs, OCSP_RESPONSE_STATUS_MALFORMEDREQUEST);
		goto out;
	}
	nonce = OCSP_REQUEST_get_ext_by_NID(req, NID_id_pkix_OCSP_Nonce, -1) >= 0;
	if (!nonce && api_ocsp_cached(rq->app, &k, &out, &max_age)) {
		ocsp_reply(rs, &out, max_age);
		goto out;
	}
	if (!(c = api_db(rq, rs))) {
		ocsp_error(rs, OCSP_RESPONSE_STATUS_TRYLATER);
		goto out;
	}
	if (api_ocsp_answer(rq->app, c, &k, der, len, !nonce, &out, &max_age, &err) == 0)
		ocsp_reply(rs, &out, max_age);
	else if (err.code == CC_E_NOT_FOUND || err.code == CC_E_CONFLICT ||
		 err.code == CC_E_UNSUPPORTED)
		ocsp_error(rs, OCSP_RESPONSE_STATUS_UNAUTHORIZED); /* not an issuer we answer for */
	else if (err.code == CC_E_INVALID)
		ocsp_error(rs, OCSP_RESPONSE_STATUS_MALFORMEDREQUEST);
	else
		ocsp_error(rs, OCSP_RESPONSE_STATUS_INTERNALERROR);
out:
	ERR_clear_error();
	OCSP_REQUEST_free(req);
	cc_buf_release(&out);
}

/* GET …/ocsp/{issuer}/{serial}: the status of a hex serial, v2.1's form */
static void answer_serial(struct api_req *rq, struct api_resp *rs, const char *hex)
{
	char serial[SERIAL_HEX_MAX + 1];
	struct api_ocsp_key k = { rq->params[0], serial, NULL };
	struct cc_buf out = CC_BUF_INIT;
	struct cc_err err = CC_ERR_INIT;
	struct cc_dbc *c;
	int64_t max_age;

	normalize_serial(hex, serial, sizeof(serial));
	if (api_ocsp_cached(rq->app, &k, &out, &max_age)) {
		ocsp_reply(rs, &out, max_age);
	} else if ((c = api_db(rq, rs))) {
		if (api_ocsp_answer(rq->app, c, &k, NULL, 0, true, &out, &max_age, &err) == 0)
			ocsp_reply(rs, &out, max_age);
		else
			issuer_error(rq, rs, &err);
	}
	cc_buf_release(&out);
}

void h_ocsp_get(struct api_req *rq, struct api_resp *rs)
{
	const char *tail = rq->params[1];
	unsigned char *der = NULL;
	size_t len = 0;

	if (all_hex(tail)) {
		answer_serial(rq, rs, tail);
		return;
	}
	/* base64 (RFC 6960 appendix A.1), tolerating the URL-safe alphabet some clients use */
	if (cc_b64_decode(tail, &der, &len) < 0 && cc_b64url_decode(tail, &der, &len) < 0) {
		ocsp_error(rs, OCSP_RESPONSE_STATUS_MALFORMEDREQUEST);
		return;
	}
	answer_request(rq, rs, der, len);
	free(der);
}

void h_ocsp_post(struct api_req *rq, struct api_resp *rs)
{
	answer_request(rq, rs, (const unsigned char *)rq->body.buf, rq->body.len);
}
