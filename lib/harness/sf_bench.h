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

/*
 * A break-even the report and the run summary state: per line named in of
 * (values of parameter by), the smallest x at which its metric (a cost per
 * `per`) gets below the line ref's.  Paired once, in sf_breakeven_pairs()
 * (sf_analysis.h), for every renderer.
 */
struct sf_breakeven_spec {
	const char *metric;
	const char *x;			/* the batch parameter */
	const char *by;			/* the parameter whose values name the lines */
	const char *ref;
	const char *const *of;
	const char *per;		/* what the metric is per: "update" */
};

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
	/* optional, LINES: mark where lines get below a reference line */
	const struct sf_breakeven_spec *breakeven;
};

/*
 * A table of the run summary and the report.  A benchmark declares its
 * tables as it declares figures; report/ renders them (text and HTML), so
 * a benchmark prints nothing.  Facts across points that a table shows are
 * put into each result's info by the benchmark's analyze().
 */
enum sf_col_kind {
	SF_COL_PARAM,		/* the value of parameter key */
	SF_COL_METRIC,		/* statistic stat of metric key */
	SF_COL_CV,		/* metric key's cv across the repeats, in % */
	SF_COL_INFO,		/* the info fact key */
	SF_COL_CHANGE,		/* stat of metric key2 -> stat of metric key */
	SF_COL_RATIO,		/* stat of metric key / stat of metric key2 */
};

enum sf_stat { SF_STAT_P50, SF_STAT_P99, SF_STAT_P999 };

#define SF_COL_LEFT		0x1	/* left-aligned (names) */
#define SF_COL_PLAIN		0x2	/* a bare number with `decimals`, no unit (the heading names it) */
/* a bare count: whole, or with one decimal below 100 (unit ns: with its unit) */
#define SF_COL_COUNT		0x4
#define SF_COL_IF_VARIES	0x8	/* PARAM: only where its value varies in the table */
#define SF_COL_IF_ANY		0x10	/* GRID: only where some result has the metric */

struct sf_column {
	enum sf_col_kind kind;
	const char *key, *key2;
	const char *head;		/* GRID: the grid's title */
	enum sf_stat stat;
	int width;			/* text: at least this wide */
	int decimals;			/* SF_COL_PLAIN */
	unsigned int flags;
	/* why a result's cell can be empty; a footnote where one is (default: by kind) */
	const char *none;
};

/*
 * A line under a table.  text is a template: {p:NAME} a parameter, {m:NAME}
 * a metric's p50 with its unit ({m:NAME:.2}: the bare number, 2 decimals),
 * {i:KEY} an info fact ({i:KEY:.1} a number, {i:KEY:%0} a share in percent),
 * {w:KEY} the words paired with the value of info fact KEY in words[], {t:emulated}.  A line is written
 * only where every reference has a value.
 */
enum sf_note_kind {
	SF_NOTE_EACH,		/* a line per result */
	SF_NOTE_ONCE,		/* the first result's line only */
	/*
	 * Do the repeats agree: the cv of metric across repeats below goal,
	 * over the results whose parameter scope_param is at least scope_min;
	 * text names a result.
	 */
	SF_NOTE_AGREE,
};

struct sf_note {
	enum sf_note_kind kind;
	const char *text;
	const char *const *words;	/* {w:KEY}: value, words, value, words, ..., NULL */
	/* AGREE: */
	const char *metric, *what, *scope, *scope_param, *none;
	long scope_min;
	double goal;
};

enum sf_table_kind {
	SF_TABLE_ROWS,		/* a row per result, the columns cols[] */
	/*
	 * A row per value of parameter row, a column per value of parameter
	 * col (in the parameter's declared order; numbers ascending), a grid
	 * per entry of cols[] (its head the grid's title, its metric the cells).
	 */
	SF_TABLE_GRID,
};

/*
 * One table per group of results that share their parameters (but those
 * the table spreads out: row, col, the SF_COL_IF_VARIES columns, ignore)
 * and their filesystem; each headed by its title, the parameters they
 * share and the target.
 */
#define SF_TAB_GROUPS		0x1
#define SF_TAB_REASONS		0x2	/* GRID: a line per row that did not run: why */

struct sf_table {
	enum sf_table_kind kind;
	const char *title;		/* may hold more lines */
	const char *emulated;		/* template of the line an emulated target adds */
	const char *const *lead;	/* lines after the title */
	struct {
		const char *param, *value;
		bool not;		/* results whose param is not value */
	} where;
	const char *row, *col;		/* GRID */
	int row_width;			/* GRID: the row names' column */
	const char *const *ignore;	/* parameters that do not apply to these results */
	const struct sf_column *cols;	/* ended by one without a head */
	const struct sf_note *notes;	/* ended by one without text */
	/* GRID: a row's name, instead of the value of row */
	void (*row_name)(const struct sf_result *r, char *buf, size_t len);
	const struct sf_breakeven_spec *breakeven;	/* GRID: its lines under the grids */
	unsigned int flags;
};


/*
 * The questions of docs/design.md a run answers, in that order: the
 * report states its findings per question, first (sf_findings.h).
 */
enum sf_question {
	SF_Q_FAULT,		/* what one page fault costs, with and without MAP_SYNC */
	SF_Q_DURABLE,		/* time to durable per update; the break-even batch */
	SF_Q_DAXFILE,		/* what daxfile buys over MAP_SYNC */
	SF_Q_FLUSH,		/* the floor under the flush-only modes */
	SF_Q_CONTENTION,	/* what sync faults do to mmap_lock waiters */
	SF_Q_CRASH,		/* durability itself (syncfault crashtest) */
	SF_Q_AB,		/* what changed between kernel A and kernel B */
	SF_NQUESTIONS
};

/* How a benchmark's results answer a question (its facts: sf_findings.h). */
enum sf_find_kind {
	/*
	 * metric where parameter param is value, against where it is
	 * against, the rest equal (one comparison row per group, through
	 * sf_cmp_build(): change and interval as compare states them)
	 */
	SF_FIND_CONTRAST,
	SF_FIND_PAIR,		/* metric against metric2 of each result (loaded vs idle) */
	SF_FIND_BREAKEVEN,	/* the break-even of spec breakeven, per group */
	/* per value of parameter by: its best metric over the other parameters */
	SF_FIND_BEST,
};

struct sf_finding {
	enum sf_question q;
	enum sf_find_kind kind;
	const char *metric, *metric2;
	const char *param, *value, *against;	/* CONTRAST */
	const char *by;				/* BEST */
	const struct sf_breakeven_spec *breakeven;
	const char *what;	/* the words for metric: "a fault", "a locker's operation" */
	const char *as, *as2;	/* PAIR: the words for when metric and metric2 were measured */
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
	/* the tables of the run summary and the report, ended by one without a title */
	const struct sf_table *tables;
	/* what its results answer of docs/design.md's questions, ended by one without a metric */
	const struct sf_finding *findings;
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
/*
 * The repeat has no figure because something outside the target held it
 * up (its timeline shows its tasks stood still, or woke too late for the
 * plan): the reason says what it saw.  The harness runs the repeat again
 * and, when it keeps happening, marks the point unstable; it is never the
 * point's error.
 */
enum sf_status sf_disturbed(struct sf_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* A path for a new file inside this run's scratch directory. */
void sf_scratch_path(struct sf_ctx *ctx, const char *name, char *buf, size_t len);

/* Progress on long runs; shown only on a terminal. */
void sf_progress(struct sf_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Set by SIGINT/SIGTERM: long loops should stop early and clean up. */
extern volatile int sf_interrupted;

#endif
