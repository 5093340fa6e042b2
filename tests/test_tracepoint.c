// SPDX-License-Identifier: MIT
/*
 * Tracepoint counters: a tracepoint that does not exist is refused with
 * the reason, a set that could not be opened reads as zeros (callers read
 * unconditionally), and a set larger than the limit is refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "sf_tracepoint.h"

static void unknown_tracepoint(void **state)
{
	struct sf_tp_event ev = { "no_such_system", "no_such_event", NULL };
	char why[256] = "";
	uint64_t id = 7;

	assert_int_equal(sf_tp_id(&ev, &id, why, sizeof(why)), -1);
	/* either reason names what is missing */
	assert_true(strstr(why, "tracefs is not mounted") ||
		    strstr(why, "no no_such_system:no_such_event tracepoint"));
}

static void closed_set_reads_zero(void **state)
{
	struct sf_tp_set s = { 0 };
	uint64_t v[3] = { 5, 6, 7 };

	sf_tp_read(&s, v, 3);
	assert_int_equal(v[0] + v[1] + v[2], 0);
	sf_tp_close(&s);
	assert_int_equal(s.n, 0);
}

static void too_many_counters(void **state)
{
	struct sf_tp_event ev[SF_TP_MAX + 1] = { 0 };
	uint64_t ids[SF_TP_MAX + 1] = { 0 };
	struct sf_tp_set s;
	char why[256] = "";

	assert_int_equal(sf_tp_open(&s, ev, ids, SF_TP_MAX + 1, why, sizeof(why)), -1);
	assert_int_equal(s.n, 0);
	assert_non_null(strstr(why, "at most"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(unknown_tracepoint),
		cmocka_unit_test(closed_set_reads_zero),
		cmocka_unit_test(too_many_counters),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
