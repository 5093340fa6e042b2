// SPDX-License-Identifier: MIT
/*
 * The phase map's table: every row, with the kernel source it was read
 * from.  Rows apply by filesystem and kernel version; `syncfault kernel
 * check-phases SPEC` checks each against what that kernel can trace.
 */
#include "sf_attrib_map.h"

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

const struct sf_phase_fn *sf_attrib_table(size_t *n)
{
	*n = sizeof(phase_table) / sizeof(phase_table[0]);
	return phase_table;
}
