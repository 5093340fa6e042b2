/* SPDX-License-Identifier: MIT */
/*
 * Results: one per benchmark point (all repeats merged), in the JSON schema
 * of docs/results.md.  Written atomically; read back for compare and report.
 */
#ifndef SF_RESULT_H
#define SF_RESULT_H

#include <stdbool.h>
#include <stdio.h>
#include <json-c/json.h>

#include "sf_fmt.h"
#include "sf_stats.h"
#include "sf_probe.h"

#define SF_SCHEMA	1
#define SF_MAX_REPEATS	1000
/* What a reader accepts: far above what syncfault writes, bounded for compare. */
#define SF_MAX_RESULT_METRICS	256
#define SF_MAX_RESULT_PARAMS	256
#define SF_MAX_RESULT_CHECKS	256
#define SF_MAX_RESULTS_PER_FILE	100000

enum sf_status { SF_OK = 0, SF_UNSUPPORTED, SF_ERROR };
/* SF_DIAGNOSTIC: recorded and shown, never marked better or worse ("none"). */
enum sf_better { SF_LOWER = 0, SF_HIGHER, SF_DIAGNOSTIC };

struct sf_metric {
	char name[64];
	char unit[16];
	enum sf_better better;
	bool scalar;		/* one value per repeat (a rate, a count) */
	struct sf_samples s;	/* every sample of every repeat (writer side) */
	struct sf_hist hist;
	struct sf_summary sum;
	double *repeats;	/* per repeat: median of its samples, or the value */
	int nrepeats;
};

struct sf_check {
	char name[64];
	bool ok;
	char detail[384];
};

struct sf_kv {
	char *k, *v;
};

struct sf_result {
	int schema;
	char version[64];
	char bench[32];
	struct sf_kv *params;
	int nparams;
	char started[40];	/* ISO 8601 UTC */
	double duration_s;
	enum sf_status status;
	char reason[512];
	/*
	 * A repeat's own word (sf_disturbed) that it could not measure because
	 * something held it up, not the target: its error is the load's and
	 * the harness runs it again.  Never written to a result file.
	 */
	bool disturbed;
	struct sf_target target;
	json_object *env;	/* owned */
	json_object *info;	/* owned: benchmark-specific facts, may be NULL */
	json_object *attribution;	/* owned: the attribution pass (sf_attrib.h), may be NULL */
	struct sf_metric *metrics;
	int nmetrics;
	struct sf_check *checks;
	int nchecks;
};

const char *sf_status_name(enum sf_status s);

struct sf_metric *sf_result_metric(struct sf_result *r, const char *name);
const char *sf_result_param(const struct sf_result *r, const char *key);
/* A metric's median, its repeats' cv (NaN: no samples, fewer than 2 repeats). */
double sf_result_p50(struct sf_result *r, const char *metric);
double sf_result_repeat_cv(struct sf_result *r, const char *metric);
/* A fact in info: set one (after the run: analysis), read a number (NaN: none). */
void sf_result_info_set(struct sf_result *r, const char *key, json_object *v);
double sf_result_info_double(const struct sf_result *r, const char *key);
/* Same parameters apart from except (the same point of another variant)? */
bool sf_result_same_point_but(const struct sf_result *a, const struct sf_result *b,
			      const char *except);
void sf_result_free(struct sf_result *r);

/*
 * Does parameter k take more than one value among the results of bench
 * (those keep() accepts, when given)?  A missing parameter counts as "".
 * first carries the value seen so far across calls (several arrays, as
 * compare's two sides), or is NULL for one array.
 */
typedef bool (*sf_result_filter)(const struct sf_result *r, const void *arg);
bool sf_param_varies(const struct sf_result *res, int n, const char *bench, const char *k,
		     sf_result_filter keep, const void *arg, const char **first);

json_object *sf_result_to_json(const struct sf_result *r);
json_object *sf_target_to_json(const struct sf_target *t);
json_object *sf_checks_to_json(const struct sf_result *r);
/* Parse one result object; -1 with err naming the missing/bad key. */
int sf_result_from_json(json_object *o, struct sf_result *r, char *err, size_t errlen);

/* Write obj to path atomically (temp file in the same dir, fsync, rename). */
int sf_json_write_atomic(json_object *obj, const char *path, char *err, size_t errlen);
/*
 * Read a result file: one result object or an array of them (a run over a
 * parameter matrix).  Returns the count, or -1 with a one-line err.
 */
int sf_results_read(const char *path, struct sf_result **out, char *err, size_t errlen);
void sf_results_free(struct sf_result *r, int n);


/* The compact human summary printed after a run. */
void sf_result_print(const struct sf_result *r, FILE *f);
bool sf_result_checks_ok(const struct sf_result *r);

#endif
