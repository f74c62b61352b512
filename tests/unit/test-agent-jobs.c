/* test-agent-jobs.c: the agent's work against a scripted HTTP server — status reports kept
 * and resent when the server fails (and dropped when it refuses), polling, the CSR job (key
 * file, IP SANs as IP addresses, failure reports, no second key for a taken CSR) */
#include <errno.h>
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
#include <sys/stat.h>
#include <sys/wait.h>
#include <cmocka.h>
#include "agent/agent.h"
#include "libcc/buf.h"
#include "libcc/cfg.h"
#include "libcc/err.h"
#include "libcc/mem.h"
#include "tests/unit/testossl.h"

struct resp {
	int status;
	const char *body;
};

struct fx {
	char *dir, *log_path, *url;
	struct cc_cfg cfg;
	struct cc_log log;
	struct agent_opts o;
	struct agent a;
	pid_t server;
	int lfd;
};

/* ---- a scripted HTTP/1.1 server: one response per connection, requests logged ---- */

static size_t content_length(const char *head)
{
	const char *p = strcasestr(head, "\r\nContent-Length:");

	return p ? (size_t)strtoul(p + 17, NULL, 10) : 0;
}

static void serve_one(int c, const struct resp *r, FILE *log)
{
	struct cc_buf in = CC_BUF_INIT;
	char chunk[4096], *end = NULL, *out;
	ssize_t n;

	while (!end && (n = read(c, chunk, sizeof(chunk))) > 0) {
		cc_buf_add(&in, chunk, (size_t)n);
		end = strstr(in.buf, "\r\n\r\n");
	}
	if (!end)
		return;
	while (in.len < (size_t)(end + 4 - in.buf) + content_length(in.buf) &&
	       (n = read(c, chunk, sizeof(chunk))) > 0) {
		cc_buf_add(&in, chunk, (size_t)n);
		end = strstr(in.buf, "\r\n\r\n");
	}
	fprintf(log, "%.*s %s\n", (int)strcspn(in.buf, " "), in.buf, end + 4);
	fprintf(log, "@%.*s\n", (int)(strcspn(in.buf + strcspn(in.buf, " ") + 1, " ")),
		in.buf + strcspn(in.buf, " ") + 1);
	fflush(log);
	out = cc_xasprintf("HTTP/1.1 %d X\r\nContent-Type: application/json\r\nContent-Length: "
			   "%zu\r\nConnection: close\r\n\r\n%s",
			   r->status, strlen(r->body), r->body);
	(void)!write(c, out, strlen(out));
	free(out);
	cc_buf_release(&in);
}

static void start_server(struct fx *f, const struct resp *r, size_t n)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(fd, 16), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	free(f->url);
	f->url = cc_xasprintf("http://127.0.0.1:%d", ntohs(a.sin_port));
	f->server = fork();
	assert_true(f->server >= 0);
	if (f->server == 0) {
		FILE *log = fopen(f->log_path, "w");
		for (size_t i = 0; i < n; i++) {
			int c = accept(fd, NULL, NULL);
			serve_one(c, &r[i], log);
			close(c);
		}
		fclose(log);
		_exit(0);
	}
	close(fd);
	cc_client_release(&f->a.cl);
	assert_int_equal(cc_client_init(&f->a.cl, &f->cfg, f->url, "test-key", NULL), 0);
}

/* waits for the server to have answered everything; its log ("METHOD BODY" then "@PATH") */
static char *server_log(struct fx *f)
{
	int st;

	assert_int_equal(waitpid(f->server, &st, 0), f->server);
	f->server = 0;
	return testossl_read(f->log_path, NULL);
}

/* ---- fixture ---- */

static int setup(void **state)
{
	struct fx *f = cc_xcalloc(1, sizeof(*f));
	char *env[] = { "HOME=/nonexistent-home", NULL };

	f->dir = testossl_tmpdir("agent-jobs");
	f->log_path = testossl_path(f->dir, "requests.log");
	cc_cfg_init(&f->cfg);
	assert_int_equal(cc_cfg_load(&f->cfg, env, NULL), 0);
	cc_cfg_set(&f->cfg, CC_CFG_data_dir, f->dir, CFG_SRC_FLAG, NULL);
	cc_log_init(&f->log, CC_LOG_OFF, false);
	f->o.key_dir = f->dir;
	f->o.name = "";
	f->o.agent_id = "";
	f->a.o = &f->o;
	f->a.log = &f->log;
	f->a.id = cc_xstrdup("agent-1");
	sigemptyset(&f->a.sigs);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	if (f->server > 0) {
		kill(f->server, SIGKILL);
		waitpid(f->server, NULL, 0);
	}
	agent_reports_release(&f->a);
	cc_strv_release(&f->a.csr_sent);
	cc_client_release(&f->a.cl);
	free(f->a.id);
	cc_cfg_release(&f->cfg);
	cc_log_release(&f->log);
	testossl_rmdir(f->dir);
	free(f->dir);
	free(f->log_path);
	free(f->url);
	free(f);
	return 0;
}

/* ---- tests ---- */

static void test_agent_jobs__reports_kept(void **state)
{
	struct fx *f = *state;
	const struct resp r[] = {
		{ 503, "{\"message\":\"busy\"}" },		       /* Completed: kept */
		{ 500, "{\"message\":\"db down\"}" },		       /* Running: not kept */
		{ 502, "" },					       /* Failed: kept */
		{ 200, "{\"status\":\"updated\"}" },		       /* flush 1 */
		{ 409, "{\"message\":\"job is already Completed\"}" }, /* flush 2: dropped */
	};
	struct cc_err err = CC_ERR_INIT;
	char *log;

	start_server(f, r, CC_ARRAY_SIZE(r));
	assert_int_equal(agent_report(&f->a, "job-1", "Completed", NULL), -1);
	assert_int_equal(agent_report(&f->a, "job-2", "Running", NULL), -1);
	assert_int_equal(agent_report(&f->a, "job-3", "Failed", "deployment failed: x"), -1);
	assert_int_equal(f->a.npending, 2);
	assert_string_equal(f->a.pending[0].job_id, "job-1");
	assert_string_equal(f->a.pending[1].error, "deployment failed: x");
	assert_int_equal(agent_reports_flush(&f->a, &err), 0);
	assert_int_equal(f->a.npending, 0);
	log = server_log(f);
	assert_non_null(strstr(log, "POST {\"status\":\"Completed\"}\n@/api/v1/agents/agent-1/jobs/"
				    "job-1/status\n"));
	assert_non_null(strstr(log, "POST {\"status\":\"Failed\",\"error\":\"deployment failed: "
				    "x\"}\n@/api/v1/agents/agent-1/jobs/job-3/status"));
	/* the three failed reports count as failed steps (for --once); the flush does not */
	assert_int_equal(f->a.failed, 3);
	free(log);
}

static void test_agent_jobs__flush_stops_when_away(void **state)
{
	struct fx *f = *state;
	const struct resp r[] = {
		{ 503, "" },
		{ 503, "" },
		{ 503, "" }, /* reports */
		{ 503, "" }, /* flush: the first still fails, the rest waits */
	};
	struct cc_err err = CC_ERR_INIT;
	char *log;

	start_server(f, r, CC_ARRAY_SIZE(r));
	agent_report(&f->a, "job-a", "Completed", NULL);
	agent_report(&f->a, "job-b", "Completed", NULL);
	/* a newer report for the same job replaces the kept one */
	agent_report(&f->a, "job-a", "Failed", "later");
	assert_int_equal(f->a.npending, 2);
	assert_string_equal(f->a.pending[0].status, "Failed");
	assert_string_equal(f->a.pending[0].error, "later");
	assert_int_equal(agent_reports_flush(&f->a, &err), -1);
	assert_true(agent_err_retry(&err));
	assert_int_equal(f->a.npending, 2);
	log = server_log(f);
	free(log);
}

static void test_agent_jobs__poll(void **state)
{
	struct fx *f = *state;
	const struct resp r[] = {
		{ 200, "{\"jobs\":[{\"id\":\"j1\",\"type\":\"Validation\",\"status\":\"Pending\"}],"
		       "\"count\":1}" },
		{ 500, "{\"message\":\"Failed to get pending work\"}" },
		{ 200, "{\"count\":0}" },
		{ 200, "not json" },
		{ 404, "{\"message\":\"Agent not found: agent-1\"}" },
	};
	struct cc_err err = CC_ERR_INIT;

	start_server(f, r, CC_ARRAY_SIZE(r));
	assert_int_equal(agent_poll(&f->a, &err), 0); /* an unknown kind of job is ignored */
	assert_int_equal(agent_poll(&f->a, &err), -1);
	assert_true(agent_err_retry(&err));
	assert_string_equal(err.msg, "GET /api/v1/agents/agent-1/work: HTTP 500: Failed to get "
				     "pending work");
	assert_int_equal(agent_poll(&f->a, &err), -1);
	assert_string_equal(err.msg, "the work reply has no jobs array");
	assert_int_equal(agent_poll(&f->a, &err), -1);
	assert_true(agent_err_retry(&err));
	assert_int_equal(agent_poll(&f->a, &err), -1);
	assert_false(agent_err_retry(&err));
	assert_int_equal(err.code, CC_E_NOT_FOUND);
	free(server_log(f));
}

/* the "csr_pem" of the logged CSR request, written to <dir>/req.csr */
static char *logged_csr(struct fx *f, const char *log)
{
	const char *p = strstr(log, "POST {\"csr_pem\"");
	json_t *j;
	char *path = testossl_path(f->dir, "req.csr");

	assert_non_null(p);
	j = json_loadb(p + 5, strcspn(p + 5, "\n"), 0, NULL);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "certificate_id")), "mc-1");
	testossl_write(path, json_string_value(json_object_get(j, "csr_pem")));
	json_decref(j);
	return path;
}

static void test_agent_jobs__csr(void **state)
{
	struct fx *f = *state;
	const char *item = "{\"jobs\":[{\"id\":\"j-csr\",\"type\":\"Issuance\",\"certificate_id\":"
			   "\"mc-1\",\"common_name\":\"web.example\",\"sans\":[\"web.example\","
			   "\"10.1.2.3\",\"2001:db8::1\",\"ops@example.com\"],\"status\":"
			   "\"AwaitingCSR\"}],\"count\":1}";
	const struct resp r[] = {
		{ 200, item },
		{ 202, "{\"status\":\"csr_accepted\"}" },
		{ 200, item }, /* no new CSR */
	};
	struct cc_err err = CC_ERR_INIT;
	char *log, *csr, *out = NULL, *key = testossl_path(f->dir, "mc-1.key");
	struct stat st;

	start_server(f, r, CC_ARRAY_SIZE(r));
	assert_int_equal(agent_poll(&f->a, &err), 0);
	assert_int_equal(agent_poll(&f->a, &err), 0);
	log = server_log(f);
	assert_int_equal(stat(key, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	csr = logged_csr(f, log);
	assert_int_equal(
		testossl_openssl(&out, "req", "-in", csr, "-noout", "-text", "-verify", NULL), 0);
	assert_non_null(strstr(out, "DNS:web.example"));
	assert_non_null(strstr(out, "IP Address:10.1.2.3"));
	assert_non_null(strstr(out, "IP Address:2001:DB8:0:0:0:0:0:1"));
	assert_non_null(strstr(out, "email:ops@example.com"));
	assert_null(strstr(out, "DNS:10.1.2.3"));
	assert_non_null(strstr(out, "CN = web.example"));
	free(out);
	/* the key file holds the CSR's key */
	out = NULL;
	assert_int_equal(testossl_openssl(&out, "req", "-in", csr, "-noout", "-pubkey", NULL), 0);
	{
		char *kout = NULL;
		assert_int_equal(testossl_openssl(&kout, "pkey", "-in", key, "-pubout", NULL), 0);
		assert_string_equal(out, kout);
		free(kout);
	}
	assert_int_equal(f->a.csr_sent.n, 1);
	free(out);
	free(csr);
	free(key);
	free(log);
}

static void test_agent_jobs__csr_failures(void **state)
{
	struct fx *f = *state;
	const struct resp r[] = {
		{ 200,
		  "{\"jobs\":[{\"id\":\"j-nocn\",\"type\":\"Renewal\",\"certificate_id\":\"mc-2\","
		  "\"status\":\"AwaitingCSR\"},{\"id\":\"j-bad\",\"type\":\"Renewal\","
		  "\"certificate_id\":\"../../etc/x\",\"common_name\":\"a.example\","
		  "\"status\":\"AwaitingCSR\"},{\"id\":\"j-rej\",\"type\":\"Renewal\","
		  "\"certificate_id\":\"mc-3\",\"common_name\":\"b.example\",\"status\":"
		  "\"AwaitingCSR\"},{\"id\":\"j-away\",\"type\":\"Renewal\","
		  "\"certificate_id\":\"mc-4\",\"common_name\":\"c.example\",\"status\":"
		  "\"AwaitingCSR\"}],\"count\":4}" },
		{ 200, "{}" }, /* Failed: empty common name */
		{ 200, "{}" }, /* Failed: invalid certificate id */
		{ 400, "{\"message\":\"csr_pem: policy says no\"}" },
		{ 200, "{}" }, /* Failed: CSR rejected */
		{ 503, "{}" }, /* CSR of j-away: the server is away, nothing reported */
	};
	struct cc_err err = CC_ERR_INIT;
	char *log;

	start_server(f, r, CC_ARRAY_SIZE(r));
	assert_int_equal(agent_poll(&f->a, &err), 0);
	log = server_log(f);
	assert_non_null(strstr(log, "{\"status\":\"Failed\",\"error\":\"empty common name\"}\n"
				    "@/api/v1/agents/agent-1/jobs/j-nocn/status"));
	assert_non_null(strstr(log, "{\"status\":\"Failed\",\"error\":\"invalid certificate id "
				    "'../../etc/x'\"}"));
	assert_non_null(strstr(log, "\"error\":\"CSR rejected: POST /api/v1/agents/agent-1/csr: "
				    "HTTP 400: csr_pem: policy says no\"}"));
	assert_null(strstr(log, "j-away/status"));
	assert_int_equal(f->a.csr_sent.n, 0);
	free(log);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_agent_jobs__reports_kept, setup, teardown),
		cmocka_unit_test_setup_teardown(test_agent_jobs__flush_stops_when_away, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_agent_jobs__poll, setup, teardown),
		cmocka_unit_test_setup_teardown(test_agent_jobs__csr, setup, teardown),
		cmocka_unit_test_setup_teardown(test_agent_jobs__csr_failures, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
