// SPDX-License-Identifier: MIT
/*
 * The contention benchmark compares locker samples of the idle interval
 * with those of the loaded one.  These tests pin down which samples land
 * where: an idle sample lies wholly inside the idle interval, a loaded one
 * started inside the loaded interval (and may end after it: the longest
 * waits must not be dropped), the loaded interval is where every faulter
 * was active, the idle one ends before any faulter started, and rates use
 * the interval's own length.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "../benches/contention.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* Planned: idle [100, 200), loaded no later than 400. */
static void loaded_is_where_every_faulter_was_active(void **state)
{
	const struct ct_span f[] = { { 210, 390 }, { 230, 400 }, { 220, 380 } };
	struct ct_interval idle, load;

	assert_int_equal(ct_intervals(100, 200, 400, f, 3, &idle, &load), 0);
	assert_int_equal(idle.start, 100);
	assert_int_equal(idle.end, 200);
	assert_int_equal(load.start, 230);	/* the last one to start */
	assert_int_equal(load.end, 380);	/* the first one to stop */
}

static void idle_ends_when_a_faulter_starts_early(void **state)
{
	const struct ct_span f[] = { { 150, 390 }, { 210, 395 } };
	struct ct_interval idle, load;

	assert_int_equal(ct_intervals(100, 200, 400, f, 2, &idle, &load), 0);
	assert_int_equal(idle.end, 150);
	assert_int_equal(load.start, 210);
}

static void loaded_stops_at_the_limit(void **state)
{
	const struct ct_span f[] = { { 210, 460 } };
	struct ct_interval idle, load;

	assert_int_equal(ct_intervals(100, 200, 400, f, 1, &idle, &load), 0);
	assert_int_equal(load.end, 400);
}

static void no_interval_without_every_faulter(void **state)
{
	const struct ct_span never[] = { { 210, 390 }, { 0, 0 } };
	const struct ct_span apart[] = { { 210, 250 }, { 260, 390 } };
	const struct ct_span early[] = { { 90, 390 } };
	const struct ct_span late[] = { { 410, 450 } };
	struct ct_interval idle, load;

	assert_int_equal(ct_intervals(100, 200, 400, never, 2, &idle, &load), -1);
	assert_int_equal(ct_intervals(100, 200, 400, apart, 2, &idle, &load), -1);
	/* a faulter active before the idle interval began leaves no idle time */
	assert_int_equal(ct_intervals(100, 200, 400, early, 1, &idle, &load), -1);
	/* started after the lockers stopped: nothing to compare */
	assert_int_equal(ct_intervals(100, 200, 400, late, 1, &idle, &load), -1);
	assert_int_equal(ct_intervals(100, 200, 400, never, 0, &idle, &load), -1);
}

static void samples_by_interval(void **state)
{
	const struct ct_interval idle = { 100, 200 }, load = { 300, 400 };
	const struct {
		struct ct_op op;
		enum ct_side side;
	} c[] = {
		{ { 50, 60 }, CT_OUTSIDE },	/* warm-up */
		{ { 95, 105 }, CT_OUTSIDE },	/* straddles the idle start */
		{ { 100, 110 }, CT_IDLE },	/* starts exactly at the start */
		{ { 190, 200 }, CT_IDLE },	/* ends exactly at the end */
		{ { 195, 205 }, CT_OUTSIDE },	/* straddles the idle end */
		{ { 250, 260 }, CT_OUTSIDE },	/* in the gap */
		{ { 150, 350 }, CT_OUTSIDE },	/* idle op still running under load */
		{ { 299, 301 }, CT_OUTSIDE },	/* started before every faulter was on */
		{ { 250, 390 }, CT_OUTSIDE },	/* from the gap into loaded */
		{ { 300, 301 }, CT_LOADED },
		{ { 399, 400 }, CT_LOADED },
		{ { 399, 401 }, CT_LOADED },	/* started inside, ended after */
		{ { 310, 5000 }, CT_LOADED },	/* a wait that outlasts the interval */
		{ { 400, 410 }, CT_OUTSIDE },	/* started at the end */
		{ { 410, 420 }, CT_OUTSIDE },	/* tail */
		{ { 320, 310 }, CT_OUTSIDE },	/* ends before it starts: garbage */
	};

	for (size_t i = 0; i < N(c); i++)
		assert_int_equal(ct_classify(&c[i].op, &idle, &load), c[i].side);
}

static void split_keeps_order_and_counts(void **state)
{
	const struct ct_op ops[] = {
		{ 50, 60 }, { 120, 130 }, { 140, 150 }, { 198, 203 }, { 250, 260 },
		{ 310, 320 }, { 330, 340 }, { 350, 360 }, { 395, 410 },
	};
	const struct ct_interval idle = { 100, 200 }, load = { 300, 400 };
	struct ct_op a[N(ops)], b[N(ops)];
	size_t ni, nl;

	ct_split(ops, N(ops), &idle, &load, a, &ni, b, &nl);
	assert_int_equal(ni, 2);
	assert_int_equal(nl, 4);
	assert_int_equal(a[0].t0, 120);
	assert_int_equal(a[1].t0, 140);
	assert_int_equal(b[0].t0, 310);
	assert_int_equal(b[2].t0, 350);
	assert_int_equal(b[3].t1, 410);
	/* counting only gives the same numbers */
	ct_split(ops, N(ops), &idle, &load, NULL, &ni, NULL, &nl);
	assert_int_equal(ni, 2);
	assert_int_equal(nl, 4);
}

/* The whole chain as the benchmark uses it, on a made-up run. */
static void end_to_end_bookkeeping(void **state)
{
	const struct ct_span f[] = { { 1000, 2000 } };
	struct ct_op ops[300];
	struct ct_interval idle, load;
	size_t ni, nl, n = 0;

	/* a locker doing one 10-tick op every 10 ticks from 0 to 2100 */
	for (uint64_t t = 0; t + 10 <= 2100 && n < N(ops); t += 10)
		ops[n++] = (struct ct_op){ t, t + 10 };
	assert_int_equal(ct_intervals(200, 900, 2050, f, 1, &idle, &load), 0);
	ct_split(ops, n, &idle, &load, NULL, &ni, NULL, &nl);
	assert_int_equal(ni, 70);	/* [200, 900) */
	assert_int_equal(nl, 100);	/* [1000, 2000) */
	assert_true(ct_rate(ni, &idle, 1000.0) == 100.0);
	assert_true(ct_rate(nl, &load, 1000.0) == 100.0);
}

static void rate_of_empty_interval_is_zero(void **state)
{
	const struct ct_interval empty = { 500, 500 }, iv = { 0, 2000 };

	assert_true(ct_rate(10, &empty, 1e9) == 0.0);
	assert_true(ct_rate(10, &iv, 1e3) == 5.0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(loaded_is_where_every_faulter_was_active),
		cmocka_unit_test(idle_ends_when_a_faulter_starts_early),
		cmocka_unit_test(loaded_stops_at_the_limit),
		cmocka_unit_test(no_interval_without_every_faulter),
		cmocka_unit_test(samples_by_interval),
		cmocka_unit_test(split_keeps_order_and_counts),
		cmocka_unit_test(end_to_end_bookkeeping),
		cmocka_unit_test(rate_of_empty_interval_is_zero),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
