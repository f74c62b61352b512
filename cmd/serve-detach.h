/* serve-detach.h: `serve --detach` / `serve --stop` — the pid file and log file in the data dir */
#ifndef CC_SERVE_DETACH_H
#define CC_SERVE_DETACH_H

#include <stdio.h>
#include <sys/types.h>
#include "cmd/cmd.h"

char *cc_serve_pid_path(const struct cc_cfg *cfg);
char *cc_serve_log_path(const struct cc_cfg *cfg);
/* the pid of a running detached serve, or 0 */
pid_t cc_serve_running(const struct cc_cfg *cfg);
/* forks into the background. Returns in the daemon with *report open (write the startup
 * message there, then cc_serve_detach_done); the parent never returns: it relays the
 * daemon's report and exits with its status. -1 (message printed) when it cannot start. */
int cc_serve_detach(struct cc_ctx *ctx, FILE **report);
/* ends the startup report: ok=0 success; removes nothing */
void cc_serve_detach_done(FILE *report, int ok, const char *msg);
/* SIGTERM to the detached serve, waits up to 30 s; exit status */
int cc_serve_stop(struct cc_ctx *ctx);
/* removes the pid file if it is ours */
void cc_serve_pid_remove(const struct cc_cfg *cfg);

#endif
