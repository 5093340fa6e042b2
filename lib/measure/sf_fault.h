/* SPDX-License-Identifier: MIT */
/*
 * Page-fault building blocks shared by the benchmarks that take faults
 * (fault, contention, sync): the fault classes, the fault counters, and the
 * one touching instruction.
 */
#ifndef SF_FAULT_H
#define SF_FAULT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/resource.h>

#include "sf_modes.h"

/* What a fault finds, i.e. the state the file is prepared in. */
enum sf_fault_class { SF_FC_HOLE, SF_FC_UNWRITTEN, SF_FC_WRITTEN, SF_FC_WP, SF_FC_READ };

/* For a parameter table: .values = { SF_FAULT_CLASS_VALUES }. */
#define SF_FAULT_CLASS_VALUES "hole", "unwritten", "written", "wp", "read"
#define SF_FAULT_CLASS_HELP "what the fault finds: hole (allocating write), unwritten extent, " \
	"written block, write-protect refault after msync, read"

/* The class of a validated parameter value. */
enum sf_fault_class sf_fault_class(const char *name);
/* The fill state a file needs for faults of class fc. */
enum sf_fill sf_fault_class_fill(enum sf_fault_class fc);
/*
 * Can mode m take faults of class fc on target t?  0, or -1 with the
 * "unsupported" reason (MAP_SYNC refused, daxfile has no holes ...).
 */
int sf_fault_supported(const struct sf_mode *m, enum sf_fault_class fc,
		       const struct sf_target *t, char *reason, size_t len);

/* Minor + major faults of the calling thread so far; *major may be NULL. */
static inline long sf_faults_now(long *major)
{
	struct rusage ru;

	getrusage(RUSAGE_THREAD, &ru);
	if (major)
		*major = ru.ru_majflt;
	return ru.ru_minflt + ru.ru_majflt;
}

/*
 * The touching instruction, as inline asm: one 8-byte store or load that
 * no sanitizer instruments (ASan's check of the shadow byte would fault the
 * shadow page in inside the timed window) and the compiler cannot elide.
 */
static inline void sf_touch(char *p, bool write)
{
	uint64_t v = 0x5a5a5a5a5a5a5a5aull;

	if (write)
		__asm__ volatile("movq %1, %0" : "=m"(*(uint64_t *)p) : "r"(v) : "memory");
	else
		__asm__ volatile("movq %1, %0" : "=r"(v) : "m"(*(const uint64_t *)p) : "memory");
}

/*
 * Checks that do not disturb what they check.  Reading the fault counters
 * is a system call; one next to every timed touch made the touch 15-20%
 * slower (it evicts the fault path from the caches and TLB).  So touches
 * are timed in batches: the counters are read once before and once after
 * a batch of timed touches with nothing but the timer between them, and
 * the caller keeps the batch's samples only when the batch took exactly
 * one fault per touch.
 */
#define SF_FAULT_BATCH_MAX	64

struct sf_fault_batch {
	size_t n;			/* touches in the batch */
	double ns[SF_FAULT_BATCH_MAX];	/* each touch's time, timer cost subtracted */
	double window_ns;		/* batch-timed: all n touches, one timer pair */
	long faults, majors;		/* taken by the whole batch; 0 when not counted */
};

/*
 * Time one touch of each of pages[0..n) (n <= SF_FAULT_BATCH_MAX); with
 * count, read the counters around the batch (never inside it).
 */
void sf_fault_batch_run(struct sf_fault_batch *b, char *const *pages, size_t n,
			bool write, bool count);
/*
 * The same batch timed as one window (LMbench style): one timer pair
 * around all n touches, into b->window_ns; the timer's cost is then
 * 1/n of what it is for a per-touch sample.
 */
void sf_fault_batch_run_window(struct sf_fault_batch *b, char *const *pages, size_t n,
			       bool write, bool count);
/*
 * Run the batch code once on memory that is already mapped, so that the
 * first counted batch does not also take the faults that map this code
 * and the timer's pages (a binary on a guest's 9p share has no fault-around
 * to hide them): without it the first batch of a repeat took n + 1 faults.
 */
void sf_fault_batch_warm(bool write);
/* A counted batch is kept only when it took exactly one fault per touch. */
static inline bool sf_fault_batch_exact(const struct sf_fault_batch *b)
{
	return b->faults == (long)b->n;
}

#endif
