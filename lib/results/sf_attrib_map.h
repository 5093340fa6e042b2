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

/*
 * The phases, in the order of a fault's path through the kernel.  Each is
 * the time inside its functions (attrib_table.c), less the time of mapped
 * functions nested in them: the innermost mapped function wins.
 */
enum sf_phase {
	SF_PH_VMA_LOCK,		/* lock_vma_under_rcu: VMA lookup and per-VMA lock trylock */
	SF_PH_VMA_RETRY,	/* a whole try under the per-VMA lock that was retried under mmap_lock */
	SF_PH_MMAP_LOCK,	/* taking mmap_lock (and finding the VMA): fault, msync, lockers */
	SF_PH_LOCK_WAIT,	/* sleeping on a contended rwsem (rwsem_down_*_slowpath) */
	SF_PH_HANDLER,		/* the filesystem's DAX fault handler outside the rows below */
	SF_PH_INVAL_LOCK,	/* the mapping's invalidate_lock (xfs: MMAPLOCK) around the fault */
	SF_PH_TIME,		/* file_update_time: mtime/ctime, dirtying the inode */
	SF_PH_HANDLE,		/* journal handle start/stop (ext4/jbd2), transaction alloc/commit (xfs) */
	SF_PH_DAX,		/* fs/dax.c's fault core: iomap iteration, checks, outside the rows below */
	SF_PH_LOOKUP,		/* the filesystem's block-map lookup (iomap_begin outside allocation) */
	SF_PH_ALLOC,		/* block allocation and extent-map update, unwritten conversion */
	SF_PH_ZERO,		/* zeroing newly allocated blocks */
	SF_PH_ENTRY_WAIT,	/* sleeping for a DAX entry another task holds locked */
	SF_PH_ENTRY,		/* the DAX entry: lookup, lock, pfn, insert into the mapping, unlock */
	SF_PH_INSERT,		/* page-table insert: PTE or PMD, and the table pages it needs */
	SF_PH_SYNC,		/* MAP_SYNC: dax_finish_sync_fault outside the fsync and the insert */
	SF_PH_FSYNC,		/* the filesystem's fsync outside writeback, commit and flush */
	SF_PH_WRITEBACK,	/* writeback of dirty DAX entries: cache flush of data */
	SF_PH_JOURNAL,		/* journal commit (jbd2) / log force (xfs), its wait, device flush */
	SF_PH_OTHER,		/* the rest of the event: no named function */
	SF_PH_N
};

/*
 * The version of the phase set and what its names mean; a result records
 * it, and compare does not set phases of different versions side by side.
 * 1: the first map (one lock phase, allocation with lookup); 2: this one.
 */
#define SF_ATTRIB_MAP_VERSION	2

/* What a traced function is to the folding. */
enum sf_fn_role {
	SF_ROLE_PHASE,		/* time inside it belongs to .phase */
	SF_ROLE_ROOT,		/* an event of .kind starts and ends with it */
	SF_ROLE_PREFIX,		/* taken just before a fault root, part of it (.phase) */
	SF_ROLE_PREFIX_VMA,	/* the per-VMA lock: a fault under it may be retried under mmap_lock */
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
	const char *within;	/* only where the nearest traced caller is this function; NULL: anywhere */
	const char *why;	/* the source it was read from: function, file:line */
};

#define SF_ATTRIB_MAX_FNS	96

/* The rows that apply to one filesystem and kernel. */
struct sf_attrib_map {
	int n;
	struct sf_phase_fn fn[SF_ATTRIB_MAX_FNS];
	char names[SF_ATTRIB_MAX_FNS][64];	/* owned copies of user rows */
};

/* The built-in table, every row (attrib_table.c). */
const struct sf_phase_fn *sf_attrib_table(size_t *n);

const char *sf_phase_name(int phase);
/* The phase's key for --attribute-fn ("allocation", "lock-wait", ...). */
const char *sf_phase_key(int phase);
const char *sf_ev_kind_name(int kind);
const char *sf_task_role_name(int role);
/* "allocation" or "lock-wait" (a name or a key) -> its phase; -1 if unknown. */
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
/* True when some row feeds phase (the map can see it on this kernel). */
bool sf_attrib_map_has_phase(const struct sf_attrib_map *m, int phase);
/*
 * The row for a traced function: name as traced ("f [ext4]", "f.isra.0"),
 * parent the nearest traced caller's (NULL at the top), in a task of
 * task_role.  -1 when no row applies.
 */
int sf_attrib_map_row(const struct sf_attrib_map *m, const char *name, size_t len,
		      const char *parent, int task_role);

#endif
