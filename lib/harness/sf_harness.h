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
 * taken max_time_s.  A job's options hold it; the result records how many ran,
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
#define SF_REPEAT_PLAN_DEFAULT { SF_PRECISION_DEFAULT, SF_MIN_REPEATS_DEFAULT, \
				 SF_MAX_REPEATS_DEFAULT, SF_MAX_TIME_DEFAULT }

/* The attribution pass (sf_attrib.h): one more repeat, traced. */
#define SF_ATTRIB_EXTRA_FNS	8
struct sf_attrib_opts {
	bool on;
	bool keep_trace;	/* the raw trace goes into the result too ("trace") */
	/* extra "PHASE=FUNCTION" rows (--attribute-fn), NULL-terminated */
	const char *fns[SF_ATTRIB_EXTRA_FNS + 1];
};

/*
 * How one point is run: its job's own options (run's flags, a suite run's
 * keys), handed down with it; nothing of it is global.
 */
struct sf_point_opts {
	int repeats;		/* > 0: exactly this many; 0: adaptive, by plan */
	struct sf_repeat_plan plan;
	struct sf_attrib_opts attrib;
};
#define SF_POINT_OPTS_DEFAULT { .plan = SF_REPEAT_PLAN_DEFAULT }

/*
 * The options as `syncfault run` arguments for a run elsewhere (a guest):
 * the plan when adaptive, the attribution pass; into buf, args[0..n)
 * NULL-terminated; returns n.  --repeats is the point's (sf_point_argv).
 */
#define SF_OPTS_ARGS	(4 + 1 + SF_ATTRIB_EXTRA_FNS)
int sf_point_opts_args(const struct sf_point_opts *o, char buf[SF_OPTS_ARGS][320],
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
 * not need one) as o says: o->repeats repeats, or adaptively by o->plan
 * when it is 0, then the attribution pass if asked for.  res is filled
 * whatever happens: status ok, unsupported (with reason) or error (with
 * reason).
 */
void sf_run_point(const struct sf_bench *b, const struct sf_point *pt,
		  const struct sf_target *t, const struct sf_point_opts *o,
		  struct sf_result *res);

/* Fill the header of a result (version, bench, params, started); env is the caller's. */
void sf_result_init(struct sf_result *res, const struct sf_bench *b,
		    const struct sf_point *pt, const struct sf_target *t);

#endif
