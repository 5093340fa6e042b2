// SPDX-License-Identifier: MIT
/*
 * Timed first touches in batches, with the fault counters read around the
 * batch instead of around every touch (see sf_fault.h for why).
 */
#include <string.h>

#include "sf_clock.h"
#include "sf_fault.h"

void sf_fault_batch_run(struct sf_fault_batch *b, char *const *pages, size_t n,
			bool write, bool count)
{
	uint64_t t0[SF_FAULT_BATCH_MAX], t1[SF_FAULT_BATCH_MAX];
	long maj0 = 0, maj1 = 0, f0 = 0, f1 = 0;

	if (n > SF_FAULT_BATCH_MAX)
		n = SF_FAULT_BATCH_MAX;
	/* the stores into t0/t1 must not fault inside the batch */
	memset(t0, 0, sizeof(t0));
	memset(t1, 0, sizeof(t1));
	b->n = n;
	if (count)
		f0 = sf_faults_now(&maj0);
	for (size_t i = 0; i < n; i++) {
		t0[i] = sf_start();
		sf_touch(pages[i], write);
		t1[i] = sf_stop();
	}
	if (count)
		f1 = sf_faults_now(&maj1);
	b->faults = f1 - f0;
	b->majors = maj1 - maj0;
	for (size_t i = 0; i < n; i++)
		b->ns[i] = sf_sample_ns(t0[i], t1[i]);
}

void sf_fault_batch_run_window(struct sf_fault_batch *b, char *const *pages, size_t n,
			       bool write, bool count)
{
	long maj0 = 0, maj1 = 0, f0 = 0, f1 = 0;
	uint64_t t0, t1;

	if (n > SF_FAULT_BATCH_MAX)
		n = SF_FAULT_BATCH_MAX;
	b->n = n;
	if (count)
		f0 = sf_faults_now(&maj0);
	t0 = sf_start();
	for (size_t i = 0; i < n; i++)
		sf_touch(pages[i], write);
	t1 = sf_stop();
	if (count)
		f1 = sf_faults_now(&maj1);
	b->faults = f1 - f0;
	b->majors = maj1 - maj0;
	b->window_ns = sf_sample_ns(t0, t1);
}

void sf_fault_batch_warm(bool write)
{
	static char resident[64];
	char *page = resident;
	struct sf_fault_batch b;

	resident[0] = 1;
	sf_fault_batch_run(&b, &page, 1, write, true);
}
