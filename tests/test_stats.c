// SPDX-License-Identifier: MIT
/* Percentiles and histograms against hand-computed values. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "sf_stats.h"

static void fill_1_to_100(struct sf_samples *s)
{
	/* added in a scrambled order: percentiles must not depend on it */
	for (int i = 0; i < 100; i++)
		sf_samples_add(s, (double)((i * 37) % 100 + 1));
}

static void percentiles_interpolate(void **state)
{
	struct sf_samples s = { 0 };
	struct sf_summary sum;

	fill_1_to_100(&s);
	sf_samples_summary(&s, &sum);
	assert_int_equal(sum.n, 100);
	/* rank = p/100 * (n-1): p50 -> 49.5 -> 50.5; p90 -> 89.1 -> 90.1 */
	assert_float_equal(sum.p50, 50.5, 1e-9);
	assert_float_equal(sum.p90, 90.1, 1e-9);
	assert_float_equal(sum.p99, 99.01, 1e-9);
	assert_float_equal(sum.p999, 99.901, 1e-9);
	assert_float_equal(sum.min, 1, 0);
	assert_float_equal(sum.max, 100, 0);
	assert_float_equal(sum.mean, 50.5, 1e-9);
	/* sample stddev of 1..100 = sqrt(841.666...) */
	assert_float_equal(sum.stddev, sqrt(100.0 * 101 / 12), 1e-9);
	sf_samples_free(&s);
}

static void single_and_empty(void **state)
{
	struct sf_samples s = { 0 };
	struct sf_summary sum;

	sf_samples_summary(&s, &sum);
	assert_int_equal(sum.n, 0);
	assert_true(isnan(sum.p50));
	sf_samples_add(&s, 7);
	sf_samples_summary(&s, &sum);
	assert_float_equal(sum.p50, 7, 0);
	assert_float_equal(sum.p999, 7, 0);
	assert_float_equal(sum.stddev, 0, 0);
	sf_samples_free(&s);
}

static void hist_buckets_contain_value(void **state)
{
	static const double vals[] = { 0, 1, 7, 8, 9, 15, 16, 17, 100, 1000, 12345.6, 1e9, 3e12 };

	for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
		unsigned int b = sf_hist_bucket(vals[i]);
		double lo, hi;

		sf_hist_bounds(b, &lo, &hi);
		assert_true(lo <= floor(vals[i]));
		assert_true(floor(vals[i]) < hi);
		/* log-linear: a bucket is at most 1/8 of its lower bound wide */
		if (lo >= 8)
			assert_true((hi - lo) / lo <= 0.125 + 1e-12);
	}
	/* buckets are contiguous and increasing */
	for (unsigned int b = 1; b < 400; b++) {
		double lo0, hi0, lo1, hi1;

		sf_hist_bounds(b - 1, &lo0, &hi0);
		sf_hist_bounds(b, &lo1, &hi1);
		assert_float_equal(hi0, lo1, 0);
	}
}

static void hist_merge_adds(void **state)
{
	struct sf_hist a = { 0 }, b = { 0 };

	sf_hist_add(&a, 10);
	sf_hist_add(&a, 10.5);
	sf_hist_add(&a, 1000);
	sf_hist_add(&b, 10);
	sf_hist_add(&b, 5000);
	sf_hist_merge(&a, &b);
	assert_int_equal(a.total, 5);
	assert_int_equal(a.count[sf_hist_bucket(10)], 3);
	assert_int_equal(a.count[sf_hist_bucket(1000)], 1);
	assert_int_equal(a.count[sf_hist_bucket(5000)], 1);
}

static void median_and_cv(void **state)
{
	double v[] = { 3, 1, 2, 10 };
	double same[] = { 5, 5, 5 };

	assert_float_equal(sf_median_of(v, 4), 2.5, 1e-12);
	assert_float_equal(sf_cv_of(same, 3), 0, 1e-12);
	/* mean 4, sample stddev sqrt(((1)+(9)+(4)+(36))/3) */
	assert_float_equal(sf_cv_of(v, 4), sqrt(50.0 / 3) / 4, 1e-12);
	/* one stray repeat sets the cv, not the robust cv: MAD 1 around 100 */
	{
		double stray[] = { 100, 101, 99, 100, 1000 };

		assert_true(sf_cv_of(stray, 5) > 1);
		assert_float_equal(sf_robust_cv_of(stray, 5), 1.4826 / 100, 1e-9);
		assert_true(isnan(sf_robust_cv_of(stray, 1)));
	}
}

static void pearson(void **state)
{
	double x[] = { 1, 2, 3, 4 }, up[] = { 2, 4, 6, 8 }, down[] = { 4, 3, 2, 1 };
	double flat[] = { 5, 5, 5, 5 }, noise[] = { 1, 3, 2, 2 };

	assert_float_equal(sf_pearson(x, up, 4), 1, 1e-12);
	assert_float_equal(sf_pearson(x, down, 4), -1, 1e-12);
	assert_true(isnan(sf_pearson(x, flat, 4)));
	assert_true(isnan(sf_pearson(x, up, 2)));
	/* x 1..4 against 1 3 2 2: sxy 1, sxx 5, syy 2 */
	assert_float_equal(sf_pearson(x, noise, 4), 1 / sqrt(10), 1e-12);
}

/*
 * The exact bootstrap variance of a median, by hand.  {1, 2, 3}: a
 * resample's median is 1 with P(Bin(3, 1/3) >= 2) = 7/27, 3 likewise, 2
 * with 13/27, so its variance is 14/27.  Two levels, {48, 172 x 4} on logs:
 * the median is the low one with P(Bin(5, 1/5) >= 3) = 0.05792, variance
 * 0.05792 x 0.94208 x ln(172/48)^2.  One value: none.
 */
static void median_boot_var_by_hand(void **state)
{
	const double v[3] = { 3, 1, 2 };
	double two[5] = { log(172), log(48), log(172), log(172), log(172) };
	double p = 0.05792, l = log(172.0 / 48);

	(void)state;
	assert_float_equal(sf_median_boot_var(v, 3), 14.0 / 27, 1e-12);
	assert_float_equal(sf_median_boot_var(two, 5), p * (1 - p) * l * l, 1e-9);
	assert_true(isnan(sf_median_boot_var(v, 1)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(percentiles_interpolate),
		cmocka_unit_test(median_boot_var_by_hand),
		cmocka_unit_test(single_and_empty),
		cmocka_unit_test(hist_buckets_contain_value),
		cmocka_unit_test(hist_merge_adds),
		cmocka_unit_test(median_and_cv),
		cmocka_unit_test(pearson),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
