/* SPDX-License-Identifier: MIT */
/*
 * Statistics for `syncfault compare`: is NEW better or worse than BASE, and
 * by how much, from the per-repeat values of one metric?
 *
 * Method (stated in every report): the change is the Hodges-Lehmann
 * estimate, the median of all pairwise differences new_j - base_i, taken
 * on log(values) so that it is a ratio when every value is positive (on
 * the values themselves otherwise).  Its 95% confidence interval is the
 * distribution-free one that goes with it: order statistics of those
 * pairwise differences chosen with the exact Mann-Whitney distribution
 * (normal approximation for large samples).  No resampling, no seed: the
 * same inputs always give the same interval.  The exact interval needs
 * at least 4 repeats on each side (or 3 against 5); with fewer there is no
 * 95% interval and the report says so instead of inventing one.
 *
 * A change is marked only when its interval excludes zero AND the estimate
 * is beyond the noise floor (default 2%), so that a tiny but consistent
 * drift is not flagged as a regression.  A report compares many metrics at
 * once; at 95% each, one in twenty unchanged metrics would have an interval
 * that excludes zero by chance.  So the caller also holds the marks to a
 * false discovery rate over all its rows (Benjamini-Hochberg on the
 * Mann-Whitney p-values, sf_fdr_cutoff), which keeps an A/A comparison of
 * a large suite from crying wolf.
 */
#ifndef SF_COMPARE_H
#define SF_COMPARE_H

#include <stdbool.h>
#include <stddef.h>

#include "sf_result.h"

#define SF_NOISE_DEFAULT	2.0	/* percent */
#define SF_CI_LEVEL		0.95
#define SF_FDR_DEFAULT		0.05

enum sf_verdict {
	SF_SAME = 0,	/* interval includes zero, or change within the noise floor */
	SF_BETTER,
	SF_WORSE,
	SF_NO_CI,	/* too few repeats for a 95% interval */
};

struct sf_change {
	int nbase, nnew;
	double base, new;	/* medians of the per-repeat values */
	bool ratio;		/* computed on log(values): all were > 0 */
	double pct;		/* change in %, positive = better; NAN if base is 0 */
	double lo, hi;		/* its 95% interval, lo <= hi; NAN if none */
	double coverage;	/* the exact interval's actual coverage (>= 0.95) */
	bool has_ci;
	bool excludes_zero;	/* the interval lies entirely on one side of 0 */
	double p;		/* two-sided Mann-Whitney p-value (exact or normal) */
	/*
	 * The smallest change (%, >= the noise floor) this row would mark
	 * with 80% power, from the spread of both sides and their repeat
	 * counts (sf_detectable_pct); NAN without a 95% interval.  An
	 * unmarked row reads "no change of this size or more".
	 */
	double detectable;
	bool diagnostic;	/* the metric is a diagnostic: never marked */
	enum sf_verdict verdict;
	char why[80];		/* for SF_NO_CI, and notes such as "base is 0" */
};

/*
 * Compare per-repeat values.  Returns 0, or -1 when either side has no
 * value or a value is not finite (the caller names the metric).
 */
int sf_compare_values(const double *base, int nb, const double *new, int nn,
		      enum sf_better better, double noise_pct, struct sf_change *c);

/*
 * Minimum detectable effect, in percent: the shift that a two-sided test at
 * 95% would find with 80% power, for samples of nb and nn with the pooled
 * spread s of their values (on log scale when ratio).  Normal theory with
 * Student t quantiles (t(.975) + t(.80)) * s * sqrt(1/nb + 1/nn), widened
 * by sqrt(pi/3) for the Mann-Whitney test's efficiency against the t-test
 * on normal data; never below the noise floor, since a smaller change is
 * not marked anyway.  NAN when nb + nn < 4 or s is not finite.
 */
double sf_detectable_pct(double s, int nb, int nn, bool ratio, double base, double noise_pct);
/* Quantile of Student's t with df degrees of freedom, for 0.5 <= q < 1. */
double sf_t_quantile(double q, double df);

/*
 * Benjamini-Hochberg: the largest p-value that is a discovery at false
 * discovery rate q among the n p-values; 0 when none is.  Mark a row only
 * when its p <= the cutoff.
 */
double sf_fdr_cutoff(const double *p, int n, double q);

/*
 * Repeats inside one run share its conditions, so with several runs
 * (rounds) per side the runs are the independent samples.  One value per
 * run, the median of its repeats (on logs when all are positive), and per
 * row: the difference of the sides' means and their pooled variance.
 */
#define SF_MAX_ROUNDS		64
#define SF_PRIOR_MIN_ROWS	3	/* rows to learn a variance prior from */
#define SF_DF_INFINITE		1e6	/* a t with this many df is the normal */

struct sf_rounds {
	int nb, nn;		/* rounds per side (>= 3 each) */
	bool logs;		/* on log(values): all were > 0 */
	double base;		/* mean of base (its log when logs) */
	double diff;		/* mean new - mean base */
	double s2;		/* pooled variance of the run values */
	double df;		/* its degrees of freedom, nb + nn - 2 */
	/*
	 * What predicts the row's variance across runs, NAN if nothing: the
	 * log of its repeats' variance within a run (the caller's; the prior
	 * follows it where it helps, as limma-trend follows expression).
	 */
	double x;
};

/* 0, or -1 with fewer than 3 rounds a side (more than SF_MAX_ROUNDS). */
int sf_rounds_stats(const double *base, int nb, const double *new, int nn,
		    struct sf_rounds *r);

/*
 * With three runs a side a row's own variance has 4 degrees of freedom:
 * a t-test on it needs p < 0.05/rows to survive the FDR cut, which it can
 * hardly give even for a 50% change.  Every row of a comparison has rounds
 * from the same runs of the same machine, so their variances say what a
 * row's variance is likely to be: the empirical Bayes prior of limma
 * (Smyth 2004, "Linear models and empirical Bayes methods for assessing
 * differential expression in microarray experiments"), a scaled inverse
 * chi-square with d0 degrees of freedom and scale s0sq fitted to the rows'
 * log variances by moments.  Each row's variance is then moderated toward
 * s0sq, with d0 + its own df: many rows of a steady machine give a large d0
 * and a test with power; rows of very different spread give a small d0 and
 * leave each row mostly to itself.  Rows on logs only (a common scale).
 * Rows differ: a counter that never moves and a guest fault latency do
 * not vary alike across runs.  Where the rows carry a covariate x (the
 * log of their variance within a run), the prior's scale follows a line
 * in x fitted to the rows' log variances (limma-trend, Law et al. 2014),
 * so a row quiet within its runs is held to a quiet prior.
 * One change to limma: a variance is never moderated down.  A row whose
 * own rounds vary more than the moderated variance is tested on its own
 * variance and degrees of freedom alone, so that one noisy metric cannot
 * borrow the calm of the others.  (Plain moderation flagged something in
 * 10-14% of simulated A/As of rows with spreads as varied as measured
 * here; this, 2-7%: tests/test_compare_kat.c.)
 */
#define SF_PRIOR_TREND_MIN_ROWS	8	/* rows with a covariate to fit a line */

struct sf_rounds_prior {
	int rows;		/* rows it was fitted on; < SF_PRIOR_MIN_ROWS: none */
	double d0;		/* prior degrees of freedom (INFINITY: one variance) */
	double s0sq;		/* prior variance at the rows' mean (the typical one) */
	bool trend;		/* the scale follows log s0sq = a + b x + shift */
	double a, b, shift;
};

/* The prior variance of a row with covariate x (s0sq without a trend or x). */
double sf_rounds_prior_s2(const struct sf_rounds_prior *pr, double x);

/* 0, or -1 (and rows set) when fewer than SF_PRIOR_MIN_ROWS rows have spread. */
int sf_rounds_prior_fit(const struct sf_rounds *const *r, int n, struct sf_rounds_prior *pr);
/* Is the row tested on its own variance (no prior, or noisier than it)? */
bool sf_rounds_own(const struct sf_rounds *r, const struct sf_rounds_prior *pr);
/* Two-sided p of the moderated t (the row's own t where sf_rounds_own). */
double sf_rounds_p(const struct sf_rounds *r, const struct sf_rounds_prior *pr);
/*
 * The change (%) that test finds with 80% power at two-sided level alpha,
 * from the same variance.  In a family of m rows a lone change must reach
 * the FDR cut, p <= q/m at least: the caller passes that, not 0.05.
 */
double sf_rounds_detectable_pct(const struct sf_rounds *r, const struct sf_rounds_prior *pr,
				double alpha);
/* Two-sided p-value of Student's t with df degrees of freedom. */
double sf_t_two_sided_p(double t, double df);

/* P(U <= k) for the Mann-Whitney U of samples of n and m under H0. */
double sf_mw_cdf(int n, int m, int k);
/*
 * Rank k of the confidence interval [d(k), d(nm+1-k)] (1-based) over the
 * nm sorted pairwise differences, for the given level; 0 when samples this
 * small cannot reach it.  *coverage gets the interval's actual coverage.
 */
int sf_mw_ci_rank(int n, int m, double level, double *coverage);

/*
 * Pairing.  Results pair when benchmark, parameters (all of them, defaults
 * included, except the repeat count) and target kind are equal.  The target
 * kind is the filesystem and whether DAX was active ("ext4-dax", "tmpfs"):
 * it says what was measured.  Where it ran (kernel, cmdline, CPU, emulated
 * or not, mount path) is environment: it differs between A and B on
 * purpose and is printed above the table, never used to pair.  With
 * with_target false the target kind is left out too, for an explicit
 * comparison of one target against another (tmpfs against ext4-dax).
 */
void sf_target_key(const struct sf_target *t, char *buf, size_t len);
void sf_result_key(const struct sf_result *r, bool with_target, char *buf, size_t len);

#endif
