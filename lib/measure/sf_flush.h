/* SPDX-License-Identifier: MIT */
/*
 * Every way userspace can make a store durable, as one table: one entry per
 * primitive (cache-line flush after plain stores, non-temporal stores,
 * movdir64b, libpmem's own functions) plus two reference lines that are not
 * durable at all (plain stores, memset) so a reader sees what a flush adds.
 *
 * Each primitive writes len bytes from src to dst and makes them durable
 * with a fence policy, in any size and at any alignment: partial cache lines
 * at the ends are written with plain stores and flushed like the rest.
 */
#ifndef SF_FLUSH_H
#define SF_FLUSH_H

#include <stdbool.h>
#include <stddef.h>

#include "sf_params.h"
#include <stdint.h>

#include "sf_flush_insn.h"
#include "sf_modes.h"


/*
 * Fence policy, in cache lines of dst: sfence after every `every` lines
 * (1 = after each line), or only once at the end when every is
 * SF_FENCE_END.  Groups start at dst's first line, so with every = N the
 * first fence comes after the line holding dst + N - 1 lines.
 */
#define SF_FENCE_END	0

enum sf_prim_kind {
	SF_PRIM_FLUSH,		/* plain stores, then a flush instruction */
	SF_PRIM_NT,		/* non-temporal / direct stores */
	SF_PRIM_LIBPMEM,	/* libpmem's implementation (the reference) */
	SF_PRIM_REF,		/* not durable: context only */
};

/* Write len bytes of src to dst and make them durable (fence policy). */
typedef void (*sf_write_fn)(void *dst, const void *src, size_t len,
			    size_t every);
/* Make [dst, dst+len) durable without storing (lines already written). */
typedef void (*sf_flushonly_fn)(const void *dst, size_t len, size_t every);

struct sf_flush_prim {
	const char *name;
	const char *flag;	/* sf_cpu() flag it needs, NULL for none */
	const char *desc;	/* what one operation does, in words */
	enum sf_prim_kind kind;
	bool durable;		/* false for the reference lines */
	bool fill;		/* writes ((char *)src)[0] len times (memset) */
	sf_write_fn write;
	sf_flushonly_fn flush;	/* NULL: the primitive cannot flush alone */
};

/* NULL-terminated (name == NULL) table. */
extern const struct sf_flush_prim sf_flush_prims[];
const struct sf_flush_prim *sf_flush_find(const char *name);
/* The primitives as a parameter's values (flush --primitive). */
extern const struct sf_param_table sf_flush_values;
/* "clflush,clflushopt,..." for help texts */
const char *sf_flush_names(void);

/* 0 if this CPU can run p, else -1 with "<flag> missing" in reason. */
int sf_flush_supported(const struct sf_flush_prim *p, char *reason, size_t len);

/*
 * Timing a durable operation.  sfence orders later stores after the
 * flushes, but the core retires it without waiting for them to finish: on
 * the AMD VM this was written on, store+clwb+sfence of one line retires in
 * about 10 ns while the write-back takes ~150 ns more.  A sample therefore
 * drains (mfence: waits for earlier stores and flushes to complete) before
 * its start, so no earlier operation is still in flight, and before its
 * stop, so the operation's own write-back is inside the window:
 *
 *	sf_flush_drain(); t0 = sf_start(); op(); sf_flush_drain(); t1 = sf_stop();
 *
 * and sf_flush_sample_ns() subtracts the cost of that empty window.
 */
static inline void sf_flush_drain(void)
{
	__asm__ volatile("mfence" ::: "memory");
}

/* Median ticks of an empty drained sample; calibrated once per process. */
double sf_flush_drain_overhead(void);

/* A drained sample in ns with the empty window's cost subtracted (>= 0). */
double sf_flush_sample_ns(uint64_t t0, uint64_t t1);

/*
 * Memory to measure on: anonymous memory or a file mapped shared, bound to
 * one NUMA node, 2 MiB aligned (transparent huge pages asked for on anon
 * memory) and touched, so no page fault lands inside a measurement.
 */
struct sf_flush_buf {
	char *addr;
	size_t len;
	char *raw;		/* anonymous mapping (with alignment slack) */
	size_t raw_len;
	bool is_file;
	struct sf_file file;	/* when is_file */
	bool thp;		/* MADV_HUGEPAGE accepted */
	int node;		/* bound to this node, -1 when not bound */
};

/* NUMA node for "local", "remote" or a number, seen from cpu; -1 + reason. */
int sf_numa_pick(const char *spec, int cpu, char *reason, size_t len);
/*
 * len bytes bound to node (-1: first touch decides).  path NULL: anonymous;
 * else a new file there (mode "none"), mapped shared.  Returns 0 or -1 with
 * a one-line err.
 */
int sf_flush_buf_alloc(struct sf_flush_buf *b, size_t len, int node,
		       const char *path, char *err, size_t errlen);
/* len bytes of a device-DAX device from off (a multiple of its align), mapped shared. */
int sf_flush_buf_device(struct sf_flush_buf *b, size_t len, const char *dev, size_t off,
			size_t align, char *err, size_t errlen);
void sf_flush_buf_free(struct sf_flush_buf *b);
/*
 * Pages of b checked against its node (first, last, one per 2 MiB):
 * returns how many were elsewhere, -1 when the kernel would not say; the
 * node of the first page goes to *seen.
 */
int sf_flush_buf_misplaced(const struct sf_flush_buf *b, int *seen);

#endif
