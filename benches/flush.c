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

#include "sf_attrib_run.h"
#include "sf_bench.h"
#include "sf_harness.h"
#include "sf_env.h"
#include "sf_persist.h"
#include "sf_flush.h"
#include "sf_util.h"
#include "sf_workers.h"

#define MAX_SAMPLES	50000		/* per thread and phase */
#define MIN_OPS		5		/* even when one op outlasts the budget */
#define WARMUP_NS	(2 * 1000 * 1000ull)
#define BATCH_BYTES	(64 * 1024)	/* a throughput sample covers this much */
#define GOAL_CV		0.02		/* repeats agree within 2% ... */
#define GOAL_CV_SIZE	4096		/* ... at sizes from 4 KiB */
#define RATIO_SIZE	(64 * 1024)	/* NT vs libpmem compared from here */

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

/* A source no two threads share, with no zero byte (dst starts zeroed). */
static void fill_source(char *p, size_t len, int id)
{
	uint64_t x = 0x9e3779b97f4a7c15ull * (uint64_t)(id + 1);

	for (size_t i = 0; i < len; i += sizeof(x)) {
		uint64_t v;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		v = x | 0x0101010101010101ull;
		memcpy(p + i, &v, len - i < sizeof(v) ? len - i : sizeof(v));
	}
}

/* ---- setup: per worker, after pinning, so "local" is the worker's node --- */

/* Worker id's own stretch of the device, aligned as the device needs. */
static int flush_buf_on_device(struct job *j, struct worker *w, int id)
{
	const struct sf_target *t = j->ctx->target;
	size_t align = t->devdax_align, stride = (j->size + align - 1) / align * align;

	if ((uint64_t)(id + 1) * stride > t->devdax_size) {
		snprintf(w->err, sizeof(w->err), "%s holds %llu bytes: too small for %d threads of %zu",
			 t->path, (unsigned long long)t->devdax_size, id + 1, stride);
		return -1;
	}
	return sf_flush_buf_device(&w->dst, j->size, t->path, (size_t)id * stride, align,
				   w->err, sizeof(w->err));
}

static void setup_worker(int id, int n, void *arg)
{
	struct job *j = arg;
	struct worker *w = &j->w[id];
	char path[4400], name[64], why[256];

	w->cpu = sched_getcpu();
	w->node = sf_numa_pick(j->node_spec, w->cpu, why, sizeof(why));
	if (w->node < 0) {
		snprintf(w->err, sizeof(w->err), "%s", why);
		return;
	}
	if (j->file && !j->devdax) {
		snprintf(name, sizeof(name), "flush-%d.dat", id);
		sf_scratch_path(j->ctx, name, path, sizeof(path));
	}
	/* a DAX file's memory is the pmem device: nothing to bind or move */
	if ((j->devdax ? flush_buf_on_device(j, w, id) :
	     sf_flush_buf_alloc(&w->dst, j->size, j->dax ? -1 : w->node, j->file ? path : NULL,
				w->err, sizeof(w->err))) ||
	    sf_flush_buf_alloc(&w->src, j->size, -1, NULL, w->err, sizeof(w->err)))
		return;
	fill_source(w->src.addr, j->size, id);
	if (j->clean) {
		/* the flushes will find these lines written back already */
		memcpy(w->dst.addr, w->src.addr, j->size);
		sf_persist_range(w->dst.addr, j->size);
	}
	w->ns = malloc(MAX_SAMPLES * sizeof(*w->ns));
	if (!w->ns)
		snprintf(w->err, sizeof(w->err), "out of memory");
}

/* ---- measurement ---------------------------------------------------------- */

/* Bring clean lines back into the cache (reads leave them clean). */
static void read_lines(const char *p, size_t len)
{
	for (size_t off = 0; off < len; off += SF_FLUSH_LINE)
		(void)*(const volatile char *)(p + off);
	(void)*(const volatile char *)(p + len - 1);
}

static inline void one_op(const struct job *j, struct worker *w)
{
	if (j->clean)
		j->prim->flush(w->dst.addr, j->size, j->every);
	else
		j->prim->write(w->dst.addr, w->src.addr, j->size, j->every);
}

static void measure_worker(int id, int n, void *arg)
{
	struct job *j = arg;
	struct worker *w = &j->w[id];
	uint64_t start = sf_mono_ns();
	struct rusage ru0, ru1;

	w->n = 0;
	w->clamped = 0;
	/* warm up code, TLB and the lines' state the loop itself leaves */
	for (w->warmup = 0; !w->warmup || sf_mono_ns() - start < WARMUP_NS; w->warmup++) {
		if (j->clean)
			read_lines(w->dst.addr, j->size);
		one_op(j, w);
		if (w->warmup > 10000)
			break;
	}
	start = sf_mono_ns();
	getrusage(RUSAGE_THREAD, &ru0);
	while (w->n < MAX_SAMPLES && !sf_interrupted) {
		uint64_t t0, t1;

		if (j->clean)
			read_lines(w->dst.addr, j->size);
		/* see sf_flush.h: the window holds the op until it completed */
		sf_flush_drain();
		t0 = sf_start();
		for (size_t b = 0; b < w->batch; b++)
			one_op(j, w);
		sf_flush_drain();
		t1 = sf_stop();
		w->ns[w->n] = sf_flush_sample_ns(t0, t1) / (double)w->batch;
		w->clamped += w->ns[w->n] == 0;
		w->n++;
		if (w->n >= MIN_OPS && sf_mono_ns() - start >= j->budget_ns)
			break;
	}
	getrusage(RUSAGE_THREAD, &ru1);
	w->preempted += ru1.ru_nivcsw - ru0.ru_nivcsw;
}

/* Did the last operation leave exactly the source in the buffer? */
static void verify_worker(int id, int n, void *arg)
{
	struct job *j = arg;
	struct worker *w = &j->w[id];
	const char *d = w->dst.addr, *s = w->src.addr;

	w->mismatch = 0;
	if (!j->prim->fill && !memcmp(d, s, j->size))
		return;
	for (size_t i = 0; i < j->size; i++)
		w->mismatch += d[i] != (j->prim->fill ? s[0] : s[i]);
}

static int run_phase(struct job *j, int nthreads, sf_worker_fn fn,
		     struct sf_worker_report *rep)
{
	char err[256];

	if (sf_workers_run(nthreads, SF_MODEL_THREADS, fn, j, rep, err, sizeof(err))) {
		sf_fail(j->ctx, "workers: %s", err);
		return -1;
	}
	return 0;
}

static size_t lines_of(size_t size)
{
	return (size + SF_FLUSH_LINE - 1) / SF_FLUSH_LINE;	/* buffers are aligned */
}

/* Per-op samples: the latency distribution, per op and per line. */
static void record_latency(struct job *j, int nthreads)
{
	struct sf_ctx *ctx = j->ctx;
	double lines = (double)lines_of(j->size);
	struct sf_metric *op, *line, *cyc = NULL;
	size_t total = 0;

	for (int i = 0; i < nthreads; i++)
		total += j->w[i].n;
	op = sf_metric(ctx, "op_ns", "ns", SF_LOWER);
	line = sf_metric(ctx, "line_ns", "ns", SF_LOWER);
	sf_metric_reserve(op, total);
	sf_metric_reserve(line, total);
	if (sf_clock.source == SF_CLOCK_TSC) {
		cyc = sf_metric(ctx, "line_tsc_cycles", "cycles", SF_LOWER);
		sf_metric_reserve(cyc, total);
	}
	for (int i = 0; i < nthreads; i++) {
		const struct worker *w = &j->w[i];

		for (size_t k = 0; k < w->n; k++) {
			sf_metric_add(op, w->ns[k]);
			sf_metric_add(line, w->ns[k] / lines);
			if (cyc)
				sf_metric_add(cyc, w->ns[k] / lines * sf_clock.tsc_hz / 1e9);
		}
	}
}

/*
 * Throughput samples (batches of back-to-back ops): bandwidth summed over
 * threads, each thread's from its median op time so that a stray
 * preemption of the VM does not decide the rate; for the reference lines
 * also the time per line.
 */
static void record_rate(struct job *j, int nthreads, const char *prefix, bool lines)
{
	struct sf_ctx *ctx = j->ctx;
	struct sf_metric *line = NULL;
	char name[64];
	double gbs = 0;

	if (lines) {
		snprintf(name, sizeof(name), "%sline_ns", prefix);
		line = sf_metric(ctx, name, "ns", SF_LOWER);
	}
	for (int i = 0; i < nthreads; i++) {
		const struct worker *w = &j->w[i];
		double med = sf_median_of(w->ns, w->n);

		/* zero: below the timer's resolution, there is no rate to give */
		gbs = med > 0 ? gbs + (double)j->size / med : NAN;
		for (size_t k = 0; line && k < w->n; k++)
			sf_metric_add(line, w->ns[k] / (double)lines_of(j->size));
	}
	if (isfinite(gbs)) {
		snprintf(name, sizeof(name), "%sbandwidth", prefix);
		sf_metric_set(sf_metric(ctx, name, "GB/s", SF_HIGHER), gbs);
	}
}

/*
 * The batch-timed figure (LMbench style): per-op time from the throughput
 * samples, N back-to-back ops in one timed window, beside the per-op
 * distribution; and how much of each the timer is.  A 64 B flush is within
 * a few times the timer's own cost, so only the batch figure can be
 * precise; it is a different quantity (ops overlap), hence a metric of its
 * own.  The shares are diagnostics: compare never marks them.
 */
static void record_batched(struct job *j, int nthreads)
{
	struct sf_metric *b = sf_metric(j->ctx, "op_batched_ns", "ns", SF_LOWER);
	struct sf_metric *op = sf_result_metric(j->ctx->res, "op_ns");
	double oh = sf_ticks_to_ns(sf_flush_drain_overhead()), bp50, op50;

	for (int i = 0; i < nthreads; i++)
		for (size_t k = 0; k < j->w[i].n; k++)
			sf_metric_add(b, j->w[i].ns[k]);
	bp50 = b->s.n ? sf_samples_pct(&b->s, 50) : NAN;
	op50 = op && op->s.n ? sf_samples_pct(&op->s, 50) : NAN;
	if (op50 > 0)
		sf_metric_set(sf_metric(j->ctx, "timer_share_op_pct", "%", SF_DIAGNOSTIC), 100 * oh / op50);
	if (bp50 > 0)
		sf_metric_set(sf_metric(j->ctx, "timer_share_batched_pct", "%", SF_DIAGNOSTIC),
			      100 * oh / (bp50 * (double)j->w[0].batch));
}

/* ---- checks ---------------------------------------------------------------- */

static void check_pinning(struct job *j, int nthreads, const struct sf_worker_report *rep)
{
	char cpus[256] = "";
	size_t off = 0;
	bool ok = true;

	for (int i = 0; i < nthreads; i++) {
		ok = ok && !rep[i].err && rep[i].cpu_asked == rep[i].cpu_seen;
		for (int k = 0; k < i; k++)
			ok = ok && rep[k].cpu_asked != rep[i].cpu_asked;
		off += snprintf(cpus + off, off < sizeof(cpus) ? sizeof(cpus) - off : 0,
				"%s%d", i ? "," : "", rep[i].cpu_seen);
	}
	sf_check(j->ctx, "pinning", ok, "%d thread%s asked, one per core, ran on cpu %s",
		 nthreads, nthreads == 1 ? "" : "s", cpus);
}

static void check_data(struct job *j, int nthreads)
{
	size_t bad = 0;

	for (int i = 0; i < nthreads; i++)
		bad += j->w[i].mismatch;
	sf_check(j->ctx, "bytes_in_buffer", !bad,
		 "%zu of %zu bytes differ from the source on read-back after the last op%s",
		 bad, j->size * (size_t)nthreads,
		 j->clean ? " (clean: data written at setup, the ops only flushed it)" : "");
}

static void check_node(struct job *j, int nthreads)
{
	int nnodes = sf_nnodes(), seen = -1, bad = 0;
	bool known = true;

	for (int i = 0; i < nthreads; i++) {
		int r = sf_flush_buf_misplaced(&j->w[i].dst, &seen);

		known = known && r >= 0;
		bad += r > 0 ? r : 0;
	}
	if (j->dax && known) {
		sf_check(j->ctx, "memory_node", true,
			 "DAX file: pages on node %d, the pmem device's (not placed by syncfault)", seen);
		return;
	}
	if (!known) {
		sf_check(j->ctx, "memory_node", true,
			 "node=%s asked; the kernel did not say where the pages are%s",
			 j->node_spec, nnodes == 1 ? " (single NUMA node machine)" : "");
		return;
	}
	sf_check(j->ctx, "memory_node", !bad, "node=%s: buffers on node %d, %d sampled page%s elsewhere%s",
		 j->node_spec, seen, bad, bad == 1 ? "" : "s",
		 nnodes == 1 ? "; single NUMA node machine: local is the only node" : "");
}

static void check_timer(struct job *j, int nthreads)
{
	size_t n = 0;
	int clamped = 0;

	for (int i = 0; i < nthreads; i++) {
		n += j->w[i].n;
		clamped += j->w[i].clamped;
	}
	/* a clipped low tail is stated; a clipped median is not a measurement */
	sf_check(j->ctx, "above_timer_overhead", (size_t)clamped * 2 < n,
		 "%d of %zu op samples (%.0f%%) at or below the timer overhead (%.1f ns), counted as 0",
		 clamped, n, n ? 100.0 * clamped / (double)n : 0.0,
		 sf_ticks_to_ns(sf_flush_drain_overhead()));
}

static void check_libpmem(struct job *j)
{
	int auto_flush = pmem_has_auto_flush();

	if (j->prim->kind != SF_PRIM_LIBPMEM)
		return;
	/* with eADR (cpu_cache domain) libpmem skips flushes altogether */
	sf_check(j->ctx, "libpmem_flushes", auto_flush != 1,
		 auto_flush == 1 ? "libpmem found a cpu_cache persistence domain and skips flushes"
				 : "libpmem flushes (no platform auto-flush reported)");
}

/* ---- the run ----------------------------------------------------------------- */

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

static void record_info(struct job *j)
{
	struct sf_ctx *ctx = j->ctx;
	const char *env[] = { "PMEM_NO_CLWB", "PMEM_NO_CLFLUSHOPT", "PMEM_NO_FLUSH",
			      "PMEM_NO_MOVNT", "PMEM_MOVNT_THRESHOLD", "PMEM_AVX",
			      "PMEM_AVX512F", "PMEM_MOVDIR64B", NULL };

	sf_info_str(ctx, "primitive", "%s", j->prim->desc);
	sf_info_int(ctx, "lines_per_op", (int64_t)lines_of(j->size));
	sf_info_str(ctx, "partial_lines", "plain stores + %s", sf_persist_range_name());
	sf_info_str(ctx, "memory", "%s, %s", j->devdax ? "device DAX mapped MAP_SHARED" :
		    j->file ? "file mapped MAP_SHARED" : "anonymous",
		    j->w[0].dst.thp ? "transparent huge pages asked (MADV_HUGEPAGE)" : "4 KiB pages");
	sf_info_int(ctx, "numa_nodes", sf_nnodes());
	if (!j->dax && !j->devdax)
		sf_info_int(ctx, "node", j->w[0].node);
	sf_info_int(ctx, "warmup_ops", (int64_t)j->w[0].warmup);
	sf_info_int(ctx, "ops_per_latency_sample", (int64_t)j->w[0].batch);
	sf_info_str(ctx, "bandwidth", "sum over threads of size / median op time, from samples of back-to-back ops");
	sf_info_double(ctx, "timer_overhead_ns", sf_ticks_to_ns(sf_flush_drain_overhead()));
	sf_info_str(ctx, "timer_window", "mfence; start; op; mfence; stop (see lib/measure/sf_flush.h); the empty window's cost is subtracted");
	sf_info_str(ctx, "cycles", "%s", sf_clock.source == SF_CLOCK_TSC ?
		    "TSC reference cycles (not core clock cycles)" : "none: the timer is not the TSC");
	if (j->prim->kind == SF_PRIM_LIBPMEM)
		for (int i = 0; env[i]; i++)
			if (getenv(env[i]))
				sf_info_str(ctx, env[i], "%s", getenv(env[i]));
}

/*
 * How much the CPUs were shared while measuring: repeats that disagree on a
 * busy machine (other processes on our cores) are explained here.
 */
static void record_load(struct job *j, int nthreads)
{
	char load[128];
	long preempted = 0;

	for (int i = 0; i < nthreads; i++)
		preempted += j->w[i].preempted;
	/* a metric, not info: every repeat keeps its own count */
	/* a diagnostic: the harness judges disturbance; compare never marks it */
	sf_metric_set(sf_metric(j->ctx, "involuntary_switches", "count", SF_DIAGNOSTIC),
		      (double)preempted);
	if (!sf_read_line("/proc/loadavg", load, sizeof(load)))
		sf_info_str(j->ctx, "loadavg", "%s", load);
}

/* Back-to-back ops per throughput sample; clean lines must be re-read per op. */
static size_t batch_for(const struct job *j)
{
	return j->clean ? 1 : (BATCH_BYTES + j->size - 1) / j->size;
}

static void set_batch(struct job *j, int nthreads, size_t batch)
{
	for (int i = 0; i < nthreads; i++)
		j->w[i].batch = batch;
}

/* Plain stores and memset of the same size: the reference line. */
static int run_references(struct job *j, int nthreads, uint64_t budget_ns)
{
	static const char *const refs[] = { "store", "memset" };
	const struct sf_flush_prim *prim = j->prim;
	bool clean = j->clean;
	char prefix[32];

	j->clean = false;
	j->budget_ns = budget_ns;
	for (int r = 0; r < 2 && !sf_interrupted; r++) {
		j->prim = sf_flush_find(refs[r]);
		set_batch(j, nthreads, batch_for(j));
		if (run_phase(j, nthreads, measure_worker, NULL))
			return -1;
		snprintf(prefix, sizeof(prefix), "ref_%s_", refs[r]);
		record_rate(j, nthreads, prefix, true);
	}
	j->prim = prim;
	j->clean = clean;
	return 0;
}

/*
 * Latency first (one op per sample: the distribution), then throughput
 * (batches), then the read-back, then the reference line.  Plain stores
 * and memset as the primitive itself finish inside the timer's overhead
 * at small sizes, so their "latency" samples are batches too.
 */
static enum sf_status measure(struct job *j, int nthreads)
{
	struct sf_worker_report rep[nthreads];
	uint64_t budget = j->budget_ns;

	if (run_phase(j, nthreads, setup_worker, NULL))
		return SF_ERROR;
	for (int i = 0; i < nthreads; i++) {
		if (j->w[i].node < 0)
			return sf_unsupported(j->ctx, "%s", j->w[i].err);
		if (j->w[i].err[0])
			return sf_fail(j->ctx, "thread %d: %s", i, j->w[i].err);
	}
	j->budget_ns = budget / 2;
	set_batch(j, nthreads, j->prim->durable ? 1 : batch_for(j));
	sf_attrib_mark(true);	/* the latency phase is the window the disturbance judge sees */
	if (run_phase(j, nthreads, measure_worker, rep))
		return SF_ERROR;
	sf_attrib_mark(false);
	record_latency(j, nthreads);
	check_timer(j, nthreads);
	record_info(j);
	set_batch(j, nthreads, batch_for(j));
	if (run_phase(j, nthreads, measure_worker, NULL) ||
	    run_phase(j, nthreads, verify_worker, NULL))
		return SF_ERROR;
	record_rate(j, nthreads, "", false);
	record_batched(j, nthreads);
	sf_info_int(j->ctx, "ops_per_rate_sample", (int64_t)j->w[0].batch);
	check_pinning(j, nthreads, rep);
	check_data(j, nthreads);
	check_node(j, nthreads);
	check_libpmem(j);
	record_load(j, nthreads);
	if (run_references(j, nthreads, budget / 4))
		return SF_ERROR;
	return sf_interrupted ? sf_fail(j->ctx, "interrupted") : SF_OK;
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
	s = measure(&j, nthreads);
	for (int i = 0; i < nthreads; i++) {
		sf_flush_buf_free(&j.w[i].dst);
		sf_flush_buf_free(&j.w[i].src);
		free(j.w[i].ns);
	}
	free(j.w);
	return s;
}

/* ---- across the matrix: the performance goals of the issue ------------------ */

/* A fact for one result's info object, added after its run. */
static void info_add(struct sf_result *r, const char *key, json_object *v)
{
	if (!r->info)
		r->info = json_object_new_object();
	json_object_object_add(r->info, key, v);
}

static double p50(struct sf_result *r, const char *metric)
{
	struct sf_metric *m = sf_result_metric(r, metric);

	return m && m->sum.n ? m->sum.p50 : NAN;
}

static double cv_repeats(struct sf_result *r, const char *metric)
{
	struct sf_metric *m = sf_result_metric(r, metric);

	return m && m->nrepeats > 1 ? sf_cv_of(m->repeats, (size_t)m->nrepeats) : NAN;
}

static int64_t size_of(const struct sf_result *r)
{
	int64_t v = 0;

	sf_parse_size(sf_result_param(r, "size"), &v);
	return v;
}

/* Same point apart from the primitive? */
static bool same_point(const struct sf_result *a, const struct sf_result *b)
{
	for (int i = 0; i < a->nparams; i++) {
		const char *k = a->params[i].k, *v = sf_result_param(b, k);

		if (strcmp(k, "primitive") && (!v || strcmp(v, a->params[i].v)))
			return false;
	}
	return true;
}

static double info_double(const struct sf_result *r, const char *key)
{
	json_object *o;

	return r->info && json_object_object_get_ex(r->info, key, &o) ? json_object_get_double(o) : NAN;
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
		double oh = info_double(r, "timer_overhead_ns"), op = p50(r, "op_ns");
		double so = p50(r, "timer_share_op_pct"), sb = p50(r, "timer_share_batched_pct");

		if (r->status != SF_OK)
			continue;
		if (size_of(r) == SF_FLUSH_LINE && p && p->durable && isfinite(oh))
			info_add(r, "timer_share_of_op", json_object_new_double(oh / op));
		if (size_of(r) <= GOAL_CV_SIZE && isfinite(so) && isfinite(sb))
			info_add(r, "timer_batched_goal", json_object_new_string(sb <= 2 ? "met" : "above"));
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
		double pbw = p50(pm, "bandwidth"), bbw = 0, noise;

		if (pm->status != SF_OK || strcmp(sf_result_param(pm, "primitive"), "pmem_memcpy_persist") ||
		    size_of(pm) < RATIO_SIZE || !isfinite(pbw))
			continue;
		for (int k = 0; k < n; k++) {
			const struct sf_flush_prim *p = sf_flush_find(sf_result_param(&res[k], "primitive"));
			double bw = p50(&res[k], "bandwidth");

			if (res[k].status == SF_OK && p && p->kind == SF_PRIM_NT &&
			    same_point(pm, &res[k]) && isfinite(bw) && bw > bbw) {
				best = &res[k];
				bbw = bw;
			}
		}
		if (!best)
			continue;
		noise = fmax(cv_repeats(pm, "bandwidth"), cv_repeats(best, "bandwidth"));
		info_add(pm, "best_nt_ratio", json_object_new_double(bbw / pbw));
		info_add(pm, "best_nt_primitive",
			 json_object_new_string(sf_result_param(best, "primitive")));
		info_add(pm, "best_nt_bandwidth", json_object_new_double(bbw));
		info_add(pm, "best_nt_verdict", json_object_new_string(ratio_verdict(bbw / pbw, noise)));
	}
}

/* Repeat agreement of the points the goal is about (sizes from 4 KiB). */
static void analyze_cv(struct sf_result *res, int n, const char *metric)
{
	char key[64];

	snprintf(key, sizeof(key), "cv_repeats_%s", metric);
	for (int i = 0; i < n; i++) {
		double cv = cv_repeats(&res[i], metric);

		if (res[i].status == SF_OK && size_of(&res[i]) >= GOAL_CV_SIZE && isfinite(cv))
			info_add(&res[i], key, json_object_new_double(cv));
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
		info_add(r, "disturbance", d);
	}
	if (json_object_object_get_ex(d, "unstable", &u) && json_object_get_boolean(u))
		return;		/* the harness already named a cause */
	snprintf(why, sizeof(why), "the machine's memory bandwidth varied under it: the reference memset in the same repeats varied %.1f%% (r = %.2f with this point's bandwidth)",
		 ref_cv * 100, rho);
	json_object_object_add(d, "unstable", json_object_new_boolean(1));
	json_object_object_add(d, "why", json_object_new_string(why));
}

/* The goals' facts, into each result's info (run and suite alike). */
static void analyze(struct sf_result *res, int n)
{
	analyze_timer_share(res, n);
	analyze_nt_ratio(res, n);
	analyze_cv(res, n, "op_ns");
	analyze_cv(res, n, "bandwidth");
	for (int i = 0; i < n; i++)
		analyze_shared_bandwidth(&res[i]);
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
	  .flags = SF_COL_PLAIN },
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

const struct sf_bench bench_flush = {
	.name = "flush",
	.primary_metric = "op_ns",
	.figures = figures,
	.tables = tables,
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
	.analyze = analyze,
};
