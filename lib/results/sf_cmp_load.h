/* SPDX-License-Identifier: MIT */
/*
 * Loading one side of a comparison: every result of a result file, or of
 * every result file under a directory (sf_walk.h: each file once, links
 * to directories never followed), appended to the side.  compare's sides
 * and bisect's candidates load the same way.
 */
#ifndef SF_CMP_LOAD_H
#define SF_CMP_LOAD_H

#include <stdbool.h>
#include <stdio.h>

#include "sf_compare_rows.h"

/*
 * Append path's results to s, each with its run: the directory of its
 * file (nfiles counts the files read, may be NULL;
 * what the walk skipped is listed on skipped, NULL: not listed).  A
 * directory without result files is an error.  0, or -1 with a one-line err.
 */
int sf_cmp_side_load(struct sf_cmp_side *s, const char *path, int *nfiles, FILE *skipped,
		     char *err, size_t errlen);
/* Free the side's results and run ids (keys: sf_cmp_keys_free). */
void sf_cmp_side_free(struct sf_cmp_side *s);

#endif
