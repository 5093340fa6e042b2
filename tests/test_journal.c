// SPDX-License-Identifier: MIT
/*
 * Journal counters: the jbd2 and xfs parsers on sample texts in the kernel's
 * formats, and sf_journal_open on tmpfs (no journal, said in words).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/vfs.h>
#include <cmocka.h>

#include "sf_journal.h"

static void jbd2_first_line(void **state)
{
	const char *text =
		"1234 transactions (1200 requested), each up to 8192 blocks\n"
		"average: \n  0ms waiting for transaction\n";
	struct sf_journal_count c;

	assert_int_equal(sf_journal_parse_jbd2(text, &c), 0);
	assert_int_equal(c.commits, 1234);
	assert_int_equal(c.requested, 1200);
}

static void jbd2_empty_before_first_commit(void **state)
{
	struct sf_journal_count c = { 7, 7 };

	assert_int_equal(sf_journal_parse_jbd2("", &c), 0);
	assert_int_equal(c.commits, 0);
	assert_int_equal(c.requested, 0);
}

static void jbd2_garbage(void **state)
{
	struct sf_journal_count c;

	assert_int_equal(sf_journal_parse_jbd2("hello world\n", &c), -1);
}

static void xfs_log_line(void **state)
{
	const char *text =
		"extent_alloc 4 16 2 8\n"
		"abt 0 0 0 0\n"
		"trans 5 321 0\n"
		"log 77 1540 0 42 3\n"
		"push_ail 400 0 0 0 0 0 0 0 0 0\n";
	struct sf_journal_count c;

	assert_int_equal(sf_journal_parse_xfs(text, &c), 0);
	assert_int_equal(c.commits, 77);
	assert_int_equal(c.requested, 42);
}

static void xfs_without_log_line(void **state)
{
	struct sf_journal_count c;

	/* "log" must be a whole key, not the start of "logfoo" */
	assert_int_equal(sf_journal_parse_xfs("trans 1 2 3\nlogx 1 2 3 4 5\n", &c), -1);
}

/*
 * xfs's log worker forces the log once a period on its own: a phase may
 * hold one force per period it spans, plus one; ext4's timer commits are
 * not counted as requested, so none there.
 */
static void unasked_forces(void **state)
{
	struct sf_journal xfs = { .kind = SF_JOURNAL_XFS, .period_s = 30 }, jbd2 = { .kind = SF_JOURNAL_JBD2 };
	struct sf_journal_count a = { .at_s = 100 }, b = { .at_s = 129.9 };

	assert_int_equal(sf_journal_unasked(&xfs, &a, &b), 1);
	b.at_s = 161;
	assert_int_equal(sf_journal_unasked(&xfs, &a, &b), 3);
	assert_int_equal(sf_journal_unasked(&jbd2, &a, &b), 0);
	b.at_s = 99;	/* reads out of order: nothing allowed */
	assert_int_equal(sf_journal_unasked(&xfs, &a, &b), 0);
}

static void tmpfs_has_no_journal(void **state)
{
	struct sf_journal j;
	struct statfs s;

	if (statfs("/dev/shm", &s) || s.f_type != 0x01021994) {
		skip();
		return;
	}
	assert_int_equal(sf_journal_open(&j, "/dev/shm"), 1);
	assert_int_equal(j.kind, SF_JOURNAL_NONE);
	assert_string_equal(j.why, "no journal on tmpfs");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(jbd2_first_line),
		cmocka_unit_test(jbd2_empty_before_first_commit),
		cmocka_unit_test(jbd2_garbage),
		cmocka_unit_test(xfs_log_line),
		cmocka_unit_test(xfs_without_log_line),
		cmocka_unit_test(unasked_forces),
		cmocka_unit_test(tmpfs_has_no_journal),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
