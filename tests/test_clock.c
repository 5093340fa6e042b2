// SPDX-License-Identifier: MIT
/* Clock calibration sanity: the TSC agrees with CLOCK_MONOTONIC_RAW. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <time.h>
#include <cmocka.h>

#include "sf_clock.h"
#include "sf_env.h"

/* Busy-wait d ns by CLOCK_MONOTONIC_RAW and time it with the syncfault timer. */
static double timed_busy_ns(uint64_t d)
{
	uint64_t t0 = sf_start(), n0 = sf_mono_ns();

	while (sf_mono_ns() - n0 < d)
		;
	return sf_sample_ns(t0, sf_stop());
}

static void tsc_agrees_with_monotonic(void **state)
{
	double ns;

	sf_clock_init(false);
	if (sf_clock.source != SF_CLOCK_TSC)
		skip();
	assert_true(sf_clock.tsc_hz > 1e8 && sf_clock.tsc_hz < 1e11);
	ns = timed_busy_ns(5000000);
	/* 5 ms busy loop measured within 1% (plus one loop iteration) */
	assert_true(fabs(ns - 5e6) < 5e4 + 2e4);
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
	double ns;

	sf_clock_init(true);
	assert_int_equal(sf_clock.source, SF_CLOCK_MONO_RAW);
	assert_float_equal(sf_clock.tsc_hz, 1e9, 0);
	ns = timed_busy_ns(2000000);
	assert_true(fabs(ns - 2e6) < 5e4);
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
