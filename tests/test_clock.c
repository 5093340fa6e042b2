// SPDX-License-Identifier: MIT
/* Clock calibration sanity: the TSC agrees with CLOCK_MONOTONIC_RAW. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <time.h>
#include <cmocka.h>

#include "sf_clock.h"
#include "sf_cpu.h"
#include "sf_env.h"

/*
 * Relative disagreement between the syncfault timer and CLOCK_MONOTONIC_RAW
 * over a d ns busy window.  The machine may be busy (other tests, helpers):
 * a preemption between the two clocks' reads skews one try, so the best of
 * several tries is what a correct calibration must get right.
 */
static double best_disagreement(uint64_t d)
{
	double best = 1e9;

	for (int i = 0; i < 7; i++) {
		uint64_t n0 = sf_mono_ns(), t0 = sf_start(), n1, t1;
		double ns;

		while (sf_mono_ns() - n0 < d)
			;
		t1 = sf_stop();
		n1 = sf_mono_ns();
		ns = sf_ticks_to_ns((double)(t1 - t0));
		if (fabs(ns - (double)(n1 - n0)) / (double)(n1 - n0) < best)
			best = fabs(ns - (double)(n1 - n0)) / (double)(n1 - n0);
	}
	return best;
}

static void tsc_agrees_with_monotonic(void **state)
{
	sf_clock_init(false);
	if (sf_clock.source != SF_CLOCK_TSC)
		skip();
	assert_true(sf_clock.tsc_hz > 1e8 && sf_clock.tsc_hz < 1e11);
	/* a wrong rate (say, off by 2%) cannot pass this */
	assert_true(best_disagreement(5000000) < 0.005);
}

static void overhead_is_measured_and_small(void **state)
{
	sf_clock_init(false);
	assert_true(sf_clock.overhead_ns > 0);
	assert_true(sf_clock.overhead_ns < 10000);
	/* an empty sample is ~0 after subtraction, never negative */
	for (int i = 0; i < 1000; i++) {
		uint64_t a = sf_start();

		assert_true(sf_sample_ns(a, sf_stop()) >= 0);
	}
}

static void fallback_is_nanoseconds(void **state)
{
	sf_clock_init(true);
	assert_int_equal(sf_clock.source, SF_CLOCK_MONO_RAW);
	assert_float_equal(sf_clock.tsc_hz, 1e9, 0);
	assert_true(best_disagreement(2000000) < 0.005);
	sf_clock_init(false);
}

static void invariant_tsc_decides_source(void **state)
{
	sf_cpu_mask("invariant_tsc");
	sf_clock_init(false);
	assert_int_equal(sf_clock.source, SF_CLOCK_MONO_RAW);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tsc_agrees_with_monotonic),
		cmocka_unit_test(overhead_is_measured_and_small),
		cmocka_unit_test(fallback_is_nanoseconds),
		cmocka_unit_test(invariant_tsc_decides_source),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
