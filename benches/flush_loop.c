// SPDX-License-Identifier: MIT
/*
 * flush: the timed loops.  Per worker, after pinning: its buffers, then
 * phases of back-to-back or single timed operations; what each phase
 * recorded, and the checks that it happened (data read back, pinning,
 * NUMA node, the timer's share, libpmem's choice).
 */
#include <math.h>
#include <sched.h>
#include <sys/resource.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpmem.h>

#include "flush.h"
#include "sf_attrib_run.h"
#include "sf_harness.h"
#include "sf_env.h"
#include "sf_persist.h"
#include "sf_workers.h"

#define MAX_SAMPLES	50000		/* per thread and phase */
#define MIN_OPS		5		/* even when one op outlasts the budget */
#define WARMUP_NS	(2 * 1000 * 1000ull)
#define BATCH_BYTES	(64 * 1024)	/* a throughput sample covers this much */

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
enum sf_status flush_measure(struct job *j, int nthreads)
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
