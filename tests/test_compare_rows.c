// SPDX-License-Identifier: MIT
/*
 * The rows of compare as facts: one or two runs a side exploratory and
 * never marked, three runs a side decided by the run-level model (a steady
 * regression marked, overlapping runs not), a run that failed only in
 * new, diagnostics kept out of the count, and metrics on one side only.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sf_compare_rows.h"

#define MAXR	40

static struct sf_result res[2][MAXR];
static struct sf_metric met[2][MAXR][2];
static double vals[2][MAXR][2][8];
static struct sf_kv kv[2][MAXR];
static char cls[2][MAXR][16];

struct fixture {
	struct sf_cmp_side b, n;
	struct sf_cmp_keys k;
	struct sf_cmp c;
};

/* A result of fault class=cN with metric "lat" at v[0..nv-1] (ns, lower is better). */
static struct sf_result *add(struct sf_cmp_side *s, int side, int point, const char *started,
			     const double *v, int nv)
{
	int i = s->nres++;
	struct sf_result *r = &res[side][i];

	memset(r, 0, sizeof(*r));
	snprintf(r->bench, sizeof(r->bench), "fault");
	snprintf(cls[side][i], sizeof(cls[0][0]), "c%d", point);
	kv[side][i].k = "class";
	kv[side][i].v = cls[side][i];
	r->params = &kv[side][i];
	r->nparams = 1;
	snprintf(r->started, sizeof(r->started), "%s", started);
	snprintf(r->target.fs, sizeof(r->target.fs), "tmpfs");
	memcpy(vals[side][i][0], v, nv * sizeof(*v));
	memset(&met[side][i], 0, sizeof(met[side][i]));
	snprintf(met[side][i][0].name, sizeof(met[0][0][0].name), "lat");
	snprintf(met[side][i][0].unit, sizeof(met[0][0][0].unit), "ns");
	met[side][i][0].repeats = vals[side][i][0];
	met[side][i][0].nrepeats = nv;
	r->metrics = met[side][i];
	r->nmetrics = 1;
	s->res = res[side];
	return r;
}

/* A second metric on r: name, which way is better, the same values as lat. */
static void add_metric(struct sf_result *r, const char *name, enum sf_better better)
{
	struct sf_metric *m = &r->metrics[1];

	*m = r->metrics[0];
	snprintf(m->name, sizeof(m->name), "%s", name);
	m->better = better;
	r->nmetrics = 2;
}

static void build(struct fixture *f, double fdr)
{
	assert_int_equal(sf_cmp_make_keys(&f->k, &f->b, &f->n, true), 0);
	assert_true(sf_cmp_count_pairs(&f->b, &f->n) > 0);
	assert_int_equal(sf_cmp_build(&f->b, &f->n, 2.0, fdr, &f->c), 0);
}

static void done(struct fixture *f)
{
	sf_cmp_free(&f->c);
	sf_cmp_keys_free(&f->k, &f->b, &f->n);
}

static const double same4[4] = { 100, 101, 99, 100.5 };
static const double worse4[4] = { 110, 111, 109, 110.5 };	/* 10% slower, apart */

/*
 * One run a side, however clear: exploratory.  The pooled repeats' change
 * and interval are shown, nothing is marked, and the row is not in the
 * false-discovery family (there is no test to hold to it).
 */
static void test_one_run_is_exploratory(void **state)
{
	struct fixture f = { .b.name = "base", .n.name = "new" };
	const struct sf_cmp_row *r;
	struct sf_cmp_effect e;

	add(&f.b, 0, 0, "1", same4, 4);
	add(&f.n, 1, 0, "1", worse4, 4);
	build(&f, 0.05);
	r = &f.c.pairs[0].rows[0];
	assert_int_equal(f.c.npairs, 1);
	assert_true(r->exploratory);
	assert_false(r->tested);
	assert_false(r->marked);
	assert_int_equal(r->c.verdict, SF_SAME);
	assert_float_equal(r->c.p, 2.0 / 70, 1e-9);	/* the repeats' own test, shown */
	assert_true(r->c.excludes_zero);
	assert_float_equal(r->c.pct, -10, 0.5);
	assert_int_equal(f.c.nfdr, 0);
	assert_int_equal(f.c.t.worse, 0);
	assert_int_equal(f.c.t.exploratory, 1);
	assert_int_equal(f.c.t.min_runs, 1);
	sf_cmp_row_effect(r, &e);
	assert_true(e.exploratory);
	assert_int_equal(e.verdict, SF_SAME);
	assert_true(isnan(e.detectable));
	assert_float_equal(e.lo, r->c.lo, 0);
	done(&f);
}

/* Two runs a side, each 30% slower: still exploratory, nothing marked. */
static void test_two_runs_are_exploratory(void **state)
{
	static const double slow[4] = { 130, 131, 129, 130.5 };
	struct fixture f = { .b.name = "base", .n.name = "new" };

	add(&f.b, 0, 0, "1", same4, 4);
	add(&f.b, 0, 0, "2", same4, 4);
	add(&f.n, 1, 0, "1", slow, 4);
	add(&f.n, 1, 0, "2", slow, 4);
	build(&f, 0.05);
	assert_true(f.c.pairs[0].rows[0].exploratory);
	assert_false(f.c.pairs[0].rows[0].marked);
	assert_int_equal(f.c.t.worse, 0);
	assert_int_equal(f.c.t.min_runs, 2);
	/* two runs of the same point on the base side: an across-run cv */
	assert_int_equal(f.c.t.ncv_run, 1);
	assert_int_equal(f.c.t.ncv_rep, 1);
	done(&f);
}

/*
 * Three rounds a side of point 0 with round medians at mb[] and mn[]; with
 * others, nine unchanged points whose rounds vary by about 3% too (so the
 * rows teach the model what a round varies by), else one round each.
 */
static void three_rounds(struct fixture *f, const double *mb, const double *mn, bool others)
{
	static double v[2][10][3][4];
	static const char *const started[3] = { "1", "2", "3" };

	for (int p = 0; p < 10; p++)
		for (int i = 0; i < 3; i++)
			for (int j = 0; j < 4; j++) {
				double wb = 100 * (1 + 0.03 * sin(1.7 * p + 2.1 * i));
				double wn = 100 * (1 + 0.03 * sin(1.3 * p + 2.1 * i + 1));

				v[0][p][i][j] = (p ? wb : mb[i]) * (1 + 0.01 * (j - 1.5));
				v[1][p][i][j] = (p ? wn : mn[i]) * (1 + 0.01 * (j - 1.5));
			}
	for (int p = 0; p < 10; p++)
		for (int i = 0; i < (p && !others ? 1 : 3); i++) {
			add(&f->b, 0, p, started[i], v[0][p][i], 4);
			add(&f->n, 1, p, started[i], v[1][p][i], 4);
		}
}

static void fresh(struct fixture *f)
{
	memset(f, 0, sizeof(*f));
	f->b.name = "base";
	f->n.name = "new";
}

/*
 * With runs, the run-level model decides.  A 50% regression as steady as
 * the other rows is marked, its interval the model's; the same among ten
 * rows is one test among ten; a row whose runs overlap however clear its
 * pooled repeats are is not marked.
 */
static void test_runs_decide(void **state)
{
	static const double steady[3] = { 97, 100, 103 }, steady_slow[3] = { 150, 155, 147 };
	static const double spread[3] = { 90, 100, 118 }, overlap[3] = { 120, 125, 200 };
	struct fixture f;
	const struct sf_cmp_row *r;
	struct sf_cmp_effect e;

	fresh(&f);
	three_rounds(&f, steady, steady_slow, true);
	build(&f, 0.05);
	r = &f.c.pairs[0].rows[0];
	/* ten rows; their runs vary each its own way, so no offsets and no shared shift */
	assert_int_equal(f.c.nfdr, 10);
	assert_false(f.c.strata[0].model.factor);
	assert_int_equal(f.c.nstrata, 1);
	assert_true(r->tested && !r->exploratory);
	assert_int_equal(r->fit.nb, 3);
	assert_true(r->c.p < 0.005);	/* below 0.05/10 */
	assert_true(r->marked);
	assert_int_equal(r->c.verdict, SF_WORSE);
	assert_true(r->c.pct < -40 && r->c.pct > -60);
	assert_true(r->c.hi < 0 && r->c.lo < r->c.pct && r->c.hi > r->c.pct);
	sf_cmp_row_effect(r, &e);
	assert_int_equal(e.verdict, SF_WORSE);
	assert_false(e.exploratory);
	assert_float_equal(e.lo, r->c.lo, 0);
	assert_true(isfinite(e.detectable));
	assert_int_equal(f.c.t.worse, 1);
	assert_int_equal(f.c.t.better, 0);
	done(&f);

	/* alone with runs: one test, its own variance (no prior from one row) */
	fresh(&f);
	three_rounds(&f, steady, steady_slow, false);
	build(&f, 0.05);
	r = &f.c.pairs[0].rows[0];
	assert_int_equal(f.c.nfdr, 1);
	assert_int_equal(f.c.strata[0].model.prior.rows, 1);
	assert_true(r->tested);
	assert_int_equal(f.c.t.exploratory, 9);
	done(&f);

	/* overlapping runs: not marked, however the pooled repeats look */
	fresh(&f);
	three_rounds(&f, spread, overlap, true);
	build(&f, 0.05);
	r = &f.c.pairs[0].rows[0];
	assert_true(r->tested);
	assert_false(r->marked);
	assert_int_equal(f.c.t.worse, 0);
	for (int i = 1; i < f.c.npairs; i++)
		assert_false(f.c.pairs[i].rows[0].marked);
	done(&f);
}

/*
 * Repeats that take two levels (flush size=64 in a real-time TCG guest: a
 * repeat is about 172 or 48 ns): each run's median is whichever level won
 * its five repeats, and three runs a side that fell one way each read as a
 * steady change (the real A/A of 2026-12-07: A 11 of 15 repeats high, A2 6
 * of 15, medians 172 vs 48-50 ns, marked).  The medians' own bootstrap
 * variance holds the row's variance, and it is not marked.  The same
 * medians from tight repeats are.
 */
static void test_two_level_repeats(void **state)
{
	static const double lv[2][3][5] = {
		{ { 49, 172, 172, 172, 172 }, { 52, 179, 172, 171, 49 }, { 215, 172, 49, 169, 173 } },
		{ { 48, 175, 47, 48, 205 }, { 50, 50, 49, 208, 202 }, { 172, 49, 50, 51, 173 } },
	};
	static const double tight[2][3][5] = {
		{ { 171, 172, 172, 172, 173 }, { 170, 172, 172, 171, 173 }, { 172, 172, 171, 172, 173 } },
		{ { 48, 48, 47, 48, 49 }, { 50, 50, 49, 50, 51 }, { 50, 49, 50, 51, 50 } },
	};
	static const char *const started[3] = { "1", "2", "3" };
	static const double flat[3] = { 100, 100, 100 };
	const double (*v)[3][5] = lv;
	struct fixture f;
	int seen = 0;

	(void)state;
	for (int pass = 0; pass < 2; pass++, v = tight) {
		fresh(&f);
		three_rounds(&f, flat, flat, true);
		for (int i = 0; i < 3; i++) {	/* point 10, the two-level row */
			add(&f.b, 0, 10, started[i], v[0][i], 5);
			add(&f.n, 1, 10, started[i], v[1][i], 5);
		}
		build(&f, 0.05);
		for (int i = 0; i < f.c.npairs; i++) {
			const struct sf_cmp_row *r = &f.c.pairs[i].rows[0];

			if (f.c.pairs[i].key && strstr(f.c.pairs[i].key, "class=c10")) {
				seen++;
				assert_true(r->tested);
				assert_true(r->c.pct > 60);	/* 172 -> 48-50 ns */
				assert_int_equal(r->marked, pass == 1);
			}
		}
		done(&f);
	}
	assert_int_equal(seen, 2);
}

/*
 * The runs a side a w?/b? row would need, by hand: 3 runs a side, se 0.1
 * on logs, 4 df, floor 1%, level 0.05.  At n runs the se is 0.1 sqrt(3/n)
 * and the df 2n - 2, so a change of 0.25 needs (t(0.975) + t(0.8)) se <=
 * 0.25: at 4 runs (2.447 + 0.906) 0.0866 = 0.290, at 5 (2.306 + 0.889)
 * 0.0775 = 0.248: 5.  Within the floor no number of runs marks it; with a
 * se a hundred times larger, not within SF_MAX_ROUNDS.
 */
static void test_runs_to_mark(void **state)
{
	struct sf_cmp_fit f = { .nb = 3, .nn = 3, .se = 0.1, .df = 4, .floor = 1, .logs = true };

	assert_int_equal(sf_cmp_runs_to_mark(&f, SF_LOWER, 0.25, 0.05), 5);
	assert_int_equal(sf_cmp_runs_to_mark(&f, SF_LOWER, -0.25, 0.05), 5);
	assert_int_equal(sf_cmp_runs_to_mark(&f, SF_LOWER, 0.009, 0.05), SF_NEED_FLOOR);
	f.se = 10;
	assert_int_equal(sf_cmp_runs_to_mark(&f, SF_LOWER, 0.25, 0.05), SF_NEED_MORE);
}

/* Failed in new, ok in base: the pair is a regression, without rows. */
static void test_failed_only_in_new(void **state)
{
	struct fixture f = { .b.name = "base", .n.name = "new" };
	struct sf_result *r;

	add(&f.b, 0, 0, "1", same4, 4);
	r = add(&f.n, 1, 0, "1", same4, 4);
	r->status = SF_ERROR;
	snprintf(r->reason, sizeof(r->reason), "mmap failed");
	build(&f, 0.05);
	assert_int_equal(f.c.pairs[0].state, SF_PAIR_FAILED_NEW);
	assert_ptr_equal(f.c.pairs[0].bad, r);
	assert_int_equal(f.c.pairs[0].nrows, 0);
	assert_int_equal(f.c.t.status_worse, 1);
	assert_int_equal(f.c.t.pairs, 1);
	done(&f);

	/* failed in base: not compared, and not a regression */
	res[1][0].status = SF_OK;
	res[0][0].status = SF_ERROR;
	build(&f, 0.05);
	assert_int_equal(f.c.pairs[0].state, SF_PAIR_NOT_COMPARED);
	assert_true(f.c.pairs[0].bad_in_base);
	assert_int_equal(f.c.t.status_worse, 0);
	done(&f);
}

/* A diagnostic is a row, never marked nor held to the FDR; one-sided metrics are named. */
static void test_diagnostic_and_one_sided(void **state)
{
	struct fixture f = { .b.name = "base", .n.name = "new" };
	struct sf_result *rb, *rn;

	rb = add(&f.b, 0, 0, "1", same4, 4);
	rn = add(&f.n, 1, 0, "1", worse4, 4);
	add_metric(rb, "steps", SF_DIAGNOSTIC);
	add_metric(rn, "steps", SF_DIAGNOSTIC);
	build(&f, 0.05);
	assert_int_equal(f.c.pairs[0].nrows, 2);
	assert_int_equal(f.c.pairs[0].rows[1].kind, SF_ROW_DIAGNOSTIC);
	assert_false(f.c.pairs[0].rows[1].marked);
	assert_int_equal(f.c.nfdr, 0);	/* one run a side: exploratory, no test */
	assert_int_equal(f.c.t.metrics, 1);
	done(&f);

	snprintf(rn->metrics[1].name, sizeof(rn->metrics[1].name), "other");
	build(&f, 0.05);
	assert_int_equal(f.c.pairs[0].nrows, 1);
	assert_string_equal(f.c.pairs[0].only_base, "steps");
	assert_string_equal(f.c.pairs[0].only_new, "other");
	done(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_run_is_exploratory),
		cmocka_unit_test(test_two_runs_are_exploratory),
		cmocka_unit_test(test_runs_decide),
		cmocka_unit_test(test_two_level_repeats),
		cmocka_unit_test(test_runs_to_mark),
		cmocka_unit_test(test_failed_only_in_new),
		cmocka_unit_test(test_diagnostic_and_one_sided),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
