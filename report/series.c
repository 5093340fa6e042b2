// SPDX-License-Identifier: MIT
/*
 * The lines of a figure: named series of (x, y) points, written as the
 * blocks gnuplot reads (series separated by two blank lines, each headed by
 * its name).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report_int.h"
#include "sf_array.h"
#include "sf_stats.h"

struct series *series_get(struct series *s, int *ns, const char *name)
{
	/* nothing varies: one line, "all" (one, not one a point) */
	if (!name[0])
		name = "all";
	for (int i = 0; i < *ns; i++)
		if (!strcmp(s[i].name, name))
			return &s[i];
	if (*ns == MAX_SERIES)
		return NULL;
	memset(&s[*ns], 0, sizeof(s[*ns]));
	snprintf(s[*ns].name, sizeof(s[*ns].name), "%s", name);
	return &s[(*ns)++];
}

void series_add(struct series *s, double x, double y)
{
	if (!s || !isfinite(x) || !isfinite(y) || SF_GROW(s->p, (size_t)s->n + 1, s->cap))
		return;
	s->p[s->n].x = x;
	s->p[s->n].y = y;
	s->n++;
}

/* By x (insertion sort: a handful of points). */
void series_sort(struct series *s)
{
	for (int i = 1; i < s->n; i++)
		for (int j = i; j > 0 && s->p[j - 1].x > s->p[j].x; j--) {
			__typeof__(*s->p) t = s->p[j];

			s->p[j] = s->p[j - 1];
			s->p[j - 1] = t;
		}
}

void series_free(struct series *s, int n)
{
	for (int i = 0; i < n; i++)
		free(s[i].p);
}

void series_save(struct report *rp, const struct fig *f, struct series *s, int ns,
		 const char *xfmt)
{
	FILE *tsv = rp_open_tsv(rp, f);

	if (!tsv)
		return;
	for (int i = 0; i < ns; i++) {
		fprintf(tsv, "%s\n", s[i].name);
		for (int k = 0; k < s[i].n; k++) {
			fprintf(tsv, xfmt, s[i].p[k].x);
			fprintf(tsv, "\t%.6g\n", s[i].p[k].y);
		}
		fprintf(tsv, "\n\n");
	}
	fclose(tsv);
}

double series_span(const struct series *s, int n)
{
	double lo = INFINITY, hi = 0;

	for (int i = 0; i < n; i++)
		for (int k = 0; k < s[i].n; k++) {
			if (s[i].p[k].y > 0 && s[i].p[k].y < lo)
				lo = s[i].p[k].y;
			if (s[i].p[k].y > hi)
				hi = s[i].p[k].y;
		}
	return hi > 0 && isfinite(lo) ? hi / lo : 1;
}

double series_xmin(const struct series *s, int n)
{
	double v = INFINITY;

	for (int i = 0; i < n; i++)
		for (int k = 0; k < s[i].n; k++)
			v = s[i].p[k].x < v ? s[i].p[k].x : v;
	return v;
}

double series_xmax(const struct series *s, int n)
{
	double v = 0;

	for (int i = 0; i < n; i++)
		for (int k = 0; k < s[i].n; k++)
			v = s[i].p[k].x > v ? s[i].p[k].x : v;
	return v;
}

double rp_median_repeats(const struct sf_metric *m)
{
	return m->nrepeats ? sf_median_of(m->repeats, m->nrepeats) : m->sum.p50;
}
