/* test-targets-live.c: real certificates (openssl CLI): validate_deployment of every file
 * connector, and a real nginx (shared/scripts/svc-tmp) serving what the NGINX connector
 * deployed, with a failed validation leaving the served certificate alone */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include "tests/unit/testtgt.h"
#include "connectors/target/target.h"
#include "libcc/buf.h"
#include "libcc/err.h"
#include "libcc/exec.h"
#include "libcc/mem.h"

struct live {
	char *dir;
	char *a_pem, *a_key, *b_pem, *b_key; /* two certificates for localhost */
	char *shared, *svc, *srv;	     /* svc-tmp and its instance dir (when started) */
};

static int setup(void **state)
{
	struct live *l = cc_xcalloc(1, sizeof(*l));

	l->dir = tt_tmpdir();
	if (!tt_gen_cert(l->dir, "a", "old.localhost") ||
	    !tt_gen_cert(l->dir, "b", "new.localhost"))
		return -1;
	l->a_pem = tt_path(l->dir, "a.pem");
	l->a_key = tt_path(l->dir, "a.key");
	l->b_pem = tt_path(l->dir, "b.pem");
	l->b_key = tt_path(l->dir, "b.key");
	l->shared = tt_shared_dir();
	l->svc = tt_path(l->shared, "scripts/svc-tmp");
	*state = l;
	return 0;
}

static int teardown(void **state)
{
	struct live *l = *state;

	if (l->srv) {
		const char *const argv[] = { l->svc, "destroy", l->srv, NULL };
		cc_exec(argv, NULL, 30000, NULL, NULL);
		free(l->srv);
	}
	tt_rmrf(l->dir);
	free(l->dir);
	free(l->a_pem);
	free(l->a_key);
	free(l->b_pem);
	free(l->b_key);
	free(l->shared);
	free(l->svc);
	free(l);
	return 0;
}

static int deploy_pems(const char *type, json_t *config, const char *pem, const char *key,
		       struct cc_deploy_res *res, struct cc_err *err)
{
	char *cert = tt_read(pem), *k = tt_read(key);
	const struct cc_deploy_req req = {
		.cert_pem = cert, .chain_pem = "", .key_pem = k, .config = config
	};
	int rc;

	cc_err_clear(err);
	rc = cc_target_deploy(type, &req, res, err);
	json_decref(config);
	free(cert);
	free(k);
	return rc;
}

/* "01:A2:..." style: lower case with colons, as some issuers store serials */
static char *colon_lower(const char *hex)
{
	struct cc_buf b = CC_BUF_INIT;

	for (size_t i = 0; hex[i]; i++) {
		if (i && i % 2 == 0)
			cc_buf_addc(&b, ':');
		cc_buf_addc(&b, (char)(hex[i] >= 'A' && hex[i] <= 'F' ? hex[i] + 32 : hex[i]));
	}
	return cc_buf_detach(&b, NULL);
}

static void test_targets__validate_deployment(void **state)
{
	struct live *l = *state;
	const char *d = l->dir;
	char *serial = tt_x509(l->a_pem, "serial"), *other = tt_x509(l->b_pem, "serial");
	char *fancy = colon_lower(serial);
	struct {
		const char *type;
		json_t *config;
	} t[] = {
		{ "NGINX", tt_json("{\"cert_path\":\"%s/n.pem\"}", d) },
		{ "Apache", tt_json("{\"cert_path\":\"%s/ap.pem\"}", d) },
		{ "HAProxy",
		  tt_json("{\"pem_path\":\"%s/h.pem\",\"reload_command\":\"true\"}", d) },
		{ "Traefik", tt_json("{\"cert_dir\":\"%s\",\"cert_file\":\"t.pem\"}", d) },
		{ "Envoy", tt_json("{\"cert_dir\":\"%s\",\"cert_filename\":\"e.pem\"}", d) },
		{ "Caddy", tt_json("{\"cert_dir\":\"%s\",\"cert_file\":\"c.pem\"}", d) },
		{ "Postfix", tt_json("{\"cert_path\":\"%s/p.pem\",\"key_path\":\"%s/p.key\","
				     "\"validate_command\":\"\",\"reload_command\":\"\"}",
				     d, d) },
		{ "Dovecot", tt_json("{\"cert_path\":\"%s/d.pem\",\"key_path\":\"%s/d.key\","
				     "\"validate_command\":\"\",\"reload_command\":\"\"}",
				     d, d) },
	};
	struct cc_deploy_res res;
	struct cc_err err = CC_ERR_INIT;
	json_t *api;

	for (size_t i = 0; i < CC_ARRAY_SIZE(t); i++) {
		const struct cc_target_ops *ops = cc_target_find(t[i].type);

		json_incref(t[i].config);
		if (deploy_pems(t[i].type, t[i].config, l->a_pem, l->a_key, &res, &err) < 0)
			fail_msg("%s: %s", t[i].type, err.msg);
		assert_non_null(ops->validate_deployment);
		if (ops->validate_deployment(t[i].config, fancy, &res, &err) < 0)
			fail_msg("%s: %s", t[i].type, err.msg);
		assert_non_null(strstr(res.message, "holds serial"));
		assert_int_equal(ops->validate_deployment(t[i].config, other, &res, &err), -1);
		assert_int_equal(err.code, CC_E_CONFLICT);
		assert_non_null(strstr(err.msg, "holds serial"));
		json_decref(t[i].config);
	}
	api = tt_json("{\"mode\":\"api\"}");
	assert_int_equal(cc_target_find("Caddy")->validate_deployment(api, serial, &res, &err), -1);
	assert_int_equal(err.code, CC_E_UNSUPPORTED);
	json_decref(api);
	free(serial);
	free(other);
	free(fancy);
}

static bool have_nginx(void)
{
	return access("/usr/sbin/nginx", X_OK) == 0 || access("/usr/bin/nginx", X_OK) == 0;
}

static unsigned free_port(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t n = sizeof(a);
	int s = socket(AF_INET, SOCK_STREAM, 0);

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(s, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(getsockname(s, (struct sockaddr *)&a, &n), 0);
	close(s);
	return ntohs(a.sin_port);
}

/* the SHA-256 fingerprint of what 127.0.0.1:port serves (caller frees) */
static char *served(const struct live *l, unsigned port)
{
	char *script = tt_path(l->shared, "scripts/served-cert");
	char *addr = cc_xasprintf("127.0.0.1:%u", port), *fp, *eol;
	const char *const argv[] = { script, addr, NULL };
	struct cc_buf out = CC_BUF_INIT;
	struct cc_err err = CC_ERR_INIT;

	if (cc_exec(argv, NULL, 30000, &out, &err) < 0)
		fail_msg("served-cert: %s", err.msg);
	fp = strstr(out.buf, "Fingerprint=");
	assert_non_null(fp);
	fp = cc_xstrdup(fp + strlen("Fingerprint="));
	eol = strchr(fp, '\n');
	if (eol)
		*eol = '\0';
	cc_buf_release(&out);
	free(addr);
	free(script);
	return fp;
}

/* pem and pem_key to cert and key of the svc-tmp nginx, validated and reloaded through
 * svc-tmp */
static int deploy_svc(struct live *l, const char *cert, const char *key, const char *pem,
		      const char *pem_key, struct cc_deploy_res *res, struct cc_err *err)
{
	return deploy_pems("NGINX",
			   tt_json("{\"cert_path\":\"%s\",\"key_path\":\"%s\","
				   "\"validate_command\":\"%s test %s\","
				   "\"reload_command\":\"%s reload %s\"}",
				   cert, key, l->svc, l->srv, l->svc, l->srv),
			   pem, pem_key, res, err);
}

static void test_targets__real_nginx(void **state)
{
	struct live *l = *state;
	char *live = tt_path(l->dir, "live"), *cert = tt_path(l->dir, "live/cert.pem");
	char *key = tt_path(l->dir, "live/key.pem"), *pem, *fp_a, *fp_b, *fp, *port_s;
	unsigned port = free_port();
	struct cc_deploy_res res;
	struct cc_err err = CC_ERR_INIT;

	if (!have_nginx() || geteuid() != 0 || access(l->svc, X_OK) < 0) {
		print_message("skipped: needs nginx, root and %s\n", l->svc);
		free(live);
		free(cert);
		free(key);
		skip();
	}
	assert_int_equal(mkdir(live, 0755), 0);
	pem = tt_read(l->a_pem);
	tt_write(cert, pem, 0644);
	free(pem);
	pem = tt_read(l->a_key);
	tt_write(key, pem, 0600);
	free(pem);
	l->srv = tt_path(l->dir, "srv");
	port_s = cc_xasprintf("%u", port);
	{
		const char *const argv[] = { l->svc, "start", "nginx", l->srv,
					     port_s, cert,    key,     NULL };
		if (cc_exec(argv, NULL, 60000, NULL, &err) < 0)
			fail_msg("svc-tmp start: %s", err.msg);
	}
	fp_a = tt_x509(l->a_pem, "fingerprint");
	fp_b = tt_x509(l->b_pem, "fingerprint");
	fp = served(l, port);
	assert_string_equal(fp, fp_a);
	free(fp);
	/* the new certificate, validated and reloaded through svc-tmp: no shell anywhere */
	assert_int_equal(deploy_svc(l, cert, key, l->b_pem, l->b_key, &res, &err), 0);
	fp = served(l, port);
	assert_string_equal(fp, fp_b);
	free(fp);
	/* a key that does not match: nginx -t fails, the files are restored, no reload */
	assert_int_equal(deploy_svc(l, cert, key, l->a_pem, l->b_key, &res, &err), -1);
	assert_non_null(strstr(err.msg, "validate_command failed, previous files restored"));
	pem = tt_read(cert);
	fp = tt_read(l->b_pem);
	assert_string_equal(pem, fp);
	free(pem);
	free(fp);
	fp = served(l, port);
	assert_string_equal(fp, fp_b);
	free(fp);
	free(fp_a);
	free(fp_b);
	free(port_s);
	free(live);
	free(cert);
	free(key);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_targets__validate_deployment, setup, teardown),
		cmocka_unit_test_setup_teardown(test_targets__real_nginx, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
