// SPDX-License-Identifier: MIT
/*
 * contention: what page faults in some workers do to mmap, munmap and
 * mprotect in others.
 *
 * A fault holds mmap_lock for reading (or, on kernels with per-VMA locks,
 * only the lock of its VMA) for as long as it runs; a MAP_SYNC write fault
 * that allocates waits for a journal commit in there.  mmap, munmap and
 * mprotect need mmap_lock for writing, so in one mm they wait behind it.
 *
 * Faulters fault on their own regions of one shared file or of a file each;
 * lockers time one operation at a time.  Workers are threads of one mm or
 * processes with an mm each, from the same code (as will-it-scale does), so
 * comparing the two models separates mmap_lock from file-system-level
 * serialisation.
 *
 * One repeat, on the sf_clock tick base every worker reads:
 *
 *   setup | warm-up | idle interval | gap | loaded interval | tail
 *
 * Lockers run from warm-up to tail and record when each operation started
 * and ended.  Faulters sleep until the gap ends, then fault for one interval
 * from when they really woke, refreshing their regions between passes
 * (punch hole, MADV_DONTNEED or msync, by class) outside the time they
 * count as faulting; lockers keep going until every faulter is done.
 * Afterwards ct_split() (contention.h) takes as idle the operations wholly
 * inside the idle interval and as loaded those started while every faulter
 * was faulting, so the comparison never mixes the two.
 *
 * Counters stay out of the timed windows: lockers count their own faults
 * only every ANON_PAGES operations, between operations; faulters read the
 * fault and tracepoint counters once per pass over the region, and the
 * faulting time is the pass, not a single touch.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "contention_int.h"
#include "sf_tracepoint.h"
#include "sf_attrib_run.h"
#include "sf_bench.h"
#include "sf_harness.h"
#include "sf_fault.h"
#include "sf_util.h"
#include "sf_workers.h"

/* ---- interval bookkeeping (pure; tested by test_contention_intervals) ---- */

int ct_intervals(uint64_t idle_start, uint64_t idle_end, uint64_t load_limit,
		 const struct ct_span *f, int nf,
		 struct ct_interval *idle, struct ct_interval *loaded)
{
	uint64_t first_start = UINT64_MAX, last_start = 0, first_end = UINT64_MAX;

	for (int i = 0; i < nf; i++) {
		if (!f[i].first || f[i].last <= f[i].first)
			return -1;
		if (f[i].first < first_start)
			first_start = f[i].first;
		if (f[i].first > last_start)
			last_start = f[i].first;
		if (f[i].last < first_end)
			first_end = f[i].last;
	}
	if (first_end > load_limit)
		first_end = load_limit;
	if (nf < 1 || last_start >= first_end)
		return -1;
	idle->start = idle_start;
	idle->end = idle_end < first_start ? idle_end : first_start;
	loaded->start = last_start;
	loaded->end = first_end;
	return idle->end > idle->start ? 0 : -1;
}

enum ct_side ct_classify(const struct ct_op *op, const struct ct_interval *idle,
			 const struct ct_interval *loaded)
{
	if (op->t1 < op->t0)
		return CT_OUTSIDE;
	/* untouched by any faulter: over before the first one started */
	if (op->t0 >= idle->start && op->t1 <= idle->end)
		return CT_IDLE;
	/*
	 * Started while every faulter was faulting.  It may end after the
	 * interval: the slowest operations are the ones that wait longest,
	 * and dropping the one still waiting at the end would hide them.
	 */
	if (op->t0 >= loaded->start && op->t0 < loaded->end)
		return CT_LOADED;
	return CT_OUTSIDE;
}

void ct_split(const struct ct_op *ops, size_t n, const struct ct_interval *idle,
	      const struct ct_interval *loaded, struct ct_op *idle_out, size_t *nidle,
	      struct ct_op *loaded_out, size_t *nloaded)
{
	*nidle = *nloaded = 0;
	for (size_t i = 0; i < n; i++) {
		switch (ct_classify(&ops[i], idle, loaded)) {
		case CT_IDLE:
			if (idle_out)
				idle_out[*nidle] = ops[i];
			(*nidle)++;
			break;
		case CT_LOADED:
			if (loaded_out)
				loaded_out[*nloaded] = ops[i];
			(*nloaded)++;
			break;
		case CT_OUTSIDE:
			break;
		}
	}
}

double ct_rate(size_t n, const struct ct_interval *iv, double hz)
{
	if (iv->end <= iv->start || hz <= 0)
		return 0;
	return (double)n * hz / (double)(iv->end - iv->start);
}

/* ---- parameters ---- */

static int check_region(const char *val, char *err, size_t len)
{
	int64_t v;

	if (sf_parse_size(val, &v) || v % (int64_t)PG || v < (64 << 10) || v > (1 << 30)) {
		snprintf(err, len, "expected auto or a multiple of 4k from 64k to 1g (e.g. 8m)");
		return -1;
	}
	return 0;
}

static const struct sf_param params[] = {
	{ "model", SF_PT_ENUM, "threads", .values = { "threads", "processes" },
	  .help = "threads: every worker in one mm (one mmap_lock); processes: an mm each (only file-system serialisation is shared)" },
	{ "faulters", SF_PT_INT, "1", .min = 1, .max = MAX_SIDE,
	  .help = "workers taking page faults during the loaded interval" },
	{ "lockers", SF_PT_INT, "1", .min = 1, .max = MAX_SIDE,
	  .help = "workers timing op through both intervals" },
	{ "op", SF_PT_ENUM, "mprotect", .values = { "mprotect", "mmap_munmap", "fault_anon" },
	  .help = "locker operation: flip the protection of an unpopulated 16 KiB region between R and RW, mmap+munmap 16 KiB of anonymous memory, or one anonymous page fault (no mmap_lock on kernels with per-VMA locks)" },
	{ "mode", SF_PT_ENUM, "none", .from = &sf_mode_values_mapping,
	  .help = "faulters' mapping: plain MAP_SHARED, MAP_SYNC, or a pre-written synced file" },
	{ "class", SF_PT_ENUM, "hole", .values = { SF_FAULT_CLASS_VALUES }, .help = SF_FAULT_CLASS_HELP },
	{ "files", SF_PT_ENUM, "shared", .values = { "shared", "private" },
	  .help = "faulters' regions in one shared file or in a file each" },
	{ "region", SF_PT_ENUM, "auto", .values = { "auto" }, .check = check_region,
	  .help = "bytes each faulter faults on per pass before refreshing them; auto = 256m for hole (a sparse file: pages cost only when touched, and a faulter rarely needs the hole punch that would otherwise dominate its time), 8m for the other classes (their refresh is cheap)" },
	{ "interval", SF_PT_INT, "500", .min = 50, .max = 600000,
	  .help = "length of the idle and of the loaded interval, in ms" },
	{ NULL },
};

/* Validated by check_region(); auto depends on the class. */
static size_t region_bytes(const char *val, enum sf_fault_class fc)
{
	int64_t v = 0;

	if (!strcmp(val, "auto"))
		return fc == SF_FC_HOLE ? (size_t)256 << 20 : (size_t)8 << 20;
	sf_parse_size(val, &v);
	return (size_t)v;
}

static int index_of(const char *const *names, const char *v)
{
	for (int i = 0; names[i]; i++)
		if (!strcmp(names[i], v))
			return i;
	return 0;
}

/* ---- the repeat ---- */

static enum sf_status check_mode(struct sf_ctx *ctx, const struct sf_mode *m, enum sf_fault_class fc)
{
	char why[256];

	if (sf_fault_supported(m, fc, ctx->target, why, sizeof(why)))
		return sf_unsupported(ctx, "%s", why);
	return SF_OK;
}

/* Create and map the faulters' file(s); each faulter gets region bytes. */
static int make_files(struct sf_ctx *ctx, struct ct_run *cr, char *err, size_t errlen)
{
	struct shared *sh = cr->sh;
	bool shared = !strcmp(sf_p_str(ctx, "files"), "shared");
	char path[4400], name[64];

	cr->nfiles = shared ? 1 : sh->nf;
	for (int i = 0; i < cr->nfiles; i++) {
		size_t size = shared ? sh->region * (size_t)sh->nf : sh->region;

		snprintf(name, sizeof(name), "contention.%d.data", i);
		sf_scratch_path(ctx, name, path, sizeof(path));
		if (sf_file_create(&cr->files[i], cr->mode, path, size, sf_fault_class_fill(sh->fc),
				   err, errlen))
			return -1;
		if (sf_file_map(&cr->files[i], PG, err, errlen)) {
			sf_file_destroy(&cr->files[i]);
			return -1;
		}
	}
	for (int i = 0; i < sh->nf; i++) {
		struct sf_file *f = &cr->files[shared ? 0 : i];
		size_t off = shared ? (size_t)i * sh->region : 0;

		cr->reg[i] = (struct region){ f, f->map + off, (off_t)off };
	}
	return 0;
}

/* Per-locker sample buffers, sized from the op's rate, pre-faulted and shared. */
static int make_buffers(struct ct_run *cr, double rate, double timeline_s)
{
	struct shared *sh = cr->sh;
	double want = rate * timeline_s * 3 + 65536;
	size_t cap = want > 32e6 ? 32000000 : (size_t)want;
	char *p;

	cr->ops_len = cap * sizeof(struct ct_op) * (size_t)sh->nl;
	p = mmap(NULL, cr->ops_len, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (p == MAP_FAILED)
		return -1;
	cr->ops_mem = p;
	for (int i = 0; i < sh->nl; i++) {
		sh->l[i].ops = (struct ct_op *)(p + (size_t)i * cap * sizeof(struct ct_op));
		sh->l[i].cap = cap;
	}
	return 0;
}

static void free_run(struct ct_run *cr)
{
	for (int i = 0; i < cr->nfiles; i++)
		sf_file_destroy(&cr->files[i]);
	if (cr->ops_mem)
		munmap(cr->ops_mem, cr->ops_len);
	if (cr->sh) {
		pthread_barrier_destroy(&cr->sh->setup_done);
		pthread_barrier_destroy(&cr->sh->plan_ready);
		sf_shared_free(cr->sh, sizeof(*cr->sh));
	}
}

static void init_barrier(pthread_barrier_t *b, int n)
{
	pthread_barrierattr_t ba;

	pthread_barrierattr_init(&ba);
	pthread_barrierattr_setpshared(&ba, PTHREAD_PROCESS_SHARED);
	pthread_barrier_init(b, &ba, (unsigned int)n);
	pthread_barrierattr_destroy(&ba);
}

static enum sf_status measure(struct sf_ctx *ctx, struct ct_run *cr)
{
	struct shared *sh = cr->sh;
	struct ct_interval idle, load;
	struct ct_span span[MAX_SIDE];
	enum sf_status st;
	char err[256];

	if (sf_workers_run(sh->nf + sh->nl, strcmp(sf_p_str(ctx, "model"), "threads") ?
			   SF_MODEL_PROCESSES : SF_MODEL_THREADS, ct_worker, cr, sh->rep,
			   err, sizeof(err)))
		return sf_fail(ctx, "%s", err);
	st = ct_first_error(ctx, sh);
	if (st != SF_OK)
		return st;
	for (int i = 0; i < sh->nf; i++)
		span[i] = sh->f[i].span;
	if (ct_intervals(sh->plan.idle_start, sh->plan.idle_end, ct_lockers_covered(sh), span, sh->nf,
			 &idle, &load))
		return ct_no_interval(ctx, sh, span);
	sf_info_double(ctx, "idle_interval_ms", ticks_s(idle.end - idle.start) * 1e3);
	sf_info_double(ctx, "loaded_interval_ms", ticks_s(load.end - load.start) * 1e3);
	ct_report(ctx, cr, &idle, &load);
	return SF_OK;
}

static enum sf_status run(struct sf_ctx *ctx)
{
	static const char *const ops[] = { "mprotect", "mmap_munmap", "fault_anon", NULL };
	struct ct_run cr = { .mode = sf_mode_find(sf_p_str(ctx, "mode")) };
	enum sf_fault_class fc = sf_fault_class(sf_p_str(ctx, "class"));
	struct shared *sh;
	enum sf_status st;
	double rate, interval_ms = (double)sf_p_int(ctx, "interval");
	char err[512];

	st = check_mode(ctx, cr.mode, fc);
	if (st != SF_OK)
		return st;
	sh = cr.sh = sf_shared_alloc(sizeof(*sh));
	if (!sh)
		return sf_fail(ctx, "out of memory");
	sh->nf = (int)sf_p_int(ctx, "faulters");
	sh->nl = (int)sf_p_int(ctx, "lockers");
	sh->op = (enum op)index_of(ops, sf_p_str(ctx, "op"));
	sh->fc = fc;
	sh->region = region_bytes(sf_p_str(ctx, "region"), sh->fc);
	sh->interval_ticks = ms_ticks(interval_ms);
	init_barrier(&sh->setup_done, sh->nf + sh->nl);
	init_barrier(&sh->plan_ready, sh->nf + sh->nl);
	rate = ct_locker_calibrate(sh->op);
	if (rate < 0) {
		st = sf_fail(ctx, "locker %s probe: %s", sf_p_str(ctx, "op"), strerror(errno));
		goto out;
	}
	/* warm-up + two intervals + gap + tail, with room for a late faulter */
	if (make_buffers(&cr, rate, (interval_ms * 2.6 + 300) / 1e3)) {
		st = sf_fail(ctx, "cannot allocate the lockers' sample buffers: %s", strerror(errno));
		goto out;
	}
	if (make_files(ctx, &cr, err, sizeof(err))) {
		st = sf_fail(ctx, "%s", err);
		goto out;
	}
	ct_tp_probe(&cr);
	st = measure(ctx, &cr);
out:
	free_run(&cr);
	return st;
}

/*
 * The tables: per target, the lockers' latency idle -> loaded, then as
 * ratios (threads share one mm and one mmap_lock, processes do not).
 */
#define CT_POINT \
	{ SF_COL_PARAM, "op", .head = "op", .flags = SF_COL_LEFT | SF_COL_IF_VARIES }, \
	{ SF_COL_PARAM, "mode", .head = "mode", .flags = SF_COL_LEFT | SF_COL_IF_VARIES }, \
	{ SF_COL_PARAM, "class", .head = "class", .flags = SF_COL_LEFT | SF_COL_IF_VARIES }, \
	{ SF_COL_PARAM, "files", .head = "files", .flags = SF_COL_LEFT | SF_COL_IF_VARIES }, \
	{ SF_COL_PARAM, "faulters", .head = "faulters", .flags = SF_COL_IF_VARIES }, \
	{ SF_COL_PARAM, "model", .head = "model", .width = 9, .flags = SF_COL_LEFT | SF_COL_IF_VARIES }
#define CT_LOCKER(kind, stat_, head_, w) \
	{ kind, "locker_latency_loaded", "locker_latency_idle", .head = head_, .stat = stat_, .width = w }
static const struct sf_column changes[] = {
	CT_POINT,
	{ SF_COL_METRIC, "faulter_throughput", .head = "faults/s", .width = 12 },
	CT_LOCKER(SF_COL_CHANGE, SF_STAT_P50, "p50 idle -> loaded", 21),
	CT_LOCKER(SF_COL_CHANGE, SF_STAT_P99, "p99 idle -> loaded", 21),
	CT_LOCKER(SF_COL_CHANGE, SF_STAT_P999, "p99.9 idle -> loaded", 22),
	{ SF_COL_CHANGE, "locker_throughput_loaded", "locker_throughput_idle",
	  .head = "ops/s idle -> loaded", .width = 26 },
	{ 0 }
};
static const struct sf_column ratios[] = {
	CT_POINT,
	CT_LOCKER(SF_COL_RATIO, SF_STAT_P50, "p50", 8),
	CT_LOCKER(SF_COL_RATIO, SF_STAT_P99, "p99", 8),
	CT_LOCKER(SF_COL_RATIO, SF_STAT_P999, "p99.9", 8),
	{ SF_COL_RATIO, "locker_throughput_loaded", "locker_throughput_idle", .head = "ops/s",
	  .width = 8 },
	{ 0 }
};
static const struct sf_note vma_locks[] = {
	{ SF_NOTE_ONCE, "  per-VMA locks: {i:per_vma_locks}" },
	{ 0 }
};
#define CT_EMULATED "  EMULATED ({t:emulated}): relative figures only"
static const struct sf_table tables[] = {
	{ SF_TABLE_ROWS, "contention: locker latency, idle interval vs loaded interval",
	  .emulated = CT_EMULATED, .cols = changes, .notes = vma_locks, .flags = SF_TAB_GROUPS },
	{ SF_TABLE_ROWS, "contention: locker loaded/idle (threads: one mm, processes: an mm each)",
	  .emulated = CT_EMULATED, .cols = ratios, .flags = SF_TAB_GROUPS },
	{ 0 }
};

/* The report's figure: each locker metric's p50 and p99, faulters idle and loaded. */
static const struct sf_figure figures[] = {
	{ .kind = SF_FIG_IDLE_LOADED, .name = "locker", .title = "Locker latency",
	  .subtitle = "faulters idle vs loaded" },
	{ 0 }
};

/* A locker's operation while faulters fault, against the same with them idle. */
static const struct sf_finding findings[] = {
	{ SF_Q_CONTENTION, SF_FIND_PAIR, .metric = "locker_latency_loaded",
	  .metric2 = "locker_latency_idle", .what = "a locker's operation",
	  .as = "while the faulters fault", .as2 = "with them idle" },
	{ 0 }
};

const struct sf_bench bench_contention = {
	.name = "contention",
	.primary_metric = "locker_latency_loaded",
	.figures = figures,
	.tables = tables,
	.findings = findings,
	.summary = "mmap_lock contention: locker mmap/munmap/mprotect latency while other workers take (MAP_SYNC) faults, threads vs processes",
	.help = "Faulters take page faults in their own regions of one shared file or of a\n"
		"file each (mode and class as in the fault benchmark); lockers time mprotect,\n"
		"mmap+munmap or anonymous faults, one operation at a time.  Each repeat has\n"
		"an idle interval (faulters asleep) and a loaded one (every faulter faulting);\n"
		"locker operations of the idle interval are compared with those started in\n"
		"the loaded one (summary: p50/p99/p99.9 and throughput).  model threads\n"
		"puts every worker in one mm (one mmap_lock), processes gives each its own.\n"
		"Where tracefs is mounted, mmap_lock tracepoints are counted per worker.",
	.params = params,
	.flags = SF_BENCH_NEEDS_TARGET | SF_BENCH_ROLES,
	.run = run,
};
