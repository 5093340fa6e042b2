// SPDX-License-Identifier: MIT
/*
 * Attribution: the phase map, folding small traces in function_graph's own
 * text format (funcgraph-proc, -tail, -abstime), aggregation, compare's
 * deltas.  test_attrib_map.c tests the map and its check against a
 * kernel, test_attrib_fixtures.c folds traces recorded in real guests.
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

/* One MAP_SYNC-like fault: zeroing nested in the block map, a journal wait, a lock before. */
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
	assert_float_equal(f.ev[0].phase_us[SF_PH_MMAP_LOCK], 5, 1e-9);
	/* the zeroing inside the block map is zeroing, not the block map too */
	assert_float_equal(f.ev[0].phase_us[SF_PH_LOOKUP], 70, 1e-9);
	assert_float_equal(f.ev[0].phase_us[SF_PH_ZERO], 30, 1e-9);
	assert_float_equal(f.ev[0].phase_us[SF_PH_ENTRY], 10, 1e-9);
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
	/* without a zeroing function its time stays in the block map around it */
	assert_float_equal(f.ev[0].phase_us[SF_PH_LOOKUP], 100, 1e-9);
	assert_float_equal(f.ev[0].phase_us[SF_PH_ZERO], 0, 1e-9);
	assert_true(sf_attrib_aggregate(&f, &m, SF_EV_FAULT, &k));
	assert_false(k.mapped[SF_PH_ZERO]);
	/* reported as unknown (null), not as a measured zero */
	o = sf_attrib_kind_json(&k);
	assert_true(json_object_object_get_ex(o, "phases", &ph));
	assert_true(json_object_object_get_ex(ph, "zeroing", &v));
	assert_null(v);
	assert_true(json_object_object_get_ex(ph, "block-map lookup", &v));
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
	assert_float_equal(f.ev[0].phase_us[SF_PH_LOOKUP], 50, 1e-9);
	assert_float_equal(f.ev[0].phase_us[SF_PH_OTHER], 30, 1e-9);
	assert_float_equal(f.ev[0].phase_us[SF_PH_JOURNAL], 0, 1e-9);
	assert_int_equal(f.ev[1].pid, 302);
	assert_float_equal(f.ev[1].phase_us[SF_PH_ENTRY], 40, 1e-9);
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

/*
 * A fault through the phases the source has: a lock wait inside the
 * invalidate lock, the time update, the DAX core with an entry wait in it,
 * the block map, the insert; the handler's own time is its phase.
 */
static const char layered[] =
	L(1.0, 600, "             ", "handle_mm_fault() {")
	L(1.1, 600, "             ", "  ext4_dax_huge_fault [ext4]() {")
	L(1.2, 600, "             ", "    down_read() {")
	L(1.3, 600, "+ 30.000 us  ", "      rwsem_down_read_slowpath();")
	L(1.4, 600, "+ 35.000 us  ", "    } /* down_read */")
	L(1.5, 600, "+ 10.000 us  ", "    file_update_time();")
	L(1.6, 600, "             ", "    dax_iomap_fault() {")
	L(1.7, 600, "             ", "      grab_mapping_entry() {")
	L(1.8, 600, "             ", "        get_unlocked_entry() {")
	L(1.9, 600, "+ 50.000 us  ", "          schedule();")
	L(2.0, 600, "+ 55.000 us  ", "        } /* get_unlocked_entry */")
	L(2.1, 600, "+ 60.000 us  ", "      } /* grab_mapping_entry */")
	L(2.2, 600, "+ 20.000 us  ", "      ext4_iomap_begin [ext4]();")
	L(2.3, 600, "  8.000 us   ", "      vmf_insert_mixed_mkwrite();")
	L(2.4, 600, "! 100.000 us ", "    } /* dax_iomap_fault */")
	L(2.5, 600, "  1.000 us   ", "    up_read();")
	L(2.6, 600, "! 160.000 us ", "  } /* ext4_dax_huge_fault [ext4] */")
	L(2.7, 600, "! 170.000 us ", "} /* handle_mm_fault */")
	/* msync: its mmap_lock and VMA walk, the fsync around writeback and commit */
	L(3.0, 600, "             ", "__x64_sys_msync() {")
	L(3.1, 600, "  3.000 us   ", "  down_read();")
	L(3.2, 600, "  2.000 us   ", "  find_vma();")
	L(3.3, 600, "  1.000 us   ", "  up_read();")
	L(3.4, 600, "             ", "  vfs_fsync_range() {")
	L(3.5, 600, "+ 20.000 us  ", "    file_write_and_wait_range();")
	L(3.6, 600, "! 100.000 us ", "    jbd2_complete_transaction [jbd2]();")
	L(3.7, 600, "! 130.000 us ", "  } /* vfs_fsync_range */")
	L(3.8, 600, "! 140.000 us ", "} /* __x64_sys_msync */");

static void folds_layered_phases(void **state)
{
	struct sf_attrib_map m;
	struct sf_fold f;
	const struct sf_event *e;

	sf_attrib_map_build(&m, SF_FS_EXT4, 612, false);
	assert_int_equal(sf_fold_trace(layered, &m, -1, &f), 0);
	assert_int_equal(f.n, 2);
	e = &f.ev[0];
	assert_float_equal(e->phase_us[SF_PH_LOCK_WAIT], 30, 1e-9);
	assert_float_equal(e->phase_us[SF_PH_INVAL_LOCK], 5 + 1, 1e-9);
	assert_float_equal(e->phase_us[SF_PH_TIME], 10, 1e-9);
	assert_float_equal(e->phase_us[SF_PH_ENTRY_WAIT], 50, 1e-9);
	assert_float_equal(e->phase_us[SF_PH_ENTRY], 5 + 5, 1e-9);
	assert_float_equal(e->phase_us[SF_PH_LOOKUP], 20, 1e-9);
	assert_float_equal(e->phase_us[SF_PH_INSERT], 8, 1e-9);
	assert_float_equal(e->phase_us[SF_PH_DAX], 100 - 60 - 20 - 8, 1e-9);
	assert_float_equal(e->phase_us[SF_PH_HANDLER], 160 - 35 - 10 - 100 - 1, 1e-9);
	assert_float_equal(e->phase_us[SF_PH_OTHER], 10, 1e-9);
	e = &f.ev[1];
	assert_int_equal(e->kind, SF_EV_MSYNC);
	assert_float_equal(e->phase_us[SF_PH_MMAP_LOCK], 3 + 2 + 1, 1e-9);
	assert_float_equal(e->phase_us[SF_PH_WRITEBACK], 20, 1e-9);
	assert_float_equal(e->phase_us[SF_PH_JOURNAL], 100, 1e-9);
	assert_float_equal(e->phase_us[SF_PH_FSYNC], 10, 1e-9);
	assert_float_equal(e->phase_us[SF_PH_OTHER], 4, 1e-9);
	sf_fold_free(&f);
}

/*
 * The per-VMA lock's try and its retry: a fault that ran under the VMA
 * lock and returned VM_FAULT_RETRY is taken again under mmap_lock, whose
 * take here sleeps (a writer holds it).  One event; the failed try is the
 * retry phase whole; a fault that completed under the VMA lock has none.
 */
static void vma_lock_retry_phase(void **state)
{
	static const char text[] =
		L(1.0, 700, "  2.000 us   ", "lock_vma_under_rcu();")
		L(1.1, 700, "  3.000 us   ", "handle_mm_fault();")
		L(1.2, 700, "             ", "lock_mm_and_find_vma() {")
		L(1.3, 700, "             ", "  down_read_killable() {")
		L(1.4, 700, "+ 40.000 us  ", "    rwsem_down_read_slowpath();")
		L(1.5, 700, "+ 42.000 us  ", "  } /* down_read_killable */")
		L(1.6, 700, "+ 45.000 us  ", "} /* lock_mm_and_find_vma */")
		L(1.7, 700, "! 100.000 us ", "handle_mm_fault();")
		L(2.0, 700, "  4.000 us   ", "lock_vma_under_rcu();")
		L(2.1, 700, "+ 60.000 us  ", "handle_mm_fault();")
		L(3.0, 700, "  1.000 us   ", "lock_vma_under_rcu();");
	struct sf_attrib_map m;
	struct sf_attrib_kind k;
	struct sf_fold f;

	sf_attrib_map_build(&m, SF_FS_XFS, 612, false);
	assert_int_equal(sf_fold_trace(text, &m, -1, &f), 0);
	assert_int_equal(f.retries, 1);
	assert_int_equal(f.n, 2);
	assert_float_equal(f.ev[0].total_us, 2 + 3 + 45 + 100, 1e-9);
	assert_float_equal(f.ev[0].phase_us[SF_PH_VMA_RETRY], 2 + 3, 1e-9);
	assert_float_equal(f.ev[0].phase_us[SF_PH_MMAP_LOCK], 5, 1e-9);
	assert_float_equal(f.ev[0].phase_us[SF_PH_LOCK_WAIT], 40, 1e-9);
	assert_float_equal(f.ev[0].phase_us[SF_PH_VMA_LOCK], 0, 1e-9);
	assert_float_equal(f.ev[0].hold_us[SF_LOCK_VMA], 3, 1e-9);
	assert_float_equal(f.ev[0].hold_us[SF_LOCK_MMAP], 100, 1e-9);
	/* completed under the VMA lock (held until the next fault's lock showed it was not retried) */
	assert_float_equal(f.ev[1].total_us, 64, 1e-9);
	assert_float_equal(f.ev[1].phase_us[SF_PH_VMA_LOCK], 4, 1e-9);
	assert_float_equal(f.ev[1].phase_us[SF_PH_VMA_RETRY], 0, 1e-9);
	assert_true(sf_attrib_aggregate(&f, &m, SF_EV_FAULT, &k));
	assert_true(k.mapped[SF_PH_VMA_RETRY]);
	sf_fold_free(&f);
	/* 6.1 has no per-VMA lock: no retry phase, not a measured zero */
	sf_attrib_map_build(&m, SF_FS_XFS, 601, false);
	assert_false(sf_attrib_map_has_phase(&m, SF_PH_VMA_RETRY));
	assert_false(sf_attrib_map_has_phase(&m, SF_PH_VMA_LOCK));
}

/* A journal handle is the handle phase wherever it is: the innermost row wins. */
static void handles_innermost(void **state)
{
	static const char text[] =
		L(1.0, 500, "             ", "handle_mm_fault() {")
		L(1.1, 500, "+ 12.000 us  ", "  __ext4_journal_start_sb [ext4]();")
		L(1.2, 500, "             ", "  ext4_iomap_begin [ext4]() {")
		L(1.3, 500, "+ 15.000 us  ", "    __ext4_journal_start_sb [ext4]();")
		L(1.4, 500, "+ 40.000 us  ", "  } /* ext4_iomap_begin [ext4] */")
		L(1.5, 500, "  3.000 us   ", "  __ext4_journal_stop [ext4]();")
		L(1.6, 500, "+ 70.000 us  ", "} /* handle_mm_fault */");
	struct sf_attrib_map m;
	struct sf_fold f;

	map_ext4(&m);
	assert_int_equal(sf_fold_trace(text, &m, -1, &f), 0);
	assert_int_equal(f.n, 1);
	assert_float_equal(f.ev[0].phase_us[SF_PH_HANDLE], 12 + 15 + 3, 1e-9);
	assert_float_equal(f.ev[0].phase_us[SF_PH_LOOKUP], 25, 1e-9);
	assert_float_equal(f.ev[0].phase_us[SF_PH_OTHER], 15, 1e-9);
	sf_fold_free(&f);
}

/* Two results folded with different phase maps: their phases are not set side by side. */
static void diff_across_maps(void **state)
{
	struct sf_attrib_kind b = { .kind = SF_EV_FAULT, .n = 10, .total_p50 = 200, .map_version = 1 }, n;
	struct sf_attrib_delta d;
	char line[256];

	b.mapped[SF_PH_ALLOC] = true;
	b.share[SF_PH_ALLOC] = 0.5;
	n = b;
	n.map_version = SF_ATTRIB_MAP_VERSION;
	n.share[SF_PH_ALLOC] = 0.1;
	assert_true(sf_attrib_diff(&b, &n, 0.05, &d));
	assert_int_equal(d.n, 0);
	sf_attrib_delta_line(&d, line, sizeof(line));
	assert_string_equal(line, "phases not compared: folded with phase maps v1 and v2 (attribute the older again with this syncfault)");
}

/* A result of the first map: its version read back, a phase this map lacks counted as other. */
static void reads_first_map(void **state)
{
	static const char text[] =
		"{ \"events\": { \"fault\": { \"events\": 10, \"total_p50_us\": 100, \"coverage\": 0.85,"
		" \"phases\": { \"mmap_lock wait\": { \"share\": 0.1, \"mid_us\": 10 },"
		" \"journal commit\": { \"share\": 0.75, \"mid_us\": 75 },"
		" \"other\": { \"share\": 0.15, \"mid_us\": 15 } } } } }";
	json_object *a = json_tokener_parse(text);
	struct sf_attrib_kind k[SF_EV_NKINDS];

	assert_non_null(a);
	assert_int_equal(sf_attrib_kinds(a, k), 1);
	assert_int_equal(k[0].map_version, 1);
	assert_float_equal(k[0].share[SF_PH_OTHER], 0.25, 1e-9);
	assert_float_equal(k[0].mid_us[SF_PH_OTHER], 25, 1e-9);
	assert_float_equal(k[0].share[SF_PH_JOURNAL], 0.75, 1e-9);
	json_object_put(a);
}

/* compare: the phase that moved is named with its change, the rest summed up */
static void diff_names_moved_phase(void **state)
{
	struct sf_attrib_kind b = { .kind = SF_EV_FAULT, .n = 10, .total_p50 = 200 }, n;
	struct sf_attrib_delta d;
	char line[256];

	for (int p = 0; p < SF_PH_N; p++)
		b.mapped[p] = p != SF_PH_VMA_LOCK;
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
		b.mapped[p] = p != SF_PH_VMA_LOCK;
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
	/* a phase only the new kernel has (6.1 -> 6.12: the per-VMA lock): 0 on the base side */
	n.mapped[SF_PH_VMA_LOCK] = true;
	n.mid_us[SF_PH_VMA_LOCK] = 20;
	n.mid_ci_us[SF_PH_VMA_LOCK] = 0.5;
	assert_true(sf_attrib_diff(&b, &n, 0.05, &d));
	assert_int_equal(d.n, 2);
	assert_int_equal(d.phase[1], SF_PH_VMA_LOCK);
	sf_attrib_delta_line(&d, line, sizeof(line));
	assert_string_equal(line, "journal commit +100 us (+-5.0), VMA lock +20 us (+-0.5; new kernel only); "
			    "other phases within noise (95% interval, or under 5% of the event)");
	assert_true(sf_attrib_diff(&n, &b, 0.05, &d));	/* and the other way */
	sf_attrib_delta_line(&d, line, sizeof(line));
	assert_non_null(strstr(line, "VMA lock -20 us (+-0.5; base kernel only)"));
	n.mapped[SF_PH_VMA_LOCK] = false;
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(folds_nested_phases),
		cmocka_unit_test(phase_missing_from_map),
		cmocka_unit_test(interleaved_tasks),
		cmocka_unit_test(markers_bound_events),
		cmocka_unit_test(coverage_of_median_events),
		cmocka_unit_test(folds_layered_phases),
		cmocka_unit_test(vma_lock_retry_phase),
		cmocka_unit_test(handles_innermost),
		cmocka_unit_test(diff_names_moved_phase),
		cmocka_unit_test(diff_with_intervals),
		cmocka_unit_test(diff_across_maps),
		cmocka_unit_test(reads_first_map),
		cmocka_unit_test(contention_roles),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
