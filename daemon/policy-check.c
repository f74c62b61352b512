/* policy-check.c: the policy engine at work — rules that apply to a certificate, evaluated
 * on issuance and import, violations stored and audited; required SAN patterns of the
 * profile; approvals for new jobs (policy-check.h) */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include "daemon/policy-check.h"
#include "daemon/app.h"
#include "daemon/issuance.h"
#include "libcc/agent.h"
#include "libcc/agent-group.h"
#include "libcc/agent-match.h"
#include "libcc/audit.h"
#include "libcc/certificate.h"
#include "libcc/db.h"
#include "libcc/err.h"
#include "libcc/id.h"
#include "libcc/log.h"
#include "libcc/notify.h"
#include "libcc/policy.h"
#include "libcc/policy-eval.h"
#include "libcc/profile.h"
#include "libcc/repo.h"
#include "libcc/time.h"
#include "libcc/x509.h"
#include "libcc/banned.h"

static const char tail_rules[] = "WHERE enabled ORDER BY created_at, id";
static const char tail_approval_rules[] = "WHERE enabled AND type = 'RequireApproval' "
					  "ORDER BY created_at, id";
/* the agents a certificate is deployed by: those of its enabled targets */
static const char tail_cert_agents[] = "WHERE id IN (SELECT t.agent_id FROM deployment_targets t "
				       "JOIN certificate_target_mappings m ON m.target_id = t.id "
				       "WHERE m.certificate_id = $1 AND t.enabled) ORDER BY id";
static const char sql_store[] =
	"INSERT INTO policy_violations (id, certificate_id, rule_id, message, severity, "
	"created_at) VALUES ($1, $2, $3, $4, $5, $6) "
	"ON CONFLICT (certificate_id, rule_id, message) DO NOTHING RETURNING id";

struct finding {
	const struct cc_policy_rule *rule;
	char msg[200];
};

/* ---- agent-group scope ---- */

/* excludes win; then manual includes, then the dynamic criteria. A disabled or vanished
 * group has no members */
static int group_has(struct cc_dbc *c, const char *gid, const struct cc_list *agents, bool *member,
		     struct cc_err *err)
{
	struct cc_agent_group g = { 0 };
	struct cc_strv inc = CC_STRV_INIT, exc = CC_STRV_INIT;
	int rc = -1;

	*member = false;
	if (cc_repo_get(c, &cc_agent_group_entity, gid, &g, err) < 0) {
		if (err->code != CC_E_NOT_FOUND)
			goto out;
		cc_err_clear(err);
	} else if (g.enabled) {
		if (cc_agent_group_members(c, gid, "include", &inc, err) < 0 ||
		    cc_agent_group_members(c, gid, "exclude", &exc, err) < 0)
			goto out;
		for (size_t i = 0; i < agents->n && !*member; i++) {
			const struct cc_agent *a = agents->items[i];
			*member = !cc_strv_has(&exc, a->id) &&
				  (cc_strv_has(&inc, a->id) || cc_agent_group_matches_agent(&g, a));
		}
	}
	rc = 0;
out:
	cc_strv_release(&inc);
	cc_strv_release(&exc);
	cc_obj_release(&cc_agent_group_entity, &g);
	return rc;
}

/* *out = the groups named by the rules that count an agent of the certificate */
static int cert_groups(struct cc_dbc *c, const char *cert_id, const struct cc_list *rules,
		       struct cc_strv *out, struct cc_err *err)
{
	struct cc_list agents = CC_LIST_INIT;
	struct cc_strv seen = CC_STRV_INIT;
	bool loaded = false, member;
	int rc = -1;

	for (size_t i = 0; i < rules->n; i++) {
		const char *gid = ((const struct cc_policy_rule *)rules->items[i])->agent_group_id;

		if (!gid || !*gid || cc_strv_has(&seen, gid))
			continue;
		cc_strv_push(&seen, gid);
		if (!loaded && cc_repo_select(c, &cc_agent_entity, tail_cert_agents,
					      CC_DB_ARGS(CC_DB_TEXT(cert_id)), &agents, err) < 0)
			goto out;
		loaded = true;
		if (agents.n && group_has(c, gid, &agents, &member, err) < 0)
			goto out;
		if (agents.n && member)
			cc_strv_push(out, gid);
	}
	rc = 0;
out:
	cc_strv_release(&seen);
	cc_list_release(&cc_agent_entity, &agents);
	return rc;
}

/* ---- evaluation and storage ---- */

static void evaluate(const struct cc_list *rules, const struct cc_policy_subject *s,
		     struct finding *f, size_t *nf, struct api_policy_result *out)
{
	for (size_t i = 0; i < rules->n; i++) {
		const struct cc_policy_rule *r = rules->items[i];
		int64_t cap;

		if (!cc_policy_applies(r, s))
			continue;
		cap = cc_policy_ttl_cap(r);
		if (cap && (!out->ttl_cap_s || cap < out->ttl_cap_s))
			out->ttl_cap_s = cap;
		out->approval |= cc_policy_requires_approval(r);
		f[*nf].rule = r;
		if (!cc_policy_eval(r, s, f[*nf].msg, sizeof(f[*nf].msg)))
			continue;
		out->violations++;
		if (cc_policy_severity_blocks(r->severity) && !out->blocking++)
			snprintf(out->first_blocking, sizeof(out->first_blocking),
				 "policy rule '%.64s' (%.64s, %.8s): %.90s", r->name, r->id,
				 r->severity, f[*nf].msg);
		(*nf)++;
	}
}

/* the owner hears of a new violation (PolicyViolation); a repeat is not news */
static int notify_violation(struct cc_dbc *c, const char *cert_id, const struct cc_policy_rule *r,
			    const char *msg, int64_t now, struct cc_err *err)
{
	char *who = NULL, *text;
	int rc;

	if (cc_notify_recipient(c, cert_id, &who, err) < 0)
		return err->code == CC_E_NOT_FOUND ? (cc_err_clear(err), 0) : -1;
	text = cc_xasprintf("Policy %s (%s, %s) on certificate %s: %s", r->name, r->type,
			    r->severity, cert_id, msg);
	rc = cc_notify_create(c, CC_NOTIFY_POLICY_VIOLATION, cert_id, "Email", who, text, now, err);
	free(text);
	free(who);
	return rc;
}

/* one row per (certificate, rule, message): a repeat changes nothing */
static int store(struct api_app *app, struct cc_dbc *c, const char *cert_id,
		 const struct finding *f, size_t nf, const char *actor, const char *actor_type,
		 const char *context, struct api_policy_result *out, struct cc_err *err)
{
	int64_t now = cc_time_now();

	for (size_t i = 0; i < nf; i++) {
		const struct cc_policy_rule *r = f[i].rule;
		struct cc_dbres res = CC_DBRES_INIT;
		char *id = cc_id_new("violation");
		int rc = cc_db_exec(c, sql_store,
				    CC_DB_ARGS(CC_DB_TEXT(id), CC_DB_TEXT(cert_id),
					       CC_DB_TEXT(r->id), CC_DB_TEXT(f[i].msg),
					       CC_DB_TEXT(r->severity), CC_DB_TIME(now)),
				    &res, err);

		if (rc == 0 && res.nrows) {
			out->stored++;
			cc_log_kv(app->log, CC_LOG_WARN, "policy violation", "cert", cert_id,
				  "rule", r->id, "severity", r->severity, "message", f[i].msg,
				  (const char *)NULL);
			rc = cc_audit_record(
				c, actor ? actor : "system", actor ? actor_type : "System",
				"policy_violation", "certificate", cert_id,
				json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "violation_id", id,
					  "rule_id", r->id, "rule_name", r->name, "rule_type",
					  r->type, "severity", r->severity, "message", f[i].msg,
					  "context", context),
				err);
			if (rc == 0)
				rc = notify_violation(c, cert_id, r, f[i].msg, now, err);
		}
		cc_dbres_release(&res);
		free(id);
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* the rules, the groups they need and the findings for s */
static int run_rules(struct cc_dbc *c, const char *cert_id, const struct cc_list *rules,
		     struct cc_policy_subject *s, struct finding **f, size_t *nf,
		     struct api_policy_result *out, struct cc_err *err)
{
	struct cc_strv groups = CC_STRV_INIT;
	int rc = cert_groups(c, cert_id, rules, &groups, err);

	s->groups = &groups;
	*f = cc_xcalloc(rules->n + 1, sizeof(**f));
	*nf = 0;
	if (rc == 0)
		evaluate(rules, s, *f, nf, out);
	s->groups = NULL;
	cc_strv_release(&groups);
	return rc;
}

/* ---- names of a request ---- */

/* appends the CSR's DNS, e-mail and IP SANs (the CSR was verified by the caller) */
static void csr_names(const char *csr_pem, struct cc_strv *out)
{
	BIO *b = BIO_new_mem_buf(csr_pem, -1);
	X509_REQ *req = b ? PEM_read_bio_X509_REQ(b, NULL, NULL, NULL) : NULL;
	STACK_OF(X509_EXTENSION) *exts = req ? X509_REQ_get_extensions(req) : NULL;
	GENERAL_NAMES *gens = exts ? X509V3_get_d2i(exts, NID_subject_alt_name, NULL, NULL) : NULL;

	for (int i = 0; i < sk_GENERAL_NAME_num(gens); i++) {
		const GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);
		const ASN1_STRING *v = g->type == GEN_IPADD ? g->d.iPAddress : g->d.ia5;
		int n = ASN1_STRING_length(v);
		char ip[INET6_ADDRSTRLEN];

		if ((g->type == GEN_DNS || g->type == GEN_EMAIL) && n > 0 &&
		    !memchr(ASN1_STRING_get0_data(v), '\0', (size_t)n))
			cc_strv_take(out, cc_xstrndup((const char *)ASN1_STRING_get0_data(v),
						      (size_t)n));
		else if (g->type == GEN_IPADD && (n == 4 || n == 16) &&
			 inet_ntop(n == 4 ? AF_INET : AF_INET6, ASN1_STRING_get0_data(v), ip,
				   sizeof(ip)))
			cc_strv_push(out, ip);
	}
	GENERAL_NAMES_free(gens);
	sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
	X509_REQ_free(req);
	BIO_free(b);
	ERR_clear_error();
}

static bool rules_need_names(const struct cc_list *rules)
{
	for (size_t i = 0; i < rules->n; i++)
		if (cc_policy_needs_names(rules->items[i]))
			return true;
	return false;
}

/* ---- issuance ---- */

static int check_patterns(const struct cc_profile *p, const struct cc_certificate *m,
			  const struct cc_strv *names, struct cc_err *err)
{
	const char *missing;
	int rc = cc_policy_match_patterns(p->required_san_patterns, m->common_name, names, &missing,
					  err);

	if (rc < 0)
		return cc_err_prefix(err, "profile '%s': required_san_patterns", p->id);
	if (rc > 0)
		return cc_err_set(err, CC_E_INVALID,
				  "no subject alternative name of the request matches the pattern "
				  "'%.96s' required by profile '%s'",
				  missing, p->id);
	return 0;
}

static int store_issuance(struct api_app *app, struct cc_dbc *c, const struct cc_certificate *m,
			  const struct api_issuance *in, const struct finding *f, size_t nf,
			  struct api_policy_result *res, struct cc_err *err)
{
	if (!nf)
		return 0;
	if (cc_db_begin(c, err) < 0)
		return -1;
	if (store(app, c, m->id, f, nf, in->actor, in->actor_type, "issuance", res, err) < 0 ||
	    cc_db_commit(c, err) < 0) {
		cc_db_rollback(c);
		return -1;
	}
	return 0;
}

int api_policy_issuance(struct api_app *app, struct cc_dbc *c, const struct cc_certificate *m,
			const struct api_issuance *in, const struct cc_profile *p,
			int64_t *max_ttl_s, struct cc_err *err)
{
	bool has_profile = p && p->id,
	     patterns = has_profile && json_array_size(p->required_san_patterns);
	struct cc_list rules = CC_LIST_INIT;
	struct cc_strv names = CC_STRV_INIT;
	struct api_policy_result res = { 0 };
	struct cc_policy_subject s = {
		.common_name = m->common_name,
		.sans = &names,
		.issuer_id = m->issuer_id,
		.environment = m->environment,
		.tags = m->tags,
		.key_algorithm = in->key_algorithm,
		.key_size = in->key_size,
		.lifetime_s = has_profile ? p->max_ttl_seconds : 0,
	};
	struct finding *f = NULL;
	size_t nf = 0;
	int rc = -1;

	s.remaining_known = s.lifetime_s > 0;
	s.remaining_s = s.lifetime_s;
	if (cc_repo_select(c, &cc_policy_rule_entity, tail_rules, NULL, 0, &rules, err) < 0)
		goto out;
	if (patterns || rules_need_names(&rules)) {
		cc_strv_copy(&names, &m->sans);
		if (in->csr_pem)
			csr_names(in->csr_pem, &names);
	}
	if ((patterns && check_patterns(p, m, &names, err) < 0) ||
	    run_rules(c, m->id, &rules, &s, &f, &nf, &res, err) < 0)
		goto out;
	if (!in->job_id && ((has_profile && p->requires_approval) || res.approval)) {
		cc_err_set(err, CC_E_CONFLICT,
			   "certificate '%s' requires approval: request a renewal and have its "
			   "job approved",
			   m->id);
		goto out;
	}
	if (store_issuance(app, c, m, in, f, nf, &res, err) < 0)
		goto out;
	if (res.blocking) {
		cc_err_set(err, CC_E_INVALID, "%s", res.first_blocking);
		goto out;
	}
	if (res.ttl_cap_s && (!*max_ttl_s || res.ttl_cap_s < *max_ttl_s))
		*max_ttl_s = res.ttl_cap_s;
	rc = 0;
out:
	free(f);
	cc_strv_release(&names);
	cc_list_release(&cc_policy_rule_entity, &rules);
	return rc;
}

/* ---- import ---- */

int api_policy_check_cert(struct api_app *app, struct cc_dbc *c, const struct cc_certificate *m,
			  const struct cc_cert_info *leaf, const char *actor,
			  const char *actor_type, struct api_policy_result *out, struct cc_err *err)
{
	struct cc_list rules = CC_LIST_INIT;
	int64_t now = cc_time_now(), not_after = leaf ? leaf->not_after : m->expires_at;
	struct cc_policy_subject s = {
		.common_name = leaf ? leaf->common_name : m->common_name,
		.sans = leaf ? &leaf->sans : &m->sans,
		.issuer_id = m->issuer_id,
		.environment = m->environment,
		.tags = m->tags,
		.key_algorithm = leaf ? leaf->key_algorithm : NULL,
		.key_size = leaf ? leaf->key_size : 0,
		.lifetime_s = leaf ? (leaf->not_after - leaf->not_before) / CC_USEC_PER_SEC : 0,
		.remaining_known = not_after != 0,
		.remaining_s = (not_after - now) / CC_USEC_PER_SEC,
	};
	struct finding *f = NULL;
	size_t nf = 0;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	if (cc_repo_select(c, &cc_policy_rule_entity, tail_rules, NULL, 0, &rules, err) < 0 ||
	    run_rules(c, m->id, &rules, &s, &f, &nf, out, err) < 0 ||
	    store(app, c, m->id, f, nf, actor, actor_type, "import", out, err) < 0)
		goto out;
	rc = 0;
out:
	free(f);
	cc_list_release(&cc_policy_rule_entity, &rules);
	return rc;
}

/* ---- approvals ---- */

int api_policy_job_status(struct cc_dbc *c, const char *cert_id, const char *usual,
			  const char **status, struct cc_err *err)
{
	struct cc_certificate *m = cc_obj_new(&cc_certificate_entity);
	struct cc_profile p = { 0 };
	struct cc_list rules = CC_LIST_INIT;
	struct api_policy_result res = { 0 };
	struct cc_policy_subject s = { 0 };
	struct finding *f = NULL;
	size_t nf = 0;
	int rc = -1;

	*status = usual;
	if (cc_repo_get(c, &cc_certificate_entity, cert_id, m, err) < 0)
		goto out;
	if (m->certificate_profile_id && *m->certificate_profile_id &&
	    cc_repo_get(c, &cc_profile_entity, m->certificate_profile_id, &p, err) < 0 &&
	    err->code != CC_E_NOT_FOUND)
		goto out;
	cc_err_clear(err);
	if (cc_repo_select(c, &cc_policy_rule_entity, tail_approval_rules, NULL, 0, &rules, err) <
		    0 ||
	    run_rules(c, cert_id, &rules, &s, &f, &nf, &res, err) < 0)
		goto out;
	if (p.requires_approval || res.approval)
		*status = "AwaitingApproval";
	rc = 0;
out:
	free(f);
	cc_list_release(&cc_policy_rule_entity, &rules);
	cc_obj_release(&cc_profile_entity, &p);
	cc_obj_free(&cc_certificate_entity, m);
	return rc;
}
