// SPDX-License-Identifier: MIT
/* Workers: every worker runs once, pinned, and only after all are ready. */
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdatomic.h>
#include <string.h>
#include <cmocka.h>

#include "sf_env.h"
#include "sf_workers.h"

#define N 4

struct shared {
	struct sf_worker_report rep[N];
	atomic_int ran;
	int saw_all_ready[N];
	int cpu[N];
};

static void body(int id, int n, void *arg)
{
	struct shared *s = arg;
	int ready = 0;

	/* reports are written before the barrier: all must be there now */
	for (int i = 0; i < n; i++)
		ready += s->rep[i].cpu_asked != -2;
	s->saw_all_ready[id] = ready == n;
	s->cpu[id] = sched_getcpu();
	atomic_fetch_add(&s->ran, 1);
}

static void run_model(enum sf_model model)
{
	struct shared *s = sf_shared_alloc(sizeof(*s));
	char err[256];

	for (int i = 0; i < N; i++)
		s->rep[i].cpu_asked = -2;
	assert_int_equal(sf_workers_run(N, model, body, s, s->rep, err, sizeof(err)), 0);
	assert_int_equal(atomic_load(&s->ran), N);
	for (int i = 0; i < N; i++) {
		assert_true(s->saw_all_ready[i]);
		assert_true(s->rep[i].cpu_asked >= 0);
		/* pinned: the worker ran where it was pinned */
		assert_int_equal(s->rep[i].cpu_seen, s->rep[i].cpu_asked);
		assert_int_equal(s->cpu[i], s->rep[i].cpu_asked);
		/* one per core, wrapping round */
		assert_int_equal(s->rep[i].cpu_asked, s->rep[i % sf_ncores()].cpu_asked);
	}
	sf_shared_free(s, sizeof(*s));
}

static void threads(void **state)
{
	run_model(SF_MODEL_THREADS);
}

static void processes(void **state)
{
	run_model(SF_MODEL_PROCESSES);
}

static void counters_are_padded(void **state)
{
	struct sf_worker_report r[2];

	assert_true(sizeof(r[0]) % SF_CACHELINE == 0);
	assert_true(((uintptr_t)&r[1] - (uintptr_t)&r[0]) >= SF_CACHELINE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(threads),
		cmocka_unit_test(processes),
		cmocka_unit_test(counters_are_padded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
