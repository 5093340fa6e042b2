/* SPDX-License-Identifier: MIT */
/*
 * Where syncfault finds what it reads at run time: the guest scripts
 * (scripts/vm/), the gnuplot scripts (plots/) and the suites (configs/).
 * One lookup for all of them, so an installed binary and a build-tree
 * binary behave the same:
 *
 *   1. $SYNCFAULT_DATADIR, or $SYNCFAULT_SOURCE (a source tree: same layout)
 *   2. BINDIR/../share/syncfault — installed (any prefix, relocatable)
 *   3. the source tree named in BINDIR/syncfault-datadir — the build tree
 *      (meson writes that file; it is never installed)
 *
 * A directory counts only if it holds scripts/vm/run.
 */
#ifndef SF_DATADIR_H
#define SF_DATADIR_H

#include <stddef.h>

/* The data directory, or NULL with err saying where it was looked for. */
const char *sf_data_dir(char *err, size_t errlen);
/*
 * DATADIR/rel into buf; -1 with a one-line err naming what is missing and
 * how to fix it when there is no data directory or rel is not in it.
 */
int sf_data_path(const char *rel, char *buf, size_t len, char *err, size_t errlen);

#endif
