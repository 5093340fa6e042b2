/* SPDX-License-Identifier: MIT */
/*
 * The text of `syncfault compare`: 80 columns that survive an email, from
 * the rows sf_cmp_build decided (lib/results/sf_compare_rows.h); it
 * computes nothing the rows do not say.
 */
#ifndef SF_COMPARE_TEXT_H
#define SF_COMPARE_TEXT_H

#include <stdbool.h>
#include <stdio.h>

#include "sf_compare_rows.h"

/* One side as loaded: its results and where they came from. */
struct sf_cmp_text_side {
	const struct sf_cmp_side *c;
	const char *path;	/* the side's name: its first directory */
	int nmore;		/* more directories merged in */
	int nfiles;
};

struct sf_cmp_text_opts {
	double fdr;
	bool ignore_target;
	bool auto_ignore;	/* ignore_target chosen because nothing paired */
};

void sf_cmp_text(FILE *out, const struct sf_cmp_text_side *b, const struct sf_cmp_text_side *n,
		 const struct sf_cmp_text_opts *o, const struct sf_cmp *c);

/*
 * One tab-separated line per row (and per shared shift), with a header
 * line: what a script reads instead of the table.  The change and its
 * interval in %, positive = better; mark: WORSE, better, w?, b?, -, expl,
 * diag.
 */
void sf_cmp_tsv(FILE *out, const struct sf_cmp *c);

#endif
