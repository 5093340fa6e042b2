// SPDX-License-Identifier: MIT
/*
 * Adaptive repeats and disturbance, through the real harness (each repeat
 * a child process) with a synthetic benchmark whose per-repeat values are
 * known: a steady one stops on precision at the minimum, a noisy one runs
 * to the maximum, --repeats N runs exactly N; the median interval and the
 * disturbance judge against hand-computed cases.
 */
#include <json-c/json.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <cmocka.h>

#include "sf_disturb.h"
#include "sf_harness.h"
#include "sf_stats.h"

static const struct sf_param no_params[] = { { NULL } };

/* 100 every repeat: the interval is zero wide at once */
static enum sf_status steady(struct sf_ctx *ctx)
{
	struct sf_metric *m = sf_metric(ctx, "latency", "ns", SF_LOWER);

	for (int i = 0; i < 10; i++)
		sf_metric_add(m, 100);
	return SF_OK;
}

/* 100 or 200 by repeat: the median's interval never narrows below 2% */
static enum sf_status noisy(struct sf_ctx *ctx)
{
	struct sf_metric *m = sf_metric(ctx, "latency", "ns", SF_LOWER);

	for (int i = 0; i < 10; i++)
		sf_metric_add(m, ctx->repeat % 2 ? 200 : 100);
	return SF_OK;
}

static const struct sf_bench b_steady = { .name = "steady", .params = no_params, .run = steady };
static const struct sf_bench b_noisy = { .name = "noisy", .params = no_params, .run = noisy };

static const char *plan_str(const struct sf_result *r, const char *key)
{
	json_object *rp, *v;

	assert_true(json_object_object_get_ex(r->info, "repeat_plan", &rp));
	assert_true(json_object_object_get_ex(rp, key, &v));
	return json_object_get_string(v);
}

/* The plan of the next adaptive run (the job's own option). */
static struct sf_repeat_plan plan = SF_REPEAT_PLAN_DEFAULT;

static void run(const struct sf_bench *b, int repeats, struct sf_result *r)
{
	struct sf_point pt = { .params = no_params };
	struct sf_point_opts o = { .repeats = repeats, .plan = plan };

	sf_run_point(b, &pt, NULL, &o, r);
	assert_int_equal(r->status, SF_OK);
}

static void adaptive_stops_on_precision(void **state)
{
	struct sf_result r;

	plan = (struct sf_repeat_plan){ 2.0, 6, 12, 60 };
	run(&b_steady, 0, &r);
	assert_int_equal(r.metrics[0].nrepeats, 6);
	assert_string_equal(plan_str(&r, "stop"), "precision");
	assert_string_equal(plan_str(&r, "mode"), "adaptive");
	assert_string_equal(plan_str(&r, "run"), "6");
	sf_result_free(&r);
}

static void adaptive_stops_at_maximum(void **state)
{
	struct sf_result r;

	plan = (struct sf_repeat_plan){ 2.0, 6, 9, 60 };
	run(&b_noisy, 0, &r);
	assert_int_equal(r.metrics[0].nrepeats, 9);
	assert_string_equal(plan_str(&r, "stop"), "maximum");
	assert_true(atof(plan_str(&r, "half_width_pct")) > 2.0);
	sf_result_free(&r);
}

static void fixed_runs_exactly(void **state)
{
	struct sf_result r;

	plan = (struct sf_repeat_plan){ 2.0, 6, 30, 60 };
	run(&b_noisy, 3, &r);
	assert_int_equal(r.metrics[0].nrepeats, 3);
	assert_string_equal(plan_str(&r, "stop"), "fixed");
	sf_result_free(&r);
}

static void median_interval(void **state)
{
	double v[6] = { 6, 1, 5, 2, 4, 3 }, lo, hi;

	/* n=6: P(Bin(6,.5) <= 0) = 1/64 <= 2.5%, so k = 1: [min, max] */
	assert_int_equal(sf_median_ci(v, 6, 0.95, &lo, &hi), 0);
	assert_float_equal(lo, 1, 0);
	assert_float_equal(hi, 6, 0);
	/* n=5: 1/32 > 2.5%: no 95% interval */
	assert_int_equal(sf_median_ci(v, 5, 0.95, &lo, &hi), -1);
	assert_true(isnan(sf_median_ci_halfwidth_pct(v, 5)));
	/* (6 - 1) / 2 / 3.5 */
	assert_float_equal(sf_median_ci_halfwidth_pct(v, 6), 5.0 / 2 / 3.5 * 100, 1e-9);
}

static void disturbance_judged(void **state)
{
	struct sf_disturb_snap a, b;
	struct sf_disturb d;

	assert_int_equal(sf_disturb_parse("cpu  100 0 100 700 0 0 0 100 0 0\nintr 5000 1 2\n", &a), 0);
	assert_int_equal(a.steal, 100);
	assert_int_equal(a.cpu_ticks, 1000);
	assert_int_equal(a.intr, 5000);
	b = a;
	a.ns = 0;
	b.ns = 1000000000;
	/* 3 of 100 ticks stolen: under 5%; 8: disturbed */
	b.cpu_ticks += 100;
	b.steal += 3;
	sf_disturb_judge(&a, &b, 0, 0, 2, NULL, &d);
	assert_false(d.disturbed);
	b.steal = a.steal + 8;
	sf_disturb_judge(&a, &b, 0, 0, 2, NULL, &d);
	assert_true(d.disturbed);
	assert_non_null(strstr(d.why, "steal 8.0%"));
	/* no steal; many switches but no time lost: not disturbed */
	b.steal = a.steal;
	sf_disturb_judge(&a, &b, 500, 1e6, 2, NULL, &d);
	assert_false(d.disturbed);
	/* 100 ms of 1 s waiting for a CPU: disturbed */
	sf_disturb_judge(&a, &b, 5, 1e8, 2, NULL, &d);
	assert_true(d.disturbed);
	assert_float_equal(d.run_delay_pct, 10, 1e-9);
	assert_non_null(strstr(d.why, "waited 100.0 ms"));
	/* a 1 tick steal in a short repeat is not evidence (1 of 20 ticks = 5%+) */
	b.cpu_ticks = a.cpu_ticks + 15;
	b.steal = a.steal + 1;
	sf_disturb_judge(&a, &b, 0, 0, 2, NULL, &d);
	assert_false(d.disturbed);
	assert_int_equal(sf_disturb_parse("garbage", &a), -1);
}

/* The timed window decides, relative to its own length and its own CPUs. */
static void window_judged(void **state)
{
	struct sf_disturb_snap a = { .ns = 0, .ok = true }, b = { .ns = 2000000000, .ok = true };
	struct sf_window w = { .n = 1, .ms = 200, .workers = 1, .ticks = 20, .cpus = "1", .ncpus = 1 };
	struct sf_disturb d;

	/* the whole repeat waited 1 s of 2 s, but its timed window 4 ms of 200: not disturbed */
	w.delay_ms = 4;
	w.invol = 30;
	sf_disturb_judge(&a, &b, 500, 1e9, 2, &w, &d);
	assert_false(d.disturbed);
	assert_true(d.windowed);
	assert_float_equal(d.run_delay_pct, 2, 1e-9);
	assert_string_equal(d.cpus, "1");
	/* 30 ms of 200: disturbed, and the text says where and how much */
	w.delay_ms = 30;
	w.irq = 100;
	sf_disturb_judge(&a, &b, 0, 0, 2, &w, &d);
	assert_true(d.disturbed);
	assert_non_null(strstr(d.why, "200.0 ms timed window"));
	assert_non_null(strstr(d.why, "waited 30.0 ms"));
	assert_non_null(strstr(d.why, "15.0%"));
	assert_non_null(strstr(d.why, "500 interrupts/s on cpu 1"));
	/* two pinned workers: the wait is shared between them */
	w.workers = 2;
	w.delay_ms = 16;
	sf_disturb_judge(&a, &b, 0, 0, 2, &w, &d);
	assert_false(d.disturbed);
	/* steal on its CPU: 3 of 20 ticks */
	w.steal = 3;
	sf_disturb_judge(&a, &b, 0, 0, 2, &w, &d);
	assert_true(d.disturbed);
	assert_non_null(strstr(d.why, "stole 15.0% of cpu 1"));
	/*
	 * A median of 1024 samples: one 24 ms preemption hits one sample, not
	 * the figure, however long it waited; 60 switches hit 6%: disturbed.
	 */
	w = (struct sf_window){ .n = 1, .ms = 30, .workers = 1, .ticks = 3, .cpus = "0",
				.ncpus = 1, .delay_ms = 24, .invol = 1, .samples = 1024 };
	sf_disturb_judge(&a, &b, 0, 0, 2, &w, &d);
	assert_false(d.disturbed);
	assert_float_equal(d.hit_pct, 100.0 / 1024, 1e-9);
	w.invol = 60;
	sf_disturb_judge(&a, &b, 0, 0, 2, &w, &d);
	assert_true(d.disturbed);
	assert_non_null(strstr(d.why, "60 involuntary switches"));
	assert_non_null(strstr(d.why, "of its 1024 samples (5.9%"));
	/* 0.4 ms lost per hit against 0.03 ms samples */
	assert_non_null(strstr(d.why, "lengthened it by 0.4 ms"));
	/*
	 * 12 switches in 11 samples of a 40 ms window but no time lost (kernel
	 * threads in and out): no sample was lengthened, not disturbed.
	 */
	w = (struct sf_window){ .n = 1, .ms = 40, .workers = 2, .ticks = 8, .cpus = "0,1",
				.ncpus = 2, .delay_ms = 0.01, .invol = 12, .samples = 11 };
	sf_disturb_judge(&a, &b, 0, 0, 2, &w, &d);
	assert_false(d.disturbed);
	assert_true(d.hit_pct > 100);
	assert_true(d.hit_inflation_pct < 0.02);
	/* 2 switches in 16 samples of 36.8 ms, 3.5 ms lost: 76% of a sample, disturbed */
	w = (struct sf_window){ .n = 1, .ms = 36.8, .workers = 1, .ticks = 4, .cpus = "1",
				.ncpus = 1, .delay_ms = 3.5, .invol = 2, .samples = 16 };
	sf_disturb_judge(&a, &b, 0, 0, 2, &w, &d);
	assert_true(d.disturbed);
	assert_float_equal(d.hit_inflation_pct, 100 * 1.75 / 2.3, 1e-9);
}

/* Interrupts per CPU from /proc/interrupts' columns, steal per CPU from /proc/stat. */
static void per_cpu_counts(void **state)
{
	static const char stat[] = "cpu  10 0 10 70 0 0 0 10 0 0\n"
		"cpu0 5 0 5 35 0 0 0 2 0 0\ncpu1 5 0 5 35 0 0 0 8 0 0\nintr 99\n";
	static const char irq[] = "           CPU0       CPU1       \n"
		"  0:         44          1   IO-APIC   2-edge      timer\n"
		"LOC:       1000       3000   Local timer interrupts\n"
		"ERR:          7\n";
	struct sf_cpu_counts c;

	assert_int_equal(sf_cpu_counts_parse(stat, irq, &c), 0);
	assert_int_equal(c.steal[0], 2);
	assert_int_equal(c.steal[1], 8);
	assert_int_equal(c.ticks[1], 53);
	assert_int_equal(c.irq[0], 1044);
	assert_int_equal(c.irq[1], 3001);
	assert_int_equal(sf_cpu_counts_parse("nothing", irq, &c), -1);
}

/* Reserved sample storage is resident: adding samples in a timed loop takes no fault. */
static void reserve_prefaults(void **state)
{
	struct sf_metric m = { 0 };
	struct rusage r0, r1;
	size_t n = 4 << 20;	/* 32 MiB of samples: thousands of pages if not touched */

	assert_int_equal(sf_metric_reserve(&m, n), 0);
	getrusage(RUSAGE_SELF, &r0);
	for (size_t i = 0; i < n; i++)
		sf_metric_add(&m, (double)i);
	getrusage(RUSAGE_SELF, &r1);
	assert_true(r1.ru_minflt - r0.ru_minflt < 16);
	assert_int_equal(m.s.n, n);
	free(m.s.v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reserve_prefaults),
		cmocka_unit_test(median_interval),
		cmocka_unit_test(disturbance_judged),
		cmocka_unit_test(window_judged),
		cmocka_unit_test(per_cpu_counts),
		cmocka_unit_test(adaptive_stops_on_precision),
		cmocka_unit_test(adaptive_stops_at_maximum),
		cmocka_unit_test(fixed_runs_exactly),
	};

	sf_clock_init(false);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
