// SPDX-License-Identifier: MIT
/*
 * fault: page-fault latency.
 *
 * Each sample is the first touch of one page of a fresh mapping, timed
 * around the touching instruction.  Touches are timed in batches; the
 * minor+major fault counters are read before and after each batch, never
 * next to a timed touch (a system call there slowed the touch itself by
 * 15-20%): a batch is kept only if it took exactly one fault per touch.
 * For 2 MiB pages, a second touch 4 KiB further into the same 2 MiB
 * (untimed, after the batch) tells whether the fault mapped a PMD (no new
 * fault) or fell back to 4 KiB PTEs (one more fault).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "sf_attrib_run.h"
#include "sf_bench.h"
#include "sf_util.h"
#include "sf_clock.h"
#include "sf_fault.h"
#include "sf_pagecache.h"

#define SZ_4K	(4096ul)
#define SZ_2M	(2ul << 20)

static int check_pages(const char *val, char *err, size_t len)
{
	int64_t v;

	if (sf_parse_int(val, &v) || v < 1 || v > 30000) {
		snprintf(err, len, "expected auto or a page count from 1 to 30000");
		return -1;
	}
	return 0;
}

static const struct sf_param params[] = {
	{ "mode", SF_PT_ENUM, "none", .from = &sf_mode_values_mapping,
	  .help = "mapping: plain MAP_SHARED, MAP_SYNC, or a pre-written synced file" },
	{ "class", SF_PT_ENUM, "hole", .values = { SF_FAULT_CLASS_VALUES }, .help = SF_FAULT_CLASS_HELP },
	{ "size", SF_PT_ENUM, "4k", .values = { "4k", "2m" },
	  .help = "page size: 4k PTE faults or 2m PMD faults (2 MiB aligned mapping)" },
	{ "order", SF_PT_ENUM, "seq", .values = { "seq", "random" },
	  .help = "order in which pages are touched" },
	{ "pages", SF_PT_ENUM, "auto", .values = { "auto" }, .check = check_pages,
	  .help = "samples (pages) per repeat; auto = 1024 for 4k, 64 for 2m" },
	{ "vma", SF_PT_ENUM, "page", .values = { "page", "single" },
	  .help = "page: one VMA per page, so each fault maps exactly one page; single: one VMA for the file, where fault-around and large folios may map several pages per fault: fault_latency is then each batch's touch time over the faults it took, and pages_per_fault says how many pages a fault mapped" },
	SF_FILL_CHUNK_PARAM,
	{ "fault-check", SF_PT_ENUM, "on", .values = { "on", "off" },
	  .help = "on: count faults per batch of timed touches and keep a batch only if it took one fault per touch; off: keep every sample unchecked (to show the check does not change the figure)" },
	{ NULL },
};

struct fault_run {
	struct sf_file file;
	size_t pgsz, npages;
	bool write;
	size_t *order;
	bool check;		/* fault_check on: count faults per batch */
	bool per_fault;		/* vma=single, counted: a sample is a batch's time per fault */
	size_t kept, dropped, few, many, majors, pmd, fallback;
	size_t faultless;	/* per_fault: batches of pages already mapped by earlier faults */
	long total;		/* faults of the whole measured loop */
};

static void make_order(struct fault_run *fr, bool shuffle, unsigned int seed)
{
	for (size_t i = 0; i < fr->npages; i++)
		fr->order[i] = i;
	if (!shuffle)
		return;
	srandom(seed);
	for (size_t i = fr->npages - 1; i > 0; i--) {
		size_t j = (size_t)random() % (i + 1), t = fr->order[i];

		fr->order[i] = fr->order[j];
		fr->order[j] = t;
	}
}

/*
 * Touches per counted batch: the counter read before a batch disturbs its
 * first touch, so batches are long (1 in 64 touches follows a system call);
 * a stray fault costs one batch.  2 MiB faults are few and slow: 8.
 */
static size_t batch_size(const struct fault_run *fr)
{
	return fr->pgsz == SZ_2M ? 8 : 64;
}

/*
 * Evidence for 2 MiB pages, untimed and after the batch: did each fault
 * map the whole 2 MiB (a touch 4 KiB further in takes no fault) or fall
 * back to PTEs?
 */
static void pmd_evidence(struct fault_run *fr, char *const *pages, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		long f0 = sf_faults_now(NULL);

		sf_touch(pages[i] + SZ_4K, fr->write);
		if (sf_faults_now(NULL) == f0)
			fr->pmd++;
		else
			fr->fallback++;
	}
}

/*
 * vma=single: fault-around (a read fault maps the cached pages around it,
 * 16 by default) and large folios map several pages per fault, so a batch
 * of n touches takes fewer than n faults and no touch is known to be one.
 * The batch's touch time over its faults is the sample: what a fault
 * costs a reader, the touches of the pages it mapped for its neighbours
 * included.  A batch with more faults than touches took a stray one and
 * is dropped; one with none touched only pages mapped before.
 */
static void per_fault_sample(struct fault_run *fr, struct sf_metric *m,
			     const struct sf_fault_batch *b)
{
	double sum = 0;

	if (b->faults > (long)b->n) {
		fr->dropped += b->n;
		fr->many++;
		return;
	}
	if (b->faults <= 0) {
		fr->faultless++;
		return;
	}
	for (size_t i = 0; i < b->n; i++)
		sum += b->ns[i];
	sf_metric_add(m, sum / (double)b->faults);
	fr->kept += b->n;
}

/* One batch of timed first touches; with the check on, kept only if exact. */
static void batch(struct fault_run *fr, struct sf_metric *m, size_t first, size_t n)
{
	char *pages[SF_FAULT_BATCH_MAX];
	struct sf_fault_batch b;

	for (size_t i = 0; i < n; i++)
		pages[i] = sf_file_page(&fr->file, fr->order[first + i], fr->pgsz);
	sf_fault_batch_run(&b, pages, n, fr->write, fr->check);
	fr->majors += (size_t)b.majors;
	if (fr->per_fault) {
		per_fault_sample(fr, m, &b);
	} else if (!fr->check || sf_fault_batch_exact(&b)) {
		for (size_t i = 0; i < n; i++)
			sf_metric_add(m, b.ns[i]);
		fr->kept += n;
	} else {
		fr->dropped += n;
		if (b.faults < (long)n)
			fr->few++;
		else
			fr->many++;
	}
	if (fr->pgsz == SZ_2M)
		pmd_evidence(fr, pages, n);
}

/* Bring the file to the state the class needs, through the mapping. */
static int prepare_class(struct fault_run *fr, const char *class)
{
	if (strcmp(class, "wp"))
		return 0;
	for (size_t i = 0; i < fr->npages; i++)
		sf_touch(sf_file_page(&fr->file, i, fr->pgsz), true);
	/* writeback write-protects the PTEs: the next store refaults */
	return msync(fr->file.map, sf_file_span(&fr->file), MS_SYNC);
}

/* What vma=single measured: pages per fault, and how the kernel was set. */
static void report_per_fault(struct sf_ctx *ctx, struct fault_run *fr)
{
	char around[32];

	sf_metric_set(sf_metric(ctx, "pages_per_fault", "pages", SF_DIAGNOSTIC),
		      fr->total > 0 ? (double)fr->npages / (double)fr->total : NAN);
	sf_check(ctx, "faults_counted_per_batch", fr->dropped == 0 && fr->total > 0,
		 "one VMA: %ld faults mapped the %zu pages (%.2f pages per fault: fault-around, large folios); each sample is a batch of %zu touches' time over its faults; %zu batches kept, %zu dropped with more faults than touches, %zu touched only pages mapped before",
		 fr->total, fr->npages, fr->total > 0 ? (double)fr->npages / (double)fr->total : 0.0,
		 batch_size(fr), fr->kept / batch_size(fr), fr->many, fr->faultless);
	/* debugfs, root only: the setting, where the kernel lets us read it */
	if (!sf_read_line("/sys/kernel/debug/fault_around_bytes", around, sizeof(around)))
		sf_info_str(ctx, "fault_around_bytes", "%s", around);
	sf_info_str(ctx, "fault_latency_is", "per fault: each batch's touch time over the faults it took (one VMA: a fault may map several pages)");
}

static void report(struct sf_ctx *ctx, struct fault_run *fr, const char *class)
{
	size_t n = fr->npages;

	if (fr->per_fault)
		report_per_fault(ctx, fr);
	else if (fr->check)
		sf_check(ctx, "one_fault_per_sample", fr->dropped == 0,
			 "%zu/%zu samples kept, in batches of %zu that took exactly one fault per touch (dropped: %zu batches with fewer faults, %zu with more; counters read per batch, never inside a timed touch)",
			 fr->kept, n, batch_size(fr), fr->few, fr->many);
	else
		sf_info_str(ctx, "fault_check", "off: %zu samples kept unchecked; the whole loop took %ld faults",
			    fr->kept, fr->total);
	sf_metric_set(sf_metric(ctx, "major_faults", "faults", SF_LOWER), (double)fr->majors);
	if (fr->pgsz == SZ_2M) {
		if (!fr->file.device)
			sf_info_str(ctx, "extent_size_hint", "%s", fr->file.extsize_hint ?
			    "2 MiB (FS_XFLAG_EXTSIZE)" : "not supported by this filesystem");
		sf_check(ctx, "pmd_mapped", fr->fallback == 0,
			 "%zu of %zu 2 MiB faults mapped a PMD, %zu fell back to 4 KiB PTEs (evidence: an untimed touch 4 KiB further in took %s)",
			 fr->pmd, n, fr->fallback, fr->fallback ? "a fault" : "no fault");
		sf_metric_set(sf_metric(ctx, "pmd_faults", "faults", SF_HIGHER), (double)fr->pmd);
		sf_metric_set(sf_metric(ctx, "pmd_fallbacks", "faults", SF_LOWER), (double)fr->fallback);
	}
	if (fr->file.mode->map_sync)
		sf_check(ctx, "map_sync_active", !fr->file.map_sync_fallback,
			 fr->file.map_sync_fallback ? "MAP_SYNC was refused; mapped MAP_SHARED" :
			 "mapped with MAP_SHARED_VALIDATE|MAP_SYNC");
	if (fr->file.mode->prewrite)
		sf_metric_set(sf_metric(ctx, "daxfile_setup", "ns", SF_LOWER), fr->file.setup_ns);
}

/*
 * Warm faults (written, read, wp: the page is already in the page cache
 * or on the device, nothing is allocated) take a few hundred ns on real
 * hardware, within a few times the timer's cost.  So beside the per-touch
 * distribution they get a batch-timed figure: a second mapping of the
 * same file, SF_FAULT_BATCH_MAX touches per timed window (counted around
 * the window, kept only when exact), and the timer's share of both.
 */
static bool warm_class(const char *class)
{
	return sf_fault_class(class) == SF_FC_WRITTEN || sf_fault_class(class) == SF_FC_READ ||
	       sf_fault_class(class) == SF_FC_WP;
}

static int remap(struct sf_ctx *ctx, struct fault_run *fr, char *err, size_t errlen)
{
	sf_file_unmap(&fr->file);
	return strcmp(sf_p_str(ctx, "vma"), "page") ?
		sf_file_map(&fr->file, fr->pgsz, err, errlen) :
		sf_file_map_split(&fr->file, fr->pgsz, err, errlen);
}

static enum sf_status measure_batched(struct sf_ctx *ctx, struct fault_run *fr, const char *class)
{
	struct sf_metric *bm = sf_metric(ctx, "fault_batched_ns", "ns", SF_LOWER);
	struct sf_metric *op = sf_result_metric(ctx->res, "fault_latency");
	size_t bs = SF_FAULT_BATCH_MAX, kept = 0, windows = 0;
	double oh = sf_clock.overhead_ns, op50, b50, window_sum = 0;
	char *pages[SF_FAULT_BATCH_MAX], err[512];
	struct sf_fault_batch b;

	if (remap(ctx, fr, err, sizeof(err)))
		return sf_fail(ctx, "mapping the file again for the batch-timed pass: %s", err);
	if (prepare_class(fr, class))
		return sf_fail(ctx, "msync before the batch-timed write-protect refaults: %m");
	for (size_t i = 0; i + bs <= fr->npages && !sf_interrupted; i += bs) {
		for (size_t k = 0; k < bs; k++)
			pages[k] = sf_file_page(&fr->file, fr->order[i + k], fr->pgsz);
		sf_fault_batch_run_window(&b, pages, bs, fr->write, fr->check);
		windows++;
		if (fr->per_fault && b.faults > 0 && b.faults <= (long)bs) {
			/* one VMA: the window's time over the faults it took */
			sf_metric_add(bm, b.window_ns / (double)b.faults);
			window_sum += b.window_ns;
			kept++;
		}
		if (fr->per_fault || (fr->check && !sf_fault_batch_exact(&b)))
			continue;
		sf_metric_add(bm, b.window_ns / (double)bs);
		kept++;
	}
	op50 = op && op->s.n ? sf_samples_pct(&op->s, 50) : NAN;
	b50 = bm->s.n ? sf_samples_pct(&bm->s, 50) : NAN;
	if (op50 > 0)
		sf_metric_set(sf_metric(ctx, "timer_share_op_pct", "%", SF_DIAGNOSTIC), 100 * oh / op50);
	if (b50 > 0)
		sf_metric_set(sf_metric(ctx, "timer_share_batched_pct", "%", SF_DIAGNOSTIC),
			      /* one VMA: a sample is per fault, not per window */
			      fr->per_fault ? 100 * oh * (double)kept / window_sum :
			      100 * oh / (b50 * (double)bs));
	sf_info_str(ctx, "batch_timed", "%zu %s per timed window on a second mapping of the same file (warm: nothing to allocate); %zu of %zu windows kept%s",
		    bs, fr->per_fault ? "touches" : "faults", kept, windows, fr->per_fault ? " (those that took a fault; the window's time over its faults)" :
		    fr->check ? " (exactly one fault per touch)" : " (unchecked)");
	return SF_OK;
}

static enum sf_status measure(struct sf_ctx *ctx, struct fault_run *fr, const char *class)
{
	struct sf_metric *m = sf_metric(ctx, "fault_latency", "ns", SF_LOWER);

	if (sf_metric_reserve(m, fr->npages))
		return sf_fail(ctx, "out of memory");
	if (prepare_class(fr, class))
		return sf_fail(ctx, "msync before the write-protect refaults: %m");
	sf_fault_batch_warm(fr->write);
	sf_attrib_mark(true);	/* an attribution pass counts the faults from here */
	fr->total = sf_faults_now(NULL);	/* inside the mark: its reads are not counted */
	for (size_t i = 0, bs = batch_size(fr); i < fr->npages && !sf_interrupted; i += bs) {
		batch(fr, m, i, fr->npages - i < bs ? fr->npages - i : bs);
		if (((i + bs) & 255) < bs)
			sf_progress(ctx, "%zu/%zu pages", i + bs, fr->npages);
	}
	fr->total = sf_faults_now(NULL) - fr->total;
	sf_attrib_mark(false);
	if (!strcmp(class, "wp") && (size_t)fr->total * 2 < fr->npages)
		return sf_unsupported(ctx, "no write-protect fault after msync on %s: it does not track dirty pages through faults",
				      ctx->target->fs);
	report(ctx, fr, class);
	return SF_OK;
}

/*
 * The memory to fault on: a new file in the target, or on device DAX the
 * device itself (the device of the page size's alignment: a 2 MiB aligned
 * one maps 2 MiB on every fault).
 */
static int open_memory(struct sf_ctx *ctx, struct fault_run *fr, const struct sf_mode *mode,
		       const char *class, char *err, size_t errlen)
{
	const struct sf_target *t = ctx->target;
	char path[4400];

	if (!t->devdax) {
		sf_scratch_path(ctx, "fault.data", path, sizeof(path));
		return sf_file_create_chunked(&fr->file, mode, path, fr->npages * fr->pgsz,
					      sf_fault_class_fill(sf_fault_class(class)), fr->pgsz,
					      sf_fill_chunk_bytes(sf_p_str(ctx, "fill-chunk"), fr->pgsz),
					      err, errlen);
	}
	if (sf_devdax_with_align(t, fr->pgsz, path, sizeof(path))) {
		snprintf(err, errlen, "no device-DAX device aligned to %zu KiB here (%s is aligned to %llu KiB): a %s fault needs one",
			 fr->pgsz >> 10, t->path, (unsigned long long)t->devdax_align >> 10,
			 sf_p_str(ctx, "size"));
		return 1;
	}
	sf_info_str(ctx, "device_dax", "%s: no filesystem, every first touch maps device memory (nothing to allocate, no metadata)",
		    path);
	return sf_file_open_device(&fr->file, mode, path, 0, fr->npages * fr->pgsz, err, errlen);
}

/*
 * tmpfs gives a file 2 MiB folios only when mounted with huge= (or when
 * /sys/kernel/mm/transparent_hugepage/shmem_enabled forces them): without,
 * every fault maps 4 KiB and there is no PMD fault to time.
 */
static bool tmpfs_without_huge(const struct sf_target *t)
{
	char knob[128];

	if (!t || strcmp(t->fs, "tmpfs") || (strstr(t->mount_options, "huge=") &&
					    !strstr(t->mount_options, "huge=never")))
		return false;
	sf_read_line("/sys/kernel/mm/transparent_hugepage/shmem_enabled", knob, sizeof(knob));
	return !strstr(knob, "[force]");
}

static enum sf_status run(struct sf_ctx *ctx)
{
	const char *class = sf_p_str(ctx, "class"), *pages = sf_p_str(ctx, "pages");
	const struct sf_mode *mode = sf_mode_find(sf_p_str(ctx, "mode"));
	struct fault_run fr = { .write = strcmp(class, "read") != 0 };
	char err[512];
	enum sf_status st;
	int r;

	fr.check = !strcmp(sf_p_str(ctx, "fault-check"), "on");
	fr.per_fault = fr.check && !strcmp(sf_p_str(ctx, "vma"), "single");
	fr.pgsz = !strcmp(sf_p_str(ctx, "size"), "2m") ? SZ_2M : SZ_4K;
	fr.npages = strcmp(pages, "auto") ? (size_t)atol(pages) : fr.pgsz == SZ_2M ? 64 : 1024;
	if (sf_fault_supported(mode, sf_fault_class(class), ctx->target, err, sizeof(err)))
		return sf_unsupported(ctx, "%s", err);
	if (fr.pgsz == SZ_2M && tmpfs_without_huge(ctx->target))
		return sf_unsupported(ctx, "size=2m: %s is tmpfs mounted without huge=, so its files get 4 KiB pages and no fault maps 2 MiB (remount with -o huge=within_size, or use a DAX target)",
				      ctx->target->mount_point);
	fr.order = calloc(fr.npages, sizeof(*fr.order));
	if (!fr.order)
		return sf_fail(ctx, "out of memory");
	make_order(&fr, !strcmp(sf_p_str(ctx, "order"), "random"), (unsigned int)ctx->repeat + 1);
	r = open_memory(ctx, &fr, mode, class, err, sizeof(err));
	if (!r)
		r = strcmp(sf_p_str(ctx, "vma"), "page") ?
			sf_file_map(&fr.file, fr.pgsz, err, sizeof(err)) :
			sf_file_map_split(&fr.file, fr.pgsz, err, sizeof(err));
	if (r) {
		free(fr.order);
		return r > 0 ? sf_unsupported(ctx, "%s", err) : sf_fail(ctx, "%s", err);
	}
	st = measure(ctx, &fr, class);
	if (st == SF_OK && !fr.file.device)
		sf_state_pagecache(ctx, &fr.file);	/* after the measured phase */
	if (st == SF_OK && warm_class(class) && fr.npages >= SF_FAULT_BATCH_MAX)
		st = measure_batched(ctx, &fr, class);
	sf_file_destroy(&fr.file);
	free(fr.order);
	return st;
}

/* The report's figure: one CDF line per mode and class, per target kind. */
static const char *const cdf_series[] = { "mode", "class", NULL };
static const struct sf_figure figures[] = {
	{ .kind = SF_FIG_CDF, .name = "fault_cdf", .title = "Page-fault latency CDF",
	  .metric = "fault_latency", .series = cdf_series, .flags = SF_FIG_KEY },
	{ 0 }
};

/* What a fault costs with MAP_SYNC, and with daxfile, against the same fault without. */
static const struct sf_finding findings[] = {
	{ SF_Q_FAULT, SF_FIND_CONTRAST, .metric = "fault_latency", .param = "mode",
	  .value = "mapsync", .against = "none", .what = "a fault" },
	{ SF_Q_DAXFILE, SF_FIND_CONTRAST, .metric = "fault_latency", .param = "mode",
	  .value = "daxfile", .against = "mapsync", .what = "a fault" },
	{ 0 }
};

const struct sf_bench bench_fault = {
	.name = "fault",
	.primary_metric = "fault_latency",
	.figures = figures,
	.findings = findings,
	.summary = "page-fault latency by class (hole, unwritten, written, wp, read), 4k/2m, with and without MAP_SYNC",
	.help = "Each sample is the first touch of one page of a fresh mapping of a new file\n"
		"in the target, timed around the touching instruction.  Fault counters are\n"
		"read per batch of touches, never inside a timed one; a batch that did not\n"
		"take exactly one fault per touch is dropped and counted (--fault-check off:\n"
		"no per-batch check).  For 2m, an untimed touch\n"
		"4 KiB further in shows whether the fault mapped a PMD or fell back.",
	.params = params,
	.flags = SF_BENCH_NEEDS_TARGET | SF_BENCH_DEVDAX | SF_BENCH_ONE_TASK,
	.run = run,
};
