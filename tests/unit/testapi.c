/* testapi.c: in-process requests through api_handle against a temporary SQLite database or
 * PostgreSQL schema */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "tests/unit/testapi.h"
#include "daemon/issuers.h"
#include "daemon/list-cache.h"
#include "daemon/crl.h"
#include "daemon/ocsp.h"
#include "daemon/audit-writer.h"
#include "daemon/auth.h"
#include "daemon/pipeline.h"
#include "daemon/ratelimit.h"
#include "libcc/csr.h"
#include "libcc/db.h"
#include "libcc/err.h"
#include "libcc/mem.h"
#include "libcc/migrate.h"
#include "libcc/time.h"

static const char *tables[] = {
	"api_keys",
	"endpoint_health_history",
	"endpoint_health_checks",
	"discovered_certificates",
	"discovery_scans",
	"network_scan_targets",
	"certificate_revocations",
	"agent_group_members",
	"policy_violations",
	"notification_events",
	"jobs",
	"certificate_versions",
	"certificate_target_mappings",
	"managed_certificates",
	"deployment_targets",
	"policy_rules",
	"renewal_policies",
	"certificate_profiles",
	"agent_groups",
	"agents",
	"issuers",
	"owners",
	"teams",
};

int testapi_have_pg(void)
{
	const char *base = getenv("CERTCTL_TEST_PG_URL");

	if (base && *base)
		return 1;
	fprintf(stderr, "note: CERTCTL_TEST_PG_URL is not set: PostgreSQL tests not run\n");
	return 0;
}

/* a fresh schema in CERTCTL_TEST_PG_URL's database; the URL of a pool that works in it */
static char *pg_schema_url(struct testapi *t, struct cc_err *err)
{
	const char *base = getenv("CERTCTL_TEST_PG_URL");
	struct cc_db *boot = cc_db_open(base, 1, NULL, err);
	struct cc_dbc *c;
	char *sql;
	int rc;

	if (!boot)
		return NULL;
	t->schema = cc_xasprintf("a%d_%ld", (int)getpid(), random() % 1000000);
	c = cc_db_get(boot, err);
	sql = cc_xasprintf("CREATE SCHEMA %s", t->schema);
	rc = c ? cc_db_exec_script(c, sql, err) : -1;
	free(sql);
	cc_db_put(boot, c);
	cc_db_close(boot);
	if (rc < 0)
		return NULL;
	return cc_xasprintf("%s%soptions=-csearch_path%%3D%s", base, strchr(base, '?') ? "&" : "?",
			    t->schema);
}

static int setup(void **state, const char *const *env, bool pg)
{
	struct testapi *t = cc_xcalloc(1, sizeof(*t));
	struct cc_err err = CC_ERR_INIT;
	char tmpl[] = "/tmp/certctl-api-XXXXXX", *url;
	char *envp[64];
	int n = 0;

	if (!mkdtemp(tmpl))
		return -1;
	t->dir = cc_xstrdup(tmpl);
	envp[n++] = (char *)"CERTCTL_AUTH_SECRET=" TESTAPI_KEY;
	envp[n++] = (char *)"CERTCTL_RATE_LIMIT_ENABLED=false";
	for (int i = 0; env && env[i] && n < 62; i++)
		envp[n++] = (char *)env[i];
	envp[n] = NULL;
	cc_cfg_init(&t->cfg);
	if (cc_cfg_load(&t->cfg, envp, &err) < 0 || cc_cfg_validate(&t->cfg, &err) < 0) {
		fprintf(stderr, "testapi config: %s\n", err.msg);
		return -1;
	}
	cc_log_init(&t->log, getenv("TESTAPI_LOG") ? CC_LOG_DEBUG : CC_LOG_OFF, false);
	url = pg ? pg_schema_url(t, &err) : cc_xasprintf("sqlite:%s/api.db", t->dir);
	t->app.db = url ? cc_db_open(url, 4, &t->log, &err) : NULL;
	free(url);
	if (!t->app.db || cc_migrate_up(t->app.db, NULL, &err) < 0) {
		fprintf(stderr, "testapi db: %s\n", err.msg);
		return -1;
	}
	t->app.cfg = &t->cfg;
	t->app.log = &t->log;
	t->app.started_at = cc_time_now();
	t->app.max_body = (size_t)cc_cfg_int(&t->cfg, CC_CFG_max_body_size);
	cc_cfg_list(&t->cfg, CC_CFG_cors_origins, &t->app.cors_origins);
	t->app.auth = api_auth_new(&t->cfg, t->app.db, &t->log);
	if (cc_cfg_bool(&t->cfg, CC_CFG_rate_limit_enabled))
		t->app.rl = api_ratelimit_new((double)cc_cfg_int(&t->cfg, CC_CFG_rate_limit_rps),
					      (double)cc_cfg_int(&t->cfg, CC_CFG_rate_limit_burst));
	t->app.audit = api_audit_start(t->app.db, &t->log);
	t->app.data_dir = cc_xstrdup(t->dir);
	snprintf(t->app.base_url, sizeof(t->app.base_url), "http://127.0.0.1:8443");
	t->app.issuers = api_issuers_new();
	t->app.lists = api_list_cache_new(); /* every list test also tests its invalidation */
	t->app.crl = api_crl_cache_new();
	t->app.ocsp = api_ocsp_cache_new();
	*state = t;
	return 0;
}

int testapi_setup_env(void **state, const char *const *env)
{
	return setup(state, env, false);
}

int testapi_setup_pg_env(void **state, const char *const *env)
{
	return setup(state, env, true);
}

int testapi_setup(void **state)
{
	return testapi_setup_env(state, NULL);
}

int testapi_setup_pg(void **state)
{
	return testapi_setup_pg_env(state, NULL);
}

static void clear_last(struct testapi *t)
{
	cc_freep(&t->body);
	cc_freep(&t->headers);
	json_decref(t->json);
	t->json = NULL;
}

int testapi_teardown(void **state)
{
	struct testapi *t = *state;
	char *cmd;

	if (!t)
		return 0;
	clear_last(t);
	api_audit_stop(t->app.audit);
	api_issuers_free(t->app.issuers);
	cc_csr_cache_free(atomic_load(&t->app.csrs));
	api_list_cache_free(t->app.lists);
	api_crl_cache_free(t->app.crl);
	api_ocsp_cache_free(t->app.ocsp);
	free(t->app.data_dir);
	api_ratelimit_free(t->app.rl);
	api_auth_free(t->app.auth);
	cc_strv_release(&t->app.cors_origins);
	if (t->schema) {
		struct cc_err err = CC_ERR_INIT;
		struct cc_dbc *c = cc_db_get(t->app.db, &err);
		char *sql = cc_xasprintf("DROP SCHEMA %s CASCADE", t->schema);

		if (c)
			cc_db_exec_script(c, sql, &err);
		free(sql);
		cc_db_put(t->app.db, c);
		free(t->schema);
	}
	cc_db_close(t->app.db);
	cc_cfg_release(&t->cfg);
	cc_log_release(&t->log);
	cmd = cc_xasprintf("rm -rf '%s'", t->dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", t->dir);
	free(cmd);
	free(t->dir);
	free(t);
	return 0;
}

void testapi_sql(struct testapi *t, const char *sql)
{
	struct cc_err err = CC_ERR_INIT;
	struct cc_dbc *c = cc_db_get(t->app.db, &err);

	if (!c || cc_db_exec_script(c, sql, &err) < 0)
		fail_msg("sql failed: %s: %s", err.msg, sql);
	cc_db_put(t->app.db, c);
}

long long testapi_count(struct testapi *t, const char *sql)
{
	struct cc_err err = CC_ERR_INIT;
	struct cc_dbc *c = cc_db_get(t->app.db, &err);
	struct cc_dbres r = CC_DBRES_INIT;
	long long n;

	if (!c || cc_db_exec(c, sql, NULL, 0, &r, &err) < 0 || !r.nrows)
		fail_msg("query failed: %s: %s", err.msg, sql);
	n = cc_dbres_int(&r, 0, 0);
	cc_dbres_release(&r);
	cc_db_put(t->app.db, c);
	return n;
}

long long testapi_countf(struct testapi *t, const char *fmt, ...)
{
	va_list ap;
	char *sql;
	long long n;

	va_start(ap, fmt);
	sql = cc_xvasprintf(fmt, ap);
	va_end(ap);
	n = testapi_count(t, sql);
	free(sql);
	return n;
}

int testapi_reset(void **state)
{
	struct testapi *t = *state;

	api_audit_flush(t->app.audit);
	for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
		char *sql = cc_xasprintf("DELETE FROM %s", tables[i]);
		testapi_sql(t, sql);
		free(sql);
	}
	return 0;
}

static void add_query(struct api_req *rq, const char *qs)
{
	char *copy = cc_xstrdup(qs), *save = NULL;

	for (char *p = strtok_r(copy, "&", &save); p; p = strtok_r(NULL, "&", &save)) {
		char *eq = strchr(p, '=');
		if (rq->nquery == API_MAX_QUERY)
			break;
		if (eq)
			*eq = '\0';
		/* tests pass already-decoded values, except %2B for '+' and %20 for ' ' */
		char *v = cc_xstrdup(eq ? eq + 1 : "");
		for (char *s = v, *d = v;; s++, d++) {
			if (s[0] == '%' && s[1] && s[2]) {
				char hex[3] = { s[1], s[2], 0 };
				*d = (char)strtol(hex, NULL, 16);
				s += 2;
			} else {
				*d = *s;
			}
			if (!*s)
				break;
		}
		rq->query[rq->nquery].k = cc_xstrdup(p);
		rq->query[rq->nquery].v = v;
		rq->nquery++;
	}
	free(copy);
}

int testapi_call(struct testapi *t, const char *method, const char *path, const char *body,
		 const char *key)
{
	struct api_req rq = { 0 };
	struct api_resp rs = { 0 };
	const char *q = strchr(path, '?');
	char auth[256] = "";

	clear_last(t);
	rq.app = &t->app;
	rq.head = !strcmp(method, "HEAD");
	rq.method = rq.head ? "GET" : method;
	rq.path = q ? cc_xstrndup(path, (size_t)(q - path)) : cc_xstrdup(path);
	if (q)
		add_query(&rq, q + 1);
	if (!key)
		key = TESTAPI_KEY;
	if (*key) {
		snprintf(auth, sizeof(auth), "Bearer %s", key);
		rq.authorization = auth;
	}
	snprintf(rq.client_ip, sizeof(rq.client_ip), "127.0.0.1");
	cc_buf_init(&rq.body, t->app.max_body);
	if (body && cc_buf_add_checked(&rq.body, body, strlen(body), NULL) < 0)
		rq.body_too_big = true;
	cc_buf_init(&rs.body, 0);
	api_handle(&rq, &rs);
	t->status = rs.status;
	t->body_len = rs.body.len;
	t->body = cc_xmalloc(rs.body.len + 1); /* binary bodies (PKCS#12) too */
	memcpy(t->body, rs.body.buf, rs.body.len + 1);
	t->json = json_loads(t->body, JSON_DECODE_ANY, NULL);
	{
		struct cc_buf h = CC_BUF_INIT;
		for (int i = 0; i < rs.nheaders; i++)
			cc_buf_addf(&h, "%s: %s\n", rs.headers[i].k, rs.headers[i].v);
		if (rs.content_type)
			cc_buf_addf(&h, "Content-Type: %s\n", rs.content_type);
		t->headers = cc_buf_detach(&h, NULL);
	}
	api_resp_release(&rs);
	api_req_release(&rq);
	return t->status;
}

int testapi_callf(struct testapi *t, const char *method, const char *body, const char *fmt, ...)
{
	va_list ap;
	char *path;
	int rc;

	va_start(ap, fmt);
	path = cc_xvasprintf(fmt, ap);
	va_end(ap);
	rc = testapi_call(t, method, path, body, NULL);
	free(path);
	return rc;
}

const char *testapi_str(struct testapi *t, const char *key)
{
	const char *s = json_string_value(json_object_get(t->json, key));

	return s ? s : "";
}

const char *testapi_header(struct testapi *t, const char *name)
{
	static __thread char val[512];
	size_t n = strlen(name);

	for (const char *p = t->headers; p && *p;) {
		const char *nl = strchr(p, '\n');
		if (!strncasecmp(p, name, n) && p[n] == ':') {
			snprintf(val, sizeof(val), "%.*s", (int)(nl - p - n - 2), p + n + 2);
			return val;
		}
		p = nl ? nl + 1 : NULL;
	}
	return NULL;
}
