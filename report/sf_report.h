/* SPDX-License-Identifier: MIT */
/*
 * Building a results directory's report.txt and plots from its result JSON
 * files alone (`syncfault report`, and the end of `syncfault suite`).
 */
#ifndef SF_REPORT_H
#define SF_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/*
 * Read the DIR/NAME.json result files (env.json aside), write DIR/plots/ (TSV data, the gnuplot
 * scripts, PNG, SVG and text renderings) and DIR/report.txt atomically.
 * Returns 0, or -1 with a one-line message in err (unreadable or invalid
 * result file, no results, unwritable directory).  Missing gnuplot is not
 * an error: report.txt then says the plots were not rendered.
 */
int sf_report_build(const char *dir, char *err, size_t errlen);

/* Several results directories merged into one report in out. */
int sf_report_build_dirs(const char *out, const char *const *dirs, int ndirs,
			 char *err, size_t errlen);

/*
 * One flat row per (result, metric) of every result under the directories
 * in[0..nin), as format "csv", "tsv" or "json": into out atomically, or to
 * stdout when out is NULL.  0, or -1 with err.
 */
int sf_report_export(const char *const *in, int nin, const char *fmt, const char *out,
		     char *err, size_t errlen);

struct sf_result;
struct sf_bench;

/*
 * The tables b declares (sf_bench.h) over its results res[0..n), as text:
 * the run summary after a matrix, and report.txt under each benchmark.
 */
void sf_tables_print(const struct sf_bench *b, struct sf_result *res, int n, FILE *f);

/*
 * One flat row per (result, metric) as format "csv", "tsv" or "json" to f;
 * files[i] names where res[i] came from.  Returns the rows written, or -1
 * with err (an unknown format, a write error).
 */
int sf_export_rows(const struct sf_result *res, char *const *files, int n, const char *format,
		   FILE *f, char *err, size_t errlen);

/* A figure of the report, for report.html. */
struct sf_html_fig {
	const char *stem;	/* plots/<stem>.svg */
	const char *title;
};

/* A line of the findings: a question's heading, or a finding under it. */
struct sf_html_line {
	bool head;
	const char *text;
};


struct sf_cmp;
/* What compare.html says of the comparison besides its rows. */
struct sf_cmp_page {
	const char *base, *new;		/* the sides' directories */
	double noise, fdr;		/* percent; rate */
};

/*
 * path (compare --html, OUT/compare.html of ab): the kernels of each side,
 * the marked rows with their phases, a forest plot per benchmark, every
 * row; atomically.  0, or -1 with err.
 */
int sf_compare_html(const char *path, const struct sf_cmp_page *pg, const struct sf_cmp *c,
		    char *err, size_t errlen);

#endif
