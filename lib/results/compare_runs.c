// SPDX-License-Identifier: MIT
/*
 * The run-level model of one stratum (sf_compare.h): rows x runs, each
 * run's shared offset estimated robustly from the rows that follow it and
 * taken out, each row's change tested on what remains, and the shared
 * shift between the sides tested on its own.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sf_compare.h"
#include "sf_stats.h"

#define FOLLOW_CORR	0.5	/* a row follows the offsets: correlation at least */
#define FACTOR_PASSES	3
/* a row whose values agree to this (a square on the log scale) has no spread: a counter */
#define NO_SPREAD	1e-18

/* Side means and the deviations from them; false without a run on each side. */
static bool row_centre(const struct sf_runs_model *m, struct sf_run_row *r, double *u)
{
	double sum[2] = { 0, 0 };
	int cnt[2] = { 0, 0 };

	for (int k = 0; k < r->n; k++) {
		sum[m->side[r->col[k]]] += r->z[k];
		cnt[m->side[r->col[k]]]++;
	}
	r->nb = cnt[0];
	r->nn = cnt[1];
	if (!cnt[0] || !cnt[1])
		return false;
	r->mb = sum[0] / cnt[0];
	r->d = sum[1] / cnt[1] - r->mb;
	for (int k = 0; k < r->n; k++)
		u[k] = r->z[k] - sum[m->side[r->col[k]]] / cnt[m->side[r->col[k]]];
	return true;
}

/*
 * The offsets over the row's own runs, centred within each side (so that
 * a row without some run is fitted on what it has); their sum of squares.
 */
static double row_offsets(const struct sf_runs_model *m, const struct sf_run_row *r, double *o,
			  double *mean_b, double *mean_n)
{
	double sum[2] = { 0, 0 }, ss = 0;
	int cnt[2] = { 0, 0 };

	for (int k = 0; k < r->n; k++) {
		sum[m->side[r->col[k]]] += m->off[r->col[k]];
		cnt[m->side[r->col[k]]]++;
	}
	for (int s = 0; s < 2; s++)
		sum[s] = cnt[s] ? sum[s] / cnt[s] : 0;
	for (int k = 0; k < r->n; k++) {
		o[k] = m->off[r->col[k]] - sum[m->side[r->col[k]]];
		ss += o[k] * o[k];
	}
	*mean_b = sum[0];
	*mean_n = sum[1];
	return ss;
}

/* Does the row move with the offsets (and vary at all)? */
static bool follows(const struct sf_runs_model *m, const struct sf_run_row *r, const double *u)
{
	double o[SF_RUNS_MAX], mb, mn, so = row_offsets(m, r, o, &mb, &mn), su = 0, uo = 0;

	if (r->n != m->ncol)
		return false;	/* only rows with every run set the offsets */
	for (int k = 0; k < r->n; k++) {
		su += u[k] * u[k];
		uo += u[k] * o[k];
	}
	return su > NO_SPREAD * r->n && so > 0 && uo > FOLLOW_CORR * sqrt(su * so);
}

/* off[c] = median over the chosen rows of their deviation in run c, centred within each side. */
static void set_offsets(struct sf_runs_model *m, struct sf_run_row *rows, int n,
			double *const *u, const bool *use)
{
	double *v = malloc((n + 1) * sizeof(*v)), sum[2] = { 0, 0 };
	int cnt[2] = { 0, 0 };

	if (!v)
		return;
	for (int c = 0; c < m->ncol; c++) {
		int k = 0;

		for (int i = 0; i < n; i++)
			for (int j = 0; use[i] && j < rows[i].n; j++)
				if (rows[i].col[j] == c)
					v[k++] = u[i][j];
		m->off[c] = k ? sf_median_of(v, (size_t)k) : 0;
		sum[m->side[c]] += m->off[c];
		cnt[m->side[c]]++;
	}
	for (int c = 0; c < m->ncol; c++)
		m->off[c] -= sum[m->side[c]] / cnt[m->side[c]];
	free(v);
}

/*
 * The offsets: first from every row that varies, then, FACTOR_PASSES
 * times, from the rows that follow them (times and rates do, with the
 * speed of the boot; a counter that never moves does not).  Returns the
 * number of rows they rest on.
 */
static int fit_offsets(struct sf_runs_model *m, struct sf_run_row *rows, int n, double *const *u,
		       bool *use)
{
	int k = 0;

	for (int i = 0; i < n; i++) {
		double su = 0;

		for (int j = 0; u[i] && j < rows[i].n; j++)
			su += u[i][j] * u[i][j];
		use[i] = u[i] && rows[i].logs && su > NO_SPREAD * rows[i].n && rows[i].n == m->ncol;
	}
	for (int i = 0; i < n; i++)
		k += use[i];
	if (k < SF_FACTOR_MIN_ROWS)
		return 0;
	set_offsets(m, rows, n, u, use);
	for (int pass = 0; pass < FACTOR_PASSES; pass++) {
		bool *fol = malloc((n + 1) * sizeof(*fol));
		int f = 0;

		if (!fol)
			break;
		for (int i = 0; i < n; i++)
			f += fol[i] = use[i] && follows(m, &rows[i], u[i]);
		/* too few follow runs that hardly moved: the offsets of every row that varies */
		if (f >= SF_FACTOR_MIN_ROWS) {
			memcpy(use, fol, n * sizeof(*use));
			k = f;
			set_offsets(m, rows, n, u, use);
		}
		free(fol);
		if (f < SF_FACTOR_MIN_ROWS)
			break;
	}
	return k;
}

/*
 * One row's least squares on [1, new side, run level]: the run level of a
 * run is its offset, plus the shared shift on the new side.  Without the
 * offsets, the plain two-sample fit.
 */
#define LAMBDA_MAX	2.0

static void row_fit(const struct sf_runs_model *m, struct sf_run_row *r, const double *u)
{
	double o[SF_RUNS_MAX], mb, mn, so = 0, su = 0, uo = 0, g;

	for (int k = 0; k < r->n; k++)
		su += u[k] * u[k];
	if (su < NO_SPREAD * r->n)
		su = 0;
	r->lambda = 0;
	r->est = r->d;
	r->cee = 1.0 / r->nb + 1.0 / r->nn;
	r->df = r->n - 2;
	r->s2 = r->df > 0 ? su / r->df : NAN;
	if (m->factor && r->logs && r->n > 3)
		so = row_offsets(m, r, o, &mb, &mn);
	if (!(so > 0))
		return;
	for (int k = 0; k < r->n; k++)
		uo += u[k] * o[k];
	/* the run levels' gap between the sides over the row's runs */
	g = m->shift + mn - mb;
	/*
	 * A row follows the run level once (times, rates on the cost scale),
	 * not at all (counters), or in between; a slope outside [0, 2] from a
	 * handful of runs is their noise, and multiplied by a shared shift far
	 * beyond the offsets it fitted (6.1 -> 6.12 under icount: offsets 0.07%,
	 * shift 3.1%) it made a row 8% faster read 365% slower.
	 */
	r->lambda = fmin(LAMBDA_MAX, fmax(0, uo / so));
	r->est = r->d - r->lambda * g;
	r->cee += g * g / so;
	r->df = r->n - 3;
	r->s2 = fmax(0, su - uo * uo / so) / r->df;
}

/* The shared shift: the median change of the rows that follow the offsets, and its spread. */
static void shared_shift(struct sf_runs_model *m, const struct sf_run_row *rows, int n,
			 const bool *use)
{
	double *d = malloc((n + 1) * sizeof(*d)), ss = 0;
	int k = 0, nside[2] = { 0, 0 };

	m->shift = 0;
	m->shift_se = m->shift_df = NAN;
	if (!d)
		return;
	for (int i = 0; i < n; i++)
		if (use[i])
			d[k++] = rows[i].d;
	if (k)
		m->shift = sf_median_of(d, (size_t)k);
	free(d);
	for (int c = 0; c < m->ncol; c++) {
		ss += m->off[c] * m->off[c];
		nside[m->side[c]]++;
	}
	m->shift_df = m->ncol - 2;
	if (m->shift_df > 0 && nside[0] && nside[1]) {
		m->boot_sd = sqrt(ss / m->shift_df);
		m->shift_se = m->boot_sd * sqrt(1.0 / nside[0] + 1.0 / nside[1]);
	}
}

/* chi-square(k)'s q-quantile over k (Wilson and Hilferty: within 1% from k = 2) */
static double chisq_over_k(double z_q, double k)
{
	double h = 2 / (9 * k), c = 1 - h + z_q * sqrt(h);

	return c * c * c;
}

/*
 * Are the offsets beyond what the rows' own noise makes of them?  Each is
 * a median over nfactor rows, so with no boot effect its variance is about
 * pi/2 s2 / nfactor, s2 the rows' typical variance left after their own
 * lambda; the offsets' spread (boot_sd, ncol - 2 df) must exceed that at
 * the 5% level, else they are noise (icount, a quiet host): on a
 * deterministic clock an A/A's offsets of 4e-6 against a row noise of
 * 6e-5 made lambdas of -858 and a shared shift of -0.006% marked WORSE.
 */
static bool offsets_real(const struct sf_runs_model *m, struct sf_run_row *rows, int n,
			 double *const *u, const bool *use)
{
	double *v = malloc((n + 1) * sizeof(*v)), s2;
	int k = 0;

	if (!v)
		return true;
	for (int i = 0; i < n; i++) {
		double o[SF_RUNS_MAX], mb, mn, so, su = 0, uo = 0;

		if (!use[i] || rows[i].n <= 3)
			continue;
		so = row_offsets(m, &rows[i], o, &mb, &mn);
		for (int j = 0; j < rows[i].n; j++) {
			su += u[i][j] * u[i][j];
			uo += u[i][j] * o[j];
		}
		v[k++] = so > 0 ? fmax(0, su - uo * uo / so) / (rows[i].n - 3) : su / (rows[i].n - 2);
	}
	s2 = k ? sf_median_of(v, (size_t)k) : 0;
	free(v);
	return m->boot_sd * m->boot_sd >
	       chisq_over_k(1.645, m->shift_df) * M_PI / 2 * s2 / m->nfactor;
}

/* Each row's moderated variance and the standard error of its change. */
static void moderate(struct sf_runs_model *m, struct sf_run_row *rows, int n, double *const *u)
{
	double *s2 = malloc((n + 1) * 4 * sizeof(*s2)), *df = s2 + n + 1, *x = df + n + 1;
	double *d0 = x + n + 1;
	int nside[2] = { 0, 0 };

	for (int c = 0; c < m->ncol; c++)
		nside[m->side[c]]++;
	if (!s2)
		return;
	for (int i = 0; i < n; i++) {
		bool in = u[i] && rows[i].logs && rows[i].df > 0;

		s2[i] = in ? rows[i].s2 : NAN;
		df[i] = in ? rows[i].df : 0;
		x[i] = rows[i].x;
	}
	sf_prior_fit(s2, df, x, n, &m->prior, d0);
	for (int i = 0; i < n; i++) {
		struct sf_run_row *r = &rows[i];
		double v;

		if (!u[i] || !(r->df > 0))
			continue;
		r->d0 = r->logs ? d0[i] : 0;	/* raw values: no common scale, its own */
		v = r->logs ? sf_prior_moderate(&m->prior, r->d0, r->s2, r->df, r->x, &r->dfv) : r->s2;
		if (!r->logs)
			r->dfv = r->df;
		/*
		 * Run medians cannot agree more closely than each median's own
		 * repeats let it: a row whose repeats take two levels (flush
		 * size=64 in a real-time TCG guest, about 172 or 48 ns a repeat)
		 * has a median that flips between them by run, and three runs a
		 * side that happen to flip one way each read as a change with no
		 * spread.  The variance across runs is held to at least the
		 * medians' bootstrap variance within their runs.  The part of it
		 * the floor adds is the row's own, not the prior's: its degrees
		 * of freedom move from the moderated ones toward the row's own
		 * in that share (harmonically, as Welch-Satterthwaite combines
		 * two variances), so a floor that adds little changes little.
		 */
		if (isfinite(r->vmed) && r->vmed > v) {
			double w = 1 - v / r->vmed;

			r->dfv = 1 / ((1 - w) / r->dfv + w / r->df);
			v = r->vmed;
		}
		/* the shared shift is a median over nfactor rows: its own noise, as a row's */
		r->se = sqrt(v * r->cee + (m->factor ? r->lambda * r->lambda * M_PI / 2 / m->nfactor *
					   sf_prior_s2(&m->prior, r->x) *
					   (1.0 / nside[0] + 1.0 / nside[1]) : 0));
		r->sd = sqrt(v);
	}
	free(s2);
}

/*
 * The shared shift is the median of its rows' changes: it is only as sure
 * as those changes agree, as well as the runs' offsets say.  The rows'
 * own changes differ (their noise, and their own effects: under icount a
 * row can move by a few thousandths of a percent and stay there), so the
 * median's standard error from the rows' spread (MAD, normal-consistent;
 * pi/2 for a median) joins the offsets'.  Without it an icount A/A, whose
 * boots agree to 0.0004%, marked a median change of a few thousandths.
 */
static void shift_own_noise(struct sf_runs_model *m, const struct sf_run_row *rows, int n,
			    const bool *use)
{
	double *v = malloc((n + 1) * sizeof(*v)), mad;
	int k = 0;

	if (!v || !isfinite(m->shift_se)) {
		free(v);
		return;
	}
	for (int i = 0; i < n; i++)
		if (use[i] && isfinite(rows[i].d))
			v[k++] = fabs(rows[i].d - m->shift);
	if (k > 1) {
		mad = 1.4826 * sf_median_of(v, (size_t)k);
		m->shift_se = sqrt(m->shift_se * m->shift_se + M_PI / 2 * mad * mad / k);
	}
	free(v);
}

int sf_runs_fit(struct sf_runs_model *m, struct sf_run_row *rows, int n)
{
	double **u = calloc(n + 1, sizeof(*u));
	bool *use = calloc(n + 1, sizeof(*use));
	int ret = -1;

	m->factor = false;
	m->nfactor = 0;
	m->shift = m->boot_sd = 0;
	m->shift_se = m->shift_df = NAN;
	memset(m->off, 0, sizeof(m->off));
	memset(&m->prior, 0, sizeof(m->prior));
	if (!u || !use)
		goto out;
	for (int i = 0; i < n; i++) {
		rows[i].est = rows[i].se = rows[i].sd = rows[i].d = NAN;
		rows[i].df = 0;
		u[i] = malloc(SF_RUNS_MAX * sizeof(double));
		if (!u[i])
			goto out;
		if (!row_centre(m, &rows[i], u[i]) || rows[i].n < 3) {
			free(u[i]);
			u[i] = NULL;
		}
	}
	m->nfactor = fit_offsets(m, rows, n, u, use);
	if (m->nfactor) {
		shared_shift(m, rows, n, use);
		m->factor = m->shift_df > 0 && offsets_real(m, rows, n, u, use);
	}
	if (!m->factor) {
		m->nfactor = 0;
		m->shift = 0;
		m->shift_se = m->shift_df = NAN;
		memset(m->off, 0, sizeof(m->off));
	}
	for (int i = 0; i < n; i++)
		if (u[i])
			row_fit(m, &rows[i], u[i]);
	moderate(m, rows, n, u);
	if (m->factor)
		shift_own_noise(m, rows, n, use);
	ret = 0;
out:
	for (int i = 0; u && i < n; i++)
		free(u[i]);
	free(u);
	free(use);
	return ret;
}
