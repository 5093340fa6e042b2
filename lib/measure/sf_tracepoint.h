/* SPDX-License-Identifier: MIT */
/*
 * Tracepoint counters: perf_event_open(2) on a kernel tracepoint, with an
 * event filter, counting the calling thread only; read before and after a
 * phase like the journal counters (sf_journal.h).  A set is opened in the
 * thread it counts.  The tracepoints' ids come from tracefs, which
 * syncfault does not mount on a host (the guest's init does).
 */
#ifndef SF_TRACEPOINT_H
#define SF_TRACEPOINT_H

#include <stddef.h>
#include <stdint.h>

#define SF_TP_MAX	8

struct sf_tp_event {
	const char *system;	/* "mmap_lock" */
	const char *name;	/* "mmap_lock_start_locking" */
	const char *filter;	/* "write == 1" (the event's fields), or NULL */
};

struct sf_tp_set {
	int n;
	int fd[SF_TP_MAX];
};

/* The tracepoint's id from tracefs; -1 with why (not mounted, no such tracepoint). */
int sf_tp_id(const struct sf_tp_event *ev, uint64_t *id, char *why, size_t len);
/*
 * Open n counters (events ev with their ids from sf_tp_id) for the calling
 * thread.  0, or -1 with why and nothing left open.
 */
int sf_tp_open(struct sf_tp_set *s, const struct sf_tp_event *ev, const uint64_t *ids, int n,
	       char *why, size_t len);
/* n counts now, one per counter; 0 for one that is not open or cannot be read. */
void sf_tp_read(const struct sf_tp_set *s, uint64_t *v, int n);
void sf_tp_close(struct sf_tp_set *s);

#endif
