/* SPDX-License-Identifier: MIT */
/*
 * The layout of a results directory, in one place: the suite writes it,
 * report and compare read it.
 *
 *	DIR/ID.json		a run's result (host runs; guest runs of one kernel)
 *	DIR/env.json		the host and the suite
 *	DIR/kernel-NAME/ID.json	with kernel = A, B: each kernel's guest runs
 *	KDIR/guest-STEM/	a guest boot's console log and job records
 *
 * An A/B directory (syncfault ab) holds such directories further down
 * (LABEL/round-N/).
 */
#ifndef SF_STORE_H
#define SF_STORE_H

#include <stddef.h>

#include "sf_walk.h"

/*
 * The directory of kernel's guest runs under dir: dir itself for NULL (one
 * kernel), else dir/kernel-NAME with the kernel spec's '/', ':', '+' and
 * blanks made '-'.
 */
void sf_store_kernel_dir(const char *dir, const char *kernel, char *buf, size_t len);
/* Where a guest boot of target stem (vm:ext4-dax: "ext4-dax") keeps its records. */
void sf_store_guest_dir(const char *kdir, const char *stem, char *buf, size_t len);

/*
 * The result files of a results directory: its own and those of its
 * kernel-NAME/ directories; where there are none, every one below it (an
 * A/B directory).  One walk: each file once (sf_walk.h).
 */
int sf_store_walk(const char *dir, struct sf_walk *w, char *err, size_t errlen);

#endif
