/* SPDX-License-Identifier: MIT */
/*
 * Growing arrays: one helper instead of a realloc at every call site.
 *
 *	struct sf_event *ev = NULL;
 *	size_t n = 0, cap = 0;
 *
 *	if (SF_GROW(ev, n + 1, cap))
 *		return -1;	// out of memory: ev, n and cap untouched
 *	ev[n++] = e;
 *
 * Capacity doubles (at least 8 elements), so adding one at a time is
 * amortised O(1); the new tail is zeroed.  On failure nothing changes
 * and the old array is still the caller's to free.
 */
#ifndef SF_ARRAY_H
#define SF_ARRAY_H

#include <stddef.h>

/* Make room for at least need elements of elem bytes; 0, or -1 (errno ENOMEM). */
int sf_grow(void **ptr, size_t need, size_t *cap, size_t elem);

#define SF_GROW(ptr, need, cap)						\
	({								\
		void *sf_grow_p_ = (ptr);				\
		size_t sf_grow_c_ = (cap);				\
		int sf_grow_r_ = sf_grow(&sf_grow_p_, (need), &sf_grow_c_, \
					 sizeof(*(ptr)));		\
		(ptr) = sf_grow_p_;					\
		(cap) = sf_grow_c_;					\
		sf_grow_r_;						\
	})

#endif
