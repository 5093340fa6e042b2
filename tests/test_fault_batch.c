// SPDX-License-Identifier: MIT
/*
 * The batch fault check on real faults: anonymous pages of this process,
 * so every first touch is one minor fault.  A batch that takes an extra
 * fault (a touch straddling into an untouched page) or one too few (a page
 * already touched) must not pass as exact.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <sys/mman.h>
#include <cmocka.h>

#include "sf_clock.h"
#include "sf_fault.h"

#define PG	4096
#define N	8

static char *fresh(size_t pages)
{
	char *p = mmap(NULL, pages * PG, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	assert_true(p != MAP_FAILED);
	/* one fault per 4 KiB page: no transparent huge page */
	madvise(p, pages * PG, MADV_NOHUGEPAGE);
	return p;
}

/* pages 0, 2, 4 ...: the odd pages stay untouched for the straddle case */
static void batch_of(char *base, char **pages)
{
	for (int i = 0; i < N; i++)
		pages[i] = base + (size_t)(2 * i) * PG;
}

static void exact_batch_kept(void **state)
{
	char *base = fresh(2 * N), *pages[N];
	struct sf_fault_batch b;

	batch_of(base, pages);
	sf_fault_batch_run(&b, pages, N, true, true);
	assert_int_equal(b.n, N);
	assert_int_equal(b.faults, N);
	assert_true(sf_fault_batch_exact(&b));
	for (int i = 0; i < N; i++)
		assert_true(b.ns[i] > 0);
	munmap(base, 2 * N * PG);
}

static void extra_fault_rejected(void **state)
{
	char *base = fresh(2 * N), *pages[N];
	struct sf_fault_batch b;

	batch_of(base, pages);
	/* an 8-byte store 4 bytes before the end of page 6 also faults page 7 */
	pages[3] += PG - 4;
	sf_fault_batch_run(&b, pages, N, true, true);
	assert_int_equal(b.faults, N + 1);
	assert_false(sf_fault_batch_exact(&b));
	munmap(base, 2 * N * PG);
}

static void missing_fault_rejected(void **state)
{
	char *base = fresh(2 * N), *pages[N];
	struct sf_fault_batch b;

	batch_of(base, pages);
	pages[5][0] = 1;	/* already mapped: its touch takes no fault */
	sf_fault_batch_run(&b, pages, N, true, true);
	assert_int_equal(b.faults, N - 1);
	assert_false(sf_fault_batch_exact(&b));
	munmap(base, 2 * N * PG);
}

static void unchecked_batch_counts_nothing(void **state)
{
	char *base = fresh(2 * N), *pages[N];
	struct sf_fault_batch b;

	batch_of(base, pages);
	sf_fault_batch_run(&b, pages, N, false, false);
	assert_int_equal(b.faults, 0);
	assert_false(sf_fault_batch_exact(&b));
	/* the reads did fault the pages in: a second touch takes none */
	sf_fault_batch_run(&b, pages, N, false, true);
	assert_int_equal(b.faults, 0);
	munmap(base, 2 * N * PG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(exact_batch_kept),
		cmocka_unit_test(extra_fault_rejected),
		cmocka_unit_test(missing_fault_rejected),
		cmocka_unit_test(unchecked_batch_counts_nothing),
	};

	sf_clock_init(false);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
