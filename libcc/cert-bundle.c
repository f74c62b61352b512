/* cert-bundle.c: PEM bundles and DER files read block by block, leaves told from CAs, and
 * chains found by issuer and signature (cert-bundle.h) */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/asn1.h>
#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include "libcc/b64.h"
#include "libcc/buf.h"
#include "libcc/cert-bundle.h"
#include "libcc/err.h"
#include "libcc/mem.h"
#include "libcc/banned.h"

#define LABEL_MAX 40

/* one PEM block being read */
struct block {
	char label[LABEL_MAX + 1];
	int no;	      /* 1-based among all blocks */
	int line;     /* of its BEGIN */
	int bad_line; /* first line that is not base64, 0 = none */
	bool padded;  /* a '=' was seen: only '=' may follow */
	size_t npad;  /* '=' seen */
	struct cc_buf body;
};

static void add_bad(struct cc_bundle *b, int block, int line, const char *fmt, ...) CC_PRINTF(4, 5);

static void add_bad(struct cc_bundle *b, int block, int line, const char *fmt, ...)
{
	struct cc_bundle_bad *bad;
	va_list ap;

	b->bad = cc_xrealloc(b->bad, (b->nbad + 1) * sizeof(*b->bad));
	bad = &b->bad[b->nbad++];
	bad->block = block;
	bad->line = line;
	va_start(ap, fmt);
	vsnprintf(bad->reason, sizeof(bad->reason), fmt, ap);
	va_end(ap);
}

/* the reason OpenSSL gives for the last error, and the queue emptied */
static const char *ssl_reason(void)
{
	const char *r = ERR_reason_error_string(ERR_peek_last_error());

	ERR_clear_error();
	return r ? r : "malformed";
}

/* a certificate from DER (aux: OpenSSL's TRUSTED CERTIFICATE form); NULL with why set */
static X509 *der_cert(const unsigned char *der, size_t n, bool aux, char *why, size_t whylen)
{
	const unsigned char *q = der, *p = der;
	long hlen = 0;
	int tag = 0, xclass = 0, r;
	X509 *x;

	if (!n) {
		snprintf(why, whylen, "empty certificate block");
		return NULL;
	}
	if (n > LONG_MAX / 2) {
		snprintf(why, whylen, "too large to be a certificate");
		return NULL;
	}
	r = ASN1_get_object(&q, &hlen, &tag, &xclass, (long)n);
	if (tag != V_ASN1_SEQUENCE || xclass != V_ASN1_UNIVERSAL || !(r & V_ASN1_CONSTRUCTED)) {
		ERR_clear_error();
		snprintf(why, whylen, "not an X.509 certificate (no DER SEQUENCE at the start)");
		return NULL;
	}
	if (!(r & 1) && hlen > (long)n - (q - der)) {
		ERR_clear_error();
		snprintf(why, whylen,
			 "truncated certificate: its DER says %ld bytes, the block holds %ld", hlen,
			 (long)n - (long)(q - der));
		return NULL;
	}
	ERR_clear_error();
	x = aux ? d2i_X509_AUX(NULL, &p, (long)n) : d2i_X509(NULL, &p, (long)n);
	if (!x) {
		snprintf(why, whylen, "not a valid X.509 certificate: %s", ssl_reason());
		return NULL;
	}
	if (!aux && p != der + n) {
		X509_free(x);
		snprintf(why, whylen, "%ld bytes of trailing data after the certificate",
			 (long)(der + n - p));
		return NULL;
	}
	return x;
}

/* adds the certificate of der to b, or a bad entry */
static void add_der(struct cc_bundle *b, const unsigned char *der, size_t n, bool aux, int block,
		    int line)
{
	struct cc_err err = CC_ERR_INIT;
	struct cc_bundle_cert *c;
	unsigned char *canon = NULL;
	char why[160];
	X509 *x = der_cert(der, n, aux, why, sizeof(why));
	int clen;

	if (!x) {
		add_bad(b, block, line, "%s", why);
		return;
	}
	/* the facts come from the certificate alone (an aux trailer is not part of it) */
	clen = i2d_X509(x, &canon);
	b->certs = cc_xrealloc(b->certs, (b->n + 1) * sizeof(*b->certs));
	c = &b->certs[b->n];
	memset(c, 0, sizeof(*c));
	if (clen <= 0 || cc_cert_info_from_der(canon, (size_t)clen, &c->info, &err) < 0) {
		ERR_clear_error();
		X509_free(x);
		add_bad(b, block, line, "unreadable certificate: %s",
			err.msg[0] ? err.msg : "cannot encode it");
		goto out;
	}
	c->x = x;
	c->block = block;
	c->line = line;
	b->n++;
out:
	OPENSSL_free(canon);
}

static bool is_cert_label(const char *l, bool *aux)
{
	*aux = !strcmp(l, "TRUSTED CERTIFICATE");
	return *aux || !strcmp(l, "CERTIFICATE") || !strcmp(l, "X509 CERTIFICATE");
}

/* "-----BEGIN X-----" / "-----END X-----": the label into out */
static bool marker(const char *s, size_t n, const char *kind, char *out)
{
	size_t k = strlen(kind);

	if (n < k + 5 || strncmp(s, kind, k) || strncmp(s + n - 5, "-----", 5) ||
	    n - k - 5 > LABEL_MAX)
		return false;
	memcpy(out, s + k, n - k - 5);
	out[n - k - 5] = '\0';
	return true;
}

static bool b64_char(char ch)
{
	return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
	       ch == '+' || ch == '/';
}

/* a line of the block's body: checked (first bad line kept) and collected */
static void body_line(struct block *k, const char *s, size_t n, int line)
{
	for (size_t i = 0; i < n && !k->bad_line; i++) {
		if (s[i] == '=' && k->npad < 2) {
			k->padded = true;
			k->npad++;
		} else if (!b64_char(s[i]) || k->padded) {
			k->bad_line = line;
		}
	}
	if (!k->bad_line)
		cc_buf_add(&k->body, s, n);
}

static void end_block(struct cc_bundle *b, struct block *k)
{
	unsigned char *der = NULL;
	size_t n = 0;
	bool aux;

	if (!is_cert_label(k->label, &aux))
		return;
	if (k->bad_line)
		add_bad(b, k->no, k->line, "invalid base64 at line %d", k->bad_line);
	else if (k->body.len % 4)
		add_bad(b, k->no, k->line,
			"invalid base64: %zu characters, not a multiple of 4 (a line cut short?)",
			k->body.len);
	else if (cc_b64_decode(k->body.buf, &der, &n) < 0)
		add_bad(b, k->no, k->line, "invalid base64");
	else
		add_der(b, der, n, aux, k->no, k->line);
	free(der);
}

static void begin_block(struct cc_bundle *b, struct block *k, const char *label, int no, int line)
{
	bool aux;

	cc_buf_reset(&k->body);
	snprintf(k->label, sizeof(k->label), "%s", label);
	k->no = no;
	k->line = line;
	k->bad_line = 0;
	k->padded = false;
	k->npad = 0;
	if (!is_cert_label(label, &aux) && !b->other++)
		snprintf(b->other_label, sizeof(b->other_label), "%s", label);
}

/* the certificate blocks seen so far, good or bad */
static size_t ncert_blocks(const struct cc_bundle *b)
{
	return b->n + b->nbad;
}

static int parse_pem(const char *data, size_t len, size_t max, struct cc_bundle *b,
		     struct cc_err *err)
{
	const char *p = data, *end = data + len;
	struct block k = { .body = CC_BUF_INIT };
	char label[LABEL_MAX + 1];
	bool in = false, aux;
	int line = 0, no = 0;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *s = p;
		const char *e = nl ? nl : end;

		p = nl ? nl + 1 : end;
		line++;
		while (s < e && (*s == ' ' || *s == '\t'))
			s++;
		while (e > s && (e[-1] == '\r' || e[-1] == ' ' || e[-1] == '\t'))
			e--;
		if (marker(s, (size_t)(e - s), "-----BEGIN ", label)) {
			if (in && is_cert_label(k.label, &aux))
				add_bad(b, k.no, k.line,
					"no END line before the BEGIN at line %d (a block cut "
					"short)",
					line);
			begin_block(b, &k, label, ++no, line);
			in = true;
		} else if (in && marker(s, (size_t)(e - s), "-----END ", label)) {
			if (strcmp(label, k.label) && is_cert_label(k.label, &aux))
				add_bad(b, k.no, k.line, "END %.40s at line %d closes BEGIN %s",
					label, line, k.label);
			else
				end_block(b, &k);
			in = false;
		} else if (in) {
			body_line(&k, s, (size_t)(e - s), line);
		}
		if (ncert_blocks(b) > max) {
			cc_buf_release(&k.body);
			return cc_err_set(err, CC_E_TOO_BIG, "more than %zu certificates", max);
		}
	}
	if (in && is_cert_label(k.label, &aux))
		add_bad(b, k.no, k.line, "no END line: the block is cut short");
	cc_buf_release(&k.body);
	return 0;
}

bool cc_bundle_issued_by(X509 *child, X509 *parent)
{
	EVP_PKEY *k;
	bool ok;

	if (X509_check_issued(parent, child) != X509_V_OK) {
		ERR_clear_error();
		return false;
	}
	k = X509_get0_pubkey(parent);
	ok = k && X509_verify(child, k) == 1;
	ERR_clear_error();
	return ok;
}

static bool issues_another(const struct cc_bundle *b, size_t i)
{
	for (size_t j = 0; j < b->n; j++)
		if (j != i && cc_bundle_issued_by(b->certs[j].x, b->certs[i].x))
			return true;
	return false;
}

static void classify(struct cc_bundle *b)
{
	for (size_t i = 0; i < b->n; i++) {
		struct cc_bundle_cert *c = &b->certs[i];

		c->leaf = !c->info.is_ca || (c->info.sans.n && !issues_another(b, i));
		b->nleaves += c->leaf;
	}
}

int cc_bundle_parse(const void *data, size_t len, size_t max_certs, struct cc_bundle *out,
		    struct cc_err *err)
{
	memset(out, 0, sizeof(*out));
	if (memmem(data, len, "-----BEGIN ", 11)) {
		if (parse_pem(data, len, max_certs, out, err) < 0) {
			cc_bundle_release(out);
			return -1;
		}
	} else if (len && ((const unsigned char *)data)[0] == 0x30) {
		add_der(out, data, len, false, 1, 0);
	} else {
		add_bad(out, 1, 0, "%s",
			len ? "neither PEM nor a DER certificate" : "empty: no certificate");
	}
	classify(out);
	return 0;
}

void cc_bundle_release(struct cc_bundle *b)
{
	if (!b)
		return;
	for (size_t i = 0; i < b->n; i++) {
		X509_free(b->certs[i].x);
		cc_cert_info_release(&b->certs[i].info);
	}
	free(b->certs);
	free(b->bad);
	memset(b, 0, sizeof(*b));
}

bool cc_bundle_self_signed(X509 *x)
{
	return (X509_get_extension_flags(x) & EXFLAG_SS) != 0;
}

size_t cc_bundle_chain(const struct cc_bundle *b, size_t leaf, size_t *out, size_t max)
{
	size_t n = 0, cur = leaf;

	while (n < max && !cc_bundle_self_signed(b->certs[cur].x)) {
		size_t k;
		bool seen;

		for (k = 0; k < b->n; k++) {
			seen = k == leaf;
			for (size_t i = 0; i < n && !seen; i++)
				seen = out[i] == k;
			if (!seen && !b->certs[k].leaf &&
			    cc_bundle_issued_by(b->certs[cur].x, b->certs[k].x))
				break;
		}
		if (k == b->n)
			break;
		out[n++] = k;
		cur = k;
	}
	return n;
}

char *cc_bundle_pem(const struct cc_bundle *b, size_t leaf, const size_t *chain, size_t n)
{
	struct cc_buf pem = CC_BUF_INIT;

	cc_buf_adds(&pem, b->certs[leaf].info.pem);
	for (size_t i = 0; i < n; i++)
		cc_buf_adds(&pem, b->certs[chain[i]].info.pem);
	return cc_buf_detach(&pem, NULL);
}

void cc_bundle_bad_text(const struct cc_bundle_bad *bad, char *buf, size_t size)
{
	if (bad->line)
		snprintf(buf, size, "block %d (line %d): %s", bad->block, bad->line, bad->reason);
	else
		snprintf(buf, size, "%s", bad->reason);
}
