/* SPDX-License-Identifier: MIT */
/*
 * What the crashtest command's parts share: its options, a trial and what
 * the verifier found, a target's run.  cmd_crashtest.c boots and kills,
 * crashtest_args.c reads the command line, crashtest_report.c tallies,
 * prints and writes the JSON.
 */
#ifndef CRASHTEST_H
#define CRASHTEST_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include "sf_modes.h"
#include "sf_vm.h"

#define MAX_MODES	8
#define MAX_TARGETS	2

struct ct_opts {
	const char *targets[MAX_TARGETS];
	int ntargets;
	const struct sf_mode *modes[MAX_MODES];
	int nmodes;
	int trials;
	uint64_t records;
	int window_ms;
	uint64_t seed;
	const char *json;
	const char *kernel, *modules;
	int timeout_s;
};

struct trial {
	const struct sf_mode *mode;
	int index;			/* trial number within its mode, 0-based */
	uint64_t nonce;
	uint64_t acked;
	/*
	 * An ACK line that did not arrive whole (a kernel message in the
	 * middle of it ...): harmless, since ACK s proves 1..s were durable
	 * (the writer acknowledges in order), but recorded.
	 */
	bool ack_gap;
	bool full;			/* the writer ran out of log before the kill */
	double kill_after_ms;		/* first ACK to SIGKILL */
	double write_s;			/* READY to SIGKILL */
	bool verified;
	/* the verifier's findings (crash.h VERIFY line) */
	uint64_t lost, lost_hole, lost_corrupt, lost_unreachable, first_lost;
	uint64_t reachable, beyond;
	bool mounted, file, size_ok, recovered;
	char mount_error[512];		/* why it did not mount: the guest kernel's words */
	char dax[8], map_sync[8];
	char features[64];		/* read from the superblock by the guest */
};

struct target_run {
	const char *target, *fs;
	struct sf_vm *vm;		/* the runner's guest */
	char work[PATH_MAX];		/* our temp dir: the consoles */
	char nvdimm[PATH_MAX + 32];	/* the crash NVDIMM's backing file */
	char release[128], kernel_desc[PATH_MAX];
	struct trial *trials;
	int ntrials;
	int boots;
	double boot_s_sum;		/* QEMU start to the guest's "ready" */
	double wall_s;
	char err[1024];
};

/* Parse the command line into o (defaults set by the caller); 0 or an exit status. */
int crashtest_parse_args(int argc, char **argv, struct ct_opts *o);

/* The table of one target's tallies, on stdout. */
void crashtest_print_target(const struct target_run *tr, const struct ct_opts *o);

/* Loud, on stderr: a durable mode that lost acknowledged records.  True if one did. */
bool crashtest_shout_failures(const struct target_run *tr, const struct ct_opts *o);

/* Every target's tallies and trials, written atomically to o->json. */
int crashtest_write_json(struct target_run *trs, int n, const struct ct_opts *o,
			 const char *started, double dur);

#endif
