/* SPDX-License-Identifier: MIT */
/*
 * Folding a function_graph text trace into events (one fault, one
 * msync/fsync call of the benchmark's own tasks) with per-phase time.
 * Pure code, unit-tested on traces recorded in real guests (tests/attrib/);
 * lib/harness/attrib_run.c records the trace.
 */
#ifndef SF_ATTRIB_FOLD_H
#define SF_ATTRIB_FOLD_H

#include <stdbool.h>
#include <stddef.h>

#include "sf_attrib_map.h"

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

/* ---- one line of the trace (attrib_trace.c) ---- */

enum sf_trace_kind {
	SF_TL_NONE,		/* header or blank: not a trace line */
	SF_TL_BANNER,		/* a context-switch banner: a line, no event */
	SF_TL_UNPARSED,		/* a line not understood */
	SF_TL_LOST,		/* "LOST n EVENTS" */
	SF_TL_OPEN,		/* "name() {" */
	SF_TL_CLOSE,		/* "} /+ name +/" */
	SF_TL_LEAF,		/* "name();" */
	SF_TL_MARKER,		/* "/+ sf: ... +/" from trace_marker */
};

struct sf_trace_line {
	enum sf_trace_kind kind;
	int pid;
	double dur_us;		/* NAN where the line has no duration */
	const char *name;	/* OPEN, LEAF: the function as traced; CLOSE: the tail's, or NULL */
	size_t len;		/* ...its length; MARKER: the comment's */
	size_t lost;		/* LOST: the count */
};

/* Parse the line [line, end) of a function_graph text trace. */
void sf_trace_parse_line(const char *line, const char *end, struct sf_trace_line *out);

#endif
