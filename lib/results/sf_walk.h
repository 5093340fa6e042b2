/* SPDX-License-Identifier: MIT */
/*
 * The results-directory walker of compare and report: every result file
 * (*.json but env.json and hidden files) under a directory, each file once
 * however many names it has (by device and inode), symlinks to directories
 * never followed (a link to itself or `latest -> round-2` would count the
 * same results twice: a false regression), and a list of what was skipped
 * and why.
 */
#ifndef SF_WALK_H
#define SF_WALK_H

#include <stdbool.h>
#include <stdio.h>

/* Bounds: far above a results directory, below what would stall compare. */
#define SF_WALK_MAX_FILES	100000
#define SF_WALK_MAX_DEPTH	16

struct sf_walk {
	char **files;		/* full paths, sorted */
	int nfiles;
	char **skipped;		/* "PATH: why" */
	int nskipped;
};

/*
 * Collect the result files under dir (recursive: in subdirectories too).
 * -1 with a one-line err if dir cannot be read or holds too many files.
 */
int sf_walk_results(const char *dir, bool recursive, struct sf_walk *w,
		    char *err, size_t errlen);
/*
 * The same, going into the subdirectories into() accepts: name, and the
 * depth of the directory it is in (1: dir itself); NULL: none.
 */
typedef bool (*sf_walk_into)(const char *name, int depth);
int sf_walk_results_into(const char *dir, sf_walk_into into, struct sf_walk *w,
			 char *err, size_t errlen);
/* "syncfault: skipped ..." lines on f, at most max of them and a count. */
void sf_walk_print_skipped(const struct sf_walk *w, FILE *f, int max);
void sf_walk_free(struct sf_walk *w);

#endif
