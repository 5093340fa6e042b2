/* SPDX-License-Identifier: MIT */
/*
 * Target kinds, the way fio has I/O engines: one ops structure per kind
 * (a host directory, a guest on an emulated NVDIMM), so `run`, `suite` and
 * whatever comes next measure points through the same run() and get the
 * same results, analysed at the same place.
 */
#ifndef SF_TARGET_KINDS_H
#define SF_TARGET_KINDS_H

#include <stdbool.h>
#include <stddef.h>

#include "sf_bench.h"
#include "sf_harness.h"
#include "sf_guest_targets.h"
#include "sf_vm.h"

/* One point to measure, and its result once done. */
struct sf_job {
	const struct sf_bench *bench;
	const struct sf_point *pt;
	struct sf_point_opts opts;	/* repeats, plan, attribution: this job's own */
	char name[128];		/* file-safe: guest job and file names */
	struct sf_result *res;	/* filled when done */
	bool done;		/* res holds a result (ok, unsupported or error) */
	int tag;		/* the caller's own index */
};

struct sf_run_ctx {
	const struct sf_vm_opts *vm;	/* guest options (NULL: defaults) */
	/* guest job output and console logs go here and stay; NULL: a temp dir */
	const char *outdir;
	/* with a temp outdir: keep the console log next to this file */
	const char *keep_logs_as;
	/*
	 * Progress, as the target sees it: a point starts, a point ended (a
	 * guest says so on its console; its result comes after the boot),
	 * a point's result is in (job->res).  Each may be NULL.
	 */
	void (*starting)(struct sf_job *job, int i, int n, void *arg);
	void (*ended)(struct sf_job *job, void *arg);
	void (*finished)(struct sf_job *job, void *arg);
	/* after the analysis pass added its facts to the results */
	void (*analyzed)(struct sf_job *job, void *arg);
	/* asked before each point on a host: true starts no further one (NULL: never) */
	bool (*stop)(void *arg);
	void *arg;
};

struct sf_target_kind {
	const char *name;	/* "host", "vm" */
	const char *prefix;	/* "host:", "vm:": a spelling of this kind starts so */
	/* the spellings, for messages: "a directory, host:DIR" */
	const char *(*forms)(void);
	/* the spelling after the prefix into t (kind set): 0, or -1 with err */
	int (*parse)(const char *s, struct sf_target_spec *t, char *err, size_t errlen);
	/* capabilities of the target (SF_TGT_*) */
	unsigned int (*flags)(const struct sf_target_spec *t);
	/* check the target before anything runs: 0, or -1 with err */
	int (*probe)(const struct sf_target_spec *t, char *err, size_t errlen);
	/*
	 * Measure jobs[0..n) in order.  Returns 0 when the target ran (each
	 * job's own status is in its result; a job cut short by an interrupt
	 * is not done), -2 with err for bad input, -1 with err when the
	 * target failed (a guest that died): jobs without a result are not
	 * done.
	 */
	int (*run)(const struct sf_target_spec *t, struct sf_job *jobs, int n,
		   const struct sf_run_ctx *ctx, char *err, size_t errlen);
};

const struct sf_target_kind *sf_target_kind_of(const struct sf_target_spec *t);
/* Capabilities of a target (SF_TGT_*). */
unsigned int sf_target_spec_flags(const struct sf_target_spec *t);

/* kind->run, then the benchmarks' analysis over what finished. */
int sf_target_run(const struct sf_target_spec *t, struct sf_job *jobs, int n,
		  const struct sf_run_ctx *ctx, char *err, size_t errlen);

#endif
