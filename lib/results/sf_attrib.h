/* SPDX-License-Identifier: MIT */
/*
 * Attribution: who pays for a fault or a sync call, phase by phase.
 *
 * One extra repeat of a point runs with the kernel's function_graph tracer
 * on, filtered to the functions of one table (the phase map, per filesystem
 * and kernel version).  The recorded text trace is folded here into events
 * (one fault, one msync/fsync call of the benchmark's own tasks) and each
 * event's time into phases.  Folding and aggregation are pure (unit-tested
 * on a trace recorded in a real guest); lib/harness/attrib_run.c drives tracefs.
 */
#ifndef SF_ATTRIB_H
#define SF_ATTRIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <json-c/json.h>

enum sf_ev_kind {
	SF_EV_FAULT, SF_EV_MSYNC, SF_EV_FSYNC, SF_EV_NKINDS,
	/* a locker's mmap/munmap/mprotect: folded by role only, never a kind of its own */
	SF_EV_LOCKOP = SF_EV_NKINDS,
};

/* What a task of the benchmark is there for (a "sf: role NAME" marker says). */
enum sf_task_role { SF_TASK_ANY, SF_TASK_FAULTER, SF_TASK_LOCKER, SF_TASK_NROLES };

enum sf_phase {
	SF_PH_LOCK,		/* mmap_lock / per-VMA lock, before the fault proper */
	SF_PH_ALLOC,		/* filesystem block mapping and allocation */
	SF_PH_ZERO,		/* zeroing newly allocated blocks */
	SF_PH_TIME,		/* file time update (dirties the inode: a journal handle) */
	SF_PH_HANDLE,		/* journal handle start/stop outside the phases above */
	SF_PH_JOURNAL,		/* journal commit (jbd2) / log force (xfs), its wait, device flush */
	SF_PH_WRITEBACK,	/* writeback of dirty DAX entries: cache flush of data */
	SF_PH_INSERT,		/* DAX entry and page-table insert (PTE or PMD, table pages) */
	SF_PH_OTHER,		/* the rest of the event: no named function */
	SF_PH_N
};

/* What a traced function is to the folding. */
enum sf_fn_role {
	SF_ROLE_PHASE,		/* time inside it belongs to .phase */
	SF_ROLE_ROOT,		/* an event of .kind starts and ends with it */
	SF_ROLE_PREFIX,		/* lock wait just before a fault root (.phase) */
	SF_ROLE_PREFIX_VMA,	/* per-VMA lock: a fault under it may be retried under mmap_lock */
	SF_ROLE_OUTER,		/* like PHASE, but only where no mapped function encloses it */
};

#define SF_FS_EXT4	0x1
#define SF_FS_XFS	0x2
#define SF_FS_ANY	(SF_FS_EXT4 | SF_FS_XFS)

/* One row of the phase map. */
struct sf_phase_fn {
	const char *fn;
	enum sf_fn_role role;
	int phase;		/* enum sf_phase, or enum sf_ev_kind for a root */
	unsigned int fs;	/* SF_FS_* */
	int since, until;	/* kernel versions as major*100+minor; 0: open */
	int task;		/* enum sf_task_role: only in tasks of that role; 0: any */
};

#define SF_ATTRIB_MAX_FNS	64

/* The rows that apply to one filesystem and kernel. */
struct sf_attrib_map {
	int n;
	struct sf_phase_fn fn[SF_ATTRIB_MAX_FNS];
	char names[SF_ATTRIB_MAX_FNS][64];	/* owned copies of user rows */
};

const char *sf_phase_name(int phase);
const char *sf_ev_kind_name(int kind);
/* "allocation" -> SF_PH_ALLOC; -1 if unknown. */
int sf_phase_find(const char *name);
/* "6.12.117+deb12-amd64" -> 612; 0 if unparsable. */
int sf_kernel_version(const char *release);
/* "ext4" -> SF_FS_EXT4; 0 for other filesystems. */
unsigned int sf_attrib_fs(const char *fs);

/*
 * The built-in table's rows for fs (SF_FS_*) and kernel version; rows of a
 * task role only when roles (a benchmark whose tasks have them).
 */
void sf_attrib_map_build(struct sf_attrib_map *m, unsigned int fs, int kver, bool roles);
/* Add a user row "PHASE=FUNCTION"; -1 with err on a bad spec. */
int sf_attrib_map_add(struct sf_attrib_map *m, const char *spec, char *err, size_t errlen);
/* Drop row i (a function the running kernel cannot trace). */
void sf_attrib_map_drop(struct sf_attrib_map *m, int i);
/* True when some phase row maps to phase. */
bool sf_attrib_map_has_phase(const struct sf_attrib_map *m, int phase);

/* Which lock a fault ran under. */
enum sf_lock { SF_LOCK_MMAP, SF_LOCK_VMA, SF_LOCK_N };

/* One traced event. */
struct sf_event {
	int pid;
	int kind;		/* enum sf_ev_kind */
	int role;		/* enum sf_task_role of its task */
	double total_us;	/* lock prefix + root duration */
	double phase_us[SF_PH_N];
	/*
	 * A fault: time spent in handle_mm_fault under each lock (the lock is
	 * taken just before it and released just after), both tries of a
	 * VMA-locked fault retried under mmap_lock.
	 */
	double hold_us[SF_LOCK_N];
};

struct sf_fold {
	struct sf_event *ev;
	size_t n, cap;
	size_t lines, unparsed;	/* trace lines seen, lines not understood */
	size_t lost;		/* "LOST n EVENTS" reported by the ring buffer */
	size_t dropped;		/* events whose nesting the trace garbled */
	size_t retries;		/* VMA-lock faults retried under mmap_lock: one event each */
	bool markers;		/* the trace had sf: begin/end markers */
	bool roles;		/* ...and sf: role markers */
};

/*
 * Fold a function_graph text trace (options funcgraph-proc and
 * funcgraph-tail; abstime optional) into events.  Time in a function goes
 * to the innermost mapped function enclosing it, so nested mapped functions
 * are never counted twice (zeroing inside allocation is zeroing, not
 * allocation); what no mapped function covers is SF_PH_OTHER.  Events of
 * ignore_pid (the tracing parent) are dropped.  Where the trace has
 * "sf: begin"/"sf: end" markers, only events that start inside a window
 * count.  Returns 0, or -1 when out of memory.
 */
int sf_fold_trace(const char *text, const struct sf_attrib_map *m, int ignore_pid,
		  struct sf_fold *out);
void sf_fold_free(struct sf_fold *f);

/* Facts about the events of one kind. */
struct sf_attrib_kind {
	int kind;
	size_t n;
	double total_p50, total_p99;	/* us */
	double p50[SF_PH_N], p99[SF_PH_N];	/* us, per phase over all events */
	double share[SF_PH_N];	/* of the median events (p25..p75 by total) */
	double coverage;	/* 1 - other share, same events */
	bool mapped[SF_PH_N];	/* the map had a function for the phase */
	/*
	 * The same median events, per phase: mean time and the half-width of
	 * its 95% interval (event-to-event spread; NAN from results without
	 * it), so that compare can tell a phase that moved from noise.
	 */
	size_t nmid;
	double mid_us[SF_PH_N], mid_ci_us[SF_PH_N];
};

/*
 * Aggregate the events of kind (of tasks without a role or faulters: a
 * locker's events are its role's); false when there were none.
 */
bool sf_attrib_aggregate(const struct sf_fold *f, const struct sf_attrib_map *m, int kind,
			 struct sf_attrib_kind *out);

/* The phases of k as "74% journal commit, 11% allocation, ...", largest first. */
void sf_attrib_phase_line(const struct sf_attrib_kind *k, char *buf, size_t len);

/* JSON of one kind's facts (phases keyed by name). */
json_object *sf_attrib_kind_json(const struct sf_attrib_kind *k);
/* Back from a result's "attribution": fills out[SF_EV_NKINDS], returns the count. */
int sf_attrib_kinds(json_object *attribution, struct sf_attrib_kind *out);

/* Count, median, p99 and mean of one quantity over events (us). */
struct sf_attrib_dist {
	size_t n;
	double p50, p99, mean;
};

/*
 * Contention, per role: how long a faulter holds each lock per fault, and
 * how long a locker's operation waits for mmap_lock (the lock phase of its
 * events: the write lock of mprotect/mmap/munmap, the fault's lock for an
 * anonymous-fault locker).
 */
struct sf_attrib_roles {
	struct sf_attrib_dist hold[SF_LOCK_N];	/* faulters' faults */
	struct sf_attrib_dist fault;		/* faulters' whole faults */
	struct sf_attrib_dist wait;		/* lockers' operations */
	struct sf_attrib_dist op;		/* lockers' whole operations */
	int locker_kind;			/* SF_EV_LOCKOP or SF_EV_FAULT */
};

/* False when the trace had no role markers (not a benchmark with roles). */
bool sf_attrib_roles(const struct sf_fold *f, struct sf_attrib_roles *out);
json_object *sf_attrib_roles_json(const struct sf_attrib_roles *r);
/* Back from a result's "attribution"; false without a "roles" object. */
bool sf_attrib_roles_get(json_object *attribution, struct sf_attrib_roles *out);
/* "faulters hold mmap_lock 1.2 ms per fault (p50; p99 3.1 ms, mean 1.4 ms) over 210 faults" etc. */
void sf_attrib_roles_lines(const struct sf_attrib_roles *r, const char *indent, FILE *f);
/* compare: "faulter's mmap_lock hold per fault 16.3 ms -> 3.38 ms (p50; mean ...), ..." */
void sf_attrib_roles_delta_line(const struct sf_attrib_roles *b, const struct sf_attrib_roles *n,
				char *buf, size_t len);

/* What changed between two attributions of one kind (compare). */
struct sf_attrib_delta {
	int kind;
	double base_us, new_us;		/* median event: total */
	int n;				/* phases that moved by threshold or more */
	int phase[SF_PH_N];		/* ...largest move first */
	double base_phase_us[SF_PH_N], new_phase_us[SF_PH_N];	/* by phase */
	int nsame;			/* phases mapped on both sides that did not */
	double threshold;		/* share of the base median event */
	bool intervals;			/* moved = outside the interval (and threshold) */
	double ci_us[SF_PH_N];		/* half-width of the change's 95% interval */
};

/*
 * Phase time in the median events, base versus new.  Where both sides have
 * per-phase intervals a phase "moved" when its change is outside the
 * change's 95% interval and at least threshold of the base event; without
 * them (older results) when it changed by threshold of the base event
 * (share x median).  False when the kinds differ or either side has no
 * events.
 */
bool sf_attrib_diff(const struct sf_attrib_kind *b, const struct sf_attrib_kind *n,
		    double threshold, struct sf_attrib_delta *out);
/* "journal commit +51 us, allocation -3.0 us; other phases within 5% of the event" */
void sf_attrib_delta_line(const struct sf_attrib_delta *d, char *buf, size_t len);

/* ---- the attribution pass (lib/harness/attrib_run.c) ---- */

struct sf_bench;
struct sf_ctx;
struct sf_result;
struct sf_attrib_opts;	/* sf_harness.h: run --attribute, suite attribute = yes */

/* Runs one repeat into traced (a result of its own); the harness provides it. */
typedef int (*sf_attrib_repeat_fn)(const struct sf_bench *b, struct sf_ctx *ctx,
				   struct sf_result *traced);

/*
 * After the timed repeats: trace one more repeat (o: the functions added,
 * whether the raw trace is kept) and put the folded phases
 * into res->attribution ("unsupported" with the reason where tracefs, the
 * tracer or a mapped function is missing).  Never touches res's metrics.
 */
void sf_attrib_pass(const struct sf_bench *b, struct sf_ctx *ctx,
		    const struct sf_attrib_opts *o, struct sf_result *res,
		    sf_attrib_repeat_fn repeat);

/*
 * Benchmarks mark their timed window: the attribution pass counts the
 * events inside it, the disturbance judge looks at what happened to the
 * repeat's threads and CPUs inside it (sf_disturb.h).
 */
void sf_attrib_mark(bool begin);
/* A task of a benchmark with roles says which it is (a no-op untraced). */
void sf_attrib_role(enum sf_task_role role);

/* The run summary's attribution lines. */
void sf_attrib_print(const struct sf_result *r, FILE *f);

#endif
