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
#include <stdlib.h>
#include "compare_synth.h"

#define SEEDS	300
#define REPS	10
#define NDIST	3
#define NSHIFT	4

static const double shifts[NSHIFT] = { 0, 2, 5, 20 };
static const char *const dist_names[NDIST] = { "unimodal", "bimodal", "heavy-tailed" };

/* One repeat's value around 1000 ns (1% spread), shifted by pct. */
static double draw(int dist, double pct)
{
	double v = 1000 * (1 + pct / 100);

	switch (dist) {
	case 0:		/* lognormal, 1% */
		return v * exp(0.01 * sy_gauss());
	case 1:		/* 30% of repeats land in a mode 8% higher */
		return v * exp(0.01 * sy_gauss()) * (sy_uniform() < 0.3 ? 1.08 : 1);
	default: {	/* Student t, 3 degrees of freedom: rare far outliers */
		double chi = 0;

		for (int i = 0; i < 3; i++) {
			double g = sy_gauss();

			chi += g * g;
		}
		return v * exp(0.01 * sy_gauss() / sqrt(chi / 3));
	}
	}
}

struct tallies {
	int rows[NDIST][NSHIFT], marked[NDIST][NSHIFT], wrong_way;
	int p05[NDIST];		/* at 0%: rows whose own p is at most 0.05 */
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
			t->p05[d] += s == 0 && x->p <= 0.05;
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
		sy_state = (uint64_t)seed * 0x2545f4914f6cdd1dull;
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
	/* the p-value itself, not only the marks the floor lets through: about 5% below 0.05 */
	for (int d = 0; d < NDIST; d++) {
		printf("  %s at 0%%: p <= 0.05 in %.1f%% of rows\n", dist_names[d],
		       100.0 * t.p05[d] / t.rows[d][0]);
		assert_true(t.p05[d] >= 0.01 * t.rows[d][0] && t.p05[d] <= 0.09 * t.rows[d][0]);
	}
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
 * The decision on runs, end to end: synthetic suites (compare_synth.h) of
 * 86 rows through sf_cmp_build, as `syncfault compare` builds them.  Per
 * case, seeded suites: an A/A's false alarms per suite (any row or shared
 * shift marked) and per row, the largest number of rows one suite marked;
 * then the same suite with a tenth of its tested rows made worse by
 * exactly the detectable change compare printed for them in the A/A, and
 * how often each is found.  The table goes to the test log and to
 * docs/patch-review.md.
 */

#define SUITES		200
#define MASS_FLAG	5	/* a suite marking this many rows at once */

struct kat {
	long suites, flagging, rows, flagged, shared, mass, most;
	long shifted, found, wrong;
	double det_sum;
	long det_n;
	bool failed;
};

static struct sy_data kd;
static double case_shared;	/* every time and rate of new this much worse (%) */
static double case_fixed;	/* power: shift by this (%) instead of the printed detectable */
static double case_noise;	/* a fixed floor (%), as compare --noise and bisect give one */

static long marks(const struct sy_data *d, long *shared)
{
	long k = 0;

	for (int i = 0; i < SY_ROWS; i++) {
		struct sf_cmp_effect e;
		const struct sf_cmp_row *r = sy_row(d, i);

		sf_cmp_row_effect(r, &e);
		k += e.verdict != SF_SAME;
	}
	for (int s = 0; s < d->c.nstrata; s++)
		*shared += d->c.strata[s].shift_marked;
	return k;
}

/* One seeded suite: its A/A, then (power) its rows shifted by their printed detectable. */
static void kat_suite(struct sy_suite *s, uint64_t seed, bool power, struct kat *k)
{
	long shared = 0, n;
	int chosen[SY_ROWS], nch = 0;
	bool icount = s->icount;

	sy_state = seed;
	sy_rows(s, s->rounds, s->boot, s->spread);
	s->icount = icount;
	s->shared = case_shared;
	s->noise = case_noise;
	sy_state = seed * 7 + 1;
	assert_int_equal(sy_build(&kd, s), 0);
	n = marks(&kd, &shared);
	k->suites++;
	k->rows += SY_ROWS;
	k->flagged += n;
	k->shared += shared;
	k->flagging += n + shared > 0;
	k->mass += n >= MASS_FLAG;
	k->most = n > k->most ? n : k->most;
	for (int i = 0; power && i < SY_ROWS; i++) {
		struct sf_cmp_effect e;

		sf_cmp_row_effect(sy_row(&kd, i), &e);
		assert_false(e.exploratory);
		/* the floor is a rule of the mark, so no row can be found below it */
		if (isfinite(e.detectable))
			assert_true(e.detectable >= sy_row(&kd, i)->fit.floor * (1 - 1e-9));
		if (isfinite(e.detectable) && e.detectable < 100 && sy_uniform() < 0.1) {
			double d = case_fixed ? case_fixed : e.detectable;

			/* a rate is worse by d% when it falls to 1 - d/100 of itself */
			s->shift[i] = s->kind[i] == SY_RATE ? 100 / (1 - d / 100) - 100 : d;
			chosen[nch++] = i;
			k->det_sum += e.detectable;
			k->det_n++;
		}
	}
	sy_free(&kd);
	if (!power)
		return;
	sy_state = seed * 7 + 1;
	assert_int_equal(sy_build(&kd, s), 0);
	for (int j = 0; j < nch; j++) {
		struct sf_cmp_effect e;

		sf_cmp_row_effect(sy_row(&kd, chosen[j]), &e);
		k->shifted++;
		k->found += e.verdict == SF_WORSE;
		k->wrong += e.verdict == SF_BETTER;
	}
	sy_free(&kd);
}

static void kat_case(const char *what, int rounds, double boot, double spread, bool icount,
		     bool power, struct kat *k)
{
	struct sy_suite s;

	*k = (struct kat){ 0 };
	for (int seed = 1; seed <= SUITES; seed++) {
		s.icount = icount;
		s.rounds = rounds;
		s.boot = boot;
		s.spread = spread;
		kat_suite(&s, (uint64_t)seed * 1000003 + rounds * 101 + (uint64_t)(boot * 1e4), power, k);
	}
	printf("| %-26s | %d | %5.1f%% | %5.1f%% | %5.2f%% | %ld | %ld |", what, rounds,
	       100.0 * k->flagging / k->suites, 100.0 * k->shared / k->suites,
	       100.0 * k->flagged / k->rows, k->mass, k->most);
	if (power)
		printf(" %5.1f%% (%ld rows, mean %.1f%%) |\n", 100.0 * k->found / k->shifted,
		       k->shifted, k->det_sum / k->det_n);
	else
		printf(" - |\n");
	/* the stated level: a false discovery rate of 5% is, with nothing changed, the chance of any mark */
	k->failed = k->flagging > SF_FDR_DEFAULT * k->suites || k->mass || k->wrong ||
		    (power && k->found < 0.75 * k->shifted);
}

static void known_answers_runs(void **state)
{
	struct kat k;
	int failed = 0;

	printf("known-answer test on the decision path: %d suites a case, %d rows (%d points x %d "
	       "metrics: 60%% times, 15%% rates, 25%% counters), spread across runs lognormal "
	       "around the given sd\n", SUITES, SY_ROWS, SY_POINTS, SY_METRICS);
	printf("| case | runs a side | A/A suites marking | shared shift marked | rows marked | "
	       "suites marking >= %d | most in one | found at the printed detectable |\n",
	       MASS_FLAG);
	kat_case("real, no boot effect, 2%", 3, 0, 0.02, false, true, &k);
	failed += k.failed;
	kat_case("real, boot effect 2%, 2%", 3, 0.02, 0.02, false, false, &k);
	failed += k.failed;
	kat_case("real, boot effect 5%, 2%", 3, 0.05, 0.02, false, true, &k);
	failed += k.failed;
	kat_case("real, boot effect 10%, 2%", 3, 0.10, 0.02, false, true, &k);
	failed += k.failed;
	kat_case("real, boot effect 10%, 5%", 3, 0.10, 0.05, false, false, &k);
	failed += k.failed;
	kat_case("real, boot effect 5%, 2%", 6, 0.05, 0.02, false, true, &k);
	failed += k.failed;
	kat_case("real, boot effect 10%, 2%", 6, 0.10, 0.02, false, true, &k);
	failed += k.failed;
	kat_case("icount, 0.01% and 0.02%", 3, 0.0001, 0.0002, true, true, &k);
	failed += k.failed;
	/* above SF_BOOT_STATE_FLOOR (1.2%), the least floor on this clock */
	case_fixed = 1.5;
	kat_case("icount, rows made 1.5% worse", 3, 0.0001, 0.0002, true, true, &k);
	failed += k.failed;
	case_fixed = 0;
	/* a floor above what the runs can show: the detectable is the floor's, and found as often */
	case_noise = 2;
	kat_case("icount, --noise 2", 3, 0.0001, 0.0002, true, true, &k);
	failed += k.failed;
	case_noise = 0;
	assert_int_equal(failed, 0);
}

/*
 * A kernel-wide change: every time and rate of new 20% worse, boot effects
 * of 5%.  The shared shift line carries it (marked in most suites at 6 runs
 * a side); the rows, which did not change beyond it, are marked no more
 * than the false discovery rate allows (one true discovery, the shift, lets
 * Benjamini-Hochberg test the rest a little less strictly), and never many
 * at once.
 */
static void shared_shift_runs(void **state)
{
	static const int rounds[] = { 3, 6 };

	for (size_t r = 0; r < sizeof(rounds) / sizeof(rounds[0]); r++) {
		struct sy_suite s;
		long rows_marking = 0, shared = 0, most = 0, mass = 0;
		double fdp = 0;	/* false discoveries among each suite's discoveries, summed */

		for (int seed = 1; seed <= SUITES; seed++) {
			long sh = 0, n;

			sy_state = (uint64_t)seed * 7919 + rounds[r];
			sy_rows(&s, rounds[r], 0.05, 0.02);
			s.shared = 20;
			sy_state = (uint64_t)seed * 104729 + 3;
			assert_int_equal(sy_build(&kd, &s), 0);
			n = marks(&kd, &sh);
			rows_marking += n > 0;
			fdp += n ? (double)n / (n + sh) : 0;
			shared += sh;
			mass += n >= MASS_FLAG;
			most = n > most ? n : most;
			sy_free(&kd);
		}
		printf("| every time and rate 20%% worse, boot effect 5%% | %d | shared shift marked "
		       "%5.1f%% | suites marking a row %5.1f%% | false discovery rate %4.1f%% | suites "
		       "marking >= %d: %ld | most in one %ld |\n", rounds[r], 100.0 * shared / SUITES,
		       100.0 * rows_marking / SUITES, 100 * fdp / SUITES, MASS_FLAG, mass, most);
		assert_int_equal(mass, 0);
		/*
		 * The shared shift is one true discovery: the rows are held to the
		 * rate, not to none; at the rate itself, give the mean over SUITES
		 * its two standard errors (a suite's proportion is at most 1/2 here).
		 */
		assert_true(fdp <= SF_FDR_DEFAULT * SUITES + 2 * sqrt(SF_FDR_DEFAULT * 0.25 * SUITES));
		if (rounds[r] >= 6)
			assert_true(shared >= SUITES / 2);
	}
}

/*
 * One and two runs a side: however large the change (a tenth of the rows
 * 50% worse), nothing is marked, every row is exploratory and says so.
 */
static void exploratory_runs(void **state)
{
	for (int rounds = 1; rounds <= 2; rounds++) {
		struct sy_suite s;
		long marked = 0, shared = 0, expl = 0;

		for (int seed = 1; seed <= 20; seed++) {
			sy_state = (uint64_t)seed * 31 + rounds;
			sy_rows(&s, rounds, 0.05, 0.02);
			for (int i = 0; i < SY_ROWS; i += 10)
				s.shift[i] = 50;
			assert_int_equal(sy_build(&kd, &s), 0);
			marked += marks(&kd, &shared);
			expl += kd.c.t.exploratory;
			assert_int_equal(kd.c.t.min_runs, rounds);
			assert_int_equal(kd.c.t.worse + kd.c.t.better + kd.c.t.shared_worse, 0);
			assert_int_equal(kd.c.nfdr, 0);
			sy_free(&kd);
		}
		printf("| %d run%s a side, a tenth of the rows 50%% worse | rows marked %ld | shared "
		       "shifts marked %ld | rows exploratory %ld of %d |\n", rounds, rounds > 1 ? "s" : "",
		       marked, shared, expl, 20 * SY_ROWS);
		assert_int_equal(marked + shared, 0);
		assert_int_equal(expl, 20 * SY_ROWS);
	}
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
		cmocka_unit_test(known_answers_runs),
		cmocka_unit_test(shared_shift_runs),
		cmocka_unit_test(exploratory_runs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
