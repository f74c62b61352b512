/* test-cfg.c: configuration — defaults, environment, file, validation, derived paths */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "libcc/cfg.h"
#include "libcc/err.h"
#include "libcc/time.h"

static int load(struct cc_cfg *cfg, char **env, struct cc_err *err)
{
	cc_cfg_init(cfg);
	if (cc_cfg_load(cfg, env, err) < 0)
		return -1;
	return cc_cfg_validate(cfg, err);
}

static void test_cfg__defaults(void **state)
{
	char *env[] = { "HOME=/nonexistent-home", NULL };
	struct cc_cfg cfg;
	struct cc_err err = CC_ERR_INIT;

	(void)state;
	assert_int_equal(load(&cfg, env, &err), 0);
	assert_string_equal(cc_cfg_str(&cfg, CC_CFG_server_host), "127.0.0.1");
	assert_int_equal(cc_cfg_int(&cfg, CC_CFG_server_port), 8443);
	assert_int_equal(cc_cfg_int(&cfg, CC_CFG_max_body_size), 1048576);
	assert_true(cc_cfg_bool(&cfg, CC_CFG_rate_limit_enabled));
	assert_int_equal(cc_cfg_int(&cfg, CC_CFG_rate_limit_rps), 50);
	assert_int_equal(cc_cfg_int(&cfg, CC_CFG_rate_limit_burst), 100);
	assert_int_equal(cc_cfg_dur(&cfg, CC_CFG_scheduler_renewal_check_interval),
			 3600 * CC_USEC_PER_SEC);
	assert_int_equal(cc_cfg_dur(&cfg, CC_CFG_scheduler_job_processor_interval),
			 30 * CC_USEC_PER_SEC);
	assert_string_equal(cc_cfg_str(&cfg, CC_CFG_auth_type), "api-key");
	assert_string_equal(cc_cfg_str(&cfg, CC_CFG_keygen_mode), "agent");
	assert_int_equal(cfg.src[CC_CFG_server_port], CFG_SRC_DEFAULT);
	cc_cfg_release(&cfg);
}

static void test_cfg__environment(void **state)
{
	char *env[] = { "CERTCTL_SERVER_PORT=9000",
			"CERTCTL_RATE_LIMIT_ENABLED=false",
			"CERTCTL_CORS_ORIGINS= a , b ,",
			"CERTCTL_LOG_LEVEL=debug",
			"CERTCTL_DATABASE_URL=postgres://u:p@h/db",
			"CERTCTL_SERVER_HOST=",
			"HOME=/nonexistent-home",
			NULL };
	struct cc_cfg cfg;
	struct cc_err err = CC_ERR_INIT;
	struct cc_strv l = CC_STRV_INIT;

	(void)state;
	assert_int_equal(load(&cfg, env, &err), 0);
	assert_int_equal(cc_cfg_int(&cfg, CC_CFG_server_port), 9000);
	assert_int_equal(cfg.src[CC_CFG_server_port], CFG_SRC_ENV);
	assert_false(cc_cfg_bool(&cfg, CC_CFG_rate_limit_enabled));
	/* an empty variable means unset */
	assert_string_equal(cc_cfg_str(&cfg, CC_CFG_server_host), "127.0.0.1");
	cc_cfg_list(&cfg, CC_CFG_cors_origins, &l);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.v[1], "b");
	cc_strv_release(&l);
	cc_cfg_release(&cfg);
}

static void expect_bad(const char *var, const char *needle)
{
	char *env[] = { (char *)var, "HOME=/nonexistent-home", NULL };
	struct cc_cfg cfg;
	struct cc_err err = CC_ERR_INIT;

	assert_int_equal(load(&cfg, env, &err), -1);
	assert_int_equal(err.code, CC_E_CONFIG);
	if (!strstr(err.msg, needle))
		fail_msg("'%s': message '%s' lacks '%s'", var, err.msg, needle);
	cc_cfg_release(&cfg);
}

static void test_cfg__validation_names_the_variable(void **state)
{
	(void)state;
	expect_bad("CERTCTL_SERVER_PORT=abc", "CERTCTL_SERVER_PORT");
	expect_bad("CERTCTL_SERVER_PORT=70000", "'70000' is out of range (0 to 65535)");
	expect_bad("CERTCTL_LOG_LEVEL=loud", "'loud' is not one of debug|info|warn|error");
	expect_bad("CERTCTL_RATE_LIMIT_ENABLED=maybe", "CERTCTL_RATE_LIMIT_ENABLED");
	expect_bad("CERTCTL_SCHEDULER_JOB_PROCESSOR_INTERVAL=soon", "not a duration");
	expect_bad("CERTCTL_SCHEDULER_JOB_PROCESSOR_INTERVAL=0s",
		   "'0s' is too short (at least 1s)");
	expect_bad("CERTCTL_SCHEDULER_RENEWAL_CHECK_INTERVAL=0s", "at least 1s");
	expect_bad("CERTCTL_NETWORK_SCAN_INTERVAL=30s", "at least 1m");
	expect_bad("CERTCTL_DATABASE_URL=mysql://u:secret@h/db", "'mysql://***@h/db'");
	expect_bad("CERTCTL_DATABASE_URL=mysql://x", "CERTCTL_DATABASE_URL");
	expect_bad("CERTCTL_AUTH_TYPE=basic", "CERTCTL_AUTH_TYPE");
	expect_bad("CERTCTL_SERVER_URL=ftp://x", "CERTCTL_SERVER_URL");
	expect_bad("CERTCTL_MAX_BODY_SIZE=-1", "CERTCTL_MAX_BODY_SIZE");
}

static void test_cfg__unknown_variable_warns(void **state)
{
	char *env[] = { "CERTCTL_SEVER_PORT=1", "CERTCTL_COMPLETELY_DIFFERENT=1",
			"HOME=/nonexistent-home", NULL };
	struct cc_cfg cfg;
	struct cc_err err = CC_ERR_INIT;

	(void)state;
	assert_int_equal(load(&cfg, env, &err), 0);
	assert_int_equal(cfg.warnings.n, 1);
	assert_non_null(strstr(cfg.warnings.v[0], "did you mean CERTCTL_SERVER_PORT"));
	cc_cfg_release(&cfg);
}

static void test_cfg__file_then_env_then_flag(void **state)
{
	char path[] = "/tmp/certctl-cfg-XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");
	char envfile[300];
	struct cc_cfg cfg;
	struct cc_err err = CC_ERR_INIT;

	(void)state;
	fprintf(f, "# comment\nCERTCTL_SERVER_PORT=7000\nlog_level = \"warn\"\n"
		   "CERTCTL_SERVER_HOST=::1\n");
	fclose(f);
	snprintf(envfile, sizeof(envfile), "CERTCTL_CONFIG_FILE=%s", path);
	char *env[] = { envfile, "CERTCTL_SERVER_PORT=7001", "HOME=/nonexistent-home", NULL };
	assert_int_equal(load(&cfg, env, &err), 0);
	assert_int_equal(cc_cfg_int(&cfg, CC_CFG_server_port), 7001); /* env beats file */
	assert_string_equal(cc_cfg_str(&cfg, CC_CFG_log_level), "warn");
	assert_int_equal(cfg.src[CC_CFG_log_level], CFG_SRC_FILE);
	assert_string_equal(cc_cfg_str(&cfg, CC_CFG_server_host), "::1");
	cc_cfg_set(&cfg, CC_CFG_server_port, "7002", CFG_SRC_FLAG, NULL); /* flag beats env */
	assert_int_equal(cc_cfg_validate(&cfg, &err), 0);
	assert_int_equal(cc_cfg_int(&cfg, CC_CFG_server_port), 7002);
	cc_cfg_release(&cfg);

	f = fopen(path, "w");
	fprintf(f, "CERTCTL_NO_SUCH=1\n");
	fclose(f);
	cc_cfg_init(&cfg);
	assert_int_equal(cc_cfg_load(&cfg, env, &err), -1);
	assert_non_null(strstr(err.msg, ":1: unknown setting 'CERTCTL_NO_SUCH'"));
	cc_cfg_release(&cfg);
	unlink(path);

	char *missing[] = { "CERTCTL_CONFIG_FILE=/nonexistent/certctl.conf", NULL };
	cc_cfg_init(&cfg);
	assert_int_equal(cc_cfg_load(&cfg, missing, &err), -1);
	assert_non_null(strstr(err.msg, "/nonexistent/certctl.conf"));
	cc_cfg_release(&cfg);
}

static void test_cfg__paths(void **state)
{
	char *env[] = { "HOME=/home/u", "XDG_DATA_HOME=/xdg/data", "XDG_STATE_HOME=/xdg/state",
			NULL };
	struct cc_cfg cfg;
	struct cc_err err = CC_ERR_INIT;
	char *p;

	(void)state;
	assert_int_equal(load(&cfg, env, &err), 0);
	cfg.uid = 1000;
	p = cc_cfg_data_dir(&cfg);
	assert_string_equal(p, "/xdg/data/certctl");
	free(p);
	p = cc_cfg_credentials_path(&cfg);
	assert_string_equal(p, "/home/u/.config/certctl/credentials");
	free(p);
	p = cc_cfg_state_dir(&cfg);
	assert_string_equal(p, "/xdg/state/certctl");
	free(p);
	cfg.uid = 0;
	p = cc_cfg_data_dir(&cfg);
	assert_string_equal(p, "/var/lib/certctl");
	free(p);
	p = cc_cfg_credentials_path(&cfg);
	assert_string_equal(p, "/var/lib/certctl/credentials");
	free(p);
	cc_cfg_set(&cfg, CC_CFG_data_dir, "/srv/cc", CFG_SRC_FLAG, NULL);
	p = cc_cfg_data_dir(&cfg);
	assert_string_equal(p, "/srv/cc");
	free(p);
	cc_cfg_release(&cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cfg__defaults),
		cmocka_unit_test(test_cfg__environment),
		cmocka_unit_test(test_cfg__validation_names_the_variable),
		cmocka_unit_test(test_cfg__unknown_variable_warns),
		cmocka_unit_test(test_cfg__file_then_env_then_flag),
		cmocka_unit_test(test_cfg__paths),
	};
	return cmocka_run_group_tests_name("cfg", tests, NULL, NULL);
}
