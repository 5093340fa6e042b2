/* SPDX-License-Identifier: MIT */
/*
 * The attribution pass (attrib_run.c): after a point's timed repeats, one
 * more repeat traced with function_graph, folded into phases
 * (lib/results/sf_attrib.h) and kept in the result.  Benchmarks mark their
 * timed window and their tasks' roles here.
 */
#ifndef SF_ATTRIB_RUN_H
#define SF_ATTRIB_RUN_H

#include <stdbool.h>

#include "sf_attrib_map.h"

struct sf_bench;
struct sf_ctx;
struct sf_result;
struct sf_attrib_opts;	/* sf_harness.h: run --attribute, suite attribute = yes */

/* Runs one repeat into traced (a result of its own); the harness provides it. */
typedef int (*sf_attrib_repeat_fn)(const struct sf_bench *b, struct sf_ctx *ctx,
				   struct sf_result *traced);

/*
 * After the timed repeats: trace one more repeat (o: the functions added,
 * whether the raw trace is kept) and put the folded phases
 * into res->attribution ("unsupported" with the reason where tracefs, the
 * tracer or a mapped function is missing).  Never touches res's metrics.
 */
void sf_attrib_pass(const struct sf_bench *b, struct sf_ctx *ctx,
		    const struct sf_attrib_opts *o, struct sf_result *res,
		    sf_attrib_repeat_fn repeat);

/*
 * Benchmarks mark their timed window: the attribution pass counts the
 * events inside it, the disturbance judge looks at what happened to the
 * repeat's threads and CPUs inside it (sf_disturb.h).
 */
void sf_attrib_mark(bool begin);
/* A task of a benchmark with roles says which it is (a no-op untraced). */
void sf_attrib_role(enum sf_task_role role);

#endif
