/* SPDX-License-Identifier: MIT */
/*
 * The phase map: which kernel functions are the events (a fault, a sync
 * call) and which are the phases their time is split into, per filesystem
 * and kernel version.  ONE table (attrib_table.c); `syncfault kernel
 * check-phases` checks it against what a kernel can trace.
 */
#ifndef SF_ATTRIB_MAP_H
#define SF_ATTRIB_MAP_H

#include <stdbool.h>
#include <stddef.h>

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

/* The built-in table, every row (attrib_table.c). */
const struct sf_phase_fn *sf_attrib_table(size_t *n);

const char *sf_phase_name(int phase);
const char *sf_ev_kind_name(int kind);
const char *sf_task_role_name(int role);
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

#endif
