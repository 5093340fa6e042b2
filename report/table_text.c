// SPDX-License-Identifier: MIT
/*
 * The declared tables as text (the run summary, report.txt): every column
 * as wide as its widest cell, so that nothing is cut.
 */
#include <string.h>

#include "sf_report.h"
#include "table.h"

static int col_width(const struct tb_grid *gr, int c)
{
	int w = gr->width[c], l = tb_cols(gr->heads[c]);

	w = l > w ? l : w;
	for (size_t r = 0; r < gr->nrows; r++) {
		const struct tb_row *row = &gr->rows[r];

		if ((row->span && c >= row->nlead) || !row->cells[c])
			continue;
		l = tb_cols(row->cells[c]);
		w = l > w ? l : w;
	}
	return w;
}

/* One line of cells; the last left-aligned cell is not padded (no trailing blanks). */
static void cells(FILE *f, const struct tb_grid *gr, const int *w, char *const *cell, int n)
{
	fprintf(f, "  ");
	for (int c = 0; c < n; c++) {
		const char *s = cell[c] ? cell[c] : "";
		bool last = c == gr->ncols - 1;

		fprintf(f, "%s", c ? " " : "");
		tb_pad(f, s, gr->left[c] && last ? 0 : w[c], gr->left[c]);
	}
}

static void grid(FILE *f, const struct tb_grid *gr)
{
	int w[gr->ncols ? gr->ncols : 1];

	for (int c = 0; c < gr->ncols; c++)
		w[c] = col_width(gr, c);
	if (gr->title)
		fprintf(f, "  %s\n", gr->title);
	cells(f, gr, w, gr->heads, gr->ncols);
	fprintf(f, "\n");
	for (size_t r = 0; r < gr->nrows; r++) {
		const struct tb_row *row = &gr->rows[r];

		if (row->span) {
			cells(f, gr, w, row->cells, row->nlead);
			fprintf(f, " %s\n", row->span);
			continue;
		}
		cells(f, gr, w, row->cells, gr->ncols);
		fprintf(f, "%s\n", row->suffix ? row->suffix : "");
	}
}

void tb_write_text(const struct tb_doc *doc, FILE *f)
{
	for (size_t s = 0; s < doc->nsecs; s++) {
		const struct tb_section *sec = &doc->secs[s];

		for (size_t i = 0; i < sec->head.n; i++)
			fprintf(f, "%s\n", sec->head.s[i]);
		for (size_t g = 0; g < sec->ngrids; g++)
			grid(f, &sec->grids[g]);
		if (sec->blank_before_after)
			fprintf(f, "\n");
		for (size_t i = 0; i < sec->after.n; i++)
			fprintf(f, "%s\n", sec->after.s[i]);
		if (sec->blank_end)
			fprintf(f, "\n");
	}
}

void sf_tables_print(const struct sf_bench *b, struct sf_result *res, int n, FILE *f)
{
	struct tb_doc doc;

	if (!tb_build(b, res, n, &doc))
		tb_write_text(&doc, f);
	tb_free(&doc);
}
