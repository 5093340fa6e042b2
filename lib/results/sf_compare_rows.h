/* SPDX-License-Identifier: MIT */
/*
 * The analysis of `syncfault compare`, apart from its printing: pair the
 * results of two sides, build one row per metric of each pair (medians,
 * interval, p-value, detectable change, rounds, variation), then hold the
 * marks to the false discovery rate over all rows at once.  The result is
 * facts only; cli/cmd_compare.c formats them in one pass.
 */
#ifndef SF_COMPARE_ROWS_H
#define SF_COMPARE_ROWS_H

#include <stdbool.h>

#include "sf_attrib.h"
#include "sf_compare.h"
#include "sf_result.h"

/*
 * One side of a comparison: its results, their pairing keys, and the run
 * each came from (the directory of its file: one suite run, one guest
 * boot per target kind).  Without run ids (NULL) a result's run is its
 * place among the results of its key in start order.
 */
struct sf_cmp_side {
	const char *name;		/* "base" or "new" */
	struct sf_result *res;
	int nres;
	const int *run;			/* run id of each result, or NULL */
	/* sf_cmp_side_load's (run points at run_ids): the run directories */
	int *run_ids;
	char **dirs;
	int ndirs;
	const char **keys;		/* pairing key of each result (interned) */
	bool *paired;			/* the other side has its key */
};

/*
 * Pairing keys, interned: equal keys of both sides are one string, so
 * that pairing and grouping compare pointers, and making them is n log n
 * however many results there are.  The strings are owned by pool.
 */
struct sf_cmp_keys {
	char **pool;
	int n;
};

int sf_cmp_make_keys(struct sf_cmp_keys *k, struct sf_cmp_side *b, struct sf_cmp_side *n,
		     bool with_target);
void sf_cmp_keys_free(struct sf_cmp_keys *k, struct sf_cmp_side *b, struct sf_cmp_side *n);
/* Mark the results whose key the other side has; the number of base keys paired. */
int sf_cmp_count_pairs(struct sf_cmp_side *b, struct sf_cmp_side *n);
/* Does every result of a side have one and the same target kind? */
bool sf_cmp_single_target(const struct sf_cmp_side *s);

enum sf_cmp_row_kind {
	SF_ROW_COMPARED,	/* a row of the comparison: counted, held to the FDR */
	SF_ROW_DIAGNOSTIC,	/* a diagnostic metric: shown, never marked */
	SF_ROW_NOT_NUMBER,	/* a repeat value is not a number: not compared */
};

/* What the run-level model found for a row (sf_compare.h), on the cost scale. */
struct sf_cmp_fit {
	int nb, nn;		/* runs a side */
	double est, se, df;	/* change beyond the shared shift, its se, the test's df */
	double lambda;		/* how much of the run level it follows */
	double sd;		/* its moderated sd across runs */
	double d0;		/* the prior's degrees of freedom for it */
	double floor;		/* the noise floor it was held to (%) */
	bool logs;		/* on logs (all values > 0), else raw differences */
	double base;		/* base mean on the cost scale */
};

struct sf_cmp_row {
	enum sf_cmp_row_kind kind;
	const char *metric, *unit;	/* the base result's */
	enum sf_better better;
	/*
	 * What the table prints.  With SF_MIN_RUNS runs a side or more, from
	 * the run-level model: pct the row's change beyond its stratum's
	 * shared shift, lo/hi its 95% interval, p the model's, detectable
	 * the change it marks with 80% power (every rule of the mark in).
	 * With fewer (exploratory): the pooled repeats' Hodges-Lehmann
	 * change and Mann-Whitney interval, verdict SF_SAME, detectable NAN.
	 * base and new: the medians of the pooled repeats.
	 */
	struct sf_change c;
	bool exploratory;	/* fewer than SF_MIN_RUNS runs a side: never marked */
	bool tested;		/* in the model and the false-discovery family */
	struct sf_cmp_fit fit;	/* tested: what the model found */
	int stratum;		/* index into sf_cmp.strata */
	bool marked;		/* a discovery beyond the floor: c.verdict better/worse */
	/*
	 * Tested, not marked, its interval away from 0 (w?/b?): the runs a
	 * side at which a change of the size it showed is marked with 80%
	 * power (sf_cmp_runs_to_mark); 0 otherwise.
	 */
	int need_runs;
	double cv_rep, cv_run;	/* base variation: in one run, across runs; NAN if none */
};

enum sf_cmp_state {
	SF_PAIR_OK,
	SF_PAIR_FAILED_NEW,	/* failed in new and ok in base: a regression */
	SF_PAIR_NOT_COMPARED,	/* no ok result on one side */
};

struct sf_cmp_failed_check {
	const char *side;	/* "base" or "new" */
	const struct sf_check *check;
};

struct sf_cmp_pair {
	const char *key;
	const struct sf_result *rb, *rn;	/* the first of each side: the title */
	enum sf_cmp_state state;
	const struct sf_result *bad;		/* the failed result (not ok states) */
	bool bad_in_base;
	struct sf_cmp_row *rows;
	int nrows;
	char only_base[1024], only_new[1024];	/* metric names, ", " between */
	/* the kernel phases that moved (attribution passes on both sides) */
	struct sf_attrib_delta delta[SF_EV_NKINDS * SF_EV_NKINDS];
	int ndelta;
	/* contention: both sides' per-role facts (lock hold, lock wait) */
	bool roles;
	struct sf_attrib_roles roles_b, roles_n;
	struct sf_cmp_failed_check *checks;
	int nchecks;
};

struct sf_cmp_tally {
	int pairs, metrics, better, worse, same, no_ci, status_worse;
	int unconfirmed;	/* tested, interval excludes 0, not a discovery (w?/b?) */
	int exploratory;	/* rows on fewer than SF_MIN_RUNS runs a side */
	int shared_worse, shared_better;	/* strata whose shared shift is marked */
	int detect5;		/* tested rows whose detectable change is 5% or less */
	int min_runs;		/* fewest runs a side of any compared row */
	/* variation of the base side: medians over the rows that have it */
	double cv_rep, cv_run;
	int ncv_rep, ncv_run;
};

#define SF_CMP_MAX_STRATA	16
#define SF_CMP_NEED		3	/* runs a side the needed-power lines are for */

/* The rows of one stratum: target kind, emulator and timing mode. */
struct sf_cmp_stratum {
	char name[96];
	bool deterministic;	/* icount: times count instructions */
	int rows, tested;	/* rows, rows in the model's test */
	int nb, nn;		/* runs a side (the model's columns) */
	struct sf_runs_model model;
	/* the shared shift, as a row: pct, lo/hi, p, detectable, verdict */
	struct sf_change shift;
	bool has_shift, shift_marked;
	double shift_floor;	/* its floor: the spread of the offsets (%) */
	double floor;		/* median floor of its rows (%) */
	bool fixed_floor;	/* --noise: one floor for every row */
	/* 80% power at this change (%) with need_runs[k] runs a side, from its spread */
	double need[SF_CMP_NEED];
};

extern const int sf_cmp_need_runs[SF_CMP_NEED];

struct sf_cmp {
	struct sf_cmp_pair *pairs;
	int npairs;
	int nfdr;		/* tested rows and shared shifts: the FDR family */
	double cutoff;		/* the largest p that is a discovery */
	double alpha;		/* the level a lone discovery needed: the detectable's */
	double noise;		/* --noise: a fixed floor (%), or NAN: each row's spread */
	struct sf_cmp_stratum strata[SF_CMP_MAX_STRATA];
	int nstrata;
	struct sf_cmp_tally t;
};

/*
 * Build every pair's rows (pairs in the order of the base results), fit
 * the run-level model of each stratum, apply the false-discovery-rate cut
 * at fdr over the tested rows and shared shifts (fdr 0: none, each at
 * 5%), and count.  noise: a fixed floor in %, or NAN for each row's own
 * (its moderated sd across runs).  Call sf_cmp_count_pairs first.
 * Returns 0, -1 out of memory.
 */
int sf_cmp_build(struct sf_cmp_side *b, struct sf_cmp_side *n, double noise, double fdr,
		 struct sf_cmp *out);
/* Internal to lib/results: the model, the cut and the count over built pairs. */
int sf_cmp_decide(struct sf_cmp_side *b, struct sf_cmp_side *n, double fdr, struct sf_cmp *c);
/*
 * The runs a side at which a change of |est| (the cost scale) is marked
 * with 80% power in a row whose fit is f, at the level alpha: its standard
 * error shrinks as its runs grow, its degrees of freedom grow with them,
 * the floor stays.  SF_NEED_FLOOR when |est| is within the floor (no
 * number of runs marks it), SF_NEED_MORE beyond SF_MAX_ROUNDS.
 */
#define SF_NEED_FLOOR	(-1)
#define SF_NEED_MORE	(-2)
int sf_cmp_runs_to_mark(const struct sf_cmp_fit *f, enum sf_better better, double est,
			double alpha);
/*
 * The run values of a row on one side: run ids, run medians, their repeats'
 * robust cv and (vmed, or NULL) the bootstrap variance of each median on
 * logs (sf_median_boot_var; NAN with a value <= 0); their count.
 */
int sf_cmp_run_values(const struct sf_cmp_side *s, const char *key, const char *metric,
		      int *ids, double *med, double *cv, double *vmed);
void sf_cmp_free(struct sf_cmp *c);

/*
 * What one row concludes, whatever model made it: the interface that
 * readers of a comparison other than its table use (bisect's decision,
 * the report's findings, the A/B page's forest plot), so that they state
 * what the table states.
 */
struct sf_cmp_effect {
	double pct;		/* change in %, positive = better; NAN if none */
	double lo, hi;		/* the interval the decision used; NAN if none */
	double detectable;	/* change (%) the row finds with 80% power; NAN if unknown */
	enum sf_verdict verdict;	/* SF_BETTER/SF_WORSE only when marked and confirmed */
	bool exploratory;	/* too few runs to mark anything: shown, never marked */
};
void sf_cmp_row_effect(const struct sf_cmp_row *r, struct sf_cmp_effect *e);

#endif
