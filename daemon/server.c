/* server.c: libmicrohttpd listener answering /health and /ready */
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <microhttpd.h>
#include "daemon/server.h"
#include "libcc/buf.h"
#include "libcc/db.h"
#include "libcc/err.h"
#include "libcc/fs.h"
#include "libcc/log.h"
#include "libcc/mem.h"
#include "libcc/banned.h"

struct cc_server {
	struct MHD_Daemon *d;
	struct cc_db *db;
	struct cc_log *log;
	int port;
	char url[128];
	char *tls_cert, *tls_key;
};

static enum MHD_Result reply(struct MHD_Connection *conn, unsigned status, const char *body)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(strlen(body), (void *)body,
								 MHD_RESPMEM_MUST_COPY);
	enum MHD_Result ret;

	MHD_add_response_header(r, "Content-Type", "application/json");
	ret = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *conn, const char *url,
			      const char *method, const char *version, const char *upload_data,
			      size_t *upload_size, void **con_cls)
{
	struct cc_server *s = cls;
	struct cc_err err = CC_ERR_INIT;

	(void)version;
	(void)upload_data;
	if (!*con_cls) { /* first call: headers only */
		*con_cls = s;
		return MHD_YES;
	}
	if (*upload_size) { /* bodies are not used yet: discard */
		*upload_size = 0;
		return MHD_YES;
	}
	if (strcmp(method, "GET") && strcmp(method, "HEAD"))
		return reply(conn, MHD_HTTP_METHOD_NOT_ALLOWED,
			     "{\"error\":\"Method Not Allowed\",\"message\":\"use GET\"}\n");
	if (!strcmp(url, "/health"))
		return reply(conn, MHD_HTTP_OK, "{\"status\":\"healthy\"}\n");
	if (!strcmp(url, "/ready")) {
		if (cc_db_ping(s->db, &err) < 0) {
			cc_warn(s->log, "not ready: %s", err.msg);
			return reply(conn, MHD_HTTP_SERVICE_UNAVAILABLE,
				     "{\"status\":\"not ready\",\"message\":\"database unavailable\"}\n");
		}
		return reply(conn, MHD_HTTP_OK, "{\"status\":\"ready\"}\n");
	}
	return reply(conn, MHD_HTTP_NOT_FOUND,
		     "{\"error\":\"Not Found\",\"message\":\"no such route\"}\n");
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

struct cc_server *cc_server_start(const struct cc_server_opts *o, struct cc_db *db,
				  struct cc_log *log, struct cc_err *err)
{
	struct cc_server *s = cc_xcalloc(1, sizeof(*s));
	struct sockaddr_storage sa;
	socklen_t salen;
	bool tls = o->tls_cert_path && *o->tls_cert_path;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG |
			 MHD_USE_ITC;
	const union MHD_DaemonInfo *info;
	char host[INET6_ADDRSTRLEN] = "";

	s->db = db;
	s->log = log;
	if (resolve(o->host, o->port, &sa, &salen, err) < 0)
		goto fail;
	if (!tls && !is_loopback((struct sockaddr *)&sa) && !o->insecure_http) {
		cc_err_set(err, CC_E_CONFIG,
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
		flags, (uint16_t)o->port, NULL, NULL, handle, s, MHD_OPTION_SOCK_ADDR,
		(struct sockaddr *)&sa, MHD_OPTION_THREAD_POOL_SIZE,
		(unsigned int)(o->threads ? o->threads : 2), MHD_OPTION_CONNECTION_MEMORY_LIMIT,
		(size_t)(64 * 1024), MHD_OPTION_CONNECTION_LIMIT, (unsigned int)1024,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)30,
		MHD_OPTION_LISTENING_ADDRESS_REUSE, (unsigned int)1,
		tls ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, s->tls_cert,
		MHD_OPTION_HTTPS_MEM_KEY, s->tls_key, MHD_OPTION_END);
	if (!s->d) {
		cc_err_set(err, CC_E_IO, "cannot listen on %s:%d (address in use or bad TLS files?)",
			   o->host, o->port);
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
		MHD_quiesce_daemon(s->d);
		MHD_stop_daemon(s->d);
	}
	free(s->tls_cert);
	free(s->tls_key);
	free(s);
}
