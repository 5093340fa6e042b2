/* SPDX-License-Identifier: MIT */
/*
 * What the run summary, report.txt and compare say about an attribution,
 * as facts and words; the renderers print them (report/attrib_print.c).
 */
#ifndef SF_ATTRIB_LINES_H
#define SF_ATTRIB_LINES_H

#include <stdbool.h>
#include <stddef.h>

#include "sf_attrib_agg.h"

struct sf_result;

/* The phases of k as "74% journal commit, 11% allocation, ...", largest first. */
void sf_attrib_phase_line(const struct sf_attrib_kind *k, char *buf, size_t len);

/*
 * Contention's lines ("faulters hold mmap_lock 1.2 ms per fault (p50; p99
 * 3.1 ms, mean 1.4 ms) over 210 faults" ...), each after indent and ending
 * in a newline, into buf.
 */
void sf_attrib_roles_text(const struct sf_attrib_roles *r, const char *indent, char *buf, size_t len);

/* One event kind of a result's attribution, as the run summary states it. */
struct sf_attrib_kind_facts {
	struct sf_attrib_kind k;
	char label[128];		/* "mapsync hole fault": the point's mode-like parameters, the event */
	char phases[512];		/* sf_attrib_phase_line */
	bool coverage_ok;		/* coverage >= the pass's minimum */
	double batch;			/* a sync call's updates (0: a fault, or no batch) */
	double per_update_us[SF_PH_N];	/* a sync call's phases per update (NAN: not stated) */
};

/* Everything the run summary says about one result's attribution. */
struct sf_attrib_facts {
	bool present;			/* the result has an attribution */
	char status[32], reason[256];	/* "ok", or "unsupported"/"error" and why */
	int nkinds;
	struct sf_attrib_kind_facts kind[SF_EV_NKINDS];
	double coverage_min;
	char slowdown_metric[64];	/* the traced repeat against the untraced ones */
	double slowdown;		/* NAN when not measured */
	bool has_roles;
	struct sf_attrib_roles roles;
	double retries, dropped, lost;	/* counts (NAN when absent) */
};

void sf_attrib_facts(const struct sf_result *r, struct sf_attrib_facts *out);

#endif
