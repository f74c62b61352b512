/* local-ca-crl.c: what the Local CA says about revocation — X.509 v2 CRLs and OCSP responses,
 * both signed by the CA key. The revocation data comes from the caller (the database). */
#include <stdlib.h>
#include <string.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/ocsp.h>
#include <openssl/x509v3.h>
#include "connectors/issuer/local-ca.h"
#include "libcc/buf.h"
#include "libcc/err.h"
#include "libcc/mem.h"
#include "libcc/time.h"
#include "libcc/banned.h"

#define CRL_HOURS 24
#define SERIAL_HEX_MAX 128

ASN1_INTEGER *local_ca_hex_serial(const char *hex, struct cc_err *err)
{
	const char *p = hex;
	ASN1_INTEGER *ai = NULL;
	BIGNUM *bn = NULL;
	size_t n;

	if (p && p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		p += 2;
	n = p ? strlen(p) : 0;
	if (!n || n > SERIAL_HEX_MAX || strspn(p, "0123456789abcdefABCDEF") != n) {
		cc_err_set(err, CC_E_INVALID, "serial '%.140s' is not a hexadecimal number",
			   hex ? hex : "");
		return NULL;
	}
	if (!BN_hex2bn(&bn, p) || !(ai = BN_to_ASN1_INTEGER(bn, NULL)))
		cc_err_ssl(err, CC_E_CRYPTO, "cannot convert the serial");
	BN_free(bn);
	return ai;
}

/* RFC 5280 CRLReason: 0..10 without 7 */
static int valid_reason(int r)
{
	return r >= 0 && r <= 10 && r != 7;
}

static int set_time(ASN1_TIME **t, int64_t us)
{
	ASN1_TIME *n = ASN1_TIME_set(*t, (time_t)(us / CC_USEC_PER_SEC));

	if (!n)
		return 0;
	*t = n;
	return 1;
}

static int add_entry(X509_CRL *crl, const struct cc_crl_entry *e, int64_t now, struct cc_err *err)
{
	ASN1_INTEGER *serial = local_ca_hex_serial(e->serial_hex, err);
	X509_REVOKED *r = X509_REVOKED_new();
	ASN1_ENUMERATED *reason = NULL;
	ASN1_TIME *t = NULL;
	int ok;

	if (!serial)
		goto fail;
	if (!valid_reason(e->reason_code)) {
		cc_err_set(err, CC_E_INVALID, "serial '%s': %d is not a CRL reason code",
			   e->serial_hex, e->reason_code);
		goto fail;
	}
	ok = r && X509_REVOKED_set_serialNumber(r, serial) &&
	     set_time(&t, e->revoked_at ? e->revoked_at : now) &&
	     X509_REVOKED_set_revocationDate(r, t);
	/* reasonCode is omitted for unspecified (RFC 5280 5.3.1) */
	if (ok && e->reason_code)
		ok = (reason = ASN1_ENUMERATED_new()) &&
		     ASN1_ENUMERATED_set(reason, e->reason_code) &&
		     X509_REVOKED_add1_ext_i2d(r, NID_crl_reason, reason, 0, 0) == 1;
	if (!ok || !X509_CRL_add0_revoked(crl, r)) {
		cc_err_ssl(err, CC_E_CRYPTO, "cannot add a CRL entry");
		goto fail;
	}
	ASN1_INTEGER_free(serial);
	ASN1_ENUMERATED_free(reason);
	ASN1_TIME_free(t);
	return 0;
fail:
	X509_REVOKED_free(r);
	ASN1_INTEGER_free(serial);
	ASN1_ENUMERATED_free(reason);
	ASN1_TIME_free(t);
	return -1;
}

static int put_der(struct cc_buf *der, unsigned char *data, int len, struct cc_err *err)
{
	if (len <= 0)
		return cc_err_ssl(err, CC_E_CRYPTO, "cannot encode the answer");
	cc_buf_reset(der);
	cc_buf_add(der, data, (size_t)len);
	OPENSSL_free(data);
	return 0;
}

int local_ca_crl(void *state, const struct cc_crl_entry *entries, size_t n, int64_t now,
		 int64_t number, struct cc_buf *der, struct cc_err *err)
{
	const struct local_ca *ca = state;
	X509_CRL *crl = X509_CRL_new();
	ASN1_TIME *t = NULL;
	ASN1_INTEGER *crl_number = ASN1_INTEGER_new();
	unsigned char *out = NULL;
	int rc = -1;

	if (!crl || !crl_number)
		CC_BUG("out of memory");
	if (!X509_CRL_set_version(crl, X509_CRL_VERSION_2) ||
	    !X509_CRL_set_issuer_name(crl, X509_get_subject_name(ca->cert)) || !set_time(&t, now) ||
	    !X509_CRL_set1_lastUpdate(crl, t) ||
	    !set_time(&t, now + CRL_HOURS * 3600 * CC_USEC_PER_SEC) ||
	    !X509_CRL_set1_nextUpdate(crl, t) ||
	    !ASN1_INTEGER_set_int64(crl_number, number) ||
	    X509_CRL_add1_ext_i2d(crl, NID_crl_number, crl_number, 0, 0) != 1 ||
	    !X509_CRL_add_ext(crl, ca->ext_aki, -1)) {
		cc_err_ssl(err, CC_E_CRYPTO, "cannot build the CRL");
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		if (add_entry(crl, &entries[i], now, err) < 0)
			goto out;
	if (!X509_CRL_sort(crl) || !X509_CRL_sign(crl, ca->key, ca->md)) {
		cc_err_ssl(err, CC_E_CRYPTO, "cannot sign the CRL");
		goto out;
	}
	rc = put_der(der, out, i2d_X509_CRL(crl, &out), err);
out:
	ASN1_TIME_free(t);
	ASN1_INTEGER_free(crl_number);
	X509_CRL_free(crl);
	return rc;
}

/* ---- OCSP ---- */

static OCSP_CERTID *our_id(const struct local_ca *ca, const EVP_MD *md, const ASN1_INTEGER *sn)
{
	return OCSP_cert_id_new(md, X509_get_subject_name(ca->cert),
				X509_get0_pubkey_bitstr(ca->cert), (ASN1_INTEGER *)sn);
}

/* the CertID of req asking about want; *ours says whether it names this CA */
static OCSP_CERTID *find_id(const struct local_ca *ca, OCSP_REQUEST *req, const ASN1_INTEGER *want,
			    int *ours, struct cc_err *err)
{
	int n = OCSP_request_onereq_count(req);

	for (int i = 0; i < n; i++) {
		OCSP_CERTID *id = OCSP_onereq_get0_id(OCSP_request_onereq_get0(req, i));
		ASN1_OBJECT *alg = NULL;
		ASN1_INTEGER *sn = NULL;
		OCSP_CERTID *mine;
		const EVP_MD *md;

		if (!OCSP_id_get0_info(NULL, &alg, NULL, &sn, id) || ASN1_INTEGER_cmp(sn, want))
			continue;
		md = EVP_get_digestbyobj(alg);
		mine = md ? our_id(ca, md, want) : NULL;
		*ours = mine && !OCSP_id_issuer_cmp(mine, id);
		OCSP_CERTID_free(mine);
		return OCSP_CERTID_dup(id);
	}
	cc_err_set(err, CC_E_INVALID, "the OCSP request does not ask about this serial");
	return NULL;
}

static int status_of(const struct cc_ocsp_query *q, int ours, struct cc_err *err)
{
	if (q->status < 0 || q->status > 2)
		return cc_err_set(err, CC_E_INVALID, "OCSP status %d is not 0, 1 or 2", q->status);
	if (!ours)
		return V_OCSP_CERTSTATUS_UNKNOWN; /* another issuer's certificate */
	if (q->status == 1 && !valid_reason(q->reason_code))
		return cc_err_set(err, CC_E_INVALID, "%d is not a revocation reason code",
				  q->reason_code);
	return q->status == 0	? V_OCSP_CERTSTATUS_GOOD
	       : q->status == 1 ? V_OCSP_CERTSTATUS_REVOKED
				: V_OCSP_CERTSTATUS_UNKNOWN;
}

static int respond(const struct local_ca *ca, OCSP_REQUEST *req, OCSP_CERTID *id, int status,
		   const struct cc_ocsp_query *q, struct cc_buf *der, struct cc_err *err)
{
	OCSP_BASICRESP *bs = OCSP_BASICRESP_new();
	OCSP_RESPONSE *resp = NULL;
	ASN1_TIME *this_t = NULL, *next_t = NULL, *rev_t = NULL;
	int64_t now = cc_time_now();
	int reason = -1, ok; /* -1: no reason field */
	unsigned char *out = NULL;

	if (status == V_OCSP_CERTSTATUS_REVOKED && q->reason_code)
		reason = q->reason_code;
	ok = bs && set_time(&this_t, q->this_update ? q->this_update : now) &&
	     (!q->next_update || set_time(&next_t, q->next_update)) &&
	     (status != V_OCSP_CERTSTATUS_REVOKED ||
	      set_time(&rev_t, q->revoked_at ? q->revoked_at : now)) &&
	     OCSP_basic_add1_status(bs, id, status, reason, rev_t, this_t, next_t) &&
	     (!req || OCSP_copy_nonce(bs, req) > 0) &&
	     /* responder id by key hash; the CA certificate goes along */
	     OCSP_basic_sign(bs, ca->cert, ca->key, ca->md, NULL, OCSP_RESPID_KEY) &&
	     (resp = OCSP_response_create(OCSP_RESPONSE_STATUS_SUCCESSFUL, bs));
	ASN1_TIME_free(this_t);
	ASN1_TIME_free(next_t);
	ASN1_TIME_free(rev_t);
	OCSP_BASICRESP_free(bs);
	if (!ok) {
		OCSP_RESPONSE_free(resp);
		return cc_err_ssl(err, CC_E_CRYPTO, "cannot sign the OCSP response");
	}
	ok = put_der(der, out, i2d_OCSP_RESPONSE(resp, &out), err);
	OCSP_RESPONSE_free(resp);
	return ok;
}

int local_ca_ocsp(void *state, const unsigned char *request, size_t request_len,
		  const struct cc_ocsp_query *q, struct cc_buf *der, struct cc_err *err)
{
	const struct local_ca *ca = state;
	ASN1_INTEGER *want = local_ca_hex_serial(q->serial_hex, err);
	OCSP_REQUEST *req = NULL;
	OCSP_CERTID *id = NULL;
	int ours = 1, status, rc = -1;

	if (!want)
		return -1;
	if (request && request_len) {
		const unsigned char *p = request;

		req = request_len <= INT32_MAX ? d2i_OCSP_REQUEST(NULL, &p, (long)request_len)
					       : NULL;
		if (!req || p != request + request_len || OCSP_request_onereq_count(req) < 1) {
			cc_err_set(err, CC_E_INVALID, "malformed OCSP request");
			goto out;
		}
		id = find_id(ca, req, want, &ours, err);
	} else { /* GET by serial: no request, a SHA-1 CertID as clients send */
		id = our_id(ca, EVP_sha1(), want);
		if (!id)
			cc_err_ssl(err, CC_E_CRYPTO, "cannot build the OCSP CertID");
	}
	if (!id || (status = status_of(q, ours, err)) < 0)
		goto out;
	rc = respond(ca, req, id, status, q, der, err);
out:
	ERR_clear_error();
	OCSP_CERTID_free(id);
	OCSP_REQUEST_free(req);
	ASN1_INTEGER_free(want);
	return rc;
}
