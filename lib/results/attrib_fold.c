// SPDX-License-Identifier: MIT
/*
 * Folding: the phase map and a function_graph text trace in, events with
 * per-phase time out.  Nesting is kept per task (PID), not per CPU: a task
 * that sleeps in a journal wait may continue on another CPU.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sf_array.h"
#include "sf_attrib_fold.h"

struct frame {
	char name[64];		/* as traced, without the module */
	int row;		/* map row, -1 if not mapped */
	double carved;		/* time of mapped functions nested inside */
	double phase_us[SF_PH_N];
};

#define MAX_DEPTH	64

/* The lock a fault is taken under, and what it cost: the rows just before its root. */
struct prefix {
	double phase_us[SF_PH_N];
	double total_us;
	bool vma;		/* it began with the per-VMA lock */
	bool retry;		/* an mmap_lock take after a VMA-locked fault */
	bool under_vma;		/* the last take was the per-VMA lock */
};

struct task {
	int pid;
	int depth;
	bool acct;		/* frame 0 is an event root or a lock prefix: its time is folded */
	bool in_event;		/* frame 0 is an event root */
	bool counted;		/* ...that started inside a marker window */
	struct prefix pre;	/* lock prefix waiting for the next fault */
	struct prefix ev_pre;	/* ...handed to the open fault */
	bool has_held;		/* held: a VMA-locked fault that may be retried */
	int role;		/* enum sf_task_role, from its "sf: role" marker */
	struct sf_event held;
	struct frame st[MAX_DEPTH];
};

struct fold_state {
	const struct sf_attrib_map *m;
	struct sf_fold *out;
	struct task *tasks;
	size_t ntasks, cap;
	int window;		/* open sf: begin markers */
	int ignore_pid;
};

static struct task *task_get(struct fold_state *s, int pid)
{
	struct task *t;

	for (size_t i = 0; i < s->ntasks; i++)
		if (s->tasks[i].pid == pid)
			return &s->tasks[i];
	if (SF_GROW(s->tasks, s->ntasks + 1, s->cap))
		return NULL;
	t = &s->tasks[s->ntasks++];
	memset(t, 0, sizeof(*t));
	t->pid = pid;
	return t;
}

static int add_event(struct sf_fold *f, const struct sf_event *e)
{
	if (SF_GROW(f->ev, f->n + 1, f->cap))
		return -1;
	f->ev[f->n++] = *e;
	return 0;
}

static const struct sf_phase_fn *row_of(const struct fold_state *s, const struct frame *f)
{
	return f->row >= 0 ? &s->m->fn[f->row] : NULL;
}

/* The phase a row's own time goes to; -1 for events. */
static int own_phase(const struct sf_phase_fn *r)
{
	return r && r->role != SF_ROLE_ROOT ? r->phase : -1;
}

/* At the top of a task's stack: an event root, a lock prefix, or neither. */
static void open_top(struct fold_state *s, struct task *t, int row)
{
	int role = row >= 0 ? (int)s->m->fn[row].role : -1;

	t->in_event = role == SF_ROLE_ROOT;
	t->acct = t->in_event || role == SF_ROLE_PREFIX || role == SF_ROLE_PREFIX_VMA;
	t->counted = t->in_event && (!s->out->markers || s->window > 0);
	if (!t->in_event)
		return;
	/* a lock taken before belongs to the fault right after it */
	if (s->m->fn[row].phase == SF_EV_FAULT)
		t->ev_pre = t->pre;
	else
		memset(&t->ev_pre, 0, sizeof(t->ev_pre));
	t->ev_pre.under_vma = t->pre.under_vma;
	memset(&t->pre, 0, sizeof(t->pre));
	t->pre.under_vma = t->ev_pre.under_vma;
}

static void open_frame(struct fold_state *s, struct task *t, const char *name, size_t len)
{
	const char *parent = t->depth > 0 && t->depth <= MAX_DEPTH ? t->st[t->depth - 1].name : NULL;
	int row = sf_attrib_map_row(s->m, name, len, parent, t->role);
	struct frame *f;

	if (t->depth == 0)
		open_top(s, t, row);
	if (t->depth == MAX_DEPTH) {
		t->depth++;	/* too deep: counted, not kept */
		return;
	}
	f = &t->st[t->depth++];
	memset(f, 0, sizeof(*f));
	f->row = row;
	snprintf(f->name, sizeof(f->name), "%.*s", (int)strcspn(name, " ("), name);
}

/* A function closed inside an event or a prefix: a mapped one's own time is its phase's. */
static void close_nested(struct fold_state *s, struct task *t, struct frame *f, double d)
{
	struct frame *parent = &t->st[t->depth - 1];
	int ph = own_phase(row_of(s, f));

	for (int p = 0; p < SF_PH_N; p++)
		parent->phase_us[p] += f->phase_us[p];
	if (ph >= 0) {
		parent->phase_us[ph] += d - f->carved;
		parent->carved += d;
	} else {
		parent->carved += f->carved;	/* unmapped: passes its nested time up */
	}
}

/* A held VMA-locked fault that was not retried is an event of its own. */
static int flush_held(struct fold_state *s, struct task *t)
{
	if (!t->has_held)
		return 0;
	t->has_held = false;
	return add_event(s->out, &t->held);
}

/* A lock prefix closed: its time waits for the fault it is taken for. */
static int close_prefix(struct fold_state *s, struct task *t, struct frame *f, double d)
{
	const struct sf_phase_fn *r = row_of(s, f);

	for (int p = 0; p < SF_PH_N; p++)
		t->pre.phase_us[p] += f->phase_us[p];
	t->pre.phase_us[r->phase] += d - f->carved;
	t->pre.total_us += d;
	t->acct = false;
	if (r->role == SF_ROLE_PREFIX_VMA) {
		t->pre.vma = t->pre.under_vma = true;
		return flush_held(s, t);	/* a new fault: the held one was not retried */
	}
	t->pre.under_vma = false;	/* a failed VMA lookup falls back to mmap_lock */
	t->pre.retry = t->has_held && !t->pre.vma;
	return 0;
}

/*
 * The fault retried under mmap_lock: one event, both tries; all of the
 * failed try (its per-VMA lock and its handle_mm_fault) is the retry phase.
 */
static void merge_retry(struct task *t, struct sf_event *e)
{
	e->phase_us[SF_PH_VMA_RETRY] += t->held.total_us;
	for (int l = 0; l < SF_LOCK_N; l++)
		e->hold_us[l] += t->held.hold_us[l];
	e->total_us += t->held.total_us;
	t->has_held = false;
}

static int close_root(struct fold_state *s, struct task *t, struct frame *f, double d)
{
	const struct sf_phase_fn *r = row_of(s, f);
	struct sf_event e = { .pid = t->pid, .kind = r->phase, .role = t->role };
	bool mine = t->counted && t->pid != s->ignore_pid;
	int ret;

	for (int p = 0; p < SF_PH_N; p++)
		e.phase_us[p] = f->phase_us[p] + (r->phase == SF_EV_FAULT ? t->ev_pre.phase_us[p] : 0);
	e.phase_us[SF_PH_OTHER] += d - f->carved;
	e.total_us = d;
	if (r->phase == SF_EV_FAULT) {
		e.total_us += t->ev_pre.total_us;
		e.hold_us[t->ev_pre.under_vma ? SF_LOCK_VMA : SF_LOCK_MMAP] = d;
	}
	t->in_event = t->counted = t->acct = false;
	if (r->phase == SF_EV_FAULT && t->ev_pre.retry && t->has_held) {
		merge_retry(t, &e);
		s->out->retries++;
		return mine ? add_event(s->out, &e) : 0;
	}
	ret = flush_held(s, t);
	if (!mine || ret)
		return ret;
	if (r->phase == SF_EV_FAULT && t->ev_pre.vma) {
		t->held = e;	/* until we know whether it is retried */
		t->has_held = true;
		return 0;
	}
	return add_event(s->out, &e);
}

/*
 * A close naming another function than the open it would end ("} /+ f +/"
 * from funcgraph-tail): the printer merged an entry with the wrong return
 * after the task moved to another CPU.  The task's open event is dropped,
 * and counted, rather than attributed wrongly.
 */
static bool close_mismatch(struct fold_state *s, struct task *t, const char *tail, size_t len)
{
	const struct frame *f = &t->st[t->depth - 1];

	if (!tail || t->depth > MAX_DEPTH || (strlen(f->name) == len && !strncmp(f->name, tail, len)))
		return false;
	s->out->dropped += t->in_event && t->counted;
	t->depth = 0;
	t->in_event = t->counted = t->acct = false;
	return true;
}

static int close_frame(struct fold_state *s, struct task *t, double d, const char *tail, size_t len)
{
	struct frame *f;

	if (t->depth == 0 || !isfinite(d))
		return 0;	/* a close whose open was before the trace started */
	if (close_mismatch(s, t, tail, len))
		return 0;
	if (--t->depth >= MAX_DEPTH)
		return 0;
	f = &t->st[t->depth];
	if (t->depth > 0) {
		if (t->acct)
			close_nested(s, t, f, d);
		return 0;
	}
	if (t->in_event)
		return close_root(s, t, f, d);
	if (t->acct)
		return close_prefix(s, t, f, d);
	return 0;
}

/* A leaf "name();" is an open and a close. */
static int leaf(struct fold_state *s, struct task *t, const char *name, size_t len, double d)
{
	open_frame(s, t, name, len);
	return close_frame(s, t, d, NULL, 0);
}

/* "sf: role locker" from a task: its events fold by that role. */
static int role_marker(struct fold_state *s, int pid, const char *text, size_t len)
{
	const char *r = memmem(text, len, "sf: role ", 9);
	struct task *t;

	if (!r || pid < 0)
		return 0;
	r += 9;
	t = task_get(s, pid);
	if (!t)
		return -1;
	for (int i = 1; i < SF_TASK_NROLES; i++)
		if ((size_t)(text + len - r) >= strlen(sf_task_role_name(i)) &&
		    !strncmp(r, sf_task_role_name(i), strlen(sf_task_role_name(i))))
			t->role = i;
	return 0;
}

/* text is the marker line only: the rest of the trace follows it, unterminated */
static void marker(struct fold_state *s, const char *text, size_t len)
{
	if (memmem(text, len, "sf: begin", 9))
		s->window++;
	else if (memmem(text, len, "sf: end", 7) && s->window > 0)
		s->window--;
}

static int fold_line(struct fold_state *s, const char *line, const char *end)
{
	struct sf_trace_line l;
	struct task *t;

	sf_trace_parse_line(line, end, &l);
	if (l.kind == SF_TL_NONE)
		return 0;
	s->out->lines++;
	switch (l.kind) {
	case SF_TL_LOST:
		s->out->lost += l.lost;
		return 0;
	case SF_TL_UNPARSED:
		s->out->unparsed++;
		return 0;
	case SF_TL_MARKER:
		marker(s, l.name, l.len);
		return role_marker(s, l.pid, l.name, l.len);
	case SF_TL_OPEN:
	case SF_TL_CLOSE:
	case SF_TL_LEAF:
		break;
	default:
		return 0;
	}
	t = task_get(s, l.pid);
	if (!t)
		return -1;
	if (l.kind == SF_TL_CLOSE)
		return close_frame(s, t, l.dur_us, l.name, l.len);
	if (l.kind == SF_TL_LEAF)
		return leaf(s, t, l.name, l.len, l.dur_us);
	open_frame(s, t, l.name, l.len);
	return 0;
}

int sf_fold_trace(const char *text, const struct sf_attrib_map *m, int ignore_pid,
		  struct sf_fold *out)
{
	struct fold_state s = { .m = m, .out = out, .ignore_pid = ignore_pid };
	const char *p = text;
	int ret = 0;

	memset(out, 0, sizeof(*out));
	out->markers = strstr(text, "sf: begin") != NULL;
	out->roles = strstr(text, "sf: role ") != NULL;
	while (*p && !ret) {
		const char *nl = strchr(p, '\n');
		const char *end = nl ? nl : p + strlen(p);

		ret = fold_line(&s, p, end);
		p = nl ? nl + 1 : end;
	}
	for (size_t i = 0; i < s.ntasks && !ret; i++)
		ret = flush_held(&s, &s.tasks[i]);
	free(s.tasks);
	return ret;
}

void sf_fold_free(struct sf_fold *f)
{
	free(f->ev);
	memset(f, 0, sizeof(*f));
}
