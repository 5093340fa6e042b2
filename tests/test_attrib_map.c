// SPDX-License-Identifier: MIT
/*
 * The phase map: its rows by filesystem and kernel version, rows that
 * apply only within a caller, user rows, and the check of the map against
 * a kernel's traceable functions (syncfault kernel check-phases).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sf_attrib.h"
#include "sf_attrib_check.h"

static int row_of(const struct sf_attrib_map *m, const char *fn)
{
	for (int i = 0; i < m->n; i++)
		if (!strcmp(m->fn[i].fn, fn))
			return i;
	return -1;
}

static void map_rows(void **state)
{
	struct sf_attrib_map m;
	size_t n;
	const struct sf_phase_fn *t = sf_attrib_table(&n);
	char err[256];

	sf_attrib_map_build(&m, SF_FS_XFS, 601, false);
	assert_true(row_of(&m, "xfs_log_force_seq") >= 0);
	assert_true(row_of(&m, "xfs_direct_write_iomap_begin") >= 0);
	assert_int_equal(row_of(&m, "jbd2_complete_transaction"), -1);
	assert_int_equal(row_of(&m, "lock_vma_under_rcu"), -1);	/* 6.4 and later */
	sf_attrib_map_build(&m, SF_FS_EXT4, 612, false);
	assert_true(row_of(&m, "lock_vma_under_rcu") >= 0);
	assert_int_equal(sf_kernel_version("6.12.117+deb12-amd64"), 612);
	/* xfs DAX writes go through xfs_direct_write_iomap_begin (xfs_dax_write_iomap_ops) */
	for (size_t i = 0; i < n; i++) {
		assert_string_not_equal(t[i].fn, "xfs_dax_write_iomap_begin");
		assert_non_null(t[i].why);	/* every row says where it was read */
	}
	assert_int_equal(sf_attrib_map_add(&m, "journal=jbd2_log_wait_commit", err, sizeof(err)), 0);
	assert_true(row_of(&m, "jbd2_log_wait_commit") >= 0);
	assert_int_equal(sf_attrib_map_add(&m, "lock-wait=mutex_lock_slowpath", err, sizeof(err)), 0);
	assert_int_equal(m.fn[row_of(&m, "mutex_lock_slowpath")].phase, SF_PH_LOCK_WAIT);
	assert_int_equal(sf_attrib_map_add(&m, "bogus=f", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "unknown phase 'bogus': use one of vma-lock, mmap-lock, lock-wait"));
	/* the retry is the fold's, other is what no row explains: no user rows */
	assert_int_equal(sf_attrib_map_add(&m, "vma-retry=f", err, sizeof(err)), -1);
	assert_int_equal(sf_attrib_map_add(&m, "other=f", err, sizeof(err)), -1);
	assert_int_equal(sf_attrib_map_add(&m, "journal=", err, sizeof(err)), -1);
}

/* A row "within" a function applies only where that is the nearest traced caller. */
static void rows_within(void **state)
{
	struct sf_attrib_map m;
	int r;

	sf_attrib_map_build(&m, SF_FS_EXT4, 612, false);
	r = sf_attrib_map_row(&m, "down_read", 9, "ext4_dax_huge_fault", SF_TASK_ANY);
	assert_true(r >= 0);
	assert_int_equal(m.fn[r].phase, SF_PH_INVAL_LOCK);
	r = sf_attrib_map_row(&m, "down_read", 9, "__x64_sys_msync", SF_TASK_ANY);
	assert_true(r >= 0);
	assert_int_equal(m.fn[r].phase, SF_PH_MMAP_LOCK);
	/* i_data_sem under ext4_iomap_begin: no row, the block map's time */
	assert_int_equal(sf_attrib_map_row(&m, "down_read", 9, "ext4_iomap_begin", SF_TASK_ANY), -1);
	assert_int_equal(sf_attrib_map_row(&m, "down_read", 9, NULL, SF_TASK_ANY), -1);
	/* the module and a compiler suffix are not part of the name */
	r = sf_attrib_map_row(&m, "schedule.isra.0", 15, "get_unlocked_entry", SF_TASK_ANY);
	assert_true(r >= 0);
	assert_int_equal(m.fn[r].phase, SF_PH_ENTRY_WAIT);
	assert_int_equal(sf_attrib_map_row(&m, "schedule", 8, "jbd2_log_wait_commit", SF_TASK_ANY), -1);
	r = sf_attrib_map_row(&m, "ext4_iomap_begin [ext4]", 23, "dax_iomap_fault", SF_TASK_ANY);
	assert_true(r >= 0);
	assert_int_equal(m.fn[r].phase, SF_PH_LOOKUP);
	/* xfs's MMAPLOCK: the invalidate lock in its fault handler, not the ILOCK in its block map */
	sf_attrib_map_build(&m, SF_FS_XFS, 612, false);
	r = sf_attrib_map_row(&m, "xfs_ilock [xfs]", 15, "__xfs_filemap_fault [xfs]", SF_TASK_ANY);
	assert_true(r >= 0);
	assert_int_equal(m.fn[r].phase, SF_PH_INVAL_LOCK);
	assert_int_equal(sf_attrib_map_row(&m, "xfs_ilock", 9, "xfs_direct_write_iomap_begin", SF_TASK_ANY), -1);
}

/* The map against a kernel's list: live, dead (named), absent by version, blind phases. */
static void check_against_list(void **state)
{
	struct sf_attrib_map m;
	struct sf_fnset fns = { 0 }, all = { 0 };
	struct sf_phase_check c;
	size_t n;
	const struct sf_phase_fn *t = sf_attrib_table(&n);
	char *text = calloc(n, 64 + 8), err[256];
	int dead = -1;

	assert_non_null(text);
	strcpy(text, "# release 6.12.118+deb12-amd64\n");
	for (size_t i = 0; i < n; i++)
		if (strcmp(t[i].fn, "ext4_issue_zeroout") && strcmp(t[i].fn, "vmf_insert_pfn_pmd_prot"))
			sprintf(text + strlen(text), "%s%s\n", t[i].fn, t[i].fs == SF_FS_EXT4 ? " [ext4]" : "");
	assert_int_equal(sf_fnset_add(&fns, text), 0);
	assert_string_equal(fns.release, "6.12.118+deb12-amd64");
	assert_true(sf_fnset_has(&fns, "ext4_iomap_begin"));
	assert_false(sf_fnset_has(&fns, "ext4_issue_zeroout"));
	sf_attrib_map_build(&m, SF_FS_EXT4, 0, true);
	assert_int_equal(sf_attrib_map_add(&m, "zeroing=made_up_fn", err, sizeof(err)), 0);
	sf_attrib_check(&m, 612, &fns, &c);
	assert_int_equal(c.ndead, 2);	/* ext4_issue_zeroout and the user row */
	for (int i = 0; i < c.nrows; i++) {
		if (!strcmp(c.rows[i].row.fn, "made_up_fn"))
			dead = c.rows[i].verdict;
		if (!strcmp(c.rows[i].row.fn, "vmf_insert_pfn_pmd_prot"))
			assert_int_equal(c.rows[i].verdict, SF_ROW_ABSENT);	/* before 6.3 */
		if (!strcmp(c.rows[i].row.fn, "lock_vma_under_rcu"))
			assert_int_equal(c.rows[i].verdict, SF_ROW_LIVE);
	}
	assert_int_equal(dead, SF_ROW_DEAD);
	/* zeroing has rows that apply and none traceable: blind */
	assert_int_equal(c.applies[SF_PH_ZERO], 2);
	assert_int_equal(c.live[SF_PH_ZERO], 0);
	assert_int_equal(c.nblind, 1);
	/* on 6.1 the per-VMA lock is absent by version, not dead */
	sf_attrib_check(&m, 601, &fns, &c);
	for (int i = 0; i < c.nrows; i++)
		if (!strcmp(c.rows[i].row.fn, "lock_vma_under_rcu"))
			assert_int_equal(c.rows[i].verdict, SF_ROW_ABSENT);
	/* with every function: nothing dead, nothing blind */
	assert_int_equal(sf_fnset_add(&all, text), 0);
	assert_int_equal(sf_fnset_add(&all, "ext4_issue_zeroout\nmade_up_fn\n"), 0);
	sf_attrib_check(&m, 612, &all, &c);
	assert_int_equal(c.ndead + c.nblind, 0);
	sf_fnset_free(&fns);
	sf_fnset_free(&all);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(map_rows),
		cmocka_unit_test(rows_within),
		cmocka_unit_test(check_against_list),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
