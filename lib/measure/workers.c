// SPDX-License-Identifier: MIT
/*
 * Workers: threads or processes, pinned through hwloc, released together.
 *
 * The start barrier is a process-shared pthread barrier in shared memory so
 * that the same code serves both models, as in will-it-scale.
 */
#include <errno.h>
#include <hwloc.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sf_disturb.h"
#include "sf_workers.h"

struct start {
	pthread_barrier_t barrier;
	sf_worker_fn fn;
	void *arg;
	int n;
	struct sf_worker_report *rep;
};

struct thread_arg {
	struct start *st;
	int id;
};

void *sf_shared_alloc(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	memset(p, 0, len);
	return p;
}

void sf_shared_free(void *p, size_t len)
{
	if (p)
		munmap(p, len);
}

static hwloc_topology_t topology(void)
{
	static hwloc_topology_t t;
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

	pthread_mutex_lock(&lock);
	if (!t) {
		hwloc_topology_init(&t);
		hwloc_topology_load(t);
	}
	pthread_mutex_unlock(&lock);
	return t;
}

int sf_pin_self(int idx)
{
	hwloc_topology_t t = topology();
	int npu = hwloc_get_nbobjs_by_type(t, HWLOC_OBJ_PU);
	hwloc_obj_t pu;

	if (npu <= 0)
		return -1;
	pu = hwloc_get_obj_by_type(t, HWLOC_OBJ_PU, (unsigned int)(idx % npu));
	if (!pu)
		return -1;
	if (hwloc_set_cpubind(t, pu->cpuset, HWLOC_CPUBIND_THREAD))
		return -1;
	return (int)pu->os_index;
}

static void worker_body(struct start *st, int id)
{
	struct sf_worker_report *r = st->rep ? &st->rep[id] : NULL;
	int cpu = sf_pin_self(id);

	sf_disturb_note_cpu(cpu);	/* its interrupts and steal count for the repeat */
	if (r) {
		r->cpu_asked = cpu;
		r->cpu_seen = sched_getcpu();
		r->err = cpu < 0 ? -1 : 0;
	}
	pthread_barrier_wait(&st->barrier);
	st->fn(id, st->n, st->arg);
}

static void *thread_main(void *p)
{
	struct thread_arg *ta = p;

	worker_body(ta->st, ta->id);
	return NULL;
}

static int run_threads(struct start *st, char *err, size_t errlen)
{
	pthread_t *tid = calloc((size_t)st->n, sizeof(*tid));
	struct thread_arg *ta = calloc((size_t)st->n, sizeof(*ta));
	int started = 0, ret = 0;

	if (!tid || !ta) {
		snprintf(err, errlen, "out of memory");
		ret = -1;
		goto out;
	}
	for (; started < st->n; started++) {
		ta[started] = (struct thread_arg){ st, started };
		if (pthread_create(&tid[started], NULL, thread_main, &ta[started])) {
			snprintf(err, errlen, "pthread_create: %s", strerror(errno));
			/* nobody can pass the barrier now: cannot happen in practice */
			abort();
		}
	}
	for (int i = 0; i < started; i++)
		pthread_join(tid[i], NULL);
out:
	free(tid);
	free(ta);
	return ret;
}

/* What the last run's worker processes went through (threads: nothing to see). */
static struct sf_stops last_stops;

void sf_workers_stops(struct sf_stops *s)
{
	*s = last_stops;
}

static int run_processes(struct start *st, char *err, size_t errlen)
{
	pid_t *pid = calloc((size_t)st->n, sizeof(*pid));
	int ret = 0;

	if (!pid) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	sf_stops_begin();
	sf_stops_child(-1);	/* a repeat's children are its workers */
	for (int i = 0; i < st->n; i++) {
		pid[i] = fork();
		if (pid[i] < 0) {
			snprintf(err, errlen, "fork: %s", strerror(errno));
			for (int j = 0; j < i; j++)
				kill(pid[j], SIGKILL);
			abort();
		}
		if (!pid[i]) {
			sf_stops_end(&last_stops);	/* the watch is the parent's */
			worker_body(st, i);
			_exit(0);
		}
	}
	for (int i = 0; i < st->n; i++) {
		int status = 0, r;

		while ((r = waitpid(pid[i], &status, 0)) < 0 && errno == EINTR)
			;
		if (r < 0 || !WIFEXITED(status) || WEXITSTATUS(status)) {
			snprintf(err, errlen, "worker process %d failed (status 0x%x)", i, status);
			ret = -1;
		}
	}
	sf_stops_end(&last_stops);
	free(pid);
	return ret;
}

int sf_workers_run(int n, enum sf_model model, sf_worker_fn fn, void *arg,
		   struct sf_worker_report *rep, char *err, size_t errlen)
{
	struct start *st = sf_shared_alloc(sizeof(*st));
	pthread_barrierattr_t ba;
	int ret;

	if (!st) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	st->fn = fn;
	st->arg = arg;
	st->n = n;
	st->rep = rep;
	memset(&last_stops, 0, sizeof(last_stops));
	pthread_barrierattr_init(&ba);
	pthread_barrierattr_setpshared(&ba, PTHREAD_PROCESS_SHARED);
	pthread_barrier_init(&st->barrier, &ba, (unsigned int)n);
	if (model == SF_MODEL_THREADS)
		ret = run_threads(st, err, errlen);
	else
		ret = run_processes(st, err, errlen);
	pthread_barrier_destroy(&st->barrier);
	sf_shared_free(st, sizeof(*st));
	return ret;
}
