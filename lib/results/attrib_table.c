// SPDX-License-Identifier: MIT
/*
 * The phase map's table: every row, with the kernel source it was read
 * from (Debian's linux-source-6.12 6.12.118 and linux-source-6.1 6.1.192;
 * "6.12: file:line" names the first, "6.1:" the second) and checked in a
 * full function_graph trace of each fault class and sync mode in the guest
 * on both kernels.  `syncfault kernel check-phases SPEC` checks that every
 * row that applies to a kernel is traceable there.
 *
 * A fault, as do_user_addr_fault (6.12: arch/x86/mm/fault.c:1327-1387)
 * takes it: lock_vma_under_rcu finds the VMA under RCU and try-locks it
 * (vma_start_read, include/linux/mm.h:692: down_read_trylock, never a
 * wait, never mmap_lock); handle_mm_fault runs under that lock; if it
 * returns VM_FAULT_RETRY (ext4's DAX vm_ops have no ->map_pages, so
 * vmf_can_call_fault, mm/memory.c:3279, refuses 4 KiB faults) the fault is
 * taken again under mmap_lock: lock_mm_and_find_vma (mm/memory.c:6211;
 * 6.1: 5378, the only path there), handle_mm_fault again.  Both tries are
 * one event here; the failed one is the phase "VMA-lock retry".
 */
#include "sf_attrib_map.h"

#define E4	SF_FS_EXT4
#define XF	SF_FS_XFS
#define ANY	SF_FS_ANY

#define ROW(f, role, ph, fs, w)		{ f, role, ph, fs, 0, 0, 0, NULL, w }
#define ROW_IN(f, ph, fs, in, w)	{ f, SF_ROLE_PHASE, ph, fs, 0, 0, 0, in, w }
#define ROW_V(f, role, ph, fs, since, until, w)	{ f, role, ph, fs, since, until, 0, NULL, w }
#define ROW_LOCKER(f, role, ph, w)	{ f, role, ph, ANY, 0, 0, SF_TASK_LOCKER, NULL, w }

static const struct sf_phase_fn phase_table[] = {
	/* events */
	ROW("handle_mm_fault", SF_ROLE_ROOT, SF_EV_FAULT, ANY,
	    "6.12: mm/memory.c:6080; 6.1: mm/memory.c:5263"),
	ROW("__x64_sys_msync", SF_ROLE_ROOT, SF_EV_MSYNC, ANY, "mm/msync.c:32 (6.12 and 6.1)"),
	ROW("__x64_sys_fsync", SF_ROLE_ROOT, SF_EV_FSYNC, ANY, "6.12: fs/sync.c:215; 6.1: 218"),
	ROW("__x64_sys_fdatasync", SF_ROLE_ROOT, SF_EV_FSYNC, ANY, "6.12: fs/sync.c:220; 6.1: 223"),

	/* the fault's lock, taken just before handle_mm_fault */
	ROW_V("lock_vma_under_rcu", SF_ROLE_PREFIX_VMA, SF_PH_VMA_LOCK, ANY, 604, 0,
	      "6.12: mm/memory.c:6273, called at arch/x86/mm/fault.c:1327; per-VMA locks came in 6.4"),
	ROW_V("lock_mm_and_find_vma", SF_ROLE_PREFIX, SF_PH_MMAP_LOCK, ANY, 601, 0,
	      "6.12: mm/memory.c:6211 (get_mmap_lock_carefully 6154: trylock, then mmap_read_lock_killable); 6.1: mm/memory.c:5378"),
	/* msync takes mmap_lock around its walk and again after each file's fsync */
	ROW_IN("down_read", SF_PH_MMAP_LOCK, ANY, "__x64_sys_msync",
	       "mmap_read_lock: mm/msync.c:62 and 100 (6.12 and 6.1)"),
	ROW_IN("find_vma", SF_PH_MMAP_LOCK, ANY, "__x64_sys_msync", "its VMA walk under it: mm/msync.c:63, 101, 107"),
	ROW_IN("up_read", SF_PH_MMAP_LOCK, ANY, "__x64_sys_msync", "mmap_read_unlock: mm/msync.c:95 and 111"),
	/* a contended rwsem, whichever: mmap_lock, invalidate_lock, i_data_sem, xfs's ilock */
	ROW("rwsem_down_read_slowpath", SF_ROLE_PHASE, SF_PH_LOCK_WAIT, ANY,
	    "6.12: kernel/locking/rwsem.c:994; 6.1: 1004"),
	ROW("rwsem_down_write_slowpath", SF_ROLE_PHASE, SF_PH_LOCK_WAIT, ANY,
	    "6.12: kernel/locking/rwsem.c:1105; 6.1: 1115"),

	/*
	 * The filesystem's DAX fault handler (sb_start_pagefault, the checks,
	 * the calls below), and the invalidate lock it takes around the DAX fault
	 */
	ROW("ext4_dax_huge_fault", SF_ROLE_PHASE, SF_PH_HANDLER, E4,
	    "6.12: fs/ext4/file.c:709 (.fault and .huge_fault of ext4_dax_vm_ops, 773); 6.1: 687"),
	ROW_IN("down_read", SF_PH_INVAL_LOCK, E4, "ext4_dax_huge_fault",
	       "filemap_invalidate_lock_shared: 6.12: fs/ext4/file.c:737, 747; 6.1: 716, 726"),
	ROW_IN("up_read", SF_PH_INVAL_LOCK, E4, "ext4_dax_huge_fault",
	       "filemap_invalidate_unlock_shared: 6.12: fs/ext4/file.c:759, 762; 6.1: 738, 741"),
	ROW("__xfs_filemap_fault", SF_ROLE_PHASE, SF_PH_HANDLER, XF,
	    "6.12: fs/xfs/xfs_file.c:1489 (xfs_write_fault, 1444, inlined in it); 6.1: 1338"),
	ROW_IN("xfs_ilock", SF_PH_INVAL_LOCK, XF, "__xfs_filemap_fault",
	       "XFS_MMAPLOCK_SHARED, the mapping's invalidate_lock: 6.12: fs/xfs/xfs_file.c:1436, 1461; 6.1: 1356"),
	ROW_IN("xfs_iunlock", SF_PH_INVAL_LOCK, XF, "__xfs_filemap_fault",
	       "6.12: fs/xfs/xfs_file.c:1438, 1472; 6.1: 1371"),

	/* mtime/ctime: ext4_dirty_inode or xfs_vn_update_time, a journal handle inside */
	ROW("file_update_time", SF_ROLE_PHASE, SF_PH_TIME, ANY,
	    "6.12: fs/inode.c:2274, from fs/ext4/file.c:736 and fs/xfs/xfs_file.c:1453; 6.1: fs/inode.c:2166"),

	/* journal handles: the fault's own, the allocation's, the time update's */
	ROW("__ext4_journal_start_sb", SF_ROLE_PHASE, SF_PH_HANDLE, E4,
	    "6.12: fs/ext4/ext4_jbd2.c:90 (jbd2__journal_start); 6.1: 89"),
	ROW("__ext4_journal_stop", SF_ROLE_PHASE, SF_PH_HANDLE, E4,
	    "6.12: fs/ext4/ext4_jbd2.c:116 (jbd2_journal_stop); 6.1: 109"),
	ROW("xfs_trans_alloc", SF_ROLE_PHASE, SF_PH_HANDLE, XF, "6.12: fs/xfs/xfs_trans.c:244; 6.1: 243"),
	ROW("xfs_trans_alloc_inode", SF_ROLE_PHASE, SF_PH_HANDLE, XF,
	    "6.12: fs/xfs/xfs_trans.c:1058 (xfs_trans_alloc, ILOCK, quota); 6.1: 1176"),
	ROW("xfs_trans_commit", SF_ROLE_PHASE, SF_PH_HANDLE, XF, "6.12: fs/xfs/xfs_trans.c:913; 6.1: 1045"),

	/*
	 * fs/dax.c's fault core, called by both filesystems' handlers with
	 * their iomap ops: dax_iomap_pte_fault / dax_iomap_pmd_fault, the
	 * iomap_iter loop (->iomap_begin, ->iomap_end), dax_fault_iter
	 */
	ROW("dax_iomap_fault", SF_ROLE_PHASE, SF_PH_DAX, ANY,
	    "6.12: fs/dax.c:1922 (pte 1712, pmd 1822, dax_fault_iter 1657); 6.1: 1870"),

	/* the block map: lookup (all of iomap_begin but the rows below), then allocation */
	ROW("ext4_iomap_begin", SF_ROLE_PHASE, SF_PH_LOOKUP, E4,
	    "6.12: fs/ext4/inode.c:3411 (lookup 3439, ext4_iomap_alloc 3443); 6.1: 3461"),
	ROW("xfs_direct_write_iomap_begin", SF_ROLE_PHASE, SF_PH_LOOKUP, XF,
	    "the .iomap_begin of xfs_dax_write_iomap_ops: 6.12: fs/xfs/xfs_iomap.c:959, 773; 6.1: 926, 758"),
	ROW("xfs_read_iomap_begin", SF_ROLE_PHASE, SF_PH_LOOKUP, XF,
	    "read faults: 6.12: fs/xfs/xfs_iomap.c:1279; 6.1: 1229"),
	ROW("ext4_mb_new_blocks", SF_ROLE_PHASE, SF_PH_ALLOC, E4,
	    "the block allocator: 6.12: fs/ext4/mballoc.c:6219; 6.1: 5708"),
	ROW("ext4_ext_insert_extent", SF_ROLE_PHASE, SF_PH_ALLOC, E4,
	    "6.12: fs/ext4/extents.c:1995; 6.1: 1985"),
	ROW("__ext4_ext_dirty", SF_ROLE_PHASE, SF_PH_ALLOC, E4,
	    "extent-tree update, the unwritten conversion's: 6.12: fs/ext4/extents.c:195; 6.1: 185"),
	ROW("ext4_split_convert_extents", SF_ROLE_PHASE, SF_PH_ALLOC, E4,
	    "6.12: fs/ext4/extents.c:3753; 6.1: 3701"),
	ROW("xfs_bmapi_write", SF_ROLE_PHASE, SF_PH_ALLOC, XF,
	    "6.12: fs/xfs/libxfs/xfs_bmap.c:4385 (from xfs_iomap_write_direct, xfs_iomap.c:241); 6.1: 4338"),
	ROW("ext4_issue_zeroout", SF_ROLE_PHASE, SF_PH_ZERO, E4,
	    "6.12: fs/ext4/inode.c:405, from ext4_map_create_blocks 553 (EXT4_GET_BLOCKS_ZERO); 6.1: 426"),
	ROW("xfs_zero_extent", SF_ROLE_PHASE, SF_PH_ZERO, XF, "6.12: fs/xfs/xfs_bmap_util.c:56; 6.1: 55"),

	/* the DAX entry in the mapping's xarray, and the wait for it */
	ROW("grab_mapping_entry", SF_ROLE_PHASE, SF_PH_ENTRY, ANY, "6.12: fs/dax.c:573; 6.1: 581"),
	ROW("get_unlocked_entry", SF_ROLE_PHASE, SF_PH_ENTRY, ANY,
	    "6.12: fs/dax.c:209, from grab_mapping_entry 583 and dax_insert_pfn_mkwrite 1952; 6.1: 223"),
	ROW_IN("schedule", SF_PH_ENTRY_WAIT, ANY, "get_unlocked_entry",
	       "asleep for a locked entry: 6.12: fs/dax.c:232; 6.1: 246"),
	ROW("dax_iomap_direct_access", SF_ROLE_PHASE, SF_PH_ENTRY, ANY, "the block's pfn: 6.12: fs/dax.c:1066; 6.1: 1052"),
	ROW("dax_insert_entry", SF_ROLE_PHASE, SF_PH_ENTRY, ANY, "6.12: fs/dax.c:869; 6.1: 856"),
	ROW("dax_unlock_entry", SF_ROLE_PHASE, SF_PH_ENTRY, ANY, "6.12: fs/dax.c:276; 6.1: 290"),

	/* the page table */
	ROW("vmf_insert_mixed_mkwrite", SF_ROLE_PHASE, SF_PH_INSERT, ANY,
	    "write faults and MAP_SYNC's insert: 6.12: mm/memory.c:2533; 6.1: 2377"),
	ROW("vmf_insert_mixed", SF_ROLE_PHASE, SF_PH_INSERT, ANY, "6.12: mm/memory.c:2521; 6.1: 2365"),
	ROW_V("vmf_insert_pfn_pmd_prot", SF_ROLE_PHASE, SF_PH_INSERT, ANY, 0, 603,
	      "6.1: mm/huge_memory.c:919 (6.1's vmf_insert_pfn_pmd is an inline wrapper of it)"),
	ROW_V("vmf_insert_pfn_pmd", SF_ROLE_PHASE, SF_PH_INSERT, ANY, 603, 0, "6.12: mm/huge_memory.c:1448"),
	ROW("__pud_alloc", SF_ROLE_PHASE, SF_PH_INSERT, ANY, "6.12: mm/memory.c:6346; 6.1: 5462"),
	ROW("__pmd_alloc", SF_ROLE_PHASE, SF_PH_INSERT, ANY, "6.12: mm/memory.c:6369; 6.1: 5485"),
	ROW("__pte_alloc", SF_ROLE_PHASE, SF_PH_INSERT, ANY, "6.12: mm/memory.c:447; 6.1: 466"),

	/* MAP_SYNC: the fault's fsync, then the insert it deferred (dax_insert_pfn_mkwrite, inlined) */
	ROW("dax_finish_sync_fault", SF_ROLE_PHASE, SF_PH_SYNC, ANY,
	    "6.12: fs/dax.c:1988, from fs/ext4/file.c:758 and fs/xfs/xfs_file.c:1423; 6.1: fs/dax.c:1938"),
	ROW("vfs_fsync_range", SF_ROLE_PHASE, SF_PH_FSYNC, ANY,
	    "6.12: fs/sync.c:179 (ext4_sync_file, fs/ext4/fsync.c:141; xfs_file_fsync, fs/xfs/xfs_file.c:125); 6.1: 180"),
	ROW("file_write_and_wait_range", SF_ROLE_PHASE, SF_PH_WRITEBACK, ANY,
	    "6.12: mm/filemap.c:770, from fs/ext4/fsync.c:170, fs/xfs/xfs_file.c:138; 6.1: 768"),
	ROW("dax_writeback_mapping_range", SF_ROLE_PHASE, SF_PH_WRITEBACK, ANY, "6.12: fs/dax.c:1025; 6.1: 1011"),

	/* journal commit and its wait, the device flush */
	ROW("ext4_fc_commit", SF_ROLE_PHASE, SF_PH_JOURNAL, E4,
	    "6.12: fs/ext4/fast_commit.c:1205, from ext4_fsync_journal fs/ext4/fsync.c:127; 6.1: 1227"),
	ROW("jbd2_complete_transaction", SF_ROLE_PHASE, SF_PH_JOURNAL, E4, "6.12: fs/jbd2/journal.c:785; 6.1: 826"),
	ROW("jbd2_journal_force_commit", SF_ROLE_PHASE, SF_PH_JOURNAL, E4, "6.12: fs/jbd2/journal.c:560; 6.1: 591"),
	ROW("xfs_log_force_seq", SF_ROLE_PHASE, SF_PH_JOURNAL, XF,
	    "6.12: fs/xfs/xfs_log.c:3087, from fs/xfs/xfs_file.c:113; 6.1: 3358"),
	ROW("xfs_log_force", SF_ROLE_PHASE, SF_PH_JOURNAL, XF, "6.12: fs/xfs/xfs_log.c:2909; 6.1: 3180"),
	ROW("blkdev_issue_flush", SF_ROLE_PHASE, SF_PH_JOURNAL, ANY,
	    "6.12: block/blk-flush.c:468, from fs/ext4/fsync.c:183; 6.1: 462"),

	/*
	 * Contention's lockers: their mmap_lock operations, and taking the
	 * write lock in them (mmap_write_lock_killable -> down_write_killable
	 * in mprotect, mmap and munmap alike; a contended take sleeps in
	 * rwsem_down_write_slowpath, the lock wait above); an anonymous-fault
	 * locker's wait is its fault's lock rows above.
	 */
	ROW_LOCKER("__x64_sys_mprotect", SF_ROLE_ROOT, SF_EV_LOCKOP, "mm/mprotect.c"),
	ROW_LOCKER("__x64_sys_mmap", SF_ROLE_ROOT, SF_EV_LOCKOP, "arch/x86/kernel/sys_x86_64.c"),
	ROW_LOCKER("__x64_sys_munmap", SF_ROLE_ROOT, SF_EV_LOCKOP, "mm/mmap.c"),
	ROW_LOCKER("down_write_killable", SF_ROLE_PHASE, SF_PH_MMAP_LOCK,
		   "6.12: kernel/locking/rwsem.c:1585"),
};

const struct sf_phase_fn *sf_attrib_table(size_t *n)
{
	*n = sizeof(phase_table) / sizeof(phase_table[0]);
	return phase_table;
}
