/* SPDX-License-Identifier: MIT */
/*
 * What the report's modules share: one struct report per build (no state
 * at file level), the figures it collects, the lines of a figure.
 *
 *	load.c		the result files of the input directories (sf_store.h)
 *	label.c		target kinds, labels, the partitions figures are drawn in
 *	series.c	the lines of a figure, written as TSV blocks
 *	figure.c	a figure's files and titles; the table of figure kinds
 *	fig_*.c		one file per kind of figure (sf_fig_kind)
 *	gnuplot.c	rendering every figure to PNG, SVG and text
 *	findings.c	the findings on top (sf_findings.h, phrased)
 *	text.c		report.txt
 *	html.c		report.html
 *	compare_html.c	compare.html, the A/B page with its forest plot
 */
#ifndef SF_REPORT_INT_H
#define SF_REPORT_INT_H

#include <stdbool.h>
#include <stdio.h>

#include "sf_bench.h"
#include "sf_report.h"

struct fig {
	char stem[160];		/* plots/<stem>.{tsv,png,svg,txt} */
	char script[64];	/* plots/<script> */
	char title[320];
	char vars[320];		/* more gnuplot -e assignments */
	int nseries;
	bool key;		/* its text version goes into report.txt */
};

struct report {
	const char *dir;		/* where report.txt and plots/ go */
	const char *const *in;		/* the results directories read */
	int nin;
	char plots[4096];
	struct sf_result *res;
	char **file;		/* the file each result came from */
	int n, nfiles;
	size_t rcap, fcap;
	json_object *envjson;	/* DIR/env.json, or NULL */
	struct fig *figs;
	int nfigs;
	size_t figcap;
	FILE *text;		/* text versions of the figures, for report.txt */
	char *text_buf;
	size_t text_len;
	bool have_gnuplot;
	bool table;		/* labels for the tables: variation over all targets */
	bool breakeven_head;	/* the break-even notes have their heading */
	char gp_problem[512];
	/* the guests' results: of several kernels, and what their titles say */
	bool several_guest_kernels;
	const char *emu_title, *emu_accel;
	/* the findings, as lines (findings.c) */
	struct sf_html_line *find;
	int nfind;
	size_t findcap;
};

/* ---- load.c ---- */
int rp_load(struct report *rp, char *err, size_t errlen);
void rp_unload(struct report *rp);

/* ---- label.c ---- */
void rp_note_guests(struct report *rp);
const char *rp_emulated_label(const struct sf_target *t);
/* "ext4-dax-emulated", "anon-DRAM", "ext4-dax-emulated@6.12" */
void rp_target_kind(const struct report *rp, const struct sf_result *r, char *buf, size_t len);
/* The target as exports and report.html name it: "ext4-dax-emulated" */
void rp_target_name(const struct sf_result *r, char *buf, size_t len);
/*
 * Label of a result from the parameters that vary across the bench's
 * results (for figures: across those of the same target kind): with
 * of_series, those in series (series == NULL: all but x); otherwise those
 * not in series and not x (which figure a result belongs to).
 */
void rp_label(const struct report *rp, const struct sf_result *r, const char *const *series,
	      bool of_series, const char *x, char *buf, size_t len);
/* The figure a result belongs to: target kind plus the other varying params. */
void rp_partition(const struct report *rp, const struct sf_result *r, const char *const *series,
		  const char *x, char *buf, size_t len);
/* Distinct partitions of the ok results of bench that have metric (any, when NULL). */
int rp_partitions(struct report *rp, const char *bench, const char *metric,
		  const char *const *series, const char *x, char parts[][256], int max);
bool rp_in_partition(struct report *rp, struct sf_result *r, const char *bench,
		     const char *metric, const char *const *series, const char *x,
		     const char *part);

/* ---- series.c ---- */
struct series {
	char name[160];
	struct { double x, y; } *p;
	int n;
	size_t cap;
};

#define MAX_SERIES	64

/* The series named name ("all" when empty) of s[0..*ns), added if new; NULL when full. */
struct series *series_get(struct series *s, int *ns, const char *name);
void series_add(struct series *s, double x, double y);
void series_sort(struct series *s);
void series_free(struct series *s, int n);
/* The figure's data file, one block per series. */
void series_save(struct report *rp, const struct fig *f, struct series *s, int ns,
		 const char *xfmt);
/* Largest over smallest positive y; the smallest and largest x. */
double series_span(const struct series *s, int n);
double series_xmin(const struct series *s, int n);
double series_xmax(const struct series *s, int n);
/* A metric's value per repeat, the median of them (or its p50). */
double rp_median_repeats(const struct sf_metric *m);

/* ---- figure.c ---- */
struct fig *rp_new_fig(struct report *rp, const char *script, const char *prefix,
		       const char *part, const char *what, bool emulated);
/* A figure of ns series, or NULL (s freed) when there is nothing to draw. */
struct fig *rp_series_fig(struct report *rp, const char *script, const char *prefix,
			  const char *part, const char *title, bool emu, struct series *s, int ns);
FILE *rp_open_tsv(struct report *rp, const struct fig *f);
/* The gnuplot script of a declared figure: its own, or plots/<name>.gp. */
void rp_fig_script(const struct sf_figure *d, char *buf, size_t len);
void rp_fig_title(const struct sf_figure *d, char *buf, size_t len);
/* " - EMULATED (QEMU TCG)" at the end of f's title. */
void rp_fig_emulated(const struct report *rp, struct fig *f);

/*
 * A kind of figure a benchmark can declare (enum sf_fig_kind): one file
 * fig_NAME.c defines its ops, figure.c's table lists it.
 */
struct fig_kind {
	const char *name;
	/* every figure of declaration d of benchmark b this report has data for */
	void (*draw)(struct report *rp, const struct sf_bench *b, const struct sf_figure *d);
};

extern const struct fig_kind fig_kind_cdf, fig_kind_lines, fig_kind_idle_loaded;

/* Every figure every benchmark declares, then the attribution figures. */
void rp_figures(struct report *rp);
/* fig_attrib.c: who pays, from the results' attribution passes */
void rp_fig_attrib(struct report *rp);

/* ---- gnuplot.c ---- */
/* plots/ belongs to the report: drop what an earlier build left there. */
void rp_clean_plots(struct report *rp);
void rp_render(struct report *rp);

/* ---- findings.c ---- */
/* The findings of the results, as lines in rp->find; 0, or -1 out of memory. */
int rp_findings(struct report *rp);
void rp_findings_free(struct report *rp);
/* What the findings' numbers are, said once above them. */
const char *rp_findings_intro(const struct report *rp);
/* The findings as report.txt states them, at its top. */
void rp_print_findings(const struct report *rp, FILE *f);

/* ---- rows.c: a benchmark's compact table, a row per result ---- */
enum {				/* why a row's cell is TB_NONE: its footnote */
	RP_SCALAR = 1,		/* one value per repeat: no p99 */
	RP_NO_METRIC = 2,	/* the result has no metric */
	RP_NO_SAMPLES = 4,	/* its headline metric has no sample */
};
#define RP_NNOTES	3

struct rp_row {
	struct sf_result *r;
	const char *file;	/* where it came from */
	char label[256];	/* the parameters that vary: "mapsync hole pages=256" */
	char target[96];	/* "ext4-dax-emulated" */
	const char *metric;	/* the headline metric, NULL when none */
	char p50[32], p99[32];
	char checks[256];	/* "ok", "none", "FAILED: name..." */
	unsigned int none;	/* RP_*: why a cell is empty */
};

/* The rows of bench's results, in the results' order: their count, or -1. */
int rp_rows(struct report *rp, const char *bench, struct rp_row **rows);
/* The headline metric every row with one shows, or NULL when they differ. */
const char *rp_rows_metric(const struct rp_row *rows, int n);
/* The footnotes the rows need (why a cell is empty): their count. */
int rp_rows_notes(const struct rp_row *rows, int n, const char *notes[RP_NNOTES]);

/* ---- html.c ---- */
/* s with & < > " escaped, for report.html and compare.html */
void rp_html_esc(FILE *f, const char *s);
/* DIR/report.html: the findings, the figures, the compact tables, report.txt. */
int rp_write_html(struct report *rp, const struct sf_html_fig *figs, int nfigs,
		  const char *report_txt, char *err, size_t errlen);

/* ---- text.c ---- */
int rp_write_text(struct report *rp, char *err, size_t errlen);

#endif
