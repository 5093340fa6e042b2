// SPDX-License-Identifier: MIT
/*
 * flush: the facts across the matrix, after the runs (the performance
 * goals): the timer's share of an op, the best non-temporal primitive
 * against libpmem, whether repeats agree, shared-bandwidth scaling.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flush.h"
#include "sf_stats.h"

#define RATIO_SIZE	(64 * 1024)	/* NT vs libpmem compared from here */

static int64_t size_of(const struct sf_result *r)
{
	int64_t v = 0;

	sf_parse_size(sf_result_param(r, "size"), &v);
	return v;
}

/*
 * The timer's share of one 64 B durable op, and where the timer is a
 * visible share of the op (sizes to 4 KiB), whether the batch-timed
 * figure meets the 2% goal: facts of each such point.
 */
static void analyze_timer_share(struct sf_result *res, int n)
{
	for (int i = 0; i < n; i++) {
		struct sf_result *r = &res[i];
		const struct sf_flush_prim *p = sf_flush_find(sf_result_param(r, "primitive"));
		double oh = sf_result_info_double(r, "timer_overhead_ns"), op = sf_result_p50(r, "op_ns");
		double so = sf_result_p50(r, "timer_share_op_pct"), sb = sf_result_p50(r, "timer_share_batched_pct");

		if (r->status != SF_OK)
			continue;
		if (size_of(r) == SF_FLUSH_LINE && p && p->durable && isfinite(oh))
			sf_result_info_set(r, "timer_share_of_op", json_object_new_double(oh / op));
		if (size_of(r) <= GOAL_CV_SIZE && isfinite(so) && isfinite(sb))
			sf_result_info_set(r, "timer_batched_goal", json_object_new_string(sb <= 2 ? "met" : "above"));
	}
}

/* Is a ratio below 1 more than the repeats' noise? */
static const char *ratio_verdict(double ratio, double noise)
{
	if (ratio >= 1)
		return "at_least_1";
	if (!isfinite(noise))
		return "unknown";
	return fabs(1 - ratio) < 2 * noise ? "noise" : "below";
}

/* Best non-temporal primitive against pmem_memcpy_persist at the same point. */
static void analyze_nt_ratio(struct sf_result *res, int n)
{
	for (int i = 0; i < n; i++) {
		struct sf_result *pm = &res[i], *best = NULL;
		double pbw = sf_result_p50(pm, "bandwidth"), bbw = 0, noise;

		if (pm->status != SF_OK || strcmp(sf_result_param(pm, "primitive"), "pmem_memcpy_persist") ||
		    size_of(pm) < RATIO_SIZE || !isfinite(pbw))
			continue;
		for (int k = 0; k < n; k++) {
			const struct sf_flush_prim *p = sf_flush_find(sf_result_param(&res[k], "primitive"));
			double bw = sf_result_p50(&res[k], "bandwidth");

			if (res[k].status == SF_OK && p && p->kind == SF_PRIM_NT &&
			    sf_result_same_point_but(pm, &res[k], "primitive") && isfinite(bw) && bw > bbw) {
				best = &res[k];
				bbw = bw;
			}
		}
		if (!best)
			continue;
		noise = fmax(sf_result_repeat_cv(pm, "bandwidth"), sf_result_repeat_cv(best, "bandwidth"));
		sf_result_info_set(pm, "best_nt_ratio", json_object_new_double(bbw / pbw));
		sf_result_info_set(pm, "best_nt_primitive",
			 json_object_new_string(sf_result_param(best, "primitive")));
		sf_result_info_set(pm, "best_nt_bandwidth", json_object_new_double(bbw));
		sf_result_info_set(pm, "best_nt_verdict", json_object_new_string(ratio_verdict(bbw / pbw, noise)));
	}
}

/* Repeat agreement of the points the goal is about (sizes from 4 KiB). */
static void analyze_cv(struct sf_result *res, int n, const char *metric)
{
	char key[64];

	snprintf(key, sizeof(key), "cv_repeats_%s", metric);
	for (int i = 0; i < n; i++) {
		double cv = sf_result_repeat_cv(&res[i], metric);

		if (res[i].status == SF_OK && size_of(&res[i]) >= GOAL_CV_SIZE && isfinite(cv))
			sf_result_info_set(&res[i], key, json_object_new_double(cv));
	}
}

/*
 * Variation the disturbance counters cannot see: a large flush is bound by
 * memory bandwidth, which neighbours on the host share without preempting
 * anything.  The reference memset runs on the same buffer in the same
 * repeats; when it varied too, in step with this point's bandwidth, the
 * machine varied, not the primitive: the point is unstable for that cause.
 */
#define SHARED_BW_MIN_R	0.5

static void analyze_shared_bandwidth(struct sf_result *r)
{
	struct sf_metric *bw = sf_result_metric(r, "bandwidth");
	struct sf_metric *ref = sf_result_metric(r, "ref_memset_bandwidth");
	json_object *d, *u;
	double cv, ref_cv, rho;
	char why[256];

	if (r->status != SF_OK || size_of(r) < GOAL_CV_SIZE || !bw || !ref ||
	    bw->nrepeats != ref->nrepeats || bw->nrepeats < 3)
		return;
	cv = sf_cv_of(bw->repeats, (size_t)bw->nrepeats);
	ref_cv = sf_cv_of(ref->repeats, (size_t)ref->nrepeats);
	rho = sf_pearson(bw->repeats, ref->repeats, (size_t)bw->nrepeats);
	if (!(cv >= GOAL_CV && ref_cv >= GOAL_CV && rho >= SHARED_BW_MIN_R))
		return;
	if (!r->info || !json_object_object_get_ex(r->info, "disturbance", &d)) {
		d = json_object_new_object();
		sf_result_info_set(r, "disturbance", d);
	}
	if (json_object_object_get_ex(d, "unstable", &u) && json_object_get_boolean(u))
		return;		/* the harness already named a cause */
	snprintf(why, sizeof(why), "the machine's memory bandwidth varied under it: the reference memset in the same repeats varied %.1f%% (r = %.2f with this point's bandwidth)",
		 ref_cv * 100, rho);
	json_object_object_add(d, "unstable", json_object_new_boolean(1));
	json_object_object_add(d, "why", json_object_new_string(why));
}

/* The goals' facts, into each result's info (run and suite alike). */
void flush_analyze(struct sf_result *res, int n)
{
	analyze_timer_share(res, n);
	analyze_nt_ratio(res, n);
	analyze_cv(res, n, "op_ns");
	analyze_cv(res, n, "bandwidth");
	for (int i = 0; i < n; i++)
		analyze_shared_bandwidth(&res[i]);
}
