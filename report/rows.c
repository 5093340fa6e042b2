// SPDX-License-Identifier: MIT
/*
 * The compact table of a benchmark, as report.txt and report.html show it:
 * a row per result with one headline metric (its p50 and p99) and whether
 * its checks held; the full metric list is each writer's appendix.  Built
 * once here so that both say the same, and never a cut name: the writers
 * widen or wrap.  A value that is not there is TB_NONE, and the table's
 * footnotes say why.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report_int.h"
#include "sf_array.h"
#include "sf_harness.h"
#include "table.h"

/* The metric the benchmark's descriptor names, if r has it; else its first distribution. */
static struct sf_metric *headline(struct sf_result *r)
{
	const struct sf_bench *b = sf_bench_find(r->bench);

	if (b && b->primary_metric && sf_result_metric(r, b->primary_metric))
		return sf_result_metric(r, b->primary_metric);
	for (int i = 0; i < r->nmetrics; i++)
		if (!r->metrics[i].scalar)
			return &r->metrics[i];
	return r->nmetrics ? &r->metrics[0] : NULL;
}

/* "ok", or "FAILED: " and the names of the checks that failed. */
static void checks_cell(const struct sf_result *r, char *buf, size_t len)
{
	size_t off;

	if (sf_result_checks_ok(r)) {
		snprintf(buf, len, "%s", r->nchecks ? "ok" : "none");
		return;
	}
	off = (size_t)snprintf(buf, len, "FAILED:");
	for (int c = 0; c < r->nchecks && off < len; c++)
		if (!r->checks[c].ok)
			off += (size_t)snprintf(buf + off, len - off, " %s", r->checks[c].name);
}

static void fill(struct report *rp, struct sf_result *r, const char *file, struct rp_row *row)
{
	const struct sf_metric *m = r->status == SF_OK ? headline(r) : NULL;

	memset(row, 0, sizeof(*row));
	row->r = r;
	row->file = file;
	rp->table = true;	/* the parameters that vary over every target */
	rp_label(rp, r, NULL, true, NULL, row->label, sizeof(row->label));
	rp->table = false;
	if (!row->label[0])
		snprintf(row->label, sizeof(row->label), "%s", r->bench);
	rp_target_kind(rp, r, row->target, sizeof(row->target));
	checks_cell(r, row->checks, sizeof(row->checks));
	snprintf(row->p50, sizeof(row->p50), TB_NONE);
	snprintf(row->p99, sizeof(row->p99), TB_NONE);
	if (!m) {
		row->none |= r->status == SF_OK ? RP_NO_METRIC : 0;
		return;
	}
	row->metric = m->name;
	if (m->scalar) {
		sf_fmt_value(rp_median_repeats(m), m->unit, row->p50, sizeof(row->p50));
		row->none |= RP_SCALAR;
	} else if (m->sum.n) {
		sf_fmt_value(m->sum.p50, m->unit, row->p50, sizeof(row->p50));
		sf_fmt_value(m->sum.p99, m->unit, row->p99, sizeof(row->p99));
	} else {
		row->none |= RP_NO_SAMPLES;
	}
	if (!strcmp(row->p50, "-"))
		snprintf(row->p50, sizeof(row->p50), TB_NONE);
	if (!strcmp(row->p99, "-"))
		snprintf(row->p99, sizeof(row->p99), TB_NONE);
}

int rp_rows(struct report *rp, const char *bench, struct rp_row **rows)
{
	size_t n = 0, cap = 0;

	*rows = NULL;
	for (int i = 0; i < rp->n; i++) {
		if (strcmp(rp->res[i].bench, bench))
			continue;
		if (SF_GROW(*rows, n + 1, cap)) {
			free(*rows);
			*rows = NULL;
			return -1;
		}
		fill(rp, &rp->res[i], rp->file[i], &(*rows)[n++]);
	}
	return (int)n;
}

const char *rp_rows_metric(const struct rp_row *rows, int n)
{
	const char *name = NULL;

	for (int i = 0; i < n; i++) {
		if (!rows[i].metric)
			continue;
		if (name && strcmp(name, rows[i].metric))
			return NULL;
		name = rows[i].metric;
	}
	return name;
}

int rp_rows_notes(const struct rp_row *rows, int n, const char *notes[RP_NNOTES])
{
	static const char *const why[RP_NNOTES] = {
		"p99 " TB_NONE ": the headline metric has one value per repeat (a rate, a count); "
		"p50 is the median of the repeats, there is no distribution to take a p99 of",
		"p50, p99 " TB_NONE ": the result has no metric to show",
		"p50, p99 " TB_NONE ": the headline metric recorded no sample",
	};
	unsigned int seen = 0;
	int k = 0;

	for (int i = 0; i < n; i++)
		seen |= rows[i].none;
	for (int b = 0; b < RP_NNOTES; b++)
		if (seen & (1u << b))
			notes[k++] = why[b];
	return k;
}

int tb_cols(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;	/* not a UTF-8 continuation byte */
	return n;
}

void tb_pad(FILE *f, const char *s, int width, bool left)
{
	int pad = width - tb_cols(s);

	if (!left)
		fprintf(f, "%*s", pad > 0 ? pad : 0, "");
	fputs(s, f);
	if (left)
		fprintf(f, "%*s", pad > 0 ? pad : 0, "");
}
