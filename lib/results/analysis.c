// SPDX-License-Identifier: MIT
/* Analysis across points (sf_analysis.h): the one break-even computation. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sf_analysis.h"

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
