/* fetch.h: the background thread that talks to the server, so that input never waits on
 * the network. Requests queue in, results queue out; a pipe wakes the UI. */
#ifndef TUI_FETCH_H
#define TUI_FETCH_H

#include <jansson.h>

struct cc_client;
struct tui_res;
struct tui_fetch;

/* the thread uses cl alone from now until tui_fetch_stop */
struct tui_fetch *tui_fetch_start(struct cc_client *cl, struct cc_err *err);
/* drops what is queued, waits for the request in flight, joins */
void tui_fetch_stop(struct tui_fetch *f);
/* body is stolen (may be NULL) */
void tui_fetch_push(struct tui_fetch *f, unsigned long owner, int tag, const char *method,
		    const char *path, json_t *body);
/* the oldest result, or NULL; the caller frees it with tui_res_free */
struct tui_res *tui_fetch_pop(struct tui_fetch *f);
/* readable when results wait; tui_fetch_pop drains it */
int tui_fetch_fd(const struct tui_fetch *f);
void tui_res_free(struct tui_res *r);
/* what one request becomes (the thread's work, also used by tests) */
void tui_res_from_reply(struct tui_res *r, long status, const char *body, size_t len);

#endif
