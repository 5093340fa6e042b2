// SPDX-License-Identifier: MIT
/*
 * Flat rows of a set of results, for spreadsheets and pandas: one per
 * (result, metric), as CSV (RFC 4180), TSV or a JSON array of objects: the
 * result's file, benchmark, status, target and kernel, one column per
 * parameter name found in any result, then the metric's summary and its
 * per-repeat values.  A result without metrics (unsupported, error) is one
 * row with the metric empty, so nothing disappears from the table silently.
 *
 * Renderers only: every number here was read from a result file.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report_int.h"
#include "sf_array.h"
#include "sf_report.h"
#include "sf_bench.h"
#include "sf_compare.h"
#include "sf_util.h"

static const char *const fixed_cols[] = {
	"file", "bench", "status", "reason", "target", "target_path", "fs", "dax", "map_sync",
	"emulated", "kernel", "started", "duration_s", NULL,
};

static const char *const metric_cols[] = {
	"metric", "unit", "better", "kind", "n", "mean", "stddev", "min", "p50", "p90",
	"p99", "p999", "max", "repeats", NULL,
};

/* ---- the set of parameter names ---- */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int param_names(const struct sf_result *res, int n, char ***out)
{
	char **names = NULL;
	size_t cap = 0;
	int nn = 0;

	for (int i = 0; i < n; i++)
		for (int k = 0; k < res[i].nparams; k++) {
			bool seen = false;

			for (int j = 0; j < nn && !seen; j++)
				seen = !strcmp(names[j], res[i].params[k].k);
			if (seen || SF_GROW(names, (size_t)nn + 1, cap))
				continue;
			names[nn++] = res[i].params[k].k;
		}
	if (nn)
		qsort(names, nn, sizeof(*names), cmp_str);
	*out = names;
	return nn;
}

/* ---- cells ---- */

enum fmt { F_CSV, F_TSV, F_JSON };

struct row_out {
	enum fmt fmt;
	FILE *f;
	int col;		/* cells written in this row */
	const char *const *names;	/* column names, for JSON keys */
};

static void cell(struct row_out *o, const char *v)
{
	if (o->fmt == F_JSON) {
		json_object *s = json_object_new_string(v);

		fprintf(o->f, "%s\"%s\": %s", o->col ? ", " : "{", o->names[o->col],
			json_object_to_json_string_ext(s, JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(s);
	} else if (o->fmt == F_TSV) {
		if (o->col)
			fputc('\t', o->f);
		for (const char *p = v; *p; p++)	/* TSV has no quoting */
			fputc(*p == '\t' || *p == '\n' || *p == '\r' ? ' ' : *p, o->f);
	} else {
		if (o->col)
			fputc(',', o->f);
		if (strpbrk(v, ",\"\r\n")) {
			fputc('"', o->f);
			for (const char *p = v; *p; p++) {
				if (*p == '"')
					fputc('"', o->f);
				fputc(*p, o->f);
			}
			fputc('"', o->f);
		} else {
			fputs(v, o->f);
		}
	}
	o->col++;
}

/* A number as JSON would carry it: empty when it was not measured. */
static void num_cell(struct row_out *o, double v)
{
	char b[64];

	if (isfinite(v))
		snprintf(b, sizeof(b), "%.15g", v);
	else
		b[0] = '\0';
	cell(o, b);
}

static void end_row(struct row_out *o, bool last)
{
	if (o->fmt == F_JSON)
		fprintf(o->f, "}%s\n", last ? "" : ",");
	else
		fputs(o->fmt == F_CSV ? "\r\n" : "\n", o->f);
	o->col = 0;
}

static void result_cells(struct row_out *o, const struct sf_result *r, const char *file,
			 char **params, int np)
{
	char t[128];

	cell(o, file);
	cell(o, r->bench);
	cell(o, sf_status_name(r->status));
	cell(o, r->reason);
	rp_target_name(r, t, sizeof(t));
	cell(o, t);
	cell(o, r->target.path);
	cell(o, r->target.fs);
	cell(o, r->target.dax ? "true" : "false");
	cell(o, r->target.map_sync ? "true" : "false");
	cell(o, r->target.emulated);
	cell(o, r->target.kernel);
	cell(o, r->started);
	num_cell(o, r->duration_s);
	for (int k = 0; k < np; k++) {
		const char *v = sf_result_param(r, params[k]);

		cell(o, v ? v : "");
	}
}

static void metric_cells(struct row_out *o, const struct sf_metric *m)
{
	const struct sf_summary *s = &m->sum;
	char *rep = NULL;
	size_t len = 0;
	FILE *rf;

	if (!m) {
		for (int i = 0; metric_cols[i]; i++)
			cell(o, "");
		return;
	}
	cell(o, m->name);
	cell(o, m->unit);
	cell(o, m->better == SF_HIGHER ? "higher" : "lower");
	cell(o, m->scalar ? "per-repeat" : "distribution");
	num_cell(o, (double)s->n);
	num_cell(o, s->mean);
	num_cell(o, s->stddev);
	num_cell(o, s->min);
	num_cell(o, s->p50);
	num_cell(o, s->p90);
	num_cell(o, s->p99);
	num_cell(o, s->p999);
	num_cell(o, s->max);
	rf = open_memstream(&rep, &len);
	for (int i = 0; rf && i < m->nrepeats; i++)
		fprintf(rf, "%s%.15g", i ? ";" : "", m->repeats[i]);
	if (rf)
		fclose(rf);
	cell(o, rep ? rep : "");
	free(rep);
}

int sf_export_rows(const struct sf_result *res, char *const *files, int n, const char *format,
		   FILE *f, char *err, size_t errlen)
{
	struct row_out o = { .f = f };
	const char **names;
	char **params;
	int np = param_names(res, n, &params), ncol = 0, rows = 0, total = 0;

	if (!strcmp(format, "csv"))
		o.fmt = F_CSV;
	else if (!strcmp(format, "tsv"))
		o.fmt = F_TSV;
	else if (!strcmp(format, "json"))
		o.fmt = F_JSON;
	else {
		snprintf(err, errlen, "--format '%s' is not valid: use text, html, csv, tsv or json", format);
		free(params);
		return -1;
	}
	/* column names: fixed, param.NAME..., metric columns */
	names = calloc(64 + np, sizeof(*names));
	char (*pn)[80] = calloc(np + 1, sizeof(*pn));
	if (!names || !pn) {
		snprintf(err, errlen, "out of memory");
		free(names), free(pn), free(params);
		return -1;
	}
	for (int i = 0; fixed_cols[i]; i++)
		names[ncol++] = fixed_cols[i];
	for (int k = 0; k < np; k++) {
		snprintf(pn[k], sizeof(pn[k]), "param.%s", params[k]);
		names[ncol++] = pn[k];
	}
	for (int i = 0; metric_cols[i]; i++)
		names[ncol++] = metric_cols[i];
	o.names = names;
	for (int i = 0; i < n; i++)
		total += res[i].nmetrics ? res[i].nmetrics : 1;
	if (o.fmt == F_JSON) {
		fputs("[\n", f);
	} else {
		for (int c = 0; c < ncol; c++)
			cell(&o, names[c]);
		end_row(&o, false);
	}
	for (int i = 0; i < n; i++) {
		for (int m = 0; m < (res[i].nmetrics ? res[i].nmetrics : 1); m++) {
			result_cells(&o, &res[i], files[i], params, np);
			metric_cells(&o, res[i].nmetrics ? &res[i].metrics[m] : NULL);
			end_row(&o, ++rows == total);
		}
	}
	if (o.fmt == F_JSON)
		fputs("]\n", f);
	free(names);
	free(pn);
	free(params);
	if (ferror(f)) {
		snprintf(err, errlen, "write error: %s", strerror(errno));
		return -1;
	}
	return rows;
}

