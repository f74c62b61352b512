/* local-ca-crl.c: what the Local CA says about revocation — X.509 v2 CRLs and OCSP responses,
 * both signed by the CA key. The revocation data comes from the caller (the database). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
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

/* ---- CRL ----
 * The header (issuer, dates, CRL number, AKI, signature algorithm) is built by OpenSSL
 * on an entry-less CRL; the revoked list is DER-encoded here directly into one buffer and
 * spliced into the header's TBSCertList, which is then signed once. Building X509_REVOKED
 * objects instead cost about 4 µs per entry (allocations, the sort, two encodings, the
 * frees): 100,000 entries took over 400 ms, now a few ms. */

#define SERIAL_BYTES_MAX (SERIAL_HEX_MAX / 2 + 1)
/* reasonCode extension: Extensions { Extension { id-ce-cRLReasons, OCTET STRING {
 * ENUMERATED r } } } with r in the last byte */
static const unsigned char reason_ext[] = { 0x30, 0x0c, 0x30, 0x0a, 0x06, 0x03, 0x55,
					    0x1d, 0x15, 0x04, 0x03, 0x0a, 0x01, 0x00 };

struct rev_ref {
	uint64_t key;  /* the serial's first 8 content bytes, big-endian: most compares end here */
	size_t off;    /* of the entry's DER in the entries buffer */
	uint8_t len;   /* of the entry's DER (always < 128) */
	uint8_t snoff; /* of the serial's content bytes, from off */
	uint8_t snlen;
};

static int hexval(int c)
{
	return c >= '0' && c <= '9'   ? c - '0'
	       : c >= 'a' && c <= 'f' ? c - 'a' + 10
	       : c >= 'A' && c <= 'F' ? c - 'A' + 10
				      : -1;
}

/* the DER INTEGER content of a positive hex serial; 0 when it is not one */
static size_t serial_content(const char *hex, unsigned char *out)
{
	unsigned char raw[SERIAL_BYTES_MAX];
	size_t n = hex ? strlen(hex) : 0, nb = 0, i = 0, skip = 0;

	if (n >= 2 && hex[0] == '0' && (hex[1] == 'x' || hex[1] == 'X'))
		hex += 2, n -= 2;
	if (!n || n > SERIAL_HEX_MAX)
		return 0;
	if (n % 2) { /* an odd digit count: the first byte has one digit */
		int v = hexval(hex[0]);
		if (v < 0)
			return 0;
		raw[nb++] = (unsigned char)v;
		i = 1;
	}
	for (; i < n; i += 2) {
		int hi = hexval(hex[i]), lo = hexval(hex[i + 1]);
		if (hi < 0 || lo < 0)
			return 0;
		raw[nb++] = (unsigned char)(hi << 4 | lo);
	}
	while (skip + 1 < nb && raw[skip] == 0) /* minimal: no leading zero bytes */
		skip++;
	n = 0;
	if (raw[skip] & 0x80) /* positive: a zero byte before a high bit */
		out[n++] = 0;
	memcpy(out + n, raw + skip, nb - skip);
	return n + nb - skip;
}

static unsigned char *put2(unsigned char *p, int v)
{
	p[0] = (unsigned char)('0' + v / 10 % 10);
	p[1] = (unsigned char)('0' + v % 10);
	return p + 2;
}

/* UTCTime for 1950-2049, GeneralizedTime otherwise (RFC 5280 4.1.2.5), as ASN1_TIME_set */
static size_t der_time(int64_t us, unsigned char *out)
{
	time_t t = (time_t)(us / CC_USEC_PER_SEC);
	struct tm tm;
	unsigned char *p = out + 2;
	int year;

	if (!gmtime_r(&t, &tm) || (year = tm.tm_year + 1900) < 0 || year > 9999)
		return 0;
	if (year >= 1950 && year < 2050) {
		out[0] = V_ASN1_UTCTIME;
		p = put2(p, year % 100);
	} else {
		out[0] = V_ASN1_GENERALIZEDTIME;
		p = put2(put2(p, year / 100), year % 100);
	}
	p = put2(put2(put2(p, tm.tm_mon + 1), tm.tm_mday), tm.tm_hour);
	p = put2(put2(p, tm.tm_min), tm.tm_sec);
	*p++ = 'Z';
	out[1] = (unsigned char)(p - out - 2);
	return (size_t)(p - out);
}

/* one revokedCertificates entry appended to all; ref says where */
static int put_entry(struct cc_buf *all, const struct cc_crl_entry *e, int64_t now,
		     struct rev_ref *ref, struct cc_err *err)
{
	unsigned char d[2 + 2 + SERIAL_BYTES_MAX + 17 + sizeof(reason_ext)];
	size_t sl = serial_content(e->serial_hex, d + 4), n, tl;

	if (!sl)
		return cc_err_set(err, CC_E_INVALID, "serial '%.140s' is not a hexadecimal number",
				  e->serial_hex ? e->serial_hex : "");
	if (!valid_reason(e->reason_code))
		return cc_err_set(err, CC_E_INVALID, "serial '%s': %d is not a CRL reason code",
				  e->serial_hex, e->reason_code);
	d[2] = V_ASN1_INTEGER;
	d[3] = (unsigned char)sl;
	n = 4 + sl;
	if (!(tl = der_time(e->revoked_at ? e->revoked_at : now, d + n)))
		return cc_err_set(err, CC_E_INVALID, "serial '%s': revocation time out of range",
				  e->serial_hex);
	n += tl;
	if (e->reason_code) { /* reasonCode is omitted for unspecified (RFC 5280 5.3.1) */
		memcpy(d + n, reason_ext, sizeof(reason_ext));
		d[n + sizeof(reason_ext) - 1] = (unsigned char)e->reason_code;
		n += sizeof(reason_ext);
	}
	d[0] = V_ASN1_SEQUENCE | V_ASN1_CONSTRUCTED;
	d[1] = (unsigned char)(n - 2);
	ref->off = all->len;
	ref->len = (uint8_t)n;
	ref->snoff = 4;
	ref->snlen = (uint8_t)sl;
	ref->key = 0;
	for (size_t i = 0; i < 8; i++)
		ref->key = ref->key << 8 | (i < sl ? d[4 + i] : 0);
	cc_buf_add(all, d, n);
	return 0;
}

/* as X509_CRL_sort: by serial (positive INTEGERs: shorter first, then the bytes) */
static int by_serial(const void *a, const void *b, void *base)
{
	const struct rev_ref *x = a, *y = b;
	const unsigned char *sort_base = base;

	if (x->snlen != y->snlen)
		return x->snlen < y->snlen ? -1 : 1;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return memcmp(sort_base + x->off + x->snoff, sort_base + y->off + y->snoff, x->snlen);
}

static void put_tl(struct cc_buf *b, unsigned char tag, size_t len)
{
	unsigned char h[10];
	size_t n = 0;

	h[n++] = tag;
	if (len < 0x80) {
		h[n++] = (unsigned char)len;
	} else {
		int bytes = 0;
		for (size_t l = len; l; l >>= 8)
			bytes++;
		h[n++] = (unsigned char)(0x80 | bytes);
		for (int i = bytes - 1; i >= 0; i--)
			h[n++] = (unsigned char)(len >> (8 * i));
	}
	cc_buf_add(b, h, n);
}

/* a DER TLV at p (end e): its whole length, 0 when malformed */
static size_t tlv_len(const unsigned char *p, const unsigned char *e)
{
	size_t len, hl = 2;

	if (e - p < 2)
		return 0;
	len = p[1];
	if (len & 0x80) {
		int bytes = len & 0x7f;
		if (!bytes || bytes > 4 || e - p < 2 + bytes)
			return 0;
		len = 0;
		for (int i = 0; i < bytes; i++)
			len = len << 8 | p[2 + i];
		hl += (size_t)bytes;
	}
	return (size_t)(e - p) - hl < len ? 0 : hl + len;
}

/* the TBSCertList of hdr (no entries) with the revoked list inserted before its
 * crlExtensions [0] */
static int splice_tbs(const unsigned char *hdr, size_t hdr_len, const struct cc_buf *revoked,
		      struct cc_buf *tbs)
{
	const unsigned char *e = hdr + hdr_len, *p, *at;
	size_t outer = tlv_len(hdr, e), body_len;

	if (!outer || outer != hdr_len || hdr[0] != (V_ASN1_SEQUENCE | V_ASN1_CONSTRUCTED))
		return -1;
	p = hdr + (hdr[1] & 0x80 ? 2 + (hdr[1] & 0x7f) : 2);
	for (at = p; at < e && *at != (V_ASN1_CONTEXT_SPECIFIC | V_ASN1_CONSTRUCTED | 0);) {
		size_t l = tlv_len(at, e);
		if (!l)
			return -1;
		at += l;
	}
	body_len = (size_t)(e - p) + revoked->len;
	put_tl(tbs, V_ASN1_SEQUENCE | V_ASN1_CONSTRUCTED, body_len);
	cc_buf_add(tbs, p, (size_t)(at - p));
	cc_buf_add(tbs, revoked->buf, revoked->len);
	cc_buf_add(tbs, at, (size_t)(e - at));
	return 0;
}

/* the revokedCertificates SEQUENCE of entries, sorted by serial; empty for none */
static int revoked_list(const struct cc_crl_entry *entries, size_t n, int64_t now,
			struct cc_buf *out, struct cc_err *err)
{
	struct cc_buf all = CC_BUF_INIT;
	struct rev_ref *refs;
	int rc = 0;

	if (!n)
		return 0;
	refs = cc_xcalloc(n, sizeof(*refs));
	cc_buf_grow(&all, n * 40);
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = put_entry(&all, &entries[i], now, &refs[i], err);
	if (rc == 0) {
		qsort_r(refs, n, sizeof(*refs), by_serial, all.buf);
		put_tl(out, V_ASN1_SEQUENCE | V_ASN1_CONSTRUCTED, all.len);
		cc_buf_grow(out, all.len);
		for (size_t i = 0; i < n; i++)
			cc_buf_add(out, all.buf + refs[i].off, refs[i].len);
	}
	free(refs);
	cc_buf_release(&all);
	return rc;
}

/* signs tbs with the CA key as crl (signed by OpenSSL) was: the whole CertificateList */
static int sign_tbs(const struct local_ca *ca, const X509_CRL *crl, const struct cc_buf *tbs,
		    struct cc_buf *der, struct cc_err *err)
{
	const X509_ALGOR *alg = NULL;
	const ASN1_BIT_STRING *old = NULL;
	EVP_MD_CTX *mctx = EVP_MD_CTX_new();
	unsigned char *algder = NULL, *sig = NULL;
	size_t siglen = 0;
	int alglen, rc = -1;

	X509_CRL_get0_signature(crl, &old, &alg);
	alglen = alg ? i2d_X509_ALGOR(alg, &algder) : -1;
	if (!mctx || alglen <= 0 || EVP_DigestSignInit(mctx, NULL, ca->md, NULL, ca->key) != 1 ||
	    EVP_DigestSign(mctx, NULL, &siglen, (const unsigned char *)tbs->buf, tbs->len) != 1 ||
	    !(sig = OPENSSL_malloc(siglen)) ||
	    EVP_DigestSign(mctx, sig, &siglen, (const unsigned char *)tbs->buf, tbs->len) != 1) {
		cc_err_ssl(err, CC_E_CRYPTO, "cannot sign the CRL");
		goto out;
	}
	cc_buf_reset(der);
	put_tl(der, V_ASN1_SEQUENCE | V_ASN1_CONSTRUCTED,
	       tbs->len + (size_t)alglen +
		       (siglen + 1 < 0x80    ? 2
			: siglen + 1 < 0x100 ? 3
					     : 4) +
		       siglen + 1);
	cc_buf_add(der, tbs->buf, tbs->len);
	cc_buf_add(der, algder, (size_t)alglen);
	put_tl(der, V_ASN1_BIT_STRING, siglen + 1);
	cc_buf_addc(der, 0); /* no unused bits */
	cc_buf_add(der, sig, siglen);
	rc = 0;
out:
	OPENSSL_free(sig);
	OPENSSL_free(algder);
	EVP_MD_CTX_free(mctx);
	return rc;
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
	struct cc_buf revoked = CC_BUF_INIT, tbs = CC_BUF_INIT;
	unsigned char *hdr = NULL;
	int hdr_len, rc = -1;

	if (!crl || !crl_number)
		CC_BUG("out of memory");
	if (revoked_list(entries, n, now, &revoked, err) < 0)
		goto out;
	if (!X509_CRL_set_version(crl, X509_CRL_VERSION_2) ||
	    !X509_CRL_set_issuer_name(crl, X509_get_subject_name(ca->cert)) || !set_time(&t, now) ||
	    !X509_CRL_set1_lastUpdate(crl, t) ||
	    !set_time(&t, now + CRL_HOURS * 3600 * CC_USEC_PER_SEC) ||
	    !X509_CRL_set1_nextUpdate(crl, t) || !ASN1_INTEGER_set_int64(crl_number, number) ||
	    X509_CRL_add1_ext_i2d(crl, NID_crl_number, crl_number, 0, 0) != 1 ||
	    !X509_CRL_add_ext(crl, ca->ext_aki, -1)) {
		cc_err_ssl(err, CC_E_CRYPTO, "cannot build the CRL");
		goto out;
	}
	/* signed once without entries: sets the signature algorithm in both places */
	if (!X509_CRL_sign(crl, ca->key, ca->md)) {
		cc_err_ssl(err, CC_E_CRYPTO, "cannot sign the CRL");
		goto out;
	}
	if (!n) {
		unsigned char *out = NULL;
		rc = put_der(der, out, i2d_X509_CRL(crl, &out), err);
		goto out;
	}
	hdr_len = i2d_re_X509_CRL_tbs(crl, &hdr);
	if (hdr_len <= 0 || splice_tbs(hdr, (size_t)hdr_len, &revoked, &tbs) < 0) {
		cc_err_ssl(err, CC_E_CRYPTO, "cannot encode the CRL");
		goto out;
	}
	rc = sign_tbs(ca, crl, &tbs, der, err);
out:
	ERR_clear_error();
	OPENSSL_free(hdr);
	cc_buf_release(&revoked);
	cc_buf_release(&tbs);
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
