/* sched.h: the background scheduler of `certctl serve` — the loops of daemon/sched.def,
 * each run on a thread of its own, ticks never overlapping, one replica per loop through a
 * lease */
#ifndef CC_SCHED_H
#define CC_SCHED_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct api_app;
struct api_sched;
struct cc_cfg;
struct cc_err;

/* what one run of a loop gets */
struct api_tick {
	struct api_app *app;
	int64_t now;		 /* wall clock at the start of the run, µs */
	int64_t deadline;	 /* wall clock after which the run starts no new work; 0: none */
	uint64_t run;		 /* earlier runs of this loop in this process */
	const atomic_bool *stop; /* set when the scheduler stops; may be NULL */
};

/* true once the scheduler is stopping or the run's deadline has passed: a loop checks it
 * between items and leaves the rest to its next run */
bool api_tick_over(const struct api_tick *t);

/* a loop function: how many items it handled, -1 on failure (err set) */
typedef int api_sched_fn(const struct api_tick *t, struct cc_err *err);

struct api_sched_loop {
	const char *name;
	int interval_key; /* enum cc_cfg_key of the interval */
	int64_t timeout;  /* µs */
	bool first_run;	  /* run at start, not one interval later */
	bool leased;	  /* one replica at a time (scheduler_leases) */
	bool (*enabled)(const struct cc_cfg *cfg);
	api_sched_fn *fn;
};

#define CC_SCHED(name, key, timeout, first, leased, enabled, fn) api_sched_fn fn;
#include "daemon/sched.def"
#undef CC_SCHED

extern const struct api_sched_loop api_sched_loops[];
extern const size_t api_sched_nloops;

/* starts the enabled loops of sched.def with their configured intervals; returns at
 * once (the first runs happen in other threads) */
struct api_sched *api_sched_start(struct api_app *app, struct cc_err *err);
/* the same for the given loops and intervals (µs); holder NULL: a new random one */
struct api_sched *api_sched_start_loops(struct api_app *app, const struct api_sched_loop *loops,
					const int64_t *intervals, size_t n, const char *holder,
					struct cc_err *err);
/* wakes every thread, waits for the runs in progress to end, joins, gives the leases back */
void api_sched_stop(struct api_sched *s);

/* an immediate run of the loop; false (and counted as skipped) while a run is going */
bool api_sched_trigger(struct api_sched *s, const char *name);

struct api_sched_stats {
	uint64_t runs;		/* runs that called the loop function */
	uint64_t failures;	/* of which returned -1; and runs whose thread could not start */
	uint64_t skipped_busy;	/* ticks skipped because the previous run was still going */
	uint64_t skipped_lease; /* ticks skipped because another replica holds the loop */
};
/* -1 for an unknown or disabled loop */
int api_sched_stats(struct api_sched *s, const char *name, struct api_sched_stats *out);
const char *api_sched_holder(const struct api_sched *s);

#endif
