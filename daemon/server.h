/* server.h: the HTTP listener (libmicrohttpd); the only place that touches MHD */
#ifndef CC_SERVER_H
#define CC_SERVER_H

#include <stdbool.h>
#include <stdint.h>

struct cc_db;
struct cc_log;
struct cc_err;

struct cc_server_opts {
	const char *host;
	int port; /* 0 = any free port */
	bool insecure_http;
	const char *tls_cert_path;
	const char *tls_key_path;
	unsigned threads;
};

struct cc_server;

struct api_app;

struct cc_server *cc_server_start(const struct cc_server_opts *o, struct api_app *app,
				  struct cc_err *err);
int cc_server_port(const struct cc_server *s);
const char *cc_server_url(const struct cc_server *s);
/* stop accepting, finish in-flight requests, free */
void cc_server_stop(struct cc_server *s);

#endif
