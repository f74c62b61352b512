/* fetch.c: the fetch thread — one libcurl client, requests in order, results posted back
 * to the UI thread through a queue and a wake-up pipe */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "libcc/client.h"
#include "tui/app.h"
#include "tui/fetch.h"
#include "libcc/banned.h"

struct job {
	struct job *next;
	unsigned long owner;
	int tag;
	char method[8];
	char *path;
	json_t *body;
};

struct done {
	struct done *next;
	struct tui_res *res;
};

struct tui_fetch {
	struct cc_client *cl;
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct job *jobs, **jobs_tail;
	struct done *done, **done_tail;
	int pipe[2];
	int stop;
};

void tui_res_free(struct tui_res *r)
{
	if (!r)
		return;
	json_decref(r->json);
	free(r->text);
	free(r->path);
	free(r);
}

/* an HTTP reply: JSON when it parses, the text always; >= 400 becomes err */
void tui_res_from_reply(struct tui_res *r, long status, const char *body, size_t len)
{
	const char *msg = NULL;

	r->status = status;
	r->text = cc_xstrndup(body ? body : "", body ? len : 0);
	if (len)
		r->json = json_loadb(body, len, JSON_DECODE_ANY, NULL);
	if (status < 400)
		return;
	if (json_is_object(r->json)) {
		msg = json_string_value(json_object_get(r->json, "message"));
		if (!msg)
			msg = json_string_value(json_object_get(r->json, "error"));
	}
	cc_err_set(&r->err,
		   status == 404   ? CC_E_NOT_FOUND
		   : status == 401 ? CC_E_UNAUTHORIZED
		   : status < 500  ? CC_E_INVALID
				   : CC_E_INTERNAL,
		   "%.200s (HTTP %ld)", msg ? msg : "request failed", status);
}

static struct tui_res *run(struct cc_client *cl, struct job *j)
{
	struct tui_res *r = cc_xcalloc(1, sizeof(*r));
	struct cc_response resp;
	char *text = j->body ? json_dumps(j->body, JSON_COMPACT) : NULL;

	r->owner = j->owner;
	r->tag = j->tag;
	r->path = cc_xstrdup(j->path);
	if (cc_client_request(cl, j->method, j->path, text, text ? strlen(text) : 0, &resp,
			      &r->err) < 0) {
		r->status = 0;
		r->text = cc_xstrdup("");
		if (r->err.code == CC_E_OK)
			r->err.code = CC_E_UNAVAILABLE;
	} else {
		tui_res_from_reply(r, resp.status, resp.body.buf, resp.body.len);
		cc_response_release(&resp);
	}
	free(text);
	return r;
}

static void job_free(struct job *j)
{
	json_decref(j->body);
	free(j->path);
	free(j);
}

static void *loop(void *arg)
{
	struct tui_fetch *f = arg;

	pthread_mutex_lock(&f->mu);
	for (;;) {
		struct job *j;
		struct done *d;
		char one = 1;

		while (!f->stop && !f->jobs)
			pthread_cond_wait(&f->cv, &f->mu);
		if (f->stop)
			break;
		j = f->jobs;
		f->jobs = j->next;
		if (!f->jobs)
			f->jobs_tail = &f->jobs;
		pthread_mutex_unlock(&f->mu);
		d = cc_xcalloc(1, sizeof(*d));
		d->res = run(f->cl, j);
		job_free(j);
		pthread_mutex_lock(&f->mu);
		*f->done_tail = d;
		f->done_tail = &d->next;
		/* the pipe is non-blocking: a full pipe already wakes the UI */
		if (write(f->pipe[1], &one, 1) < 0 && errno != EAGAIN)
			break;
	}
	pthread_mutex_unlock(&f->mu);
	return NULL;
}

struct tui_fetch *tui_fetch_start(struct cc_client *cl, struct cc_err *err)
{
	struct tui_fetch *f = cc_xcalloc(1, sizeof(*f));
	sigset_t all, old;
	int rc;

	f->cl = cl;
	f->jobs_tail = &f->jobs;
	f->done_tail = &f->done;
	if (pipe2(f->pipe, O_CLOEXEC | O_NONBLOCK) < 0) {
		cc_err_set(err, CC_E_IO, "cannot create a pipe: %s", strerror(errno));
		free(f);
		return NULL;
	}
	pthread_mutex_init(&f->mu, NULL);
	pthread_cond_init(&f->cv, NULL);
	/* signals (SIGWINCH above all) go to the UI thread: the fetch thread blocks them all */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&f->th, NULL, loop, f);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc) {
		cc_err_set(err, CC_E_IO, "cannot start the fetch thread");
		close(f->pipe[0]);
		close(f->pipe[1]);
		pthread_mutex_destroy(&f->mu);
		pthread_cond_destroy(&f->cv);
		free(f);
		return NULL;
	}
	return f;
}

void tui_fetch_stop(struct tui_fetch *f)
{
	struct tui_res *r;

	if (!f)
		return;
	pthread_mutex_lock(&f->mu);
	f->stop = 1;
	while (f->jobs) {
		struct job *j = f->jobs;
		f->jobs = j->next;
		job_free(j);
	}
	f->jobs_tail = &f->jobs;
	pthread_cond_signal(&f->cv);
	pthread_mutex_unlock(&f->mu);
	pthread_join(f->th, NULL);
	while ((r = tui_fetch_pop(f)))
		tui_res_free(r);
	close(f->pipe[0]);
	close(f->pipe[1]);
	pthread_mutex_destroy(&f->mu);
	pthread_cond_destroy(&f->cv);
	free(f);
}

void tui_fetch_push(struct tui_fetch *f, unsigned long owner, int tag, const char *method,
		    const char *path, json_t *body)
{
	struct job *j = cc_xcalloc(1, sizeof(*j));

	j->owner = owner;
	j->tag = tag;
	snprintf(j->method, sizeof(j->method), "%s", method);
	j->path = cc_xstrdup(path);
	j->body = body;
	pthread_mutex_lock(&f->mu);
	*f->jobs_tail = j;
	f->jobs_tail = &j->next;
	pthread_cond_signal(&f->cv);
	pthread_mutex_unlock(&f->mu);
}

struct tui_res *tui_fetch_pop(struct tui_fetch *f)
{
	struct tui_res *r = NULL;
	struct done *d;
	char buf[64];

	pthread_mutex_lock(&f->mu);
	d = f->done;
	if (d) {
		f->done = d->next;
		if (!f->done)
			f->done_tail = &f->done;
	} else {
		while (read(f->pipe[0], buf, sizeof(buf)) > 0)
			;
	}
	pthread_mutex_unlock(&f->mu);
	if (d) {
		r = d->res;
		free(d);
	}
	return r;
}

int tui_fetch_fd(const struct tui_fetch *f)
{
	return f->pipe[0];
}
