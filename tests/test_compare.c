// SPDX-License-Identifier: MIT
/*
 * Comparison statistics: the exact Mann-Whitney distribution against
 * hand-computed and published values, the verdict on synthetic repeats with
 * a known difference (marked) and without one (not marked), the noise
 * floor, too few repeats, and the pairing key.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sf_compare.h"
#include "compare_text_int.h"

/* Deterministic "noise": a fixed pseudo-random sequence, +-amp around 1. */
static void noisy(double *v, int n, double centre, double amp, unsigned int seed)
{
	for (int i = 0; i < n; i++) {
		seed = seed * 1103515245u + 12345u;
		v[i] = centre * (1 + amp * (((seed >> 16) & 0x7fff) / 16383.5 - 1));
	}
}

static void test_mw_distribution(void **state)
{
	double cov;

	/* n = m = 2: U in 0..4 with counts 1,1,2,1,1 over C(4,2) = 6 */
	assert_float_equal(sf_mw_cdf(2, 2, 0), 1.0 / 6, 1e-12);
	assert_float_equal(sf_mw_cdf(2, 2, 1), 2.0 / 6, 1e-12);
	assert_float_equal(sf_mw_cdf(2, 2, 2), 4.0 / 6, 1e-12);
	assert_float_equal(sf_mw_cdf(2, 2, 4), 1.0, 1e-12);
	/* n = m = 5: P(U <= 2) = 4 / 252 */
	assert_float_equal(sf_mw_cdf(5, 5, 2), 4.0 / 252, 1e-12);
	/* symmetric in n and m */
	assert_float_equal(sf_mw_cdf(3, 7, 5), sf_mw_cdf(7, 3, 5), 1e-12);

	/* interval ranks: too small for 95% below 4 v 4 (or 3 v 5) */
	assert_int_equal(sf_mw_ci_rank(3, 3, 0.95, &cov), 0);
	assert_int_equal(sf_mw_ci_rank(3, 4, 0.95, &cov), 0);
	assert_int_equal(sf_mw_ci_rank(3, 5, 0.95, &cov), 1);
	assert_int_equal(sf_mw_ci_rank(4, 4, 0.95, &cov), 1);
	assert_float_equal(cov, 1 - 2.0 / 70, 1e-12);
	assert_int_equal(sf_mw_ci_rank(5, 5, 0.95, &cov), 3);
	/* published critical values (two-sided 0.05): U <= 23 for 10 v 10, 127 for 20 v 20 */
	assert_int_equal(sf_mw_ci_rank(10, 10, 0.95, &cov), 24);
	assert_true(cov >= 0.95);
	assert_int_equal(sf_mw_ci_rank(20, 20, 0.95, &cov), 128);
	/* large samples: normal approximation, close to the exact answer */
	assert_true(fabs(sf_mw_cdf(120, 120, 6000) - 0.012857) < 0.0005);
}

static void test_known_difference_is_marked(void **state)
{
	double base[8], new[8];
	struct sf_change c;

	/* latency 10% higher, 1% noise: a regression */
	noisy(base, 8, 1000, 0.01, 1);
	noisy(new, 8, 1100, 0.01, 2);
	assert_int_equal(sf_compare_values(base, 8, new, 8, SF_LOWER, 2.0, &c), 0);
	assert_true(c.ratio);
	assert_true(c.has_ci);
	assert_true(c.excludes_zero);
	assert_int_equal(c.verdict, SF_WORSE);
	assert_true(c.pct < -8 && c.pct > -12);
	assert_true(c.lo <= c.pct && c.pct <= c.hi);
	assert_true(c.hi < 0);
	assert_true(c.coverage >= 0.95);

	/* the same numbers as a throughput: 10% higher is better */
	assert_int_equal(sf_compare_values(base, 8, new, 8, SF_HIGHER, 2.0, &c), 0);
	assert_int_equal(c.verdict, SF_BETTER);
	assert_true(c.pct > 8 && c.pct < 12);
	assert_true(c.lo > 0);
}

static void test_no_difference_is_not_marked(void **state)
{
	double base[10], new[10];
	struct sf_change c;

	/* both from the same distribution (5% noise) */
	noisy(base, 10, 1000, 0.05, 7);
	noisy(new, 10, 1000, 0.05, 8);
	assert_int_equal(sf_compare_values(base, 10, new, 10, SF_LOWER, 2.0, &c), 0);
	assert_true(c.has_ci);
	assert_false(c.excludes_zero);
	assert_true(c.lo < 0 && c.hi > 0);
	assert_int_equal(c.verdict, SF_SAME);

	/* identical inputs: a zero change */
	assert_int_equal(sf_compare_values(base, 10, base, 10, SF_LOWER, 2.0, &c), 0);
	assert_float_equal(c.pct, 0, 1e-9);
	assert_int_equal(c.verdict, SF_SAME);
}

static void test_noise_floor(void **state)
{
	double base[8], new[8];
	struct sf_change c;

	/* a consistent 1% shift with tiny noise: real, but inside the floor */
	noisy(base, 8, 1000, 0.0005, 3);
	noisy(new, 8, 1010, 0.0005, 4);
	assert_int_equal(sf_compare_values(base, 8, new, 8, SF_LOWER, 2.0, &c), 0);
	assert_true(c.excludes_zero);
	assert_int_equal(c.verdict, SF_SAME);
	/* with a 0.5% floor it is marked */
	assert_int_equal(sf_compare_values(base, 8, new, 8, SF_LOWER, 0.5, &c), 0);
	assert_int_equal(c.verdict, SF_WORSE);
}

static void test_too_few_repeats(void **state)
{
	double base[3] = { 100, 101, 99 }, new[3] = { 200, 201, 199 };
	struct sf_change c;

	assert_int_equal(sf_compare_values(base, 3, new, 3, SF_LOWER, 2.0, &c), 0);
	assert_int_equal(c.verdict, SF_NO_CI);
	assert_false(c.has_ci);
	assert_true(isnan(c.lo));
	/* the point estimate is still given */
	assert_float_equal(c.pct, -100, 1e-9);
	assert_non_null(strstr(c.why, "repeats"));
}

static void test_zero_base(void **state)
{
	double base[5] = { 0, 0, 0, 0, 0 }, new[5] = { 3, 4, 3, 5, 4 };
	struct sf_change c;

	/* e.g. journal commits during a daxfile phase: 0 -> 4 is a regression */
	assert_int_equal(sf_compare_values(base, 5, new, 5, SF_LOWER, 2.0, &c), 0);
	assert_false(c.ratio);
	assert_true(isnan(c.pct));
	assert_true(c.excludes_zero);
	assert_int_equal(c.verdict, SF_WORSE);
	/* all zero: nothing changed */
	assert_int_equal(sf_compare_values(base, 5, base, 5, SF_LOWER, 2.0, &c), 0);
	assert_int_equal(c.verdict, SF_SAME);
}

static void test_bad_values(void **state)
{
	double ok[4] = { 1, 2, 3, 4 }, bad[4] = { 1, NAN, 3, 4 };
	struct sf_change c;

	assert_int_equal(sf_compare_values(ok, 4, bad, 4, SF_LOWER, 2.0, &c), -1);
	assert_int_equal(sf_compare_values(ok, 0, ok, 4, SF_LOWER, 2.0, &c), -1);
}

static void fill(struct sf_result *r, struct sf_kv *kv, int n, const char *fs, bool dax,
		 const char *kernel)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->bench, sizeof(r->bench), "fault");
	r->params = kv;
	r->nparams = n;
	snprintf(r->target.fs, sizeof(r->target.fs), "%s", fs);
	r->target.dax = dax;
	snprintf(r->target.kernel, sizeof(r->target.kernel), "%s", kernel);
}

static void test_pairing_key(void **state)
{
	struct sf_kv a[] = { { "mode", "mapsync" }, { "class", "hole" }, { "repeats", "5" } };
	struct sf_kv b[] = { { "class", "hole" }, { "mode", "mapsync" }, { "repeats", "9" } };
	struct sf_kv c[] = { { "class", "written" }, { "mode", "mapsync" } };
	struct sf_result ra, rb, rc, rd;
	char ka[256], kb[256], kc[256], kd[256];

	/* same params in another order, other repeat count, other kernel: pairs */
	fill(&ra, a, 3, "ext4", true, "6.1.0-26-amd64");
	fill(&rb, b, 3, "ext4", true, "6.6.0-patched");
	sf_result_key(&ra, true, ka, sizeof(ka));
	sf_result_key(&rb, true, kb, sizeof(kb));
	assert_string_equal(ka, kb);
	assert_string_equal(ka, "fault class=hole mode=mapsync @ext4-dax");
	/* another parameter value: does not pair */
	fill(&rc, c, 2, "ext4", true, "6.1.0-26-amd64");
	sf_result_key(&rc, true, kc, sizeof(kc));
	assert_string_not_equal(ka, kc);
	/* another target kind pairs only when the target is left out */
	fill(&rd, b, 3, "tmpfs", false, "6.1.0-26-amd64");
	sf_result_key(&rd, true, kd, sizeof(kd));
	assert_string_not_equal(ka, kd);
	sf_result_key(&ra, false, ka, sizeof(ka));
	sf_result_key(&rd, false, kd, sizeof(kd));
	assert_string_equal(ka, kd);
}

/* Student t against table values; digamma and trigamma against known values. */
static void test_t_and_gamma(void **state)
{
	assert_float_equal(sf_t_two_sided_p(2.776, 4), 0.05, 1e-3);
	assert_float_equal(sf_t_two_sided_p(12.706, 1), 0.05, 1e-3);
	assert_float_equal(sf_t_two_sided_p(1.0, 10), 0.3409, 1e-3);
	assert_float_equal(sf_t_quantile(0.975, 4), 2.776, 1e-3);
	/* digamma(1) = -Euler's gamma, trigamma(1) = pi^2/6, trigamma(1/2) = pi^2/2 */
	assert_float_equal(sf_digamma(1), -0.5772156649015329, 1e-10);
	assert_float_equal(sf_digamma(0.5), -1.9635100260214235, 1e-10);
	assert_float_equal(sf_trigamma(1), M_PI * M_PI / 6, 1e-10);
	assert_float_equal(sf_trigamma(0.5), M_PI * M_PI / 2, 1e-10);
}

static uint64_t sm_state;

static double unif(void)	/* splitmix64 */
{
	uint64_t z = (sm_state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return ((double)((z ^ (z >> 31)) >> 11) + 0.5) / 9007199254740992.0;
}

static double gauss(void)
{
	return sqrt(-2 * log(unif())) * cos(2 * M_PI * unif());
}

static double chisq(int df)
{
	double c = 0;

	for (int i = 0; i < df; i++) {
		double g = gauss();

		c += g * g;
	}
	return c;
}

/*
 * The robust prior recovers what made the variances: rows whose true
 * variance is drawn from a scaled inverse chi-square (d0 = 8, s0sq = 1e-3)
 * and whose observed variance has 3 df around it; the same with a
 * twentieth of the rows 20 times noisier (d0 stays, those rows get a d0
 * of their own below it); one variance for all rows gives a large d0, as
 * large as N rows can show (the spread taken at its upper bound, PRIOR_SE
 * in compare_prior.c: about 39 for 2000 rows, never infinite); variances
 * that grow with the covariate give the line.
 */
static void test_prior(void **state)
{
	enum { N = 2000 };
	static double s2[N], df[N], x[N], d0row[N];
	struct sf_prior pr;
	int low = 0;

	sm_state = 42;
	for (int i = 0; i < N; i++) {
		s2[i] = 1e-3 * 8 / chisq(8) * chisq(3) / 3;
		df[i] = 3;
		x[i] = NAN;
	}
	assert_int_equal(sf_prior_fit(s2, df, x, N, &pr, d0row), 0);
	assert_int_equal(pr.rows, N);
	printf("prior: d0 %.2f (8), s0sq %.3g (1e-3)\n", pr.d0, pr.s0sq);
	assert_true(pr.d0 > 6 && pr.d0 < 10);
	assert_true(pr.s0sq > 0.92e-3 && pr.s0sq < 1.08e-3);

	for (int i = 0; i < N; i += 20)
		s2[i] *= 20;
	assert_int_equal(sf_prior_fit(s2, df, x, N, &pr, d0row), 0);
	printf("prior, 5%% of rows 20x: d0 %.2f, s0sq %.3g, %d rows shrunk\n", pr.d0, pr.s0sq,
	       pr.shrunk);
	assert_true(pr.d0 > 4.5 && pr.d0 < 10);
	assert_true(pr.s0sq > 0.9e-3 && pr.s0sq < 1.15e-3);
	for (int i = 0; i < N; i += 20)
		low += d0row[i] < pr.d0;
	assert_true(low > N / 20 / 2);
	/* moderation: a noisy row with a small d0 keeps most of its own variance */
	{
		double dfp, v = sf_prior_moderate(&pr, 0.5, 0.02, 3, NAN, &dfp);

		assert_true(v > 0.015 && dfp < 4);
	}

	for (int i = 0; i < N; i++)
		s2[i] = 2e-4 * chisq(3) / 3;
	assert_int_equal(sf_prior_fit(s2, df, x, N, &pr, d0row), 0);
	printf("prior, one variance: d0 %.1f\n", pr.d0);
	assert_true(pr.d0 > 20);
	assert_true(pr.s0sq > 1.9e-4 && pr.s0sq < 2.1e-4);

	for (int i = 0; i < N; i++) {
		x[i] = -9 + 4.0 * i / N;
		s2[i] = exp(x[i]) * chisq(3) / 3;
	}
	assert_int_equal(sf_prior_fit(s2, df, x, N, &pr, d0row), 0);
	assert_true(pr.trend);
	assert_true(pr.b > 0.9 && pr.b < 1.1);
	assert_true(pr.d0 > 20);
	assert_true(sf_prior_s2(&pr, -8) > 0.9 * exp(-8) && sf_prior_s2(&pr, -8) < 1.1 * exp(-8));
	assert_true(sf_prior_s2(&pr, -6) > 0.9 * exp(-6) && sf_prior_s2(&pr, -6) < 1.1 * exp(-6));

	/* too few rows with spread: no prior */
	assert_int_equal(sf_prior_fit(s2, df, x, 2, &pr, d0row), -1);
}

/*
 * The robust fit's d0 is never below limma's moment fit (fitFDist), and
 * where the rows' variances come in two kinds (half e^-1, half e^+1, 4 df
 * each) it is that fit: the Winsorized spread of two clusters is what a
 * smaller d0 than the moments' would give.  The known answer, from mpmath
 * (30 digits): d0 = 2 trigamma^-1(86/85 (1 + 2 sqrt(2/85)) - trigamma(2))
 * = 3.847618381, the spread of log s2 taken at its upper bound (PRIOR_SE
 * in compare_prior.c) less what 4 df alone make of it.  Without the
 * trigamma term the same spread gives 2.33.
 */
static void test_prior_moments(void **state)
{
	enum { K = 86 };
	double s2[K], df[K], d0row[K];
	struct sf_prior pr;

	for (int i = 0; i < K; i++) {
		s2[i] = exp(i % 2 ? 1 : -1);
		df[i] = 4;
	}
	assert_int_equal(sf_prior_fit(s2, df, NULL, K, &pr, d0row), 0);
	printf("prior, two kinds of rows: d0 %.9f (3.847618381)\n", pr.d0);
	assert_float_equal(pr.d0, 3.847618381, 1e-6);
}

/* A row of the run-level model over 6 runs (3 a side), values to be set. */
static void six_run_row(struct sf_run_row *r)
{
	memset(r, 0, sizeof(*r));
	r->logs = true;
	r->x = NAN;
	r->n = 6;
	for (int c = 0; c < 6; c++)
		r->col[c] = c;
}

/*
 * The run-level model on a matrix with a known answer: 3 runs a side,
 * boot offsets of +-8%, 30 rows following them with 1% noise, 10 constant
 * counters, every following row 5% slower on the new side (a shared
 * shift), and row 0 20% slower beyond it.  The offsets and the shift come
 * back, the followers' lambda is near 1 and the counters' 0, row 0's own
 * change is 20% and the others' near 0.
 */
static void test_runs_model(void **state)
{
	static const double boot[6] = { 0.08, -0.05, -0.03, -0.06, 0.02, 0.04 };
	static struct sf_run_row rows[40];
	struct sf_runs_model m = { .ncol = 6, .side = { 0, 0, 0, 1, 1, 1 } };

	sm_state = 7;
	for (int i = 0; i < 40; i++) {
		struct sf_run_row *r = &rows[i];

		six_run_row(r);
		for (int c = 0; c < 6; c++) {
			r->z[c] = i < 30 ? 5 + i * 0.1 + boot[c] + 0.01 * gauss() +
					   (c >= 3 ? log(1.05) + (i == 0 ? log(1.2) : 0) : 0) : 3;
		}
	}
	assert_int_equal(sf_runs_fit(&m, rows, 40), 0);
	assert_true(m.factor);
	assert_true(m.nfactor >= 25);
	/* the offsets are the boot effects centred within each side */
	assert_float_equal(m.off[0], 0.08 - 0.0, 0.015);
	assert_float_equal(m.off[3], -0.06 - 0.0, 0.015);
	/* the shared shift: 5% plus the sides' mean boot difference (-0.0 - 0.0) */
	assert_float_equal(m.shift, log(1.05), 0.015);
	assert_float_equal(rows[0].est, log(1.2), 0.03);
	for (int i = 1; i < 30; i++) {
		assert_float_equal(rows[i].lambda, 1, 0.35);
		assert_float_equal(rows[i].est, 0, 0.03);
	}
	for (int i = 30; i < 40; i++) {
		assert_float_equal(rows[i].lambda, 0, 1e-9);
		assert_float_equal(rows[i].est, 0, 1e-9);
	}
	assert_true(rows[0].est / rows[0].se > 5);
	assert_true(fabs(rows[1].est / rows[1].se) < 5);
}

/*
 * An icount A/A: boots that agree to 0.0004%, rows that each keep a small
 * change of their own between the sides (-0.005% to +0.005%, a deterministic
 * layout difference, not a shared one).  The median of those changes is
 * not zero, and tested against the offsets alone it read as a shared
 * shift (t near 4); with the rows' spread in its error it does not.
 */
static void test_runs_shift_of_differing_rows(void **state)
{
	static struct sf_run_row rows[30];
	struct sf_runs_model m = { .ncol = 6, .side = { 0, 0, 0, 1, 1, 1 } };

	sm_state = 11;
	for (int i = 0; i < 30; i++) {
		struct sf_run_row *r = &rows[i];
		double own = (i % 10 - 4) * 1e-5;	/* median of the ten: +0.5e-5 */

		six_run_row(r);
		for (int c = 0; c < 6; c++) {
			r->z[c] = 5 + i * 0.1 + 4e-6 * gauss() + 1e-6 * gauss() +
				  (c >= 3 ? own : 0);
		}
	}
	assert_int_equal(sf_runs_fit(&m, rows, 30), 0);
	assert_true(m.factor);
	assert_true(fabs(m.shift) > 2e-6);
	assert_true(fabs(m.shift / m.shift_se) < 2);
}

/*
 * A slope fitted to runs whose offsets barely move, carried across a large
 * shared shift: 30 rows follow offsets of +-0.07% and move 3.1% together,
 * one row's runs swing 50 times the offsets (noise that happens to line up
 * with them) and its medians move -8%.  Its slope is held to 2, so its own
 * change stays near what its medians say (the 6.1 -> 6.12 icount A/B read
 * such a row -365% with the slope unbounded).
 */
static void test_runs_slope_held(void **state)
{
	static const double boot[6] = { 0.0007, -0.0004, -0.0003, -0.0006, 0.0002, 0.0004 };
	static struct sf_run_row rows[31];
	struct sf_runs_model m = { .ncol = 6, .side = { 0, 0, 0, 1, 1, 1 } };

	sm_state = 13;
	for (int i = 0; i < 31; i++) {
		struct sf_run_row *r = &rows[i];

		six_run_row(r);
		for (int c = 0; c < 6; c++)
			r->z[c] = i < 30 ? 5 + i * 0.1 + boot[c] + 1e-5 * gauss() +
					   (c >= 3 ? 0.031 : 0) :
					   7 + 50 * boot[c] + (c >= 3 ? log(0.92) : 0);
	}
	assert_int_equal(sf_runs_fit(&m, rows, 31), 0);
	assert_true(m.factor);
	assert_true(rows[30].lambda <= 2);
	assert_true(fabs(rows[30].est - log(0.92)) <= 2 * 0.035);
}

/*
 * A change and its interval get two decimals where the interval is narrower
 * than 0.1 points (icount): a b? row read "+0.0% [+0.0, +0.0]" with one.
 * Wider intervals, figures of 10% and more, and no interval keep one.
 */
static void test_pct_decimals(void **state)
{
	char b[16];

	(void)state;
	assert_int_equal(sf_cmp_decimals(0.02, 0.01, 0.03), 2);
	assert_int_equal(sf_cmp_decimals(-1.75, -1.8, -1.71), 2);
	assert_int_equal(sf_cmp_decimals(1.7, 1.0, 2.3), 1);
	assert_int_equal(sf_cmp_decimals(-17.9, -17.92, -17.88), 1);
	assert_int_equal(sf_cmp_decimals(0.02, NAN, NAN), 1);
	sf_cmp_fmt_pct_dec(0.024, 2, b, sizeof(b));
	assert_string_equal(b, "+0.02%");
	sf_cmp_fmt_pct_dec(-0.004, 2, b, sizeof(b));
	assert_string_equal(b, "+0.00%");	/* never -0.00 */
	sf_cmp_fmt_pct_dec(-173.2, 2, b, sizeof(b));
	assert_string_equal(b, "-173%");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pct_decimals),
		cmocka_unit_test(test_mw_distribution),
		cmocka_unit_test(test_t_and_gamma),
		cmocka_unit_test(test_prior),
		cmocka_unit_test(test_prior_moments),
		cmocka_unit_test(test_runs_model),
		cmocka_unit_test(test_runs_shift_of_differing_rows),
		cmocka_unit_test(test_runs_slope_held),
		cmocka_unit_test(test_known_difference_is_marked),
		cmocka_unit_test(test_no_difference_is_not_marked),
		cmocka_unit_test(test_noise_floor),
		cmocka_unit_test(test_too_few_repeats),
		cmocka_unit_test(test_zero_base),
		cmocka_unit_test(test_bad_values),
		cmocka_unit_test(test_pairing_key),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
