/* loop.c: the agent's main loop — timers for heartbeat, poll and discovery, exponential
 * backoff with jitter while the server is away, SIGTERM/SIGINT between steps */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <openssl/rand.h>
#include "agent/agent.h"
#include "libcc/err.h"
#include "libcc/time.h"
#include "libcc/banned.h"

#define NEVER INT64_MAX

/* ---- backoff ---- */

void agent_backoff_init(struct agent_backoff *b, int64_t base_ms, int64_t max_ms)
{
	memset(b, 0, sizeof(*b));
	b->base_ms = base_ms;
	b->max_ms = max_ms;
}

void agent_backoff_reset(struct agent_backoff *b)
{
	b->cur_ms = 0;
	b->failures = 0;
}

int64_t agent_backoff_next(struct agent_backoff *b, uint32_t rnd)
{
	int64_t d, span;

	b->cur_ms = b->cur_ms ? b->cur_ms * 2 : b->base_ms;
	if (b->cur_ms > b->max_ms)
		b->cur_ms = b->max_ms;
	b->failures++;
	/* ±20 %: spreads agents that lost the same server at the same moment */
	span = b->cur_ms * 2 / 5;
	d = b->cur_ms - b->cur_ms / 5 + (span ? (int64_t)(rnd % (uint64_t)(span + 1)) : 0);
	return d > 0 ? d : 1;
}

static uint32_t rnd32(void)
{
	uint32_t r = 0;

	if (RAND_bytes((unsigned char *)&r, sizeof(r)) != 1)
		r = (uint32_t)cc_time_mono_ms();
	return r;
}

/* ---- signals ---- */

static void got_signal(struct agent *a, int sig)
{
	if (sig != SIGTERM && sig != SIGINT)
		return;
	if (!a->stop)
		cc_info(a->log, "received %s, stopping", sig == SIGTERM ? "SIGTERM" : "SIGINT");
	a->stop = true;
}

bool agent_stopping(struct agent *a)
{
	const struct timespec zero = { 0, 0 };
	int sig;

	while (!a->stop && (sig = sigtimedwait(&a->sigs, NULL, &zero)) > 0)
		got_signal(a, sig);
	return a->stop;
}

bool agent_sleep(struct agent *a, int64_t ms)
{
	int64_t end = cc_time_mono_ms() + ms, left;
	int sig;

	while (!agent_stopping(a) && (left = end - cc_time_mono_ms()) > 0) {
		struct timespec ts = { left / 1000, (left % 1000) * 1000000 };
		sig = sigtimedwait(&a->sigs, NULL, &ts);
		if (sig > 0)
			got_signal(a, sig);
	}
	return !a->stop;
}

/* ---- the loop ---- */

struct timers {
	int64_t heartbeat, poll, discovery;
	bool down; /* the server is away: everything waits for retry_at */
	int64_t retry_at;
	char why[256]; /* why it is away, logged when it changes */
	struct agent_backoff bo;
};

static void server_away(struct agent *a, struct timers *t, const struct cc_err *err)
{
	int64_t d = agent_backoff_next(&t->bo, rnd32());
	char in[32];

	snprintf(in, sizeof(in), "%.1f s", (double)d / 1000);
	t->retry_at = cc_time_mono_ms() + d;
	if (!t->down || strcmp(t->why, err->msg))
		cc_log_kv(a->log, agent_err_retry(err) ? CC_LOG_WARN : CC_LOG_ERROR,
			  t->down ? "server still unavailable" : "server unavailable: backing off",
			  "reason", err->msg, "retry_in", in, (const char *)NULL);
	else
		cc_log_kv(a->log, CC_LOG_DEBUG, "retry failed", "retry_in", in, (const char *)NULL);
	snprintf(t->why, sizeof(t->why), "%s", err->msg);
	t->down = true;
}

static void server_back(struct agent *a, struct timers *t)
{
	char n[24];

	if (!t->down)
		return;
	snprintf(n, sizeof(n), "%u", t->bo.failures);
	cc_log_kv(a->log, CC_LOG_INFO, "server reachable again", "failed_attempts", n,
		  (const char *)NULL);
	t->down = false;
	t->why[0] = '\0';
	agent_backoff_reset(&t->bo);
}

static int heartbeat(struct agent *a, struct cc_err *err)
{
	char *path = agent_path(a, "/heartbeat");
	json_t *body;
	int rc;

	agent_sys_probe(&a->sys); /* the address may have changed */
	body = agent_sys_json(&a->sys);
	rc = agent_http(a, "POST", path, body, NULL, err);
	if (rc == 0)
		cc_log_kv(a->log, CC_LOG_DEBUG, "heartbeat", "agent", a->id, (const char *)NULL);
	else if (err->code == CC_E_UNAUTHORIZED && !*a->o->agent_id)
		cc_err_set(err, CC_E_UNAUTHORIZED,
			   "the server refused the key of agent '%s' (HTTP 401): if the agent was "
			   "deleted, remove %s from the state dir to register again",
			   a->id, AGENT_STATE_FILE);
	json_decref(body);
	free(path);
	return rc;
}

/* one pass over whatever is due; -1 with err when the server is away */
static int due_steps(struct agent *a, struct timers *t, struct cc_err *err)
{
	int64_t now = cc_time_mono_ms();

	if (t->down || now >= t->heartbeat) {
		if (heartbeat(a, err) < 0)
			return -1;
		server_back(a, t);
		t->heartbeat = now + a->o->heartbeat_ms;
	}
	if (!agent_stopping(a) && now >= t->poll) {
		if (agent_reports_flush(a, err) < 0 || agent_poll(a, err) < 0)
			return -1;
		t->poll = cc_time_mono_ms() + a->o->poll_ms;
	}
	if (!agent_stopping(a) && now >= t->discovery) {
		if (agent_discover(a, err) < 0)
			return -1;
		if (!agent_stopping(a)) /* an interrupted scan is not done */
			t->discovery = cc_time_mono_ms() + a->o->discovery_ms;
	}
	return 0;
}

static int64_t next_due(const struct timers *t)
{
	int64_t n = t->down ? t->retry_at : t->heartbeat;

	if (!t->down) {
		if (t->poll < n)
			n = t->poll;
		if (t->discovery < n)
			n = t->discovery;
	}
	return n;
}

/* registration, retried with backoff unless --once */
static int identify(struct agent *a, struct timers *t)
{
	struct cc_err err = CC_ERR_INIT;

	while (agent_identify(a, &err) < 0) {
		if (!agent_err_retry(&err) || a->o->once) {
			cc_log_kv(a->log, CC_LOG_ERROR, "cannot start", "reason", err.msg,
				  (const char *)NULL);
			return -1;
		}
		server_away(a, t, &err);
		if (!agent_sleep(a, t->retry_at - cc_time_mono_ms()))
			return 1;
		cc_err_clear(&err);
	}
	server_back(a, t);
	cc_log_kv(a->log, CC_LOG_INFO, "certctl agent running", "agent", a->id, "server",
		  a->cl.base_url, (const char *)NULL);
	return 0;
}

int agent_run(struct agent *a)
{
	struct cc_err err = CC_ERR_INIT;
	struct timers t = { .heartbeat = 0, .poll = 0 };
	int r;

	agent_backoff_init(&t.bo, AGENT_BACKOFF_BASE_MS, AGENT_BACKOFF_MAX_MS);
	t.discovery = a->o->discovery_dirs.n ? 0 : NEVER;
	agent_sys_probe(&a->sys);
	if (agent_keydir_prepare(a->o->key_dir, a->log, &err) < 0) {
		cc_log_kv(a->log, CC_LOG_ERROR, "cannot start", "reason", err.msg,
			  (const char *)NULL);
		return 1;
	}
	if ((r = identify(a, &t)))
		return r < 0 ? 1 : 0;
	while (!agent_stopping(a)) {
		if (due_steps(a, &t, &err) < 0) {
			a->failed++;
			if (a->o->once) {
				cc_log_kv(a->log, CC_LOG_ERROR, "server call failed", "reason",
					  err.msg, (const char *)NULL);
				break;
			}
			server_away(a, &t, &err);
			cc_err_clear(&err);
		}
		if (a->o->once)
			break;
		agent_sleep(a, next_due(&t) - cc_time_mono_ms());
	}
	cc_log_kv(a->log, CC_LOG_INFO, "certctl agent stopped", "agent", a->id, (const char *)NULL);
	return a->o->once && a->failed ? 1 : 0;
}
