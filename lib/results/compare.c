// SPDX-License-Identifier: MIT
/*
 * Hodges-Lehmann change with its exact Mann-Whitney interval (see
 * sf_compare.h for why), and the keys results are paired by.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sf_compare.h"

/* Above this many DP cells the normal approximation is used (and is good). */
#define MW_EXACT_CELLS	(1u << 20)

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/*
 * Exact null distribution of U (pairs with x < y) for sizes n <= m as
 * cumulative probabilities cdf[0..nm].  f(a, b, u) counts arrangements of
 * a x's and b y's with U = u; the largest element is either an x (adds
 * nothing) or a y (above all a x's: adds a), hence
 * f(a, b, u) = f(a - 1, b, u) + f(a, b - 1, u - a).
 */
static double *mw_exact(int n, int m)
{
	size_t nm = (size_t)n * m, w = nm + 1;
	double *prev = calloc((n + 1) * w, sizeof(double));
	double *cur = calloc((n + 1) * w, sizeof(double));
	double *cdf = NULL, total = 0, acc = 0;

	if (!prev || !cur)
		goto out;
	for (int a = 0; a <= n; a++)
		prev[a * w] = 1;	/* b = 0: U = 0 */
	for (int b = 1; b <= m; b++) {
		memset(cur, 0, (n + 1) * w * sizeof(double));
		cur[0] = 1;		/* a = 0 */
		for (int a = 1; a <= n; a++)
			for (size_t u = 0; u <= (size_t)a * b; u++)
				cur[a * w + u] = cur[(a - 1) * w + u] +
					(u >= (size_t)a ? prev[a * w + u - a] : 0);
		double *t = prev;
		prev = cur;
		cur = t;
	}
	cdf = malloc(w * sizeof(double));
	if (!cdf)
		goto out;
	for (size_t u = 0; u <= nm; u++)
		total += prev[n * w + u];
	for (size_t u = 0; u <= nm; u++) {
		acc += prev[n * w + u];
		cdf[u] = acc / total;
	}
out:
	free(prev);
	free(cur);
	return cdf;
}

static bool mw_use_exact(int n, int m)
{
	int small = n < m ? n : m;

	return (size_t)(small + 1) * ((size_t)n * m + 1) <= MW_EXACT_CELLS;
}

static double mw_normal_cdf(int n, int m, int k)
{
	double mean = (double)n * m / 2;
	double sd = sqrt((double)n * m * (n + m + 1) / 12);

	return 0.5 * erfc(-((k + 0.5 - mean) / sd) / sqrt(2));
}

double sf_mw_cdf(int n, int m, int k)
{
	double *cdf, p;

	if (k < 0)
		return 0;
	if ((long)k >= (long)n * m)
		return 1;
	if (!mw_use_exact(n, m))
		return mw_normal_cdf(n, m, k);
	cdf = mw_exact(n < m ? n : m, n < m ? m : n);
	if (!cdf)
		return mw_normal_cdf(n, m, k);
	p = cdf[k];
	free(cdf);
	return p;
}

int sf_mw_ci_rank(int n, int m, double level, double *coverage)
{
	double tail = (1 - level) / 2, *cdf = NULL;
	long nm = (long)n * m;
	int k = 0;

	*coverage = NAN;
	if (n < 1 || m < 1)
		return 0;
	if (mw_use_exact(n, m))
		cdf = mw_exact(n < m ? n : m, n < m ? m : n);
	/* largest k with P(U <= k - 1) <= tail; the interval keeps 2k - 1 ... */
	while (k + 1 <= (nm + 1) / 2) {
		double p = cdf ? cdf[k] : mw_normal_cdf(n, m, k);

		if (p > tail)
			break;
		k++;
	}
	if (k > 0)
		*coverage = 1 - 2 * (cdf ? cdf[k - 1] : mw_normal_cdf(n, m, k - 1));
	free(cdf);
	return k;
}

static double median_sorted(const double *v, size_t n)
{
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static double median_of(const double *v, int n)
{
	double *t, r;

	if (n < 1)
		return NAN;
	t = malloc(n * sizeof(*t));
	if (!t)
		return NAN;
	memcpy(t, v, n * sizeof(*t));
	qsort(t, n, sizeof(*t), cmp_double);
	r = median_sorted(t, n);
	free(t);
	return r;
}

/*
 * Two-sided p-value of the Mann-Whitney test: U counts the pairs where new
 * exceeds base (ties count half).  The null distribution assumes no ties,
 * which makes the test conservative when there are many.
 */
static double mw_p(const double *base, int nb, const double *new, int nn)
{
	double u = 0, lo, hi;
	long nm = (long)nb * nn;

	for (int i = 0; i < nb; i++)
		for (int j = 0; j < nn; j++)
			u += new[j] > base[i] ? 1 : new[j] == base[i] ? 0.5 : 0;
	lo = sf_mw_cdf(nb, nn, (int)floor(u));
	hi = 1 - sf_mw_cdf(nb, nn, (int)ceil(u) - 1);	/* P(U >= ceil(u)) */
	if (nm == 0)
		return 1;
	return fmin(1, 2 * fmin(lo, hi));
}

double sf_fdr_cutoff(const double *p, int n, double q)
{
	double *s = malloc((n ? n : 1) * sizeof(*s)), cut = 0;

	if (!s || n < 1) {	/* memcpy/qsort of NULL is undefined even for 0 */
		free(s);
		return 0;
	}
	memcpy(s, p, n * sizeof(*s));
	qsort(s, n, sizeof(*s), cmp_double);
	for (int i = n - 1; i >= 0; i--)
		if (s[i] <= q * (i + 1) / n) {
			cut = s[i];
			break;
		}
	free(s);
	return cut;
}

/* A shift d on the compared scale (logs when ratio) as % of base; NAN at base 0. */
static double shift_pct(double d, bool ratio, double base)
{
	if (ratio)
		return (exp(d) - 1) * 100;
	return base != 0 ? d / fabs(base) * 100 : NAN;
}

static double to_pct(const struct sf_change *c, double d, enum sf_better better)
{
	double pct = shift_pct(d, c->ratio, c->base);

	return better == SF_HIGHER ? pct : -pct;
}

static void verdict(struct sf_change *c, double shift, enum sf_better better,
		    double noise_pct)
{
	bool up = shift > 0;

	c->verdict = SF_SAME;
	if (!c->excludes_zero)
		return;
	/* with a zero base there is no percentage to hold against the floor */
	if (!isnan(c->pct) && fabs(c->pct) <= noise_pct)
		return;
	c->verdict = (up == (better == SF_HIGHER)) ? SF_BETTER : SF_WORSE;
}

double sf_t_quantile(double q, double df)
{
	double lo = 0, hi = 1e4, p2 = 2 * (1 - q);	/* two-sided p of the quantile */

	for (int i = 0; i < 200 && hi - lo > 1e-10; i++) {
		double mid = (lo + hi) / 2;

		if (sf_t_two_sided_p(mid, df) > p2)
			lo = mid;
		else
			hi = mid;
	}
	return (lo + hi) / 2;
}

double sf_power_shift(double alpha, double df, double se)
{
	return (sf_t_quantile(1 - alpha / 2, df) + sf_t_quantile(0.80, df)) * se;
}

double sf_detectable_pct(double s, int nb, int nn, bool ratio, double base, double noise_pct)
{
	double d, pct;

	if (nb < 2 || nn < 2 || !isfinite(s) || s < 0)
		return NAN;
	d = sf_power_shift(0.05, nb + nn - 2, s * sqrt(1.0 / nb + 1.0 / nn)) * sqrt(M_PI / 3);
	pct = shift_pct(d, ratio, base);
	if (isnan(pct))
		return NAN;
	return pct > noise_pct ? pct : noise_pct;
}

/* Pooled standard deviation of both sides (on logs when ratio). */
static double pooled_sd(const double *base, int nb, const double *new, int nn, bool ratio)
{
	double q = 0, mb = 0, mn = 0;

	if (nb + nn < 3)
		return NAN;
	for (int i = 0; i < nb; i++)
		mb += (ratio ? log(base[i]) : base[i]) / nb;
	for (int j = 0; j < nn; j++)
		mn += (ratio ? log(new[j]) : new[j]) / nn;
	for (int i = 0; i < nb; i++)
		q += pow((ratio ? log(base[i]) : base[i]) - mb, 2);
	for (int j = 0; j < nn; j++)
		q += pow((ratio ? log(new[j]) : new[j]) - mn, 2);
	return sqrt(q / (nb + nn - 2));
}

int sf_compare_values(const double *base, int nb, const double *new, int nn,
		      enum sf_better better, double noise_pct, struct sf_change *c)
{
	size_t nd = (size_t)nb * nn;
	double *d, shift, dlo, dhi;
	int k;

	memset(c, 0, sizeof(*c));
	c->nbase = nb;
	c->nnew = nn;
	c->pct = c->lo = c->hi = c->coverage = c->detectable = NAN;
	if (nb < 1 || nn < 1)
		return -1;
	c->ratio = true;
	for (int i = 0; i < nb; i++) {
		if (!isfinite(base[i]))
			return -1;
		c->ratio &= base[i] > 0;
	}
	for (int j = 0; j < nn; j++) {
		if (!isfinite(new[j]))
			return -1;
		c->ratio &= new[j] > 0;
	}
	c->base = median_of(base, nb);
	c->new = median_of(new, nn);
	d = malloc(nd * sizeof(*d));
	if (!d)
		return -1;
	for (int i = 0; i < nb; i++)
		for (int j = 0; j < nn; j++)
			d[(size_t)i * nn + j] = c->ratio ? log(new[j]) - log(base[i]) :
						new[j] - base[i];
	qsort(d, nd, sizeof(*d), cmp_double);
	shift = median_sorted(d, nd);
	c->pct = to_pct(c, shift, better);
	if (!c->ratio && c->base == 0)
		snprintf(c->why, sizeof(c->why), "base is 0: no percentage");

	c->p = mw_p(base, nb, new, nn);
	k = sf_mw_ci_rank(nb, nn, SF_CI_LEVEL, &c->coverage);
	if (!k) {
		c->verdict = SF_NO_CI;
		snprintf(c->why, sizeof(c->why),
			 "%d vs %d repeats: a 95%% CI needs >= 4 per side", nb, nn);
		free(d);
		return 0;
	}
	dlo = d[k - 1];
	dhi = d[nd - k];
	free(d);
	c->has_ci = true;
	c->detectable = sf_detectable_pct(pooled_sd(base, nb, new, nn, c->ratio), nb, nn,
					  c->ratio, c->base, noise_pct);
	c->excludes_zero = dlo > 0 || dhi < 0;
	if (!isnan(c->pct)) {
		double a = to_pct(c, dlo, better), b = to_pct(c, dhi, better);

		c->lo = a < b ? a : b;
		c->hi = a < b ? b : a;
	}
	verdict(c, shift, better, noise_pct);
	if (better == SF_DIAGNOSTIC) {
		c->verdict = SF_SAME;	/* shown, never marked */
		c->detectable = NAN;
		c->diagnostic = true;
	}
	return 0;
}

void sf_target_key(const struct sf_target *t, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s", t->fs[0] ? t->fs : "none", t->dax ? "-dax" : "");
}

static int cmp_kv(const void *a, const void *b)
{
	return strcmp(((const struct sf_kv *)a)->k, ((const struct sf_kv *)b)->k);
}

void sf_result_key(const struct sf_result *r, bool with_target, char *buf, size_t len)
{
	struct sf_kv *kv = malloc((r->nparams + 1) * sizeof(*kv));
	size_t off;

	off = snprintf(buf, len, "%s", r->bench);
	if (kv && r->nparams) {
		memcpy(kv, r->params, r->nparams * sizeof(*kv));
		qsort(kv, r->nparams, sizeof(*kv), cmp_kv);
	}
	for (int i = 0; kv && i < r->nparams; i++) {
		if (!strcmp(kv[i].k, "repeats"))
			continue;
		off += snprintf(buf + off, off < len ? len - off : 0, " %s=%s",
				kv[i].k, kv[i].v);
	}
	free(kv);
	if (with_target) {
		char t[64];

		sf_target_key(&r->target, t, sizeof(t));
		snprintf(buf + off, off < len ? len - off : 0, " @%s", t);
	}
}

/*
 * Regularized incomplete beta I_x(a, b) by its continued fraction (modified
 * Lentz), using the symmetry I_x(a, b) = 1 - I_{1-x}(b, a) where the
 * fraction converges slowly.
 */
static double beta_cf(double a, double b, double x)
{
	const double tiny = 1e-300;
	double c = 1, d = 1 - (a + b) * x / (a + 1), h;

	d = fabs(d) < tiny ? 1 / tiny : 1 / d;
	h = d;
	for (int m = 1; m <= 300; m++) {
		double m2 = 2.0 * m, num, del;

		num = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
		d = 1 + num * d;
		c = 1 + num / c;
		d = fabs(d) < tiny ? 1 / tiny : 1 / d;
		c = fabs(c) < tiny ? tiny : c;
		h *= d * c;
		num = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
		d = 1 + num * d;
		c = 1 + num / c;
		d = fabs(d) < tiny ? 1 / tiny : 1 / d;
		c = fabs(c) < tiny ? tiny : c;
		del = d * c;
		h *= del;
		if (fabs(del - 1) < 1e-12)
			break;
	}
	return h;
}

double sf_beta_reg(double a, double b, double x)
{
	double front;

	if (x <= 0)
		return 0;
	if (x >= 1)
		return 1;
	front = exp(lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log(1 - x));
	if (x < (a + 1) / (a + b + 2))
		return front * beta_cf(a, b, x) / a;
	return 1 - front * beta_cf(b, a, 1 - x) / b;
}

double sf_t_two_sided_p(double t, double df)
{
	return sf_beta_reg(df / 2, 0.5, df / (df + t * t));
}
