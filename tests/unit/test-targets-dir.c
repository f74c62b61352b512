/* test-targets-dir.c: the cert_dir connectors (Traefik, Envoy, Caddy files and Caddy's admin
 * API against a local libmicrohttpd server), and the file set underneath (symlinks,
 * directories, owners, all-or-nothing) */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>
#include <microhttpd.h>
#include "tests/unit/testtgt.h"
#include "connectors/target/files.h"
#include "connectors/target/target.h"
#include "libcc/buf.h"
#include "libcc/err.h"
#include "libcc/mem.h"

static int setup(void **state)
{
	*state = tt_tmpdir();
	return 0;
}

static int teardown(void **state)
{
	tt_rmrf(*state);
	free(*state);
	return 0;
}

static int deploy(const char *type, json_t *config, const char *chain, const char *key,
		  struct cc_deploy_res *res, struct cc_err *err)
{
	const struct cc_deploy_req req = {
		.cert_pem = TT_CERT, .chain_pem = chain, .key_pem = key, .config = config
	};
	int rc;

	cc_err_clear(err);
	rc = cc_target_deploy(type, &req, res, err);
	if (rc < 0)
		print_message("deploy: %s\n", err->msg);
	json_decref(config);
	return rc;
}

static void expect_file(const char *dir, const char *name, const char *content, int mode)
{
	char *p = tt_path(dir, name), *got = tt_read(p);

	if (!got)
		fail_msg("'%s' is missing", p);
	assert_string_equal(got, content);
	assert_int_equal(tt_mode(p), mode);
	free(got);
	free(p);
}

static void test_targets__traefik(void **state)
{
	const char *d = *state;
	char *nope = tt_path(d, "nope");
	struct cc_deploy_res res;
	struct cc_err err = CC_ERR_INIT;

	assert_int_equal(deploy("Traefik", tt_json("{\"cert_dir\":\"%s/\"}", d), TT_CHAIN, TT_KEY,
				&res, &err),
			 0);
	expect_file(d, "cert.pem", TT_CERT "\n" TT_CHAIN "\n", 0644);
	expect_file(d, "key.pem", TT_KEY, 0600);
	assert_int_equal(strncmp(res.deployment_id, "traefik-", 8), 0);
	assert_non_null(strstr(res.target_address, "/cert.pem"));
	assert_null(strstr(res.target_address, "//"));
	/* own names, no chain */
	assert_int_equal(deploy("traefik",
				tt_json("{\"cert_dir\":\"%s\",\"cert_file\":\"a.crt\","
					"\"key_file\":\"a.key\"}",
					d),
				"", TT_KEY, &res, &err),
			 0);
	expect_file(d, "a.crt", TT_CERT "\n", 0644);
	expect_file(d, "a.key", TT_KEY, 0600);
	assert_int_equal(tt_count(d), 4);
	/* a missing directory is named, and not created */
	assert_int_equal(deploy("Traefik", tt_json("{\"cert_dir\":\"%s\"}", nope), TT_CHAIN, TT_KEY,
				&res, &err),
			 -1);
	assert_non_null(strstr(err.msg, "directory '"));
	assert_non_null(strstr(err.msg, "/nope' of 'cert_file' does not exist"));
	assert_false(tt_exists(nope));
	assert_true(tt_clean(d));
	free(nope);
}

static void test_targets__envoy(void **state)
{
	const char *d = *state;
	char *sds_path = tt_path(d, "sds.json"), *cert = tt_path(d, "cert.pem"), *sds;
	char *key = tt_path(d, "key.pem");
	struct cc_deploy_res res;
	struct cc_err err = CC_ERR_INIT;
	json_t *j, *r;

	assert_int_equal(deploy("Envoy",
				tt_json("{\"cert_dir\":\"%s\",\"chain_filename\":\"chain.pem\","
					"\"sds_config\":true}",
					d),
				TT_CHAIN, TT_KEY, &res, &err),
			 0);
	expect_file(d, "cert.pem", TT_CERT "\n", 0644);
	expect_file(d, "chain.pem", TT_CHAIN "\n", 0644);
	expect_file(d, "key.pem", TT_KEY, 0600);
	assert_int_equal(tt_mode(sds_path), 0644);
	sds = tt_read(sds_path);
	assert_int_equal(strncmp(sds, "{\n  \"resources\": [\n    {\n      \"@type\": ", 39), 0);
	j = tt_json("%s", sds);
	r = json_array_get(json_object_get(j, "resources"), 0);
	assert_string_equal(json_string_value(json_object_get(r, "@type")),
			    "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret");
	assert_string_equal(json_string_value(json_object_get(r, "name")), "server_cert");
	r = json_object_get(r, "tls_certificate");
	assert_string_equal(json_string_value(json_object_get(
				    json_object_get(r, "certificate_chain"), "filename")),
			    cert);
	assert_string_equal(
		json_string_value(json_object_get(json_object_get(r, "private_key"), "filename")),
		key);
	json_decref(j);
	assert_int_equal(strncmp(res.deployment_id, "envoy-", 6), 0);
	/* without chain_filename the chain follows the leaf */
	assert_int_equal(
		deploy("Envoy", tt_json("{\"cert_dir\":\"%s\"}", d), TT_CHAIN, TT_KEY, &res, &err),
		0);
	expect_file(d, "cert.pem", TT_CERT "\n" TT_CHAIN "\n", 0644);
	/* sds.json may not be one of the other files */
	assert_int_equal(deploy("Envoy",
				tt_json("{\"cert_dir\":\"%s\",\"key_filename\":\"sds.json\","
					"\"sds_config\":true}",
					d),
				TT_CHAIN, TT_KEY, &res, &err),
			 -1);
	assert_non_null(strstr(err.msg, "'key_filename' and 'sds_config' name the same file"));
	free(sds);
	free(sds_path);
	free(cert);
	free(key);
}

/* a stand-in for Caddy's admin API: records the request, answers with status */
struct caddy {
	struct MHD_Daemon *d;
	unsigned port;
	unsigned status;
	int requests;
	char method[16], url[128], ctype[64];
	struct cc_buf body;
};

static enum MHD_Result caddy_handler(void *cls, struct MHD_Connection *c, const char *url,
				     const char *method, const char *version, const char *upload,
				     size_t *upload_size, void **con_cls)
{
	static const char fail[] = "{\"error\":\"loading failed\"}";
	struct caddy *s = cls;
	const char *ct;
	struct MHD_Response *r;
	enum MHD_Result ret;

	(void)version;
	if (!*con_cls) {
		*con_cls = s;
		cc_buf_reset(&s->body);
		return MHD_YES;
	}
	if (*upload_size) {
		cc_buf_add(&s->body, upload, *upload_size);
		*upload_size = 0;
		return MHD_YES;
	}
	ct = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
	snprintf(s->method, sizeof(s->method), "%s", method);
	snprintf(s->url, sizeof(s->url), "%s", url);
	snprintf(s->ctype, sizeof(s->ctype), "%s", ct ? ct : "");
	s->requests++;
	r = MHD_create_response_from_buffer(s->status == 200 ? 0 : strlen(fail), (void *)fail,
					    MHD_RESPMEM_PERSISTENT);
	ret = MHD_queue_response(c, s->status, r);
	MHD_destroy_response(r);
	return ret;
}

static void caddy_start(struct caddy *s, unsigned status)
{
	struct sockaddr_in a = { .sin_family = AF_INET };

	memset(s, 0, sizeof(*s));
	cc_buf_init(&s->body, 0);
	s->status = status;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	s->d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL, caddy_handler, s,
				MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&a, MHD_OPTION_END);
	assert_non_null(s->d);
	s->port = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT)->port;
}

static void caddy_stop(struct caddy *s)
{
	MHD_stop_daemon(s->d);
	cc_buf_release(&s->body);
}

static void test_targets__caddy_api(void **state)
{
	const char *d = *state;
	struct cc_deploy_res res;
	struct cc_err err = CC_ERR_INIT;
	char want[64];
	struct caddy s;
	json_t *body;

	caddy_start(&s, 200);
	assert_int_equal(deploy("Caddy",
				tt_json("{\"mode\":\"api\",\"admin_api\":\"http://127.0.0.1:%u/\","
					"\"cert_dir\":\"%s\"}",
					s.port, d),
				TT_CHAIN, TT_KEY, &res, &err),
			 0);
	assert_int_equal(s.requests, 1);
	assert_string_equal(s.method, "POST");
	assert_string_equal(s.url, "/config/apps/tls/certificates/load");
	assert_string_equal(s.ctype, "application/json");
	body = json_loadb(s.body.buf, s.body.len, JSON_REJECT_DUPLICATES, NULL);
	assert_non_null(body);
	assert_int_equal(json_object_size(body), 2);
	assert_string_equal(json_string_value(json_object_get(body, "cert")),
			    TT_CERT "\n" TT_CHAIN "\n");
	assert_string_equal(json_string_value(json_object_get(body, "key")), TT_KEY);
	json_decref(body);
	snprintf(want, sizeof(want), "http://127.0.0.1:%u", s.port);
	assert_string_equal(res.target_address, want);
	assert_int_equal(strncmp(res.deployment_id, "caddy-", 6), 0);
	assert_int_equal(tt_count(d), 0); /* the API took it: no files */
	/* 204 is success too; no chain: the leaf and a newline */
	s.status = 204;
	assert_int_equal(deploy("Caddy", tt_json("{\"mode\":\"API\",\"admin_api\":\"%s\"}", want),
				"", TT_KEY, &res, &err),
			 0);
	body = json_loadb(s.body.buf, s.body.len, 0, NULL);
	assert_string_equal(json_string_value(json_object_get(body, "cert")), TT_CERT "\n");
	json_decref(body);
	caddy_stop(&s);
}

static void test_targets__caddy_fallback(void **state)
{
	const char *d = *state;
	struct cc_deploy_res res;
	struct cc_err err = CC_ERR_INIT;
	struct caddy s;
	unsigned port;

	caddy_start(&s, 500);
	/* no cert_dir: the error */
	assert_int_equal(
		deploy("Caddy",
		       tt_json("{\"mode\":\"api\",\"admin_api\":\"http://127.0.0.1:%u\"}", s.port),
		       TT_CHAIN, TT_KEY, &res, &err),
		-1);
	assert_int_equal(err.code, CC_E_UNAVAILABLE);
	assert_non_null(strstr(err.msg, "answered HTTP 500: {\"error\":\"loading failed\"}"));
	/* with cert_dir: the files */
	assert_int_equal(deploy("Caddy",
				tt_json("{\"mode\":\"api\",\"admin_api\":\"http://127.0.0.1:%u\","
					"\"cert_dir\":\"%s\"}",
					s.port, d),
				TT_CHAIN, TT_KEY, &res, &err),
			 0);
	assert_int_equal(s.requests, 2);
	assert_non_null(strstr(res.message, "admin API failed ("));
	assert_non_null(strstr(res.message, "HTTP 500"));
	assert_non_null(strstr(res.message, "fell back to files; wrote "));
	expect_file(d, "cert.pem", TT_CERT "\n" TT_CHAIN "\n", 0644);
	expect_file(d, "key.pem", TT_KEY, 0600);
	/* no key: the API cannot be used */
	assert_int_equal(deploy("Caddy",
				tt_json("{\"mode\":\"api\",\"admin_api\":\"http://127.0.0.1:%u\","
					"\"cert_dir\":\"%s\"}",
					s.port, d),
				TT_CHAIN, NULL, &res, &err),
			 0);
	assert_int_equal(s.requests, 2);
	assert_non_null(strstr(res.message, "needs the private key"));
	port = s.port;
	caddy_stop(&s);
	/* nobody listening */
	assert_int_equal(
		deploy("Caddy",
		       tt_json("{\"mode\":\"api\",\"admin_api\":\"http://127.0.0.1:%u\"}", port),
		       TT_CHAIN, TT_KEY, &res, &err),
		-1);
	assert_non_null(strstr(err.msg, "cannot reach the Caddy admin API at http://127.0.0.1:"));
}

static void test_targets__caddy_files(void **state)
{
	const char *d = *state;
	struct cc_deploy_res res;
	struct cc_err err = CC_ERR_INIT;

	assert_int_equal(deploy("Caddy",
				tt_json("{\"cert_dir\":\"%s\",\"cert_file\":\"site.crt\","
					"\"key_file\":\"site.key\"}",
					d),
				TT_CHAIN, TT_KEY, &res, &err),
			 0);
	expect_file(d, "site.crt", TT_CERT "\n" TT_CHAIN "\n", 0644);
	expect_file(d, "site.key", TT_KEY, 0600);
	assert_int_equal(deploy("Caddy", tt_json("{\"mode\":\"file\",\"cert_dir\":\"%s\"}", d),
				TT_CHAIN, TT_KEY, &res, &err),
			 0);
	expect_file(d, "cert.pem", TT_CERT "\n" TT_CHAIN "\n", 0644);
	assert_int_equal(strncmp(res.deployment_id, "caddy-", 6), 0);
	assert_int_equal(tt_count(d), 4);
}

/* a symlink is replaced by a file, and comes back on restore */
static void test_targets__fileset_symlink(void **state)
{
	const char *d = *state;
	char *real = tt_path(d, "real.pem"), *link = tt_path(d, "link.pem"), buf[64];
	struct cc_fileset fs = CC_FILESET_INIT;
	struct cc_err err = CC_ERR_INIT;
	struct stat st;
	ssize_t n;

	tt_write(real, "real\n", 0644);
	assert_int_equal(symlink("real.pem", link), 0);
	assert_int_equal(cc_fileset_add(&fs, "cert_path", link, "new\n", 4, 0644, &err), 0);
	assert_int_equal(cc_fileset_install(&fs, &err), 0);
	assert_int_equal(lstat(link, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	expect_file(d, "link.pem", "new\n", 0644);
	expect_file(d, "real.pem", "real\n", 0644);
	assert_int_equal(cc_fileset_restore(&fs, &err), 0);
	assert_int_equal(lstat(link, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	n = readlink(link, buf, sizeof(buf) - 1);
	assert_int_equal(n, 8);
	buf[n] = '\0';
	assert_string_equal(buf, "real.pem");
	assert_true(tt_clean(d));
	cc_fileset_release(&fs);
	free(real);
	free(link);
}

/* all or nothing: a bad second file leaves the first directory untouched */
static void test_targets__fileset_all_or_nothing(void **state)
{
	const char *d = *state;
	char *a = tt_path(d, "a.pem"), *sub = tt_path(d, "sub"), *b = tt_path(d, "nope/b.pem");
	struct cc_fileset fs = CC_FILESET_INIT;
	struct cc_err err = CC_ERR_INIT;

	tt_write(a, "old a\n", 0600);
	assert_int_equal(mkdir(sub, 0755), 0);
	assert_int_equal(cc_fileset_add(&fs, "cert_path", a, "new a\n", 6, 0644, &err), 0);
	assert_int_equal(cc_fileset_add(&fs, "key_path", b, "b\n", 2, 0600, &err), 0);
	assert_int_equal(cc_fileset_install(&fs, &err), -1);
	assert_non_null(strstr(err.msg, "/nope' of 'key_path' does not exist"));
	expect_file(d, "a.pem", "old a\n", 0600);
	assert_int_equal(tt_count(d), 2);
	cc_fileset_release(&fs);
	/* a directory where the file should be */
	assert_int_equal(cc_fileset_add(&fs, "cert_path", a, "new a\n", 6, 0644, &err), 0);
	assert_int_equal(cc_fileset_add(&fs, "chain_path", sub, "x", 1, 0644, &err), 0);
	assert_int_equal(cc_fileset_install(&fs, &err), -1);
	assert_non_null(strstr(err.msg, "('chain_path') is a directory"));
	expect_file(d, "a.pem", "old a\n", 0600);
	assert_int_equal(tt_count(d), 2);
	cc_fileset_release(&fs);
	/* installed then committed: no kept versions left */
	assert_int_equal(cc_fileset_add(&fs, "cert_path", a, "new a\n", 6, 0644, &err), 0);
	assert_int_equal(cc_fileset_install(&fs, &err), 0);
	cc_fileset_commit(&fs);
	expect_file(d, "a.pem", "new a\n", 0644);
	assert_true(tt_clean(d));
	cc_fileset_release(&fs);
	free(a);
	free(b);
	free(sub);
}

/* a replaced file keeps its owner and group (when we may chown) */
static void test_targets__fileset_owner(void **state)
{
	const char *d = *state;
	char *a = tt_path(d, "a.pem");
	struct cc_fileset fs = CC_FILESET_INIT;
	struct cc_err err = CC_ERR_INIT;
	struct stat st;

	if (geteuid() != 0)
		skip();
	tt_write(a, "old\n", 0640);
	assert_int_equal(chown(a, 1234, 4321), 0);
	assert_int_equal(cc_fileset_add(&fs, "cert_path", a, "new\n", 4, 0644, &err), 0);
	assert_int_equal(cc_fileset_install(&fs, &err), 0);
	assert_int_equal(stat(a, &st), 0);
	assert_int_equal(st.st_uid, 1234);
	assert_int_equal(st.st_gid, 4321);
	assert_int_equal(st.st_mode & 07777, 0644);
	cc_fileset_release(&fs); /* commits */
	assert_true(tt_clean(d));
	free(a);
}

/* in the child, as nobody: 0 when install and restore work without the hard link */
static int copy_fallback_child(const char *a)
{
	struct cc_fileset fs = CC_FILESET_INIT;
	struct cc_err err = CC_ERR_INIT;
	char *prev = cc_xasprintf("%s.certctl-prev", a), *got;
	int rc = 0;

	if (setgid(65534) < 0 || setuid(65534) < 0)
		return 10;
	if (cc_fileset_add(&fs, "cert_path", a, "new\n", 4, 0644, &err) < 0 ||
	    cc_fileset_install(&fs, &err) < 0)
		rc = 11;
	got = rc ? NULL : tt_read(a);
	if (!rc && (!got || strcmp(got, "new\n") || tt_exists(prev)))
		rc = 12; /* the link was refused: the previous file is held in memory */
	free(got);
	if (!rc && cc_fileset_restore(&fs, &err) < 0)
		rc = 13;
	got = rc ? NULL : tt_read(a);
	if (!rc && (!got || strcmp(got, "old\n") || tt_mode(a) != 0640))
		rc = 14;
	if (rc)
		fprintf(stderr, "copy fallback: %d %s\n", rc, err.msg);
	free(got);
	free(prev);
	cc_fileset_release(&fs);
	return rc;
}

/* an agent that is not root may not hard-link a file it does not own
 * (fs.protected_hardlinks): the previous version is kept in memory instead */
static void test_targets__fileset_copy_fallback(void **state)
{
	const char *d = *state;
	char *a = tt_path(d, "a.pem"), *flag = tt_read("/proc/sys/fs/protected_hardlinks");
	int status;
	pid_t pid;

	if (geteuid() != 0 || !flag || flag[0] != '1') {
		free(flag);
		free(a);
		skip();
	}
	free(flag);
	assert_int_equal(chmod(d, 0777), 0);
	tt_write(a, "old\n", 0640);
	assert_int_equal(chown(a, 0, 65534), 0); /* readable by nobody's group, not owned */
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(copy_fallback_child(a));
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_true(tt_clean(d));
	free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_targets__traefik, setup, teardown),
		cmocka_unit_test_setup_teardown(test_targets__envoy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_targets__caddy_api, setup, teardown),
		cmocka_unit_test_setup_teardown(test_targets__caddy_fallback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_targets__caddy_files, setup, teardown),
		cmocka_unit_test_setup_teardown(test_targets__fileset_symlink, setup, teardown),
		cmocka_unit_test_setup_teardown(test_targets__fileset_all_or_nothing, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_targets__fileset_owner, setup, teardown),
		cmocka_unit_test_setup_teardown(test_targets__fileset_copy_fallback, setup,
						teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
