// SPDX-License-Identifier: MIT
/* Sample sets, exact percentiles and the log-linear histogram. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sf_stats.h"

int sf_samples_add(struct sf_samples *s, double v)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 1024;
		double *nv = realloc(s->v, cap * sizeof(*nv));

		if (!nv)
			return -1;
		s->v = nv;
		s->cap = cap;
	}
	s->v[s->n++] = v;
	s->sorted = 0;
	return 0;
}

int sf_samples_append(struct sf_samples *dst, const struct sf_samples *src)
{
	for (size_t i = 0; i < src->n; i++)
		if (sf_samples_add(dst, src->v[i]))
			return -1;
	return 0;
}

void sf_samples_free(struct sf_samples *s)
{
	free(s->v);
	memset(s, 0, sizeof(*s));
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void sort_samples(struct sf_samples *s)
{
	if (!s->sorted) {
		qsort(s->v, s->n, sizeof(double), cmp_double);
		s->sorted = 1;
	}
}

/* Percentile of sorted v by linear interpolation between closest ranks. */
static double pct_sorted(const double *v, size_t n, double pct)
{
	double rank, frac;
	size_t lo;

	if (!n)
		return NAN;
	rank = pct / 100.0 * (double)(n - 1);
	lo = (size_t)rank;
	if (lo >= n - 1)
		return v[n - 1];
	frac = rank - (double)lo;
	return v[lo] + frac * (v[lo + 1] - v[lo]);
}

double sf_samples_pct(struct sf_samples *s, double pct)
{
	sort_samples(s);
	return pct_sorted(s->v, s->n, pct);
}

void sf_samples_summary(struct sf_samples *s, struct sf_summary *o)
{
	double sum = 0, sq = 0;

	memset(o, 0, sizeof(*o));
	o->n = s->n;
	if (!s->n) {
		o->mean = o->stddev = o->min = o->max = NAN;
		o->p50 = o->p90 = o->p99 = o->p999 = NAN;
		return;
	}
	sort_samples(s);
	for (size_t i = 0; i < s->n; i++)
		sum += s->v[i];
	o->mean = sum / (double)s->n;
	for (size_t i = 0; i < s->n; i++)
		sq += (s->v[i] - o->mean) * (s->v[i] - o->mean);
	o->stddev = s->n > 1 ? sqrt(sq / (double)(s->n - 1)) : 0.0;
	o->min = s->v[0];
	o->max = s->v[s->n - 1];
	o->p50 = pct_sorted(s->v, s->n, 50);
	o->p90 = pct_sorted(s->v, s->n, 90);
	o->p99 = pct_sorted(s->v, s->n, 99);
	o->p999 = pct_sorted(s->v, s->n, 99.9);
}

/*
 * Bucket of v (rounded down to an integer): values below SF_HIST_SUB get
 * one bucket each; above, each power of two [2^e, 2^(e+1)) is split into
 * SF_HIST_SUB equal sub-buckets.
 */
unsigned int sf_hist_bucket(double v)
{
	uint64_t x;
	unsigned int e;

	if (!(v > 0))
		return 0;
	if (v >= 1.8e19)
		return SF_HIST_BUCKETS - 1;
	x = (uint64_t)v;
	if (x < SF_HIST_SUB)
		return (unsigned int)x;
	e = 63 - (unsigned int)__builtin_clzll(x);
	return (e - SF_HIST_SUB_BITS + 1) * SF_HIST_SUB +
	       (unsigned int)((x >> (e - SF_HIST_SUB_BITS)) & (SF_HIST_SUB - 1));
}

void sf_hist_bounds(unsigned int b, double *lo, double *hi)
{
	unsigned int e, sub;
	double width;

	if (b < SF_HIST_SUB) {
		*lo = b;
		*hi = b + 1;
		return;
	}
	e = b / SF_HIST_SUB + SF_HIST_SUB_BITS - 1;
	sub = b % SF_HIST_SUB;
	width = ldexp(1.0, (int)(e - SF_HIST_SUB_BITS));
	*lo = ldexp(1.0, (int)e) + sub * width;
	*hi = *lo + width;
}

void sf_hist_add(struct sf_hist *h, double v)
{
	h->count[sf_hist_bucket(v)]++;
	h->total++;
}

void sf_hist_merge(struct sf_hist *dst, const struct sf_hist *src)
{
	for (unsigned int i = 0; i < SF_HIST_BUCKETS; i++)
		dst->count[i] += src->count[i];
	dst->total += src->total;
}

double sf_median_of(const double *v, size_t n)
{
	double *c, m;

	if (!n)
		return NAN;
	c = malloc(n * sizeof(*c));
	if (!c)
		return NAN;
	memcpy(c, v, n * sizeof(*c));
	qsort(c, n, sizeof(*c), cmp_double);
	m = pct_sorted(c, n, 50);
	free(c);
	return m;
}

/* P(Bin(n, 1/2) <= k) */
static double binom_half_cdf(size_t n, size_t k)
{
	double term = exp(-(double)n * log(2)), acc = 0;

	for (size_t i = 0; i <= k && i <= n; i++) {
		acc += term;
		term *= (double)(n - i) / (double)(i + 1);
	}
	return acc;
}

int sf_median_ci(const double *v, size_t n, double level, double *lo, double *hi)
{
	double *c = malloc((n ? n : 1) * sizeof(*c));
	size_t m = 0, k = 0;

	if (!c)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (isfinite(v[i]))
			c[m++] = v[i];
	/* largest k with P(Bin <= k - 1) <= (1 - level) / 2 */
	while (k + 1 <= m / 2 && binom_half_cdf(m, k) <= (1 - level) / 2)
		k++;
	if (!k) {
		free(c);
		return -1;
	}
	qsort(c, m, sizeof(*c), cmp_double);
	*lo = c[k - 1];
	*hi = c[m - k];
	free(c);
	return 0;
}

double sf_median_ci_halfwidth_pct(const double *v, size_t n)
{
	double lo, hi, med = sf_median_of(v, n);

	if (sf_median_ci(v, n, 0.95, &lo, &hi) || !isfinite(med) || med == 0)
		return NAN;
	return (hi - lo) / 2 / fabs(med) * 100;
}

double sf_pearson(const double *x, const double *y, size_t n)
{
	double mx = 0, my = 0, sxy = 0, sxx = 0, syy = 0;

	if (n < 3)
		return NAN;
	for (size_t i = 0; i < n; i++) {
		mx += x[i];
		my += y[i];
	}
	mx /= (double)n;
	my /= (double)n;
	for (size_t i = 0; i < n; i++) {
		sxy += (x[i] - mx) * (y[i] - my);
		sxx += (x[i] - mx) * (x[i] - mx);
		syy += (y[i] - my) * (y[i] - my);
	}
	return sxx > 0 && syy > 0 ? sxy / sqrt(sxx * syy) : NAN;
}

double sf_robust_cv_of(const double *v, size_t n)
{
	double *d = malloc((n ? n : 1) * sizeof(*d)), med, mad;

	if (!d || n < 2) {
		free(d);
		return NAN;
	}
	med = sf_median_of(v, n);
	for (size_t i = 0; i < n; i++)
		d[i] = fabs(v[i] - med);
	mad = sf_median_of(d, n);
	free(d);
	return med != 0 ? 1.4826 * mad / fabs(med) : NAN;
}

/* P(Bin(n, p) >= k) */
static double binom_tail(size_t n, double p, size_t k)
{
	double sum = 0;

	if (p <= 0)
		return k == 0;
	if (p >= 1)
		return 1;
	for (size_t i = k; i <= n; i++)
		sum += exp(lgamma(n + 1.0) - lgamma(i + 1.0) - lgamma(n - i + 1.0) +
			   i * log(p) + (n - i) * log1p(-p));
	return fmin(1, sum);
}

double sf_median_boot_var(const double *v, size_t n)
{
	double *s = malloc((n ? 2 * n : 1) * sizeof(*s)), *p = s + n;
	double mean = 0, var = 0, below = 0;
	size_t k = (n + 1) / 2;

	if (!s || n < 2) {
		free(s);
		return NAN;
	}
	memcpy(s, v, n * sizeof(*s));
	qsort(s, n, sizeof(*s), cmp_double);
	/* p[j]: the chance that a resample's median is the (j+1)-th smallest */
	for (size_t j = 0; j < n; j++) {
		double upto = binom_tail(n, (double)(j + 1) / n, k);

		p[j] = upto - below;
		below = upto;
		mean += p[j] * s[j];
	}
	for (size_t j = 0; j < n; j++)
		var += p[j] * (s[j] - mean) * (s[j] - mean);
	free(s);
	return var;
}

double sf_cv_of(const double *v, size_t n)
{
	double mean = 0, sq = 0;

	if (n < 2)
		return NAN;
	for (size_t i = 0; i < n; i++)
		mean += v[i];
	mean /= (double)n;
	for (size_t i = 0; i < n; i++)
		sq += (v[i] - mean) * (v[i] - mean);
	return mean ? sqrt(sq / (double)(n - 1)) / fabs(mean) : NAN;
}
