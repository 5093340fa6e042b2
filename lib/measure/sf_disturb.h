/* SPDX-License-Identifier: MIT */
/*
 * What could have disturbed a repeat, and whether it could have moved the
 * repeat's figure.  A benchmark marks its timed window (sf_attrib_mark,
 * which calls sf_disturb_window); inside the repeat's process the window
 * records what happened to its own threads and CPUs while they were timed:
 * run-queue wait of its threads (/proc/self/task/N/schedstat), their
 * involuntary switches (rusage), steal and interrupts on the CPUs they ran
 * on or were pinned to (/proc/stat cpuN, /proc/interrupts columns).  A
 * benchmark without a marked window is judged over the whole repeat from
 * /proc/stat and the child's rusage, as before.
 */
#ifndef SF_DISTURB_H
#define SF_DISTURB_H

#include <stdbool.h>
#include <stdint.h>

/*
 * A disturbed repeat is one whose figure the disturbance could have moved.
 * A repeat's figure is the median of its samples: a preemption (an
 * involuntary switch, or a stolen tick) lands in at most one sample, so
 * the median can move only when more than SF_HIT_PCT_MAX of the samples
 * could have been hit, however long the waits were, and each hit sample
 * was lengthened by more than SF_HIT_INFLATION_PCT_MAX of a sample on
 * average (the time lost over the hits; a switch to a kernel thread and
 * straight back costs microseconds).  A
 * per-repeat figure (a rate over the window) moves with the time lost:
 * its threads waited on a run queue (runnable, another task had the CPU)
 * for more than SF_RUN_DELAY_PCT_MAX of the window (per worker), or more
 * than SF_STEAL_PCT_MAX of its CPUs' time was stolen.  The load average
 * is not a criterion (tasks waiting on I/O count in it but take no CPU).
 */
#define SF_HIT_PCT_MAX		5.0
#define SF_HIT_INFLATION_PCT_MAX	2.0
#define SF_RUN_DELAY_PCT_MAX	5.0
#define SF_STEAL_PCT_MAX	5.0
/* steal is counted in 10 ms ticks: fewer than this many is not evidence */
#define SF_STEAL_TICKS_MIN	2

#define SF_DISTURB_CPUS		256

struct sf_disturb_snap {
	uint64_t ns;			/* CLOCK_MONOTONIC_RAW */
	uint64_t cpu_ticks, steal;	/* all CPUs, USER_HZ ticks (/proc/stat "cpu") */
	uint64_t intr;			/* interrupts serviced, all CPUs ("intr") */
	bool ok;
};

/* Per-CPU counters (index: CPU number). */
struct sf_cpu_counts {
	uint64_t ticks[SF_DISTURB_CPUS], steal[SF_DISTURB_CPUS], irq[SF_DISTURB_CPUS];
	bool ok;
};

/* The timed windows of one repeat, summed. */
struct sf_window {
	int n;				/* windows marked */
	double ms;			/* their length */
	double delay_ms;		/* run-queue wait of the process's threads in them */
	long invol;			/* involuntary switches of its threads in them */
	int workers;			/* threads timed at once: pinned workers, else 1 */
	uint64_t ticks, steal, irq;	/* on the CPUs below, in the windows */
	char cpus[64];			/* those CPUs: "0,1" */
	int ncpus;
	long samples;			/* of the primary metric; 0: a per-repeat figure */
};

struct sf_disturb {
	double wall_s;
	bool windowed;			/* judged on the timed window (else the whole repeat) */
	double window_ms;
	long invol;			/* involuntary switches (diagnostic) */
	double run_delay_pct;		/* run-queue wait, % of the window (per worker) or wall; NAN unknown */
	double run_delay_ms;		/* the same in ms, summed over its threads; NAN unknown */
	double steal_pct;		/* of its CPUs' time; NAN unknown */
	double irq_per_cpu_s;		/* interrupts per CPU per second on its CPUs (diagnostic) */
	double hit_pct;			/* samples a preemption could have hit, %; NAN n/a */
	double hit_inflation_pct;	/* time lost per hit, % of a sample; NAN n/a */
	char cpus[64];			/* the CPUs those are for, "all" without a window */
	int stops;			/* times its process was stopped and continued */
	double stopped_s;		/* at least this long, where seen; 0 unknown */
	bool disturbed;
	char why[400];			/* what disturbed it, when it was */
};

/* Snapshot of /proc/stat (ok false when unreadable). */
void sf_disturb_snap(struct sf_disturb_snap *s);
/* Parse a /proc/stat text into s (for tests); 0 or -1. */
int sf_disturb_parse(const char *text, struct sf_disturb_snap *s);
/* Per-CPU counters from /proc/stat and /proc/interrupts texts (for tests); 0 or -1. */
int sf_cpu_counts_parse(const char *stat, const char *interrupts, struct sf_cpu_counts *c);

/* The repeat's process marks its timed window; nested and concurrent marks count once. */
void sf_disturb_window(bool begin);
/* In a repeat's child before the benchmark runs: no window yet, this is the process. */
void sf_disturb_window_reset(void);
/* The windows marked so far; false when none was. */
bool sf_disturb_window_get(struct sf_window *w);
/* A worker of this repeat is pinned to cpu (its interrupts and steal count). */
void sf_disturb_note_cpu(int cpu);

/*
 * Judge a repeat: from its timed windows when w is not NULL, else from
 * the snapshots around it, its involuntary switches and its main
 * thread's run-queue wait (ns; negative when unknown).
 */
void sf_disturb_judge(const struct sf_disturb_snap *a, const struct sf_disturb_snap *b,
		      long invol, double run_delay_ns, int ncpus,
		      const struct sf_window *w, struct sf_disturb *d);
/* Run-queue wait (ns) of a process from /proc/PID/schedstat; -1 unknown. */
double sf_run_delay_ns(int pid);

/*
 * A repeat's process stopped and continued while it ran (SIGSTOP from a
 * user or a job-control tool, a freezer; how a stalled host looks from
 * inside): the parent is told by SIGCHLD (CLD_STOPPED, CLD_CONTINUED).
 * A stopped task is neither running nor runnable, so no run-queue wait
 * shows it; only its parent sees it.  When the parent was stopped too,
 * the two notices arrive as one and the length is unknown.
 */
struct sf_stops {
	int stops, continues;		/* notices seen */
	double stopped_s;		/* from a stop's notice to its continue's: a lower bound */
};
/* From before fork() until sf_stops_end(): a SIGCHLD handler (no SA_RESTART: reads see EINTR). */
void sf_stops_begin(void);
/* The child to watch, right after fork() in the parent; -1: any child. */
void sf_stops_child(int pid);
/* The handler gone again; what it saw. */
void sf_stops_end(struct sf_stops *s);
/* Processes the OOM killer has killed since boot (/proc/vmstat oom_kill); -1 unknown. */
long sf_oom_kills(void);
/* Mark d disturbed by who's stops (their words first); no change when there were none. */
void sf_disturb_stops(const struct sf_stops *s, const char *who, struct sf_disturb *d);

#endif
