// SPDX-License-Identifier: MIT
/*
 * Known-answer tests for compare's statistics: synthetic per-repeat values
 * from known distributions (unimodal, bimodal, heavy-tailed) with known
 * shifts (0, 2, 5, 20%), many deterministic seeds.  Each seed is one
 * report: every row gets its Mann-Whitney p and the report's
 * Benjamini-Hochberg cutoff, as syncfault compare does.  Asserted:
 *  - at 0% the share of rows marked (false positives) is at most the
 *    nominal 5%;
 *  - of the rows whose true shift is above the detectable effect compare
 *    states for them, at least 80% are marked (the power it claims), and
 *    a 20% shift is marked in every seed;
 *  - a mark on a real shift always points the right way (never "better"
 *    for a slowdown).
 * The rates are printed, so the test log reports them.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "sf_compare.h"

#define SEEDS	300
#define REPS	10
#define NDIST	3
#define NSHIFT	4

static const double shifts[NSHIFT] = { 0, 2, 5, 20 };
static const char *const dist_names[NDIST] = { "unimodal", "bimodal", "heavy-tailed" };

static uint64_t rng_state;

static uint64_t rng(void)	/* splitmix64: seeded, reproducible */
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static double uniform(void)
{
	return ((double)(rng() >> 11) + 0.5) / 9007199254740992.0;
}

static double gauss(void)
{
	return sqrt(-2 * log(uniform())) * cos(2 * M_PI * uniform());
}

/* One repeat's value around 1000 ns (1% spread), shifted by pct. */
static double draw(int dist, double pct)
{
	double v = 1000 * (1 + pct / 100);

	switch (dist) {
	case 0:		/* lognormal, 1% */
		return v * exp(0.01 * gauss());
	case 1:		/* 30% of repeats land in a mode 8% higher */
		return v * exp(0.01 * gauss()) * (uniform() < 0.3 ? 1.08 : 1);
	default: {	/* Student t, 3 degrees of freedom: rare far outliers */
		double chi = 0;

		for (int i = 0; i < 3; i++) {
			double g = gauss();

			chi += g * g;
		}
		return v * exp(0.01 * gauss() / sqrt(chi / 3));
	}
	}
}

struct tallies {
	int rows[NDIST][NSHIFT], marked[NDIST][NSHIFT], wrong_way;
	int above, above_marked;	/* rows whose shift exceeds their stated detectable */
	double detectable[NDIST][NSHIFT];	/* sum, for the mean */
};

static void one_report(struct tallies *t)
{
	struct sf_change c[NDIST][NSHIFT];
	double p[NDIST * NSHIFT], cut;

	for (int d = 0; d < NDIST; d++)
		for (int s = 0; s < NSHIFT; s++) {
			double b[REPS], n[REPS];

			for (int i = 0; i < REPS; i++) {
				b[i] = draw(d, 0);
				n[i] = draw(d, shifts[s]);
			}
			assert_int_equal(sf_compare_values(b, REPS, n, REPS, SF_LOWER,
							   SF_NOISE_DEFAULT, &c[d][s]), 0);
			p[d * NSHIFT + s] = c[d][s].p;
		}
	cut = sf_fdr_cutoff(p, NDIST * NSHIFT, SF_FDR_DEFAULT);
	for (int d = 0; d < NDIST; d++)
		for (int s = 0; s < NSHIFT; s++) {
			const struct sf_change *x = &c[d][s];
			bool marked = (x->verdict == SF_BETTER || x->verdict == SF_WORSE) && x->p <= cut;

			assert_true(isfinite(x->detectable));
			t->rows[d][s]++;
			t->marked[d][s] += marked;
			t->wrong_way += marked && s > 0 && x->verdict == SF_BETTER;
			t->detectable[d][s] += x->detectable;
			if (shifts[s] > x->detectable) {
				t->above++;
				t->above_marked += marked;
			}
		}
}

static void known_answers(void **state)
{
	static struct tallies t;
	int fp = 0, zero = 0;

	for (int seed = 1; seed <= SEEDS; seed++) {
		rng_state = (uint64_t)seed * 0x2545f4914f6cdd1dull;
		one_report(&t);
	}
	printf("known-answer test: %d seeds, %d vs %d repeats, noise floor %.0f%%, FDR %.0f%%\n",
	       SEEDS, REPS, REPS, SF_NOISE_DEFAULT, SF_FDR_DEFAULT * 100);
	for (int d = 0; d < NDIST; d++) {
		printf("  %-13s", dist_names[d]);
		for (int s = 0; s < NSHIFT; s++)
			printf("  %2.0f%%: marked %5.1f%% (detectable %.1f%%)", shifts[s],
			       100.0 * t.marked[d][s] / t.rows[d][s], t.detectable[d][s] / t.rows[d][s]);
		printf("\n");
		fp += t.marked[d][0];
		zero += t.rows[d][0];
	}
	printf("  false-positive rate at 0%%: %d of %d rows = %.2f%% (nominal 5%%)\n",
	       fp, zero, 100.0 * fp / zero);
	printf("  rows with a shift above their stated detectable effect: %d, marked %.1f%%\n",
	       t.above, 100.0 * t.above_marked / (t.above ? t.above : 1));
	assert_true(fp <= 0.05 * zero);
	assert_int_equal(t.wrong_way, 0);
	assert_true(t.above > 0);
	assert_true(t.above_marked >= 0.8 * t.above);
	for (int d = 0; d < NDIST; d++)
		assert_int_equal(t.marked[d][NSHIFT - 1], SEEDS);
}

/*
 * Rounds (syncfault ab): a suite of ROWS rows, 3 runs a side.  A run's value
 * of a row is its median; runs vary by their own spread, which differs
 * from row to row (lognormal around 5%, as measured across runs on these
 * machines: 1% to 20%), plus a boot effect every row of a run shares (2%).
 * Each row gets the rounds test with the prior fitted to all rows, the
 * suite the Benjamini-Hochberg cut, a mark also needs the noise floor.
 * Asserted: an A/A flags at most 1% of rows and the share of A/As that
 * flag anything (the FDR when nothing changed) is at most the nominal 5%
 * (10% without the shared boot effect, where the rows are more unlike
 * than the prior's shape: the price of borrowing strength); with a tenth of the rows shifted, rows whose
 * shift is above the detectable change stated for them are found at
 * least 80% of the time, and never the wrong way.
 */
#define ROWS	200
#define ROUNDS	3

struct rounds_tally {
	long rows, flagged, reports_flagging, above, above_found, shifted, shifted_found, wrong;
};

static void one_suite(double shift_pct, double boot_sd, struct rounds_tally *t)
{
	static struct sf_rounds r[ROWS];
	const struct sf_rounds *rp[ROWS];
	struct sf_rounds_prior pr;
	double boot[2][ROUNDS], p[ROWS], cut, alpha;
	int flagged = 0;

	for (int s = 0; s < 2; s++)
		for (int k = 0; k < ROUNDS; k++)
			boot[s][k] = boot_sd * gauss();
	for (int i = 0; i < ROWS; i++) {
		double sd = 0.05 * exp(0.6 * gauss()), v[2][ROUNDS];
		bool shifted = shift_pct > 0 && i < ROWS / 10;

		for (int s = 0; s < 2; s++)
			for (int k = 0; k < ROUNDS; k++)
				v[s][k] = 1000 * exp(boot[s][k] + sd * gauss()) *
					  (s && shifted ? 1 + shift_pct / 100 : 1);
		assert_int_equal(sf_rounds_stats(v[0], ROUNDS, v[1], ROUNDS, &r[i]), 0);
		rp[i] = &r[i];
	}
	assert_int_equal(sf_rounds_prior_fit(rp, ROWS, &pr), 0);
	for (int i = 0; i < ROWS; i++)
		p[i] = sf_rounds_p(&r[i], &pr);
	cut = sf_fdr_cutoff(p, ROWS, SF_FDR_DEFAULT);
	alpha = fmax(cut, SF_FDR_DEFAULT / ROWS);
	for (int i = 0; i < ROWS; i++) {
		bool shifted = shift_pct > 0 && i < ROWS / 10;
		double pct = (exp(r[i].diff) - 1) * 100;
		bool mark = p[i] <= cut && fabs(pct) > SF_NOISE_DEFAULT;
		double det = fmax(sf_rounds_detectable_pct(&r[i], &pr, alpha), SF_NOISE_DEFAULT);

		t->rows++;
		flagged += mark && !shifted;
		t->wrong += mark && shifted && pct < 0;
		t->shifted += shifted;
		t->shifted_found += shifted && mark;
		if (shifted && shift_pct > det) {
			t->above++;
			t->above_found += mark;
		}
	}
	t->flagged += flagged;
	t->reports_flagging += flagged > 0;
}

static void rounds_case(double shift, double boot_sd, struct rounds_tally *t)
{
	for (int seed = 1; seed <= SEEDS; seed++) {
		rng_state = (uint64_t)seed * 0x9e3779b97f4a7c15ull + (uint64_t)(shift * 7 + boot_sd * 1000);
		one_suite(shift, boot_sd, t);
	}
	printf("  shift %2.0f%% on %s, boot effect %.0f%%: unshifted rows flagged %.2f%%, "
	       "suites flagging any %.1f%%", shift, shift ? "a tenth of the rows" : "no row",
	       boot_sd * 100, 100.0 * t->flagged / (t->rows - t->shifted),
	       100.0 * t->reports_flagging / SEEDS);
	if (t->shifted)
		printf("; shifted rows found %.1f%%, of those above their detectable %.1f%% (%ld)",
		       100.0 * t->shifted_found / t->shifted,
		       100.0 * t->above_found / (t->above ? t->above : 1), t->above);
	printf("\n");
	assert_true(t->flagged <= 0.01 * (t->rows - t->shifted));
	assert_int_equal(t->wrong, 0);
	if (t->above >= 20)
		assert_true(t->above_found >= 0.8 * t->above);
}

static void known_answers_rounds(void **state)
{
	static const double shift[] = { 0, 5, 20, 50 };
	struct rounds_tally t;

	printf("known-answer test, rounds: %d seeds, %d rows, %d vs %d runs, spread across runs "
	       "5%% (lognormal, sd 0.6)\n", SEEDS, ROWS, ROUNDS, ROUNDS);
	for (size_t k = 0; k < sizeof(shift) / sizeof(shift[0]); k++) {
		t = (struct rounds_tally){ 0 };
		rounds_case(shift[k], 0.02, &t);
		if (!shift[k])	/* no change anywhere: the FDR is the chance of any flag */
			assert_true(t.reports_flagging <= 0.05 * SEEDS);
	}
	/* without a shared boot effect the rows are more unlike: stated, held to 2x */
	t = (struct rounds_tally){ 0 };
	rounds_case(0, 0, &t);
	assert_true(t.reports_flagging <= 0.10 * SEEDS);
}

/* The detectable effect itself: grows with spread, shrinks with repeats, floored. */
static void detectable_shape(void **state)
{
	double a = sf_detectable_pct(0.05, 5, 5, true, 1, 2);
	double b = sf_detectable_pct(0.05, 20, 20, true, 1, 2);
	double c = sf_detectable_pct(0.10, 5, 5, true, 1, 2);

	assert_true(a > b && c > a);
	/* 5 vs 5, df 8: (2.306 + 0.889) * 0.05 * sqrt(0.4) * 1.0233 = 0.1034 on logs */
	assert_float_equal(a, (exp(0.1034) - 1) * 100, 0.05);
	assert_float_equal(sf_detectable_pct(0.0001, 10, 10, true, 1, 2), 2, 1e-9);
	assert_true(isnan(sf_detectable_pct(0.05, 1, 5, true, 1, 2)));
	assert_float_equal(sf_t_quantile(0.975, 8), 2.306, 1e-3);
	assert_float_equal(sf_t_quantile(0.80, 8), 0.889, 1e-3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(detectable_shape),
		cmocka_unit_test(known_answers),
		cmocka_unit_test(known_answers_rounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
