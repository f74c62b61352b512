/* test-agent-verify.c: the agent's TLS probe against a real `openssl s_server` — the served
 * fingerprint (with and without SNI), a mismatch, a closed port, a handshake that never
 * ends — and the host/port taken from a target config */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <cmocka.h>
#include "agent/agent.h"
#include "libcc/err.h"
#include "libcc/mem.h"
#include "libcc/time.h"
#include "tests/unit/testossl.h"

struct fx {
	char *dir;
	char fp_a[65], fp_b[65]; /* default certificate, SNI certificate */
	int port;
	pid_t server;
};

static void make_cert(const char *dir, const char *name, const char *cn, char fp[65])
{
	char *crt = cc_xasprintf("%s/%s.crt", dir, name),
	     *key = cc_xasprintf("%s/%s.key", dir, name), *out = NULL, *v;

	if (testossl_self_signed(&out, crt, key, cn, NULL) != 0)
		fail_msg("openssl: %s", out);
	free(out);
	assert_int_equal(testossl_openssl(&out, "x509", "-in", crt, "-noout", "-fingerprint",
					  "-sha256", NULL),
			 0);
	/* "sha256 Fingerprint=AB:CD:..." → "abcd..." */
	v = testossl_field(out, "sha256 Fingerprint");
	testossl_hex_norm(v, false);
	assert_int_equal(strlen(v), 64);
	memcpy(fp, v, 65);
	free(v);
	free(out);
	free(crt);
	free(key);
}

/* a port nobody listens on right now */
static int free_port(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0), port;

	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	port = ntohs(a.sin_port);
	close(fd);
	return port;
}

static bool can_connect(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_port = htons((uint16_t)port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	bool ok = connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0;

	close(fd);
	return ok;
}

/* openssl s_server on 127.0.0.1:port: a.crt by default, b.crt for SNI "localhost" */
static pid_t start_server(const char *dir, int port)
{
	char *accept = cc_xasprintf("127.0.0.1:%d", port), *a = testossl_path(dir, "a.crt"),
	     *ak = testossl_path(dir, "a.key"), *b = testossl_path(dir, "b.crt"),
	     *bk = testossl_path(dir, "b.key");
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		int nul = open("/dev/null", O_RDWR);
		dup2(nul, 0);
		dup2(nul, 1);
		dup2(nul, 2);
		execlp("openssl", "openssl", "s_server", "-accept", accept, "-cert", a, "-key", ak,
		       "-servername", "localhost", "-cert2", b, "-key2", bk, "-www", "-quiet",
		       (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 100 && !can_connect(port); i++)
		usleep(50000);
	assert_true(can_connect(port));
	free(accept);
	free(a);
	free(ak);
	free(b);
	free(bk);
	return pid;
}

static int setup(void **state)
{
	struct fx *f = cc_xcalloc(1, sizeof(*f));

	signal(SIGPIPE, SIG_IGN);
	f->dir = testossl_tmpdir("agent-verify");
	make_cert(f->dir, "a", "default.test", f->fp_a);
	make_cert(f->dir, "b", "localhost", f->fp_b);
	f->port = free_port();
	f->server = start_server(f->dir, f->port);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	kill(f->server, SIGTERM);
	waitpid(f->server, NULL, 0);
	testossl_rmdir(f->dir);
	free(f->dir);
	free(f);
	return 0;
}

static void test_agent_verify__match(void **state)
{
	struct fx *f = *state;
	struct cc_err err = CC_ERR_INIT;
	char fp[65];

	assert_int_equal(agent_verify_probe("127.0.0.1", f->port, 5000, fp, &err), 0);
	assert_string_equal(fp, f->fp_a);
}

/* SNI = the host name: s_server picks b.crt for "localhost"; none for an address. localhost
 * may resolve to ::1 first, where nobody listens: the next address is tried */
static void test_agent_verify__sni(void **state)
{
	struct fx *f = *state;
	struct cc_err err = CC_ERR_INIT;
	char fp[65];

	if (agent_verify_probe("localhost", f->port, 5000, fp, &err) < 0)
		fail_msg("%s", err.msg);
	assert_string_equal(fp, f->fp_b);
}

static void test_agent_verify__mismatch(void **state)
{
	struct fx *f = *state;
	struct cc_err err = CC_ERR_INIT;
	char fp[65];

	/* deployed b.crt, but the address (no SNI) is served a.crt */
	assert_int_equal(agent_verify_probe("127.0.0.1", f->port, 5000, fp, &err), 0);
	assert_string_not_equal(fp, f->fp_b);
	assert_string_equal(fp, f->fp_a);
}

static void test_agent_verify__closed_port(void **state)
{
	struct cc_err err = CC_ERR_INIT;
	int port = free_port();
	char fp[65], *want;

	(void)state;
	assert_int_equal(agent_verify_probe("127.0.0.1", port, 2000, fp, &err), -1);
	want = cc_xasprintf("connect to 127.0.0.1:%d failed: Connection refused", port);
	assert_string_equal(err.msg, want);
	assert_string_equal(fp, "");
	free(want);
}

/* a listener that accepts (in the kernel) but never speaks TLS */
static void test_agent_verify__timeout(void **state)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	struct cc_err err = CC_ERR_INIT;
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	char fp[65], *want;
	int64_t t0;

	(void)state;
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(fd, 4), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	t0 = cc_time_mono_ms();
	assert_int_equal(agent_verify_probe("127.0.0.1", ntohs(a.sin_port), 300, fp, &err), -1);
	assert_true(cc_time_mono_ms() - t0 >= 290);
	assert_true(cc_time_mono_ms() - t0 < 2000);
	want = cc_xasprintf("TLS handshake with 127.0.0.1:%d timed out after 300 ms",
			    ntohs(a.sin_port));
	assert_string_equal(err.msg, want);
	free(want);
	close(fd);
}

/* a server that closes at once */
static void test_agent_verify__not_tls(void **state)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	struct cc_err err = CC_ERR_INIT;
	int fd = socket(AF_INET, SOCK_STREAM, 0), c;
	char fp[65];
	pid_t pid;

	(void)state;
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(fd, 4), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	pid = fork();
	if (pid == 0) {
		c = accept(fd, NULL, NULL);
		(void)!write(c, "HTTP/1.0 400 nope\r\n\r\n", 21);
		close(c);
		_exit(0);
	}
	assert_int_equal(agent_verify_probe("127.0.0.1", ntohs(a.sin_port), 3000, fp, &err), -1);
	assert_non_null(strstr(err.msg, "TLS handshake with 127.0.0.1:"));
	assert_non_null(strstr(err.msg, "failed"));
	waitpid(pid, NULL, 0);
	close(fd);
}

static void target_ok(const char *cfg, const char *host, int port)
{
	struct cc_err err = CC_ERR_INIT;
	json_t *j = json_loads(cfg, 0, NULL);
	char h[256];
	int p = 0;

	assert_non_null(j);
	if (agent_verify_target(j, h, sizeof(h), &p, &err) < 0)
		fail_msg("%s: %s", cfg, err.msg);
	assert_string_equal(h, host);
	assert_int_equal(p, port);
	json_decref(j);
}

static void target_bad(const char *cfg, const char *msg)
{
	struct cc_err err = CC_ERR_INIT;
	json_t *j = json_loads(cfg, 0, NULL);
	char h[256];
	int p = 0;

	assert_int_equal(agent_verify_target(j, h, sizeof(h), &p, &err), -1);
	assert_string_equal(err.msg, msg);
	json_decref(j);
}

static void test_agent_verify__target(void **state)
{
	(void)state;
	target_ok("{\"host\":\"web.example\",\"port\":8443}", "web.example", 8443);
	target_ok("{\"hostname\":\"h.example\"}", "h.example", 443);
	target_ok("{\"host\":\"\",\"target\":\"\",\"address\":\"10.0.0.5\",\"port\":\"9443\"}",
		  "10.0.0.5", 9443);
	target_ok("{\"target\":\"t.example\",\"host\":\"first.example\",\"port\":null}",
		  "first.example", 443);
	target_bad("{}", "the target config has no host, hostname, target or address");
	target_bad("{\"cert_path\":\"/etc/x.pem\"}",
		   "the target config has no host, hostname, target or address");
	target_bad("{\"host\":\"h\",\"port\":70000}", "the target config's port is not 1..65535");
	target_bad("{\"host\":\"h\",\"port\":0}", "the target config's port is not 1..65535");
	target_bad("{\"host\":\"h\",\"port\":\"https\"}",
		   "the target config's port is not 1..65535");
	target_bad("{\"host\":\"h\",\"port\":443.5}", "the target config's port is not 1..65535");
	target_bad("{\"host\":\"h\",\"port\":true}", "the target config's port is not 1..65535");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_agent_verify__match),
		cmocka_unit_test(test_agent_verify__sni),
		cmocka_unit_test(test_agent_verify__mismatch),
		cmocka_unit_test(test_agent_verify__closed_port),
		cmocka_unit_test(test_agent_verify__timeout),
		cmocka_unit_test(test_agent_verify__not_tls),
		cmocka_unit_test(test_agent_verify__target),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
