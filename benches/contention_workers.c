// SPDX-License-Identifier: MIT
/*
 * contention: the workers.  Lockers time one operation at a time from
 * warm-up to tail; faulters sleep through the idle interval, then fault
 * their regions for one interval, refreshing them between passes outside
 * the time they count; both read the mmap_lock tracepoint counters only
 * at the planned boundaries or between passes.
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

/* ---- small helpers ---- */

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
void ct_tp_probe(struct ct_run *cr)
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
double ct_locker_calibrate(enum op op)
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

void ct_worker(int id, int n, void *arg)
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
