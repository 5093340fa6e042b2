/* SPDX-License-Identifier: MIT */
/*
 * The harness: runs one benchmark point for N repeats, each repeat in a
 * process of its own, and merges them into one result.
 */
#ifndef SF_HARNESS_H
#define SF_HARNESS_H

#include <stdbool.h>

#include "sf_bench.h"

#define SF_MAX_METRICS	64
#define SF_MAX_CHECKS	64

/* Shown on stderr with \r updates when set (the CLI decides). */
extern bool sf_show_progress;

/*
 * Adaptive repeats: a point runs repeats until the 95% confidence interval
 * of its primary metric's median (the first distribution metric; order
 * statistics over the per-repeat values) is within +-precision_pct, and
 * at least min, at most max repeats, stopping early when the point has
 * taken max_time_s.  The CLI sets this; the result records how many ran,
 * the interval reached and why it stopped (info.repeat_plan).
 */
#define SF_PRECISION_DEFAULT	2.0
#define SF_MIN_REPEATS_DEFAULT	6	/* the fewest with a 95% median interval */
#define SF_MAX_REPEATS_DEFAULT	30
#define SF_MAX_TIME_DEFAULT	60.0
struct sf_repeat_plan {
	double precision_pct;
	int min, max;
	double max_time_s;
};
extern struct sf_repeat_plan sf_repeat_plan;

/* A plan as `syncfault run` options (--precision=P ...): into buf, args[0..n); n. */
#define SF_PLAN_ARGS	4
int sf_repeat_plan_args(const struct sf_repeat_plan *pl, char buf[SF_PLAN_ARGS][32],
			const char **args);

/*
 * A repeat that something disturbed (sf_disturb.h: CPU stolen or shared)
 * is run again, at most this often per repeat and per point; a point
 * that keeps a disturbed repeat is marked unstable (info.disturbance).
 */
#define SF_RERUNS_PER_REPEAT	2
#define SF_RERUNS_PER_POINT	6

/*
 * Run pt of bench b on target t (already probed; NULL for benches that do
 * not need one) for repeats repeats, or adaptively (sf_repeat_plan) when
 * repeats is 0.  res is filled whatever happens: status ok, unsupported
 * (with reason) or error (with reason).
 */
void sf_run_point(const struct sf_bench *b, const struct sf_point *pt,
		  const struct sf_target *t, int repeats, struct sf_result *res);

/* Fill the header of a result (version, bench, params, started); env is the caller's. */
void sf_result_init(struct sf_result *res, const struct sf_bench *b,
		    const struct sf_point *pt, const struct sf_target *t);

#endif
