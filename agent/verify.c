/* verify.c: after a deployment, connect to the target over TLS and compare the SHA-256 of
 * the certificate it serves with the one deployed; POST /api/v1/jobs/{id}/verify */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include "agent/agent.h"
#include "libcc/err.h"
#include "libcc/time.h"
#include "libcc/x509.h"
#include "libcc/banned.h"

int agent_verify_target(const json_t *config, char *host, size_t hostlen, int *port,
			struct cc_err *err)
{
	static const char *const keys[] = { "host", "hostname", "target", "address" };
	const char *h = NULL;
	const json_t *p;
	double n = 443;

	for (size_t i = 0; i < CC_ARRAY_SIZE(keys) && !h; i++) {
		h = json_string_value(json_object_get(config, keys[i]));
		if (h && !*h)
			h = NULL;
	}
	if (!h)
		return cc_err_set(err, CC_E_NOT_FOUND,
				  "the target config has no host, hostname, target or address");
	p = json_object_get(config, "port");
	if (json_is_number(p)) {
		n = json_number_value(p);
	} else if (json_is_string(p) && *json_string_value(p)) {
		char *end;
		n = (double)strtol(json_string_value(p), &end, 10);
		if (*end)
			n = 0;
	} else if (p && !json_is_null(p) && !(json_is_string(p))) {
		n = 0;
	}
	if (n < 1 || n > 65535 || n != (double)(int)n)
		return cc_err_set(err, CC_E_INVALID, "the target config's port is not 1..65535");
	*port = (int)n;
	if (strlen(h) >= hostlen)
		return cc_err_set(err, CC_E_INVALID, "the target host name is too long");
	snprintf(host, hostlen, "%s", h);
	return 0;
}

/* waits until fd is ready for ev or the deadline passes: 1 ready, 0 timed out */
static int wait_fd(int fd, short ev, int64_t deadline)
{
	struct pollfd pfd = { .fd = fd, .events = ev };
	int64_t left;
	int r;

	do {
		left = deadline - cc_time_mono_ms();
		if (left <= 0)
			return 0;
		r = poll(&pfd, 1, (int)(left > 60000 ? 60000 : left));
	} while (r == 0 || (r < 0 && errno == EINTR));
	return r > 0;
}

static int connect_one(const struct addrinfo *ai, int64_t deadline, int *fd_out)
{
	int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
			ai->ai_protocol);
	int e = 0;
	socklen_t len = sizeof(e);

	if (fd < 0)
		return errno;
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
		if (errno != EINPROGRESS)
			e = errno;
		else if (!wait_fd(fd, POLLOUT, deadline))
			e = ETIMEDOUT;
		else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &len) < 0)
			e = errno;
	}
	if (e) {
		close(fd);
		return e;
	}
	*fd_out = fd;
	return 0;
}

static int tcp_connect(const char *host, int port, int64_t deadline, int64_t timeout_ms,
		       struct cc_err *err)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res = NULL;
	char ports[8];
	int fd = -1, e = ENETUNREACH, g;

	snprintf(ports, sizeof(ports), "%d", port);
	g = getaddrinfo(host, ports, &hints, &res);
	if (g)
		return cc_err_set(err, CC_E_UNAVAILABLE, "cannot resolve '%s': %s", host,
				  gai_strerror(g));
	for (const struct addrinfo *ai = res; ai && fd < 0 && e != ETIMEDOUT; ai = ai->ai_next)
		e = connect_one(ai, deadline, &fd);
	freeaddrinfo(res);
	if (fd >= 0)
		return fd;
	if (e == ETIMEDOUT)
		return cc_err_set(err, CC_E_UNAVAILABLE, "connect to %s:%d timed out after %lld ms",
				  host, port, (long long)timeout_ms);
	return cc_err_set(err, CC_E_UNAVAILABLE, "connect to %s:%d failed: %s", host, port,
			  strerror(e));
}

/* drives the non-blocking handshake to its end */
static int handshake(SSL *ssl, int fd, const char *host, int port, int64_t deadline,
		     int64_t timeout_ms, struct cc_err *err)
{
	char what[320];
	int r, e;

	snprintf(what, sizeof(what), "TLS handshake with %s:%d failed", host, port);
	while ((r = SSL_connect(ssl)) != 1) {
		e = SSL_get_error(ssl, r);
		if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
			if (!wait_fd(fd, e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, deadline))
				return cc_err_set(
					err, CC_E_UNAVAILABLE,
					"TLS handshake with %s:%d timed out after %lld ms", host,
					port, (long long)timeout_ms);
			continue;
		}
		if (e == SSL_ERROR_SSL)
			return cc_err_ssl(err, CC_E_UNAVAILABLE, what);
		ERR_clear_error();
		return cc_err_set(err, CC_E_UNAVAILABLE, "%s: %s", what,
				  e == SSL_ERROR_SYSCALL && errno ? strerror(errno)
								  : "the connection was closed");
	}
	return 0;
}

static int leaf_fingerprint(SSL *ssl, const char *host, int port, char fp[65], struct cc_err *err)
{
	X509 *x = SSL_get1_peer_certificate(ssl);
	unsigned char *der = NULL, md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	int n, rc = -1;

	if (!x)
		return cc_err_set(err, CC_E_UNAVAILABLE, "%s:%d presented no certificate", host,
				  port);
	n = i2d_X509(x, &der);
	if (n > 0 && EVP_Digest(der, (size_t)n, md, &mdlen, EVP_sha256(), NULL) == 1) {
		for (unsigned int i = 0; i < mdlen; i++)
			snprintf(fp + 2 * i, 3, "%02x", md[i]);
		rc = 0;
	} else {
		cc_err_ssl(err, CC_E_INTERNAL, "cannot hash the served certificate");
	}
	OPENSSL_free(der);
	X509_free(x);
	return rc;
}

int agent_verify_probe(const char *host, int port, int64_t timeout_ms, char fp[65],
		       struct cc_err *err)
{
	int64_t deadline = cc_time_mono_ms() + timeout_ms;
	unsigned char ip[16];
	SSL_CTX *ctx = NULL;
	SSL *ssl = NULL;
	int fd, rc = -1;

	fp[0] = '\0';
	if ((fd = tcp_connect(host, port, deadline, timeout_ms, err)) < 0)
		return -1;
	ctx = SSL_CTX_new(TLS_client_method());
	ssl = ctx ? SSL_new(ctx) : NULL;
	if (!ssl) {
		cc_err_ssl(err, CC_E_INTERNAL, "cannot set up TLS");
		goto out;
	}
	/* we compare fingerprints: no chain verification, and old servers are fine too */
	SSL_set_verify(ssl, SSL_VERIFY_NONE, NULL);
	SSL_set_security_level(ssl, 0);
	SSL_set_fd(ssl, fd);
	if (inet_pton(AF_INET, host, ip) != 1 && inet_pton(AF_INET6, host, ip) != 1)
		SSL_set_tlsext_host_name(ssl, host);
	if (handshake(ssl, fd, host, port, deadline, timeout_ms, err) < 0 ||
	    leaf_fingerprint(ssl, host, port, fp, err) < 0)
		goto out;
	SSL_shutdown(ssl); /* one non-blocking attempt at a polite close */
	rc = 0;
out:
	ERR_clear_error();
	SSL_free(ssl);
	SSL_CTX_free(ctx);
	close(fd);
	return rc;
}

static void post_result(struct agent *a, const char *job, json_t *body, bool ok)
{
	struct cc_err err = CC_ERR_INIT;
	char *esc = cc_url_escape(job), *path = cc_xasprintf("/api/v1/jobs/%s/verify", esc);

	if (agent_http(a, "POST", path, body, NULL, &err) < 0) {
		a->failed++;
		cc_log_kv(a->log, CC_LOG_WARN, "verification result not accepted", "job", job,
			  "reason", err.msg, (const char *)NULL);
	} else if (json_object_get(body, "status")) {
		cc_log_kv(a->log, CC_LOG_INFO, "verification skipped", "job", job, "reason",
			  json_string_value(json_object_get(body, "error")), (const char *)NULL);
	} else {
		cc_log_kv(a->log, ok ? CC_LOG_INFO : CC_LOG_WARN,
			  ok ? "verification succeeded" : "verification failed", "job", job,
			  "expected",
			  json_string_value(json_object_get(body, "expected_fingerprint")),
			  "actual", json_string_value(json_object_get(body, "actual_fingerprint")),
			  "error", json_string_value(json_object_get(body, "error")),
			  (const char *)NULL);
	}
	free(path);
	free(esc);
}

void agent_verify_deployment(struct agent *a, const char *job, const char *target_id,
			     const json_t *config, const char *leaf_pem)
{
	struct cc_err err = CC_ERR_INIT;
	char host[256], expected[65], actual[65];
	bool ok = false;
	json_t *body;
	int port;

	if (cc_cert_fingerprint_pem(leaf_pem, expected, &err) < 0) {
		cc_log_kv(a->log, CC_LOG_INFO, "verification skipped", "job", job, "reason",
			  err.msg, (const char *)NULL);
		return;
	}
	if (agent_verify_target(config, host, sizeof(host), &port, &err) < 0) {
		/* nothing to probe: the job records that verification was skipped, and why */
		body = json_pack("{s:s, s:s, s:s, s:s}", "target_id", target_id,
				 "expected_fingerprint", expected, "status", "skipped", "error",
				 err.msg);
		post_result(a, job, body, false);
		json_decref(body);
		return;
	}
	if (!agent_sleep(a, a->o->verify_delay_ms)) {
		cc_log_kv(a->log, CC_LOG_INFO, "verification skipped", "job", job, "reason",
			  "stopping", (const char *)NULL);
		return;
	}
	body = json_pack("{s:s, s:s}", "target_id", target_id, "expected_fingerprint", expected);
	if (agent_verify_probe(host, port, a->o->verify_timeout_ms, actual, &err) < 0) {
		json_object_set_new(body, "actual_fingerprint", json_string(""));
		json_object_set_new(body, "error", json_string(err.msg));
	} else {
		ok = !strcmp(expected, actual);
		json_object_set_new(body, "actual_fingerprint", json_string(actual));
		if (!ok)
			json_object_set_new(
				body, "error",
				json_sprintf("%s:%d serves another certificate", host, port));
	}
	json_object_set_new(body, "verified", json_boolean(ok));
	post_result(a, job, body, ok);
	json_decref(body);
}
