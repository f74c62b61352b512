/* test-targets-dir.c: the cert_dir connectors (Traefik, Envoy; Caddy is in
 * test-targets-caddy.c), and the file set underneath (symlinks, directories, owners,
 * all-or-nothing) */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>
#include "tests/unit/testtgt.h"
#include "connectors/target/files.h"
#include "connectors/target/target.h"
#include "libcc/buf.h"
#include "libcc/err.h"
#include "libcc/mem.h"

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

static void test_targets__traefik(void **state)
{
	const char *d = *state;
	char *nope = tt_path(d, "nope");
	struct cc_deploy_res res;
	struct cc_err err = CC_ERR_INIT;

	assert_int_equal(deploy("Traefik", tt_json("{\"cert_dir\":\"%s/\"}", d), TT_CHAIN, TT_KEY,
				&res, &err),
			 0);
	tt_expect_file(d, "cert.pem", TT_CERT "\n" TT_CHAIN "\n", 0644);
	tt_expect_file(d, "key.pem", TT_KEY, 0600);
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
	tt_expect_file(d, "a.crt", TT_CERT "\n", 0644);
	tt_expect_file(d, "a.key", TT_KEY, 0600);
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
	tt_expect_file(d, "cert.pem", TT_CERT "\n", 0644);
	tt_expect_file(d, "chain.pem", TT_CHAIN "\n", 0644);
	tt_expect_file(d, "key.pem", TT_KEY, 0600);
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
	tt_expect_file(d, "cert.pem", TT_CERT "\n" TT_CHAIN "\n", 0644);
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
	tt_expect_file(d, "link.pem", "new\n", 0644);
	tt_expect_file(d, "real.pem", "real\n", 0644);
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
	tt_expect_file(d, "a.pem", "old a\n", 0600);
	assert_int_equal(tt_count(d), 2);
	cc_fileset_release(&fs);
	/* a directory where the file should be */
	assert_int_equal(cc_fileset_add(&fs, "cert_path", a, "new a\n", 6, 0644, &err), 0);
	assert_int_equal(cc_fileset_add(&fs, "chain_path", sub, "x", 1, 0644, &err), 0);
	assert_int_equal(cc_fileset_install(&fs, &err), -1);
	assert_non_null(strstr(err.msg, "('chain_path') is a directory"));
	tt_expect_file(d, "a.pem", "old a\n", 0600);
	assert_int_equal(tt_count(d), 2);
	cc_fileset_release(&fs);
	/* installed then committed: no kept versions left */
	assert_int_equal(cc_fileset_add(&fs, "cert_path", a, "new a\n", 6, 0644, &err), 0);
	assert_int_equal(cc_fileset_install(&fs, &err), 0);
	cc_fileset_commit(&fs);
	tt_expect_file(d, "a.pem", "new a\n", 0644);
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
		cmocka_unit_test_setup_teardown(test_targets__traefik, tt_setup, tt_teardown),
		cmocka_unit_test_setup_teardown(test_targets__envoy, tt_setup, tt_teardown),
		cmocka_unit_test_setup_teardown(test_targets__fileset_symlink, tt_setup,
						tt_teardown),
		cmocka_unit_test_setup_teardown(test_targets__fileset_all_or_nothing, tt_setup,
						tt_teardown),
		cmocka_unit_test_setup_teardown(test_targets__fileset_owner, tt_setup, tt_teardown),
		cmocka_unit_test_setup_teardown(test_targets__fileset_copy_fallback, tt_setup,
						tt_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
