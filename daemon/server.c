/* server.c: libmicrohttpd listener answering /health and /ready */
#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <time.h>
#include <stdarg.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <microhttpd.h>
#include "daemon/server.h"
#include "daemon/api.h"
#include "daemon/app.h"
#include "daemon/pipeline.h"
#include "libcc/buf.h"
#include "libcc/db.h"
#include "libcc/err.h"
#include "libcc/fs.h"
#include "libcc/log.h"
#include "libcc/mem.h"
#include "libcc/banned.h"

struct cc_server {
	struct MHD_Daemon *d;
	struct api_app *app;
	int port;
	char url[128];
	char *tls_cert, *tls_key;
	/* connections suspended while their write waits for the group-commit writer */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int open_requests; /* under mu: started, may be suspended, not answered yet */
	bool stopping;	   /* under mu: no more suspending (MHD cannot stop with any) */
};

/* per-connection request state, from the first callback to the completion callback */
struct pending {
	struct cc_server *s;
	struct MHD_Connection *conn;
	struct api_req rq;
	struct api_resp rs; /* a deferred request's answer, sent once it is resumed */
	bool started;
	bool counted;	/* in s->open_requests */
	bool in_writer; /* under s->mu: the writer still holds rq and rs */
	bool ready;	/* under s->mu: rs is complete */
	bool closing;	/* under s->mu: MHD is closing the connection (server stop) */
};

static enum MHD_Result collect_query(void *cls, enum MHD_ValueKind kind, const char *key,
				     const char *value)
{
	struct api_req *rq = cls;

	(void)kind;
	if (rq->nquery == API_MAX_QUERY) {
		rq->query_overflow = true;
		return MHD_NO;
	}
	rq->query[rq->nquery].k = cc_xstrdup(key);
	rq->query[rq->nquery].v = cc_xstrdup(value ? value : "");
	rq->nquery++;
	return MHD_YES;
}

static const char *hdr(struct MHD_Connection *conn, const char *name)
{
	return MHD_lookup_connection_value(conn, MHD_HEADER_KIND, name);
}

static void fill_request(struct cc_server *s, struct MHD_Connection *conn, const char *url,
			 const char *method, struct api_req *rq)
{
	const union MHD_ConnectionInfo *ci;

	rq->app = s->app;
	rq->head = !strcmp(method, "HEAD");
	rq->method = rq->head ? "GET" : method;
	rq->path = cc_xstrdup(url);
	rq->authorization = hdr(conn, "Authorization");
	rq->origin = hdr(conn, "Origin");
	rq->content_type = hdr(conn, "Content-Type");
	rq->content_length = hdr(conn, "Content-Length");
	rq->request_id_in = hdr(conn, "X-Request-ID");
	rq->acr_method = hdr(conn, "Access-Control-Request-Method");
	MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, collect_query, rq);
	ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci && ci->client_addr) {
		const struct sockaddr *sa = ci->client_addr;
		if (sa->sa_family == AF_INET6)
			inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr,
				  rq->client_ip, sizeof(rq->client_ip));
		else
			inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr,
				  rq->client_ip, sizeof(rq->client_ip));
	}
}

static enum MHD_Result send_response(struct MHD_Connection *conn, struct api_req *rq,
				     struct api_resp *rs)
{
	size_t len = rs->body.len;
	char *body = cc_buf_detach(&rs->body, NULL);
	struct MHD_Response *r;
	enum MHD_Result ret;

	if (rq->head) {
		/* HEAD: the headers of the GET, no body */
		r = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
		free(body);
	} else {
		r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	}
	if (rs->content_type)
		MHD_add_response_header(r, "Content-Type", rs->content_type);
	for (int i = 0; i < rs->nheaders; i++)
		MHD_add_response_header(r, rs->headers[i].k, rs->headers[i].v);
	ret = MHD_queue_response(conn, (unsigned)rs->status, r);
	MHD_destroy_response(r);
	return ret;
}

/* the request is answered (or its connection closed): cc_server_stop waits for none open */
static void answered(struct cc_server *s, struct pending *p)
{
	pthread_mutex_lock(&s->mu);
	if (p->counted) {
		p->counted = false;
		if (--s->open_requests == 0)
			pthread_cond_broadcast(&s->cv);
	}
	pthread_mutex_unlock(&s->mu);
}

/* the writer's thread: the answer is ready, MHD may send it */
static void resume(void *ud)
{
	struct pending *p = ud;
	struct cc_server *s = p->s;

	pthread_mutex_lock(&s->mu);
	p->ready = true;
	if (!p->closing)
		MHD_resume_connection(p->conn);
	p->in_writer = false;
	pthread_cond_broadcast(&s->cv);
	pthread_mutex_unlock(&s->mu);
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *conn, const char *url,
			      const char *method, const char *version, const char *upload_data,
			      size_t *upload_size, void **con_cls)
{
	struct cc_server *s = cls;
	struct pending *p = *con_cls;
	struct api_resp rs = { 0 };
	enum MHD_Result ret;

	(void)version;
	if (!p) {
		const char *cl;
		p = cc_xcalloc(1, sizeof(*p));
		p->s = s;
		cc_buf_init(&p->rq.body, s->app->max_body);
		cl = hdr(conn, "Content-Length");
		/* refuse a declared oversize body before reading any of it */
		if (cl && strtoull(cl, NULL, 10) > s->app->max_body)
			p->rq.body_too_big = true;
		*con_cls = p;
		return MHD_YES;
	}
	if (*upload_size) {
		if (!p->rq.body_too_big &&
		    cc_buf_add_checked(&p->rq.body, upload_data, *upload_size, NULL) < 0)
			p->rq.body_too_big = true;
		*upload_size = 0;
		return MHD_YES;
	}
	if (p->started) {
		bool ready;

		pthread_mutex_lock(&s->mu);
		ready = p->ready;
		p->ready = false;
		pthread_mutex_unlock(&s->mu);
		if (!ready)
			return MHD_YES;
		ret = send_response(conn, &p->rq, &p->rs);
		api_resp_release(&p->rs);
		answered(s, p);
		return ret;
	}
	p->started = true;
	fill_request(s, conn, url, method, &p->rq);
	pthread_mutex_lock(&s->mu);
	if (s->stopping) {
		p->rq.no_defer = true;
	} else {
		p->counted = true;
		s->open_requests++;
	}
	pthread_mutex_unlock(&s->mu);
	cc_buf_init(&rs.body, 0);
	api_handle(&p->rq, &rs);
	if (p->rq.deferred) {
		/* this thread goes on with other connections; resume() brings this one back */
		p->conn = conn;
		p->rs = rs;
		p->in_writer = true;
		MHD_suspend_connection(conn);
		api_deferred_submit(&p->rq, &p->rs, resume, p);
		return MHD_YES;
	}
	ret = send_response(conn, &p->rq, &rs);
	api_resp_release(&rs);
	answered(s, p);
	return ret;
}

static void completed(void *cls, struct MHD_Connection *conn, void **con_cls,
		      enum MHD_RequestTerminationCode toe)
{
	struct cc_server *s = cls;
	struct pending *p = *con_cls;

	(void)conn;
	(void)toe;
	if (!p)
		return;
	/* at server stop a suspended connection may close before its write is done */
	pthread_mutex_lock(&s->mu);
	p->closing = true;
	while (p->in_writer)
		pthread_cond_wait(&s->cv, &s->mu);
	pthread_mutex_unlock(&s->mu);
	if (p->ready)
		api_resp_release(&p->rs);
	answered(s, p);
	api_req_release(&p->rq);
	free(p);
	*con_cls = NULL;
}

static bool is_loopback(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return (ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr) >> 24) == 127;
	if (sa->sa_family == AF_INET6)
		return IN6_IS_ADDR_LOOPBACK(&((const struct sockaddr_in6 *)sa)->sin6_addr);
	return false;
}

static int resolve(const char *host, int port, struct sockaddr_storage *out, socklen_t *len,
		   struct cc_err *err)
{
	struct addrinfo hints = { .ai_flags = AI_PASSIVE | AI_NUMERICSERV,
				  .ai_socktype = SOCK_STREAM };
	struct addrinfo *res = NULL;
	char ps[16];
	int rc;

	snprintf(ps, sizeof(ps), "%d", port);
	rc = getaddrinfo(*host ? host : NULL, ps, &hints, &res);
	if (rc || !res)
		return cc_err_set(err, CC_E_CONFIG, "CERTCTL_SERVER_HOST: cannot resolve '%s': %s",
				  host, gai_strerror(rc));
	memcpy(out, res->ai_addr, res->ai_addrlen);
	*len = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

static int load_tls(struct cc_server *s, const struct cc_server_opts *o, struct cc_err *err)
{
	struct cc_buf cert = CC_BUF_INIT, key = CC_BUF_INIT;

	if (cc_fs_read(o->tls_cert_path, &cert, 1 << 20, err) < 0 ||
	    cc_fs_read(o->tls_key_path, &key, 1 << 20, err) < 0) {
		cc_buf_release(&cert);
		cc_buf_release(&key);
		return -1;
	}
	s->tls_cert = cc_buf_detach(&cert, NULL);
	s->tls_key = cc_buf_detach(&key, NULL);
	return 0;
}

/* libmicrohttpd's own complaints (bad TLS handshakes, resource limits) go through our log */
static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	struct cc_server *s = cls;
	char msg[512];
	size_t n;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	n = strlen(msg);
	while (n && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
		msg[--n] = 0;
	cc_log_kv(s->app->log, CC_LOG_WARN, "http server", "detail", msg, (const char *)NULL);
}

struct cc_server *cc_server_start(const struct cc_server_opts *o, struct api_app *app,
				  struct cc_err *err)
{
	struct cc_server *s = cc_xcalloc(1, sizeof(*s));
	struct sockaddr_storage sa;
	socklen_t salen;
	bool tls = o->tls_cert_path && *o->tls_cert_path;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG |
			 MHD_USE_ITC | MHD_ALLOW_SUSPEND_RESUME;
	const union MHD_DaemonInfo *info;
	char host[INET6_ADDRSTRLEN] = "";

	s->app = app;
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->cv, NULL);
	if (resolve(o->host, o->port, &sa, &salen, err) < 0)
		goto fail;
	if (!tls && !is_loopback((struct sockaddr *)&sa) && !o->insecure_http) {
		cc_err_set(
			err, CC_E_CONFIG,
			"refusing to serve plain HTTP on non-loopback address '%s': set "
			"CERTCTL_TLS_CERT_PATH and CERTCTL_TLS_KEY_PATH, or pass --insecure-http",
			o->host);
		goto fail;
	}
	if (tls) {
		if (!o->tls_key_path || !*o->tls_key_path) {
			cc_err_set(err, CC_E_CONFIG,
				   "CERTCTL_TLS_KEY_PATH must be set with CERTCTL_TLS_CERT_PATH");
			goto fail;
		}
		if (load_tls(s, o, err) < 0)
			goto fail;
		flags |= MHD_USE_TLS;
	}
	if (sa.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	s->d = MHD_start_daemon(
		flags, (uint16_t)o->port, NULL, NULL, handle, s, MHD_OPTION_EXTERNAL_LOGGER,
		mhd_log, s, MHD_OPTION_NOTIFY_COMPLETED, completed, s, MHD_OPTION_SOCK_ADDR,
		(struct sockaddr *)&sa, MHD_OPTION_THREAD_POOL_SIZE,
		(unsigned int)(o->threads ? o->threads : 2), MHD_OPTION_CONNECTION_MEMORY_LIMIT,
		(size_t)(64 * 1024), MHD_OPTION_CONNECTION_LIMIT, (unsigned int)1024,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)30,
		tls ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, s->tls_cert,
		MHD_OPTION_HTTPS_MEM_KEY, s->tls_key, MHD_OPTION_END);
	if (!s->d) {
		cc_err_set(err, CC_E_IO,
			   "cannot listen on %s:%d (address in use or bad TLS files?)", o->host,
			   o->port);
		goto fail;
	}
	info = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
	s->port = info ? info->port : o->port;
	if (sa.ss_family == AF_INET6)
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&sa)->sin6_addr, host, sizeof(host));
	else
		inet_ntop(AF_INET, &((struct sockaddr_in *)&sa)->sin_addr, host, sizeof(host));
	snprintf(s->url, sizeof(s->url), "%s://%s%s%s:%d", tls ? "https" : "http",
		 sa.ss_family == AF_INET6 ? "[" : "", host, sa.ss_family == AF_INET6 ? "]" : "",
		 s->port);
	return s;
fail:
	cc_server_stop(s);
	return NULL;
}

int cc_server_port(const struct cc_server *s)
{
	return s->port;
}

const char *cc_server_url(const struct cc_server *s)
{
	return s->url;
}

void cc_server_stop(struct cc_server *s)
{
	if (!s)
		return;
	if (s->d) {
		struct timespec until;

		MHD_quiesce_daemon(s->d);
		/* libmicrohttpd aborts the process if it is stopped with a connection suspended:
		 * requests from now on write at once, and those that deferred are answered first
		 * (their writes are in the group writer's queue, which is still running) */
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += 30;
		pthread_mutex_lock(&s->mu);
		s->stopping = true;
		while (s->open_requests > 0)
			if (pthread_cond_timedwait(&s->cv, &s->mu, &until) == ETIMEDOUT) {
				cc_log_kv(s->app->log, CC_LOG_ERROR,
					  "requests still waiting for the database after 30 s",
					  (const char *)NULL);
				break;
			}
		pthread_mutex_unlock(&s->mu);
		MHD_stop_daemon(s->d);
	}
	free(s->tls_cert);
	free(s->tls_key);
	pthread_mutex_destroy(&s->mu);
	pthread_cond_destroy(&s->cv);
	free(s);
}
