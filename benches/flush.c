// SPDX-License-Identifier: MIT
/*
 * flush: latency and bandwidth of every way userspace can make a store
 * durable (DESIGN question 4): the floor under every flush-only mode.
 *
 * One operation writes `size` bytes from a per-thread source buffer and
 * makes them durable with one primitive of lib/measure/flush_prims.c under a fence
 * policy.  Latency: each operation timed alone, from a drained start until
 * it has completed (see sf_flush.h for why sfence alone is not enough).
 * Bandwidth: batches of back-to-back operations.  All threads run the same
 * loop on their own buffers for the same time, so their bandwidths add up.
 * Plain stores and memset of the same size are measured after it as the
 * reference line: what the flush adds is the difference.
 */
#include <math.h>
#include <sched.h>
#include <sys/resource.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpmem.h>

#include "flush.h"
#include "sf_env.h"
#include "sf_harness.h"
#include "sf_workers.h"


static int valid_fence(const char *val, char *err, size_t len)
{
	char *end;
	long n;

	if (strncmp(val, "every:", 6))
		goto bad;
	n = strtol(val + 6, &end, 10);
	if (val[6] && !*end && n >= 1 && n <= 1 << 20)
		return 0;
bad:
	snprintf(err, len, "expected each, end or every:N with N lines from 1 to 1048576");
	return -1;
}

static int valid_node(const char *val, char *err, size_t len)
{
	char *end;
	long n = strtol(val, &end, 10);

	if (*val && !*end && n >= 0 && n < 4096)
		return 0;
	snprintf(err, len, "expected local, remote or a NUMA node number");
	return -1;
}

static const struct sf_param params[] = {
	{ .name = "primitive", .type = SF_PT_ENUM, .def = "clwb",
	  .from = &sf_flush_values,
	  .help = "how the bytes are written and made durable (store and memset: not durable, for reference)" },
	{ .name = "size", .type = SF_PT_SIZE, .def = "64,4096,262144",
	  .min = 64, .max = 64 << 20,
	  .help = "bytes written and made durable per operation" },
	{ .name = "fence", .type = SF_PT_ENUM, .def = "end",
	  .values = { "each", "end", NULL }, .check = valid_fence,
	  .help = "sfence after each line, every:N lines, or once at the end of the operation" },
	{ .name = "state", .type = SF_PT_ENUM, .def = "dirty",
	  .values = { "dirty", "clean", NULL },
	  .help = "dirty: store then flush; clean: flush lines already written back (cached, clean), no stores" },
	{ .name = "threads", .type = SF_PT_INT, .def = "1", .min = 1, .max = 1024,
	  .help = "threads, one pinned per core, each on its own buffer; bandwidth is their sum" },
	{ .name = "node", .type = SF_PT_ENUM, .def = "local",
	  .values = { "local", "remote", NULL }, .check = valid_node,
	  .help = "NUMA node of the memory: local, remote (nearest other node) or a node number" },
	{ .name = "memory", .type = SF_PT_ENUM, .def = "anon",
	  .values = { "anon", "file", NULL },
	  .help = "anon: anonymous DRAM; file: a file in --target mapped shared (a DAX file in the guest, tmpfs ...; on device DAX the device itself)" },
	{ .name = "time_ms", .type = SF_PT_INT, .def = "50", .min = 1, .max = 600000,
	  .help = "measuring time per repeat: half for latency, half for bandwidth, a quarter each for the reference lines" },
	{ NULL },
};

static size_t fence_every(const char *fence)
{
	if (!strcmp(fence, "each"))
		return 1;
	if (!strcmp(fence, "end"))
		return SF_FENCE_END;
	return (size_t)strtoul(fence + 6, NULL, 10);
}

static enum sf_status refuse(struct sf_ctx *ctx, const struct sf_flush_prim *p,
			     const char *state, int threads, bool file, const char *node)
{
	char why[256];

	if (sf_flush_supported(p, why, sizeof(why)))
		return sf_unsupported(ctx, "%s", why);
	if (!strcmp(state, "clean") && !p->flush)
		return sf_unsupported(ctx, "state=clean: %s has no flush-only form (%s): use state=dirty",
				      p->name, p->kind == SF_PRIM_REF ? "it never flushes"
								      : "it writes the data as it persists it");
	if (threads > sf_ncores())
		return sf_unsupported(ctx, "threads=%d: this machine has %d cores and threads are pinned one per core",
				      threads, sf_ncores());
	if (file && (!ctx->target || (!ctx->target->devdax && (!ctx->scratch || !ctx->scratch[0]))))
		return sf_unsupported(ctx, "memory=file needs --target DIR: the file is created there and mapped shared");
	if (file && ctx->target->dax && strcmp(node, "local"))
		return sf_unsupported(ctx, "node=%s: a file on a DAX mount lives on its pmem device's node and cannot be placed: use node=local",
				      node);
	return SF_OK;
}

static enum sf_status run(struct sf_ctx *ctx)
{
	const struct sf_flush_prim *p = sf_flush_find(sf_p_str(ctx, "primitive"));
	const char *state = sf_p_str(ctx, "state");
	int nthreads = (int)sf_p_int(ctx, "threads");
	struct job j = {
		.ctx = ctx,
		.prim = p,
		.clean = !strcmp(state, "clean"),
		.size = (size_t)sf_p_int(ctx, "size"),
		.every = fence_every(sf_p_str(ctx, "fence")),
		.node_spec = sf_p_str(ctx, "node"),
		.file = !strcmp(sf_p_str(ctx, "memory"), "file"),
		.budget_ns = (uint64_t)sf_p_int(ctx, "time_ms") * 1000000ull,
	};
	enum sf_status s = refuse(ctx, p, state, nthreads, j.file, j.node_spec);

	if (s != SF_OK)
		return s;
	j.dax = j.file && ctx->target->dax;
	j.devdax = j.file && ctx->target->devdax;
	sf_flush_drain_overhead();	/* calibrate before the threads start */
	j.w = aligned_alloc(SF_CACHELINE, sizeof(*j.w) * (size_t)nthreads);
	if (!j.w)
		return sf_fail(ctx, "out of memory");
	memset(j.w, 0, sizeof(*j.w) * (size_t)nthreads);
	s = flush_measure(&j, nthreads);
	for (int i = 0; i < nthreads; i++) {
		sf_flush_buf_free(&j.w[i].dst);
		sf_flush_buf_free(&j.w[i].src);
		free(j.w[i].ns);
	}
	free(j.w);
	return s;
}

/* The report's figure: bandwidth against size, a line per what else varies. */
static const struct sf_figure figures[] = {
	{ .kind = SF_FIG_LINES, .name = "flush_bw", .title = "Flush bandwidth (median of repeats)",
	  .metric = "bandwidth", .x = "size",
	  .flags = SF_FIG_X_SIZE | SF_FIG_Y_REPEATS | SF_FIG_TABLE | SF_FIG_LOGY_AUTO },
	{ 0 }
};

/* The table: a row per point, the goals' facts under it. */
static const struct sf_column columns[] = {
	{ SF_COL_PARAM, "primitive", .head = "primitive", .width = 22, .flags = SF_COL_LEFT },
	{ SF_COL_PARAM, "size", .head = "size", .width = 8 },
	{ SF_COL_PARAM, "threads", .head = "thr", .width = 3 },
	{ SF_COL_PARAM, "fence", .head = "fence", .width = 6, .flags = SF_COL_LEFT },
	{ SF_COL_PARAM, "state", .head = "state", .width = 5, .flags = SF_COL_LEFT },
	{ SF_COL_METRIC, "op_ns", .head = "op", .width = 10 },
	{ SF_COL_METRIC, "line_ns", .head = "line ns", .width = 9, .decimals = 1, .flags = SF_COL_PLAIN },
	{ SF_COL_METRIC, "line_tsc_cycles", .head = "line cyc", .width = 9, .decimals = 1,
	  .flags = SF_COL_PLAIN,
	  .none = "cycles are counted only where the timer is an invariant TSC; without one "
		  "(a QEMU TCG guest) the run timed with clock_gettime and has no cycles" },
	{ SF_COL_METRIC, "bandwidth", .head = "GB/s", .width = 8, .decimals = 2, .flags = SF_COL_PLAIN },
	{ SF_COL_METRIC, "ref_store_line_ns", .head = "store/ln", .width = 9, .decimals = 2,
	  .flags = SF_COL_PLAIN },
	{ SF_COL_CV, "op_ns", .head = "cv op", .width = 6 },
	{ SF_COL_CV, "bandwidth", .head = "cv bw", .width = 6 },
	{ 0 }
};
static const char *const goal_words[] = { "met", "", "above", ", above the 2% goal", NULL };
static const char *const nt_words[] = {
	"at_least_1", "",
	"noise", " (below 1 but within the repeats' noise)",
	"below", " (below 1 beyond the repeats' noise: libpmem is faster here)",
	"unknown", " (below 1; --repeats 2 or more to tell it from noise)",
	NULL
};
#define POINT_NAME "{p:primitive} size {p:size} threads {p:threads}"
#define NEED_REPEATS "repeats: need --repeats 2 or more at sizes >= 4 KiB to state the variation"
static const struct sf_note notes[] = {
	{ SF_NOTE_EACH, "  timer overhead {i:timer_overhead_ns:.1} ns = {i:timer_share_of_op:%0} of one 64 B {p:primitive} op (p50 {m:op_ns:.1} ns, threads={p:threads})" },
	{ SF_NOTE_EACH, "  {p:primitive} {p:size}: per op {m:op_ns} (timer {m:timer_share_op_pct:.1}% of it); batch-timed {m:op_batched_ns} per op, {i:ops_per_rate_sample:.0} ops per window (timer {m:timer_share_batched_pct:.2}%{w:timer_batched_goal})",
	  .words = goal_words },
	{ SF_NOTE_EACH, "  size {p:size} threads {p:threads}: best NT {i:best_nt_primitive} {i:best_nt_bandwidth:.2} GB/s vs pmem_memcpy_persist {m:bandwidth:.2} GB/s: ratio {i:best_nt_ratio:.2}{w:best_nt_verdict}",
	  .words = nt_words },
	{ SF_NOTE_AGREE, POINT_NAME, .metric = "op_ns", .what = "op p50", .scope = "at >= 4 KiB",
	  .scope_param = "size", .scope_min = GOAL_CV_SIZE, .goal = GOAL_CV, .none = NEED_REPEATS },
	{ SF_NOTE_AGREE, POINT_NAME, .metric = "bandwidth", .what = "bandwidth",
	  .scope = "at >= 4 KiB", .scope_param = "size", .scope_min = GOAL_CV_SIZE, .goal = GOAL_CV,
	  .none = NEED_REPEATS },
	{ 0 }
};
static const struct sf_table tables[] = {
	{ SF_TABLE_ROWS, "flush: p50 per op and per line over all samples; GB/s median of repeats;\n"
			 "       cv = across the repeats of this run (of their medians); the same command\n"
			 "       run again varies more (across-run cv: compare, report)",
	  .emulated = "       EMULATED ({t:emulated}): cache flushes are not real here; compare within this run only",
	  .cols = columns, .notes = notes },
	{ 0 }
};

/* The floor: each primitive's cheapest line, over sizes, fences and threads. */
static const struct sf_finding findings[] = {
	{ SF_Q_FLUSH, SF_FIND_BEST, .metric = "line_ns", .by = "primitive",
	  .what = "a line made durable" },
	{ 0 }
};

const struct sf_bench bench_flush = {
	.name = "flush",
	.primary_metric = "op_ns",
	.figures = figures,
	.tables = tables,
	.findings = findings,
	/* memory=anon measures DRAM whatever the target: the report says so */
	.own_memory = { .param = "memory", .value = "anon", .label = "anon-DRAM" },
	.summary = "latency and bandwidth of clflush/clflushopt/clwb, non-temporal stores, movdir64b, libpmem",
	.help = "One operation writes SIZE bytes and makes them durable with PRIMITIVE under\n"
		"the FENCE policy; every operation is timed alone, from a drained start until\n"
		"it has completed (mfence), the empty window's cost subtracted.\n"
		"Metrics: op_ns (distribution), line_ns and line_tsc_cycles (per cache line),\n"
		"bandwidth (GB/s, summed over threads), and the reference line: plain stores\n"
		"(ref_store_*) and memset (ref_memset_*) of the same size, not durable.\n"
		"Unsupported primitives say which CPU flag is missing.",
	.params = params,
	.flags = SF_BENCH_DEVDAX,
	.run = run,
	.analyze = flush_analyze,
};
