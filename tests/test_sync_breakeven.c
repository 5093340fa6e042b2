// SPDX-License-Identifier: MIT
/*
 * The sync benchmark's break-even computation on synthetic medians: the
 * smallest batch at which the batched mode is cheaper per update, the
 * interval it falls in, "never in the range tried", and bad input.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "sf_analysis.h"

static const long batches[] = { 1, 4, 16, 64, 256, 1024 };
/* mapsync: flat, about 120 us per update whatever the batch */
static const double mapsync[] = { 120e3, 121e3, 119e3, 120e3, 122e3, 120e3 };

static void crosses_between_tried_sizes(void **state)
{
	/* msync: 400, 160, 100, 60, 40, 35 us per update */
	const double msync[] = { 400e3, 160e3, 100e3, 60e3, 40e3, 35e3 };
	struct sf_breakeven be;

	assert_int_equal(sf_breakeven(batches, mapsync, msync, 6, &be), 0);
	assert_int_equal(be.kind, SF_BE_FOUND);
	assert_int_equal(be.batch, 16);
	assert_int_equal(be.below, 4);
	assert_int_equal(be.dearer_again, 0);
	assert_int_equal(be.first, 1);
	assert_int_equal(be.last, 1024);
	assert_int_equal(be.npoints, 6);
	/*
	 * log-log, as the report's figure: d = log(msync/mapsync) is
	 * log(160/121) at 4 and log(100/119) at 16, linear in log(batch)
	 */
	assert_true(be.estimate > 4 && be.estimate < 16);
	{
		double d0 = log(160.0 / 121), d1 = log(100.0 / 119), t = d0 / (d0 - d1);

		assert_float_equal(be.estimate, exp(log(4.0) + t * (log(16.0) - log(4.0))), 1e-9);
		assert_float_equal(be.value, exp(log(121e3) + t * (log(119e3) - log(121e3))), 1e-6);
	}
}

static void never_cheaper(void **state)
{
	const double fsync[] = { 900e3, 600e3, 400e3, 300e3, 200e3, 150e3 };
	struct sf_breakeven be;
	char line[512];

	assert_int_equal(sf_breakeven(batches, mapsync, fsync, 6, &be), 0);
	assert_int_equal(be.kind, SF_BE_NEVER);
	sf_breakeven_str(&be, "mapsync", "fsync", line, sizeof(line));
	assert_non_null(strstr(line, "never cheaper"));
	assert_non_null(strstr(line, "1..1024"));
}

static void cheaper_at_smallest(void **state)
{
	const double cheap[] = { 100e3, 50e3, 20e3, 10e3, 5e3, 1e3 };
	struct sf_breakeven be;
	char line[512];

	assert_int_equal(sf_breakeven(batches, mapsync, cheap, 6, &be), 0);
	assert_int_equal(be.kind, SF_BE_FOUND);
	assert_int_equal(be.batch, 1);
	assert_int_equal(be.below, 0);
	assert_true(isnan(be.estimate));
	sf_breakeven_str(&be, "mapsync", "msync", line, sizeof(line));
	assert_non_null(strstr(line, "at or below 1"));
}

static void equal_is_not_cheaper(void **state)
{
	const long b[] = { 1, 16 };
	const double a[] = { 100, 100 }, x[] = { 100, 99 };
	struct sf_breakeven be;

	assert_int_equal(sf_breakeven(b, a, x, 2, &be), 0);
	assert_int_equal(be.batch, 16);
	assert_int_equal(be.below, 1);
}

static void unsorted_input_and_dearer_again(void **state)
{
	const long b[] = { 256, 1, 64, 16 };
	const double a[] = { 100, 100, 100, 100 };
	const double x[] = { 150, 300, 80, 120 };	/* cheaper only at 64 */
	struct sf_breakeven be;
	char line[512];

	assert_int_equal(sf_breakeven(b, a, x, 4, &be), 0);
	assert_int_equal(be.kind, SF_BE_FOUND);
	assert_int_equal(be.batch, 64);
	assert_int_equal(be.below, 16);
	assert_int_equal(be.dearer_again, 256);
	sf_breakeven_str(&be, "mapsync", "msync", line, sizeof(line));
	assert_non_null(strstr(line, "between batch 16 and 64"));
	assert_non_null(strstr(line, "dearer again at batch 256"));
}

static void missing_medians_are_skipped(void **state)
{
	const long b[] = { 1, 4, 16 };
	const double a[] = { 100, NAN, 100 }, x[] = { 200, 50, 90 };
	struct sf_breakeven be;

	assert_int_equal(sf_breakeven(b, a, x, 3, &be), 0);
	assert_int_equal(be.npoints, 2);
	assert_int_equal(be.batch, 16);
	assert_int_equal(be.below, 1);
}

static void no_data(void **state)
{
	const long b[] = { 1 };
	const double a[] = { NAN }, x[] = { 5 };
	struct sf_breakeven be;
	char line[256];

	assert_int_equal(sf_breakeven(b, a, x, 1, &be), 0);
	assert_int_equal(be.kind, SF_BE_NODATA);
	assert_int_equal(sf_breakeven(b, a, x, 0, &be), 0);
	assert_int_equal(be.kind, SF_BE_NODATA);
	sf_breakeven_str(&be, "mapsync", "msync", line, sizeof(line));
	assert_non_null(strstr(line, "no batch size"));
}

static void bad_input_refused(void **state)
{
	const long dup[] = { 4, 4 }, zero[] = { 0, 4 };
	const double a[] = { 1, 2 }, x[] = { 3, 4 };
	struct sf_breakeven be;

	assert_int_equal(sf_breakeven(dup, a, x, 2, &be), -1);
	assert_int_equal(sf_breakeven(zero, a, x, 2, &be), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(crosses_between_tried_sizes),
		cmocka_unit_test(never_cheaper),
		cmocka_unit_test(cheaper_at_smallest),
		cmocka_unit_test(equal_is_not_cheaper),
		cmocka_unit_test(unsorted_input_and_dearer_again),
		cmocka_unit_test(missing_medians_are_skipped),
		cmocka_unit_test(no_data),
		cmocka_unit_test(bad_input_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
