// SPDX-License-Identifier: MIT
/*
 * Attribution folding: small traces in function_graph's own text format
 * (funcgraph-proc, -tail, -abstime), then traces recorded in real guests
 * (tests/attrib/) folded with the phase map of their kernel.
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

#define L(t, pid, dur, fn) "  " #t " |   0)  syncfau-" #pid "   | " dur " |  " fn "\n"

static void map_ext4(struct sf_attrib_map *m)
{
	sf_attrib_map_build(m, SF_FS_EXT4, 601, false);
}

static int row_of(const struct sf_attrib_map *m, const char *fn)
{
	for (int i = 0; i < m->n; i++)
		if (!strcmp(m->fn[i].fn, fn))
			return i;
	return -1;
}

/* One MAP_SYNC-like fault: zeroing nested in allocation, a journal wait, a lock before. */
static const char nested[] =
	"# tracer: function_graph\n"
	"#\n"
	L(10.000000, 200, "             ", "/* sf: begin */")
	L(10.000001, 200, "  5.000 us   ", "lock_mm_and_find_vma();")
	L(10.000010, 200, "             ", "handle_mm_fault() {")
	L(10.000011, 200, "             ", "  ext4_iomap_begin [ext4]() {")
	L(10.000012, 200, "             ", "    ext4_issue_zeroout [ext4]() {")
	L(10.000013, 200, "+ 20.000 us  ", "      blkdev_issue_zeroout();")
	L(10.000040, 200, "+ 30.000 us  ", "    } /* ext4_issue_zeroout [ext4] */")
	L(10.000110, 200, "! 100.000 us ", "  } /* ext4_iomap_begin [ext4] */")
	L(10.000111, 200, "+ 10.000 us  ", "  dax_insert_entry();")
	L(10.000130, 200, "             ", "  jbd2_complete_transaction [jbd2]() {")
	L(10.000131, 200, "! 300.000 us ", "    jbd2_log_wait_commit [jbd2]();")
	L(10.000530, 200, "! 400.000 us ", "  } /* jbd2_complete_transaction [jbd2] */")
	L(10.000610, 200, "! 600.000 us ", "} /* handle_mm_fault */")
	L(10.000700, 200, "             ", "/* sf: end */");

static void folds_nested_phases(void **state)
{
	struct sf_attrib_map m;
	struct sf_fold f;

	map_ext4(&m);
	assert_int_equal(sf_fold_trace(nested, &m, -1, &f), 0);
	assert_int_equal(f.n, 1);
	assert_int_equal(f.ev[0].kind, SF_EV_FAULT);
	assert_int_equal(f.ev[0].pid, 200);
	assert_float_equal(f.ev[0].total_us, 605, 1e-9);
	assert_float_equal(f.ev[0].phase_us[SF_PH_LOCK], 5, 1e-9);
	/* the zeroing inside the allocation is zeroing, not allocation too */
	assert_float_equal(f.ev[0].phase_us[SF_PH_ALLOC], 70, 1e-9);
	assert_float_equal(f.ev[0].phase_us[SF_PH_ZERO], 30, 1e-9);
	assert_float_equal(f.ev[0].phase_us[SF_PH_INSERT], 10, 1e-9);
	/* an unmapped function inside a mapped one belongs to it */
	assert_float_equal(f.ev[0].phase_us[SF_PH_JOURNAL], 400, 1e-9);
	assert_float_equal(f.ev[0].phase_us[SF_PH_OTHER], 90, 1e-9);
	assert_int_equal(f.unparsed, 0);
	sf_fold_free(&f);
}

static void phase_missing_from_map(void **state)
{
	struct sf_attrib_map m;
	struct sf_attrib_kind k;
	struct sf_fold f;
	json_object *o, *ph, *v;

	map_ext4(&m);
	sf_attrib_map_drop(&m, row_of(&m, "ext4_issue_zeroout"));
	assert_false(sf_attrib_map_has_phase(&m, SF_PH_ZERO));
	assert_int_equal(sf_fold_trace(nested, &m, -1, &f), 0);
	/* without a zeroing function its time stays in the allocation around it */
	assert_float_equal(f.ev[0].phase_us[SF_PH_ALLOC], 100, 1e-9);
	assert_float_equal(f.ev[0].phase_us[SF_PH_ZERO], 0, 1e-9);
	assert_true(sf_attrib_aggregate(&f, &m, SF_EV_FAULT, &k));
	assert_false(k.mapped[SF_PH_ZERO]);
	/* reported as unknown (null), not as a measured zero */
	o = sf_attrib_kind_json(&k);
	assert_true(json_object_object_get_ex(o, "phases", &ph));
	assert_true(json_object_object_get_ex(ph, "zeroing", &v));
	assert_null(v);
	assert_true(json_object_object_get_ex(ph, "allocation", &v));
	assert_non_null(v);
	json_object_put(o);
	sf_fold_free(&f);
}

/* Two tasks on two CPUs: their lines interleave, their nesting must not. */
static const char interleaved[] =
	L(1.0, 301, "             ", "/* sf: begin */")
	L(1.1, 301, "             ", "handle_mm_fault() {")
	L(1.2, 302, "             ", "handle_mm_fault() {")
	L(1.3, 301, "             ", "  ext4_iomap_begin [ext4]() {")
	L(1.4, 302, "+ 40.000 us  ", "  dax_insert_entry();")
	L(1.5, 302, "             ", "  jbd2_complete_transaction [jbd2]() {")
	L(1.6, 301, "+ 50.000 us  ", "  } /* ext4_iomap_begin [ext4] */")
	" ------------------------------------------\n"
	"  0)  syncfau-301   =>  jbd2/pm-123 \n"
	" ------------------------------------------\n"
	L(1.7, 302, "! 200.000 us ", "  } /* jbd2_complete_transaction [jbd2] */")
	L(1.8, 301, "+ 80.000 us  ", "} /* handle_mm_fault */")
	L(1.9, 302, "! 300.000 us ", "} /* handle_mm_fault */")
	"CPU:1 [LOST 3 EVENTS]\n"
	L(2.0, 302, "             ", "__x64_sys_msync() {")
	L(2.1, 302, "! 120.000 us ", "  dax_writeback_mapping_range();")
	L(2.2, 302, "! 150.000 us ", "} /* __x64_sys_msync */")
	L(2.3, 301, "             ", "/* sf: end */");

static void interleaved_tasks(void **state)
{
	struct sf_attrib_map m;
	struct sf_attrib_kind k;
	struct sf_fold f;

	map_ext4(&m);
	assert_int_equal(sf_fold_trace(interleaved, &m, -1, &f), 0);
	assert_int_equal(f.n, 3);
	assert_int_equal(f.lost, 3);
	assert_int_equal(f.ev[0].pid, 301);
	assert_float_equal(f.ev[0].phase_us[SF_PH_ALLOC], 50, 1e-9);
	assert_float_equal(f.ev[0].phase_us[SF_PH_OTHER], 30, 1e-9);
	assert_float_equal(f.ev[0].phase_us[SF_PH_JOURNAL], 0, 1e-9);
	assert_int_equal(f.ev[1].pid, 302);
	assert_float_equal(f.ev[1].phase_us[SF_PH_INSERT], 40, 1e-9);
	assert_float_equal(f.ev[1].phase_us[SF_PH_JOURNAL], 200, 1e-9);
	assert_float_equal(f.ev[1].phase_us[SF_PH_OTHER], 60, 1e-9);
	assert_int_equal(f.ev[2].kind, SF_EV_MSYNC);
	assert_float_equal(f.ev[2].phase_us[SF_PH_WRITEBACK], 120, 1e-9);
	/* the tracing parent's own events are not the benchmark's */
	sf_fold_free(&f);
	assert_int_equal(sf_fold_trace(interleaved, &m, 302, &f), 0);
	assert_int_equal(f.n, 1);
	assert_true(sf_attrib_aggregate(&f, &m, SF_EV_FAULT, &k));
	assert_int_equal(k.n, 1);
	assert_false(sf_attrib_aggregate(&f, &m, SF_EV_MSYNC, &k));
	sf_fold_free(&f);
}

/* Events outside the sf: begin/end window (setup faults) do not count. */
static void markers_bound_events(void **state)
{
	static const char text[] =
		L(1.0, 400, "  9.000 us   ", "handle_mm_fault();")
		L(1.1, 400, "             ", "/* sf: begin */")
		L(1.2, 400, "  7.000 us   ", "handle_mm_fault();")
		L(1.3, 400, "             ", "/* sf: end */")
		L(1.4, 400, "  8.000 us   ", "handle_mm_fault();")
		/* a later window: the end above is an end, not this begin */
		L(1.5, 400, "             ", "/* sf: begin */")
		L(1.6, 400, "  6.000 us   ", "handle_mm_fault();")
		L(1.7, 400, "             ", "/* sf: end */")
		L(1.8, 400, "  5.000 us   ", "handle_mm_fault();");
	struct sf_attrib_map m;
	struct sf_fold f;

	map_ext4(&m);
	assert_int_equal(sf_fold_trace(text, &m, -1, &f), 0);
	assert_true(f.markers);
	assert_int_equal(f.n, 2);
	assert_float_equal(f.ev[0].total_us, 7, 1e-9);
	assert_float_equal(f.ev[0].phase_us[SF_PH_OTHER], 7, 1e-9);
	assert_float_equal(f.ev[1].total_us, 6, 1e-9);
	sf_fold_free(&f);
}

/* Coverage and shares come from the events around the median (p25..p75). */
static void coverage_of_median_events(void **state)
{
	struct sf_attrib_map m;
	struct sf_attrib_kind k;
	struct sf_fold f = { 0 };
	struct sf_event ev[8];
	char line[512];

	map_ext4(&m);
	for (int i = 0; i < 8; i++) {
		memset(&ev[i], 0, sizeof(ev[i]));
		ev[i].kind = SF_EV_FAULT;
		ev[i].total_us = 100 * (i + 1);
		ev[i].phase_us[SF_PH_JOURNAL] = 0.75 * ev[i].total_us;
		ev[i].phase_us[SF_PH_OTHER] = 0.25 * ev[i].total_us;
	}
	ev[0].phase_us[SF_PH_JOURNAL] = 0;	/* outliers do not move the share */
	ev[0].phase_us[SF_PH_OTHER] = 100;
	ev[7].phase_us[SF_PH_JOURNAL] = 0;
	ev[7].phase_us[SF_PH_OTHER] = 800;
	f.ev = ev;
	f.n = 8;
	assert_true(sf_attrib_aggregate(&f, &m, SF_EV_FAULT, &k));
	assert_int_equal(k.n, 8);
	assert_float_equal(k.share[SF_PH_JOURNAL], 0.75, 1e-9);
	assert_float_equal(k.coverage, 0.75, 1e-9);
	assert_float_equal(k.total_p50, 400, 1e-9);
	assert_float_equal(k.p50[SF_PH_JOURNAL], 225, 1e-9);
	sf_attrib_phase_line(&k, line, sizeof(line));
	assert_string_equal(line, "75% journal commit, 25% other");
	/* the same 4 events per phase: journal 225..450 us, mean and 95% interval */
	assert_int_equal(k.nmid, 4);
	assert_float_equal(k.mid_us[SF_PH_JOURNAL], 337.5, 1e-9);
	assert_float_equal(k.mid_ci_us[SF_PH_JOURNAL], 1.96 * sqrt(28125.0 / 3) / 2, 1e-9);
}

static void map_rows(void **state)
{
	struct sf_attrib_map m;
	char err[256];

	sf_attrib_map_build(&m, SF_FS_XFS, 601, false);
	assert_true(row_of(&m, "xfs_log_force_seq") >= 0);
	assert_int_equal(row_of(&m, "jbd2_complete_transaction"), -1);
	assert_int_equal(row_of(&m, "lock_vma_under_rcu"), -1);	/* 6.4 and later */
	sf_attrib_map_build(&m, SF_FS_EXT4, 612, false);
	assert_true(row_of(&m, "lock_vma_under_rcu") >= 0);
	assert_int_equal(sf_kernel_version("6.12.117+deb12-amd64"), 612);
	assert_int_equal(sf_attrib_map_add(&m, "journal=jbd2_log_wait_commit", err, sizeof(err)), 0);
	assert_true(row_of(&m, "jbd2_log_wait_commit") >= 0);
	assert_int_equal(sf_attrib_map_add(&m, "bogus=f", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "unknown phase 'bogus'"));
	assert_int_equal(sf_attrib_map_add(&m, "journal=", err, sizeof(err)), -1);
}

/* A journal handle is its own phase only where no other phase encloses it. */
static void handle_outside_phases_only(void **state)
{
	static const char text[] =
		L(1.0, 500, "             ", "handle_mm_fault() {")
		L(1.1, 500, "+ 12.000 us  ", "  jbd2__journal_start [jbd2]();")
		L(1.2, 500, "             ", "  ext4_iomap_begin [ext4]() {")
		L(1.3, 500, "+ 15.000 us  ", "    jbd2__journal_start [jbd2]();")
		L(1.4, 500, "+ 40.000 us  ", "  } /* ext4_iomap_begin [ext4] */")
		L(1.5, 500, "  3.000 us   ", "  jbd2_journal_stop [jbd2]();")
		L(1.6, 500, "+ 70.000 us  ", "} /* handle_mm_fault */");
	struct sf_attrib_map m;
	struct sf_fold f;

	map_ext4(&m);
	assert_int_equal(sf_fold_trace(text, &m, -1, &f), 0);
	assert_int_equal(f.n, 1);
	assert_float_equal(f.ev[0].phase_us[SF_PH_HANDLE], 15, 1e-9);
	assert_float_equal(f.ev[0].phase_us[SF_PH_ALLOC], 40, 1e-9);
	assert_float_equal(f.ev[0].phase_us[SF_PH_OTHER], 15, 1e-9);
	sf_fold_free(&f);
}

/* compare: the phase that moved is named with its change, the rest summed up */
static void diff_names_moved_phase(void **state)
{
	struct sf_attrib_kind b = { .kind = SF_EV_FAULT, .n = 10, .total_p50 = 200 }, n;
	struct sf_attrib_delta d;
	char line[256];

	for (int p = 0; p < SF_PH_N; p++)
		b.mapped[p] = p != SF_PH_LOCK;
	b.share[SF_PH_JOURNAL] = 0.5;
	b.share[SF_PH_ALLOC] = 0.25;
	b.share[SF_PH_OTHER] = 0.25;
	n = b;
	n.total_p50 = 300;	/* journal 100 -> 200 us, allocation 50 -> 50 us, other 50 -> 50 us */
	n.share[SF_PH_JOURNAL] = 200.0 / 300;
	n.share[SF_PH_ALLOC] = 50.0 / 300;
	n.share[SF_PH_OTHER] = 50.0 / 300;
	assert_true(sf_attrib_diff(&b, &n, 0.05, &d));
	assert_int_equal(d.n, 1);
	assert_int_equal(d.phase[0], SF_PH_JOURNAL);
	assert_int_equal(d.nsame, SF_PH_N - 2);
	sf_attrib_delta_line(&d, line, sizeof(line));
	assert_string_equal(line, "journal commit +100 us; other phases within 5% of the event");
	n.kind = SF_EV_MSYNC;
	assert_false(sf_attrib_diff(&b, &n, 0.05, &d));
}

/*
 * compare with per-phase intervals: a phase moved when its change is
 * outside the interval and 5% of the event; a change as large as 5% but
 * inside the noise of its phase is not named.
 */
static void diff_with_intervals(void **state)
{
	struct sf_attrib_kind b = { .kind = SF_EV_FAULT, .n = 400, .total_p50 = 200, .nmid = 200 }, n;
	struct sf_attrib_delta d;
	json_object *o, *ev;
	struct sf_attrib_kind back[SF_EV_NKINDS];
	char line[256];

	for (int p = 0; p < SF_PH_N; p++) {
		b.mapped[p] = p != SF_PH_LOCK;
		b.mid_us[p] = 0;
		b.mid_ci_us[p] = 0;
	}
	b.mid_us[SF_PH_JOURNAL] = 100;
	b.mid_ci_us[SF_PH_JOURNAL] = 3;
	b.mid_us[SF_PH_ALLOC] = 50;
	b.mid_ci_us[SF_PH_ALLOC] = 30;
	b.mid_us[SF_PH_OTHER] = 50;
	b.mid_ci_us[SF_PH_OTHER] = 1;
	n = b;
	n.total_p50 = 312;
	n.mid_us[SF_PH_JOURNAL] = 200;
	n.mid_ci_us[SF_PH_JOURNAL] = 4;
	n.mid_us[SF_PH_ALLOC] = 62;	/* 12 us >= 5% of 200, but inside +-42 */
	assert_true(sf_attrib_diff(&b, &n, 0.05, &d));
	assert_true(d.intervals);
	assert_int_equal(d.n, 1);
	assert_int_equal(d.phase[0], SF_PH_JOURNAL);
	assert_float_equal(d.ci_us[SF_PH_JOURNAL], 5, 1e-9);
	sf_attrib_delta_line(&d, line, sizeof(line));
	assert_string_equal(line, "journal commit +100 us (+-5.0); other phases within noise (95% interval, or under 5% of the event)");
	/* outside a narrow interval but under 5% of the event: not named either */
	n.mid_us[SF_PH_ALLOC] = 50;
	n.mid_us[SF_PH_OTHER] = 58;
	assert_true(sf_attrib_diff(&b, &n, 0.05, &d));
	assert_int_equal(d.n, 1);
	/* the intervals survive the result's JSON */
	o = json_object_new_object();
	ev = json_object_new_object();
	json_object_object_add(ev, "fault", sf_attrib_kind_json(&b));
	json_object_object_add(o, "events", ev);
	assert_int_equal(sf_attrib_kinds(o, back), 1);
	assert_int_equal(back[0].nmid, 200);
	assert_float_equal(back[0].mid_ci_us[SF_PH_ALLOC], 30, 1e-9);
	json_object_put(o);
	/* a side from before intervals: the 5% rule alone */
	back[0].nmid = 0;
	assert_true(sf_attrib_diff(&back[0], &n, 0.05, &d));
	assert_false(d.intervals);
}

/* ---- traces recorded in the guest (Debian 6.1.0-57, ext4-dax, run fault --attribute=trace) ---- */

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
	buf[n] = '\0';
	return buf;
}

static void fold_fixture(const char *name, struct sf_fold *f)
{
	struct sf_attrib_map m;

	sf_attrib_map_build(&m, SF_FS_EXT4, 601, false);
	assert_int_equal(sf_fold_trace(read_fixture(name), &m, -1, f), 0);
	assert_int_equal(f->unparsed, 0);
	assert_int_equal(f->lost, 0);
	/* the recording starts inside the window: the setup faults before it are not events */
	assert_true(f->markers);
	assert_int_equal(f->n, 24);
	for (size_t i = 0; i < f->n; i++) {
		double sum = 0;

		for (int p = 0; p < SF_PH_N; p++) {
			assert_true(f->ev[i].phase_us[p] >= -1e-6);
			sum += f->ev[i].phase_us[p];
		}
		/* every microsecond counted once */
		assert_float_equal(sum, f->ev[i].total_us, 1e-6);
	}
}

static void fixture_mapsync_hole(void **state)
{
	struct sf_attrib_map m;
	struct sf_attrib_kind k;
	struct sf_fold f;
	const struct sf_event *e;

	fold_fixture("ext4-6.1-mapsync-hole.trace", &f);
	e = &f.ev[0];
	/* by hand from the first event's lines */
	assert_float_equal(e->phase_us[SF_PH_LOCK], 20.449, 1e-6);
	assert_float_equal(e->total_us, 20.449 + 19476.24, 1e-6);
	assert_float_equal(e->phase_us[SF_PH_JOURNAL], 11288.09, 1e-6);
	assert_float_equal(e->phase_us[SF_PH_ALLOC], 6237.478 - 401.583, 1e-6);
	assert_float_equal(e->phase_us[SF_PH_ZERO], 401.583, 1e-6);
	assert_float_equal(e->phase_us[SF_PH_TIME], 265.698 + 8.336, 1e-6);
	assert_float_equal(e->phase_us[SF_PH_INSERT], 107.592 + 140.253, 1e-6);
	assert_float_equal(e->phase_us[SF_PH_WRITEBACK], 29.465, 1e-6);
	for (size_t i = 0; i < f.n; i++) {
		assert_true(f.ev[i].phase_us[SF_PH_JOURNAL] > 0);	/* MAP_SYNC: every hole fault commits */
		assert_true(f.ev[i].phase_us[SF_PH_ZERO] > 0);
	}
	sf_attrib_map_build(&m, SF_FS_EXT4, 601, false);
	assert_true(sf_attrib_aggregate(&f, &m, SF_EV_FAULT, &k));
	assert_true(k.coverage >= 0.85);
	for (int p = 0; p < SF_PH_N; p++)
		assert_true(p == SF_PH_JOURNAL || k.share[p] < k.share[SF_PH_JOURNAL]);
	sf_fold_free(&f);
}

static void fixture_plain_hole(void **state)
{
	struct sf_fold f;

	fold_fixture("ext4-6.1-none-hole.trace", &f);
	for (size_t i = 0; i < f.n; i++) {
		assert_float_equal(f.ev[i].phase_us[SF_PH_JOURNAL], 0, 0);	/* no sync in the fault */
		assert_true(f.ev[i].phase_us[SF_PH_ALLOC] > 0);
		assert_true(f.ev[i].phase_us[SF_PH_ZERO] > 0);
	}
	sf_fold_free(&f);
}

static void fixture_mapsync_written(void **state)
{
	struct sf_fold f;

	fold_fixture("ext4-6.1-mapsync-written.trace", &f);
	for (size_t i = 0; i < f.n; i++) {
		/* MAP_SYNC on a written block: nothing to commit, nothing to zero */
		assert_float_equal(f.ev[i].phase_us[SF_PH_JOURNAL], 0, 0);
		assert_float_equal(f.ev[i].phase_us[SF_PH_ZERO], 0, 0);
	}
	sf_fold_free(&f);
}

/*
 * xfs-dax, 6.1: the task slept in the log force and woke on another CPU;
 * the printer merged the entry with the wrong return ("2018.525 us" leaf),
 * and the real return follows as a close that names xfs_log_force_seq
 * where handle_mm_fault is open.  That event is dropped, not misread.
 */
static void fixture_migration_garble(void **state)
{
	struct sf_attrib_map m;
	struct sf_fold f;

	sf_attrib_map_build(&m, SF_FS_XFS, 601, false);
	assert_int_equal(sf_fold_trace(read_fixture("xfs-6.1-mapsync-hole-migration.trace"), &m, -1, &f), 0);
	assert_int_equal(f.unparsed, 0);
	assert_int_equal(f.dropped, 1);
	assert_int_equal(f.n, 4);
	assert_float_equal(f.ev[0].phase_us[SF_PH_JOURNAL], 5861.571, 1e-6);
	assert_float_equal(f.ev[1].total_us, 49.392 + 7576.267, 1e-6);
	assert_float_equal(f.ev[1].phase_us[SF_PH_ZERO], 234.620, 1e-6);
	assert_float_equal(f.ev[1].phase_us[SF_PH_ALLOC], 765.826 - 234.620, 1e-6);
	sf_fold_free(&f);
}

/*
 * ext4-dax, 6.12: a MAP_SYNC fault is first tried under the per-VMA lock
 * (lock_vma_under_rcu, handle_mm_fault returns VM_FAULT_RETRY) and done
 * again under mmap_lock (lock_mm_and_find_vma, handle_mm_fault): one fault,
 * one event, both tries in it.
 */
static void fixture_vma_lock_retry(void **state)
{
	struct sf_attrib_map m;
	struct sf_attrib_kind k;
	struct sf_fold f;

	sf_attrib_map_build(&m, SF_FS_EXT4, 612, false);
	assert_int_equal(sf_fold_trace(read_fixture("ext4-6.12-mapsync-hole.trace"), &m, -1, &f), 0);
	assert_int_equal(f.unparsed, 0);
	assert_int_equal(f.n, 24);
	assert_int_equal(f.retries, 24);
	/* the first: 15.909 us VMA lock + 446.718 us try, 22.542 us mmap_lock + 6383.272 us */
	assert_float_equal(f.ev[0].total_us, 15.909 + 446.718 + 22.542 + 6383.272, 1e-6);
	assert_float_equal(f.ev[0].phase_us[SF_PH_LOCK], 15.909 + 22.542, 1e-6);
	/* the handle file_update_time starts is the time update's; the fault's own is the handle phase */
	assert_float_equal(f.ev[0].phase_us[SF_PH_TIME], 362.931 + 15.489 + 6.152, 1e-6);
	assert_float_equal(f.ev[0].phase_us[SF_PH_HANDLE], 7.885 + 5.861 + 6.813 + 5.470 + 7.044 + 14.998, 1e-6);
	assert_float_equal(f.ev[0].phase_us[SF_PH_JOURNAL], 1814.774, 1e-6);
	for (size_t i = 0; i < f.n; i++)
		assert_true(f.ev[i].phase_us[SF_PH_JOURNAL] > 0);
	assert_true(sf_attrib_aggregate(&f, &m, SF_EV_FAULT, &k));
	assert_true(k.coverage >= 0.85);
	sf_fold_free(&f);
}

/*
 * ext4-dax, 6.12, contention: two faulter threads in MAP_SYNC hole faults
 * at once on two CPUs, their lines interleaved (tasks 203 and 204).  The
 * trace starts inside 204's earlier fault (its closes are ignored) and ends
 * after 203 tried a fault under the per-VMA lock (kept as its own event).
 */
static void fixture_two_faulters(void **state)
{
	struct sf_attrib_map m;
	struct sf_fold f;
	const struct sf_event *a = NULL, *b = NULL;

	sf_attrib_map_build(&m, SF_FS_EXT4, 612, false);
	assert_int_equal(sf_fold_trace(read_fixture("ext4-6.12-two-faulters.trace"), &m, -1, &f), 0);
	assert_int_equal(f.unparsed, 0);
	assert_false(f.markers);
	assert_int_equal(f.n, 3);
	for (size_t i = 0; i < f.n; i++) {
		if (f.ev[i].pid == 203 && f.ev[i].total_us > 1000)
			a = &f.ev[i];
		if (f.ev[i].pid == 204)
			b = &f.ev[i];
	}
	assert_non_null(a);
	assert_non_null(b);
	assert_float_equal(a->total_us, 181.741 + 9637.776, 1e-6);
	assert_float_equal(a->phase_us[SF_PH_JOURNAL], 3531.183, 1e-6);
	assert_float_equal(a->phase_us[SF_PH_ZERO], 212.649, 1e-6);
	assert_float_equal(b->total_us, 136.266 + 7135.212, 1e-6);
	assert_float_equal(b->phase_us[SF_PH_JOURNAL], 2761.549, 1e-6);
	assert_float_equal(b->phase_us[SF_PH_ZERO], 92.464, 1e-6);
	assert_float_equal(b->phase_us[SF_PH_ALLOC], 3504.874 - 92.464, 1e-6);
	assert_float_equal(b->phase_us[SF_PH_INSERT], 233.087 + 15.579 + 15.799 + 8.125 + 104.446 + 7.765, 1e-6);
	sf_fold_free(&f);
}

/*
 * Contention, by role: a faulter (300) whose fault tries the per-VMA lock,
 * is retried under mmap_lock and holds it 500 us; a locker (301) whose
 * mprotect waits 450 us for the write lock; a task without a role marker
 * (302) whose mprotect is no event; a locker fault outside the window.
 */
static const char roles[] =
	"# tracer: function_graph\n"
	L(9.000000, 301, "             ", "/* sf: role locker */")
	L(9.000001, 300, "             ", "/* sf: role faulter */")
	L(9.000010, 301, "             ", "__x64_sys_mprotect() {")
	L(9.000011, 301, "  1.000 us   ", "  down_write_killable();")
	L(9.000013, 301, "  4.000 us   ", "} /* __x64_sys_mprotect */")
	L(10.000000, 300, "             ", "/* sf: begin */")
	L(10.000001, 300, "  2.000 us   ", "lock_vma_under_rcu();")
	L(10.000003, 300, "  3.000 us   ", "handle_mm_fault();")
	L(10.000006, 300, "  4.000 us   ", "lock_mm_and_find_vma();")
	L(10.000010, 300, "             ", "handle_mm_fault() {")
	L(10.000011, 301, "             ", "__x64_sys_mprotect() {")
	L(10.000012, 302, "             ", "__x64_sys_mprotect() {")
	L(10.000013, 302, "  1.000 us   ", "  down_write_killable();")
	L(10.000014, 302, "  3.000 us   ", "} /* __x64_sys_mprotect */")
	L(10.000020, 300, "! 400.000 us ", "  jbd2_complete_transaction [jbd2]();")
	L(10.000510, 300, "! 500.000 us ", "} /* handle_mm_fault */")
	L(10.000511, 301, "! 450.000 us ", "  down_write_killable();")
	L(10.000520, 301, "! 460.000 us ", "} /* __x64_sys_mprotect */")
	L(10.000530, 300, "  1.000 us   ", "lock_vma_under_rcu();")
	L(10.000531, 300, "  6.000 us   ", "lock_mm_and_find_vma();")
	L(10.000540, 300, "! 100.000 us ", "handle_mm_fault();")
	L(10.000700, 300, "             ", "/* sf: end */");

static void contention_roles(void **state)
{
	struct sf_attrib_map m;
	struct sf_attrib_roles r, back;
	struct sf_attrib_kind k;
	struct sf_fold f;
	json_object *a;
	char line[512];

	sf_attrib_map_build(&m, SF_FS_EXT4, 612, true);
	assert_true(row_of(&m, "__x64_sys_mprotect") >= 0);
	assert_true(row_of(&m, "down_write_killable") >= 0);
	assert_int_equal(sf_fold_trace(roles, &m, -1, &f), 0);
	assert_int_equal(f.unparsed, 0);
	assert_true(f.roles);
	/* two faulter faults, one locker mprotect; 302 has no role: its mprotect is nothing */
	assert_int_equal(f.n, 3);
	assert_true(sf_attrib_roles(&f, &r));
	assert_int_equal(r.fault.n, 2);
	/* the retried fault: 3 us under the VMA lock, 500 under mmap_lock */
	assert_float_equal(r.hold[SF_LOCK_MMAP].p99, 500, 1e-9);
	assert_float_equal(r.hold[SF_LOCK_MMAP].mean, 300, 1e-9);
	assert_float_equal(r.hold[SF_LOCK_VMA].p99, 3, 1e-9);
	/* the failed VMA lookup before the second fault: it ran under mmap_lock */
	assert_float_equal(r.hold[SF_LOCK_VMA].p50, 0, 1e-9);
	assert_int_equal(r.locker_kind, SF_EV_LOCKOP);
	assert_int_equal(r.op.n, 1);
	assert_float_equal(r.wait.p50, 450, 1e-9);
	assert_float_equal(r.op.p50, 460, 1e-9);
	/* the lockers' operations are not fault events */
	assert_true(sf_attrib_aggregate(&f, &m, SF_EV_FAULT, &k));
	assert_int_equal(k.n, 2);
	/* facts survive the JSON round trip */
	a = json_object_new_object();
	json_object_object_add(a, "roles", sf_attrib_roles_json(&r));
	assert_true(sf_attrib_roles_get(a, &back));
	assert_float_equal(back.hold[SF_LOCK_MMAP].mean, 300, 1e-9);
	assert_float_equal(back.wait.p50, 450, 1e-9);
	assert_int_equal(back.fault.n, 2);
	assert_int_equal(back.locker_kind, SF_EV_LOCKOP);
	json_object_put(a);
	/* compare's line: base -> new of the faulter's hold and the locker's wait */
	back.hold[SF_LOCK_MMAP].p50 = 1500;
	back.wait.mean = 2.5;
	sf_attrib_roles_delta_line(&back, &r, line, sizeof(line));
	assert_string_equal(line, "faulter's mmap_lock hold per fault 1.50 ms -> 100 us (p50; mean 300 us -> 300 us); "
			    "locker's wait per operation 450 us -> 450 us (p50; mean 2.50 us -> 450 us)");
	back.op.n = 0;
	sf_attrib_roles_delta_line(&back, &r, line, sizeof(line));
	assert_null(strstr(line, "locker"));
	sf_fold_free(&f);

	/* without roles (fault, sync): no locker rows, a trace without markers has no roles */
	sf_attrib_map_build(&m, SF_FS_EXT4, 612, false);
	assert_int_equal(row_of(&m, "__x64_sys_mprotect"), -1);
	assert_int_equal(sf_fold_trace(nested, &m, -1, &f), 0);
	assert_false(sf_attrib_roles(&f, &r));
	sf_fold_free(&f);
}

/*
 * Recorded in the guest (Debian 6.12.117, ext4-dax, run contention --mode
 * mapsync --attribute=trace), cut to 1/4 s of the loaded interval: faulter
 * 217's MAP_SYNC hole faults each try the per-VMA lock, are retried under
 * mmap_lock and hold it 1.2-2.3 ms; locker 218's mprotect at 40.257770
 * waits 15.6 ms in down_write_killable, through seven of those faults
 * (readers keep taking the lock while the writer waits).
 */
static void fixture_contention_roles(void **state)
{
	struct sf_attrib_map m;
	struct sf_attrib_roles r;
	struct sf_attrib_kind k;
	struct sf_fold f;
	double held = 0;
	int during = 0;

	sf_attrib_map_build(&m, SF_FS_EXT4, 612, true);
	assert_int_equal(sf_fold_trace(read_fixture("ext4-6.12-contention-mapsync.trace"), &m, -1, &f), 0);
	assert_int_equal(f.unparsed, 0);
	assert_true(f.roles && f.markers);
	assert_int_equal(f.n, 14);
	assert_int_equal(f.retries, 7);
	for (size_t i = 0; i < f.n; i++) {
		const struct sf_event *e = &f.ev[i];

		assert_int_equal(e->role, e->pid == 217 ? SF_TASK_FAULTER : SF_TASK_LOCKER);
		assert_int_equal(e->kind, e->pid == 217 ? SF_EV_FAULT : SF_EV_LOCKOP);
		/* the seven retried faults between the locker's two operations */
		if (e->pid == 217 && e->hold_us[SF_LOCK_VMA] > 0) {
			held += e->hold_us[SF_LOCK_MMAP];
			during++;
		}
	}
	assert_int_equal(during, 7);
	assert_true(held > 10000 && held < 15619.77);
	assert_true(sf_attrib_roles(&f, &r));
	assert_int_equal(r.fault.n, 8);
	assert_float_equal(r.hold[SF_LOCK_MMAP].p50, 1545.237, 1e-3);
	assert_float_equal(r.hold[SF_LOCK_MMAP].p99, 2262.493, 1e-3);
	assert_float_equal(r.hold[SF_LOCK_VMA].p99, 29.365, 1e-3);
	assert_int_equal(r.locker_kind, SF_EV_LOCKOP);
	assert_int_equal(r.op.n, 6);
	assert_float_equal(r.wait.p99, 15619.77, 1e-3);
	assert_float_equal(r.op.p99, 15748.67, 1e-3);
	/* the fault events are the faulter's alone */
	assert_true(sf_attrib_aggregate(&f, &m, SF_EV_FAULT, &k));
	assert_int_equal(k.n, 8);
	assert_true(k.coverage >= 0.9);
	sf_fold_free(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(folds_nested_phases),
		cmocka_unit_test(phase_missing_from_map),
		cmocka_unit_test(interleaved_tasks),
		cmocka_unit_test(markers_bound_events),
		cmocka_unit_test(coverage_of_median_events),
		cmocka_unit_test(map_rows),
		cmocka_unit_test(diff_names_moved_phase),
		cmocka_unit_test(diff_with_intervals),
		cmocka_unit_test(handle_outside_phases_only),
		cmocka_unit_test(fixture_mapsync_hole),
		cmocka_unit_test(fixture_plain_hole),
		cmocka_unit_test(fixture_mapsync_written),
		cmocka_unit_test(fixture_migration_garble),
		cmocka_unit_test(fixture_vma_lock_retry),
		cmocka_unit_test(fixture_two_faulters),
		cmocka_unit_test(contention_roles),
		cmocka_unit_test(fixture_contention_roles),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
