/* SPDX-License-Identifier: MIT */
/*
 * The findings of a run: per question of docs/design.md, the facts the
 * results hold, from what each benchmark declares (struct sf_finding in
 * sf_bench.h), never from the name of a suite.  Comparisons within a run
 * (MAP_SYNC against none, loaded against idle) are made as compare makes
 * them and read through sf_cmp_row_effect(), so a finding states what a
 * compare of the same results would.  Nothing here prints; report/ phrases
 * the facts.
 */
#ifndef SF_FINDINGS_H
#define SF_FINDINGS_H

#include <stdbool.h>
#include <stddef.h>

#include "sf_analysis.h"
#include "sf_bench.h"
#include "sf_compare_rows.h"

struct sf_fact {
	const struct sf_bench *bench;
	const struct sf_finding *decl;
	/*
	 * CONTRAST: a where param is value, b where it is against; PAIR: a
	 * the result (metric), b == a (metric2); BEST: a the best result of
	 * one value of by; BREAKEVEN: a one result of the group
	 */
	const struct sf_result *a, *b;
	double va, vb;		/* medians of the per-repeat values; BEST: a's */
	double lo, hi;		/* BEST: the range of a's repeats */
	/* CONTRAST, PAIR: the comparison row's conclusion, and as va/vb with its interval */
	struct sf_cmp_effect e;
	double ratio, ratio_lo, ratio_hi;	/* ratio_lo/hi NAN without an interval */
	int nb, nn;		/* CONTRAST, PAIR: repeats on each side */
	struct sf_be_pair be;	/* BREAKEVEN */
};

struct sf_findings {
	struct sf_fact *f;
	int n;
	size_t cap;
};

/*
 * The facts of res[0..n) for every finding the benchmarks (ended by NULL)
 * declare, in question order, then in the order of the declarations and
 * of the results.  Results that did not run are not facts.  0, or -1 out
 * of memory.
 */
int sf_findings_build(struct sf_result *res, int n, const struct sf_bench *const *benches,
		      struct sf_findings *out);
void sf_findings_free(struct sf_findings *fs);
bool sf_findings_have(const struct sf_findings *fs, enum sf_question q);

/* A question as a heading ("Page-fault cost") and what would measure it. */
const char *sf_question_title(enum sf_question q);
const char *sf_question_how(enum sf_question q);

/* The change of an effect as new/base (x8.0 for a fault 8 times dearer). */
double sf_effect_ratio(enum sf_better better, double pct);

#endif
