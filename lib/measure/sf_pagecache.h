/* SPDX-License-Identifier: MIT */
/*
 * The page-cache shape of a file, stated instead of assumed.  How a file
 * was filled decides the size of its page-cache folios (a 2 MiB write on a
 * filesystem with large folios makes a 2 MiB folio), and the folio size
 * decides what a fault maps and what one msync writes back.  So results on
 * a page-cache filesystem record the folio size the file ended up with and,
 * for sync, the bytes the block device wrote per update.
 */
#ifndef SF_PAGECACHE_H
#define SF_PAGECACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SF_FOLIO_ORDERS	19	/* 4 KiB .. 1 GiB */

/*
 * Folio census: for up to max_samples pages spread over the file that are
 * in the page cache (mincore), the size of the folio each belongs to.
 * Method: map the file read-only, read one byte of each resident page (no
 * allocation: it is cached), look up its PFN in /proc/self/pagemap and walk
 * the compound-head/tail flags of /proc/kpageflags to the folio's ends.
 * PFNs need CAP_SYS_ADMIN: without it, why says so and nothing is counted.
 */
struct sf_folios {
	size_t sampled;			/* pages looked at */
	size_t resident;		/* of those, in the page cache */
	size_t pages[SF_FOLIO_ORDERS];	/* resident pages in folios of 4 KiB << order */
	char why[128];			/* set when the census could not be taken */
};

int sf_folio_census(int fd, size_t size, size_t max_samples, struct sf_folios *out);
/* The folio size (bytes) most sampled pages had; 0 when none was counted. */
size_t sf_folios_typical(const struct sf_folios *f);
/* "2 MiB folios: 64 of 64 resident pages sampled" (or every size seen). */
void sf_folios_describe(const struct sf_folios *f, char *buf, size_t len);
/* For tests: the order of a folio of n pages (n a power of two). */
int sf_folio_order(size_t npages);

/*
 * Bytes written by the block device under a file (/sys/dev/block/M:m/stat,
 * sectors written, whole device including journal and other writers).
 */
struct sf_blockdev {
	char stat[96];		/* the stat file; "" when there is no device */
	char why[128];		/* why not, when stat is "" */
};

int sf_blockdev_of(int fd, struct sf_blockdev *b);
/* Bytes written so far; -1 when unreadable. */
int64_t sf_blockdev_written(const struct sf_blockdev *b);

/* The fill_chunk parameter of the benchmarks that fill files (fault, sync). */
#define SF_FILL_CHUNK_PARAM \
	{ "fill-chunk", SF_PT_ENUM, "auto", .values = { "auto", "4k", "64k", "2m" }, \
	  .help = "write size when filling a file before the measured phase (written class, overwrite pattern); on a page-cache filesystem with large folios it decides the folio size; auto = the page size (4k, or 2m for 2m pages)" }
/* Bytes of a validated fill-chunk value; auto is pgsz. */
size_t sf_fill_chunk_bytes(const char *val, size_t pgsz);

struct sf_ctx;
struct sf_file;
/*
 * State the page-cache shape of f in the result's info: fill_chunk, and on
 * a non-DAX target folio_size (bytes, the most common) and folios (text).
 */
void sf_state_pagecache(struct sf_ctx *ctx, const struct sf_file *f);

#endif
