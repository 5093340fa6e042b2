// SPDX-License-Identifier: MIT
/*
 * Attribution folding: the phase map and a function_graph text trace in,
 * events with per-phase time out.  Pure code: no tracefs here.
 *
 * The trace is what tracefs prints with the options funcgraph-proc and
 * funcgraph-tail (funcgraph-abstime optional), the tracer filtered to the
 * functions of the map (set_ftrace_filter), so that a line is one of
 *    TIME | CPU)  COMM-PID | DURATION | name() {
 *    TIME | CPU)  COMM-PID | DURATION | } /+ name +/
 *    TIME | CPU)  COMM-PID | DURATION | name();
 *    TIME | CPU)  COMM-PID |          | /+ sf: begin +/
 * plus headers, context-switch and "LOST n EVENTS" lines.  Nesting is kept
 * per task (PID), not per CPU: a task that sleeps in a journal wait may
 * continue on another CPU.
 */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sf_attrib.h"
#include "sf_result.h"

static const char *const phase_names[SF_PH_N] = {
	[SF_PH_LOCK] = "mmap_lock wait",
	[SF_PH_ALLOC] = "allocation",
	[SF_PH_ZERO] = "zeroing",
	[SF_PH_TIME] = "time update",
	[SF_PH_HANDLE] = "journal handle",
	[SF_PH_JOURNAL] = "journal commit",
	[SF_PH_WRITEBACK] = "writeback",
	[SF_PH_INSERT] = "page-table insert",
	[SF_PH_OTHER] = "other",
};

/* Short names for --attribute-fn PHASE=FUNCTION. */
static const char *const phase_keys[SF_PH_N] = {
	"lock", "allocation", "zeroing", "time", "handle", "journal", "writeback", "insert", "other",
};

static const char *const kind_names[SF_EV_NKINDS] = { "fault", "msync", "fsync" };

/*
 * The phase map: ONE table for every filesystem and kernel.  Names were
 * checked against Debian's 6.1.0-57 and 6.12.117 kernels in the guest
 * (available_filter_functions) and against full function_graph traces of
 * each event there (tests/attrib/ keeps traces recorded with this table).
 *
 * A fault: handle_mm_fault is the event; the lock taken before it in
 * do_user_addr_fault (not traceable: inlined into the noinstr exception
 * entry) is seen through lock_mm_and_find_vma / lock_vma_under_rcu.
 * MAP_SYNC adds dax_finish_sync_fault -> vfs_fsync_range: its journal part
 * is jbd2_complete_transaction (ext4) or xfs_log_force_seq (xfs), its data
 * part dax_writeback_mapping_range.
 */
static const struct sf_phase_fn phase_table[] = {
	/* events */
	{ "handle_mm_fault", SF_ROLE_ROOT, SF_EV_FAULT, SF_FS_ANY, 0, 0 },
	{ "__x64_sys_msync", SF_ROLE_ROOT, SF_EV_MSYNC, SF_FS_ANY, 0, 0 },
	{ "__x64_sys_fsync", SF_ROLE_ROOT, SF_EV_FSYNC, SF_FS_ANY, 0, 0 },
	{ "__x64_sys_fdatasync", SF_ROLE_ROOT, SF_EV_FSYNC, SF_FS_ANY, 0, 0 },
	/* lock before the fault: per-VMA lock from 6.4, mmap_lock fallback */
	{ "lock_vma_under_rcu", SF_ROLE_PREFIX_VMA, SF_PH_LOCK, SF_FS_ANY, 604, 0 },
	{ "lock_mm_and_find_vma", SF_ROLE_PREFIX, SF_PH_LOCK, SF_FS_ANY, 601, 0 },
	/* block mapping and allocation: the filesystem's iomap_begin */
	{ "ext4_iomap_begin", SF_ROLE_PHASE, SF_PH_ALLOC, SF_FS_EXT4, 0, 0 },
	{ "xfs_direct_write_iomap_begin", SF_ROLE_PHASE, SF_PH_ALLOC, SF_FS_XFS, 0, 0 },
	{ "xfs_dax_write_iomap_begin", SF_ROLE_PHASE, SF_PH_ALLOC, SF_FS_XFS, 602, 0 },
	/* zeroing the new blocks, inside the allocation */
	{ "ext4_issue_zeroout", SF_ROLE_PHASE, SF_PH_ZERO, SF_FS_EXT4, 0, 0 },
	{ "xfs_zero_extent", SF_ROLE_PHASE, SF_PH_ZERO, SF_FS_XFS, 0, 0 },
	/* mtime/ctime: dirtying the inode starts a journal handle */
	{ "file_update_time", SF_ROLE_PHASE, SF_PH_TIME, SF_FS_ANY, 0, 0 },
	/* a journal handle the fault itself starts (write faults), not inside the phases above */
	{ "jbd2__journal_start", SF_ROLE_OUTER, SF_PH_HANDLE, SF_FS_EXT4, 0, 0 },
	{ "jbd2_journal_stop", SF_ROLE_OUTER, SF_PH_HANDLE, SF_FS_EXT4, 0, 0 },
	{ "xfs_trans_alloc", SF_ROLE_OUTER, SF_PH_HANDLE, SF_FS_XFS, 0, 0 },
	{ "xfs_trans_commit", SF_ROLE_OUTER, SF_PH_HANDLE, SF_FS_XFS, 0, 0 },
	/* journal commit, the wait for it, and the device flush (REQ_PREFLUSH) */
	{ "ext4_fc_commit", SF_ROLE_PHASE, SF_PH_JOURNAL, SF_FS_EXT4, 0, 0 },
	{ "jbd2_complete_transaction", SF_ROLE_PHASE, SF_PH_JOURNAL, SF_FS_EXT4, 0, 0 },
	{ "jbd2_journal_force_commit", SF_ROLE_PHASE, SF_PH_JOURNAL, SF_FS_EXT4, 0, 0 },
	{ "xfs_log_force_seq", SF_ROLE_PHASE, SF_PH_JOURNAL, SF_FS_XFS, 0, 0 },
	{ "xfs_log_force", SF_ROLE_PHASE, SF_PH_JOURNAL, SF_FS_XFS, 0, 0 },
	{ "blkdev_issue_flush", SF_ROLE_PHASE, SF_PH_JOURNAL, SF_FS_ANY, 0, 0 },
	/* writeback of dirty DAX entries (data cache flush) and the wait for it */
	{ "file_write_and_wait_range", SF_ROLE_PHASE, SF_PH_WRITEBACK, SF_FS_ANY, 0, 0 },
	{ "dax_writeback_mapping_range", SF_ROLE_PHASE, SF_PH_WRITEBACK, SF_FS_ANY, 0, 0 },
	/* DAX entry (lookup, lock, pfn) and page-table insert, with the table pages it needs */
	{ "grab_mapping_entry", SF_ROLE_PHASE, SF_PH_INSERT, SF_FS_ANY, 0, 0 },
	{ "dax_iomap_direct_access", SF_ROLE_PHASE, SF_PH_INSERT, SF_FS_ANY, 0, 0 },
	{ "dax_unlock_entry", SF_ROLE_PHASE, SF_PH_INSERT, SF_FS_ANY, 0, 0 },
	{ "dax_insert_entry", SF_ROLE_PHASE, SF_PH_INSERT, SF_FS_ANY, 0, 0 },
	{ "vmf_insert_mixed_mkwrite", SF_ROLE_PHASE, SF_PH_INSERT, SF_FS_ANY, 0, 0 },
	{ "vmf_insert_mixed", SF_ROLE_PHASE, SF_PH_INSERT, SF_FS_ANY, 0, 0 },
	{ "vmf_insert_pfn_pmd_prot", SF_ROLE_PHASE, SF_PH_INSERT, SF_FS_ANY, 0, 603 },
	{ "vmf_insert_pfn_pmd", SF_ROLE_PHASE, SF_PH_INSERT, SF_FS_ANY, 603, 0 },
	{ "__pud_alloc", SF_ROLE_PHASE, SF_PH_INSERT, SF_FS_ANY, 0, 0 },
	{ "__pmd_alloc", SF_ROLE_PHASE, SF_PH_INSERT, SF_FS_ANY, 0, 0 },
	{ "__pte_alloc", SF_ROLE_PHASE, SF_PH_INSERT, SF_FS_ANY, 0, 0 },
	/*
	 * Contention's lockers: their mmap_lock operations, and the wait for
	 * the write lock in them (mmap_write_lock_killable -> down_write_killable
	 * in mprotect, mmap and munmap alike); an anonymous-fault locker's wait
	 * is its fault's lock prefix above.
	 */
	{ "__x64_sys_mprotect", SF_ROLE_ROOT, SF_EV_LOCKOP, SF_FS_ANY, 0, 0, SF_TASK_LOCKER },
	{ "__x64_sys_mmap", SF_ROLE_ROOT, SF_EV_LOCKOP, SF_FS_ANY, 0, 0, SF_TASK_LOCKER },
	{ "__x64_sys_munmap", SF_ROLE_ROOT, SF_EV_LOCKOP, SF_FS_ANY, 0, 0, SF_TASK_LOCKER },
	{ "down_write_killable", SF_ROLE_PHASE, SF_PH_LOCK, SF_FS_ANY, 0, 0, SF_TASK_LOCKER },
};

static const char *const role_names[SF_TASK_NROLES] = { "any", "faulter", "locker" };

const char *sf_phase_name(int phase)
{
	return phase >= 0 && phase < SF_PH_N ? phase_names[phase] : "?";
}

const char *sf_ev_kind_name(int kind)
{
	if (kind == SF_EV_LOCKOP)
		return "mmap_lock op";
	return kind >= 0 && kind < SF_EV_NKINDS ? kind_names[kind] : "?";
}

int sf_phase_find(const char *name)
{
	for (int i = 0; i < SF_PH_N; i++)
		if (!strcmp(name, phase_keys[i]) || !strcmp(name, phase_names[i]))
			return i;
	return -1;
}

int sf_kernel_version(const char *release)
{
	int major, minor;

	if (!release || sscanf(release, "%d.%d", &major, &minor) != 2)
		return 0;
	return major * 100 + minor;
}

unsigned int sf_attrib_fs(const char *fs)
{
	if (fs && !strcmp(fs, "ext4"))
		return SF_FS_EXT4;
	if (fs && !strcmp(fs, "xfs"))
		return SF_FS_XFS;
	return 0;
}

void sf_attrib_map_build(struct sf_attrib_map *m, unsigned int fs, int kver, bool roles)
{
	m->n = 0;
	for (size_t i = 0; i < sizeof(phase_table) / sizeof(phase_table[0]); i++) {
		const struct sf_phase_fn *r = &phase_table[i];

		if (r->task && !roles)
			continue;	/* no task has that role: not traced at all */
		if (r->fs && !(r->fs & fs) && fs)
			continue;
		if (!fs && r->fs != SF_FS_ANY)
			continue;	/* another filesystem: only the common rows */
		if (kver && ((r->since && kver < r->since) || (r->until && kver >= r->until)))
			continue;
		m->fn[m->n++] = *r;
	}
}

int sf_attrib_map_add(struct sf_attrib_map *m, const char *spec, char *err, size_t errlen)
{
	const char *eq = strchr(spec, '=');
	char phase[32];
	int ph;

	if (!eq || eq == spec || !eq[1] || (size_t)(eq - spec) >= sizeof(phase) ||
	    strlen(eq + 1) >= sizeof(m->names[0])) {
		snprintf(err, errlen, "--attribute-fn '%s': expected PHASE=FUNCTION, e.g. journal=jbd2_log_wait_commit",
			 spec);
		return -1;
	}
	snprintf(phase, sizeof(phase), "%.*s", (int)(eq - spec), spec);
	ph = sf_phase_find(phase);
	if (ph < 0 || ph == SF_PH_OTHER) {
		snprintf(err, errlen, "--attribute-fn '%s': unknown phase '%s': use lock, allocation, zeroing, time, handle, journal, writeback or insert",
			 spec, phase);
		return -1;
	}
	if (m->n == SF_ATTRIB_MAX_FNS) {
		snprintf(err, errlen, "--attribute-fn: too many functions");
		return -1;
	}
	snprintf(m->names[m->n], sizeof(m->names[0]), "%s", eq + 1);
	m->fn[m->n] = (struct sf_phase_fn){ m->names[m->n], ph == SF_PH_LOCK ? SF_ROLE_PREFIX :
					    ph == SF_PH_HANDLE ? SF_ROLE_OUTER : SF_ROLE_PHASE,
					    ph, SF_FS_ANY, 0, 0 };
	m->n++;
	return 0;
}

void sf_attrib_map_drop(struct sf_attrib_map *m, int i)
{
	if (i < 0 || i >= m->n)
		return;
	for (int k = i; k + 1 < m->n; k++) {
		m->fn[k] = m->fn[k + 1];
		memcpy(m->names[k], m->names[k + 1], sizeof(m->names[k]));
		if (m->fn[k + 1].fn == m->names[k + 1])
			m->fn[k].fn = m->names[k];
	}
	m->n--;
}

bool sf_attrib_map_has_phase(const struct sf_attrib_map *m, int phase)
{
	if (phase == SF_PH_OTHER)
		return true;
	for (int i = 0; i < m->n; i++)
		if (m->fn[i].role != SF_ROLE_ROOT && m->fn[i].phase == phase)
			return true;
	return false;
}

/* ---- parsing ---- */

/* Row of the map for a traced name ("ext4_iomap_begin [ext4]", "f.isra.0"); -1 if none. */
static int map_lookup(const struct sf_attrib_map *m, const char *name, size_t len)
{
	size_t base = 0;

	while (base < len && name[base] != ' ' && name[base] != '.')
		base++;
	for (int i = 0; i < m->n; i++)
		if (strlen(m->fn[i].fn) == base && !strncmp(m->fn[i].fn, name, base))
			return i;
	return -1;
}

struct frame {
	char name[64];		/* as traced, without the module */
	int row;		/* map row, -1 if not mapped */
	double prefix_us;	/* a root's lock wait, taken when it opened */
	bool prefix_vma;	/* ...beginning with the per-VMA lock */
	bool retry;		/* a fault retried under mmap_lock */
	bool under_vma;		/* ...run under the per-VMA lock (last lock prefix) */
	double carved;		/* time of mapped functions nested inside */
	double phase_us[SF_PH_N];
};

#define MAX_DEPTH	64

struct task {
	int pid;
	int depth;
	bool in_event;		/* frame 0 is an event root */
	bool counted;		/* ...that started inside a marker window */
	double prefix_us;	/* lock wait just before the next fault */
	bool prefix_vma;	/* ...that began with the per-VMA lock */
	bool retry;		/* an mmap_lock prefix after a VMA-locked fault */
	bool has_held;		/* held: a VMA-locked fault that may be retried */
	bool under_vma;		/* the last lock prefix took the per-VMA lock */
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
	if (s->ntasks == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 8;
		struct task *nt = realloc(s->tasks, cap * sizeof(*nt));

		if (!nt)
			return NULL;
		s->tasks = nt;
		s->cap = cap;
	}
	t = &s->tasks[s->ntasks++];
	memset(t, 0, sizeof(*t));
	t->pid = pid;
	return t;
}

static int add_event(struct sf_fold *f, const struct sf_event *e)
{
	if (f->n == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 256;
		struct sf_event *ne = realloc(f->ev, cap * sizeof(*ne));

		if (!ne)
			return -1;
		f->ev = ne;
		f->cap = cap;
	}
	f->ev[f->n++] = *e;
	return 0;
}

/* "+ 12.345 us" -> 12.345; NAN when the field has no duration. */
static double parse_duration(const char *p, const char *end)
{
	while (p < end && !isdigit((unsigned char)*p))
		p++;
	if (p == end)
		return NAN;
	return strtod(p, NULL);
}

/* A row of a task role is no row in a task of another role. */
static int task_lookup(const struct fold_state *s, const struct task *t, const char *name, size_t len)
{
	int row = map_lookup(s->m, name, len);

	if (row >= 0 && s->m->fn[row].task && s->m->fn[row].task != t->role)
		return -1;
	return row;
}

static void open_frame(struct fold_state *s, struct task *t, const char *name, size_t len)
{
	int row = task_lookup(s, t, name, len);
	struct frame *f;

	if (t->depth == 0) {
		bool root = row >= 0 && s->m->fn[row].role == SF_ROLE_ROOT;

		t->in_event = root;
		t->counted = root && (!s->out->markers || s->window > 0);
		if (root && s->m->fn[row].phase != SF_EV_FAULT)
			t->prefix_us = 0;	/* a lock wait belongs to the fault right after it */
	}
	if (row >= 0 && s->m->fn[row].role == SF_ROLE_OUTER && t->in_event)
		for (int i = 1; i < t->depth && i < MAX_DEPTH; i++)
			if (t->st[i].row >= 0 && s->m->fn[t->st[i].row].role != SF_ROLE_ROOT)
				row = -1;	/* inside another phase: that phase's time */
	if (t->depth == MAX_DEPTH) {
		t->depth++;	/* too deep: counted, not kept */
		return;
	}
	f = &t->st[t->depth++];
	memset(f, 0, sizeof(*f));
	f->row = row;
	if (t->depth == 1 && t->in_event) {
		f->prefix_us = t->prefix_us;
		f->prefix_vma = t->prefix_vma;
		f->retry = t->retry;
		f->under_vma = t->under_vma;
		t->prefix_us = 0;
		t->prefix_vma = t->retry = false;
	}
	snprintf(f->name, sizeof(f->name), "%.*s", (int)strcspn(name, " ("), name);
}

/* A mapped function closed inside an event: its own time is its phase's. */
static void close_in_event(struct fold_state *s, struct task *t, struct frame *f, double d)
{
	struct frame *parent = &t->st[t->depth - 1];
	const struct sf_phase_fn *r = f->row >= 0 ? &s->m->fn[f->row] : NULL;

	for (int p = 0; p < SF_PH_N; p++)
		parent->phase_us[p] += f->phase_us[p];
	if (r && r->role != SF_ROLE_ROOT) {
		parent->phase_us[r->phase] += d - f->carved;
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

static int close_root(struct fold_state *s, struct task *t, struct frame *f, double d)
{
	const struct sf_phase_fn *r = &s->m->fn[f->row];
	struct sf_event e = { .pid = t->pid, .kind = r->phase, .role = t->role };
	bool mine = t->counted && t->pid != s->ignore_pid;
	int ret = 0;

	for (int p = 0; p < SF_PH_N; p++)
		e.phase_us[p] = f->phase_us[p];
	e.phase_us[SF_PH_OTHER] += d - f->carved;
	e.total_us = d;
	if (r->phase == SF_EV_FAULT) {
		e.phase_us[SF_PH_LOCK] += f->prefix_us;
		e.total_us += f->prefix_us;
		e.hold_us[f->under_vma ? SF_LOCK_VMA : SF_LOCK_MMAP] = d;
	}
	t->in_event = t->counted = false;
	if (r->phase == SF_EV_FAULT && f->retry && t->has_held) {
		/* the same fault, retried under mmap_lock: one event, both tries */
		for (int p = 0; p < SF_PH_N; p++)
			e.phase_us[p] += t->held.phase_us[p];
		for (int l = 0; l < SF_LOCK_N; l++)
			e.hold_us[l] += t->held.hold_us[l];
		e.total_us += t->held.total_us;
		t->has_held = false;
		s->out->retries++;
		return mine ? add_event(s->out, &e) : 0;
	}
	ret = flush_held(s, t);
	if (!mine || ret)
		return ret;
	if (r->phase == SF_EV_FAULT && f->prefix_vma) {
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
	t->in_event = t->counted = false;
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
		if (t->in_event)
			close_in_event(s, t, f, d);
		return 0;
	}
	if (t->in_event)
		return close_root(s, t, f, d);
	if (f->row >= 0 && s->m->fn[f->row].role == SF_ROLE_PREFIX_VMA) {
		t->prefix_us += d;
		t->prefix_vma = true;
		t->under_vma = true;
		return flush_held(s, t);	/* a new fault: the held one was not retried */
	}
	if (f->row >= 0 && s->m->fn[f->row].role == SF_ROLE_PREFIX) {
		t->prefix_us += d;
		t->under_vma = false;	/* a failed VMA lookup falls back to mmap_lock */
		t->retry = t->has_held && !t->prefix_vma;
	}
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
		if ((size_t)(text + len - r) >= strlen(role_names[i]) &&
		    !strncmp(r, role_names[i], strlen(role_names[i])))
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

/* The PID in "  1)  syncfau-158  ": digits after the last '-'. */
static int parse_pid(const char *p, const char *end)
{
	const char *dash = NULL;

	for (const char *q = p; q < end; q++)
		if (*q == '-')
			dash = q;
	if (!dash || !isdigit((unsigned char)dash[1]))
		return -1;
	return atoi(dash + 1);
}

/* Split a trace line into its task, duration and function fields. */
static int split_line(const char *line, const char *end, const char **task, const char **task_end,
		      const char **dur, const char **func)
{
	const char *bar[4];
	int n = 0;

	for (const char *p = line; p < end && n < 4; p++)
		if (*p == '|')
			bar[n++] = p;
	if (n < 2)
		return -1;
	/* with abstime: TIME | CPU) TASK | DUR | FUNC; without: CPU) TASK | DUR | FUNC */
	if (n >= 3 && memchr(line, ')', (size_t)(bar[0] - line)) == NULL) {
		*task = bar[0] + 1;
		*task_end = bar[1];
		*dur = bar[1] + 1;
		*func = bar[2] + 1;
		return 0;
	}
	*task = line;
	*task_end = bar[0];
	*dur = bar[0] + 1;
	*func = bar[1] + 1;
	return 0;
}

static int fold_line(struct fold_state *s, const char *line, const char *end)
{
	const char *task, *task_end, *dur, *func, *fe;
	struct task *t;
	double d;
	int pid;

	if (line == end || *line == '#')
		return 0;
	s->out->lines++;
	if (memmem(line, (size_t)(end - line), "LOST", 4) && memmem(line, (size_t)(end - line), "EVENTS", 6)) {
		const char *l = memmem(line, (size_t)(end - line), "LOST", 4);

		s->out->lost += (size_t)strtoul(l + 4, NULL, 10);
		return 0;
	}
	if (split_line(line, end, &task, &task_end, &dur, &func)) {
		/* context-switch banners ("---", " 1) a-1 => b-2") carry no event */
		if (!memchr(line, '-', (size_t)(end - line)) && !memchr(line, '=', (size_t)(end - line)))
			s->out->unparsed++;
		return 0;
	}
	pid = parse_pid(task, task_end);
	while (func < end && *func == ' ')
		func++;
	fe = end;
	while (fe > func && isspace((unsigned char)fe[-1]))
		fe--;
	if (pid < 0 || func == fe) {
		s->out->unparsed++;
		return 0;
	}
	if (!strncmp(func, "/*", 2)) {
		marker(s, func, (size_t)(fe - func));
		return role_marker(s, pid, func, (size_t)(fe - func));
	}
	t = task_get(s, pid);
	if (!t)
		return -1;
	d = parse_duration(dur, func);
	if (*func == '}') {
		const char *tail = strstr(func, "/* ");

		if (tail)
			tail += 3;
		return close_frame(s, t, d, tail, tail ? strcspn(tail, " *") : 0);
	}
	if (fe - func > 3 && !strncmp(fe - 3, ") {", 3)) {
		const char *paren = memchr(func, '(', (size_t)(fe - func));

		open_frame(s, t, func, (size_t)(paren - func));
		return 0;
	}
	if (fe - func > 3 && !strncmp(fe - 3, "();", 3))
		return leaf(s, t, func, (size_t)(fe - 3 - func), d);
	s->out->unparsed++;
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

/* ---- aggregation ---- */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of n sorted values. */
static double pct_sorted(const double *v, size_t n, double pct)
{
	size_t i;

	if (!n)
		return NAN;
	i = (size_t)ceil(pct / 100.0 * (double)n);
	return v[i ? i - 1 : 0];
}

static int cmp_event_total(const void *a, const void *b)
{
	return cmp_double(&((const struct sf_event *)a)->total_us, &((const struct sf_event *)b)->total_us);
}

/*
 * Shares of the events between p25 and p75 of total time: the median
 * event, robustly.  Per phase also the mean over those events and its 95%
 * interval (normal approximation: the band has tens to thousands of events).
 */
static void median_shares(struct sf_event *ev, size_t n, struct sf_attrib_kind *k)
{
	size_t lo = n / 4, hi = n - n / 4, m;
	double sum[SF_PH_N] = { 0 }, sq[SF_PH_N] = { 0 }, total = 0;

	qsort(ev, n, sizeof(*ev), cmp_event_total);
	if (hi <= lo)
		hi = lo + 1;
	if (hi > n)
		hi = n;
	for (size_t i = lo; i < hi; i++) {
		total += ev[i].total_us;
		for (int p = 0; p < SF_PH_N; p++) {
			sum[p] += ev[i].phase_us[p];
			sq[p] += ev[i].phase_us[p] * ev[i].phase_us[p];
		}
	}
	m = hi - lo;
	k->nmid = m;
	for (int p = 0; p < SF_PH_N; p++) {
		double mean = sum[p] / (double)m, var;

		k->share[p] = total > 0 ? sum[p] / total : 0;
		k->mid_us[p] = mean;
		var = m > 1 ? (sq[p] - (double)m * mean * mean) / (double)(m - 1) : NAN;
		k->mid_ci_us[p] = m > 1 ? 1.96 * sqrt(var > 0 ? var : 0) / sqrt((double)m) : NAN;
	}
	k->coverage = total > 0 ? 1 - sum[SF_PH_OTHER] / total : 0;
}

bool sf_attrib_aggregate(const struct sf_fold *f, const struct sf_attrib_map *m, int kind,
			 struct sf_attrib_kind *out)
{
	struct sf_event *ev = malloc((f->n ? f->n : 1) * sizeof(*ev));
	double *v = malloc((f->n ? f->n : 1) * sizeof(*v));
	size_t n = 0;

	memset(out, 0, sizeof(*out));
	out->kind = kind;
	if (!ev || !v) {
		free(ev);
		free(v);
		return false;
	}
	for (size_t i = 0; i < f->n; i++)
		if (f->ev[i].kind == kind && f->ev[i].role != SF_TASK_LOCKER)
			ev[n++] = f->ev[i];
	out->n = n;
	for (int p = 0; p < SF_PH_N; p++)
		out->mapped[p] = sf_attrib_map_has_phase(m, p);
	if (n) {
		for (int p = 0; p <= SF_PH_N; p++) {
			for (size_t i = 0; i < n; i++)
				v[i] = p == SF_PH_N ? ev[i].total_us : ev[i].phase_us[p];
			qsort(v, n, sizeof(*v), cmp_double);
			if (p == SF_PH_N) {
				out->total_p50 = pct_sorted(v, n, 50);
				out->total_p99 = pct_sorted(v, n, 99);
			} else {
				out->p50[p] = pct_sorted(v, n, 50);
				out->p99[p] = pct_sorted(v, n, 99);
			}
		}
		median_shares(ev, n, out);
	}
	free(ev);
	free(v);
	return n > 0;
}

/* ---- contention: by task role ---- */

static double jdouble(json_object *o, const char *key);
static json_object *num(double v);

/* Distribution of n values (sorted in place). */
static void dist_of(double *v, size_t n, struct sf_attrib_dist *d)
{
	double sum = 0;

	memset(d, 0, sizeof(*d));
	d->n = n;
	if (!n) {
		d->p50 = d->p99 = d->mean = NAN;
		return;
	}
	qsort(v, n, sizeof(*v), cmp_double);
	for (size_t i = 0; i < n; i++)
		sum += v[i];
	d->p50 = pct_sorted(v, n, 50);
	d->p99 = pct_sorted(v, n, 99);
	d->mean = sum / (double)n;
}

enum role_q { Q_HOLD_MMAP, Q_HOLD_VMA, Q_FAULT, Q_WAIT, Q_OP };

/* One quantity of the events of role (and kind, for lockers). */
static void role_dist(const struct sf_fold *f, int role, int kind, enum role_q q, double *v,
		      struct sf_attrib_dist *d)
{
	size_t n = 0;

	for (size_t i = 0; i < f->n; i++) {
		const struct sf_event *e = &f->ev[i];

		if (e->role != role || e->kind != kind)
			continue;
		v[n++] = q == Q_HOLD_MMAP ? e->hold_us[SF_LOCK_MMAP] :
			 q == Q_HOLD_VMA ? e->hold_us[SF_LOCK_VMA] :
			 q == Q_WAIT ? e->phase_us[SF_PH_LOCK] : e->total_us;
	}
	dist_of(v, n, d);
}

bool sf_attrib_roles(const struct sf_fold *f, struct sf_attrib_roles *out)
{
	double *v = malloc((f->n ? f->n : 1) * sizeof(*v));
	size_t nop = 0, nfault = 0;

	memset(out, 0, sizeof(*out));
	if (!f->roles || !v) {
		free(v);
		return false;
	}
	for (size_t i = 0; i < f->n; i++) {
		nop += f->ev[i].role == SF_TASK_LOCKER && f->ev[i].kind == SF_EV_LOCKOP;
		nfault += f->ev[i].role == SF_TASK_LOCKER && f->ev[i].kind == SF_EV_FAULT;
	}
	/* a locker does one kind of operation: mmap_lock ops, or anonymous faults */
	out->locker_kind = nop >= nfault ? SF_EV_LOCKOP : SF_EV_FAULT;
	role_dist(f, SF_TASK_FAULTER, SF_EV_FAULT, Q_HOLD_MMAP, v, &out->hold[SF_LOCK_MMAP]);
	role_dist(f, SF_TASK_FAULTER, SF_EV_FAULT, Q_HOLD_VMA, v, &out->hold[SF_LOCK_VMA]);
	role_dist(f, SF_TASK_FAULTER, SF_EV_FAULT, Q_FAULT, v, &out->fault);
	role_dist(f, SF_TASK_LOCKER, out->locker_kind, Q_WAIT, v, &out->wait);
	role_dist(f, SF_TASK_LOCKER, out->locker_kind, Q_OP, v, &out->op);
	free(v);
	return true;
}

static const char *const lock_keys[SF_LOCK_N] = { "mmap_lock_hold", "vma_lock_hold" };

static json_object *dist_json(const struct sf_attrib_dist *d)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "n", json_object_new_int64((int64_t)d->n));
	json_object_object_add(o, "p50_us", num(d->p50));
	json_object_object_add(o, "p99_us", num(d->p99));
	json_object_object_add(o, "mean_us", num(d->mean));
	return o;
}

json_object *sf_attrib_roles_json(const struct sf_attrib_roles *r)
{
	json_object *o = json_object_new_object(), *fo = json_object_new_object();
	json_object *lo = json_object_new_object();

	for (int l = 0; l < SF_LOCK_N; l++)
		json_object_object_add(fo, lock_keys[l], dist_json(&r->hold[l]));
	json_object_object_add(fo, "fault", dist_json(&r->fault));
	json_object_object_add(lo, "kind", json_object_new_string(sf_ev_kind_name(r->locker_kind)));
	json_object_object_add(lo, "lock_wait", dist_json(&r->wait));
	json_object_object_add(lo, "op", dist_json(&r->op));
	json_object_object_add(o, "faulter", fo);
	json_object_object_add(o, "locker", lo);
	return o;
}

static void dist_get(json_object *parent, const char *key, struct sf_attrib_dist *d)
{
	json_object *o;

	d->n = 0;
	d->p50 = d->p99 = d->mean = NAN;
	if (!parent || !json_object_object_get_ex(parent, key, &o) || !o)
		return;
	d->n = (size_t)jdouble(o, "n");
	d->p50 = jdouble(o, "p50_us");
	d->p99 = jdouble(o, "p99_us");
	d->mean = jdouble(o, "mean_us");
}

bool sf_attrib_roles_get(json_object *attribution, struct sf_attrib_roles *out)
{
	json_object *r, *fo = NULL, *lo = NULL, *k;

	memset(out, 0, sizeof(*out));
	if (!attribution || !json_object_object_get_ex(attribution, "roles", &r) || !r)
		return false;
	json_object_object_get_ex(r, "faulter", &fo);
	json_object_object_get_ex(r, "locker", &lo);
	for (int l = 0; l < SF_LOCK_N; l++)
		dist_get(fo, lock_keys[l], &out->hold[l]);
	dist_get(fo, "fault", &out->fault);
	dist_get(lo, "lock_wait", &out->wait);
	dist_get(lo, "op", &out->op);
	out->locker_kind = lo && json_object_object_get_ex(lo, "kind", &k) &&
			   !strcmp(json_object_get_string(k), "fault") ? SF_EV_FAULT : SF_EV_LOCKOP;
	return true;
}

/* "1.2 ms" / "35.1 us" */
static void fmt_us(double us, char *buf, size_t len)
{
	if (!isfinite(us))
		snprintf(buf, len, "-");
	else if (us >= 1000)
		snprintf(buf, len, "%.2f ms", us / 1000);
	else
		snprintf(buf, len, "%.1f us", us);
}

static void dist_words(const struct sf_attrib_dist *d, char *buf, size_t len)
{
	char a[24], b[24], c[24];

	fmt_us(d->p50, a, sizeof(a));
	fmt_us(d->p99, b, sizeof(b));
	fmt_us(d->mean, c, sizeof(c));
	snprintf(buf, len, "%s (p50; p99 %s, mean %s)", a, b, c);
}

void sf_attrib_roles_lines(const struct sf_attrib_roles *r, const char *indent, FILE *f)
{
	char w[96];

	if (r->fault.n) {
		dist_words(&r->hold[SF_LOCK_MMAP], w, sizeof(w));
		fprintf(f, "%sfaulters hold mmap_lock %s per fault, over %zu faults\n", indent, w,
			r->fault.n);
		if (r->hold[SF_LOCK_VMA].mean > 0) {
			dist_words(&r->hold[SF_LOCK_VMA], w, sizeof(w));
			fprintf(f, "%s  and the per-VMA lock %s per fault (its try before the retry under mmap_lock)\n",
				indent, w);
		}
	} else {
		fprintf(f, "%sfaulters: no fault traced in the loaded interval\n", indent);
	}
	if (r->op.n) {
		dist_words(&r->wait, w, sizeof(w));
		fprintf(f, "%slockers wait %s per %s, over %zu\n", indent, w,
			r->locker_kind == SF_EV_FAULT ? "anonymous fault for its lock (mmap_lock or per-VMA)" :
			"operation for mmap_lock (write)", r->op.n);
	} else {
		fprintf(f, "%slockers: no operation traced in the loaded interval\n", indent);
	}
}

/* "16.3 ms -> 3.38 ms (p50; mean 20.0 ms -> 7.80 ms)" */
static int dist_change(const struct sf_attrib_dist *b, const struct sf_attrib_dist *n,
		       char *buf, size_t len)
{
	char b50[24], n50[24], bm[24], nm[24];

	fmt_us(b->p50, b50, sizeof(b50));
	fmt_us(n->p50, n50, sizeof(n50));
	fmt_us(b->mean, bm, sizeof(bm));
	fmt_us(n->mean, nm, sizeof(nm));
	return snprintf(buf, len, "%s -> %s (p50; mean %s -> %s)", b50, n50, bm, nm);
}

void sf_attrib_roles_delta_line(const struct sf_attrib_roles *b, const struct sf_attrib_roles *n,
				char *buf, size_t len)
{
	size_t off = 0;
	int w;

	buf[0] = '\0';
	if (b->fault.n && n->fault.n) {
		w = snprintf(buf, len, "faulter's mmap_lock hold per fault ");
		off += w > 0 ? (size_t)w : 0;
		if (off < len) {
			w = dist_change(&b->hold[SF_LOCK_MMAP], &n->hold[SF_LOCK_MMAP], buf + off, len - off);
			off += w > 0 ? (size_t)w : 0;
		}
	}
	if (b->op.n && n->op.n && off < len) {
		w = snprintf(buf + off, len - off, "%slocker's wait per %s ", off ? "; " : "",
			     n->locker_kind == SF_EV_FAULT ? "fault" : "operation");
		off += w > 0 ? (size_t)w : 0;
		if (off < len)
			dist_change(&b->wait, &n->wait, buf + off, len - off);
	}
}

void sf_attrib_phase_line(const struct sf_attrib_kind *k, char *buf, size_t len)
{
	int order[SF_PH_N], n = 0;
	size_t off = 0;

	for (int p = 0; p < SF_PH_N; p++)
		if (k->mapped[p] && (k->share[p] >= 0.005 || p == SF_PH_OTHER))
			order[n++] = p;
	/* largest share first; other last */
	for (int i = 0; i < n; i++)
		for (int j = i + 1; j < n; j++)
			if (order[i] == SF_PH_OTHER || (order[j] != SF_PH_OTHER && k->share[order[j]] > k->share[order[i]])) {
				int t = order[i];

				order[i] = order[j];
				order[j] = t;
			}
	buf[0] = '\0';
	for (int i = 0; i < n && off < len; i++) {
		int w = snprintf(buf + off, len - off, "%s%.0f%% %s", i ? ", " : "",
				 100 * k->share[order[i]], sf_phase_name(order[i]));

		off += w > 0 ? (size_t)w : 0;
	}
}

static json_object *num(double v)
{
	return isfinite(v) ? json_object_new_double(round(v * 1000) / 1000) : NULL;
}

/* Shares to 1e-6, so that phases add up to their event. */
static json_object *share(double v)
{
	return isfinite(v) ? json_object_new_double(round(v * 1e6) / 1e6) : NULL;
}

json_object *sf_attrib_kind_json(const struct sf_attrib_kind *k)
{
	json_object *o = json_object_new_object(), *ph = json_object_new_object();

	json_object_object_add(o, "events", json_object_new_int64((int64_t)k->n));
	json_object_object_add(o, "total_p50_us", num(k->total_p50));
	json_object_object_add(o, "total_p99_us", num(k->total_p99));
	json_object_object_add(o, "coverage", num(k->coverage));
	json_object_object_add(o, "mid_events", json_object_new_int64((int64_t)k->nmid));
	for (int p = 0; p < SF_PH_N; p++) {
		json_object *po;

		if (!k->mapped[p]) {
			/* no function for it on this kernel and filesystem: not zero, unknown */
			json_object_object_add(ph, phase_names[p], NULL);
			continue;
		}
		po = json_object_new_object();
		json_object_object_add(po, "share", share(k->share[p]));
		json_object_object_add(po, "p50_us", num(k->p50[p]));
		json_object_object_add(po, "p99_us", num(k->p99[p]));
		json_object_object_add(po, "mid_us", num(k->mid_us[p]));
		json_object_object_add(po, "mid_ci95_us", num(k->mid_ci_us[p]));
		json_object_object_add(ph, phase_names[p], po);
	}
	json_object_object_add(o, "phases", ph);
	return o;
}

/* ---- the run summary ---- */

static double jdouble(json_object *o, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(o, key, &v) && v ? json_object_get_double(v) : NAN;
}

/* A kind's facts back from its JSON (what the summary and report print). */
static void kind_from_json(json_object *ko, int kind, struct sf_attrib_kind *k)
{
	json_object *ph, *po;

	memset(k, 0, sizeof(*k));
	k->kind = kind;
	k->n = (size_t)jdouble(ko, "events");
	k->total_p50 = jdouble(ko, "total_p50_us");
	k->total_p99 = jdouble(ko, "total_p99_us");
	k->coverage = jdouble(ko, "coverage");
	k->nmid = isfinite(jdouble(ko, "mid_events")) ? (size_t)jdouble(ko, "mid_events") : 0;
	for (int p = 0; p < SF_PH_N; p++)
		k->mid_us[p] = k->mid_ci_us[p] = NAN;
	if (!json_object_object_get_ex(ko, "phases", &ph))
		return;
	for (int p = 0; p < SF_PH_N; p++) {
		if (!json_object_object_get_ex(ph, phase_names[p], &po) || !po)
			continue;
		k->mid_us[p] = jdouble(po, "mid_us");
		k->mid_ci_us[p] = jdouble(po, "mid_ci95_us");
		k->mapped[p] = true;
		k->share[p] = jdouble(po, "share");
		k->p50[p] = jdouble(po, "p50_us");
		k->p99[p] = jdouble(po, "p99_us");
	}
}

int sf_attrib_kinds(json_object *attribution, struct sf_attrib_kind *out)
{
	json_object *ev, *ko;
	int n = 0;

	if (!attribution || !json_object_object_get_ex(attribution, "events", &ev))
		return 0;
	for (int k = 0; k < SF_EV_NKINDS; k++)
		if (json_object_object_get_ex(ev, kind_names[k], &ko) && ko)
			kind_from_json(ko, k, &out[n++]);
	return n;
}

/* "mapsync hole fault": the point's mode-like parameters, then the event. */
static void point_label(const struct sf_result *r, int kind, char *buf, size_t len)
{
	static const char *const keys[] = { "mode", "class", "pattern", "batch", "size", NULL };
	size_t off = 0;

	buf[0] = '\0';
	for (int i = 0; keys[i] && off < len; i++) {
		const char *v = sf_result_param(r, keys[i]);
		int w;

		if (!v || (!strcmp(keys[i], "size") && !strcmp(v, "4k")))
			continue;
		w = snprintf(buf + off, len - off, !strcmp(keys[i], "batch") ? "batch %s " : "%s ", v);
		off += w > 0 ? (size_t)w : 0;
	}
	if (off < len)
		snprintf(buf + off, len - off, "%s", kind_names[kind]);
}

/* A sync call persists a batch: its phases per update, for batch against batch. */
static void print_per_update(const struct sf_result *r, const struct sf_attrib_kind *k, FILE *f)
{
	const char *b = sf_result_param(r, "batch");
	double batch = b ? atof(b) : 0;
	size_t off = 0;
	char line[256];

	if (k->kind == SF_EV_FAULT || batch < 1)
		return;
	line[0] = '\0';
	for (int p = 0; p < SF_PH_N && off < sizeof(line); p++) {
		int w;

		if (!k->mapped[p] || k->share[p] < 0.005)
			continue;
		w = snprintf(line + off, sizeof(line) - off, "%s%s %.1f us", off ? ", " : "",
			     sf_phase_name(p), k->share[p] * k->total_p50 / batch);
		off += w > 0 ? (size_t)w : 0;
	}
	fprintf(f, "    per update (median call / batch %.0f): %s\n", batch, line);
}

static void print_kind(const struct sf_result *r, const struct sf_attrib_kind *k,
		       double cov_min, FILE *f)
{
	char label[128], line[512];

	point_label(r, k->kind, label, sizeof(label));
	sf_attrib_phase_line(k, line, sizeof(line));
	fprintf(f, "  attribution %s: %s\n", label, line);
	fprintf(f, "    %zu traced events, median %.1f us (p99 %.1f us); coverage %.2f%s\n",
		k->n, k->total_p50, k->total_p99, k->coverage,
		k->coverage >= cov_min ? "" : " < 0.9: the named phases do not explain the traced time");
	print_per_update(r, k, f);
}

void sf_attrib_print(const struct sf_result *r, FILE *f)
{
	json_object *a = r->attribution, *v, *s;
	struct sf_attrib_kind k[SF_EV_NKINDS];
	struct sf_attrib_roles roles;
	const char *status;
	int n;

	if (!a)
		return;
	status = json_object_object_get_ex(a, "status", &v) ? json_object_get_string(v) : "?";
	if (strcmp(status, "ok")) {
		fprintf(f, "  attribution: %s: %s\n", status,
			json_object_object_get_ex(a, "reason", &v) ? json_object_get_string(v) : "?");
		return;
	}
	n = sf_attrib_kinds(a, k);
	for (int i = 0; i < n; i++)
		print_kind(r, &k[i], jdouble(a, "coverage_min"), f);
	if (json_object_object_get_ex(a, "traced_vs_untraced", &s) && isfinite(jdouble(s, "slowdown")))
		fprintf(f, "    traced repeat (not in the metrics): %s median %.2fx the untraced one\n",
			json_object_object_get_ex(s, "metric", &v) ? json_object_get_string(v) : "?",
			jdouble(s, "slowdown"));
	if (sf_attrib_roles_get(a, &roles))
		sf_attrib_roles_lines(&roles, "    ", f);
	if (jdouble(a, "vma_lock_retries") > 0)
		fprintf(f, "    %.0f faults were tried under the per-VMA lock and retried under mmap_lock: one event each, both tries in it\n",
			jdouble(a, "vma_lock_retries"));
	if (jdouble(a, "dropped_events") > 0)
		fprintf(f, "    %.0f events left out: their nesting was garbled when the task moved to another CPU\n",
			jdouble(a, "dropped_events"));
	if (jdouble(a, "lost_events") > 0)
		fprintf(f, "    WARNING: the ring buffer lost %.0f events: some events are missing\n",
			jdouble(a, "lost_events"));
}

/* ---- compare ---- */

bool sf_attrib_diff(const struct sf_attrib_kind *b, const struct sf_attrib_kind *n,
		    double threshold, struct sf_attrib_delta *out)
{
	memset(out, 0, sizeof(*out));
	if (b->kind != n->kind || !b->n || !n->n || !(b->total_p50 > 0))
		return false;
	out->kind = b->kind;
	out->base_us = b->total_p50;
	out->new_us = n->total_p50;
	out->threshold = threshold;
	out->intervals = b->nmid > 1 && n->nmid > 1;
	for (int p = 0; p < SF_PH_N && out->intervals; p++)
		if (b->mapped[p] && n->mapped[p] &&
		    !(isfinite(b->mid_ci_us[p]) && isfinite(n->mid_ci_us[p])))
			out->intervals = false;	/* one side from before intervals */
	for (int p = 0; p < SF_PH_N; p++) {
		bool moved;

		out->base_phase_us[p] = b->share[p] * b->total_p50;
		out->new_phase_us[p] = n->share[p] * n->total_p50;
		out->ci_us[p] = NAN;
		if (!b->mapped[p] || !n->mapped[p])
			continue;
		if (out->intervals) {
			out->base_phase_us[p] = b->mid_us[p];
			out->new_phase_us[p] = n->mid_us[p];
			out->ci_us[p] = hypot(b->mid_ci_us[p], n->mid_ci_us[p]);
		}
		moved = fabs(out->new_phase_us[p] - out->base_phase_us[p]) >= threshold * b->total_p50;
		if (out->intervals)
			moved = moved && fabs(out->new_phase_us[p] - out->base_phase_us[p]) > out->ci_us[p];
		if (moved)
			out->phase[out->n++] = p;
		else
			out->nsame++;
	}
	for (int i = 0; i < out->n; i++)
		for (int j = i + 1; j < out->n; j++) {
			int a = out->phase[i], c = out->phase[j];

			if (fabs(out->new_phase_us[c] - out->base_phase_us[c]) >
			    fabs(out->new_phase_us[a] - out->base_phase_us[a])) {
				out->phase[i] = c;
				out->phase[j] = a;
			}
		}
	return true;
}

void sf_attrib_delta_line(const struct sf_attrib_delta *d, char *buf, size_t len)
{
	size_t off = 0;
	int w;

	buf[0] = '\0';
	for (int i = 0; i < d->n && off < len; i++) {
		int p = d->phase[i];
		double delta = d->new_phase_us[p] - d->base_phase_us[p];

		w = snprintf(buf + off, len - off, "%s%s %+.*f us", i ? ", " : "", sf_phase_name(p),
			     fabs(delta) < 10 ? 1 : 0, delta);
		off += w > 0 ? (size_t)w : 0;
		if (d->intervals && off < len) {
			w = snprintf(buf + off, len - off, " (+-%.*f)", d->ci_us[p] < 10 ? 1 : 0, d->ci_us[p]);
			off += w > 0 ? (size_t)w : 0;
		}
	}
	if (off < len && d->nsame && d->intervals)
		snprintf(buf + off, len - off, "%s%s within noise (95%% interval, or under %.0f%% of the event)",
			 d->n ? "; " : "", d->n ? "other phases" : "every phase", 100 * d->threshold);
	else if (off < len && d->nsame)
		snprintf(buf + off, len - off, "%s%s within %.0f%% of the event", d->n ? "; " : "",
			 d->n ? "other phases" : "every phase", 100 * d->threshold);
}
