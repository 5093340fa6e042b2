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

struct sf_result;
struct sf_breakeven_spec;

/* The break-even of one line (of) against the reference line (ref). */
struct sf_be_pair {
	const char *ref, *of;
	/* set when one of the two lines has results but none that ran: its name */
	const char *missing;
	struct sf_breakeven be;
	/* FOUND: the repeats' range of both at be.batch (they overlap: not a clear difference) */
	double ref_lo, ref_hi, of_lo, of_hi;
};

/*
 * The break-evens of spec among res[0..n) (results that belong together:
 * one target, one setting of every other parameter), from the p50 of
 * spec->metric of the results that ran, at the x values both lines were
 * measured at.  A pair for every line of spec->of with results, when ref
 * has results too; returns how many were written to out (at most max).
 */
int sf_breakeven_pairs(struct sf_result *const *res, int n, const struct sf_breakeven_spec *spec,
		       struct sf_be_pair *out, int max);

struct sf_metric;
/* The smallest and largest finite per-repeat value of m; NAN, NAN when none. */
void sf_repeat_range(const struct sf_metric *m, double *lo, double *hi);

/* Do the repeats of the two lines overlap at the break-even batch? */
bool sf_be_pair_overlap(const struct sf_be_pair *p);

#endif
