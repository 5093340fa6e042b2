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

#include "contention.h"
#include "sf_tracepoint.h"
#include "sf_attrib_run.h"
#include "sf_bench.h"
#include "sf_harness.h"
#include "sf_fault.h"
#include "sf_util.h"
#include "sf_workers.h"

#define PG		4096ul
#define MAX_SIDE	64		/* faulters, and lockers, at most */
#define LOCK_PAGES	4		/* the small region a locker works on */
#define ANON_PAGES	256		/* fault_anon: pages between two refreshes */
#define GAP_MS		10		/* between the intervals: faulters wake */
#define TAIL_MS		5		/* lockers outlast the last faulter by this */
#define CAP_MS		1000		/* ... and give up this long after 2 intervals */
#define CALIB_MS	4		/* locker rate probe, to size its buffer, */
#define CALIB_TRIES	5		/* best of this many (a preempted probe lies) */

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

/* ---- shared state ---- */


enum op { OP_MPROTECT, OP_MMAP_MUNMAP, OP_FAULT_ANON };
enum tp_ev { TP_READ, TP_WRITE, TP_CONTENDED, TP_N };

/* Validated by check_region(); auto depends on the class. */
static size_t region_bytes(const char *val, enum sf_fault_class fc)
{
	int64_t v = 0;

	if (!strcmp(val, "auto"))
		return fc == SF_FC_HOLE ? (size_t)256 << 20 : (size_t)8 << 20;
	sf_parse_size(val, &v);
	return (size_t)v;
}

struct faulter_out {
	struct ct_span span;
	uint64_t fault_ticks, refresh_ticks;
	uint64_t faults, touches, passes;
	long idle_faults;		/* taken while waiting through the idle interval */
	uint64_t woke;			/* when it woke for the loaded interval */
	uint64_t tp[TP_N];		/* tracepoint counts during passes */
	bool wp_no_fault;		/* a store after msync did not fault */
	char err[160];
} __sf_aligned;

struct locker_out {
	struct ct_op *ops;		/* cap entries, shared memory */
	size_t n, cap;
	bool truncated;
	uint64_t op_faults, op_count;	/* fault_anon: faults during timed ops */
	uint64_t tp_idle[TP_N], tp_loaded[TP_N];	/* at the planned boundaries */
	uint64_t ops_idle_planned, ops_loaded_planned;
	char err[160];
} __sf_aligned;

struct plan {
	uint64_t begin, idle_start, idle_end, load_start, load_end;
	uint64_t cap;		/* nobody runs past this, whatever happened */
};

struct shared {
	pthread_barrier_t setup_done, plan_ready;
	struct plan plan;
	int nf, nl;
	enum op op;
	enum sf_fault_class fc;
	size_t region;			/* bytes per faulter */
	uint64_t interval_ticks;
	bool tp_ok;
	int tp_lost;			/* a worker could not open its counters */
	uint64_t tp_id[TP_N];
	int ran;			/* workers that got past the start barrier */
	int faulters_done;		/* lockers run until every faulter is done */
	struct faulter_out f[MAX_SIDE];
	struct locker_out l[MAX_SIDE];
	struct sf_worker_report rep[2 * MAX_SIDE];
};

/* What a faulter works on (repeat-process memory: threads share it, fork copies it). */
struct region {
	struct sf_file *file;
	char *addr;
	off_t off;
};

struct ct_run {
	struct shared *sh;
	const struct sf_mode *mode;
	struct sf_file files[MAX_SIDE];
	int nfiles;
	struct region reg[MAX_SIDE];
	char tp_why[256];
	void *ops_mem;
	size_t ops_len;
};

/* ---- small helpers ---- */

static uint64_t ms_ticks(double ms)
{
	return (uint64_t)(ms * sf_clock.tsc_hz / 1000.0);
}

static double ticks_s(uint64_t t)
{
	return (double)t / sf_clock.tsc_hz;
}

/* Sleep until tick t: nanosleep most of the way, spin the last millisecond. */
static void sleep_until(uint64_t t)
{
	uint64_t now = sf_start(), margin = ms_ticks(1);

	if (now + margin < t) {
		double s = ticks_s(t - now - margin);
		struct timespec ts = { (time_t)s, (long)((s - floor(s)) * 1e9) };

		while (nanosleep(&ts, &ts) && errno == EINTR && !sf_interrupted)
			;
	}
	while (sf_start() < t && !sf_interrupted)
		;
}

static int index_of(const char *const *names, const char *v)
{
	for (int i = 0; names[i]; i++)
		if (!strcmp(names[i], v))
			return i;
	return 0;
}

/* ---- mmap_lock tracepoints ---- */

/* read and write attempts; a failed trylock: the fault path found the lock held */
static const struct sf_tp_event tp_events[TP_N] = {
	{ "mmap_lock", "mmap_lock_start_locking", "write == 0" },
	{ "mmap_lock", "mmap_lock_start_locking", "write == 1" },
	{ "mmap_lock", "mmap_lock_acquire_returned", "success == 0" },
};

static int tp_open(struct shared *sh, struct sf_tp_set *s, char *why, size_t len)
{
	s->n = 0;
	if (!sh->tp_ok)
		return -1;
	return sf_tp_open(s, tp_events, sh->tp_id, TP_N, why, len);
}

/* Probe once in the repeat process, so that workers only open what works. */
static void tp_probe(struct ct_run *cr)
{
	struct shared *sh = cr->sh;
	struct sf_tp_set s;

	for (int i = 0; i < TP_N; i++)
		if (sf_tp_id(&tp_events[i], &sh->tp_id[i], cr->tp_why, sizeof(cr->tp_why)))
			return;
	sh->tp_ok = true;
	if (tp_open(sh, &s, cr->tp_why, sizeof(cr->tp_why)))
		sh->tp_ok = false;
	sf_tp_close(&s);
}

/* ---- lockers ---- */

struct locker_mem {
	char *base, *mid;
	size_t len, next;
	unsigned long flips;
};

static int locker_setup(struct locker_mem *m, enum op op)
{
	memset(m, 0, sizeof(*m));
	if (op == OP_MMAP_MUNMAP)
		return 0;
	if (op == OP_MPROTECT) {
		/*
		 * PROT_NONE guard pages either side: flipping the middle between
		 * R and RW never lets it merge with a neighbour.  The middle is
		 * never touched: with no PTEs to rewrite there is no TLB
		 * shootdown to the faulters' CPUs (which in one mm would slow
		 * mprotect down whatever the lock does), so the operation is
		 * mmap_lock plus VMA bookkeeping.
		 */
		m->len = (LOCK_PAGES + 2) * PG;
		m->base = mmap(NULL, m->len, PROT_NONE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (m->base == MAP_FAILED)
			return -1;
		m->mid = m->base + PG;
		return mprotect(m->mid, LOCK_PAGES * PG, PROT_READ | PROT_WRITE);
	}
	m->len = ANON_PAGES * PG;
	m->base = mmap(NULL, m->len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m->base == MAP_FAILED)
		return -1;
	/* one fault per page: no THP of any size */
	madvise(m->base, m->len, MADV_NOHUGEPAGE);
	return 0;
}

static void locker_teardown(struct locker_mem *m)
{
	if (m->base && m->base != MAP_FAILED)
		munmap(m->base, m->len);
	m->base = NULL;
}

/* The timed operation. */
static inline int locker_op(struct locker_mem *m, enum op op)
{
	void *p;

	switch (op) {
	case OP_MPROTECT:
		return mprotect(m->mid, LOCK_PAGES * PG,
				(m->flips++ & 1) ? PROT_READ | PROT_WRITE : PROT_READ);
	case OP_MMAP_MUNMAP:
		p = mmap(NULL, LOCK_PAGES * PG, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return -1;
		return munmap(p, LOCK_PAGES * PG);
	case OP_FAULT_ANON:
		*(volatile char *)(m->base + m->next++ * PG) = 1;
		return 0;
	}
	return -1;
}

/* Untimed work between operations: fault_anon gives its pages back when used up. */
static void locker_between(struct locker_mem *m, enum op op, struct locker_out *o, long *f0)
{
	long f1;

	if (op != OP_FAULT_ANON || m->next < ANON_PAGES)
		return;
	f1 = sf_faults_now(NULL);
	o->op_faults += (uint64_t)(f1 - *f0);
	o->op_count += m->next;
	madvise(m->base, m->len, MADV_DONTNEED);
	m->next = 0;
	*f0 = sf_faults_now(NULL);
}

/* Operations per second of op alone, to size the sample buffers. */
static double locker_calibrate(enum op op)
{
	struct locker_mem m;
	struct locker_out o = { 0 };
	double best = 0;
	long f0 = 0;

	if (locker_setup(&m, op))
		return -1;
	for (int i = 0; i < CALIB_TRIES; i++) {
		uint64_t n = 0, t0 = sf_start(), end = t0 + ms_ticks(CALIB_MS);
		double rate;

		while (sf_start() < end) {
			if (locker_op(&m, op))
				break;
			locker_between(&m, op, &o, &f0);
			n++;
		}
		rate = (double)n / ticks_s(sf_start() - t0);
		best = rate > best ? rate : best;
	}
	locker_teardown(&m);
	return best;
}

static void locker_mark(const struct sf_tp_set *tp, uint64_t v[TP_N], uint64_t *opmark, size_t n)
{
	sf_tp_read(tp, v, TP_N);
	*opmark = n;
}

static void locker_loop(struct shared *sh, struct locker_out *o, struct locker_mem *m,
			const struct sf_tp_set *tp)
{
	const struct plan *p = &sh->plan;
	/* planned boundaries at which the tracepoint counters are read */
	const uint64_t mark[4] = { p->idle_start, p->idle_end, p->load_start, p->load_end };
	uint64_t snap[4][TP_N], opmark[4], t0, t1, stop = p->cap;
	int next_mark = 0;
	long f0 = sf_faults_now(NULL);

	memset(snap, 0, sizeof(snap));
	memset(opmark, 0, sizeof(opmark));
	while (!sf_interrupted) {
		t0 = sf_start();
		if (locker_op(m, sh->op)) {
			snprintf(o->err, sizeof(o->err), "locker operation failed: %s", strerror(errno));
			break;
		}
		t1 = sf_stop();
		if (o->n == o->cap) {
			o->truncated = true;
			break;
		}
		o->ops[o->n++] = (struct ct_op){ t0, t1 };
		locker_between(m, sh->op, o, &f0);
		while (next_mark < 4 && t1 >= mark[next_mark]) {
			locker_mark(tp, snap[next_mark], &opmark[next_mark], o->n);
			next_mark++;
		}
		/* a faulter woken late faults late: cover all of it, then a little */
		if (stop == p->cap && t1 >= p->load_end &&
		    __atomic_load_n(&sh->faulters_done, __ATOMIC_ACQUIRE) == sh->nf)
			stop = t1 + ms_ticks(TAIL_MS);
		if (t1 >= stop)
			break;
	}
	if (next_mark < 4)
		return;		/* stopped early: no counts rather than wrong ones */
	for (int i = 0; i < TP_N; i++) {
		o->tp_idle[i] = snap[1][i] - snap[0][i];
		o->tp_loaded[i] = snap[3][i] - snap[2][i];
	}
	o->ops_idle_planned = opmark[1] - opmark[0];
	o->ops_loaded_planned = opmark[3] - opmark[2];
}

/* ---- faulters ---- */

/* Make the region fault again on the next pass, as the class needs. */
static int faulter_refresh(const struct region *r, size_t len, enum sf_fault_class fc)
{
	int punch = FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE;

	switch (fc) {
	case SF_FC_HOLE:
		return fallocate(r->file->fd, punch, r->off, (off_t)len);
	case SF_FC_UNWRITTEN:
		if (fallocate(r->file->fd, punch, r->off, (off_t)len))
			return -1;
		return fallocate(r->file->fd, FALLOC_FL_KEEP_SIZE, r->off, (off_t)len);
	case SF_FC_WRITTEN:
	case SF_FC_READ:
		return madvise(r->addr, len, MADV_DONTNEED);
	case SF_FC_WP:
		/* writeback write-protects the PTEs: the next store refaults */
		return msync(r->addr, len, MS_SYNC);
	}
	return -1;
}

/* wp: dirty every page and write it back, in this worker's own mm. */
static int faulter_prepare_wp(const struct region *r, size_t len, struct faulter_out *o)
{
	long f0;

	for (size_t off = 0; off < len; off += PG)
		sf_touch(r->addr + off, true);
	if (msync(r->addr, len, MS_SYNC))
		return -1;
	f0 = sf_faults_now(NULL);
	sf_touch(r->addr, true);
	o->wp_no_fault = sf_faults_now(NULL) == f0;
	return msync(r->addr, len, MS_SYNC);
}

/* One pass over the region, stopping at end. */
static void faulter_pass(struct shared *sh, struct faulter_out *o, const struct region *r,
			 const struct sf_tp_set *tp, uint64_t end)
{
	bool write = sh->fc != SF_FC_READ;
	size_t npages = sh->region / PG, i;
	uint64_t t0, t1, v0[TP_N], v1[TP_N];
	long f0, f1;

	sf_tp_read(tp, v0, TP_N);
	f0 = sf_faults_now(NULL);
	t0 = sf_start();
	for (i = 0; i < npages; i++) {
		sf_touch(r->addr + i * PG, write);
		if (sf_start() >= end) {
			i++;
			break;
		}
	}
	t1 = sf_stop();
	f1 = sf_faults_now(NULL);
	sf_tp_read(tp, v1, TP_N);
	if (!o->span.first)
		o->span.first = t0;
	o->span.last = t1;
	o->fault_ticks += t1 - t0;
	o->faults += (uint64_t)(f1 - f0);
	o->touches += i;
	o->passes++;
	for (int k = 0; k < TP_N; k++)
		o->tp[k] += v1[k] - v0[k];
}

static void faulter_loop(struct shared *sh, struct faulter_out *o, const struct region *r,
			 const struct sf_tp_set *tp)
{
	long f0 = sf_faults_now(NULL);
	uint64_t t0, end;

	sleep_until(sh->plan.load_start);
	o->idle_faults = sf_faults_now(NULL) - f0;
	/*
	 * A full interval from when this faulter really woke: on a busy host
	 * (or under TCG) a wake-up can be late by more than an interval.
	 */
	o->woke = sf_start();
	end = o->woke + sh->interval_ticks;
	if (end > sh->plan.cap)
		end = sh->plan.cap;
	sf_attrib_mark(true);	/* an attribution pass counts the loaded interval's events */
	while (!sf_interrupted && sf_start() < end) {
		faulter_pass(sh, o, r, tp, end);
		if (sf_start() >= end)
			break;
		t0 = sf_start();
		if (faulter_refresh(r, sh->region, sh->fc)) {
			snprintf(o->err, sizeof(o->err), "refreshing the region between passes: %s",
				 strerror(errno));
			break;
		}
		o->refresh_ticks += sf_stop() - t0;
	}
	sf_attrib_mark(false);
}

/* ---- workers ---- */

static void plan_timeline(struct shared *sh)
{
	struct plan *p = &sh->plan;
	uint64_t warm = sh->interval_ticks / 10;

	if (warm < ms_ticks(20))
		warm = ms_ticks(20);
	p->begin = sf_start();
	p->idle_start = p->begin + warm;
	p->idle_end = p->idle_start + sh->interval_ticks;
	p->load_start = p->idle_end + ms_ticks(GAP_MS);
	p->load_end = p->load_start + sh->interval_ticks;
	p->cap = p->load_end + sh->interval_ticks + ms_ticks(CAP_MS);
}

/*
 * Take now, in setup, the faults a worker would otherwise take on first use
 * of its stack and of the calls it sleeps in, so that a faulter's only
 * faults are the ones it is there to take.
 */
static void __attribute__((noinline)) prefault_runtime(void)
{
	volatile char stack[64 << 10];
	struct timespec ts = { 0, 1000 };

	for (size_t i = 0; i < sizeof(stack); i += PG)
		stack[i] = 0;
	nanosleep(&ts, NULL);
	sleep_until(sf_start() + ms_ticks(2));	/* through nanosleep and floor */
	(void)sf_faults_now(NULL);
}

/*
 * A forked worker does not inherit the PTEs of shared memory: touch what it
 * will write (its output, a locker's sample buffer) before the clock runs.
 */
static void prefault_output(volatile char *p, size_t len)
{
	for (size_t off = 0; off < len; off += PG)
		p[off] = p[off];
	if (len)
		p[len - 1] = p[len - 1];
}

static void worker(int id, int n, void *arg)
{
	struct ct_run *cr = arg;
	struct shared *sh = cr->sh;
	bool faulter = id < sh->nf;
	struct faulter_out *fo = faulter ? &sh->f[id] : NULL;
	struct locker_out *lo = faulter ? NULL : &sh->l[id - sh->nf];
	char *err = faulter ? fo->err : lo->err;
	struct locker_mem mem = { 0 };
	struct sf_tp_set tp;
	char why[256];
	bool ok = true;

	__atomic_fetch_add(&sh->ran, 1, __ATOMIC_RELAXED);
	/* an attribution pass folds each task's events by what it is here for */
	sf_attrib_role(faulter ? SF_TASK_FAULTER : SF_TASK_LOCKER);
	if (tp_open(sh, &tp, why, sizeof(why)) && sh->tp_ok)
		__atomic_store_n(&sh->tp_lost, 1, __ATOMIC_RELAXED);
	prefault_runtime();
	if (faulter)
		prefault_output((volatile char *)fo, sizeof(*fo));
	else
		prefault_output((volatile char *)lo->ops, lo->cap * sizeof(*lo->ops));
	if (faulter && sh->fc == SF_FC_WP && faulter_prepare_wp(&cr->reg[id], sh->region, fo)) {
		snprintf(err, 160, "preparing write-protect faults (store + msync): %s", strerror(errno));
		ok = false;
	}
	if (!faulter && locker_setup(&mem, sh->op)) {
		snprintf(err, 160, "locker setup: %s", strerror(errno));
		ok = false;
	}
	/* everyone passes both barriers, even after an error: nobody may hang */
	if (pthread_barrier_wait(&sh->setup_done) == PTHREAD_BARRIER_SERIAL_THREAD)
		plan_timeline(sh);
	pthread_barrier_wait(&sh->plan_ready);
	if (ok && faulter && !fo->wp_no_fault)
		faulter_loop(sh, fo, &cr->reg[id], &tp);
	else if (ok && !faulter)
		locker_loop(sh, lo, &mem, &tp);
	if (faulter)
		__atomic_fetch_add(&sh->faulters_done, 1, __ATOMIC_RELEASE);
	locker_teardown(&mem);
	sf_tp_close(&tp);
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

static enum sf_status first_error(struct sf_ctx *ctx, struct shared *sh)
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
static uint64_t lockers_covered(const struct shared *sh)
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
static enum sf_status no_interval(struct sf_ctx *ctx, struct shared *sh, const struct ct_span *span)
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
			     plan_ms(p, p->load_end), where, plan_ms(p, lockers_covered(sh)),
			     gap.t1 ? ticks_s(gap.t1 - gap.t0) * 1e3 : 0.0, gap.t1 ? plan_ms(p, gap.t0) : 0.0);
}

static enum sf_status measure(struct sf_ctx *ctx, struct ct_run *cr)
{
	struct shared *sh = cr->sh;
	struct ct_interval idle, load;
	struct ct_span span[MAX_SIDE];
	enum sf_status st;
	char err[256];

	if (sf_workers_run(sh->nf + sh->nl, strcmp(sf_p_str(ctx, "model"), "threads") ?
			   SF_MODEL_PROCESSES : SF_MODEL_THREADS, worker, cr, sh->rep,
			   err, sizeof(err)))
		return sf_fail(ctx, "%s", err);
	st = first_error(ctx, sh);
	if (st != SF_OK)
		return st;
	for (int i = 0; i < sh->nf; i++)
		span[i] = sh->f[i].span;
	if (ct_intervals(sh->plan.idle_start, sh->plan.idle_end, lockers_covered(sh), span, sh->nf,
			 &idle, &load))
		return no_interval(ctx, sh, span);
	sf_info_double(ctx, "idle_interval_ms", ticks_s(idle.end - idle.start) * 1e3);
	sf_info_double(ctx, "loaded_interval_ms", ticks_s(load.end - load.start) * 1e3);
	report_faulters(ctx, cr, &load);
	report_lockers(ctx, cr, &idle, &load);
	report_workers(ctx, cr);
	report_tracepoints(ctx, cr);
	record_fault_lock(ctx);
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
	rate = locker_calibrate(sh->op);
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
	tp_probe(&cr);
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
