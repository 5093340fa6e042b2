/* SPDX-License-Identifier: MIT */
/*
 * What could have disturbed a repeat: involuntary context switches of its
 * processes (another task took the CPU), steal time (the hypervisor ran
 * someone else on our virtual CPUs), and the interrupt rate.  The harness
 * takes a snapshot of /proc/stat around every repeat and the repeat's
 * rusage from wait4(); sf_disturb_judge() decides.
 */
#ifndef SF_DISTURB_H
#define SF_DISTURB_H

#include <stdbool.h>
#include <stdint.h>

/* A disturbed repeat: more than this share of CPU time stolen ... */
#define SF_STEAL_PCT_MAX	2.0
/*
 * ... or the repeat's main thread waited on a run queue (runnable, but
 * another task had the CPU) for more than this share of its wall time.
 * Involuntary switches alone are not the criterion: on a shared machine a
 * repeat sees a few every few milliseconds from kernel threads that take
 * microseconds; time waiting says how much was lost.
 */
#define SF_RUN_DELAY_PCT_MAX	5.0

struct sf_disturb_snap {
	uint64_t ns;			/* CLOCK_MONOTONIC_RAW */
	uint64_t cpu_ticks, steal;	/* all CPUs, USER_HZ ticks (/proc/stat "cpu") */
	uint64_t intr;			/* interrupts serviced, all CPUs ("intr") */
	bool ok;
};

struct sf_disturb {
	double wall_s;
	long invol;			/* involuntary switches of the repeat's processes (diagnostic) */
	double run_delay_pct;		/* main thread's run-queue wait, % of wall; NAN unknown */
	double steal_pct;		/* of all CPU time during the repeat; NAN unknown */
	double irq_per_cpu_s;		/* interrupts per CPU per second (diagnostic) */
	bool disturbed;
	char why[160];			/* what disturbed it, when it was */
};

/* Snapshot of /proc/stat (ok false when unreadable). */
void sf_disturb_snap(struct sf_disturb_snap *s);
/* Parse a /proc/stat text into s (for tests); 0 or -1. */
int sf_disturb_parse(const char *text, struct sf_disturb_snap *s);
/*
 * Judge a repeat from the snapshots around it, its involuntary switches
 * and its main thread's run-queue wait (ns; negative when unknown).
 */
void sf_disturb_judge(const struct sf_disturb_snap *a, const struct sf_disturb_snap *b,
		      long invol, double run_delay_ns, int ncpus, struct sf_disturb *d);
/* Run-queue wait (ns) of a process from /proc/PID/schedstat; -1 unknown. */
double sf_run_delay_ns(int pid);

#endif
