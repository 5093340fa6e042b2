/* SPDX-License-Identifier: MIT */
/*
 * contention: the bookkeeping that decides which locker samples belong to
 * the idle interval and which to the loaded one.  Pure (no clock, no
 * globals) so that tests/test_contention_intervals.c can check it.
 *
 * All times are sf_clock ticks on the one time base every worker reads.
 */
#ifndef SF_CONTENTION_H
#define SF_CONTENTION_H

#include <stddef.h>
#include <stdint.h>

/* One timed locker operation: started at t0, finished at t1. */
struct ct_op {
	uint64_t t0, t1;
};

/* [start, end); empty when end <= start. */
struct ct_interval {
	uint64_t start, end;
};

/* When one faulter was active: start of its first pass, end of its last. */
struct ct_span {
	uint64_t first, last;	/* first == 0: it never faulted */
};

enum ct_side { CT_OUTSIDE, CT_IDLE, CT_LOADED };

/*
 * The two intervals compared.
 * idle: the planned baseline [idle_start, idle_end), cut short where any
 * faulter started before idle_end (it would not be idle any more).
 * loaded: from the moment the last faulter started to the moment the first
 * one stopped, so that every faulter was active throughout, and no later
 * than load_limit (the lockers stop soon after it: a faulter's last pass can
 * overrun when it is preempted, and the lockers must cover all of loaded).
 * Returns 0, or -1 when either interval is empty (a faulter never ran, the
 * faulters never overlapped, or nf is 0).
 */
int ct_intervals(uint64_t idle_start, uint64_t idle_end, uint64_t load_limit,
		 const struct ct_span *f, int nf,
		 struct ct_interval *idle, struct ct_interval *loaded);

/*
 * Where op belongs.  Idle: wholly inside the idle interval (so no faulter
 * was running at any moment of it).  Loaded: started inside the loaded
 * interval, wherever it ended (a long wait that outlasts the interval is
 * the loaded tail, not something to drop).  Anything else is in neither:
 * warm-up, the gap, the tail, an idle operation still running when the
 * first faulter started, one started before the last faulter did.
 */
enum ct_side ct_classify(const struct ct_op *op, const struct ct_interval *idle,
			 const struct ct_interval *loaded);

/*
 * Split ops by interval, keeping their order.  idle_out and loaded_out
 * (room for n each) may be NULL to count only.
 */
void ct_split(const struct ct_op *ops, size_t n, const struct ct_interval *idle,
	      const struct ct_interval *loaded, struct ct_op *idle_out, size_t *nidle,
	      struct ct_op *loaded_out, size_t *nloaded);

/* Operations per second: n ops over iv at hz ticks per second (0 if iv is empty). */
double ct_rate(size_t n, const struct ct_interval *iv, double hz);

#endif
