/* SPDX-License-Identifier: MIT */
/*
 * The flush benchmark's rooms: flush.c (the parameters, the descriptor and
 * run()), flush_loop.c (the timed loops, what they record and check) and
 * flush_facts.c (the facts across the matrix, after the runs).
 */
#ifndef SF_BENCH_FLUSH_H
#define SF_BENCH_FLUSH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sf_bench.h"
#include "sf_flush.h"
#include "sf_util.h"
#include "sf_workers.h"

struct worker {
	struct sf_flush_buf dst, src;
	int node;			/* where dst was bound */
	int cpu;
	char err[256];
	double *ns;			/* per-op samples of the current phase */
	size_t n;
	size_t batch;			/* ops per sample */
	size_t warmup;
	size_t mismatch;		/* bytes not as written, after the run */
	int clamped;			/* samples at or below the timer overhead */
	long preempted;			/* involuntary context switches, measuring */
} __sf_aligned;

struct job {
	struct sf_ctx *ctx;
	const struct sf_flush_prim *prim;	/* the op of the current phase */
	bool clean;
	size_t size, every;
	const char *node_spec;
	bool file;
	bool dax;		/* file on a DAX mount: its pages are the device's */
	bool devdax;		/* memory=file on device DAX: the device itself */
	uint64_t budget_ns;
	struct worker *w;
};

#define GOAL_CV		0.02		/* repeats agree within 2% ... */
#define GOAL_CV_SIZE	4096		/* ... at sizes from 4 KiB */

/* One repeat: setup, latency, bandwidth, read-back, the reference line. */
enum sf_status flush_measure(struct job *j, int nthreads);
/* The performance goals' facts into each result's info (run and suite alike). */
void flush_analyze(struct sf_result *res, int n);

#endif
