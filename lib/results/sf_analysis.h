/* SPDX-License-Identifier: MIT */
/*
 * Analysis across points: pure functions that return facts, unit-tested on
 * synthetic numbers; renderers (run's summary, report, compare) only format
 * what these return, so every place states the same figure.
 */
#ifndef SF_ANALYSIS_H
#define SF_ANALYSIS_H

#include <stdbool.h>
#include <stddef.h>

enum sf_be_kind {
	SF_BE_NODATA,		/* no batch size with both medians */
	SF_BE_NEVER,		/* the batched mode is never cheaper in the range tried */
	SF_BE_FOUND,
};

struct sf_breakeven {
	enum sf_be_kind kind;
	long first, last;	/* smallest and largest batch size compared */
	int npoints;		/* batch sizes compared */
	/* FOUND: */
	long batch;		/* smallest tried batch at which the batched mode is cheaper */
	long below;		/* the tried batch before it (not cheaper); 0 when batch == first */
	/*
	 * The crossing between below and batch, interpolated on log-log
	 * scales (the log of the ratio batched/reference is linear in
	 * log(batch)), as the figure draws it; NAN when below == 0.
	 */
	double estimate;
	double value;		/* the reference's value there (log-log); NAN likewise */
	long dearer_again;	/* first larger tried batch where it is not cheaper any more; 0 if none */
};

/*
 * From per-update medians at n batch sizes (any order; a NAN or a value
 * <= 0 on either side drops that batch size), find the smallest batch size
 * at which batched[i] < reference[i]: "the batched mode is cheaper per
 * update".  Returns 0, or -1 when two entries name the same batch size or a
 * batch size is below 1.
 */
int sf_breakeven(const long *batch, const double *reference, const double *batched,
		 int n, struct sf_breakeven *out);

/* One line in words: "mapsync vs msync: msync is cheaper per update from batch 16 on ..." */
void sf_breakeven_str(const struct sf_breakeven *be, const char *reference,
		      const char *batched, char *buf, size_t len);

/* The estimate as every renderer prints it: "4.1". */
void sf_breakeven_fmt(double estimate, char *buf, size_t len);

#endif
