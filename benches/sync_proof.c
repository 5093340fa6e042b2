// SPDX-License-Identifier: MIT
/*
 * sync: what a repeat proves happened, and what it reports.  Every update
 * read back with its tag, the durability the mode claims, the journal
 * commits and write-back the measured phase caused (or must not have),
 * then the metrics: time-to-durable per update, its store and persist
 * parts, and per call for bare fsync/fdatasync.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sync.h"
#include "sf_harness.h"

static int cmp_update(const void *a, const void *b, void *arg)
{
	const size_t *off = arg, x = *(const size_t *)a, y = *(const size_t *)b;

	if (off[x] != off[y])
		return off[x] < off[y] ? -1 : 1;
	return x < y ? -1 : x > y;
}

/* Read every update back through the file (pread), last writer per offset. */
static void check_read_back(struct sync_run *sr)
{
	size_t *ord = calloc(sr->nupdates, sizeof(*ord)), checked = 0, bad = 0, first_bad = 0;
	char *want = malloc(sr->bytes), *got = malloc(sr->bytes);

	if (!ord || !want || !got) {
		sf_check(sr->ctx, "data_read_back", false, "out of memory for the read-back");
		goto out;
	}
	for (size_t i = 0; i < sr->nupdates; i++)
		ord[i] = i;
	qsort_r(ord, sr->nupdates, sizeof(*ord), cmp_update, sr->off);
	memset(want, PAYLOAD_BYTE, sr->bytes);
	for (size_t i = 0; i < sr->nupdates; i++) {
		size_t k = ord[i];
		uint64_t tag = sync_update_tag(sr, k);

		if (i + 1 < sr->nupdates && sr->off[ord[i + 1]] == sr->off[k])
			continue;	/* a later update overwrote it */
		memcpy(want, &tag, sizeof(tag));
		checked++;
		if (pread(sr->file.fd, got, sr->bytes, (off_t)sr->off[k]) != (ssize_t)sr->bytes ||
		    memcmp(want, got, sr->bytes)) {
			if (!bad++)
				first_bad = k;
		}
	}
	if (bad)
		sf_check(sr->ctx, "data_read_back", false,
			 "%zu of %zu updates did not read back through pread() (first: update %zu at offset %zu)",
			 bad, checked, first_bad, sr->off[first_bad]);
	else
		sf_check(sr->ctx, "data_read_back", true,
			 "all %zu updates read back intact through pread()%s", checked,
			 checked < sr->nupdates ? " (updates overwritten by a later one are not counted)" : "");
out:
	free(ord);
	free(want);
	free(got);
}

static void check_durability(struct sync_run *sr)
{
	if (sr->mode->durable)
		sf_check(sr->ctx, "durability", true, "durable when %s returns", sr->mode->persist_desc);
	else
		sf_check(sr->ctx, "durability", true,
			 "NOT durable: the none control has no persist step; its times are the stores (and faults) alone");
	sf_info_str(sr->ctx, "durable", "%s", sr->mode->durable ? "yes" : "NOT durable (control)");
	if (sr->mode->map_sync)
		sf_check(sr->ctx, "map_sync_active", !sr->file.map_sync_fallback,
			 sr->file.map_sync_fallback ? "MAP_SYNC was refused; mapped MAP_SHARED" :
			 "mapped with MAP_SHARED_VALIDATE|MAP_SYNC");
}

/*
 * Journal figures for n operations (updates or calls).  Returns the commit
 * count, or -1 when nothing could be counted.
 */
static int64_t report_journal(struct sync_run *sr, size_t n, const char *what)
{
	struct sf_ctx *ctx = sr->ctx;
	uint64_t c = sr->j1.commits - sr->j0.commits, r = sr->j1.requested - sr->j0.requested;
	bool jbd2 = sr->jnl.kind == SF_JOURNAL_JBD2;

	if (sr->jnl_state) {
		sf_info_str(ctx, "journal", "%s", sr->jnl.why);
		sf_check(ctx, "journal", sr->jnl_state > 0, "%s: commits not counted", sr->jnl.why);
		return -1;
	}
	sf_info_str(ctx, "journal", "%s%s", sr->jnl.source, sr->jnl.global ? " (all xfs mounts)" : "");
	sf_info_int(ctx, "journal_commits", (int64_t)c);
	sf_info_int(ctx, jbd2 ? "journal_requested" : "log_forces", (int64_t)r);
	sf_metric_set(sf_metric(ctx, "journal_commits_per_1000", "commits", SF_LOWER),
		      1000.0 * (double)c / (double)n);
	sf_metric_set(sf_metric(ctx, jbd2 ? "journal_requested_per_1000" : "log_forces_per_1000",
				jbd2 ? "commits" : "forces", SF_LOWER),
		      1000.0 * (double)r / (double)n);
	sf_check(ctx, "journal", true, "%" PRIu64 " %s (%" PRIu64 " %s) over %zu %s, from %s%s",
		 c, sf_journal_commits_name(&sr->jnl), r, sf_journal_requested_name(&sr->jnl),
		 n, what, sr->jnl.source, sr->jnl.global ? " (counts every xfs mount)" : "");
	return (int64_t)c;
}

/*
 * Nothing on the path asked for a commit: ext4 counts requested commits
 * only (its commit timer's are not), xfs its log forces less those its log
 * worker may have made on its own over the phase (sf_journal_unasked).
 */
static bool none_asked(const struct sync_run *sr, char *why, size_t len)
{
	uint64_t r = sr->j1.requested - sr->j0.requested;
	uint64_t own = sf_journal_unasked(&sr->jnl, &sr->j0, &sr->j1);

	snprintf(why, len, sr->jnl.kind == SF_JOURNAL_XFS ?
		 " (up to %" PRIu64 " from xfs_log_worker's periodic force over %.1f s)" : "",
		 own, sr->j1.at_s - sr->j0.at_s);
	return r <= own;
}

/*
 * daxfile's measured phase and overwrite have no block map to change, so
 * nothing on their path should commit.  A commit the filesystem made on
 * its own (ext4's commit timer, with the write faults' mtime updates in
 * the running transaction; xfs's log worker) is told apart from one that
 * was asked for.  fsync is left out for overwrite: it commits those mtime
 * updates by definition.
 */
static void check_no_commit(struct sync_run *sr, const char *pattern)
{
	uint64_t c = sr->j1.commits - sr->j0.commits, r = sr->j1.requested - sr->j0.requested;
	bool jbd2 = sr->jnl.kind == SF_JOURNAL_JBD2, ok;
	char why[128];

	if (sr->jnl_state || (!sr->mode->prewrite && strcmp(pattern, "overwrite")))
		return;
	if (!sr->mode->prewrite && sr->mode->syncs_times) {
		sf_info_str(sr->ctx, "overwrite_commits",
			    "fsync commits the inode's mtime updates: %" PRIu64 " commits, not checked", c);
		return;
	}
	ok = none_asked(sr, why, sizeof(why));
	sf_check(sr->ctx, "no_journal_commit_in_measured_phase", ok,
		 "%s: %" PRIu64 " %s, %" PRIu64 " %s during the measured phase%s%s",
		 sr->mode->prewrite ? "daxfile" : "overwrite", c, sf_journal_commits_name(&sr->jnl),
		 r, sf_journal_requested_name(&sr->jnl), why,
		 jbd2 && c && !r ? " (timer-driven only: none was requested by the measured path)" : "");
}

/*
 * What the block device wrote per update: the page-cache shape made
 * visible (one 64-byte update in a 2 MiB folio writes back 2 MiB).  The
 * counter is the whole device's, journal and any other writer included.
 */
static void report_writeback(struct sync_run *sr)
{
	struct sf_ctx *ctx = sr->ctx;
	double per, page = (double)((sr->bytes + SZ_4K - 1) / SZ_4K * SZ_4K);

	if (!sr->bdev.stat[0]) {
		sf_info_str(ctx, "writeback", "not measured: %s", sr->bdev.why);
		return;
	}
	if (sr->wb < 0) {
		sf_info_str(ctx, "writeback", "not measured: %s could not be read", sr->bdev.stat);
		return;
	}
	per = (double)sr->wb / (double)sr->nupdates;
	sf_metric_set(sf_metric(ctx, "writeback_per_update", "bytes", SF_LOWER), per);
	sf_info_str(ctx, "writeback", "sectors written by %s during the measured phase (the whole device: journal and any other writer included)",
		    sr->bdev.stat);
	/*
	 * Only where the persist step writes pages back through the block
	 * layer: the summary states the ratio to the update (median over the
	 * repeats) and flags one far above the pages the update dirtied.
	 * Large write-back is the kernel's behaviour for this file's folios,
	 * not a fault of the measurement: a note, not a failed check.
	 */
	if (!sr->mode->durable || sr->mode->cache_flush || (ctx->target && ctx->target->dax))
		return;
	sf_info_int(ctx, "writeback_update_bytes", (int64_t)sr->bytes);
	sf_info_int(ctx, "writeback_dirtied_bytes", (int64_t)page);
}

void sync_report_updates(struct sync_run *sr, const char *pattern)
{
	struct sf_ctx *ctx = sr->ctx;

	sf_metric_set(sf_metric(ctx, "faults_per_update", "faults", SF_LOWER),
		      (double)sr->faults / (double)sr->nupdates);
	if (sr->total_ns > 0)
		sf_metric_set(sf_metric(ctx, "updates_per_s", "upd/s", SF_HIGHER),
			      (double)sr->nupdates * 1e9 / sr->total_ns);
	if (sr->mode->prewrite)
		sf_metric_set(sf_metric(ctx, "daxfile_setup", "ns", SF_LOWER), sr->file.setup_ns);
	report_journal(sr, sr->nupdates, "updates");
	check_no_commit(sr, pattern);
	check_durability(sr);
	check_read_back(sr);
	report_writeback(sr);
	sf_state_pagecache(ctx, &sr->file);
	sf_info_int(ctx, "updates", (int64_t)sr->nupdates);
	sf_info_str(ctx, "persist_step", "%s", sr->mode->persist_desc);
	sf_info_str(ctx, "file_state", "%s",
		    sr->mode->prewrite ? "written and synced (daxfile pre-writes every block)" :
		    !strcmp(pattern, "random") ? "holes, with --fill percent of pages written and synced" :
		    !strcmp(pattern, "unwritten") ? "fallocated (unwritten extents)" :
		    !strcmp(pattern, "overwrite") ? "written and synced" : "sparse (holes)");
}

void sync_report_calls(struct sync_run *sr, const char *dirty)
{
	int64_t c = report_journal(sr, sr->nupdates, "calls");
	uint64_t r = sr->j1.requested - sr->j0.requested;
	char why[128];

	check_durability(sr);
	if (!strcmp(dirty, "data"))
		check_read_back(sr);
	if (!strcmp(dirty, "none") && c >= 0)
		sf_check(sr->ctx, "clean_call_no_commit", none_asked(sr, why, sizeof(why)),
			 "with nothing dirty, %" PRId64 " %s, %" PRIu64 " %s over %zu calls%s",
			 c, sf_journal_commits_name(&sr->jnl), r, sf_journal_requested_name(&sr->jnl),
			 sr->nupdates, why);
	sf_info_int(sr->ctx, "calls", (int64_t)sr->nupdates);
	sf_info_str(sr->ctx, "dirty_before_each_call", "%s",
		    !strcmp(dirty, "none") ? "nothing" :
		    !strcmp(dirty, "data") ? "one store into a written page (plus the mtime update of its write fault)" :
		    "the inode's timestamps only (futimens)");
}
