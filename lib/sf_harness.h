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
 * Run pt of bench b on target t (already probed; NULL for benches that do
 * not need one) for repeats repeats.  res is filled whatever happens:
 * status ok, unsupported (with reason) or error (with reason).
 */
void sf_run_point(const struct sf_bench *b, const struct sf_point *pt,
		  const struct sf_target *t, int repeats, struct sf_result *res);

/* Fill the header of a result (version, bench, params, started); env is the caller's. */
void sf_result_init(struct sf_result *res, const struct sf_bench *b,
		    const struct sf_point *pt, const struct sf_target *t);

#endif
