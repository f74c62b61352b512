/* seed.c: `certctl db seed --demo`: the demo data set in one idempotent transaction, with
 * real certificates signed at seed time by a throw-away demo CA */
#include <stdlib.h>
#include <string.h>
#include "libcc/seed.h"
#include "libcc/seed-data.h"
#include "libcc/seed-x509.h"
#include "libcc/db.h"
#include "libcc/err.h"
#include "libcc/hash.h"
#include "libcc/mem.h"
#include "libcc/strv.h"
#include "libcc/time.h"
#include "libcc/banned.h"

#define MAXCOLS 20

/* id, certificate, not_before (= created_at), not_after; the newest version of a certificate
 * ends at its expires_at */
static const char *const versions[][4] = {
	{ "cv-api-v1", "mc-api-prod", "-148d", "-58d" },
	{ "cv-api-v2", "mc-api-prod", "-88d", "+2d" },
	{ "cv-api-v3", "mc-api-prod", "-28d", "+62d" },
	{ "cv-web-v1", "mc-web-prod", "-75d", "+15d" },
	{ "cv-web-v2", "mc-web-prod", "-15d", "+75d" },
	{ "cv-pay-v1", "mc-pay-prod", "-230d", "-140d" },
	{ "cv-pay-v2", "mc-pay-prod", "-170d", "-80d" },
	{ "cv-pay-v3", "mc-pay-prod", "-110d", "-20d" },
	{ "cv-pay-v4", "mc-pay-prod", "-50d", "+40d" },
	{ "cv-auth-v1", "mc-auth-prod", "-245d", "+120d" },
	{ "cv-wildcard-v1", "mc-wildcard-prod", "-155d", "+210d" },
	{ "cv-k8s-v1", "mc-k8s-ingress", "-57d", "+33d" },
	{ "cv-smime-alice-v1", "mc-smime-alice", "-65d", "+300d" },
	{ "cv-lb-v1", "mc-lb-vip", "-5d", "+85d" },
	{ "cv-iis-v1", "mc-iis-intranet", "-225d", "+140d" },
	{ "cv-compro-v1", "mc-compromised", "-40d", "+50d" },
};
#define NVERSIONS CC_ARRAY_SIZE(versions)

static const char *const revocations[][9] = {
	{ "cr-compro-01", "mc-compromised", "cv-compro-v1", "keyCompromise", "api", "-4d",
	  "iss-local", "1", "-4d" },
};

/* id, common_name, sans, not_before, not_after, is_ca, source_path, source_format, agent,
 * scan, managed certificate, version (a managed one is that version's certificate; then
 * not_before/not_after come from it), status, first_seen_at, last_seen_at, dismissed_at,
 * created_at, updated_at */
enum {
	DC_ID,
	DC_CN,
	DC_SANS,
	DC_NB,
	DC_NA,
	DC_CA,
	DC_PATH,
	DC_FORMAT,
	DC_AGENT,
	DC_SCAN,
	DC_MANAGED,
	DC_VERSION,
	DC_STATUS,
	DC_FIRST,
	DC_LAST,
	DC_DISMISSED,
	DC_CREATED,
	DC_UPDATED
};
static const char *const discovered[][18] = {
	{ "dc-unmanaged-01", "grafana-old.internal.example.com", "grafana-old.internal.example.com",
	  "-400d", "-35d", "0", "/etc/ssl/certs/grafana-old.pem", "PEM", "ag-web-prod",
	  "ds-web-hist-01", NULL, NULL, "Unmanaged", "-60d", "-1d", NULL, "-60d", "-1d" },
	{ "dc-unmanaged-02", "jenkins-agent.internal", "jenkins-agent.internal", "-100d", "+265d",
	  "0", "/etc/ssl/certs/jenkins-agent.crt", "PEM", "ag-web-prod", "ds-web-hist-02", NULL,
	  NULL, "Unmanaged", "-30d", "-1d", NULL, "-30d", "-1d" },
	{ "dc-unmanaged-03", "printer-mgmt.dc1.example.com",
	  "printer-mgmt.dc1.example.com 10.0.1.23", "-700d", "+30d", "0", "10.0.1.23:443",
	  "network", "server-scanner", "ds-net-dc1-01", NULL, NULL, "Unmanaged", "-2h", "-2h", NULL,
	  "-2h", "-2h" },
	{ "dc-unmanaged-04", "Corp Legacy Root CA", "", "-1800d", "+1850d", "1",
	  "C:\\ProgramData\\certctl\\legacy-root.cer", "DER", "ag-iis-prod", "ds-iis-01", NULL,
	  NULL, "Unmanaged", "-4d", "-4d", NULL, "-4d", "-4d" },
	{ "dc-unmanaged-05", "airflow-worker.data.internal", "airflow-worker.data.internal", "-20d",
	  "+70d", "0", "/opt/airflow/certs/worker.pem", "PEM", "ag-data-prod", "ds-data-01", NULL,
	  NULL, "Unmanaged", "-3d", "-3d", NULL, "-3d", "-3d" },
	{ "dc-managed-01", "api.example.com", "api.example.com api-v2.example.com", NULL, NULL, "0",
	  "/etc/nginx/ssl/cert.pem", "PEM", "ag-web-prod", "ds-web-01", "mc-api-prod", "cv-api-v3",
	  "Managed", "-1d", "-1d", NULL, "-1d", "-1d+1h" },
	{ "dc-managed-02", "www.example.com", "www.example.com example.com", NULL, NULL, "0",
	  "/etc/haproxy/certs/site.pem", "PEM", "ag-lb-prod", "ds-lb-01", "mc-web-prod",
	  "cv-web-v2", "Managed", "-2d", "-2d", NULL, "-2d", "-2d+1h" },
	{ "dc-managed-03", "10.0.1.100", "10.0.1.100 lb.internal.example.com", NULL, NULL, "0",
	  "/etc/haproxy/certs/lb-vip.pem", "PEM", "ag-lb-prod", "ds-lb-01", "mc-lb-vip", "cv-lb-v1",
	  "Managed", "-2d", "-2d", NULL, "-2d", "-2d+1h" },
	{ "dc-managed-04", "*.apps.k8s.example.com", "*.apps.k8s.example.com", NULL, NULL, "0",
	  "/etc/traefik/certs/cert.pem", "PEM", "ag-k8s-prod", "ds-k8s-01", "mc-k8s-ingress",
	  "cv-k8s-v1", "Managed", "-6h", "-6h", NULL, "-6h", "-5h" },
	{ "dc-dismissed-01", "localhost", "localhost 127.0.0.1", "-500d", "+3150d", "0",
	  "/etc/ssl/certs/ssl-cert-snakeoil.pem", "PEM", "ag-web-prod", "ds-web-hist-01", NULL,
	  NULL, "Dismissed", "-60d", "-1d", "-59d", "-60d", "-1d" },
	{ "dc-dismissed-02", "test.example.com", "test.example.com", "-565d", "-200d", "0",
	  "/etc/haproxy/certs/test.pem", "PEM", "ag-lb-prod", "ds-lb-01", NULL, NULL, "Dismissed",
	  "-2d", "-2d", "-1d", "-2d", "-1d" },
	{ "dc-dismissed-03", "10.0.1.50", "10.0.1.50", "-30d", "+335d", "0", "10.0.1.50:8443",
	  "network", "server-scanner", "ds-net-dc1-01", NULL, NULL, "Dismissed", "-2h", "-2h",
	  "-1h", "-2h", "-1h" },
};

static const struct cc_seed_table revocation =
	CC_SEED_TABLE("INSERT INTO certificate_revocations (id, certificate_id, serial_number, "
		      "reason, revoked_by, revoked_at, issuer_id, issuer_notified, created_at) "
		      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (id) DO NOTHING",
		      "ssSsstsbt", revocations);

static const char sql_version[] =
	"INSERT INTO certificate_versions (id, certificate_id, serial_number, not_before, "
	"not_after, fingerprint_sha256, pem_chain, csr_pem, key_algorithm, key_size, created_at) "
	"VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (id) DO NOTHING";

static const char sql_discovered[] =
	"INSERT INTO discovered_certificates (id, fingerprint_sha256, common_name, sans, "
	"serial_number, issuer_dn, subject_dn, not_before, not_after, key_algorithm, key_size, "
	"is_ca, pem_data, source_path, source_format, agent_id, discovery_scan_id, "
	"managed_certificate_id, status, first_seen_at, last_seen_at, dismissed_at, created_at, "
	"updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, "
	"$16, $17, $18, $19, $20, $21, $22, $23, $24) ON CONFLICT (id) DO NOTHING";

struct seed_run {
	struct cc_dbc *c;
	struct cc_seed_stats *stats;
	int64_t now; /* whole seconds, so X.509 validity matches the stored times exactly */
	struct cc_seed_ca *ca;
	struct cc_seed_leaf leaf[NVERSIONS]; /* one per versions[] row */
};

/* "-28d+10m": now plus the signed terms (constant data: a typo is a bug) */
static int64_t rel(const struct seed_run *r, const char *s)
{
	int64_t t = r->now;
	const char *p = s;

	while (*p) {
		int64_t sign = *p == '-' ? -1 : 1, unit;
		char *end;
		long long v;

		if (*p == '-' || *p == '+')
			p++;
		v = strtoll(p, &end, 10);
		switch (*end) {
		case 'd':
			unit = 86400;
			break;
		case 'h':
			unit = 3600;
			break;
		case 'm':
			unit = 60;
			break;
		case 's':
			unit = 1;
			break;
		default:
			CC_BUG("bad relative time '%s'", s);
		}
		t += sign * v * unit * CC_USEC_PER_SEC;
		p = end + 1;
	}
	return t;
}

static size_t version_index(const char *id)
{
	for (size_t i = 0; i < NVERSIONS; i++)
		if (!strcmp(versions[i][0], id))
			return i;
	CC_BUG("unknown demo version '%s'", id);
}

static int exec_count(struct seed_run *r, const char *sql, const struct cc_dbarg *args, int n,
		      struct cc_err *err)
{
	struct cc_dbres res = CC_DBRES_INIT;

	if (cc_db_exec(r->c, sql, args, n, &res, err) < 0)
		return -1;
	if (res.changes > 0)
		r->stats->inserted++;
	else
		r->stats->skipped++;
	cc_dbres_release(&res);
	return 0;
}

static void parse_ints(const char *s, int64_t *out, size_t max, size_t *n)
{
	char *end;

	for (*n = 0; *s && *n < max; s = end) {
		out[(*n)++] = strtoll(s, &end, 10);
		if (end == s)
			CC_BUG("bad integer list '%s'", s);
	}
}

static int insert_row(struct seed_run *r, const struct cc_seed_table *t, const char *const *row,
		      struct cc_err *err)
{
	struct cc_dbarg args[MAXCOLS];
	struct cc_strv sv[MAXCOLS];
	int64_t iv[MAXCOLS][8];
	char hex[MAXCOLS][CC_SHA256_HEX], rnd[CC_SHA256_HEX];
	size_t n;
	int rc = -1;

	for (size_t i = 0; i < t->ncols; i++)
		sv[i] = (struct cc_strv)CC_STRV_INIT;
	for (size_t i = 0; i < t->ncols; i++) {
		const char *s = row[i];

		if (!s && t->types[i] != 'H') {
			args[i] = CC_DB_NULL();
			continue;
		}
		switch (t->types[i]) {
		case 's':
			args[i] = CC_DB_TEXT(s);
			break;
		case 'j':
			args[i] = CC_DB_JSON(s);
			break;
		case 'i':
			args[i] = CC_DB_INT(strtoll(s, NULL, 10));
			break;
		case 'b':
			args[i] = CC_DB_BOOL(*s == '1');
			break;
		case 't':
			args[i] = CC_DB_TIME(rel(r, s));
			break;
		case 'a':
			cc_strv_split(&sv[i], s, ' ');
			args[i] = CC_DB_STRV(&sv[i]);
			break;
		case 'n':
			parse_ints(s, iv[i], CC_ARRAY_SIZE(iv[i]), &n);
			args[i] = CC_DB_INTV(iv[i], n);
			break;
		case 'H':
			if (cc_random_hex(32, rnd) < 0) {
				cc_err_set(err, CC_E_CRYPTO, "random generator failed");
				goto out;
			}
			args[i] = CC_DB_TEXT(cc_sha256_hex(rnd, 64, hex[i]));
			break;
		case 'S':
			args[i] = CC_DB_TEXT(r->leaf[version_index(s)].serial);
			break;
		case 'F':
			args[i] = CC_DB_TEXT(r->leaf[version_index(s)].fingerprint);
			break;
		default:
			CC_BUG("bad column type '%c'", t->types[i]);
		}
	}
	rc = exec_count(r, t->sql, args, (int)t->ncols, err);
out:
	for (size_t i = 0; i < t->ncols; i++)
		cc_strv_release(&sv[i]);
	return rc;
}

static int insert_tables(struct seed_run *r, const struct cc_seed_table *t, size_t n,
			 struct cc_err *err)
{
	for (; n--; t++) {
		if (strlen(t->types) != t->ncols || t->ncols > MAXCOLS)
			CC_BUG("seed table types '%s' do not match its rows", t->types);
		for (size_t i = 0; i < t->nrows; i++)
			if (insert_row(r, t, t->cells + i * t->ncols, err) < 0)
				return cc_err_prefix(err, "demo row '%s'", t->cells[i * t->ncols]);
	}
	return 0;
}

static unsigned leaf_flags(const char *profile)
{
	if (profile && !strcmp(profile, "prof-smime"))
		return CC_SEED_SMIME;
	return profile && !strcmp(profile, "prof-internal-mtls") ? CC_SEED_CLIENT : 0;
}

/* signs one leaf per version with the demo CA and stores it */
static int insert_versions(struct seed_run *r, struct cc_err *err)
{
	for (size_t i = 0; i < NVERSIONS; i++) {
		const char *const *v = versions[i], *const *mc = cc_seed_fleet_cert(v[1]);
		struct cc_strv sans = CC_STRV_INIT;
		struct cc_seed_leaf *l = &r->leaf[i];
		int64_t nb = rel(r, v[2]), na = rel(r, v[3]);
		int rc;

		cc_strv_split(&sans, mc[CC_SEED_MC_SANS], ' ');
		rc = cc_seed_x509_leaf(r->ca, mc[CC_SEED_MC_CN], &sans, nb, na,
				       leaf_flags(mc[CC_SEED_MC_PROFILE]), l, err);
		cc_strv_release(&sans);
		if (rc < 0)
			return -1;
		if (exec_count(r, sql_version,
			       CC_DB_ARGS(CC_DB_TEXT(v[0]), CC_DB_TEXT(v[1]), CC_DB_TEXT(l->serial),
					  CC_DB_TIME(nb), CC_DB_TIME(na),
					  CC_DB_TEXT(l->fingerprint), CC_DB_TEXT(l->chain_pem),
					  CC_DB_TEXT(l->csr_pem), CC_DB_TEXT("ECDSA"),
					  CC_DB_INT(256), CC_DB_TIME(nb)),
			       err) < 0)
			return cc_err_prefix(err, "demo version '%s'", v[0]);
	}
	return 0;
}

/* discovered on disk or on the network: a managed version's leaf, else a self-signed one */
static int insert_discovered(struct seed_run *r, const char *const *d, struct cc_err *err)
{
	struct cc_seed_leaf own = { 0 }, *l = &own;
	struct cc_strv sans = CC_STRV_INIT;
	int64_t nb, na;
	int rc = -1;

	cc_strv_split(&sans, d[DC_SANS], ' ');
	if (d[DC_VERSION]) {
		size_t v = version_index(d[DC_VERSION]);
		l = &r->leaf[v];
		nb = rel(r, versions[v][2]);
		na = rel(r, versions[v][3]);
	} else {
		nb = rel(r, d[DC_NB]);
		na = rel(r, d[DC_NA]);
		if (cc_seed_x509_leaf(NULL, d[DC_CN], &sans, nb, na,
				      *d[DC_CA] == '1' ? CC_SEED_IS_CA : 0, &own, err) < 0)
			goto out;
	}
#define T(i) (d[i] ? CC_DB_TIME(rel(r, d[i])) : CC_DB_NULL())
	rc = exec_count(r, sql_discovered,
			CC_DB_ARGS(CC_DB_TEXT(d[DC_ID]), CC_DB_TEXT(l->fingerprint),
				   CC_DB_TEXT(d[DC_CN]), CC_DB_STRV(&sans), CC_DB_TEXT(l->serial),
				   CC_DB_TEXT(l->issuer_dn), CC_DB_TEXT(l->subject_dn),
				   CC_DB_TIME(nb), CC_DB_TIME(na), CC_DB_TEXT("ECDSA"),
				   CC_DB_INT(256), CC_DB_BOOL(*d[DC_CA] == '1'), CC_DB_TEXT(l->pem),
				   CC_DB_TEXT(d[DC_PATH]), CC_DB_TEXT(d[DC_FORMAT]),
				   CC_DB_TEXT(d[DC_AGENT]), CC_DB_TEXT(d[DC_SCAN]),
				   CC_DB_TEXT(d[DC_MANAGED]), CC_DB_TEXT(d[DC_STATUS]), T(DC_FIRST),
				   T(DC_LAST), T(DC_DISMISSED), T(DC_CREATED), T(DC_UPDATED)),
			err);
#undef T
	if (rc < 0)
		cc_err_prefix(err, "demo discovered certificate '%s'", d[DC_ID]);
out:
	cc_seed_x509_leaf_release(&own);
	cc_strv_release(&sans);
	return rc;
}

static int seed_all(struct seed_run *r, struct cc_err *err)
{
	const struct cc_seed_table *t;
	size_t n;

	t = cc_seed_fleet(&n);
	if (insert_tables(r, t, n, err) < 0)
		return -1;
	r->ca = cc_seed_x509_ca_new(r->now, err);
	if (!r->ca || insert_versions(r, err) < 0 || insert_tables(r, &revocation, 1, err) < 0)
		return -1;
	t = cc_seed_history(&n);
	if (insert_tables(r, t, n, err) < 0)
		return -1;
	for (size_t i = 0; i < CC_ARRAY_SIZE(discovered); i++)
		if (insert_discovered(r, discovered[i], err) < 0)
			return -1;
	return 0;
}

int cc_seed_demo(struct cc_db *db, struct cc_seed_stats *stats, struct cc_err *err)
{
	struct seed_run r = { .stats = stats };
	int rc = -1;

	memset(stats, 0, sizeof(*stats));
	r.now = cc_time_now() / CC_USEC_PER_SEC * CC_USEC_PER_SEC;
	r.c = cc_db_get(db, err);
	if (!r.c)
		return -1;
	if (cc_db_begin(r.c, err) < 0)
		goto out;
	if (seed_all(&r, err) < 0 || cc_db_commit(r.c, err) < 0) {
		cc_db_rollback(r.c);
		memset(stats, 0, sizeof(*stats));
		goto out;
	}
	rc = 0;
out:
	for (size_t i = 0; i < NVERSIONS; i++)
		cc_seed_x509_leaf_release(&r.leaf[i]);
	cc_seed_x509_ca_free(r.ca);
	cc_db_put(db, r.c);
	return rc;
}
