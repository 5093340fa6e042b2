/* SPDX-License-Identifier: MIT */
/*
 * The phase map checked against a kernel: is every row that applies to it
 * traceable there (in its available_filter_functions), which rows does it
 * lack by the table's version ranges, and is any phase left with no
 * traceable row.  `syncfault kernel check-phases` prints it.
 */
#ifndef SF_ATTRIB_CHECK_H
#define SF_ATTRIB_CHECK_H

#include <stdbool.h>
#include <stddef.h>

#include "sf_attrib_map.h"

/* The functions a kernel can trace: available_filter_functions' lines. */
struct sf_fnset {
	char **names;		/* owned, sorted, the module ("[ext4]") cut off */
	size_t n, cap;
	char release[128];	/* a "# release R" line of a recorded list, or "" */
};

/*
 * Add the names in text (one function a line, as available_filter_functions
 * prints them; '#' lines are comments, "# release R" names the kernel).
 * 0, or -1 when out of memory.
 */
int sf_fnset_add(struct sf_fnset *s, const char *text);
bool sf_fnset_has(const struct sf_fnset *s, const char *fn);
void sf_fnset_free(struct sf_fnset *s);

enum sf_row_verdict {
	SF_ROW_LIVE,		/* applies to this kernel and is traceable */
	SF_ROW_DEAD,		/* applies, and the kernel cannot trace it: the check fails */
	SF_ROW_ABSENT,		/* not for this kernel version (the table's since/until) */
};

struct sf_row_check {
	struct sf_phase_fn row;
	enum sf_row_verdict verdict;
	bool traceable;		/* the function (and the one it must be within) */
};

/* Dimensions of the verdict: phases and, after them, event kinds. */
#define SF_CHECK_SLOTS	(SF_PH_N + SF_EV_NKINDS + 1)

struct sf_phase_check {
	int kver;
	int nrows, ndead;
	struct sf_row_check rows[SF_ATTRIB_MAX_FNS];
	/* per phase (then per event kind, SF_PH_N + kind): rows that apply, traceable ones */
	int applies[SF_CHECK_SLOTS], live[SF_CHECK_SLOTS];
	int nblind;		/* phases and kinds with rows that apply and none traceable */
};

/*
 * Check every row of m (built for fs with kver 0, roles on: every row of
 * the table for fs, plus user rows) against kernel version kver and its
 * traceable functions.
 */
void sf_attrib_check(const struct sf_attrib_map *m, int kver, const struct sf_fnset *fns,
		     struct sf_phase_check *out);
/* The slot of a row: its phase, or SF_PH_N + its event kind. */
int sf_check_slot(const struct sf_phase_fn *r);
/* "allocation" or "fault" or "mmap_lock op" */
const char *sf_check_slot_name(int slot);

#endif
