/* SPDX-License-Identifier: MIT */
/*
 * The break-even computation of the sync benchmark, pure so that it can be
 * unit-tested on synthetic medians.
 */
#ifndef SYNC_H
#define SYNC_H

#include <stdbool.h>
#include <stddef.h>

enum sync_be_kind {
	SYNC_BE_NODATA,		/* no batch size with both medians */
	SYNC_BE_NEVER,		/* the batched mode is never cheaper in the range tried */
	SYNC_BE_FOUND,
};

struct sync_breakeven {
	enum sync_be_kind kind;
	long first, last;	/* smallest and largest batch size compared */
	int npoints;		/* batch sizes compared */
	/* FOUND: */
	long batch;		/* smallest tried batch at which the batched mode is cheaper */
	long below;		/* the tried batch before it (not cheaper); 0 when batch == first */
	double estimate;	/* crossing interpolated in log2(batch) between below and batch; NAN when below == 0 */
	long dearer_again;	/* first larger tried batch where it is not cheaper any more; 0 if none */
};

/*
 * From per-update medians at n batch sizes (any order; a NAN on either
 * side drops that batch size), find the smallest batch size at which
 * batched[i] < per_update[i]: "the batched mode is cheaper per update".
 * Returns 0, or -1 when two entries name the same batch size or a batch
 * size is below 1.
 */
int sync_breakeven(const long *batch, const double *per_update, const double *batched,
		   int n, struct sync_breakeven *out);

/* One line in words: "msync is cheaper than mapsync from batch 16 on ..." */
void sync_breakeven_str(const struct sync_breakeven *be, const char *sync_mode,
			const char *batched_mode, char *buf, size_t len);

#endif
