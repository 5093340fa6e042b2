/* SPDX-License-Identifier: MIT */
/*
 * Running a suite (syncfault suite): its runs into one results directory.
 * The CLI parses the options and loads the config; this is everything
 * after that: the checks before anything runs, the directory and env.json,
 * the runs target by target with a progress line, --shard's split and the
 * kernels' comparison.
 */
#ifndef SF_SUITE_RUN_H
#define SF_SUITE_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <json-c/json.h>

#include "sf_config.h"
#include "sf_target_kinds.h"

#define SF_SUITE_REPEATS	5	/* as syncfault run */

enum sf_run_state { SF_RUN_PENDING, SF_RUN_DONE, SF_RUN_SKIPPED };

struct sf_suite_opts {
	const char *config;
	const char *out;
	const char *resume;
	const char *label;
	bool list;
	int shard, nshards;	/* --shard K/N: this is shard K (1-based) of N; 0/0 none */
	struct sf_vm_opts vm;
};

struct progress {
	int total, done;	/* runs of this invocation */
	double t0;
	double host_s, guest_s;	/* time spent on finished runs of each kind */
	int host_n, guest_n;
	int pending_host, pending_guest;
};

struct sf_suite_state {
	struct sf_suite cfg;
	struct sf_suite_opts o;
	char dir[4096];
	enum sf_run_state *state;
	enum sf_status *status;	/* of DONE runs */
	bool *checks_failed;
	struct progress pg;
	double prev_wall;	/* wall time of earlier invocations (resume) */
	int printed;		/* runs reported on stdout so far */
	char config[4096];	/* the config as first given (resume keeps it) */
	char started[40];
	/* how this invocation's runs stopped repeating, and how many stayed disturbed */
	int stops[5], unstable;
	/* the first invocation's guest options (--kernel ...), kept by --resume */
	char prev_vm[4][1024];
	/* a result could not be written (a full disk ...): no further run starts */
	bool write_failed;
};

/* Before anything runs: every target probed, guest options and kernels checked. */
int sf_suite_check_targets(struct sf_suite_state *s);
/* The results directory: -o (new or empty), --resume, or results/<time>-<label>. */
int sf_suite_make_dir(struct sf_suite_state *s);
/*
 * What an earlier invocation recorded in env.json: its start, wall time,
 * config, --shard and guest options (--kernel, --modules, --accel,
 * --timing): a resumed suite runs the same runs the same way as the first
 * invocation; a different one given again is refused, exit 2.
 */
int sf_suite_read_previous(struct sf_suite_state *s);
/* --resume: remove the temp files (*.tmp, *.tmp.PID) a killed syncfault left; how many. */
int sf_suite_remove_leftovers(const struct sf_suite_state *s);
/* A file of the results directory could not be written: one line, naming the fix. */
void sf_suite_write_error(const struct sf_suite_state *s, const char *err, int errnum);
/* env.json, atomically: the host environment plus what the suite did so far. */
int sf_suite_write_env(struct sf_suite_state *s, bool done, char *err, size_t errlen);
/* --shard K/N: drop the runs of the other shards. */
void sf_suite_shard_filter(struct sf_suite_state *s);

/* Where a kernel's guest runs go, and one run's file. */
void sf_suite_kernel_dir(const struct sf_suite_state *s, const char *kernel, char *buf, size_t len);
void sf_suite_result_path(const struct sf_suite_state *s, const struct sf_run *r, char *buf, size_t len);
/* A run is finished when its file holds an ok or unsupported result. */
bool sf_suite_finished_before(struct sf_suite_state *s, int i);

/* --list: id, target[@kernel] and the run's command line, a line each. */
void sf_suite_list_runs(struct sf_suite_state *s);
/* Every pending run, host targets first; the number of targets that failed. */
int sf_suite_run_all(struct sf_suite_state *s);
/* kernel = A, B ...: each later kernel's guest runs compared with the first's. */
void sf_suite_compare_kernels(struct sf_suite_state *s);

/* How this invocation's finished runs stopped repeating. */
json_object *sf_suite_repeats_json(const struct sf_suite_state *s);
void sf_suite_print_repeats(const struct sf_suite_state *s);
/* 0, 4 (a check failed), 1 (an error or a run without result) or 130. */
int sf_suite_exit_status(struct sf_suite_state *s, int failures);

#endif
