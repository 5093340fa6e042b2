// SPDX-License-Identifier: MIT
/*
 * The variance prior of the run-level model (sf_compare.h): what the rows
 * of one stratum say a row's variance across runs is likely to be, fitted
 * robustly, and each row's variance moderated toward it.
 *
 * The method is limma's (Smyth 2004; its robust fit, Phipson, Lee,
 * Majewski, Alexander and Smyth 2016, "Robust hyperparameter estimation
 * protects against hypervariable genes and improves power to detect
 * differential expression"), written here from the papers: the rows'
 * variances s2 with df1 degrees of freedom are a scaled F(df1, d0)
 * sample around s0sq.  The robust fit matches the mean and variance of
 * the Winsorized log variances with those of a Winsorized log F, so that
 * a few rows far noisier than the rest do not pull d0 down for all; those
 * rows then get a d0 of their own, shrunk toward what an outlier needs,
 * so that one noisy metric cannot borrow the calm of the others.
 * digamma, trigamma and the F and chi-square distributions are written
 * out because the library that has them (GSL) is GPL and this is MIT.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sf_compare.h"

#define WINSOR_LO	0.05	/* Winsorized tails of the log variances */
#define WINSOR_HI	0.10
#define SIMPSON_N	200	/* intervals of the Winsorized-moment integrals */
/*
 * A prior learned from k rows is worth no more than they can show: the
 * spread of their log variances is taken at its upper bound, this many
 * standard errors (sqrt(2 / (k - 1)) of it) above its estimate, before
 * it sets d0.
 */
#define PRIOR_SE	2.0

/* ---- special functions ---- */

/*
 * Digamma and trigamma: the recurrence up to x >= 8, then their
 * asymptotic series (error below 1e-12 there).
 */
double sf_digamma(double x)
{
	double r = 0, f;

	for (; x < 8; x++)
		r -= 1 / x;
	f = 1 / (x * x);
	return r + log(x) - 0.5 / x -
	       f * (1.0 / 12 - f * (1.0 / 120 - f * (1.0 / 252 - f * (1.0 / 240 - f / 132))));
}

double sf_trigamma(double x)
{
	double r = 0, f;

	for (; x < 8; x++)
		r += 1 / (x * x);
	f = 1 / (x * x);
	return r + 1 / x + f / 2 +
	       f / x * (1.0 / 6 - f * (1.0 / 30 - f * (1.0 / 42 - f * (1.0 / 30 - f * 5 / 66))));
}

/* x with trigamma(x) = y: trigamma falls from +inf to 0, so bisect on log x. */
static double trigamma_inverse(double y)
{
	double lo = log(1e-8), hi = log(1e12);

	for (int i = 0; i < 200 && hi - lo > 1e-12; i++) {
		double mid = (lo + hi) / 2;

		if (sf_trigamma(exp(mid)) > y)
			lo = mid;
		else
			hi = mid;
	}
	return exp((lo + hi) / 2);
}

/* Regularized lower incomplete gamma P(a, x): its series below a + 1, else the fraction. */
static double gamma_p(double a, double x)
{
	double lead, sum, term, b, c, d, h;

	if (x <= 0)
		return 0;
	lead = exp(a * log(x) - x - lgamma(a));
	if (x < a + 1) {
		sum = term = 1 / a;
		for (int n = 1; n < 1000 && fabs(term) > fabs(sum) * 1e-15; n++) {
			term *= x / (a + n);
			sum += term;
		}
		return fmin(1, sum * lead);
	}
	b = x + 1 - a;
	c = 1e300;
	d = 1 / b;
	h = d;
	for (int n = 1; n < 1000; n++) {
		double an = -n * (n - a), del;

		b += 2;
		d = an * d + b;
		d = fabs(d) < 1e-300 ? 1e-300 : d;
		c = b + an / c;
		c = fabs(c) < 1e-300 ? 1e-300 : c;
		d = 1 / d;
		del = d * c;
		h *= del;
		if (fabs(del - 1) < 1e-15)
			break;
	}
	return fmax(0, 1 - lead * h);
}

/* P(F <= f) for F(d1, d2); d2 infinite: chi-square(d1) / d1. */
static double f_cdf(double f, double d1, double d2)
{
	if (f <= 0)
		return 0;
	if (isinf(d2))
		return gamma_p(d1 / 2, d1 * f / 2);
	return sf_beta_reg(d1 / 2, d2 / 2, d1 * f / (d1 * f + d2));
}

/* log of the density of F(d1, d2) at f > 0 (chi-square(d1) / d1 when d2 is infinite). */
static double f_logpdf(double f, double d1, double d2)
{
	double h1 = d1 / 2;

	if (isinf(d2))
		return h1 * log(h1) - lgamma(h1) + (h1 - 1) * log(f) - h1 * f;
	return lgamma(h1 + d2 / 2) - lgamma(h1) - lgamma(d2 / 2) + h1 * log(d1 / d2) +
	       (h1 - 1) * log(f) - (h1 + d2 / 2) * log1p(d1 * f / d2);
}

/* The f with P(F <= f) = q, by bisection on log f. */
static double f_quantile(double q, double d1, double d2)
{
	double lo = -60, hi = 60;

	for (int i = 0; i < 100 && hi - lo > 1e-10; i++) {
		double mid = (lo + hi) / 2;

		if (f_cdf(exp(mid), d1, d2) < q)
			lo = mid;
		else
			hi = mid;
	}
	return exp((lo + hi) / 2);
}

/*
 * Mean and variance of log F(d1, d2) Winsorized at its WINSOR_LO and
 * 1 - WINSOR_HI quantiles: the tails sit at the quantiles, the middle is
 * integrated over t = log f by Simpson's rule.
 */
static void winsorized_moments(double d1, double d2, double *mean, double *var)
{
	double t1 = log(f_quantile(WINSOR_LO, d1, d2)), t2 = log(f_quantile(1 - WINSOR_HI, d1, d2));
	double h = (t2 - t1) / SIMPSON_N, w[SIMPSON_N + 1], m = 0, v = 0;

	for (int k = 0; k <= SIMPSON_N; k++) {
		double t = t1 + k * h;

		w[k] = (k == 0 || k == SIMPSON_N ? 1 : k % 2 ? 4 : 2) * h / 3 *
		       exp(f_logpdf(exp(t), d1, d2) + t);
		m += w[k] * t;
	}
	m += WINSOR_LO * t1 + WINSOR_HI * t2;
	for (int k = 0; k <= SIMPSON_N; k++)
		v += w[k] * (t1 + k * h - m) * (t1 + k * h - m);
	v += WINSOR_LO * (t1 - m) * (t1 - m) + WINSOR_HI * (t2 - m) * (t2 - m);
	*mean = m;
	*var = v;
}

/* ---- the fit ---- */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The q-quantile of v[0..n-1] (type 7: linear between order statistics). */
static double quantile(const double *v, int n, double q)
{
	double *s = malloc(n * sizeof(*s)), pos, r;
	int i;

	if (!s)
		return NAN;
	memcpy(s, v, n * sizeof(*s));
	qsort(s, n, sizeof(*s), cmp_double);
	pos = q * (n - 1);
	i = (int)floor(pos);
	r = i + 1 < n ? s[i] + (pos - i) * (s[i + 1] - s[i]) : s[n - 1];
	free(s);
	return r;
}

/*
 * The centre of the log variances: a line in the covariate where the
 * rows have one with spread (least squares, then again without the rows
 * outside the Winsorizing quantiles of the first fit's residuals), else
 * their mean with the WINSOR_HI tails trimmed.  Writes each row's centre.
 */
static bool centre_line(const double *z, const double *x, int k, double *centre,
			double *a, double *b)
{
	double *res = malloc(k * sizeof(*res)), lo = -INFINITY, hi = INFINITY;
	bool line = false;

	if (!res)
		return false;
	for (int i = 0; i < k; i++)
		res[i] = 0;
	for (int pass = 0; pass < 2; pass++) {
		double mx = 0, mz = 0, sxx = 0, sxz = 0;
		int n = 0;

		for (int i = 0; i < k; i++)
			if (isfinite(x[i]) && res[i] >= lo && res[i] <= hi) {
				mx += x[i];
				mz += z[i];
				n++;
			}
		if (n < SF_PRIOR_TREND_MIN_ROWS)
			break;
		mx /= n;
		mz /= n;
		for (int i = 0; i < k; i++)
			if (isfinite(x[i]) && res[i] >= lo && res[i] <= hi) {
				sxx += (x[i] - mx) * (x[i] - mx);
				sxz += (x[i] - mx) * (z[i] - mz);
			}
		if (!(sxx > 1e-9 * n))
			break;
		*b = sxz / sxx;
		*a = mz - *b * mx;
		line = true;
		for (int i = 0; i < k; i++)
			res[i] = isfinite(x[i]) ? z[i] - *a - *b * x[i] : 0;
		lo = quantile(res, k, WINSOR_LO);
		hi = quantile(res, k, 1 - WINSOR_HI);
	}
	if (!line) {
		double qlo = quantile(z, k, WINSOR_HI), qhi = quantile(z, k, 1 - WINSOR_HI), s = 0;
		int n = 0;

		for (int i = 0; i < k; i++)
			if (z[i] >= qlo && z[i] <= qhi) {
				s += z[i];
				n++;
			}
		*a = n ? s / n : quantile(z, k, 0.5);
		*b = 0;
	}
	for (int i = 0; i < k; i++)
		centre[i] = line && isfinite(x[i]) ? *a + *b * x[i] : *a;
	free(res);
	return line;
}

/*
 * limma's moment fit (fitFDist), the robust fit's lower bound for d0: the
 * spread of the log variances beyond their own sampling noise (trigamma
 * of df1 / 2) gives d0.
 */
static double d0_by_moments(const double *z, const double *centre, const double *df1, int k,
			    bool trend, double inflate)
{
	double evar = 0, tri = 0, shift = 0;

	for (int i = 0; i < k; i++)
		shift += (log(df1[i] / 2) - sf_digamma(df1[i] / 2)) / k;
	for (int i = 0; i < k; i++) {
		double h = df1[i] / 2, e = z[i] - sf_digamma(h) + log(h) - centre[i] - shift;

		evar += e * e / (k - 1 - trend);
		tri += sf_trigamma(h) / k;
	}
	/*
	 * The centre was fitted to z, not to e = z + log h - digamma h: e's
	 * centre is z's plus the mean of that shift (exact for equal df), so
	 * the shift is taken out with it; left in, it counted as spread.
	 */
	evar = evar * inflate - tri;
	return evar > 0 ? 2 * trigamma_inverse(evar) : INFINITY;
}

/* d0 whose Winsorized log-F variance is wvar, between lo and infinity. */
static double d0_by_winsorized(double df1, double wvar, double lo)
{
	double m, v, ulo = lo / (1 + lo), uhi = 1;

	winsorized_moments(df1, INFINITY, &m, &v);
	if (wvar <= v)
		return INFINITY;
	winsorized_moments(df1, lo, &m, &v);
	if (wvar >= v)
		return lo;
	/* the variance falls as d0 grows: bisect on u = d0 / (1 + d0) */
	for (int i = 0; i < 60 && uhi - ulo > 1e-9; i++) {
		double u = (ulo + uhi) / 2;

		winsorized_moments(df1, u / (1 - u), &m, &v);
		if (v > wvar)
			ulo = u;
		else
			uhi = u;
	}
	return (ulo + uhi) / 2 / (1 - (ulo + uhi) / 2);
}

struct tail {
	double p;	/* P(F > the row's F) under the fitted prior */
	int row;
};

static int cmp_tail(const void *a, const void *b)
{
	double x = ((const struct tail *)a)->p, y = ((const struct tail *)b)->p;

	return x < y ? -1 : x > y;
}

/*
 * Each row's own d0: a row whose variance is further out than its rank
 * among the rows would put it (its tail probability below the empirical
 * one) is likely an outlier, and its d0 is shrunk toward the d0 at which
 * the most extreme row would be the median; then made monotone in the
 * tail probability (the more extreme, the smaller).
 */
static void shrink_outliers(const double *f, int k, double df1, struct sf_prior *pr,
			    double *d0row)
{
	struct tail *t = malloc(k * sizeof(*t));
	double d0 = isinf(pr->d0) ? k * df1 : pr->d0, fmaxv = 0, lo = log(1e-3), hi = log(d0);
	double run = 0, best = INFINITY;
	int imin = 0;

	if (!t)
		return;
	for (int i = 0; i < k; i++) {
		t[i].p = 1 - f_cdf(f[i], df1, pr->d0);
		t[i].row = i;
		fmaxv = fmax(fmaxv, f[i]);
		d0row[i] = pr->d0;
	}
	/* the d0 at which the largest F is the median of F(df1, d0) */
	for (int i = 0; i < 80 && hi - lo > 1e-8; i++) {
		double mid = (lo + hi) / 2;

		if (1 - f_cdf(fmaxv, df1, exp(mid)) < 0.5)
			lo = mid;
		else
			hi = mid;
	}
	qsort(t, k, sizeof(*t), cmp_tail);
	for (int j = 0; j < k; j++) {	/* j: rank from the most extreme */
		double emp = (j + 0.5) / k, pno = fmin(1, t[j].p / emp);

		if (pno < 1) {
			d0row[t[j].row] = pno * d0 + (1 - pno) * exp((lo + hi) / 2);
			pr->shrunk++;
		}
	}
	/* monotone: the most extreme rows share the smallest running mean, then cummax */
	for (int j = 0; j < k; j++) {
		run += fmin(d0row[t[j].row], 1e12);
		if (run / (j + 1) < best) {
			best = run / (j + 1);
			imin = j;
		}
	}
	for (int j = 0; j <= imin && pr->shrunk; j++)
		d0row[t[j].row] = best;
	for (int j = 1; j < k; j++)
		d0row[t[j].row] = fmax(d0row[t[j].row], d0row[t[j - 1].row]);
	free(t);
}

int sf_prior_fit(const double *s2, const double *df, const double *x, int n,
		 struct sf_prior *pr, double *d0row)
{
	double *buf = malloc((n + 1) * 5 * sizeof(*buf));
	double *z = buf, *xx = z + n + 1, *c = xx + n + 1, *dk = c + n + 1, *w = dk + n + 1;
	double df1, wlo, whi, wm = 0, wv = 0, m, v, inflate;
	int k = 0, *idx = malloc((n + 1) * sizeof(*idx));

	memset(pr, 0, sizeof(*pr));
	pr->d0 = INFINITY;
	for (int i = 0; i < n; i++)
		d0row[i] = INFINITY;
	if (!buf || !idx) {
		free(buf);
		free(idx);
		return -1;
	}
	for (int i = 0; i < n; i++)
		if (s2[i] > 0 && isfinite(s2[i]) && df[i] > 0) {
			z[k] = log(s2[i]);
			xx[k] = x ? x[i] : NAN;
			dk[k] = df[i];
			idx[k++] = i;
		}
	pr->rows = k;
	if (k < SF_PRIOR_MIN_ROWS) {
		free(buf);
		free(idx);
		return -1;
	}
	df1 = quantile(dk, k, 0.5);
	pr->trend = centre_line(z, xx, k, c, &pr->a, &pr->b);

	/* Winsorized moments of the residual log variances */
	for (int i = 0; i < k; i++)
		w[i] = z[i] - c[i];
	wlo = quantile(w, k, WINSOR_LO);
	whi = quantile(w, k, 1 - WINSOR_HI);
	for (int i = 0; i < k; i++) {
		w[i] = fmin(fmax(w[i], wlo), whi);
		wm += w[i] / k;
	}
	for (int i = 0; i < k; i++)
		wv += (w[i] - wm) * (w[i] - wm) / (k - 1);
	inflate = 1 + PRIOR_SE * sqrt(2.0 / (k - 1));
	wv *= inflate;
	pr->d0 = d0_by_winsorized(df1, wv, fmax(1e-3, d0_by_moments(z, c, dk, k, pr->trend, inflate)));
	/* the centre of log s2 sits below log s0sq by the Winsorized mean of log F */
	winsorized_moments(df1, pr->d0, &m, &v);
	pr->a += wm - m;
	for (int i = 0; i < k; i++)
		w[i] = s2[idx[i]] / exp(c[i] + wm - m);	/* the rows' F statistics */
	shrink_outliers(w, k, df1, pr, c);
	for (int i = 0; i < k; i++)
		d0row[idx[i]] = c[i];
	for (int i = 0; i < n; i++)
		if (!(s2[i] > 0 && isfinite(s2[i]) && df[i] > 0))
			d0row[i] = pr->d0;
	pr->s0sq = exp(pr->a + pr->b * (pr->trend ? quantile(xx, k, 0.5) : 0));
	free(buf);
	free(idx);
	return 0;
}

double sf_prior_s2(const struct sf_prior *pr, double x)
{
	if (!pr->trend || !isfinite(x))
		return pr->s0sq;
	return exp(pr->a + pr->b * x);
}

double sf_prior_moderate(const struct sf_prior *pr, double d0, double s2, double df, double x,
			 double *df_post)
{
	double s0sq = sf_prior_s2(pr, x);

	if (pr->rows < SF_PRIOR_MIN_ROWS) {
		*df_post = df;
		return s2;
	}
	if (isinf(d0)) {
		*df_post = SF_DF_INFINITE;
		return s0sq;
	}
	*df_post = fmin(d0 + df, SF_DF_INFINITE);
	return (d0 * s0sq + df * s2) / (d0 + df);
}
