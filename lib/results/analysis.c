// SPDX-License-Identifier: MIT
/* Analysis across points (sf_analysis.h): the one break-even computation. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sf_analysis.h"
#include "sf_bench.h"

struct be_point {
	long batch;
	double ref;
	double d;	/* log(batched / reference): negative = batched is cheaper */
};

static int cmp_be(const void *a, const void *b)
{
	const struct be_point *x = a, *y = b;

	return (x->batch > y->batch) - (x->batch < y->batch);
}

/* Usable points, sorted by batch; -1 on a bad batch size or a duplicate. */
static int collect(const long *batch, const double *ref, const double *bat, int n,
		   struct be_point *p)
{
	int m = 0;

	for (int i = 0; i < n; i++) {
		if (batch[i] < 1)
			return -1;
		if (!(ref[i] > 0) || !(bat[i] > 0) || !isfinite(ref[i]) || !isfinite(bat[i]))
			continue;
		p[m++] = (struct be_point){ batch[i], ref[i], log(bat[i] / ref[i]) };
	}
	qsort(p, (size_t)m, sizeof(*p), cmp_be);
	for (int i = 1; i < m; i++)
		if (p[i].batch == p[i - 1].batch)
			return -1;
	return m;
}

/* The crossing between p[0] (not cheaper) and p[1] (cheaper), log-log. */
static void crossing(const struct be_point *p, struct sf_breakeven *out)
{
	double x0 = log((double)p[0].batch), x1 = log((double)p[1].batch);
	double t = p[0].d / (p[0].d - p[1].d);

	out->estimate = exp(x0 + t * (x1 - x0));
	out->value = exp(log(p[0].ref) + t * (log(p[1].ref) - log(p[0].ref)));
}

int sf_breakeven(const long *batch, const double *reference, const double *batched,
		 int n, struct sf_breakeven *out)
{
	struct be_point *p = calloc(n > 0 ? (size_t)n : 1, sizeof(*p));
	int m, i;

	memset(out, 0, sizeof(*out));
	out->kind = SF_BE_NODATA;
	out->estimate = out->value = NAN;
	if (!p)
		return -1;
	m = collect(batch, reference, batched, n, p);
	if (m < 0) {
		free(p);
		return -1;
	}
	out->npoints = m;
	if (m) {
		out->first = p[0].batch;
		out->last = p[m - 1].batch;
		out->kind = SF_BE_NEVER;
	}
	for (i = 0; i < m && p[i].d >= 0; i++)
		;
	if (i < m) {
		out->kind = SF_BE_FOUND;
		out->batch = p[i].batch;
		if (i > 0) {
			out->below = p[i - 1].batch;
			crossing(&p[i - 1], out);
		}
		for (i++; i < m; i++)
			if (p[i].d >= 0) {
				out->dearer_again = p[i].batch;
				break;
			}
	}
	free(p);
	return 0;
}

void sf_breakeven_fmt(double estimate, char *buf, size_t len)
{
	snprintf(buf, len, "%.1f", estimate);
}

void sf_breakeven_str(const struct sf_breakeven *be, const char *reference,
		      const char *batched, char *buf, size_t len)
{
	char est[32];
	size_t off;

	switch (be->kind) {
	case SF_BE_NODATA:
		snprintf(buf, len, "%s vs %s: no batch size with a median for both", reference, batched);
		return;
	case SF_BE_NEVER:
		snprintf(buf, len, "%s vs %s: %s is never cheaper per update in the range tried (batch %ld..%ld, %d sizes)",
			 reference, batched, batched, be->first, be->last, be->npoints);
		return;
	case SF_BE_FOUND:
		break;
	}
	sf_breakeven_fmt(be->estimate, est, sizeof(est));
	if (!be->below)
		off = (size_t)snprintf(buf, len, "%s vs %s: %s is already cheaper per update at the smallest batch tried (%ld): break-even at or below %ld",
				       reference, batched, batched, be->batch, be->batch);
	else
		off = (size_t)snprintf(buf, len, "%s vs %s: %s is cheaper per update from batch %ld on; break-even between batch %ld and %ld (about %s, interpolated)",
				       reference, batched, batched, be->batch, be->below, be->batch, est);
	if (be->dearer_again && off < len)
		snprintf(buf + off, len - off, "; dearer again at batch %ld", be->dearer_again);
}

/* ---- pairing lines of results ---- */

static bool on_line(const struct sf_result *r, const struct sf_breakeven_spec *sp, const char *line)
{
	const char *v = sf_result_param(r, sp->by);

	return v && !strcmp(v, line);
}

static bool has_line(struct sf_result *const *res, int n, const struct sf_breakeven_spec *sp,
		     const char *line, bool ran)
{
	for (int i = 0; i < n; i++)
		if (on_line(res[i], sp, line) && (!ran || res[i]->status == SF_OK))
			return true;
	return false;
}

/* The result of line at x that ran and has the metric, or NULL. */
static struct sf_result *point(struct sf_result *const *res, int n,
			       const struct sf_breakeven_spec *sp, const char *line, long x)
{
	for (int i = 0; i < n; i++) {
		const char *xv = sf_result_param(res[i], sp->x);

		if (res[i]->status == SF_OK && on_line(res[i], sp, line) && xv && atol(xv) == x &&
		    sf_result_metric(res[i], sp->metric))
			return res[i];
	}
	return NULL;
}

void sf_repeat_range(const struct sf_metric *m, double *lo, double *hi)
{
	*lo = INFINITY;
	*hi = -INFINITY;
	for (int i = 0; m && i < m->nrepeats; i++) {
		if (!isfinite(m->repeats[i]))
			continue;
		*lo = fmin(*lo, m->repeats[i]);
		*hi = fmax(*hi, m->repeats[i]);
	}
	if (*lo > *hi)
		*lo = *hi = NAN;
}

static void repeat_range(struct sf_result *r, const char *metric, double *lo, double *hi)
{
	sf_repeat_range(r ? sf_result_metric(r, metric) : NULL, lo, hi);
}

/* Line of against ref at every x both have; the repeats at the break-even. */
static void pair(struct sf_result *const *res, int n, const struct sf_breakeven_spec *sp,
		 struct sf_be_pair *p)
{
	long *x = calloc((size_t)n + 1, sizeof(*x));
	double *yr = calloc((size_t)n + 1, sizeof(*yr)), *yo = calloc((size_t)n + 1, sizeof(*yo));
	int m = 0;

	for (int i = 0; x && yr && yo && i < n; i++) {
		const char *xv = sf_result_param(res[i], sp->x);
		struct sf_result *ref;

		if (res[i]->status != SF_OK || !on_line(res[i], sp, p->of) || !xv || atol(xv) < 1 ||
		    !sf_result_metric(res[i], sp->metric) || !(ref = point(res, n, sp, p->ref, atol(xv))))
			continue;
		x[m] = atol(xv);
		yr[m] = sf_result_metric(ref, sp->metric)->sum.p50;
		yo[m++] = sf_result_metric(res[i], sp->metric)->sum.p50;
	}
	if (!x || !yr || !yo || sf_breakeven(x, yr, yo, m, &p->be))
		p->be.kind = SF_BE_NODATA;
	free(x);
	free(yr);
	free(yo);
	p->ref_lo = p->ref_hi = p->of_lo = p->of_hi = NAN;
	if (p->be.kind != SF_BE_FOUND)
		return;
	repeat_range(point(res, n, sp, p->ref, p->be.batch), sp->metric, &p->ref_lo, &p->ref_hi);
	repeat_range(point(res, n, sp, p->of, p->be.batch), sp->metric, &p->of_lo, &p->of_hi);
}

int sf_breakeven_pairs(struct sf_result *const *res, int n, const struct sf_breakeven_spec *sp,
		       struct sf_be_pair *out, int max)
{
	int np = 0;

	if (!has_line(res, n, sp, sp->ref, false))
		return 0;
	for (const char *const *of = sp->of; of && *of && np < max; of++) {
		struct sf_be_pair *p = &out[np];

		if (!has_line(res, n, sp, *of, false))
			continue;
		memset(p, 0, sizeof(*p));
		p->ref = sp->ref;
		p->of = *of;
		p->be.kind = SF_BE_NODATA;
		p->be.estimate = p->be.value = NAN;
		if (!has_line(res, n, sp, sp->ref, true))
			p->missing = sp->ref;
		else if (!has_line(res, n, sp, *of, true))
			p->missing = *of;
		else
			pair(res, n, sp, p);
		np++;
	}
	return np;
}

bool sf_be_pair_overlap(const struct sf_be_pair *p)
{
	return isfinite(p->ref_lo) && isfinite(p->of_lo) && p->of_hi >= p->ref_lo;
}
