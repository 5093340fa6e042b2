// SPDX-License-Identifier: MIT
/*
 * Traces recorded in the guest with today's phase map (tests/attrib/, by
 * tests/attrib/record.sh: `run ... --attribute=trace` on Debian's
 * 6.1.0-57 and 6.12.118, ext4-dax and xfs-dax), folded with the map of
 * their kernel: one known answer worked out by hand from the lines, and
 * what the kernel source says each fault class and mode does.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sf_attrib.h"

/* cmocka's assert_float_equal compares floats: too coarse for 2632.549 us to 1e-6 */
static void near(double a, double b, double eps, int line)
{
	if (fabs(a - b) > eps)
		fail_msg("line %d: %.6f != %.6f", line, a, b);
}

#define assert_near(a, b, eps)	near((a), (b), (eps), __LINE__)

static char *read_fixture(const char *name)
{
	char path[1024];
	static char buf[1 << 17];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/tests/attrib/%s", SYNCFAULT_SOURCE_DIR, name);
	f = fopen(path, "r");
	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	assert_true(n < sizeof(buf) - 1);
	buf[n] = '\0';
	return buf;
}

/* Fold tests/attrib/FS-KVER-NAME.trace with its kernel's map; every microsecond counted once. */
static void fold(unsigned int fs, int kver, const char *name, bool roles, struct sf_attrib_map *m,
		 struct sf_fold *f)
{
	char file[128];

	snprintf(file, sizeof(file), "%s-%d.%d-%s.trace", fs == SF_FS_EXT4 ? "ext4" : "xfs",
		 kver / 100, kver % 100, name);
	sf_attrib_map_build(m, fs, kver, roles);
	assert_int_equal(sf_fold_trace(read_fixture(file), m, -1, f), 0);
	assert_int_equal(f->unparsed, 0);
	assert_int_equal(f->lost, 0);
	assert_true(f->markers);	/* the setup faults before the window are not events */
	assert_true(f->n > 0);
	for (size_t i = 0; i < f->n; i++) {
		double sum = 0;

		for (int p = 0; p < SF_PH_N; p++) {
			assert_true(f->ev[i].phase_us[p] >= -1e-6);
			sum += f->ev[i].phase_us[p];
		}
		assert_near(sum, f->ev[i].total_us, 1e-6);
	}
}

/* By hand from the first event's lines of ext4-6.12-mapsync-hole.trace. */
static void ext4_612_mapsync_hole_by_hand(void **state)
{
	struct sf_attrib_map m;
	struct sf_fold f;
	const struct sf_event *e;

	fold(SF_FS_EXT4, 612, "mapsync-hole", false, &m, &f);
	e = &f.ev[0];
	/* tried under the per-VMA lock, refused (vmf_can_call_fault: up_read), retried */
	assert_near(e->phase_us[SF_PH_VMA_RETRY], 1.083 + 2.716, 1e-6);
	assert_near(e->phase_us[SF_PH_MMAP_LOCK], 2.551, 1e-6);
	assert_near(e->total_us, 1.083 + 2.716 + 2.551 + 167.807, 1e-6);
	assert_near(e->phase_us[SF_PH_HANDLER],
			   165.713 - 6.537 - 0.772 - 1.182 - 48.670 - 1.061 - 100.949 - 0.754, 1e-6);
	assert_near(e->phase_us[SF_PH_TIME], 6.537 - 1.182 - 1.061, 1e-6);
	assert_near(e->phase_us[SF_PH_INVAL_LOCK], 0.772 + 0.754, 1e-6);
	assert_near(e->phase_us[SF_PH_HANDLE],
			   1.182 + 1.061 + 1.182 + 0.840 + 0.840 + 0.813 + 0.813 + 1.061, 1e-6);
	assert_near(e->phase_us[SF_PH_DAX], 48.670 - 2.702 - 38.239 - 0.936 - 1.043 - 0.951, 1e-6);
	/* i_data_sem (down_read/up_read under ext4_iomap_begin) is the block map's */
	assert_near(e->phase_us[SF_PH_LOOKUP], 38.239 - 0.840 - 18.057 - 4.196 - 3.995 - 0.813, 1e-6);
	assert_near(e->phase_us[SF_PH_ALLOC], 18.057 - 0.840 - 0.813 + 4.196, 1e-6);
	assert_near(e->phase_us[SF_PH_ZERO], 3.995, 1e-6);
	assert_near(e->phase_us[SF_PH_ENTRY], 2.702 + 0.936 + 1.043 + 0.951 + 0.835 + 0.951, 1e-6);
	assert_near(e->phase_us[SF_PH_SYNC], 100.949 - 93.740 - 0.835 - 1.597 - 0.951, 1e-6);
	assert_near(e->phase_us[SF_PH_FSYNC], 93.740 - 1.109 - 90.301, 1e-6);
	assert_near(e->phase_us[SF_PH_WRITEBACK], 1.109, 1e-6);
	assert_near(e->phase_us[SF_PH_JOURNAL], 90.301, 1e-6);
	assert_near(e->phase_us[SF_PH_INSERT], 1.597, 1e-6);
	assert_near(e->phase_us[SF_PH_OTHER], 167.807 - 165.713, 1e-6);
	assert_near(e->hold_us[SF_LOCK_VMA], 2.716, 1e-6);
	assert_near(e->hold_us[SF_LOCK_MMAP], 167.807, 1e-6);
	/* ext4's DAX vm_ops have no ->map_pages: every 4 KiB fault retried */
	assert_int_equal(f.retries, f.n);
	sf_fold_free(&f);
}

/*
 * MAP_SYNC on a hole, every kernel and filesystem: the fault allocates,
 * zeroes, commits the journal in dax_finish_sync_fault's fsync and only
 * then inserts the PTE (fs/dax.c dax_finish_sync_fault).  The per-VMA lock
 * exists on 6.12 only; xfs's faults complete under it (its vm_ops have
 * ->map_pages), ext4's are retried under mmap_lock.
 */
static void check_mapsync_hole(unsigned int fs, int kver)
{
	struct sf_attrib_map m;
	struct sf_attrib_kind k;
	struct sf_fold f;

	fold(fs, kver, "mapsync-hole", false, &m, &f);
	for (size_t i = 0; i < f.n; i++) {
		const struct sf_event *e = &f.ev[i];

		assert_true(e->phase_us[SF_PH_JOURNAL] > 0);
		assert_true(e->phase_us[SF_PH_ALLOC] > 0);
		assert_true(e->phase_us[SF_PH_ZERO] > 0);
		assert_true(e->phase_us[SF_PH_SYNC] > 0);
		assert_true(e->phase_us[SF_PH_INSERT] > 0);
		assert_true(e->phase_us[SF_PH_ENTRY] > 0);
		assert_true(e->phase_us[SF_PH_LOOKUP] > 0);
		assert_true(e->phase_us[SF_PH_TIME] > 0);
		assert_true(e->phase_us[SF_PH_INVAL_LOCK] > 0);
		assert_true(e->phase_us[SF_PH_VMA_RETRY] > 0 || !(fs == SF_FS_EXT4 && kver >= 604));
		assert_true(e->phase_us[SF_PH_VMA_LOCK] > 0 || !(fs == SF_FS_XFS && kver >= 604));
		assert_true(e->phase_us[SF_PH_MMAP_LOCK] > 0 || (fs == SF_FS_XFS && kver >= 604));
	}
	assert_int_equal(f.retries, fs == SF_FS_EXT4 && kver >= 604 ? f.n : 0);
	assert_int_equal(sf_attrib_map_has_phase(&m, SF_PH_VMA_LOCK), kver >= 604);
	assert_true(sf_attrib_aggregate(&f, &m, SF_EV_FAULT, &k));
	assert_true(k.coverage >= 0.9);
	for (int p = 0; p < SF_PH_N; p++)	/* the journal commit is the largest share */
		assert_true(p == SF_PH_JOURNAL || k.share[p] < k.share[SF_PH_JOURNAL]);
	sf_fold_free(&f);
}

static void mapsync_hole(void **state)
{
	check_mapsync_hole(SF_FS_EXT4, 601);
	check_mapsync_hole(SF_FS_EXT4, 612);
	check_mapsync_hole(SF_FS_XFS, 601);
	check_mapsync_hole(SF_FS_XFS, 612);
}

/*
 * MAP_SYNC on a written block of a synced file: nothing to allocate, zero
 * or commit; the iomap has no IOMAP_F_DIRTY (ext4_set_iomap: the inode's
 * datasync transaction is committed), so dax_fault_iter inserts at once,
 * no dax_finish_sync_fault.
 */
static void check_mapsync_written(unsigned int fs, int kver)
{
	struct sf_attrib_map m;
	struct sf_fold f;

	fold(fs, kver, "mapsync-written", false, &m, &f);
	for (size_t i = 0; i < f.n; i++) {
		const struct sf_event *e = &f.ev[i];

		assert_near(e->phase_us[SF_PH_JOURNAL], 0, 0);
		assert_near(e->phase_us[SF_PH_ALLOC], 0, 0);
		assert_near(e->phase_us[SF_PH_ZERO], 0, 0);
		assert_near(e->phase_us[SF_PH_SYNC], 0, 0);
		assert_near(e->phase_us[SF_PH_FSYNC], 0, 0);
		assert_true(e->phase_us[SF_PH_LOOKUP] > 0);
		assert_true(e->phase_us[SF_PH_INSERT] > 0);
	}
	sf_fold_free(&f);
}

static void mapsync_written(void **state)
{
	check_mapsync_written(SF_FS_EXT4, 601);
	check_mapsync_written(SF_FS_EXT4, 612);
	check_mapsync_written(SF_FS_XFS, 601);
	check_mapsync_written(SF_FS_XFS, 612);
}

/* A plain fault on an unwritten extent: converted and zeroed, no commit. */
static void check_none_unwritten(unsigned int fs, int kver)
{
	struct sf_attrib_map m;
	struct sf_fold f;

	fold(fs, kver, "none-unwritten", false, &m, &f);
	for (size_t i = 0; i < f.n; i++) {
		assert_near(f.ev[i].phase_us[SF_PH_JOURNAL], 0, 0);
		assert_near(f.ev[i].phase_us[SF_PH_SYNC], 0, 0);
		assert_true(f.ev[i].phase_us[SF_PH_ALLOC] > 0);
		assert_true(f.ev[i].phase_us[SF_PH_ZERO] > 0);
	}
	sf_fold_free(&f);
}

static void none_unwritten(void **state)
{
	check_none_unwritten(SF_FS_EXT4, 601);
	check_none_unwritten(SF_FS_EXT4, 612);
	check_none_unwritten(SF_FS_XFS, 601);
	check_none_unwritten(SF_FS_XFS, 612);
}

/* Lines of the first fault after "sf: begin" (through its second handle_mm_fault) that contain WHAT. */
static int first_fault_lines(const char *text, const char *what)
{
	const char *l = strstr(text, "sf: begin");
	int n = 0, closes = 0;

	assert_non_null(l);
	while ((l = strchr(l, '\n')) && closes < 2) {
		const char *end = strchr(++l, '\n');
		size_t len = end ? (size_t)(end - l) : strlen(l);
		char line[256];

		snprintf(line, sizeof(line), "%.*s", (int)len, l);
		n += strstr(line, what) != NULL;
		closes += strstr(line, "} /* handle_mm_fault */") != NULL;
	}
	return n;
}

/*
 * A 4 KiB write fault that finds its PMD empty (the first fault of
 * ext4-6.12-none-unwritten.trace: its insert allocates the page table,
 * __pte_alloc) is offered to ->huge_fault(PMD_ORDER) first
 * (__handle_mm_fault, 6.12: mm/memory.c:5910-5913; a DAX VMA passes
 * thp_vma_allowable_order in a fault whatever its size, mm/huge_memory.c:174):
 * ext4_dax_huge_fault updates the time and starts a handle before
 * dax_iomap_pmd_fault falls back (a dax_iomap_fault with no call below it:
 * dax_fault_check_fallback, fs/dax.c:1853).  The PTE fault is then refused
 * under the VMA lock and all of it is done again under mmap_lock: three
 * calls of the handler, two PMD tries, the first try's in "VMA-lock retry".
 */
static void pmd_try_retried(void **state)
{
	const char *text = read_fixture("ext4-6.12-none-unwritten.trace");
	struct sf_attrib_map m;
	struct sf_fold f;

	assert_int_equal(first_fault_lines(text, "handle_mm_fault() {"), 2);
	assert_int_equal(first_fault_lines(text, "ext4_dax_huge_fault [ext4]() {"), 3);
	assert_int_equal(first_fault_lines(text, "dax_iomap_fault();"), 2);
	assert_int_equal(first_fault_lines(text, "dax_iomap_fault() {"), 1);
	assert_int_equal(first_fault_lines(text, "__pte_alloc"), 1);
	fold(SF_FS_EXT4, 612, "none-unwritten", false, &m, &f);
	assert_near(f.ev[0].phase_us[SF_PH_VMA_RETRY], 1.083 + 19.818, 1e-6);
	sf_fold_free(&f);
}

/* msync: its own mmap_lock (mm/msync.c:62, 95), then the file's fsync: writeback and commit. */
static void check_msync(unsigned int fs, int kver)
{
	struct sf_attrib_map m;
	struct sf_attrib_kind k;
	struct sf_fold f;
	int calls = 0;

	fold(fs, kver, "msync", false, &m, &f);
	for (size_t i = 0; i < f.n; i++) {
		const struct sf_event *e = &f.ev[i];

		if (e->kind != SF_EV_MSYNC)
			continue;
		calls++;
		assert_true(e->phase_us[SF_PH_MMAP_LOCK] > 0);
		assert_true(e->phase_us[SF_PH_WRITEBACK] > 0);
		assert_true(e->phase_us[SF_PH_JOURNAL] > 0);
		assert_true(e->phase_us[SF_PH_FSYNC] > 0);
	}
	assert_int_equal(calls, 1);
	assert_true(sf_attrib_aggregate(&f, &m, SF_EV_MSYNC, &k));
	assert_true(k.coverage >= 0.9);
	sf_fold_free(&f);
}

static void msync_calls(void **state)
{
	check_msync(SF_FS_EXT4, 601);
	check_msync(SF_FS_EXT4, 612);
	check_msync(SF_FS_XFS, 601);
	check_msync(SF_FS_XFS, 612);
}

/*
 * Contention on 6.12 ext4 (run contention --mode mapsync --faulters 2
 * --lockers 1): two faulters' MAP_SYNC faults interleaved on two CPUs, each
 * retried under mmap_lock; the locker's mprotect folds by its role: 7.1 ms,
 * 6.96 ms of it asleep in rwsem_down_write_slowpath while the faulters'
 * MAP_SYNC faults held mmap_lock for read.
 */
static void contention(void **state)
{
	struct sf_attrib_map m;
	struct sf_attrib_roles r;
	struct sf_attrib_kind k;
	struct sf_fold f;
	int faulters[2] = { 0, 0 }, npid = 0, ops = 0, retried = 0;

	fold(SF_FS_EXT4, 612, "contention-mapsync", true, &m, &f);
	assert_true(f.roles);
	for (size_t i = 0; i < f.n; i++) {
		const struct sf_event *e = &f.ev[i];
		bool seen = false;

		if (e->role == SF_TASK_LOCKER) {
			/* mprotect waited for the write lock while faulters held mmap_lock */
			assert_int_equal(e->kind, SF_EV_LOCKOP);
			assert_true(e->phase_us[SF_PH_MMAP_LOCK] > 0);
			assert_true(e->phase_us[SF_PH_LOCK_WAIT] > 0.9 * e->total_us);
			ops++;
			continue;
		}
		assert_int_equal(e->role, SF_TASK_FAULTER);
		assert_int_equal(e->kind, SF_EV_FAULT);
		/* retried; or the try left at the trace's end, its retry cut off */
		assert_true(e->phase_us[SF_PH_VMA_RETRY] > 0 || e->phase_us[SF_PH_VMA_LOCK] > 0);
		retried += e->phase_us[SF_PH_VMA_RETRY] > 0;
		for (int p = 0; p < npid; p++)
			seen |= faulters[p] == e->pid;
		if (!seen && npid < 2)
			faulters[npid++] = e->pid;
	}
	assert_int_equal(npid, 2);
	assert_int_equal(ops, 1);
	assert_int_equal((size_t)retried, f.retries);
	assert_true(f.retries + npid >= f.n - ops);
	assert_true(sf_attrib_roles(&f, &r));
	assert_true(r.fault.n > 0 && r.hold[SF_LOCK_MMAP].p50 > 0 && r.hold[SF_LOCK_VMA].p50 > 0);
	assert_int_equal(r.locker_kind, SF_EV_LOCKOP);
	assert_int_equal(r.op.n, (size_t)ops);
	assert_true(sf_attrib_aggregate(&f, &m, SF_EV_FAULT, &k));
	assert_int_equal(k.n, r.fault.n);
	sf_fold_free(&f);
}

/*
 * xfs-dax, 6.1, recorded with the first phase map (kept: the printer's
 * garble cannot be provoked at will): the task slept in the log force and
 * woke on another CPU; the printer merged the entry with the wrong return
 * ("2018.525 us" leaf), and the real return follows as a close that names
 * xfs_log_force_seq where handle_mm_fault is open.  That event is dropped,
 * not misread.
 */
static void migration_garble(void **state)
{
	struct sf_attrib_map m;
	struct sf_fold f;

	sf_attrib_map_build(&m, SF_FS_XFS, 601, false);
	assert_int_equal(sf_fold_trace(read_fixture("xfs-6.1-mapsync-hole-migration.trace"), &m, -1, &f), 0);
	assert_int_equal(f.unparsed, 0);
	assert_int_equal(f.dropped, 1);
	assert_int_equal(f.n, 4);
	assert_near(f.ev[0].phase_us[SF_PH_JOURNAL], 5861.571, 1e-6);
	assert_near(f.ev[1].total_us, 49.392 + 7576.267, 1e-6);
	assert_near(f.ev[1].phase_us[SF_PH_ZERO], 234.620, 1e-6);
	assert_near(f.ev[1].phase_us[SF_PH_LOOKUP], 765.826 - 234.620, 1e-6);
	sf_fold_free(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ext4_612_mapsync_hole_by_hand),
		cmocka_unit_test(mapsync_hole),
		cmocka_unit_test(mapsync_written),
		cmocka_unit_test(none_unwritten),
		cmocka_unit_test(pmd_try_retried),
		cmocka_unit_test(msync_calls),
		cmocka_unit_test(contention),
		cmocka_unit_test(migration_garble),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
