/* sched-renewal.c: the renewal and expiry check (resources.md §7.1, improved) — status
 * Expiring/Expired, one expiration warning per (certificate, threshold), and a Renewal
 * job for certificates whose policy renews them automatically */
#include <stdlib.h>
#include <string.h>
#include "daemon/sched.h"
#include "daemon/app.h"
#include "daemon/policy-check.h"
#include "connectors/issuer/issuer.h"
#include "libcc/audit.h"
#include "libcc/db.h"
#include "libcc/err.h"
#include "libcc/id.h"
#include "libcc/log.h"
#include "libcc/mem.h"
#include "libcc/notify.h"
#include "libcc/thresholds.h"
#include "libcc/time.h"
#include "libcc/banned.h"

/* 2000-01-01T00:00:00Z: an older expiry means "never issued" (v2.1 stored year 0001) */
#define Y2K (INT64_C(946684800) * CC_USEC_PER_SEC)

static const char sql_policies[] =
	"SELECT id, renewal_window_days, auto_renew, alert_thresholds_days FROM renewal_policies";
/* certificates that may need something: every one due within the horizon, and the
 * never-issued ones (their policy may issue them) */
static const char sql_certs[] =
	"SELECT id, common_name, status, expires_at, renewal_policy_id, issuer_id "
	"FROM managed_certificates WHERE status NOT IN ('Archived', 'Revoked', 'Failed') "
	"AND (expires_at IS NULL OR expires_at < $1) ORDER BY expires_at IS NULL, expires_at, id";
static const char sql_alerted[] = "SELECT message FROM notification_events "
				  "WHERE certificate_id = $1 AND type = 'ExpirationWarning'";
/* compare-and-set: a concurrent writer makes it change nothing */
static const char sql_set_status[] = "UPDATE managed_certificates SET status = $3, "
				     "updated_at = $4 WHERE id = $1 AND status = $2";
static const char sql_active_job[] =
	"SELECT 1 FROM jobs WHERE certificate_id = $1 AND type IN ('Renewal', 'Issuance') "
	"AND status IN ('Pending', 'AwaitingCSR', 'AwaitingApproval', 'Running') LIMIT 1";
static const char sql_insert_job[] =
	"INSERT INTO jobs (id, type, certificate_id, status, attempts, max_attempts, "
	"scheduled_at, created_at) VALUES ($1, $2, $3, $5, 0, 3, $4, $4)";
static const char sql_issuer[] = "SELECT type, enabled FROM issuers WHERE id = $1";

enum { C_ID, C_CN, C_STATUS, C_EXPIRES, C_POLICY, C_ISSUER };

struct policy {
	const char *id; /* lent by the policies result */
	int64_t window_days;
	bool auto_renew;
	struct cc_thresholds th;
};

/* certificates checked per transaction, and the most time one may hold the write lock */
#define CHUNK 32
#define CHUNK_US 2000

struct check {
	const struct api_tick *t;
	struct cc_log *log;
	struct cc_dbc *c;
	struct policy *pol;
	size_t npol;
	struct cc_thresholds defaults;
	int done; /* status writes, alerts and jobs */
};

static int load_policies(struct check *k, struct cc_dbres *r, struct cc_err *err)
{
	if (cc_db_exec(k->c, sql_policies, NULL, 0, r, err) < 0)
		return -1;
	k->pol = cc_xcalloc(r->nrows ? (size_t)r->nrows : 1, sizeof(*k->pol));
	k->npol = (size_t)r->nrows;
	for (int i = 0; i < r->nrows; i++) {
		struct policy *p = &k->pol[i];
		struct cc_err e = CC_ERR_INIT;
		json_t *a = cc_dbres_json(r, i, 3);

		p->id = cc_dbres_str(r, i, 0);
		p->window_days = cc_dbres_int(r, i, 1);
		p->auto_renew = cc_dbres_bool(r, i, 2);
		if (cc_thresholds_from_json(&p->th, a, &e) < 0) {
			cc_warn(k->log, "renewal check: policy=%s: %s; using [30, 14, 7, 0]", p->id,
				e.msg);
			cc_thresholds_default(&p->th);
		}
		json_decref(a);
	}
	return 0;
}

static const struct policy *find_policy(const struct check *k, const char *id)
{
	for (size_t i = 0; id && i < k->npol; i++)
		if (!strcmp(k->pol[i].id, id))
			return &k->pol[i];
	return NULL;
}

/* how far ahead the check must look: the widest Expiring span or renewal window */
static int64_t horizon_days(const struct check *k)
{
	int64_t d = cc_thresholds_expiring_days(&k->defaults);

	for (size_t i = 0; i < k->npol; i++) {
		if (cc_thresholds_expiring_days(&k->pol[i].th) > d)
			d = cc_thresholds_expiring_days(&k->pol[i].th);
		if (k->pol[i].window_days > d)
			d = k->pol[i].window_days;
	}
	return d;
}

/* the thresholds already warned about, from the [threshold:N] markers */
static int load_alerted(struct check *k, const char *cert_id, int64_t *v, size_t *n,
			struct cc_err *err)
{
	struct cc_dbres r = CC_DBRES_INIT;

	*n = 0;
	if (cc_db_exec(k->c, sql_alerted, CC_DB_ARGS(CC_DB_TEXT(cert_id)), &r, err) < 0) {
		cc_dbres_release(&r);
		return -1;
	}
	for (int i = 0; i < r.nrows && *n < CC_THRESHOLDS_MAX; i++)
		if (cc_thresholds_marker(cc_dbres_str(&r, i, 0), &v[*n]) == 0)
			(*n)++;
	cc_dbres_release(&r);
	return 0;
}

/* 1 when written, 0 when another writer changed the status first */
static int set_status(struct check *k, const char *id, const char *from, const char *to,
		      struct cc_err *err)
{
	struct cc_dbres r = CC_DBRES_INIT;
	int rc = cc_db_exec(
		k->c, sql_set_status,
		CC_DB_ARGS(CC_DB_TEXT(id), CC_DB_TEXT(from), CC_DB_TEXT(to), CC_DB_TIME(k->t->now)),
		&r, err);

	if (rc == 0)
		rc = r.changes > 0;
	cc_dbres_release(&r);
	return rc;
}

/* one warning and its audit event, together; a warning that exists is not repeated */
static int alert(struct check *k, const struct cc_dbres *r, int row, const char *who,
		 const struct cc_expiry *e, int64_t t, struct cc_err *err)
{
	const char *id = cc_dbres_str(r, row, C_ID);
	char *msg = cc_thresholds_message(cc_dbres_str(r, row, C_CN), e, t);
	char *key = cc_xasprintf("expiry:%s:%lld", id, (long long)t);
	bool created = false;
	int rc = -1;

	if (cc_db_begin(k->c, err) < 0)
		goto out;
	if (cc_notify_create_once(k->c, key, CC_NOTIFY_EXPIRATION_WARNING, id, "Email", who, msg,
				  k->t->now, &created, err) < 0 ||
	    (created &&
	     cc_audit_record(k->c, "system", "System", "expiration_alert_sent", "certificate", id,
			     json_pack("{s:I, s:I}", "threshold_days", (json_int_t)t,
				       "days_until_expiry", (json_int_t)e->days_left),
			     err) < 0) ||
	    cc_db_commit(k->c, err) < 0) {
		cc_db_rollback(k->c);
		goto out;
	}
	if (created) {
		k->done++;
		cc_info(k->log,
			"renewal check: cert=%s: expiration warning for threshold %lld days", id,
			(long long)t);
	}
	rc = 0;
out:
	free(key);
	free(msg);
	return rc;
}

/* the issuer row exists, is enabled and names a connector type this build has */
static bool issuer_usable(struct check *k, const char *issuer_id, struct cc_err *err)
{
	struct cc_dbres r = CC_DBRES_INIT;
	bool ok = false;

	if (issuer_id &&
	    cc_db_exec(k->c, sql_issuer, CC_DB_ARGS(CC_DB_TEXT(issuer_id)), &r, err) == 0 &&
	    r.nrows) {
		ok = cc_dbres_bool(&r, 0, 1) && cc_issuer_find(cc_dbres_str(&r, 0, 0)) != NULL;
		if (!ok)
			cc_debug(k->log,
				 "renewal check: issuer=%s is disabled or of an unknown "
				 "type: no automatic renewal",
				 issuer_id);
	}
	cc_dbres_release(&r);
	return ok;
}

/* job (Pending, or AwaitingApproval when the certificate's profile or a policy rule asks
 * for it) + RenewalInProgress + audit in one transaction. The compare-and-set on the
 * status comes first: it locks the row, so a concurrent check (another replica) changes
 * nothing and queues nothing. 1 when queued, 0 when someone else got there first */
static int queue_job(struct check *k, const struct cc_dbres *r, int row, const char *status,
		     const struct cc_expiry *e, struct cc_err *err)
{
	const char *id = cc_dbres_str(r, row, C_ID);
	const char *type = e ? "Renewal" : "Issuance", *start;
	struct cc_dbres a = CC_DBRES_INIT;
	char *job = cc_id_new("job");
	json_t *d;
	int rc = -1, set;

	if (cc_db_begin(k->c, err) < 0)
		goto out;
	set = set_status(k, id, status, "RenewalInProgress", err);
	if (set <= 0 || cc_db_exec(k->c, sql_active_job, CC_DB_ARGS(CC_DB_TEXT(id)), &a, err) < 0)
		goto undo;
	if (a.nrows) { /* e.g. queued by hand while the status said otherwise */
		set = 0;
		goto undo;
	}
	/* an approval may be needed first */
	if (api_policy_job_status(k->c, id, "Pending", &start, err) < 0)
		goto undo;
	d = json_pack("{s:s, s:s, s:s}", "job_id", job, "job_type", type, "job_status", start);
	if (e)
		json_object_set_new(d, "days_until_expiry", json_real(e->days_until));
	if (cc_db_exec(k->c, sql_insert_job,
		       CC_DB_ARGS(CC_DB_TEXT(job), CC_DB_TEXT(type), CC_DB_TEXT(id),
				  CC_DB_TIME(k->t->now), CC_DB_TEXT(start)),
		       NULL, err) < 0 ||
	    cc_audit_record(k->c, "system", "System", "renewal_job_created", "certificate", id, d,
			    err) < 0 ||
	    cc_db_commit(k->c, err) < 0)
		goto undo;
	k->done++;
	cc_info(k->log, "renewal check: cert=%s: %s job=%s queued", id, type, job);
	rc = 1;
	goto out;
undo:
	cc_db_rollback(k->c);
	if (set == 0)
		rc = 0;
out:
	cc_dbres_release(&a);
	free(job);
	return rc;
}

/* the status and warnings of one certificate; *status follows what was written.
 * 0 when the certificate may go on to renewal, 1 when another writer changed it */
static int expiry(struct check *k, const struct cc_dbres *r, int row, const struct policy *p,
		  const char **status, struct cc_expiry *e, struct cc_err *err)
{
	const char *id = cc_dbres_str(r, row, C_ID);
	int64_t not_after = cc_dbres_time(r, row, C_EXPIRES), alerted[CC_THRESHOLDS_MAX];
	const struct cc_thresholds *th = p ? &p->th : &k->defaults;
	size_t nalerted = 0;
	char *who = NULL;
	int rc = -1, set;

	cc_thresholds_eval(th, k->t->now, not_after, *status, NULL, 0, e);
	if (e->nfire) {
		if (load_alerted(k, id, alerted, &nalerted, err) < 0)
			return -1;
		cc_thresholds_eval(th, k->t->now, not_after, *status, alerted, nalerted, e);
	}
	if (e->status) {
		if ((set = set_status(k, id, *status, e->status, err)) <= 0)
			return set < 0 ? -1 : 1;
		k->done++;
		cc_info(k->log, "renewal check: cert=%s: status %s -> %s", id, *status, e->status);
		*status = e->status;
	}
	if (e->nfire && cc_notify_recipient(k->c, id, &who, err) < 0)
		return -1;
	for (size_t i = 0; i < e->nfire; i++)
		if (alert(k, r, row, who, e, e->fire[i], err) < 0)
			goto out;
	rc = 0;
out:
	free(who);
	return rc;
}

static int check_one(struct check *k, const struct cc_dbres *r, int row, struct cc_err *err)
{
	const struct policy *p = find_policy(k, cc_dbres_str(r, row, C_POLICY));
	const char *status = cc_dbres_str(r, row, C_STATUS);
	int64_t not_after = cc_dbres_time(r, row, C_EXPIRES);
	bool issued = not_after >= Y2K;
	struct cc_expiry e;
	int rc;

	if (!status)
		status = "";
	if (issued && (rc = expiry(k, r, row, p, &status, &e, err)) != 0)
		return rc < 0 ? -1 : 0;
	if (!p || !p->auto_renew || !strcmp(status, "RenewalInProgress"))
		return 0;
	if (issued && e.remaining > p->window_days * CC_DAY_USEC)
		return 0;
	if (!issuer_usable(k, cc_dbres_str(r, row, C_ISSUER), err))
		return err->code == CC_E_OK ? 0 : -1;
	return queue_job(k, r, row, status, issued ? &e : NULL, err) < 0 ? -1 : 0;
}

static int check_each(struct check *k, const struct cc_dbres *r, int from, int to)
{
	int failed = 0;

	for (int i = from; i < to; i++) {
		struct cc_err e = CC_ERR_INIT;

		if (check_one(k, r, i, &e) < 0) {
			failed++;
			cc_warn(k->log, "renewal check: cert=%s: %s", cc_dbres_str(r, i, C_ID),
				e.msg);
		}
	}
	return failed;
}

/* rows from *next on, up to CHUNK of them or CHUNK_US of work, in one transaction: a
 * first scan of a large inventory writes thousands of warnings, and one commit each kept
 * the write lock busy (and every list cache cold) for minutes. Short transactions with a
 * pause after each leave room for the other writers (the API audit). If anything fails
 * the chunk is undone and checked again one certificate at a time, so one bad row costs
 * only itself. *next moves past the rows handled; returns how many failed. */
static int check_chunk(struct check *k, const struct cc_dbres *r, int *next)
{
	struct cc_err err = CC_ERR_INIT;
	int from = *next, to = from, done = k->done;
	int64_t t0 = cc_time_mono_us();

	if (cc_db_begin(k->c, &err) == 0) {
		bool ok = true;

		while (ok && to < r->nrows && to - from < CHUNK &&
		       cc_time_mono_us() - t0 < CHUNK_US) {
			struct cc_err e = CC_ERR_INIT;

			ok = check_one(k, r, to++, &e) == 0;
		}
		*next = to;
		if (ok && cc_db_commit(k->c, &err) == 0) {
			cc_db_let_writers_in(k->c);
			return 0;
		}
		cc_db_rollback(k->c); /* a no-op when the failed commit rolled back already */
		k->done = done;
	} else {
		to = *next = from + 1;
	}
	return check_each(k, r, from, to);
}

int api_renewal_check_tick(const struct api_tick *t, struct cc_err *err)
{
	struct check k = { .t = t, .log = t->app->log };
	struct cc_dbres pols = CC_DBRES_INIT, certs = CC_DBRES_INIT;
	int rc = -1, failed = 0;

	cc_thresholds_default(&k.defaults);
	if (!(k.c = cc_db_get(t->app->db, err)))
		return -1;
	if (load_policies(&k, &pols, err) < 0 ||
	    cc_db_exec(k.c, sql_certs,
		       CC_DB_ARGS(CC_DB_TIME(t->now + horizon_days(&k) * CC_DAY_USEC)), &certs,
		       err) < 0)
		goto out;
	for (int i = 0; i < certs.nrows;) {
		if (api_tick_over(t)) {
			cc_info(k.log,
				"renewal check: stopped after %d of %d certificates; the "
				"rest waits for the next run",
				i, certs.nrows);
			break;
		}
		failed += check_chunk(&k, &certs, &i);
	}
	if (failed && failed == certs.nrows) {
		cc_err_set(err, CC_E_DB, "every certificate failed (%d)", failed);
		goto out;
	}
	rc = k.done;
out:
	cc_dbres_release(&certs);
	cc_dbres_release(&pols);
	free(k.pol);
	cc_db_put(t->app->db, k.c);
	return rc;
}
