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
};

struct sf_journal_count {
	uint64_t commits;	/* jbd2: transactions; xfs: log writes */
	uint64_t requested;	/* jbd2: requested commits; xfs: log forces */
};

/*
 * Find the counters for the filesystem holding dir.  Returns 0 when there
 * is a journal to count (kind JBD2 or XFS), 1 when there is none (kind NONE,
 * why says so: "no journal on tmpfs"), -1 with why filled on error.
 */
int sf_journal_open(struct sf_journal *j, const char *dir);
/* Read the counters now; -1 if the file cannot be read or parsed. */
int sf_journal_read(const struct sf_journal *j, struct sf_journal_count *c);

/* What commits / requested mean for this kind, in words. */
const char *sf_journal_commits_name(const struct sf_journal *j);
const char *sf_journal_requested_name(const struct sf_journal *j);

/* Parsers, exposed for unit tests.  -1 when the text is not recognised. */
int sf_journal_parse_jbd2(const char *text, struct sf_journal_count *c);
int sf_journal_parse_xfs(const char *text, struct sf_journal_count *c);

#endif
