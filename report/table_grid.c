// SPDX-License-Identifier: MIT
/*
 * A declared table as grids (SF_TABLE_GRID): a row per value of one
 * parameter, a column per value of another, a grid per metric; under them
 * the notes, the rows that did not run and the break-evens.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sf_harness.h"
#include "table.h"

#define GRID_MAX	32	/* rows and columns of one grid */

/* The results of one grid: a row per value of t->row, a column per value of t->col. */
struct layout {
	const char *rowv[GRID_MAX], *colv[GRID_MAX];
	struct sf_result *at[GRID_MAX][GRID_MAX];
	int nr, nc;
};

/* Where value v of parameter k sorts: its place in the declared values, or its number. */
static double order_of(const struct sf_bench *b, const char *k, const char *v)
{
	const struct sf_param *p = sf_param_find(b->params, k);
	const char *pv;

	for (int i = 0; p && p->type == SF_PT_ENUM && (pv = sf_param_value(p, i)); i++)
		if (!strcmp(pv, v))
			return i;
	return atof(v);
}

static int slot(const char **vals, int *n, const char *v)
{
	for (int i = 0; i < *n; i++)
		if (!strcmp(vals[i], v))
			return i;
	if (*n == GRID_MAX)
		return -1;
	vals[*n] = v;
	return (*n)++;
}

static void lay_out(const struct sf_bench *b, const struct sf_table *t, struct sf_result **g,
		    int n, struct layout *lo)
{
	memset(lo, 0, sizeof(*lo));
	for (int i = 0; i < n; i++) {
		int r = slot(lo->rowv, &lo->nr, sf_result_param(g[i], t->row));
		int c = slot(lo->colv, &lo->nc, sf_result_param(g[i], t->col));

		if (r >= 0 && c >= 0)
			lo->at[r][c] = g[i];
	}
	/* columns in the parameter's order: insertion sort, a handful */
	for (int i = 1; i < lo->nc; i++)
		for (int j = i; j > 0 && order_of(b, t->col, lo->colv[j - 1]) >
					 order_of(b, t->col, lo->colv[j]); j--) {
			const char *v = lo->colv[j];

			lo->colv[j] = lo->colv[j - 1];
			lo->colv[j - 1] = v;
			for (int r = 0; r < lo->nr; r++) {
				struct sf_result *x = lo->at[r][j];

				lo->at[r][j] = lo->at[r][j - 1];
				lo->at[r][j - 1] = x;
			}
		}
}

static void grid_cell(const struct sf_column *c, struct sf_result *r, char *buf, size_t len)
{
	if (!r)
		buf[0] = 0;
	else if (r->status == SF_UNSUPPORTED)
		snprintf(buf, len, "unsupp.");
	else if (r->status != SF_OK)
		snprintf(buf, len, "error");
	else if (!sf_result_metric(r, c->key))
		snprintf(buf, len, TB_NONE);
	else
		tb_number(c, tb_unit_of(r, c->key), tb_stat(r, c->key, c->stat), buf, len);
}

static bool layout_has(const struct layout *lo, const char *metric)
{
	for (int r = 0; r < lo->nr; r++)
		for (int c = 0; c < lo->nc; c++)
			if (lo->at[r][c] && lo->at[r][c]->status == SF_OK &&
			    sf_result_metric(lo->at[r][c], metric))
				return true;
	return false;
}

/* Has the grid of c a point that ran without c's metric? */
static bool grid_empty(const struct sf_column *c, const struct layout *lo)
{
	for (int r = 0; r < lo->nr; r++)
		for (int k = 0; k < lo->nc; k++)
			if (lo->at[r][k] && lo->at[r][k]->status == SF_OK &&
			    !isfinite(tb_stat(lo->at[r][k], c->key, c->stat)))
				return true;
	return false;
}

/* The name of row r: t->row_name() of its first result, or the value. */
static void row_label(const struct sf_table *t, const struct layout *lo, int r, char *buf,
		      size_t len)
{
	for (int c = 0; t->row_name && c < lo->nc; c++)
		if (lo->at[r][c]) {
			t->row_name(lo->at[r][c], buf, len);
			return;
		}
	snprintf(buf, len, "%s", lo->rowv[r]);
}

static int one_grid(const struct sf_table *t, const struct sf_column *c, const struct layout *lo,
		    struct tb_section *sec)
{
	struct tb_grid *gr = tb_new_grid(sec, c->head, lo->nc + 1);
	char v[128];

	if (!gr)
		return -1;
	snprintf(v, sizeof(v), "%s \\ %s", t->row, t->col);
	if (tb_set(&gr->heads[0], v))
		return -1;
	gr->width[0] = t->row_width;
	gr->left[0] = true;
	for (int k = 0; k < lo->nc; k++) {
		gr->width[k + 1] = c->width;
		if (tb_set(&gr->heads[k + 1], lo->colv[k]))
			return -1;
	}
	for (int r = 0; r < lo->nr; r++) {
		struct tb_row *row = tb_new_row(gr);

		if (!row)
			return -1;
		row_label(t, lo, r, v, sizeof(v));
		if (tb_set(&row->cells[0], v))
			return -1;
		for (int k = 0; k < lo->nc; k++) {
			grid_cell(c, lo->at[r][k], v, sizeof(v));
			if (tb_set(&row->cells[k + 1], v))
				return -1;
		}
	}
	return 0;
}

/* A line per row with a point that did not run: the first one's reason. */
static int reasons(const struct layout *lo, struct tb_section *sec)
{
	for (int r = 0; r < lo->nr; r++)
		for (int c = 0; c < lo->nc; c++) {
			struct sf_result *x = lo->at[r][c];

			if (x && x->status != SF_OK) {
				if (tb_add(&sec->after, "  %s: %s: %s", lo->rowv[r],
					   sf_status_name(x->status), x->reason))
					return -1;
				break;
			}
		}
	return 0;
}

int tb_build_grids(const struct sf_bench *b, const struct sf_table *t, struct sf_result **g,
		       int n, struct tb_section *sec)
{
	struct layout *lo = malloc(sizeof(*lo));
	int ret = 0;

	if (!lo)
		return -1;
	lay_out(b, t, g, n, lo);
	for (const struct sf_column *c = t->cols; !ret && c->head; c++)
		if (!(c->flags & SF_COL_IF_ANY) || layout_has(lo, c->key))
			ret = one_grid(t, c, lo, sec);
	for (const struct sf_column *c = t->cols; !ret && c->head; c++)
		if ((!(c->flags & SF_COL_IF_ANY) || layout_has(lo, c->key)) && grid_empty(c, lo))
			ret = tb_footnote(c, c->head, sec);
	if (!ret)
		ret = tb_notes(t, g, n, sec);
	if (!ret && (t->flags & SF_TAB_REASONS))
		ret = reasons(lo, sec);
	if (!ret && t->breakeven && lo->nc > 1)
		ret = tb_breakevens(t, g, n, sec);
	free(lo);
	return ret;
}

