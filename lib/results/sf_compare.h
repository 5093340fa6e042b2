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
/*
 * The least floor of a row on a deterministic clock (icount), in percent.
 * Its runs can agree to the instruction and still not be the same from boot
 * to boot: one kernel, booted 20 times under icount (tests/long/icount-boots.sh,
 * docs/patch-review.md), put the p50 of a row in one of two places up to
 * 1.12% apart (6.1 MAP_SYNC written; 6.12 MAP_SYNC hole 1.07%), and an A/A of
 * injected-regression.ini whose three boots a side fell one way each read a
 * rate 0.45% apart with every run agreeing within its side.  A row's own
 * spread across runs cannot see such a split when it falls with the sides,
 * so on this clock no change under this is marked.
 */
#define SF_BOOT_STATE_FLOOR	1.2
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

/* Regularized incomplete beta I_x(a, b). */
double sf_beta_reg(double a, double b, double x);
/* Two-sided p-value of Student's t with df degrees of freedom. */
double sf_t_two_sided_p(double t, double df);
/* The shift a two-sided test at level alpha finds with 80% power, given its standard error. */
double sf_power_shift(double alpha, double df, double se);

/*
 * Runs, not repeats.  Repeats inside one run share its conditions (a
 * guest boot, the host's state), so the runs are the independent samples:
 * one value per run, the median of its repeats, on logs, and a row is
 * tested only with at least SF_MIN_RUNS runs a side (with fewer it is
 * exploratory: shown, never marked).
 *
 * The rows of one stratum (target kind, emulator, timing mode) ran in the
 * same runs, and a run moves its rows together: a slow guest boot makes
 * every time of that boot longer and every rate lower.  The run-level
 * model of a stratum, rows i x runs r, on the cost scale z (log of a time,
 * minus log of a rate: up is worse):
 *
 *	z_ir = a_i + delta_i [r is new] + lambda_i w_r + e_ir
 *
 * w_r is the run's level: its offset (estimated robustly, as the median
 * over the rows that follow the offsets of their deviation from their side
 * mean in that run, centred within each side) plus, on the new side, the
 * shared shift (the median change of those rows).  Each row fits its own
 * lambda (1 for a time that follows the boot's speed, 0 for a counter
 * that does not) by least squares, at the price of one degree of freedom;
 * delta_i, the row's change beyond the shared shift, is what it is tested
 * on, with the residual variance moderated toward the stratum's prior
 * (sf_prior_fit).  Where the offsets spread no more than medians of the
 * rows' own noise would (an F test at 5%: icount, a quiet host) they are
 * left out, with the shared shift's test, and each row is a two-sample
 * test of its runs.  The shared shift has its own test
 * on the spread of the offsets, with nb + nn - 2 degrees of freedom: all
 * rows moved by it, a kernel-wide change or a boot effect.
 */
#define SF_MAX_ROUNDS		64
#define SF_RUNS_MAX		(2 * SF_MAX_ROUNDS)
#define SF_MIN_RUNS		3	/* runs a side for a row to be tested */
#define SF_PRIOR_MIN_ROWS	3	/* rows to learn a variance prior from */
#define SF_PRIOR_TREND_MIN_ROWS	8	/* rows with a covariate to fit a line */
#define SF_FACTOR_MIN_ROWS	8	/* rows following the offsets to estimate them */
#define SF_DF_INFINITE		1e6	/* a t with this many df is the normal */

/*
 * limma's empirical Bayes prior, fitted robustly (Smyth 2004; Phipson et
 * al. 2016, fitFDistRobustly): the rows' variances s2 (df each) are a
 * scaled F(df, d0) sample around s0sq, whose log follows a line in the
 * covariate x where the rows have one (limma-trend: the log of a row's
 * variance within a run).  Moments of the Winsorized log variances set d0
 * and s0sq, so a few very noisy rows do not decide them; those rows get a
 * smaller d0 of their own (shrunk toward what makes them typical), so
 * they are tested mostly on their own variance.
 */
struct sf_prior {
	int rows;		/* rows it was fitted on; < SF_PRIOR_MIN_ROWS: none */
	double d0;		/* prior degrees of freedom (INFINITY: one variance) */
	double s0sq;		/* prior variance at the rows' median covariate */
	bool trend;		/* log s0sq(x) = a + b x */
	double a, b;
	int shrunk;		/* rows with a d0 of their own below d0 */
};

/* 0, or -1 (rows set) when fewer than SF_PRIOR_MIN_ROWS have spread; d0row[i] each row's d0. */
int sf_prior_fit(const double *s2, const double *df, const double *x, int n,
		 struct sf_prior *pr, double *d0row);
/* The prior variance of a row with covariate x (s0sq without a trend or x). */
double sf_prior_s2(const struct sf_prior *pr, double x);
/* The moderated variance of a row (d0 its own), and its degrees of freedom. */
double sf_prior_moderate(const struct sf_prior *pr, double d0, double s2, double df, double x,
			 double *df_post);
double sf_digamma(double x);
double sf_trigamma(double x);

/* One row of a stratum: its runs' values in, its fit out. */
struct sf_run_row {
	int n;			/* runs with a value */
	int col[SF_RUNS_MAX];	/* the run (column of the model) of each */
	double z[SF_RUNS_MAX];	/* cost scale: log, up = worse (raw values without logs) */
	bool logs;		/* every value was > 0: in the offsets and the prior */
	double x;		/* covariate: log of its variance within a run; NAN */
	double vmed;		/* a run median's own variance from its repeats (logs); NAN */
	/* what the fit found */
	int nb, nn;		/* runs a side */
	double mb;		/* base side mean */
	double d;		/* new mean - base mean */
	double est;		/* the change beyond the shared shift (d without offsets) */
	double lambda;		/* how much of the run level it follows */
	double s2, df;		/* residual variance and its degrees of freedom */
	double cee;		/* var(est) / sigma^2 from the design */
	double d0;		/* its prior degrees of freedom */
	double sd, dfv;		/* moderated sd across runs, the test's degrees of freedom */
	double se;		/* standard error of est */
};

struct sf_runs_model {
	int ncol;			/* runs (columns) */
	bool side[SF_RUNS_MAX];		/* true: the run is on the new side */
	/* what the fit found */
	bool factor;			/* run offsets taken out */
	int nfactor;			/* rows that set them */
	double off[SF_RUNS_MAX];	/* each run's offset, centred within its side */
	double boot_sd;			/* sd of the offsets: how far runs moved together */
	double shift, shift_se, shift_df;	/* the shared shift (NAN se without offsets) */
	struct sf_prior prior;
};

/* Fit rows[0..n-1] (set ncol and side first).  0, or -1 out of memory. */
int sf_runs_fit(struct sf_runs_model *m, struct sf_run_row *rows, int n);

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
