// SPDX-License-Identifier: MIT
/*
 * contention: what a repeat recorded.  The lockers' latencies split into
 * the idle and the loaded interval, the faulters' throughput and checks
 * that they faulted when loaded and slept when idle, the tracepoint
 * counts, and which lock the kernel's fault path takes (per-VMA or
 * mmap_lock, from its config).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "contention_int.h"
#include "sf_tracepoint.h"
#include "sf_attrib_run.h"
#include "sf_harness.h"
#include "sf_util.h"

/* ---- environment: which lock does the fault path take? ---- */

/* 1: CONFIG_PER_VMA_LOCK=y, 0: not set, -1: config not readable */
static int config_per_vma(const char *release, char *src, size_t len)
{
	char path[300], line[256];
	int ret = -1;
	FILE *f;
	bool piped = false;

	snprintf(path, sizeof(path), "/boot/config-%s", release);
	f = fopen(path, "re");
	if (!f && !access("/proc/config.gz", R_OK)) {
		/* zcat: the one tool that reads it everywhere (busybox has it too) */
		f = popen("zcat /proc/config.gz 2>/dev/null", "r");
		snprintf(path, sizeof(path), "/proc/config.gz");
		piped = f != NULL;
	}
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "CONFIG_PER_VMA_LOCK=y", 21))
			ret = 1;
		else if (!strncmp(line, "# CONFIG_PER_VMA_LOCK is not set", 32))
			ret = 0;
	}
	if (ret < 0)	/* the option does not exist in this kernel */
		ret = 0;
	snprintf(src, len, "%s", path);
	if (piped)
		pclose(f);
	else
		fclose(f);
	return ret;
}

static void record_fault_lock(struct sf_ctx *ctx)
{
	struct utsname u;
	int major = 0, minor = 0, cfg;
	char src[300], vmstat[16384];
	bool stats, recent;

	uname(&u);
	sscanf(u.release, "%d.%d", &major, &minor);
	recent = major > 6 || (major == 6 && minor >= 4);
	stats = sf_read_file("/proc/vmstat", vmstat, sizeof(vmstat)) >= 0 &&
		strstr(vmstat, "vma_lock_success");
	cfg = config_per_vma(u.release, src, sizeof(src));
	if (cfg >= 0) {
		sf_info_str(ctx, "per_vma_locks", "%s", cfg ? "yes" : "no");
		sf_info_str(ctx, "per_vma_locks_evidence", "CONFIG_PER_VMA_LOCK%s in %s (kernel %s %s)",
			    cfg ? "=y" : " not set", src, u.release, u.machine);
	} else if (stats) {
		sf_info_str(ctx, "per_vma_locks", "yes");
		sf_info_str(ctx, "per_vma_locks_evidence", "vma_lock_* counters in /proc/vmstat (kernel %s)",
			    u.release);
	} else {
		cfg = recent && !strcmp(u.machine, "x86_64");
		sf_info_str(ctx, "per_vma_locks", "%s", cfg ? "yes" : "no");
		sf_info_str(ctx, "per_vma_locks_evidence",
			    "kernel %s %s, no readable config: per-VMA locks exist from 6.4 and are always on for SMP x86_64",
			    u.release, u.machine);
	}
	if (cfg > 0)
		sf_info_str(ctx, "fault_path_lock",
			    "per-VMA lock first, mmap_lock (read) when the fault falls back; which faults qualify depends on kernel version and filesystem (the mmap_lock tracepoint counts show it where available)");
	else
		sf_info_str(ctx, "fault_path_lock", "mmap_lock (read) for every fault: kernel %s has no per-VMA locks",
			    u.release);
}

/* ---- results ---- */

static void add_latencies(struct sf_metric *m, const struct ct_op *ops, size_t n,
			  struct sf_samples *rep)
{
	for (size_t i = 0; i < n; i++) {
		double v = sf_sample_ns(ops[i].t0, ops[i].t1);

		sf_metric_add(m, v);
		sf_samples_add(rep, v);
	}
}

/* The slowest locker operation: says why an interval may have none. */
static struct ct_op longest_op(const struct shared *sh)
{
	struct ct_op l = { 0, 0 };

	for (int k = 0; k < sh->nl; k++)
		for (size_t i = 0; i < sh->l[k].n; i++)
			if (sh->l[k].ops[i].t1 - sh->l[k].ops[i].t0 > l.t1 - l.t0)
				l = sh->l[k].ops[i];
	return l;
}

static void report_lockers(struct sf_ctx *ctx, struct ct_run *cr,
			   const struct ct_interval *idle, const struct ct_interval *load)
{
	struct shared *sh = cr->sh;
	struct sf_metric *mi = sf_metric(ctx, "locker_latency_idle", "ns", SF_LOWER);
	struct sf_metric *ml = sf_metric(ctx, "locker_latency_loaded", "ns", SF_LOWER);
	struct sf_samples ri = { 0 }, rl = { 0 };
	size_t ti = 0, tl = 0, min_i = SIZE_MAX, min_l = SIZE_MAX, trunc = 0;
	uint64_t faults = 0, count = 0;
	struct ct_op longest = longest_op(sh);

	for (int k = 0; k < sh->nl; k++) {
		struct locker_out *o = &sh->l[k];
		struct ct_op *a = malloc(o->n * sizeof(*a) + 1), *b = malloc(o->n * sizeof(*b) + 1);
		size_t ni, nl;

		if (!a || !b) {
			free(a);
			free(b);
			continue;
		}
		ct_split(o->ops, o->n, idle, load, a, &ni, b, &nl);
		sf_metric_reserve(mi, ni);
		sf_metric_reserve(ml, nl);
		add_latencies(mi, a, ni, &ri);
		add_latencies(ml, b, nl, &rl);
		free(a);
		free(b);
		ti += ni;
		tl += nl;
		min_i = ni < min_i ? ni : min_i;
		min_l = nl < min_l ? nl : min_l;
		trunc += o->truncated;
		faults += o->op_faults;
		count += o->op_count;
	}
	sf_metric_set(sf_metric(ctx, "locker_throughput_idle", "ops/s", SF_HIGHER),
		      ct_rate(ti, idle, sf_clock.tsc_hz));
	sf_metric_set(sf_metric(ctx, "locker_throughput_loaded", "ops/s", SF_HIGHER),
		      ct_rate(tl, load, sf_clock.tsc_hz));
	if (ri.n && rl.n)
		sf_metric_set(sf_metric(ctx, "locker_p99_loaded_over_idle", "x", SF_LOWER),
			      sf_samples_pct(&rl, 99) / sf_samples_pct(&ri, 99));
	sf_samples_free(&ri);
	sf_samples_free(&rl);
	sf_check(ctx, "lockers_ran_in_both_intervals", min_i > 0 && min_l > 0,
		 "%d locker(s): %zu operations in the idle interval (fewest for one locker: %zu), %zu in the loaded one (fewest: %zu); longest operation %.1f ms, from %+.1f ms of the loaded interval",
		 sh->nl, ti, min_i, tl, min_l, ticks_s(longest.t1 - longest.t0) * 1e3,
		 ((double)longest.t0 - (double)load->start) * 1e3 / sf_clock.tsc_hz);
	sf_check(ctx, "locker_samples_kept", trunc == 0,
		 trunc ? "%zu locker(s) filled their sample buffer: they ran more than 3x faster than the rate probed before the run, and the loaded interval was cut where the first buffer filled" :
		 "every locker operation was recorded (%zu buffer overflows)", trunc);
	if (sh->op == OP_FAULT_ANON)
		sf_check(ctx, "locker_ops_faulted", count && faults >= count * 9 / 10,
			 "%" PRIu64 " page faults in %" PRIu64 " timed anonymous touches", faults, count);
}

static void report_faulters(struct sf_ctx *ctx, struct ct_run *cr, const struct ct_interval *load)
{
	struct shared *sh = cr->sh;
	struct sf_metric *pw = sf_metric(ctx, "faulter_throughput_per_worker", "faults/s",
					 SF_HIGHER);
	double total = 0, fault_s = 0, refresh_s = 0;
	uint64_t faults = 0, touches = 0, fewest = UINT64_MAX;
	long idle = 0;

	for (int i = 0; i < sh->nf; i++) {
		struct faulter_out *o = &sh->f[i];
		double rate = o->fault_ticks ? (double)o->faults / ticks_s(o->fault_ticks) : 0;

		sf_metric_add(pw, rate);
		total += rate;
		faults += o->faults;
		touches += o->touches;
		fewest = o->faults < fewest ? o->faults : fewest;
		idle += o->idle_faults;
		fault_s += ticks_s(o->fault_ticks);
		refresh_s += ticks_s(o->refresh_ticks);
	}
	sf_metric_set(sf_metric(ctx, "faulter_throughput", "faults/s", SF_HIGHER), total);
	sf_metric_set(sf_metric(ctx, "faulter_faults", "faults", SF_HIGHER), (double)faults);
	sf_check(ctx, "faulters_faulted_when_loaded", fewest > 0,
		 "%d faulter(s) took %" PRIu64 " faults in %" PRIu64 " touches (fewest for one faulter: %" PRIu64 ") over a %.0f ms loaded interval; %.1f%% of their time went to refreshing regions between passes",
		 sh->nf, faults, touches, fewest, ticks_s(load->end - load->start) * 1e3,
		 fault_s + refresh_s > 0 ? 100 * refresh_s / (fault_s + refresh_s) : 0.0);
	/*
	 * Refreshing (punch hole, DONTNEED, msync) is load of another kind;
	 * when it takes most of the faulters' time the loaded interval is a
	 * measurement of that, not of faults (wp with its msync, typically).
	 */
	sf_check(ctx, "faults_dominate_load", refresh_s <= fault_s,
		 "faulters spent %.1f ms faulting and %.1f ms refreshing their regions between passes%s",
		 fault_s * 1e3, refresh_s * 1e3,
		 refresh_s <= fault_s ? "" : ": the loaded interval mostly measures the refresh (a bigger region does not help: both scale with it)");
	sf_check(ctx, "faulters_idle_when_idle", idle == 0,
		 "faulters took %ld faults while the idle interval ran", idle);
	if (cr->mode->map_sync)
		sf_check(ctx, "map_sync_active", !cr->files[0].map_sync_fallback,
			 cr->files[0].map_sync_fallback ? "MAP_SYNC was refused; mapped MAP_SHARED" :
			 "mapped with MAP_SHARED_VALIDATE|MAP_SYNC");
	sf_info_double(ctx, "refresh_share",
		       fault_s + refresh_s > 0 ? refresh_s / (fault_s + refresh_s) : 0);
}

static void report_workers(struct sf_ctx *ctx, struct ct_run *cr)
{
	struct shared *sh = cr->sh;
	int n = sh->nf + sh->nl, pinned = 0, ncpu = (int)sysconf(_SC_NPROCESSORS_ONLN);
	char where[256] = "";
	size_t off = 0;

	for (int i = 0; i < n; i++) {
		const struct sf_worker_report *r = &sh->rep[i];

		pinned += r->cpu_asked >= 0 && r->cpu_seen == r->cpu_asked;
		if (off < sizeof(where) - 16)
			off += snprintf(where + off, sizeof(where) - off, "%s%c%d@%d", i ? " " : "",
					i < sh->nf ? 'F' : 'L', i < sh->nf ? i : i - sh->nf, r->cpu_seen);
	}
	sf_check(ctx, "workers_as_asked", sh->ran == n && pinned == n,
		 "%d of %d workers (%d faulter(s), %d locker(s), %s) ran, %d pinned where asked: %s%s",
		 sh->ran, n, sh->nf, sh->nl, sf_p_str(ctx, "model"), pinned, where,
		 n > ncpu ? " (more workers than CPUs: some share a CPU)" : "");
}

static void report_tracepoints(struct sf_ctx *ctx, struct ct_run *cr)
{
	struct shared *sh = cr->sh;
	uint64_t fr = 0, fc = 0, faults = 0, wi = 0, wl = 0, oi = 0, ol = 0;

	if (!sh->tp_ok) {
		sf_info_str(ctx, "mmap_lock_tracepoints", "unavailable: %s", cr->tp_why);
		return;
	}
	if (sh->tp_lost) {
		sf_info_str(ctx, "mmap_lock_tracepoints",
			    "unavailable: a worker could not open its tracepoint counters (open files limit?)");
		return;
	}
	for (int i = 0; i < sh->nf; i++) {
		fr += sh->f[i].tp[TP_READ];
		fc += sh->f[i].tp[TP_CONTENDED];
		faults += sh->f[i].faults;
	}
	for (int i = 0; i < sh->nl; i++) {
		wi += sh->l[i].tp_idle[TP_WRITE];
		wl += sh->l[i].tp_loaded[TP_WRITE];
		oi += sh->l[i].ops_idle_planned;
		ol += sh->l[i].ops_loaded_planned;
	}
	sf_info_str(ctx, "mmap_lock_tracepoints",
		    "counted per worker thread with perf_event_open on mmap_lock:mmap_lock_start_locking (write == 0 / write == 1) and mmap_lock:mmap_lock_acquire_returned (success == 0: a trylock that found the lock held)");
	sf_metric_set(sf_metric(ctx, "faulter_mmap_lock_reads_per_fault", "x", SF_LOWER),
		      faults ? (double)fr / (double)faults : NAN);
	sf_metric_set(sf_metric(ctx, "faulter_mmap_lock_contended", "trylocks", SF_LOWER),
		      (double)fc);
	sf_metric_set(sf_metric(ctx, "locker_mmap_lock_writes_per_op_idle", "x", SF_LOWER),
		      oi ? (double)wi / (double)oi : NAN);
	sf_metric_set(sf_metric(ctx, "locker_mmap_lock_writes_per_op_loaded", "x", SF_LOWER),
		      ol ? (double)wl / (double)ol : NAN);
}

enum sf_status ct_first_error(struct sf_ctx *ctx, struct shared *sh)
{
	for (int i = 0; i < sh->nf; i++)
		if (sh->f[i].err[0])
			return sf_fail(ctx, "faulter %d: %s", i, sh->f[i].err);
	for (int i = 0; i < sh->nl; i++)
		if (sh->l[i].err[0])
			return sf_fail(ctx, "locker %d: %s", i, sh->l[i].err);
	for (int i = 0; i < sh->nf; i++)
		if (sh->f[i].wp_no_fault)
			return sf_unsupported(ctx, "no write-protect fault after msync on %s: it does not track dirty pages through faults",
					      ctx->target->fs);
	return SF_OK;
}

/* Until when every locker recorded operations: the loaded interval ends by then. */
uint64_t ct_lockers_covered(const struct shared *sh)
{
	uint64_t t = UINT64_MAX;

	for (int i = 0; i < sh->nl; i++) {
		const struct locker_out *o = &sh->l[i];
		uint64_t last = o->n ? o->ops[o->n - 1].t1 : 0;

		t = last < t ? last : t;
	}
	return t;
}

/* Milliseconds from the start of the plan to tick t. */
static double plan_ms(const struct plan *p, uint64_t t)
{
	return ((double)t - (double)p->begin) * 1e3 / sf_clock.tsc_hz;
}

/* The longest stretch in which no locker finished an operation: where the repeat stood still. */
static struct ct_op longest_gap(const struct shared *sh)
{
	struct ct_op g = { 0, 0 };

	for (int k = 0; k < sh->nl; k++) {
		const struct locker_out *o = &sh->l[k];

		for (size_t i = 1; i < o->n; i++)
			if (o->ops[i].t1 - o->ops[i - 1].t1 > g.t1 - g.t0)
				g = (struct ct_op){ o->ops[i - 1].t1, o->ops[i].t1 };
	}
	return g;
}

/*
 * Nothing overlapped: the faulters woke too late or stopped too early for
 * the plan.  Only time taken from the repeat's tasks does that (a stall,
 * a CPU given to others for longer than an interval), so it is the
 * load's doing, not the target's: the harness runs the repeat again.
 * Where each faulter was, and where the repeat stood still, say so.
 */
enum sf_status ct_no_interval(struct sf_ctx *ctx, struct shared *sh, const struct ct_span *span)
{
	const struct plan *p = &sh->plan;
	struct ct_op gap = longest_gap(sh);
	char where[320] = "";
	size_t off = 0;

	for (int i = 0; i < sh->nf && off < sizeof(where) - 96; i++) {
		const struct faulter_out *o = &sh->f[i];

		if (!o->woke)
			off += snprintf(where + off, sizeof(where) - off, "%s%d never woke", i ? ", " : "", i);
		else
			off += snprintf(where + off, sizeof(where) - off, "%s%d woke at %.1f ms",
					i ? ", " : "", i, plan_ms(p, o->woke));
		if (span[i].first)
			off += snprintf(where + off, sizeof(where) - off, ", faulted %.1f..%.1f ms",
					plan_ms(p, span[i].first), plan_ms(p, span[i].last));
		else
			off += snprintf(where + off, sizeof(where) - off, ", no fault before the cap at %.1f ms",
					plan_ms(p, p->cap));
	}
	return sf_disturbed(ctx, "the repeat's timeline broke: no interval in which every faulter was active while the lockers ran (idle planned %.1f..%.1f ms, loaded %.1f..%.1f ms; faulter %s; lockers recorded until %.1f ms, none finished an operation for %.1f ms from %.1f ms): its tasks stood still or waited for a CPU longer than an interval",
			     plan_ms(p, p->idle_start), plan_ms(p, p->idle_end), plan_ms(p, p->load_start),
			     plan_ms(p, p->load_end), where, plan_ms(p, ct_lockers_covered(sh)),
			     gap.t1 ? ticks_s(gap.t1 - gap.t0) * 1e3 : 0.0, gap.t1 ? plan_ms(p, gap.t0) : 0.0);
}

void ct_report(struct sf_ctx *ctx, struct ct_run *cr, const struct ct_interval *idle,
	       const struct ct_interval *load)
{
	report_faulters(ctx, cr, load);
	report_lockers(ctx, cr, idle, load);
	report_workers(ctx, cr);
	report_tracepoints(ctx, cr);
	record_fault_lock(ctx);
}
