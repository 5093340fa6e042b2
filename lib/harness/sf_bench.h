/* SPDX-License-Identifier: MIT */
/*
 * What a benchmark sees.  A benchmark is one descriptor and one run
 * function measuring one repeat of one parameter point; the harness does
 * parsing, repeats (each in its own process), statistics and output.
 */
#ifndef SF_BENCH_H
#define SF_BENCH_H

#include <stdarg.h>

#include "sf_clock.h"
#include "sf_params.h"
#include "sf_result.h"
#include "sf_probe.h"

struct sf_ctx {
	const struct sf_point *pt;
	const struct sf_target *target;
	const char *scratch;		/* our own directory inside the target */
	int repeat;			/* 0-based index of this repeat */
	struct sf_result *res;		/* filled by the helpers below */
};

#define SF_BENCH_NEEDS_TARGET	0x1	/* works on files in a target dir */
/*
 * Runs on a device-DAX target too (its memory is the device mapping,
 * ctx->target->devdax); without it such a target is unsupported: "device
 * DAX has no filesystem".
 */
#define SF_BENCH_DEVDAX		0x2
#define SF_BENCH_ONE_TASK	0x4	/* a repeat is one task: an attribution pass may pin it */
/*
 * Its tasks have roles (faulter, locker: sf_attrib_role()); an attribution
 * pass also traces the lockers' mmap_lock operations and folds by role.
 */
#define SF_BENCH_ROLES		0x8

/*
 * A figure of the report.  A benchmark lists its figures in its descriptor
 * and `syncfault report` draws them, one per target kind and combination
 * of the parameters that vary but name no line; a new benchmark needs no
 * change in src/ to appear there.  The kinds are the renderers report has.
 */
enum sf_fig_kind {
	SF_FIG_CDF,		/* CDF of metric's merged histogram (latency, us) */
	SF_FIG_LINES,		/* metric versus parameter x, a line per series */
	SF_FIG_IDLE_LOADED,	/* every NAME_idle (_baseline) / NAME_loaded pair: p50, p99 */
};

#define SF_FIG_KEY		0x1	/* its plain-text plot goes into report.txt */
#define SF_FIG_X_SIZE		0x2	/* x is a size (4k, 2m), not a count */
/* y is the median of the per-repeat values; without it the p50 of all samples (ns as us) */
#define SF_FIG_Y_REPEATS	0x4
#define SF_FIG_TABLE		0x8	/* report.txt shows its values as a table */
#define SF_FIG_LOGY_AUTO	0x10	/* log y where the values span more than 30x */

struct sf_figure {
	enum sf_fig_kind kind;
	/* plots/<name>.gp draws it (unless script says), into plots/<name>-<part>.* */
	const char *name;
	const char *script;		/* optional: another gnuplot script in plots/ */
	const char *title;
	const char *subtitle;		/* optional: after the title, ", subtitle" */
	const char *metric;		/* CDF, LINES */
	const char *x;			/* LINES: the parameter on the x axis */
	/* the parameters whose values name the lines; NULL: all others that vary */
	const char *const *series;
	unsigned int flags;
	/* optional, LINES: the name of r's line, instead of its series values */
	void (*series_name)(const struct sf_result *r, char *buf, size_t len);
	/*
	 * optional, LINES: the batch (x) from which each line named in
	 * breakeven_of gets below the line breakeven_ref (sf_analysis.h)
	 */
	const char *breakeven_ref;
	const char *const *breakeven_of;
	const char *breakeven_per;	/* what the metric is per: "update" */
};

struct sf_bench {
	const char *name;
	const char *summary;		/* one line, for `syncfault list` */
	const char *help;		/* a paragraph, for `run BENCH --help` */
	const struct sf_param *params;
	unsigned int flags;
	/* the metric tables (report, compare) show first for this benchmark */
	const char *primary_metric;
	/* the report's figures of this benchmark, ended by one without a name */
	const struct sf_figure *figures;
	/*
	 * optional: the parameter value with which a point measured memory
	 * that is not the target's (flush memory=anon: DRAM); report files
	 * such results under label instead of the target kind
	 */
	struct {
		const char *param, *value, *label;
	} own_memory;
	enum sf_status (*run)(struct sf_ctx *ctx);
	/*
	 * optional: analysis across the points of a matrix, facts into each
	 * result's info (pure: no output).  Called at the same place for run
	 * and suite, so a result carries the same keys however it was made.
	 */
	void (*analyze)(struct sf_result *res, int n);
	/* optional: the text summary of a matrix, from its results (prints only) */
	void (*summarize)(struct sf_result *res, int n, FILE *f);
};

extern const struct sf_bench *const sf_benches[];
const struct sf_bench *sf_bench_find(const char *name);

/* Parameters of this point (validated before run() is called). */
const char *sf_p_str(struct sf_ctx *ctx, const char *name);
int64_t sf_p_int(struct sf_ctx *ctx, const char *name);

/* Metrics: created on first use, by name. */
struct sf_metric *sf_metric(struct sf_ctx *ctx, const char *name,
			    const char *unit, enum sf_better better);
/* Pre-size for n samples so that adding is allocation-free in the loop. */
int sf_metric_reserve(struct sf_metric *m, size_t n);
static inline void sf_metric_add(struct sf_metric *m, double v)
{
	if (m->s.n < m->s.cap) {
		m->s.v[m->s.n++] = v;
		m->s.sorted = 0;
	} else {
		sf_samples_add(&m->s, v);
	}
}
/* A metric with one value per repeat (rates, counts). */
void sf_metric_set(struct sf_metric *m, double v);

/* The benchmark's proof that it measured what it claims. */
void sf_check(struct sf_ctx *ctx, const char *name, bool ok,
	      const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Benchmark-specific facts for the result's "info" object. */
void sf_info_int(struct sf_ctx *ctx, const char *key, int64_t v);
void sf_info_double(struct sf_ctx *ctx, const char *key, double v);
void sf_info_str(struct sf_ctx *ctx, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Return values of run() that carry a reason. */
enum sf_status sf_unsupported(struct sf_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
enum sf_status sf_fail(struct sf_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* A path for a new file inside this run's scratch directory. */
void sf_scratch_path(struct sf_ctx *ctx, const char *name, char *buf, size_t len);

/* Progress on long runs; shown only on a terminal. */
void sf_progress(struct sf_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Set by SIGINT/SIGTERM: long loops should stop early and clean up. */
extern volatile int sf_interrupted;

#endif
