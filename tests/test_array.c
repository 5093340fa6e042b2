// SPDX-License-Identifier: MIT
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "sf_array.h"

static void grows_and_zeroes(void **state)
{
	int *a = NULL;
	size_t cap = 0;

	for (size_t n = 0; n < 1000; n++) {
		assert_int_equal(SF_GROW(a, n + 1, cap), 0);
		assert_true(cap >= n + 1);
		assert_int_equal(a[n], 0);	/* the new tail is zeroed */
		a[n] = (int)n;
	}
	for (int i = 0; i < 1000; i++)
		assert_int_equal(a[i], i);
	assert_int_equal(cap, 1024);	/* doubling from 8 */
	free(a);
}

static void overflow_leaves_the_array(void **state)
{
	double *a = NULL;
	size_t cap = 0;

	assert_int_equal(SF_GROW(a, 3, cap), 0);
	a[2] = 1.5;
	errno = 0;
	assert_int_equal(SF_GROW(a, SIZE_MAX / 4, cap), -1);
	assert_int_equal(errno, ENOMEM);
	assert_int_equal(cap, 8);
	assert_true(a[2] == 1.5);
	free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(grows_and_zeroes),
		cmocka_unit_test(overflow_leaves_the_array),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
