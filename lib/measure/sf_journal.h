/* SPDX-License-Identifier: MIT */
/*
 * Journal commit counters of the filesystem a target lives on, read before
 * and after a measured phase.  The counts are for the whole filesystem, not
 * one file: anything else writing there is counted too.
 *
 *   ext4: /proc/fs/jbd2/<dev>-<journal inode>/info, first line
 *         "N transactions (M requested), ..."; N counts every commit, M
 *         those somebody asked for (fsync, a synchronous fault ...) rather
 *         than the commit-interval timer.
 *   xfs:  the "log" line of /sys/fs/xfs/<dev>/stats/stats (or the global
 *         /proc/fs/xfs/stat): log writes (iclog I/Os, what a commit costs)
 *         and log forces.
 *   tmpfs and anything else: no journal, nothing counted.
 */
#ifndef SF_JOURNAL_H
#define SF_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum sf_journal_kind {
	SF_JOURNAL_NONE,	/* no journal to count: see why */
	SF_JOURNAL_JBD2,
	SF_JOURNAL_XFS,
};

struct sf_journal {
	enum sf_journal_kind kind;
	char source[512];	/* the file the counters come from */
	char why[256];		/* NONE: "no journal on tmpfs" ... */
	bool global;		/* xfs: /proc/fs/xfs/stat sums every xfs mount */
	double period_s;	/* xfs: the log worker's period (xfssyncd_centisecs) */
};

struct sf_journal_count {
	uint64_t commits;	/* jbd2: transactions; xfs: log writes */
	uint64_t requested;	/* jbd2: requested commits; xfs: log forces */
	double at_s;		/* when read (CLOCK_MONOTONIC seconds) */
};

/*
 * Find the counters for the filesystem holding dir.  Returns 0 when there
 * is a journal to count (kind JBD2 or XFS), 1 when there is none (kind NONE,
 * why says so: "no journal on tmpfs"), -1 with why filled on error.
 */
int sf_journal_open(struct sf_journal *j, const char *dir);
/* Read the counters now; -1 if the file cannot be read or parsed. */
int sf_journal_read(const struct sf_journal *j, struct sf_journal_count *c);

/*
 * How many of "requested" between reads a and b the filesystem may have
 * made on its own, asked by no path: xfs's log worker forces the log once
 * every xfssyncd_centisecs (xfs_log_worker -> xfs_log_force, 6.12:
 * fs/xfs/xfs_log.c:1324, 1347, requeued at 1293; 30 s by default,
 * fs/xfs/xfs_globals.c:21), so a phase of T seconds may hold T / period + 1
 * of them.  jbd2's timer commits are not in "requested": 0.
 */
uint64_t sf_journal_unasked(const struct sf_journal *j, const struct sf_journal_count *a,
			    const struct sf_journal_count *b);

/* What commits / requested mean for this kind, in words. */
const char *sf_journal_commits_name(const struct sf_journal *j);
const char *sf_journal_requested_name(const struct sf_journal *j);

/* Parsers, exposed for unit tests.  -1 when the text is not recognised. */
int sf_journal_parse_jbd2(const char *text, struct sf_journal_count *c);
int sf_journal_parse_xfs(const char *text, struct sf_journal_count *c);

#endif
