/* ceiling.c: the least an issuing server can do per request, built from certctl's own
 * parts, to measure what this machine allows at all: libmicrohttpd with serve's settings,
 * POST {"csr_pem": ...} -> the CSR read and its signature verified (cc_csr_read, with
 * serve's CSR cache) -> a leaf signed by a P-256 Local CA (cc_issuer_issue) -> 202 {"serial_number",
 * "fingerprint_sha256"}. No database, no audit, no authentication: what remains is HTTP,
 * JSON and the two signature operations every issuance needs.
 *
 *   ceiling PORT DATADIR [THREADS]     (built and run by ceiling.sh) */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <jansson.h>
#include <microhttpd.h>
#include "connectors/issuer/issuer.h"
#include "libcc/csr.h"
#include "libcc/err.h"

#define BODY_MAX (64 * 1024)

static struct cc_issuer_conn *ca;
static struct cc_csr_cache *csrs; /* as serve's: key templates, verified DER */

struct body {
	size_t n;
	char buf[BODY_MAX + 1];
};

static enum MHD_Result reply(struct MHD_Connection *conn, unsigned status, char *text)
{
	struct MHD_Response *r =
		MHD_create_response_from_buffer(strlen(text), text, MHD_RESPMEM_MUST_FREE);
	enum MHD_Result rc;

	MHD_add_response_header(r, "Content-Type", "application/json");
	rc = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	return rc;
}

static char *sign(const char *body, unsigned *status)
{
	struct cc_err err = CC_ERR_INIT;
	struct cc_csr_key key;
	struct cc_issue_res res = { 0 };
	json_t *in = json_loads(body, 0, NULL), *out;
	const char *pem = json_string_value(json_object_get(in, "csr_pem"));
	struct cc_csr *csr = pem ? cc_csr_read(pem, csrs, &key, &err) : NULL;
	struct cc_issue_req req = { .common_name = "leaf.bench.test",
				    .csr_pem = pem,
				    .csr = csr,
				    .csr_key = &key };
	char *text;

	*status = 400;
	if (!csr)
		out = json_pack("{s:s}", "error", pem ? err.msg : "csr_pem missing");
	else if (cc_issuer_issue(ca, &req, &res, &err) < 0)
		out = json_pack("{s:s}", "error", err.msg);
	else {
		*status = 202;
		out = json_pack("{s:s, s:s, s:s}", "status", "csr_signed", "serial_number",
				res.serial, "fingerprint_sha256", res.fingerprint_sha256);
	}
	text = json_dumps(out, JSON_COMPACT);
	json_decref(out);
	json_decref(in);
	cc_issue_res_release(&res);
	cc_csr_free(csr);
	return text;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *conn, const char *url,
			      const char *method, const char *version, const char *data,
			      size_t *size, void **ctx)
{
	struct body *b = *ctx;
	unsigned status;

	(void)cls, (void)url, (void)version;
	if (strcmp(method, "POST")) /* GET anything: alive */
		return reply(conn, 200, strdup("{\"status\":\"ok\"}"));
	if (!b) {
		*ctx = calloc(1, sizeof(*b));
		return *ctx ? MHD_YES : MHD_NO;
	}
	if (*size) {
		if (b->n + *size > BODY_MAX)
			return MHD_NO;
		memcpy(b->buf + b->n, data, *size);
		b->n += *size;
		*size = 0;
		return MHD_YES;
	}
	b->buf[b->n] = '\0';
	char *text = sign(b->buf, &status);
	return reply(conn, status, text);
}

static void completed(void *cls, struct MHD_Connection *conn, void **ctx,
		      enum MHD_RequestTerminationCode why)
{
	(void)cls, (void)conn, (void)why;
	free(*ctx);
	*ctx = NULL;
}

int main(int argc, char **argv)
{
	struct cc_err err = CC_ERR_INIT;
	struct cc_issuer_env env = { .issuer_id = "iss-ceiling" };
	struct sockaddr_in sa = { .sin_family = AF_INET };
	struct MHD_Daemon *d;
	sigset_t set;
	int sig;

	if (argc < 3) {
		fprintf(stderr, "usage: %s PORT DATADIR [THREADS]\n", argv[0]);
		return 2;
	}
	env.data_dir = argv[2];
	if (cc_issuer_open("GenericCA", NULL, &env, &ca, &err) < 0) {
		fprintf(stderr, "ceiling: the CA: %s\n", err.msg);
		return 1;
	}
	csrs = cc_csr_cache_new();
	sa.sin_port = htons((uint16_t)atoi(argv[1]));
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG,
			     (uint16_t)atoi(argv[1]), NULL, NULL, handle, NULL,
			     MHD_OPTION_NOTIFY_COMPLETED, completed, NULL, MHD_OPTION_SOCK_ADDR,
			     (struct sockaddr *)&sa,
			     MHD_OPTION_THREAD_POOL_SIZE,
			     (unsigned int)(argc > 3 ? atoi(argv[3]) : 2),
			     MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024),
			     MHD_OPTION_CONNECTION_LIMIT, 1024u, MHD_OPTION_END);
	if (!d) {
		fprintf(stderr, "ceiling: cannot listen on port %s\n", argv[1]);
		return 1;
	}
	printf("ceiling: listening on 127.0.0.1:%s\n", argv[1]);
	fflush(stdout);
	sigwait(&set, &sig);
	MHD_stop_daemon(d);
	cc_issuer_close(ca);
	cc_csr_cache_free(csrs);
	return 0;
}
