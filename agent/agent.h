/* agent.h: `certctl agent` — identity and state file, heartbeats, work (CSR and deployment
 * jobs), TLS verification and filesystem discovery; shared by the files of agent/ */
#ifndef CC_AGENT_AGENT_H
#define CC_AGENT_AGENT_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include "libcc/client.h"
#include "libcc/log.h"
#include "libcc/strv.h"

struct cc_err;

#define AGENT_STATE_FILE "agent.json"
#define AGENT_FILE_MAX (1 << 20) /* discovery skips larger files */
#define AGENT_KEY_MAX (64 * 1024)
#define AGENT_BACKOFF_BASE_MS 1000
#define AGENT_BACKOFF_MAX_MS (5 * 60 * 1000)

/* what cmd/agent.c resolved from flags, environment, file and defaults (all borrowed) */
struct agent_opts {
	const char *server_url;
	const char *api_key;   /* bootstrap key, or the agent's own key with agent_id */
	const char *agent_id;  /* "": from the state file, or register */
	const char *name;      /* registration name; "": the host name */
	const char *key_dir;   /* private keys, 0700 */
	const char *state_dir; /* agent.json; "": the parent of key_dir */
	const char *ca_cert;   /* NULL: system trust store */
	bool insecure;
	struct cc_strv discovery_dirs;
	int64_t heartbeat_ms, poll_ms, discovery_ms;
	bool verify;
	int64_t verify_delay_ms, verify_timeout_ms;
	bool once;
};

/* what the heartbeat tells about this machine (Go's GOOS/GOARCH names, as v2.1) */
struct agent_sys {
	char hostname[256];
	char os[32];
	char arch[32];
	char ip[64]; /* "" when no route */
};

/* a final job status the server has not acknowledged yet */
struct agent_report {
	char *job_id;
	char *status;
	char *error; /* NULL: none */
};

struct agent_backoff {
	int64_t base_ms, max_ms;
	int64_t cur_ms; /* 0: not backing off */
	unsigned failures;
};

struct agent {
	const struct agent_opts *o;
	struct cc_log *log;
	struct cc_client cl;
	char *id;
	struct agent_sys sys;
	struct agent_report *pending; /* retried before each poll */
	size_t npending;
	struct cc_strv csr_sent; /* AwaitingCSR jobs whose CSR the server took (not redone) */
	sigset_t sigs;		 /* SIGTERM and SIGINT, blocked; taken by sigtimedwait */
	bool stop;
	unsigned failed; /* steps that failed, for the exit status of --once */
};

/* ---- loop.c: the run loop, signals and backoff ---- */
/* runs until SIGTERM/SIGINT (or one cycle with --once); returns the exit status.
 * The caller has blocked a->sigs in this thread. */
int agent_run(struct agent *a);
/* true once SIGTERM or SIGINT arrived (checks for a pending one without waiting) */
bool agent_stopping(struct agent *a);
/* sleeps ms or until a stop signal; false when stopping */
bool agent_sleep(struct agent *a, int64_t ms);
void agent_backoff_init(struct agent_backoff *b, int64_t base_ms, int64_t max_ms);
/* the next delay: base doubling up to max, then ±20 % from rnd */
int64_t agent_backoff_next(struct agent_backoff *b, uint32_t rnd);
void agent_backoff_reset(struct agent_backoff *b);

/* ---- http.c: calls to serve ---- */
/* method path with an optional JSON body (borrowed); *reply (may be NULL) gets the parsed
 * 2xx body. -1: CC_E_UNAVAILABLE when the server was unreachable or answered 5xx/429
 * (try again later), another code when it refused the request (4xx) */
int agent_http(struct agent *a, const char *method, const char *path, json_t *body, json_t **reply,
	       struct cc_err *err);
/* the error says: try again later */
bool agent_err_retry(const struct cc_err *err);
/* "/api/v1/agents/<escaped id><suffix>" (caller frees) */
char *agent_path(const struct agent *a, const char *fmt, ...) CC_PRINTF(2, 3);

/* ---- sys.c: host facts ---- */
void agent_sys_probe(struct agent_sys *s);
json_t *agent_sys_json(const struct agent_sys *s); /* new ref: the heartbeat body */

/* ---- state.c: identity ---- */
/* the state directory: state_dir, or the parent of key_dir (caller frees) */
char *agent_state_dir(const struct agent_opts *o);
/* 1 with *id and *key (caller frees) when the file exists, 0 when it does not */
int agent_state_load(const char *dir, char **id, char **key, struct cc_err *err);
/* <dir>/agent.json, 0600, atomically; dir created and forced 0700 */
int agent_state_save(const char *dir, const char *id, const char *key, struct cc_err *err);
/* sets a->id and the client's key: --agent-id, the state file, or a registration */
int agent_identify(struct agent *a, struct cc_err *err);

/* ---- keystore.c: private keys under key_dir ---- */
/* creates key_dir 0700 and forces the mode */
int agent_keydir_prepare(const char *dir, struct cc_log *log, struct cc_err *err);
/* ids become file names: letters, digits, '.', '_', '-', not starting with '.' */
bool agent_id_safe(const char *id);
/* <dir>/<cert_id>.key, 0600, atomically; the key it replaces stays as <cert_id>.key.prev */
int agent_key_write(const char *dir, const char *cert_id, const char *pem, struct cc_err *err);
/* the key file (refused when others may read it); CC_E_NOT_FOUND when there is none */
char *agent_key_read(const char *dir, const char *cert_id, struct cc_err *err);
/* the stored key of cert_pem: <cert_id>.key, else <cert_id>.key.prev when that one belongs
 * to it (a renewal that never completed); CC_E_INVALID when neither does */
char *agent_key_for(const char *dir, const char *cert_id, const char *cert_pem, struct cc_err *err);

/* ---- pem.c: certificate blocks, leaf and chain, key check ---- */
/* the next "-----BEGIN CERTIFICATE-----" … END block in [p, end), its length in *len */
const char *agent_pem_next(const char *p, const char *end, size_t *len);
/* first CERTIFICATE block of pem into *leaf, the other CERTIFICATE blocks into *chain */
int agent_pem_split(const char *pem, char **leaf, char **chain, struct cc_err *err);
/* the private key (PEM, unencrypted) belongs to the first certificate of cert_pem */
int agent_key_matches(const char *cert_pem, const char *key_pem, struct cc_err *err);

/* ---- jobs.c: work ---- */
/* resends unacknowledged reports; -1 (retry later) when the server is still away */
int agent_reports_flush(struct agent *a, struct cc_err *err);
/* GET work and runs each item; -1 only when the work list could not be had */
int agent_poll(struct agent *a, struct cc_err *err);
/* POST the job status; a final one that cannot be delivered now is kept for later */
int agent_report(struct agent *a, const char *job, const char *status, const char *error);
void agent_reports_release(struct agent *a);

/* ---- deploy.c: the deployment job ---- */
void agent_job_deploy(struct agent *a, const json_t *item);

/* ---- verify.c: TLS probe of a deployed target ---- */
/* the served leaf's SHA-256 (lower hex) into fp */
int agent_verify_probe(const char *host, int port, int64_t timeout_ms, char fp[65],
		       struct cc_err *err);
/* host and port from a target config (host, hostname, target, address; port, default 443);
 * 0 when found, -1 with the reason in err otherwise */
int agent_verify_target(const json_t *config, char *host, size_t hostlen, int *port,
			struct cc_err *err);
/* waits, probes and posts POST /jobs/{job}/verify; logs the outcome */
void agent_verify_deployment(struct agent *a, const char *job, const char *target_id,
			     const json_t *config, const char *leaf_pem);

/* ---- discover.c: filesystem scan ---- */
struct agent_scan {
	json_t *certificates; /* array of DiscoveredCertificate entries (new ref) */
	json_t *errors;	      /* array of strings (new ref) */
	size_t files;	      /* regular files looked at */
	bool stopped;	      /* the stop callback ended the walk early */
	int64_t duration_ms;
};

/* walks dirs; stop (may be NULL) is asked now and then and ends the walk early */
void agent_discover_scan(const struct cc_strv *dirs, struct cc_log *log, bool (*stop)(void *),
			 void *arg, struct agent_scan *out);
void agent_scan_release(struct agent_scan *s);
/* scans and posts the report(s); -1 (retry later) when the server was away */
int agent_discover(struct agent *a, struct cc_err *err);

#endif
