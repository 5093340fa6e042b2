/* SPDX-License-Identifier: MIT */
/*
 * The sync benchmark's rooms: sync.c (parameters, setup, the measured
 * phase, run and the descriptor) and sync_proof.c (what a repeat proves
 * happened: read-back, durability, journal commits, write-back; and what
 * it reports).
 */
#ifndef SF_BENCH_SYNC_H
#define SF_BENCH_SYNC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sf_bench.h"
#include "sf_fault.h"
#include "sf_journal.h"
#include "sf_modes.h"
#include "sf_pagecache.h"

#define SZ_4K		(4096ul)
#define SZ_2M		(2ul << 20)
#define PAYLOAD_BYTE	0xc3

struct sync_run {
	struct sf_ctx *ctx;
	const struct sf_mode *mode;
	struct sf_file file;
	bool created;
	size_t pgsz, bytes, batch, nupdates, npages;
	size_t *off;		/* byte offset of each update */
	char *payload;
	struct sf_journal jnl;
	int jnl_state;		/* sf_journal_open(): 0 counting, 1 no journal, -1 error */
	struct sf_journal_count j0, j1;
	double total_ns;	/* sum of the timed windows */
	long faults;
	struct sf_blockdev bdev;	/* the target's block device, for write-back */
	int64_t wb;		/* bytes it wrote during the measured phase; -1 unknown */
};

uint64_t sync_update_tag(const struct sync_run *sr, size_t k);
int sync_journal_read(struct sync_run *sr, struct sf_journal_count *c);
/* After the measured phase: the checks, then the metrics and facts. */
void sync_report_updates(struct sync_run *sr, const char *pattern);
void sync_report_calls(struct sync_run *sr, const char *dirty);

#endif
