/* SPDX-License-Identifier: MIT */
/*
 * The contention benchmark's rooms: contention.c (parameters, the repeat's
 * setup, measure and run, the descriptor), contention_workers.c (the
 * lockers, the faulters and their timeline), contention_results.c (what a
 * repeat recorded, and which lock the fault path takes).  The interval
 * bookkeeping the tests drive is contention.h.
 */
#ifndef SF_CONTENTION_INT_H
#define SF_CONTENTION_INT_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "contention.h"
#include "sf_bench.h"
#include "sf_clock.h"
#include "sf_fault.h"
#include "sf_modes.h"
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

enum op { OP_MPROTECT, OP_MMAP_MUNMAP, OP_FAULT_ANON };
enum tp_ev { TP_READ, TP_WRITE, TP_CONTENDED, TP_N };

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

static inline uint64_t ms_ticks(double ms)
{
	return (uint64_t)(ms * sf_clock.tsc_hz / 1000.0);
}

static inline double ticks_s(uint64_t t)
{
	return (double)t / sf_clock.tsc_hz;
}

/* contention_workers.c */
void ct_tp_probe(struct ct_run *cr);
double ct_locker_calibrate(enum op op);
/* one worker of sf_workers_run: faulter or locker by its id */
void ct_worker(int id, int n, void *arg);

/* contention_results.c */
enum sf_status ct_first_error(struct sf_ctx *ctx, struct shared *sh);
uint64_t ct_lockers_covered(const struct shared *sh);
enum sf_status ct_no_interval(struct sf_ctx *ctx, struct shared *sh, const struct ct_span *span);
void ct_report(struct sf_ctx *ctx, struct ct_run *cr, const struct ct_interval *idle,
	       const struct ct_interval *load);

#endif
