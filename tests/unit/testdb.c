/* testdb.c: per-group databases for repository tests, on both engines */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "tests/unit/testdb.h"
#include "libcc/migrate.h"
#include "libcc/mem.h"

static const char *tables[] = {
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

static int finish_setup(struct testdb *t, void **state)
{
	struct cc_err err = CC_ERR_INIT;

	if (cc_migrate_up(t->db, NULL, &err) < 0) {
		fprintf(stderr, "migrate: %s\n", err.msg);
		return -1;
	}
	t->c = cc_db_get(t->db, &err);
	if (!t->c)
		return -1;
	*state = t;
	return 0;
}

int testdb_setup_sqlite(void **state)
{
	struct testdb *t = cc_xcalloc(1, sizeof(*t));
	struct cc_err err = CC_ERR_INIT;
	char tmpl[] = "/tmp/certctl-unit-XXXXXX";
	char *url;

	if (!mkdtemp(tmpl))
		return -1;
	t->engine = CC_DB_SQLITE;
	t->path = cc_xasprintf("%s/test.db", tmpl);
	url = cc_xasprintf("sqlite:%s", t->path);
	t->db = cc_db_open(url, 4, NULL, &err);
	free(url);
	if (!t->db) {
		fprintf(stderr, "sqlite: %s\n", err.msg);
		return -1;
	}
	return finish_setup(t, state);
}

int testdb_have_pg(void)
{
	const char *base = getenv("CERTCTL_TEST_PG_URL");

	if (base && *base)
		return 1;
	fprintf(stderr, "note: CERTCTL_TEST_PG_URL is not set: PostgreSQL tests not run\n");
	return 0;
}

int testdb_setup_pg(void **state)
{
	const char *base = getenv("CERTCTL_TEST_PG_URL");
	struct testdb *t;
	struct cc_err err = CC_ERR_INIT;
	struct cc_db *boot;
	struct cc_dbc *c;
	char *sql, *url;

	t = cc_xcalloc(1, sizeof(*t));
	t->engine = CC_DB_PG;
	t->schema = cc_xasprintf("t%d_%ld", (int)getpid(), random() % 1000000);
	boot = cc_db_open(base, 1, NULL, &err);
	if (!boot) {
		fprintf(stderr, "pg: %s\n", err.msg);
		return -1;
	}
	c = cc_db_get(boot, &err);
	sql = cc_xasprintf("CREATE SCHEMA %s", t->schema);
	if (cc_db_exec_script(c, sql, &err) < 0)
		fprintf(stderr, "pg: %s\n", err.msg);
	free(sql);
	cc_db_put(boot, c);
	cc_db_close(boot);
	/* every pooled connection works inside the test's own schema */
	url = cc_xasprintf("%s%soptions=-csearch_path%%3D%s", base, strchr(base, '?') ? "&" : "?",
			   t->schema);
	t->db = cc_db_open(url, 4, NULL, &err);
	free(url);
	if (!t->db) {
		fprintf(stderr, "pg: %s\n", err.msg);
		return -1;
	}
	return finish_setup(t, state);
}

int testdb_teardown(void **state)
{
	struct testdb *t = *state;
	struct cc_err err = CC_ERR_INIT;

	if (!t)
		return 0;
	if (t->c)
		cc_db_put(t->db, t->c);
	if (t->schema) {
		struct cc_dbc *c = cc_db_get(t->db, &err);
		char *sql = cc_xasprintf("DROP SCHEMA %s CASCADE", t->schema);
		if (c)
			cc_db_exec_script(c, sql, &err);
		free(sql);
		cc_db_put(t->db, c);
	}
	cc_db_close(t->db);
	if (t->path) {
		char *dir = cc_xstrdup(t->path);
		char *cmd;
		*strrchr(dir, '/') = '\0';
		cmd = cc_xasprintf("rm -rf '%s'", dir);
		if (system(cmd) != 0)
			fprintf(stderr, "cannot remove %s\n", dir);
		free(cmd);
		free(dir);
	}
	free(t->path);
	free(t->schema);
	free(t);
	return 0;
}

int testdb_reset(void **state)
{
	struct testdb *t = *state;
	struct cc_err err = CC_ERR_INIT;

	for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
		char *sql = cc_xasprintf("DELETE FROM %s", tables[i]);
		int rc = cc_db_exec_script(t->c, sql, &err);
		free(sql);
		if (rc < 0) {
			fprintf(stderr, "reset %s: %s\n", tables[i], err.msg);
			return -1;
		}
	}
	return 0;
}
