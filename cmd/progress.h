/* progress.h: a one-line progress bar on stderr, drawn only on a terminal */
#ifndef CC_PROGRESS_H
#define CC_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

struct cc_progress {
	bool on; /* false: every call does nothing (a pipe, --quiet, --format json) */
	const char *label;
	int64_t last_ms;
	bool drawn;
};

void cc_progress_start(struct cc_progress *p, bool on, const char *label);
/* redraws at most ten times a second; total 0 = unknown */
void cc_progress_update(struct cc_progress *p, size_t done, size_t total);
/* clears the line */
void cc_progress_end(struct cc_progress *p);

#endif
