/* cert-import.c: one imported certificate — read, checked, deduplicated and written in its
 * own transaction (cert-import.h) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "daemon/cert-import.h"
#include "daemon/api.h"
#include "daemon/app.h"
#include "daemon/policy-check.h"
#include "daemon/resource.h"
#include "libcc/cert-version.h"
#include "libcc/certificate.h"
#include "libcc/db.h"
#include "libcc/err.h"
#include "libcc/log.h"
#include "libcc/repo.h"
#include "libcc/time.h"
#include "libcc/banned.h"

#define NAME_MAX_LEN 255

static int fail(struct api_import *im, const char *fmt, ...) CC_PRINTF(2, 3);

static int fail(struct api_import *im, const char *fmt, ...)
{
	va_list ap;

	im->status = "failed";
	va_start(ap, fmt);
	vsnprintf(im->reason, sizeof(im->reason), fmt, ap);
	va_end(ap);
	return -1;
}

/* UTF-8 that JSON can carry, without control characters */
static bool clean_text(const char *s)
{
	json_t *j = json_string(s);

	json_decref(j);
	if (!j)
		return false;
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	return true;
}

/* the names of the leaf fit a managed certificate */
static int check_names(struct api_import *im, const struct cc_cert_info *ci)
{
	const char *cn = *ci->common_name ? ci->common_name : ci->sans.n ? ci->sans.v[0] : "";

	if (!*cn)
		return fail(im, "the certificate has neither a common name nor a subjectAltName");
	if (strlen(cn) > NAME_MAX_LEN)
		return fail(im, "the common name is longer than %d bytes", NAME_MAX_LEN);
	if (!clean_text(cn))
		return fail(im, "the common name holds control characters or invalid UTF-8");
	if (ci->sans.n > API_IMPORT_MAX_SANS)
		return fail(im, "%zu subjectAltNames: at most %d can be imported", ci->sans.n,
			    API_IMPORT_MAX_SANS);
	for (size_t i = 0; i < ci->sans.n; i++) {
		if (strlen(ci->sans.v[i]) > NAME_MAX_LEN)
			return fail(im, "a subjectAltName is longer than %d bytes", NAME_MAX_LEN);
		if (!clean_text(ci->sans.v[i]))
			return fail(im, "a subjectAltName holds control characters or invalid "
					"UTF-8");
	}
	if (!ci->not_before || !ci->not_after)
		return fail(im, "the certificate's validity dates cannot be read");
	return 0;
}

int api_import_read(const char *pem, size_t len, struct api_import *im)
{
	struct cc_err err = CC_ERR_INIT;
	size_t chain[API_IMPORT_MAX_CERTS];
	char bad[240];

	if (!memmem(pem, len, "-----BEGIN ", 11))
		return fail(im, "no PEM block (-----BEGIN CERTIFICATE-----) in pem");
	if (cc_bundle_parse(pem, len, API_IMPORT_MAX_CERTS, &im->b, &err) < 0)
		return fail(im, "%s in one entry: send each leaf with its own chain", err.msg);
	if (im->b.nbad) {
		cc_bundle_bad_text(&im->b.bad[0], bad, sizeof(bad));
		return fail(im, "%s", bad);
	}
	if (!im->b.n)
		return fail(im, "no certificate in the PEM%s%s", im->b.other ? ", only " : "",
			    im->b.other_label);
	if (!im->b.nleaves)
		return fail(im, "only CA certificates (%zu): no end-entity certificate to import",
			    im->b.n);
	if (im->b.nleaves > 1)
		return fail(im, "%zu end-entity certificates: send each with its own entry",
			    im->b.nleaves);
	for (im->leaf = 0; !im->b.certs[im->leaf].leaf; im->leaf++)
		;
	if (check_names(im, &im->b.certs[im->leaf].info) < 0)
		return -1;
	im->chain_len = cc_bundle_chain(&im->b, im->leaf, chain, API_IMPORT_MAX_CERTS);
	im->pem_chain = cc_bundle_pem(&im->b, im->leaf, chain, im->chain_len);
	return 0;
}

const char *api_import_fingerprint(const struct api_import *im)
{
	return im->b.certs[im->leaf].info.fingerprint_sha256;
}

void api_import_release(struct api_import *im)
{
	cc_bundle_release(&im->b);
	cc_freep(&im->pem_chain);
}

/* 1 when the inventory has the fingerprint (skipped, naming the certificate), 0 when not */
static int known(struct cc_dbc *c, struct api_import *im, struct cc_err *err)
{
	struct cc_cert_version v = { 0 };

	if (cc_cert_version_by_fingerprint(c, api_import_fingerprint(im), &v, err) < 0) {
		if (err->code != CC_E_NOT_FOUND)
			return -1;
		cc_err_clear(err);
		return 0;
	}
	im->status = "skipped";
	snprintf(im->reason, sizeof(im->reason), "already in the inventory as %s",
		 v.certificate_id);
	snprintf(im->cert_id, sizeof(im->cert_id), "%s", v.certificate_id);
	cc_obj_release(&cc_cert_version_entity, &v);
	return 1;
}

/* prefix + common name, cut on a character boundary; "-<fingerprint>" when taken */
static int pick_name(struct cc_dbc *c, const struct api_import_opts *o, const char *cn,
		     const char *fp, char **out, struct cc_err *err)
{
	struct cc_dbres r = CC_DBRES_INIT;
	size_t max = NAME_MAX_LEN - 13, n = strlen(o->name_prefix) + strlen(cn);
	char *name = cc_xasprintf("%s%s", o->name_prefix, cn);

	if (n > max) {
		while (max && ((unsigned char)name[max] & 0xc0) == 0x80)
			max--;
		name[max] = '\0';
	}
	if (cc_db_exec(c, "SELECT 1 FROM managed_certificates WHERE name = $1",
		       CC_DB_ARGS(CC_DB_TEXT(name)), &r, err) < 0) {
		free(name);
		return -1;
	}
	if (r.nrows) {
		char *alt = cc_xasprintf("%s-%.12s", name, fp);
		free(name);
		name = alt;
	}
	cc_dbres_release(&r);
	*out = name;
	return 0;
}

static struct cc_certificate *new_cert(const struct api_import_opts *o, const struct api_import *im,
				       const struct cc_cert_info *ci)
{
	struct cc_certificate *m = cc_obj_new(&cc_certificate_entity);
	struct cc_expiry e;

	cc_thresholds_eval(&o->th, cc_time_now(), ci->not_after, "Active", NULL, 0, &e);
	m->common_name = cc_xstrdup(*ci->common_name ? ci->common_name : ci->sans.v[0]);
	cc_strv_copy(&m->sans, &ci->sans);
	m->environment = o->environment ? cc_xstrdup(o->environment) : NULL;
	m->owner_id = cc_xstrdup(o->owner_id);
	m->team_id = cc_xstrdup(o->team_id);
	m->issuer_id = cc_xstrdup(o->issuer_id);
	m->renewal_policy_id = cc_xstrdup(o->renewal_policy_id);
	m->status = cc_xstrdup(e.status ? e.status : "Active");
	m->expires_at = ci->not_after;
	m->tags = json_pack("{s:s}", "imported_from", im->source ? im->source : "api");
	return m;
}

static int insert_version(struct cc_dbc *c, const char *cert_id, const struct api_import *im,
			  const struct cc_cert_info *ci, char **version_id, struct cc_err *err)
{
	struct cc_cert_version *v = cc_obj_new(&cc_cert_version_entity);
	int rc;

	v->certificate_id = cc_xstrdup(cert_id);
	v->serial_number = cc_xstrdup(ci->serial_hex);
	v->not_before = ci->not_before;
	v->not_after = ci->not_after;
	v->fingerprint_sha256 = cc_xstrdup(ci->fingerprint_sha256);
	v->pem_chain = cc_xstrdup(im->pem_chain);
	v->key_algorithm = cc_xstrdup(ci->key_algorithm);
	v->key_size = ci->key_size;
	rc = cc_repo_insert(c, &cc_cert_version_entity, v, err);
	if (rc == 0)
		*version_id = cc_xstrdup(v->id);
	cc_obj_free(&cc_cert_version_entity, v);
	return rc;
}

/* everything of one certificate, in the caller's transaction */
static int write_one(struct api_req *rq, struct cc_dbc *c, const struct api_import_opts *o,
		     struct api_import *im, struct cc_err *err)
{
	const struct cc_cert_info *ci = &im->b.certs[im->leaf].info;
	struct cc_certificate *m = new_cert(o, im, ci);
	struct api_policy_result pr;
	char *version_id = NULL;
	int rc = -1;

	if (pick_name(c, o, m->common_name, ci->fingerprint_sha256, &m->name, err) < 0 ||
	    cc_repo_insert(c, &cc_certificate_entity, m, err) < 0 ||
	    insert_version(c, m->id, im, ci, &version_id, err) < 0 ||
	    api_policy_check_cert(rq->app, c, m, ci, rq->actor, "User", &pr, err) < 0 ||
	    api_audit_event(c, rq, "certificate_imported", "certificate", m->id,
			    json_pack("{s:s?, s:s, s:s, s:s, s:s, s:i, s:i}", "source", im->source,
				      "fingerprint_sha256", ci->fingerprint_sha256, "serial",
				      ci->serial_hex, "common_name", m->common_name, "version_id",
				      version_id, "chain_length", (int)im->chain_len,
				      "policy_violations", pr.violations),
			    err) < 0)
		goto out;
	snprintf(im->cert_id, sizeof(im->cert_id), "%s", m->id);
	im->violations = pr.violations;
	rc = 0;
out:
	free(version_id);
	cc_obj_free(&cc_certificate_entity, m);
	return rc;
}

/* the reason a write failed: the message for the caller's own mistakes, else a pointer to
 * the server log */
static void write_failed(struct api_req *rq, struct api_import *im, const struct cc_err *err)
{
	switch (err->code) {
	case CC_E_INVALID:
	case CC_E_CONFLICT:
	case CC_E_NOT_FOUND:
	case CC_E_TOO_BIG:
		fail(im, "%s", err->msg);
		break;
	default:
		cc_warn(rq->app->log, "import: req=%s source=%s: %s", rq->request_id,
			im->source ? im->source : "-", err->msg);
		fail(im, "internal error (%s): see the server log, request %s",
		     cc_err_name(err->code), rq->request_id);
	}
}

void api_import_write(struct api_req *rq, struct cc_dbc *c, const struct api_import_opts *o,
		      struct api_import *im)
{
	struct cc_err err = CC_ERR_INIT;
	int k;

	if ((k = known(c, im, &err)) != 0) {
		if (k < 0)
			write_failed(rq, im, &err);
		return;
	}
	if (cc_db_begin(c, &err) < 0) {
		write_failed(rq, im, &err);
		return;
	}
	if (write_one(rq, c, o, im, &err) < 0 || cc_db_commit(c, &err) < 0) {
		struct cc_err again = CC_ERR_INIT;

		cc_db_rollback(c);
		im->cert_id[0] = '\0';
		/* another request stored the same certificate meanwhile */
		if (err.code == CC_E_CONFLICT && known(c, im, &again) > 0)
			return;
		write_failed(rq, im, &err);
		return;
	}
	im->status = "imported";
}
