/* SPDX-License-Identifier: MIT */
/* compare: what changed between two attributions of one point. */
#ifndef SF_ATTRIB_DELTA_H
#define SF_ATTRIB_DELTA_H

#include <stdbool.h>
#include <stddef.h>

#include "sf_attrib_agg.h"

/* What changed between two attributions of one kind. */
struct sf_attrib_delta {
	int kind;
	double base_us, new_us;		/* median event: total */
	int n;				/* phases that moved by threshold or more */
	int phase[SF_PH_N];		/* ...largest move first */
	double base_phase_us[SF_PH_N], new_phase_us[SF_PH_N];	/* by phase */
	int nsame;			/* phases mapped on a side that did not */
	unsigned char only[SF_PH_N];	/* 1: only the base's map has the phase, 2: only the new's */
	double threshold;		/* share of the base median event */
	bool intervals;			/* moved = outside the interval (and threshold) */
	double ci_us[SF_PH_N];		/* half-width of the change's 95% interval */
	int base_map, new_map;		/* the phase maps' versions: phases compared only when equal */
};

/*
 * Phase time in the median events, base versus new; none when the two
 * were folded with different phase maps (a phase's meaning may differ).
 * A phase only one side's kernel has a row for (the per-VMA lock on 6.12,
 * not on 6.1) counts 0 on the other side.  Where both sides have
 * per-phase intervals a phase "moved" when its change is outside the
 * change's 95% interval and at least threshold of the base event; without
 * them (older results) when it changed by threshold of the base event
 * (share x median).  False when the kinds differ or either side has no
 * events.
 */
bool sf_attrib_diff(const struct sf_attrib_kind *b, const struct sf_attrib_kind *n,
		    double threshold, struct sf_attrib_delta *out);
/* "journal commit +51 us, allocation -3.0 us; other phases within 5% of the event" */
void sf_attrib_delta_line(const struct sf_attrib_delta *d, char *buf, size_t len);

/* compare: "faulter's mmap_lock hold per fault 16.3 ms -> 3.38 ms (p50; mean ...), ..." */
void sf_attrib_roles_delta_line(const struct sf_attrib_roles *b, const struct sf_attrib_roles *n,
				char *buf, size_t len);

#endif
