/* SPDX-License-Identifier: MIT */
/*
 * syncfault bisect: which patch of a series (or which commit of a range)
 * moved a watched row.  The series is a base (debian:6.12, a kernel tree)
 * and an ordered list of patches; candidate k is the base with patches
 * 1..k applied, built with `syncfault kernel build` (one object tree per
 * base: each step recompiles what the step changed) and measured with the
 * watched rows in rounds of one guest boot each.  A git range good..bad
 * is the same thing: base = good's tree, patches = each first-parent
 * commit's diff, so candidate k is the tree of the k-th commit.
 *
 * Each step compares the candidate with the base (candidate 0, the known
 * good) through the compare machinery, reading each watched row only
 * through sf_cmp_row_effect(): bad when a row the bad end moved is marked
 * worse; good when none is marked and each row's detectable change is
 * below the size asked for; otherwise one more round a side, up to a
 * limit, then "undecided" and stop with what is known.
 *
 * Every built kernel is the kernel cache's (named by source, patches and
 * config hash); every measurement is kept in the cache too, under the
 * kernel's key, the watched config's hash and the clock, so that a second
 * bisect over the same series (or a walk after a bisect) measures nothing
 * twice.  The bisect's directory holds the series, its log, links to the
 * candidates' measurements and the answer; the same command (or
 * --resume DIR) continues an interrupted bisect from it.
 */
#ifndef SF_BISECT_H
#define SF_BISECT_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#define SF_BISECT_MAX_PATCHES	512
#define SF_BISECT_MAX_WATCH	16

struct sf_bisect_opts {
	/* what to build: base + series, or a git tree and range */
	const char *base;	/* debian:6.12 or a kernel tree */
	const char *series;	/* quilt series file, directory of patches, or mbox */
	const char *tree, *good, *bad;	/* a git tree, good..bad */
	/* what to watch: rows "BENCH k=v ..." or a suite config */
	const char *watch[SF_BISECT_MAX_WATCH];
	int nwatch;
	const char *config;
	const char *target;	/* the watch rows' target (default vm:ext4-dax) */
	int repeats;		/* the watch rows' repeats (default 5) */
	/* how to decide */
	double size;		/* % change the bisect must be able to see */
	double noise;		/* compare's noise floor, % */
	int rounds, max_rounds;	/* per candidate: first, most */
	bool walk;		/* measure every prefix, draw the series */
	bool attribute;		/* phase lines under the answer */
	bool list;		/* print the series and the watched config, nothing else */
	bool build_only;	/* build every candidate, measure nothing */
	const char *timing;	/* the guests' clock, or NULL: the suite's default */
	int jobs;		/* kernel build -j; 0: all cores */
	const char *out;	/* the bisect's directory */
};

/*
 * Check what the options say before anything is built or measured: the
 * series or the range, the watched rows (the suite says what is wrong),
 * the numbers.  0, or SF_EXIT_USAGE with the one-line error printed.
 * With only_options, nothing is asked of another process (the fuzzer).
 */
int sf_bisect_check(struct sf_bisect_opts *o, bool only_options);

/*
 * Bisect (or walk) in o->out; cmd is the command line, kept in OUT/command
 * (a resumed bisect must be the same).  0 answered, 1 failed, 2 bad input,
 * 6 undecided, 130 interrupted.
 */
int sf_bisect_run(const struct sf_bisect_opts *o, const char *cmd);

#define SF_EXIT_UNDECIDED	6

#endif
