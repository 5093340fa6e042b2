// SPDX-License-Identifier: MIT
/*
 * Building the tables a benchmark declares (sf_bench.h) from its results:
 * which results, in which groups, and the text of every cell.  Writers
 * (table_text.c, HTML) only lay the cells out.
 */
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "sf_array.h"
#include "sf_harness.h"
#include "sf_util.h"
#include "table.h"

int tb_add(struct tb_lines *l, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (r < 0)
		return -1;
	if (SF_GROW(l->s, l->n + 1, l->cap)) {
		free(s);
		return -1;
	}
	l->s[l->n++] = s;
	return 0;
}

void tb_lines_free(struct tb_lines *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->s[i]);
	free(l->s);
	memset(l, 0, sizeof(*l));
}

double tb_stat(struct sf_result *r, const char *metric, enum sf_stat st)
{
	struct sf_metric *m = r->status == SF_OK ? sf_result_metric(r, metric) : NULL;

	if (!m || !m->sum.n)
		return NAN;
	return st == SF_STAT_P99 ? m->sum.p99 : st == SF_STAT_P999 ? m->sum.p999 : m->sum.p50;
}

double tb_cv(struct sf_result *r, const char *metric)
{
	struct sf_metric *m = r->status == SF_OK ? sf_result_metric(r, metric) : NULL;

	return m && m->nrepeats > 1 ? sf_cv_of(m->repeats, (size_t)m->nrepeats) : NAN;
}

const char *tb_unit_of(struct sf_result *r, const char *metric)
{
	struct sf_metric *m = sf_result_metric(r, metric);

	return m ? m->unit : "";
}

/* ---- which results, in which groups ---- */

static bool selected(const struct sf_table *t, const struct sf_result *r)
{
	const char *v = t->where.param ? sf_result_param(r, t->where.param) : NULL;

	if (t->kind == SF_TABLE_GRID && (!sf_result_param(r, t->row) || !sf_result_param(r, t->col)))
		return false;
	if (!t->where.param)
		return true;
	return v && (strcmp(v, t->where.value) != 0) == t->where.not;
}

/* A parameter the table spreads over its rows and columns, or ignores. */
static bool spread(const struct sf_table *t, const char *k)
{
	return (t->row && !strcmp(k, t->row)) || (t->col && !strcmp(k, t->col)) ||
	       sf_in_list(k, t->ignore);
}

/* A parameter with a column where it varies. */
static bool column_if_varies(const struct sf_table *t, const char *k)
{
	for (const struct sf_column *c = t->cols; c && c->head; c++)
		if (c->kind == SF_COL_PARAM && (c->flags & SF_COL_IF_VARIES) && !strcmp(c->key, k))
			return true;
	return false;
}

/* The same filesystem, not the same directory: a suite gives each run its own. */
static bool same_target(const struct sf_target *a, const struct sf_target *b)
{
	return !strcmp(a->fs, b->fs) && !strcmp(a->device, b->device) &&
	       !strcmp(a->mount_point, b->mount_point) && !strcmp(a->emulated, b->emulated) &&
	       !strcmp(a->kernel, b->kernel);
}

static bool same_group(const struct sf_table *t, const struct sf_result *a,
		       const struct sf_result *b)
{
	if (!(t->flags & SF_TAB_GROUPS))
		return true;
	for (int i = 0; i < a->nparams; i++) {
		const char *k = a->params[i].k, *v = sf_result_param(b, k);

		if (!spread(t, k) && !column_if_varies(t, k) && (!v || strcmp(v, a->params[i].v)))
			return false;
	}
	return same_target(&a->target, &b->target);
}

/* Does parameter k differ among g[0..n)? */
static bool varies(struct sf_result **g, int n, const char *k)
{
	const char *first = sf_result_param(g[0], k);

	for (int i = 1; i < n; i++) {
		const char *v = sf_result_param(g[i], k);

		if (!first != !v || (v && strcmp(v, first)))
			return true;
	}
	return false;
}

/* A parameter declared to apply only with another's value ("pattern=random")? */
static bool applies(const struct sf_bench *b, const struct sf_result *r, const char *k)
{
	const struct sf_param *p = sf_param_find(b->params, k);
	const char *eq = p && p->applies ? strchr(p->applies, '=') : NULL, *v;
	char name[64];

	if (!eq)
		return true;
	snprintf(name, sizeof(name), "%.*s", (int)(eq - p->applies), p->applies);
	v = sf_result_param(r, name);
	return v && !strcmp(v, eq + 1);
}

/* Stated once above the table: not spread, not in a column, applies here. */
static bool shared(const struct sf_bench *b, const struct sf_table *t, struct sf_result **g,
		   int n, const char *k)
{
	return !spread(t, k) && !(column_if_varies(t, k) && varies(g, n, k)) && applies(b, g[0], k);
}

/* ---- the section head: title, shared parameters, target ---- */

static int head(const struct sf_bench *b, const struct sf_table *t, struct sf_result **g, int n,
		struct tb_section *sec)
{
	const struct sf_target *tg = &g[0]->target;
	char line[1024], emu[512];
	size_t off;

	off = (size_t)snprintf(line, sizeof(line), "%s%s", t->title,
			       t->flags & SF_TAB_GROUPS ? ":" : "");
	for (int i = 0; (t->flags & SF_TAB_GROUPS) && i < g[0]->nparams; i++) {
		const char *k = g[0]->params[i].k;

		if (shared(b, t, g, n, k) && off < sizeof(line))
			off += (size_t)snprintf(line + off, sizeof(line) - off, " %s=%s", k,
						g[0]->params[i].v);
	}
	if (tb_add(&sec->head, "%s", line))
		return -1;
	if ((t->flags & SF_TAB_GROUPS) &&
	    tb_add(&sec->head, "  target %s on %s (%s%s, kernel %s)", tg->mount_point, tg->device,
		   tg->fs, tg->dax ? ", DAX" : "", tg->kernel))
		return -1;
	if (t->emulated && tg->emulated[0] &&
	    !tb_expand(t->emulated, g[0], NULL, emu, sizeof(emu)) && tb_add(&sec->head, "%s", emu))
		return -1;
	for (const char *const *l = t->lead; l && *l; l++)
		if (tb_add(&sec->head, "%s", *l))
			return -1;
	return 0;
}

/* ---- cells ---- */

void tb_number(const struct sf_column *c, const char *unit, double v, char *buf, size_t len)
{
	if (!isfinite(v))
		snprintf(buf, len, TB_NONE);
	else if (c->flags & SF_COL_PLAIN)
		snprintf(buf, len, "%.*f", c->decimals, v);
	else if ((c->flags & SF_COL_COUNT) && strcmp(unit, "ns"))
		/* counts: the unit is in the title, the cell has room for the number only */
		snprintf(buf, len, "%.*f", v == floor(v) || v >= 100 ? 0 : 1, v);
	else
		sf_fmt_value(v, unit, buf, len);
}

static void info_cell(const struct sf_column *c, struct sf_result *r, char *buf, size_t len)
{
	json_object *v;

	if (!r->info || !json_object_object_get_ex(r->info, c->key, &v) || !v)
		snprintf(buf, len, TB_NONE);
	else if (json_object_is_type(v, json_type_double) || json_object_is_type(v, json_type_int))
		tb_number(c, "", json_object_get_double(v), buf, len);
	else
		snprintf(buf, len, "%s", json_object_get_string(v));
}

static void row_cell(const struct sf_column *c, struct sf_result *r, char *buf, size_t len)
{
	const char *p;
	char a[32], b[32];
	double x, y;

	switch (c->kind) {
	case SF_COL_PARAM:
		p = sf_result_param(r, c->key);
		snprintf(buf, len, "%s", p ? p : "");
		return;
	case SF_COL_METRIC:
		tb_number(c, tb_unit_of(r, c->key), tb_stat(r, c->key, c->stat), buf, len);
		return;
	case SF_COL_CV:
		x = tb_cv(r, c->key);
		snprintf(buf, len, isfinite(x) ? "%.1f%%" : TB_NONE, x * 100);
		return;
	case SF_COL_INFO:
		info_cell(c, r, buf, len);
		return;
	case SF_COL_CHANGE:
		tb_number(c, tb_unit_of(r, c->key2), tb_stat(r, c->key2, c->stat), a, sizeof(a));
		tb_number(c, tb_unit_of(r, c->key), tb_stat(r, c->key, c->stat), b, sizeof(b));
		snprintf(buf, len, "%s -> %s", a, b);
		return;
	case SF_COL_RATIO:
		x = tb_stat(r, c->key, c->stat);
		y = tb_stat(r, c->key2, c->stat);
		/* x0.0015, not x0.00 */
		snprintf(buf, len, !isfinite(x / y) ? TB_NONE : x / y >= 100 ? "x%.0f" :
			 x / y >= 0.1 ? "x%.2f" : "x%.2g", x / y);
		return;
	}
}

/* ---- grids ---- */

struct tb_grid *tb_new_grid(struct tb_section *sec, const char *title, int ncols)
{
	struct tb_grid *gr;

	if (SF_GROW(sec->grids, sec->ngrids + 1, sec->cap))
		return NULL;
	gr = &sec->grids[sec->ngrids++];
	gr->title = title ? strdup(title) : NULL;
	gr->ncols = ncols;
	gr->heads = calloc((size_t)ncols, sizeof(*gr->heads));
	gr->width = calloc((size_t)ncols, sizeof(*gr->width));
	gr->left = calloc((size_t)ncols, sizeof(*gr->left));
	return gr->heads && gr->width && gr->left && (!title || gr->title) ? gr : NULL;
}

struct tb_row *tb_new_row(struct tb_grid *gr)
{
	struct tb_row *row;

	if (SF_GROW(gr->rows, gr->nrows + 1, gr->cap))
		return NULL;
	row = &gr->rows[gr->nrows++];
	row->cells = calloc((size_t)gr->ncols, sizeof(*row->cells));
	return row->cells ? row : NULL;
}

int tb_set(char **cell, const char *s)
{
	*cell = strdup(s);
	return *cell ? 0 : -1;
}

/* ---- a row per result ---- */

static bool shown(const struct sf_column *c, struct sf_result **g, int n)
{
	return c->kind != SF_COL_PARAM || !(c->flags & SF_COL_IF_VARIES) || varies(g, n, c->key);
}

static bool has_column(const struct sf_table *t, const char *k)
{
	for (const struct sf_column *c = t->cols; c->head; c++)
		if (c->kind == SF_COL_PARAM && !strcmp(c->key, k))
			return true;
	return false;
}

/* Parameters without a column of their own that vary here: " k=v". */
static void others(const struct sf_table *t, struct sf_result **g, int n, struct sf_result *r,
		   char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = 0;
	for (int i = 0; i < r->nparams; i++) {
		const char *k = r->params[i].k;

		if (!has_column(t, k) && !sf_in_list(k, t->ignore) && varies(g, n, k) && off < len)
			off += (size_t)snprintf(buf + off, len - off, " %s=%s", k, r->params[i].v);
	}
}

static int result_row(const struct sf_table *t, struct sf_result **g, int n, struct sf_result *r,
		      struct tb_grid *gr)
{
	struct tb_row *row = tb_new_row(gr);
	char v[512], other[256];
	int k = 0;

	if (!row)
		return -1;
	others(t, g, n, r, other, sizeof(other));
	for (const struct sf_column *c = t->cols; c->head; c++) {
		if (!shown(c, g, n))
			continue;
		if (r->status != SF_OK && c->kind != SF_COL_PARAM)
			break;
		row_cell(c, r, v, sizeof(v));
		if (tb_set(&row->cells[k++], v))
			return -1;
	}
	if (r->status != SF_OK) {
		row->nlead = k;
		snprintf(v, sizeof(v), "%s: %s%s", sf_status_name(r->status), r->reason, other);
		return tb_set(&row->span, v);
	}
	snprintf(v, sizeof(v), "%s%s", other, sf_result_checks_ok(r) ? "" : "  CHECK FAILED");
	return tb_set(&row->suffix, v);
}

/* ---- footnotes: why a cell is empty ---- */

int tb_add_wrapped(struct tb_lines *l, const char *first, int indent, const char *text)
{
	char *buf = NULL, *save = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int ret = 0;

	if (!f)
		return -1;
	sf_wrap(f, first, indent, text);
	fclose(f);
	for (char *line = strtok_r(buf, "\n", &save); line && !ret; line = strtok_r(NULL, "\n", &save))
		ret = tb_add(l, "%s", line);
	free(buf);
	return ret;
}

int tb_footnote(const struct sf_column *c, const char *head, struct tb_section *sec)
{
	char why[256], text[512];

	if (c->none)
		snprintf(why, sizeof(why), "%s", c->none);
	else if (c->kind == SF_COL_CV)
		snprintf(why, sizeof(why), "fewer than 2 repeats: no spread across them");
	else if (c->kind == SF_COL_INFO)
		snprintf(why, sizeof(why), "the result states no %s", c->key);
	else
		snprintf(why, sizeof(why), "the result recorded no %s%s%s", c->key,
			 c->key2 ? " or no " : "", c->key2 ? c->key2 : "");
	snprintf(text, sizeof(text), "%s %s: %s", head, TB_NONE, why);
	return tb_add_wrapped(&sec->after, "  ", 4, text);
}

/* A footnote under the rows for every shown column with an empty cell. */
static int row_footnotes(const struct sf_table *t, struct sf_result **g, int n,
			 const struct tb_grid *gr, struct tb_section *sec)
{
	int k = 0;

	for (const struct sf_column *c = t->cols; c->head; c++) {
		bool empty = false;

		if (!shown(c, g, n))
			continue;
		for (size_t r = 0; r < gr->nrows && !empty; r++)
			empty = !gr->rows[r].span && gr->rows[r].cells[k] &&
				strstr(gr->rows[r].cells[k], TB_NONE);
		k++;
		if (empty && tb_footnote(c, c->head, sec))
			return -1;
	}
	return 0;
}

static int build_rows(const struct sf_table *t, struct sf_result **g, int n,
		      struct tb_section *sec)
{
	const struct sf_column *c;
	struct tb_grid *gr;
	int ncols = 0, k = 0;

	for (c = t->cols; c->head; c++)
		ncols += shown(c, g, n);
	gr = tb_new_grid(sec, NULL, ncols);
	if (!gr)
		return -1;
	for (c = t->cols; c->head; c++) {
		if (!shown(c, g, n))
			continue;
		gr->width[k] = c->width;
		gr->left[k] = c->flags & SF_COL_LEFT;
		if (tb_set(&gr->heads[k++], c->head))
			return -1;
	}
	for (int i = 0; i < n; i++)
		if (result_row(t, g, n, g[i], gr))
			return -1;
	if (row_footnotes(t, g, n, gr, sec))
		return -1;
	return tb_notes(t, g, n, sec);
}

/* ---- tables and groups ---- */

static struct tb_section *new_section(struct tb_doc *doc)
{
	struct tb_section *sec;

	if (SF_GROW(doc->secs, doc->nsecs + 1, doc->cap))
		return NULL;
	sec = &doc->secs[doc->nsecs++];
	return sec;
}

static int build_group(const struct sf_bench *b, const struct sf_table *t, struct sf_result **g,
		       int n, struct tb_doc *doc)
{
	struct tb_section *sec = new_section(doc);

	if (!sec || head(b, t, g, n, sec))
		return -1;
	sec->blank_end = t->flags & SF_TAB_GROUPS;
	sec->blank_before_after = !(t->flags & SF_TAB_GROUPS);
	return t->kind == SF_TABLE_GRID ? tb_build_grids(b, t, g, n, sec) : build_rows(t, g, n, sec);
}

static int build_table(const struct sf_bench *b, const struct sf_table *t, struct sf_result *res,
		       int n, struct tb_doc *doc)
{
	struct sf_result **g = calloc((size_t)n + 1, sizeof(*g));
	bool *done = calloc((size_t)n + 1, sizeof(*done));
	int ret = g && done ? 0 : -1;

	for (int i = 0; !ret && i < n; i++) {
		int m = 0;

		if (done[i] || !selected(t, &res[i]))
			continue;
		for (int k = i; k < n; k++)
			if (!done[k] && selected(t, &res[k]) && same_group(t, &res[i], &res[k])) {
				done[k] = true;
				g[m++] = &res[k];
			}
		ret = build_group(b, t, g, m, doc);
	}
	free(g);
	free(done);
	return ret;
}

/*
 * The benchmark's facts across points, derived again per target as the
 * run derived them: results written before a fact existed show it too.
 */
static int analyze_by_target(const struct sf_bench *b, struct sf_result *res, int n)
{
	struct sf_result *tmp = calloc((size_t)n + 1, sizeof(*tmp));
	bool *done = calloc((size_t)n + 1, sizeof(*done));
	int *idx = calloc((size_t)n + 1, sizeof(*idx));
	int ret = tmp && done && idx ? 0 : -1;

	for (int i = 0; !ret && i < n; i++) {
		int m = 0;

		if (done[i])
			continue;
		for (int k = i; k < n; k++)
			if (!done[k] && same_target(&res[i].target, &res[k].target)) {
				done[k] = true;
				idx[m] = k;
				tmp[m++] = res[k];
			}
		b->analyze(tmp, m);
		for (int k = 0; k < m; k++)
			res[idx[k]] = tmp[k];
	}
	free(tmp);
	free(done);
	free(idx);
	return ret;
}

int tb_build(const struct sf_bench *b, struct sf_result *res, int n, struct tb_doc *doc)
{
	memset(doc, 0, sizeof(*doc));
	if (b->analyze && analyze_by_target(b, res, n))
		return -1;
	for (const struct sf_table *t = b->tables; t && t->title; t++)
		if (build_table(b, t, res, n, doc))
			return -1;
	return 0;
}

void tb_free(struct tb_doc *doc)
{
	for (size_t s = 0; s < doc->nsecs; s++) {
		struct tb_section *sec = &doc->secs[s];

		for (size_t k = 0; k < sec->ngrids; k++) {
			struct tb_grid *gr = &sec->grids[k];

			for (size_t r = 0; r < gr->nrows; r++) {
				for (int c = 0; c < gr->ncols; c++)
					free(gr->rows[r].cells[c]);
				free(gr->rows[r].cells);
				free(gr->rows[r].span);
				free(gr->rows[r].suffix);
			}
			for (int c = 0; c < gr->ncols; c++)
				free(gr->heads[c]);
			free(gr->rows);
			free(gr->heads);
			free(gr->width);
			free(gr->left);
			free(gr->title);
		}
		free(sec->grids);
		tb_lines_free(&sec->head);
		tb_lines_free(&sec->after);
	}
	free(doc->secs);
	memset(doc, 0, sizeof(*doc));
}
