/* SPDX-License-Identifier: MIT */
/*
 * N workers as threads (one mm) or processes (separate mms), pinned one per
 * core through hwloc and released together from a barrier.
 */
#ifndef SF_WORKERS_H
#define SF_WORKERS_H

#include <stddef.h>

#define SF_CACHELINE 64
#define __sf_aligned __attribute__((aligned(SF_CACHELINE)))

enum sf_model { SF_MODEL_THREADS, SF_MODEL_PROCESSES };

/* Called in each worker after pinning and after the start barrier. */
typedef void (*sf_worker_fn)(int id, int nworkers, void *arg);

struct sf_worker_report {
	int cpu_asked;		/* logical PU index we pinned to, -1 if none */
	int cpu_seen;		/* sched_getcpu() after pinning */
	int err;
} __sf_aligned;

/*
 * Run fn in n workers.  arg must live in sf_shared_alloc() memory when
 * model is processes.  rep (n entries, shared memory for processes, may be
 * NULL) receives where each worker ran.  Returns 0 or -1 with err.
 */
int sf_workers_run(int n, enum sf_model model, sf_worker_fn fn, void *arg,
		   struct sf_worker_report *rep, char *err, size_t errlen);
/*
 * Whether the last sf_workers_run's worker processes were stopped and
 * continued while they ran (sf_disturb.h); nothing for threads, whose
 * stops are the repeat's own.
 */
struct sf_stops;
void sf_workers_stops(struct sf_stops *s);
/* Memory visible to all workers of either model. */
void *sf_shared_alloc(size_t len);
void sf_shared_free(void *p, size_t len);
/* Pin the calling thread to logical PU idx % ncores (hwloc). */
int sf_pin_self(int idx);

#endif
