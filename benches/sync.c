// SPDX-License-Identifier: MIT
/*
 * sync: time-to-durable per update, per durability mode.
 *
 * One repeat makes `updates` updates of `bytes` bytes to a file of the
 * target, at positions chosen by `pattern`, and after every `batch` updates
 * calls the mode's persist step.  The clock runs from the first store of a
 * batch until the persist step returns.  Inside that window a second clock
 * read splits the time in two: the stores (where the page faults happen:
 * the first store to a page not mapped yet faults, and under MAP_SYNC that
 * fault syncs the metadata) and the persist call.  Journal commits are
 * counted around the whole measured phase, and so are faults (getrusage):
 * nothing but the clock sits next to a timed window (a system call before
 * every batch would evict the fault path the batch's first store takes).
 *
 * With --dirty none/data/metadata the benchmark instead times bare
 * fsync/fdatasync calls with only that much dirty, each call one sample.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "sync.h"
#include "sf_attrib_run.h"
#include "sf_bench.h"
#include "sf_harness.h"
#include "sf_journal.h"
#include "sf_fault.h"
#include "sf_pagecache.h"

#define MAX_UPDATES	65536

static int check_updates(const char *val, char *err, size_t len)
{
	int64_t v;

	if (sf_parse_int(val, &v) || v < 1 || v > MAX_UPDATES) {
		snprintf(err, len, "expected auto or an update count from 1 to %d", MAX_UPDATES);
		return -1;
	}
	return 0;
}

static const struct sf_param params[] = {
	{ "mode", SF_PT_ENUM, "mapsync",
	  .from = &sf_mode_values,
	  .help = "durability mode (see docs/design.md); none is the NOT durable control" },
	{ "pattern", SF_PT_ENUM, "append", .values = { "append", "unwritten", "overwrite", "random" },
	  .help = "where updates land: append = a new page of a sparse file each (allocating); unwritten = a new page of a fallocated file (extent conversion); overwrite = a new page of a written, synced file (no block-map change); random = uniform over the file after --fill" },
	{ "fill", SF_PT_INT, "50", .min = 0, .max = 100, .applies = "pattern=random",
	  .help = "random only: percent of the file's pages written and synced before the measured phase (the rest are holes)" },
	{ "batch", SF_PT_INT, "1", .min = 1, .max = MAX_UPDATES,
	  .help = "updates per persist step" },
	{ "updates", SF_PT_ENUM, "auto", .values = { "auto" }, .check = check_updates,
	  .help = "updates per repeat, rounded up to whole batches; auto = 256 for 4k pages, 32 for 2m.  With --dirty: fsync/fdatasync calls per repeat" },
	{ "bytes", SF_PT_SIZE, "64", .min = 8, .max = SZ_2M,
	  .help = "bytes per update (at most one page)" },
	{ "page", SF_PT_ENUM, "4k", .values = { "4k", "2m" },
	  .help = "page size: 4k, or 2m (2 MiB aligned mapping, one update per 2 MiB page)" },
	SF_FILL_CHUNK_PARAM,
	{ "dirty", SF_PT_ENUM, "updates", .values = { "updates", "none", "data", "metadata" },
	  .help = "updates = the workload above.  none/data/metadata time bare fsync/fdatasync calls (--mode fsync or fdatasync; pattern and batch do not apply) with nothing dirty, with one store into a written page dirty (its write fault also updates mtime, which fsync commits and fdatasync need not), or with only the timestamps dirty (futimens)" },
	{ NULL },
};
/* xorshift64*: a private, seeded generator (random() is global state). */
static uint64_t rng_next(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dull;
}

uint64_t sync_update_tag(const struct sync_run *sr, size_t k)
{
	return 0x5f00000000000000ull | ((uint64_t)(sr->ctx->repeat & 0xffff) << 32) | (uint64_t)k;
}

static enum sf_fill pattern_fill(const char *pattern)
{
	if (!strcmp(pattern, "unwritten"))
		return SF_FILL_UNWRITTEN;
	if (!strcmp(pattern, "overwrite"))
		return SF_FILL_WRITTEN;
	return SF_FILL_HOLE;	/* append, and random before its fill */
}

/* ---- setup ---- */

static int check_space(struct sync_run *sr, size_t need)
{
	struct statvfs sv;
	double avail;

	if (statvfs(sr->ctx->scratch, &sv))
		return 0;	/* cannot tell: let the run find out */
	avail = (double)sv.f_bavail * (double)sv.f_frsize;
	if ((double)need <= avail * 0.9)
		return 0;
	sf_fail(sr->ctx, "needs a %.0f MiB file, the target has %.0f MiB free: lower --updates or --batch, or use --page 4k",
		(double)need / (1 << 20), avail / (1 << 20));
	return -1;
}

/* random: write and sync round(fill% of pages), chosen at random. */
static int prefill(struct sync_run *sr, int fill, uint64_t *seed)
{
	size_t n = (size_t)((double)sr->npages * fill / 100.0 + 0.5), *idx;
	char *buf;
	int ret = 0;

	if (sr->mode->prewrite || !n)
		return 0;
	idx = calloc(sr->npages, sizeof(*idx));
	buf = malloc(sr->pgsz);
	if (!idx || !buf) {
		free(idx);
		free(buf);
		return sf_fail(sr->ctx, "out of memory"), -1;
	}
	memset(buf, 0xa5, sr->pgsz);
	for (size_t i = 0; i < sr->npages; i++)
		idx[i] = i;
	for (size_t i = 0; i < n && !ret; i++) {
		size_t j = i + (size_t)(rng_next(seed) % (sr->npages - i)), t = idx[i];

		idx[i] = idx[j];
		idx[j] = t;
		if (pwrite(sr->file.fd, buf, sr->pgsz, (off_t)(idx[i] * sr->pgsz)) != (ssize_t)sr->pgsz)
			ret = -1;
	}
	if (!ret && fsync(sr->file.fd))
		ret = -1;
	if (ret)
		sf_fail(sr->ctx, "pre-filling %zu pages for --fill %d: %m", n, fill);
	sf_info_int(sr->ctx, "pages_prefilled", (int64_t)n);
	free(idx);
	free(buf);
	return ret;
}

/* Sequential patterns: update k in page k; random: any slot of any page. */
static void make_offsets(struct sync_run *sr, bool random, uint64_t *seed)
{
	size_t slots = sr->pgsz / sr->bytes;

	for (size_t k = 0; k < sr->nupdates; k++) {
		if (!random) {
			sr->off[k] = k * sr->pgsz;
			continue;
		}
		sr->off[k] = (size_t)(rng_next(seed) % sr->npages) * sr->pgsz +
			     (size_t)(rng_next(seed) % slots) * sr->bytes;
	}
}

static int open_file(struct sync_run *sr, enum sf_fill fill)
{
	char path[4400], err[512];

	if (check_space(sr, sr->npages * sr->pgsz))
		return -1;
	sf_scratch_path(sr->ctx, "sync.data", path, sizeof(path));
	if (sf_file_create_chunked(&sr->file, sr->mode, path, sr->npages * sr->pgsz, fill, sr->pgsz,
				   sf_fill_chunk_bytes(sf_p_str(sr->ctx, "fill-chunk"), sr->pgsz),
				   err, sizeof(err)))
		return sf_fail(sr->ctx, "%s", err), -1;
	sr->created = true;
	sf_blockdev_of(sr->file.fd, &sr->bdev);
	return 0;
}

static int map_file(struct sync_run *sr)
{
	char err[512];

	if (!sr->mode->maps)
		return 0;
	if (sf_file_map(&sr->file, sr->pgsz, err, sizeof(err)))
		return sf_fail(sr->ctx, "%s", err), -1;
	return 0;
}

/* ---- the measured phase ---- */

static int store_update(struct sync_run *sr, size_t k)
{
	uint64_t tag = sync_update_tag(sr, k);

	memcpy(sr->payload, &tag, sizeof(tag));
	return sf_file_store(&sr->file, sr->off[k], sr->payload, sr->bytes);
}

/* The persist step for updates [first, first+n): see sf_file_persist_ranges(). */
static int persist_batch(struct sync_run *sr, size_t first, size_t n)
{
	return sf_file_persist_ranges(&sr->file, sr->off + first, n, sr->bytes);
}

struct batch_metrics {
	struct sf_metric *batch, *update, *stores, *persist;
};

static int reserve_all(struct batch_metrics *bm, size_t n)
{
	return sf_metric_reserve(bm->batch, n) || sf_metric_reserve(bm->update, n) ||
	       sf_metric_reserve(bm->stores, n) || sf_metric_reserve(bm->persist, n);
}

static int run_batch(struct sync_run *sr, struct batch_metrics *bm, size_t first)
{
	double per = (double)sr->batch, ttd;
	uint64_t t0, t1, t2;

	t0 = sf_start();
	for (size_t k = first; k < first + sr->batch; k++)
		if (store_update(sr, k))
			return sf_fail(sr->ctx, "store of update %zu: %m", k), -1;
	t1 = sf_stop();
	if (persist_batch(sr, first, sr->batch))
		return sf_fail(sr->ctx, "%s after update %zu: %m", sr->mode->persist_desc,
			       first + sr->batch - 1), -1;
	t2 = sf_stop();
	ttd = sf_sample_ns(t0, t2);
	sf_metric_add(bm->batch, ttd);
	sf_metric_add(bm->update, ttd / per);
	sf_metric_add(bm->stores, sf_sample_ns(t0, t1) / per);
	sf_metric_add(bm->persist, sf_sample_ns(t1, t2) / per);
	sr->total_ns += ttd;
	return 0;
}

/*
 * Run the store and persist code paths once with nothing to do, so that the
 * first batch does not pay (and count) the minor faults of loading them.
 */
static int warm_up(struct sync_run *sr)
{
	(void)sf_faults_now(NULL);
	(void)sf_stop();
	if (sf_file_store(&sr->file, 0, sr->payload, 0) || sf_file_persist(&sr->file, 0, 0))
		return sf_fail(sr->ctx, "%s with nothing to do: %m", sr->mode->persist_desc), -1;
	return 0;
}

int sync_journal_read(struct sync_run *sr, struct sf_journal_count *c)
{
	if (sr->jnl_state)
		return 0;
	if (sf_journal_read(&sr->jnl, c))
		return sf_fail(sr->ctx, "reading journal counters from %s: %m", sr->jnl.source), -1;
	return 0;
}

static int measure_updates(struct sync_run *sr)
{
	struct sf_ctx *ctx = sr->ctx;
	struct batch_metrics bm = {
		sf_metric(ctx, "time_to_durable_per_batch", "ns", SF_LOWER),
		sf_metric(ctx, "time_to_durable_per_update", "ns", SF_LOWER),
		sf_metric(ctx, "stores_faults_per_update", "ns", SF_LOWER),
		sf_metric(ctx, "persist_call_per_update", "ns", SF_LOWER),
	};
	size_t nb = sr->nupdates / sr->batch;

	if (reserve_all(&bm, nb))
		return sf_fail(ctx, "out of memory"), -1;
	if (warm_up(sr) || sync_journal_read(sr, &sr->j0))
		return -1;
	/* around the whole phase: a system call before every batch would disturb its first store */
	sr->wb = sf_blockdev_written(&sr->bdev);
	sf_attrib_mark(true);	/* an attribution pass counts faults and syncs from here */
	sr->faults = sf_faults_now(NULL);	/* inside the mark: its reads are not counted */
	for (size_t b = 0; b < nb && !sf_interrupted; b++) {
		if (run_batch(sr, &bm, b * sr->batch)) {
			sf_attrib_mark(false);
			return -1;
		}
		if ((b & 63) == 63)
			sf_progress(ctx, "%zu/%zu batches", b + 1, nb);
	}
	sr->faults = sf_faults_now(NULL) - sr->faults;
	sf_attrib_mark(false);
	if (sr->wb >= 0) {
		int64_t wb1 = sf_blockdev_written(&sr->bdev);

		sr->wb = wb1 >= sr->wb ? wb1 - sr->wb : -1;
	}
	return sync_journal_read(sr, &sr->j1);
}

/* ---- bare fsync/fdatasync calls (--dirty none/data/metadata) ---- */

static int make_dirty(struct sync_run *sr, const char *dirty, size_t k)
{
	struct timespec ts[2];

	if (!strcmp(dirty, "data"))
		return store_update(sr, k);
	if (!strcmp(dirty, "metadata")) {
		/* explicit, always different timestamps: no data, only the inode */
		ts[0].tv_sec = ts[1].tv_sec = 1000000000 + (time_t)k;
		ts[0].tv_nsec = ts[1].tv_nsec = 0;
		return futimens(sr->file.fd, ts);
	}
	return 0;
}

static int measure_calls(struct sync_run *sr, const char *dirty)
{
	struct sf_ctx *ctx = sr->ctx;
	struct sf_metric *m = sf_metric(ctx, "sync_call_latency", "ns", SF_LOWER);
	uint64_t t0, t1;

	if (sf_metric_reserve(m, sr->nupdates))
		return sf_fail(ctx, "out of memory"), -1;
	/* start from nothing dirty */
	if (sf_file_persist(&sr->file, 0, sr->file.size) || sync_journal_read(sr, &sr->j0))
		return sf_fail(ctx, "%s before the measured phase: %m", sr->mode->persist_desc), -1;
	sf_attrib_mark(true);
	for (size_t k = 0; k < sr->nupdates && !sf_interrupted; k++) {
		if (make_dirty(sr, dirty, k))
			return sf_fail(ctx, "making %s dirty: %m", dirty), -1;
		t0 = sf_start();
		if (sf_file_persist(&sr->file, 0, sr->file.size))
			return sf_fail(ctx, "%s: %m", sr->mode->persist_desc), -1;
		t1 = sf_stop();
		sf_metric_add(m, sf_sample_ns(t0, t1));
	}
	sf_attrib_mark(false);
	return sync_journal_read(sr, &sr->j1);
}

/* ---- run ---- */

static enum sf_status check_point(struct sync_run *sr, const char *dirty)
{
	struct sf_ctx *ctx = sr->ctx;
	char why[256];

	if (sf_mode_supported(sr->mode, ctx->target, why, sizeof(why)))
		return sf_unsupported(ctx, "%s", why);
	if (strcmp(dirty, "updates") && !sr->mode->file_sync)
		return sf_unsupported(ctx, "--dirty %s times bare fsync/fdatasync calls: use --mode fsync or fdatasync (mode %s has no such call)",
				      dirty, sr->mode->name);
	if (sr->bytes > sr->pgsz)
		return sf_fail(ctx, "--bytes %zu is more than one %s page: use at most %zu",
			       sr->bytes, sf_p_str(ctx, "page"), sr->pgsz);
	return SF_OK;
}

static int setup(struct sync_run *sr, const char *pattern, const char *dirty)
{
	bool calls = strcmp(dirty, "updates") != 0;
	bool random = !calls && !strcmp(pattern, "random");
	uint64_t seed = 0x9e3779b97f4a7c15ull ^ ((uint64_t)sr->ctx->repeat + 1);

	sr->off = calloc(sr->nupdates, sizeof(*sr->off));
	sr->payload = malloc(sr->bytes);
	if (!sr->off || !sr->payload)
		return sf_fail(sr->ctx, "out of memory"), -1;
	memset(sr->payload, PAYLOAD_BYTE, sr->bytes);
	sr->jnl_state = sf_journal_open(&sr->jnl, sr->ctx->scratch);
	if (open_file(sr, calls ? SF_FILL_WRITTEN : pattern_fill(pattern)))
		return -1;
	if (random && prefill(sr, (int)sf_p_int(sr->ctx, "fill"), &seed))
		return -1;
	make_offsets(sr, random, &seed);
	return map_file(sr);
}

static enum sf_status run(struct sf_ctx *ctx)
{
	const char *pattern = sf_p_str(ctx, "pattern"), *dirty = sf_p_str(ctx, "dirty");
	const char *updates = sf_p_str(ctx, "updates");
	struct sync_run sr = { .ctx = ctx, .mode = sf_mode_find(sf_p_str(ctx, "mode")) };
	bool calls = strcmp(dirty, "updates") != 0;
	enum sf_status st;

	sr.pgsz = !strcmp(sf_p_str(ctx, "page"), "2m") ? SZ_2M : SZ_4K;
	sr.bytes = (size_t)sf_p_int(ctx, "bytes");
	sr.batch = calls ? 1 : (size_t)sf_p_int(ctx, "batch");
	sr.nupdates = strcmp(updates, "auto") ? (size_t)atol(updates) : sr.pgsz == SZ_2M ? 32 : 256;
	sr.nupdates = (sr.nupdates + sr.batch - 1) / sr.batch * sr.batch;
	sr.npages = sr.nupdates;
	st = check_point(&sr, dirty);
	if (st != SF_OK)
		return st;
	if (setup(&sr, pattern, dirty) ||
	    (calls ? measure_calls(&sr, dirty) : measure_updates(&sr))) {
		st = ctx->res->status == SF_OK ? sf_fail(ctx, "setup failed") : ctx->res->status;
	} else {
		if (calls)
			sync_report_calls(&sr, dirty);
		else
			sync_report_updates(&sr, pattern);
	}
	if (sr.created)
		sf_file_destroy(&sr.file);
	free(sr.off);
	free(sr.payload);
	return st;
}

/* A line per mode; the control that makes nothing durable says so (from the mode table). */
static void ttd_line(const struct sf_result *r, char *buf, size_t len)
{
	const char *mode = sf_result_param(r, "mode");
	const struct sf_mode *m = mode ? sf_mode_find(mode) : NULL;

	snprintf(buf, len, "%s%s", mode ? mode : "?", m && !m->durable ? " (NOT durable)" : "");
}

/*
 * Where each batched mode gets cheaper per update than mapsync: the figure
 * marks it, the tables state it (one pairing, sf_breakeven_pairs()).
 */
static const char *const batched[] = { "msync", "fsync", "fdatasync", NULL };
static const struct sf_breakeven_spec breakeven = {
	.metric = "time_to_durable_per_update", .x = "batch", .by = "mode",
	.ref = "mapsync", .of = batched, .per = "update",
};

/* The report's figure: time to durable per update against the batch, a line per mode. */
static const char *const ttd_series[] = { "mode", NULL };
static const struct sf_figure figures[] = {
	{ .kind = SF_FIG_LINES, .name = "sync_ttd", .title = "Time to durable per update",
	  .metric = "time_to_durable_per_update", .x = "batch", .series = ttd_series,
	  .flags = SF_FIG_KEY, .series_name = ttd_line, .breakeven = &breakeven },
	{ 0 }
};

/* A grid per target and pattern: mode against batch (bare calls: against what was dirty). */
static const struct sf_column update_grids[] = {
	{ SF_COL_METRIC, "time_to_durable_per_update", .head = "time-to-durable per update (p50)",
	  .width = 10 },
	{ SF_COL_METRIC, "journal_commits_per_1000", .head = "journal commits per 1000 updates",
	  .width = 10, .flags = SF_COL_COUNT | SF_COL_IF_ANY },
	{ 0 }
};
static const struct sf_column call_grids[] = {
	{ SF_COL_METRIC, "sync_call_latency", .head = "bare call latency (p50)", .width = 10 },
	{ SF_COL_METRIC, "journal_commits_per_1000", .head = "journal commits per 1000 calls",
	  .width = 10, .flags = SF_COL_COUNT | SF_COL_IF_ANY },
	{ 0 }
};
static const struct sf_note journal_note[] = {
	{ SF_NOTE_ONCE, "  journal: {i:journal}" },
	{ 0 }
};
static const char *const medians[] = { "  medians over all repeats", NULL };
static const char *const call_ignores[] = { "pattern", "fill", NULL };
#define SYNC_EMULATED "  EMULATED ({t:emulated}): absolute times are inflated; compare within this run only"
static const struct sf_table tables[] = {
	{ SF_TABLE_GRID, "sync summary", .emulated = SYNC_EMULATED, .lead = medians,
	  .where = { "dirty", "updates" }, .row = "mode", .col = "batch", .row_width = 19,
	  .cols = update_grids, .notes = journal_note, .row_name = ttd_line,
	  .breakeven = &breakeven, .flags = SF_TAB_GROUPS | SF_TAB_REASONS },
	{ SF_TABLE_GRID, "sync summary (bare fsync/fdatasync calls)", .emulated = SYNC_EMULATED,
	  .lead = medians, .where = { "dirty", "updates", .not = true }, .row = "mode",
	  .col = "dirty", .row_width = 19, .ignore = call_ignores, .cols = call_grids,
	  .notes = journal_note, .row_name = ttd_line, .flags = SF_TAB_GROUPS | SF_TAB_REASONS },
	{ 0 }
};

static const struct sf_finding findings[] = {
	{ SF_Q_DURABLE, SF_FIND_BREAKEVEN, .metric = "time_to_durable_per_update",
	  .breakeven = &breakeven, .what = "an update" },
	{ 0 }
};

const struct sf_bench bench_sync = {
	.name = "sync",
	.primary_metric = "time_to_durable_per_update",
	.figures = figures,
	.tables = tables,
	.findings = findings,
	.summary = "time-to-durable per update by durability mode and batch size, journal commits per 1000 updates, break-even batch",
	.help = "Each repeat makes --updates updates of --bytes bytes to a new file in the\n"
		"target, at positions chosen by --pattern, and after every --batch updates calls\n"
		"the mode's persist step.  time_to_durable_per_batch runs from the first store\n"
		"of a batch until the persist step returns; the per-update figures are that\n"
		"divided by the batch size, split into the stores (where page faults happen:\n"
		"under MAP_SYNC the fault itself syncs the metadata) and the persist call.\n"
		"Flush modes (mapsync, daxfile) flush each update's own bytes; msync covers the\n"
		"batch's range; fsync, fdatasync and pwrite make one call per batch.\n"
		"Journal commits are counted for the whole filesystem around the measured\n"
		"phase: journal_commits_per_1000 is jbd2 transactions (ext4, /proc/fs/jbd2)\n"
		"or xfs log writes; journal_requested_per_1000 (ext4) leaves out commits of\n"
		"the commit-interval timer, log_forces_per_1000 (xfs) counts log forces.\n"
		"tmpfs has no journal and says so instead of a number.\n"
		"daxfile's one-time setup (write every block, fsync) is daxfile_setup, outside\n"
		"the measured phase.  Every update is read back with pread() afterwards.\n"
		"A matrix over --mode and --batch ends with a table per pattern and the\n"
		"break-even batch size of msync, fsync and fdatasync against mapsync.\n"
		"--dirty none|data|metadata with --mode fsync,fdatasync times bare calls instead.",
	.params = params,
	.flags = SF_BENCH_NEEDS_TARGET | SF_BENCH_ONE_TASK,
	.run = run,
};
