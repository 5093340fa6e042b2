/* SPDX-License-Identifier: MIT */
/*
 * Suite configs (INI, read with libinih).  Every section but [global] is a
 * scenario; [global] is merged into each of them (the scenario's own keys
 * win).  Keys:
 *
 *   bench = NAME            the benchmark (required, here or in [global])
 *   target = T[,T...]       DIR, host:DIR or a guest target (sf_targets.h)
 *   repeats = N | auto      repeats per run (default: the suite's 5); auto:
 *                           adaptive, until the 95% interval of the median
 *                           is within precision = PCT (2), between
 *                           min_repeats (6) and max_repeats (30), at most
 *                           max_time = SEC (60) a run (as run --precision)
 *   attribute = yes|no      one more repeat, traced: time per kernel phase
 *   anything else           a parameter of the benchmark, possibly a comma list
 *
 * and, in [global] only: label (results directory name), vm_timeout
 * (seconds for one guest boot running all of its runs), nvdimm_size,
 * kernel = SPEC[, SPEC...] (guest kernels: every guest run is run on each,
 * see `syncfault kernel`; names are checked by the suite, not here),
 * timing = real|icount (the guests' clock: the host's, or QEMU's
 * instruction count, 1 ns per guest instruction; TCG only).
 *
 * Comma lists, target included, expand into their cartesian product; each
 * point is one run with a stable id.  Every problem in the file is found by
 * sf_config_load, before anything runs, and reported as one line naming
 * file:line, the section and key, and what to write instead.
 */
#ifndef SF_CONFIG_H
#define SF_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "sf_bench.h"
#include "sf_harness.h"
#include "sf_params.h"

#define SF_RUN_ID_MAX	128
#define SF_MAX_KERNELS	8

struct sf_run {
	/*
	 * File name stem of the run's result: the scenario name plus the
	 * values of the keys that vary inside the scenario.  The same config
	 * always gives the same ids, which is what --resume relies on.
	 */
	char id[SF_RUN_ID_MAX];
	const char *scenario;		/* section name (owned by the suite) */
	const struct sf_bench *bench;
	const char *target;		/* "host:/dev/shm", "vm:ext4-dax": canonical (owned) */
	const char *kernel;		/* guest runs: kernel = item (owned), or NULL */
	int repeats;			/* 0: the suite's default (or adaptive) */
	bool adaptive;			/* repeats = auto: by plan */
	struct sf_repeat_plan plan;
	bool attribute;			/* attribute = yes: an attribution pass */
	struct sf_point pt;		/* every parameter, defaults filled in */
	char label[512];		/* "target=... k=v" of the varying keys */
	int line;			/* the scenario's section header */
};

struct sf_suite {
	char path[4096];
	char label[64];			/* [global] label, else the file's stem */
	int vm_timeout_s;		/* 0: the guest runner's default */
	char nvdimm_size[32];		/* "": the guest runner's default */
	char timing[8];			/* guest clock: "real", "icount"; "": real */
	int timing_line;
	const char *kernels[SF_MAX_KERNELS];	/* [global] kernel = list (owned) */
	int nkernels;
	int kernel_line;
	struct sf_run *runs;
	int nruns;
	char **strings;			/* storage for scenario and target names */
	int nstrings;
};

/* Load and fully validate path against the built-in benchmarks. */
/* (defined with the benchmark table, benches/registry.c: lib/ does not name it) */
int sf_config_load(const char *path, struct sf_suite *s, char *err, size_t errlen);
/* The same against another NULL-terminated benchmark table (tests). */
int sf_config_load_with(const char *path, const struct sf_bench *const *benches,
			struct sf_suite *s, char *err, size_t errlen);
void sf_suite_free(struct sf_suite *s);

/* The directory of a host:DIR target, or NULL for a guest target. */
const char *sf_run_host_dir(const struct sf_run *r);

/* A run's options for its job; a fixed run without repeats = runs default_repeats. */
void sf_run_opts(const struct sf_run *r, int default_repeats, struct sf_point_opts *o);

/*
 * Command line for one run, as given to `syncfault run` (inside a guest or
 * in a child process): {"run", BENCH, "--p", "v", ..., "--repeats", "N"}.
 * Target and --json are not included.  Returns argc; free with
 * sf_run_argv_free.
 */
int sf_run_argv(const struct sf_run *r, char ***argv);
/*
 * The same for one point of a benchmark (repeats 0: the default), the
 * NULL-terminated extra arguments (or NULL) appended.
 */
int sf_point_argv(const struct sf_bench *b, const struct sf_point *pt, int repeats,
		  const char *const *extra, char ***argv);
void sf_run_argv_free(char **argv, int argc);

#endif
