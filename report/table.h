/* SPDX-License-Identifier: MIT */
/*
 * The tables benchmarks declare (struct sf_table, sf_bench.h), rendered:
 * built once from the declaration and the results into sections of cell
 * strings, then written as text (run summary, report.txt) or HTML.
 */
#ifndef SF_TABLE_H
#define SF_TABLE_H

#include <stdbool.h>
#include <stdio.h>

#include "sf_bench.h"

/* A value a cell does not have: an em dash, its reason in a footnote. */
#define TB_NONE	"\xe2\x80\x94"

/* The columns s takes on a terminal (UTF-8: a character each). */
int tb_cols(const char *s);
/* s padded with blanks to width columns, left- or right-aligned. */
void tb_pad(FILE *f, const char *s, int width, bool left);

/* A list of strings, each owned. */
struct tb_lines {
	char **s;
	size_t n, cap;
};

struct tb_row {
	char **cells;		/* ncols */
	int nlead;		/* a row that did not run: its first nlead cells, then span */
	char *span;
	char *suffix;		/* after the last cell (text), a note of the row (HTML) */
};

struct tb_grid {
	char *title;		/* or NULL */
	int ncols;
	char **heads;
	int *width;		/* declared: at least this wide */
	bool *left;
	struct tb_row *rows;
	size_t nrows, cap;
};

struct tb_section {
	struct tb_lines head;	/* title, shared parameters, target, lead */
	struct tb_grid *grids;
	size_t ngrids, cap;
	struct tb_lines after;	/* notes, reasons, break-evens */
	bool blank_before_after, blank_end;
};

struct tb_doc {
	struct tb_section *secs;
	size_t nsecs, cap;
};

/* Every table of b over res[0..n): 0, or -1 out of memory. */
int tb_build(const struct sf_bench *b, struct sf_result *res, int n, struct tb_doc *doc);
void tb_free(struct tb_doc *doc);
void tb_write_text(const struct tb_doc *doc, FILE *f);

/* Helpers of the builders. */
int tb_add(struct tb_lines *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void tb_lines_free(struct tb_lines *l);

/*
 * A note's template for r (sf_note): 0, or -1 where a reference has no
 * value (nothing written then).
 */
int tb_expand(const char *tpl, struct sf_result *r, const char *const *words, char *buf,
	      size_t len);

/* The notes of t under the group g[0..n) into sec->after. */
int tb_notes(const struct sf_table *t, struct sf_result **g, int n, struct tb_section *sec);

/* text wrapped at 80 columns (sf_wrap), a line each into l. */
int tb_add_wrapped(struct tb_lines *l, const char *first, int indent, const char *text);
/* The footnote of column c, headed head, under a table with an empty cell of it. */
int tb_footnote(const struct sf_column *c, const char *head, struct tb_section *sec);

/* GRID: the break-even lines of t over the group. */
int tb_breakevens(const struct sf_table *t, struct sf_result **g, int n, struct tb_section *sec);

/* The parts the builders share (table_build.c). */
struct tb_grid *tb_new_grid(struct tb_section *sec, const char *title, int ncols);
struct tb_row *tb_new_row(struct tb_grid *gr);
int tb_set(char **cell, const char *s);
/* A cell's number as column c shows it ("-" where there is none). */
void tb_number(const struct sf_column *c, const char *unit, double v, char *buf, size_t len);
const char *tb_unit_of(struct sf_result *r, const char *metric);
/* GRID: the grids of t over the group g[0..n), and the lines under them. */
int tb_build_grids(const struct sf_bench *b, const struct sf_table *t, struct sf_result **g,
		   int n, struct tb_section *sec);

/* A metric's statistic; NAN where r did not run or has no such metric. */
double tb_stat(struct sf_result *r, const char *metric, enum sf_stat st);
/* The cv of a metric across repeats; NAN with fewer than 2. */
double tb_cv(struct sf_result *r, const char *metric);

#endif
