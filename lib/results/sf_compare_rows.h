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

/* One side of a comparison: its results and their pairing keys. */
struct sf_cmp_side {
	const char *name;		/* "base" or "new" */
	struct sf_result *res;
	int nres;
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

struct sf_cmp_row {
	enum sf_cmp_row_kind kind;
	const char *metric, *unit;	/* the base result's */
	struct sf_change c;	/* pooled repeats: estimate, CI, Mann-Whitney p */
	bool has_rounds;	/* >= 3 rounds a side: rounds holds their statistics */
	struct sf_rounds rounds;
	/*
	 * The rounds test (moderated t, sf_rounds_p, with the comparison's
	 * prior); NAN without rounds.  Where it is a number it is the row's
	 * p-value in the FDR family, in place of c.p.
	 */
	double p_rounds;
	int stratum;		/* index into sf_cmp.strata: whose prior */
	bool own_variance;	/* tested on its own rounds alone (sf_rounds_own) */
	bool marked;		/* verdict better or worse */
	bool rounds_ok;		/* with rounds a side: the change shows in each */
	bool round_disagree;	/* a round showed it otherwise (or not beyond the floor) */
	bool confirmed;		/* marked and a discovery, or unmarked: the mark holds */
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
	int pairs, metrics, better, worse, same, no_ci, status_worse, unconfirmed;
	int round_disagree;	/* of the unconfirmed: not the same way every round */
	int detect5;		/* rows whose detectable change is 5% or less */
	int own_variance;	/* rows with rounds tested on their own variance */
	/* variation of the base side: medians over the rows that have it */
	double cv_rep, cv_run;
	int ncv_rep, ncv_run;
};

#define SF_CMP_MAX_STRATA	16

struct sf_cmp {
	struct sf_cmp_pair *pairs;
	int npairs;
	int nfdr;		/* the rows the false discovery rate is over */
	double cutoff;		/* the largest p that is a discovery */
	/* the rounds test's priors, one per target kind (prior.rows 0: none) */
	struct sf_cmp_stratum {
		char name[96];
		struct sf_rounds_prior prior;
	} strata[SF_CMP_MAX_STRATA];
	int nstrata;
	struct sf_cmp_tally t;
};

/*
 * Build every pair's rows (pairs in the order of the base results), apply
 * the false-discovery-rate cut at fdr over all rows (fdr 0: none), and
 * count.  Call sf_cmp_count_pairs first.  Returns 0, -1 out of memory.
 */
int sf_cmp_build(struct sf_cmp_side *b, struct sf_cmp_side *n, double noise, double fdr,
		 struct sf_cmp *out);
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
