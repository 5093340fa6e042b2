/* SPDX-License-Identifier: MIT */
/*
 * The persist step: make a range durable with the best cache-line flush
 * this CPU has (clwb, else clflushopt, else clflush) and a fence.  What the
 * durability modes (lib/measure/modes.c) do after their stores, and how the flush
 * primitives finish a partial line; the primitives themselves, one per
 * instruction, are the table of sf_flush.h.
 */
#ifndef SF_PERSIST_H
#define SF_PERSIST_H

#include <stddef.h>

/* Flush [addr, addr+len) to the persistence domain and fence. */
void sf_persist_range(const void *addr, size_t len);
/* The same in two halves: flush without fencing, then one fence for all. */
void sf_flush_range(const void *addr, size_t len);
void sf_persist_fence(void);
/* "clwb+sfence" ...: what sf_persist_range does on this CPU. */
const char *sf_persist_range_name(void);

#endif
