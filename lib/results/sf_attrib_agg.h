/* SPDX-License-Identifier: MIT */
/*
 * Aggregating folded events: per event kind, the phases of the median
 * events with their spread; per task role (contention), lock hold and wait.
 */
#ifndef SF_ATTRIB_AGG_H
#define SF_ATTRIB_AGG_H

#include <stdbool.h>
#include <stddef.h>

#include "sf_attrib_fold.h"

/* Facts about the events of one kind. */
struct sf_attrib_kind {
	int kind;
	int map_version;	/* SF_ATTRIB_MAP_VERSION of the map it was folded with */
	size_t n;
	double total_p50, total_p99;	/* us */
	double p50[SF_PH_N], p99[SF_PH_N];	/* us, per phase over all events */
	double share[SF_PH_N];	/* of the median events (p25..p75 by total) */
	double coverage;	/* 1 - other share, same events */
	bool mapped[SF_PH_N];	/* the map had a function for the phase */
	/*
	 * The same median events, per phase: mean time and the half-width of
	 * its 95% interval (event-to-event spread; NAN from results without
	 * it), so that compare can tell a phase that moved from noise.
	 */
	size_t nmid;
	double mid_us[SF_PH_N], mid_ci_us[SF_PH_N];
};

/*
 * Aggregate the events of kind (of tasks without a role or faulters: a
 * locker's events are its role's); false when there were none.
 */
bool sf_attrib_aggregate(const struct sf_fold *f, const struct sf_attrib_map *m, int kind,
			 struct sf_attrib_kind *out);

/* Count, median, p99 and mean of one quantity over events (us). */
struct sf_attrib_dist {
	size_t n;
	double p50, p99, mean;
};

/*
 * Contention, per role: how long a faulter holds each lock per fault, and
 * how long a locker's operation waits for mmap_lock (the lock phase of its
 * events: the write lock of mprotect/mmap/munmap, the fault's lock for an
 * anonymous-fault locker).
 */
struct sf_attrib_roles {
	struct sf_attrib_dist hold[SF_LOCK_N];	/* faulters' faults */
	struct sf_attrib_dist fault;		/* faulters' whole faults */
	struct sf_attrib_dist wait;		/* lockers' operations */
	struct sf_attrib_dist op;		/* lockers' whole operations */
	int locker_kind;			/* SF_EV_LOCKOP or SF_EV_FAULT */
};

/* False when the trace had no role markers (not a benchmark with roles). */
bool sf_attrib_roles(const struct sf_fold *f, struct sf_attrib_roles *out);

#endif
