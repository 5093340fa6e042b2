// SPDX-License-Identifier: MIT
/* Parameter validation and matrix expansion. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "sf_params.h"

static const struct sf_param params[] = {
	{ "mode", SF_PT_ENUM, "none", .values = { "none", "msync", "mapsync" } },
	{ "pages", SF_PT_INT, "16", .min = 1, .max = 1000 },
	{ "size", SF_PT_SIZE, "4k", .min = 64, .max = 1 << 30 },
	{ "label", SF_PT_STR, "a,b" },
	{ "seed", SF_PT_INT, "1", .min = 0, .max = 9, .scalar = true },
	{ NULL },
};

static char err[512];

static int expand(const char *const *kv, int n, struct sf_point **pts)
{
	struct sf_assign a[8] = { { 0 } };

	for (int i = 0; i < n; i++)
		a[i] = (struct sf_assign){ kv[2 * i], kv[2 * i + 1] };
	err[0] = 0;
	return sf_params_expand(params, a, n, pts, err, sizeof(err));
}

static void defaults_fill_in(void **state)
{
	struct sf_point *pts;

	assert_int_equal(expand(NULL, 0, &pts), 1);
	assert_string_equal(sf_point_str(&pts[0], "mode"), "none");
	assert_int_equal(sf_point_int(&pts[0], "pages"), 16);
	assert_int_equal(sf_point_int(&pts[0], "size"), 4096);
	/* STR parameters are never split */
	assert_string_equal(sf_point_str(&pts[0], "label"), "a,b");
	sf_points_free(pts, 1);
}

static void lists_multiply_last_fastest(void **state)
{
	const char *kv[] = { "mode", "none,msync", "size", "64, 1m,1G" };
	struct sf_point *pts;

	assert_int_equal(expand(kv, 2, &pts), 6);
	assert_string_equal(sf_point_str(&pts[0], "mode"), "none");
	assert_int_equal(sf_point_int(&pts[0], "size"), 64);
	assert_int_equal(sf_point_int(&pts[1], "size"), 1 << 20);
	assert_int_equal(sf_point_int(&pts[2], "size"), 1 << 30);
	assert_string_equal(sf_point_str(&pts[3], "mode"), "msync");
	sf_points_free(pts, 6);
}

static void rejects_with_named_parameter(void **state)
{
	static const char *const bad[][2] = {
		{ "mode", "bogus" }, { "pages", "-3" }, { "pages", "0" }, { "pages", "12x" },
		{ "pages", "1001" }, { "size", "3" }, { "size", "-4k" }, { "size", "4q" },
		{ "mode", "none,,msync" }, { "mode", "none," }, { "mode", "" }, { "seed", "1,2" },
	};
	struct sf_point *pts;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *kv[] = { bad[i][0], bad[i][1] };
		char want[64];

		assert_int_equal(expand(kv, 1, &pts), -1);
		assert_null(pts);
		snprintf(want, sizeof(want), "--%s", bad[i][0]);
		assert_non_null(strstr(err, want));
	}
}

static void enum_error_lists_allowed(void **state)
{
	const char *kv[] = { "mode", "bogus" };
	struct sf_point *pts;

	assert_int_equal(expand(kv, 1, &pts), -1);
	assert_non_null(strstr(err, "none, msync, mapsync"));
}

static void unknown_parameter(void **state)
{
	const char *kv[] = { "nope", "1" };
	struct sf_point *pts;

	assert_int_equal(expand(kv, 1, &pts), -1);
	assert_non_null(strstr(err, "unknown parameter --nope"));
}

static void later_assignment_wins(void **state)
{
	const char *kv[] = { "pages", "5", "pages", "7" };
	struct sf_point *pts;

	assert_int_equal(expand(kv, 2, &pts), 1);
	assert_int_equal(sf_point_int(&pts[0], "pages"), 7);
	sf_points_free(pts, 1);
}

static void size_suffixes(void **state)
{
	int64_t v;

	assert_int_equal(sf_parse_size("4k", &v), 0);
	assert_int_equal(v, 4096);
	assert_int_equal(sf_parse_size("2MiB", &v), 0);
	assert_int_equal(v, 2 << 20);
	assert_int_equal(sf_parse_size("1G", &v), 0);
	assert_int_equal(v, 1 << 30);
	assert_int_equal(sf_parse_size("99999999999999999999", &v), -1);
	assert_int_equal(sf_parse_size("", &v), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(defaults_fill_in),
		cmocka_unit_test(lists_multiply_last_fastest),
		cmocka_unit_test(rejects_with_named_parameter),
		cmocka_unit_test(enum_error_lists_allowed),
		cmocka_unit_test(unknown_parameter),
		cmocka_unit_test(later_assignment_wins),
		cmocka_unit_test(size_suffixes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
